"""The outputs are the bytes recorded in ``tests/fixtures/golden/digests.json``.

The digests were recorded before the code was moved into subpackages (issue 11), from a
clean build of the repository and of the synthetic projects of scale 10 and 100. A change
that alters an output fails here with the files that differ; a change that is meant to
alter them re-records the digests (``python tests/fixtures/golden/record.py``) in the same
commit, so that the diff shows it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
sys.path.insert(0, str(GOLDEN))
import record  # noqa: E402  (the recorder is the oracle's own code: one definition of a digest)

sys.path.remove(str(GOLDEN))
RECORDED = json.loads((GOLDEN / "digests.json").read_text(encoding="utf-8"))


def _differences(recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    names = sorted(set(recorded) | set(now))
    return [f"{name}: recorded {recorded.get(name, 'absent')[:12]}, now {now.get(name, 'absent')[:12]}"
            for name in names if recorded.get(name) != now.get(name)]


def _check(name: str, now: dict) -> None:
    want = RECORDED[name]
    if now["inputs"] != want["inputs"]:
        pytest.fail(f"{name}: the inputs changed since the digests were recorded; if the new outputs are "
                    f"meant, run `python tests/fixtures/golden/record.py` and commit digests.json")
    for part in ("corpus", "outputs"):
        if part in want:
            diff = _differences(want[part], now[part])
            assert not diff, f"{name} {part} differ from the recorded bytes:\n" + "\n".join(diff)


def test_repository_build_is_byte_identical(repo_root, tmp_path):
    _check("repository", record.build_digests(repo_root, tmp_path / "build"))


@pytest.mark.parametrize("scale", record.SCALES)
def test_synthetic_build_is_byte_identical(scale, tmp_path):
    _check(f"synth-{scale}", record.synth_digests(scale, tmp_path / f"synth{scale}"))


def test_a_changed_output_is_reported():
    recorded = RECORDED["repository"]["outputs"]
    changed = dict(recorded, **{"graph.nt": "0" * 64})
    assert _differences(recorded, changed) == [f"graph.nt: recorded {recorded['graph.nt'][:12]}, now 000000000000"]
    assert _differences(recorded, recorded) == []
