"""Benchmark loading and the outputs (issue 15): a clean build and a one-file edit, step by step.

For a project root (by default the synthetic project of ``--scale``, written once into
``--work`` by ``cppcc-kg synth``) it measures, each a median of ``--runs``:

* an in-process clean build (``cache=False``): the seconds of every step (``parse``,
  ``store``, ``sources``, ``pinyin``, the validation checks, each output stage, ``summary``);
* an in-process build after a one-file edit: the English label of one document of one
  source is changed (then changed back, so that each run edits one file against the cache
  of the run before), with the cache of the previous build; the same steps;
* with ``--check``, that the outputs of the last edited build are byte for byte those of a
  clean build of the same files.

The seconds of a step are those the build reports (``result["seconds"]`` and the loader's);
validation runs in a thread beside the output stages, so ``total`` (the wall time) is less
than their sum. It runs against whatever ``cppcc_kg`` is importable: point ``PYTHONPATH``
at an older checkout to measure the code before a change with the same script.

    python bench/bench_outputs.py --scale 1000 --runs 3
    PYTHONPATH=/path/to/old/checkout python bench/bench_outputs.py --scale 1000 --runs 3
"""
from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import (  # (one definition of the machine loop and of the corpus)
    machine_speed,
    synth_root,
)

#: the file edited, relative to the project root, and the label changed in it (synthetic projects)
EDITED = "graph/synth-0001/entities.ttl"
LABEL = '"Five-year work plan synth-0001-0"@en'


def one_build(root: Path, out: Path, *, cache: bool) -> dict:
    """The step seconds of one build, in a child process (each build starts from a fresh interpreter)."""
    code = ("import json, sys\nfrom cppcc_kg.build.pipeline import build\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "from bench_scale import step_seconds\n"
            f"r = build({str(root)!r}, {str(out)!r}, cache={cache!r})\n"
            "print(json.dumps(step_seconds(r)))\n")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if got.returncode != 0:
        raise SystemExit(f"the build of {root} failed:\n{got.stderr[-3000:]}")
    return json.loads(got.stdout.strip().splitlines()[-1])


def toggle_edit(root: Path) -> None:
    """Change the English label of one document in :data:`EDITED`, or change it back."""
    path = root / EDITED
    text = path.read_text(encoding="utf-8")
    edited = LABEL.replace('"@en', ' (edited)"@en')
    if edited in text:
        path.write_text(text.replace(edited, LABEL), encoding="utf-8")
    elif LABEL in text:
        path.write_text(text.replace(LABEL, edited), encoding="utf-8")
    else:
        raise SystemExit(f"{path}: the label {LABEL} is not there (a synthetic project of seed 0 is needed)")


def same_outputs(a: Path, b: Path) -> list[str]:
    """The files that differ between the output folders *a* and *b* (none: byte-identical)."""
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                     and filecmp.cmp(a / n, b / n, shallow=False))]


def medians(rows: list[dict]) -> dict:
    keys = sorted({k for r in rows for k in r})
    return {k: round(statistics.median(r[k] for r in rows if k in r), 2) for k in keys}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--root", type=Path, help="a project root instead of a synthetic one")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-outputs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--check", action="store_true", help="compare the edited build with a clean one")
    ap.add_argument("--skip-clean", action="store_true", help="only the one-file edit")
    ap.add_argument("--compare-with", type=Path, help="an output folder of the same files (by older code): "
                    "the first build must give the same bytes")
    args = ap.parse_args()
    root = args.root if args.root is not None else synth_root(args.work, args.scale)
    out = args.work / "build"
    report = {"root": str(root), "machine": round(machine_speed(), 3)}
    if not args.skip_clean:
        report["clean"] = medians([one_build(root, out, cache=False) for _ in range(args.runs)])
    one_build(root, out, cache=True)  # the cache of the current files
    if args.compare_with:
        report["differing from --compare-with"] = same_outputs(out, args.compare_with)
    rows = []
    for _ in range(args.runs):
        toggle_edit(root)
        rows.append(one_build(root, out, cache=True))
    report["one-file edit"] = medians(rows)
    if args.check:
        clean = args.work / "build-clean"
        one_build(root, clean, cache=False)
        report["differing outputs"] = same_outputs(out, clean)
        shutil.rmtree(clean, ignore_errors=True)
    report["machine after"] = round(machine_speed(), 3)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
