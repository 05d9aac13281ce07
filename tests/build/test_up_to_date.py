"""A build with nothing changed (cppcc_kg.build.fingerprint): up to date, build/ untouched; each reason
to build again; byte-identical outputs after an incremental build; nothing heavy imported."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.build import fingerprint
from cppcc_kg.build.fingerprint import (
    STAT_CACHE,
    StatCache,
    build_options,
    check_build,
    read_record,
)
from cppcc_kg.build.outdir import MARKER, MARKER_TEXT, is_marked
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES
from cppcc_kg.cli.build import command
from cppcc_kg.errors import SourceChangedError
from cppcc_kg.project.cache import CACHE_DIR
from cppcc_kg.project.synth import write_corpus

HEAVY = ("rdflib", "pyoxigraph", "pandas", "networkx")


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file of a build but the marker (whose record holds mtimes and inodes) -> its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def stamps(folder: Path) -> dict[str, tuple]:
    """The folder itself and every entry under it -> (inode, mtime_ns, size): what "untouched" means."""
    entries = [folder, *sorted(folder.rglob("*"))]
    return {p.as_posix(): (p.lstat().st_ino, p.lstat().st_mtime_ns, p.lstat().st_size) for p in entries}


def age(path: Path, seconds: float = 60.0) -> None:
    """Set the mtime of *path* in the past (not "racy": the stat cache keeps it)."""
    t = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(t, t))


@pytest.fixture
def built(make_project):
    """A project of the minimal fixture, built, its input files aged (see :func:`age`) and checked once."""
    root = make_project()
    for p in root.rglob("*"):
        if p.is_file():
            age(p)
    first = build(root)
    assert first["up_to_date"] is False and first["reason"] == "no previous build in build/"
    return root


def test_nothing_changed_is_up_to_date_and_writes_nothing(built):
    root = built
    build(root)  # the stat cache learns the source texts
    before, cache_before = stamps(root / "build"), stamps(root / CACHE_DIR)
    siblings = sorted(p.name for p in root.iterdir())
    result = build(root)
    assert result["up_to_date"] is True and result["reason"] == "nothing changed"
    assert result["outputs"] == len(outputs(root / "build")) and result["summary"]["entities"] == 3
    assert stamps(root / "build") == before  # the folder, its inode and mtime, every file
    assert stamps(root / CACHE_DIR) == cache_before  # nor the caches
    assert sorted(p.name for p in root.iterdir()) == siblings  # no temporary folder


def test_the_command_says_up_to_date_in_one_line(built):
    result = CliRunner().invoke(command, ["--root", str(built)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("up to date: ") and result.output.count("\n") == 1
    n = len(outputs(built / "build"))
    assert f"{built / 'build'}/ ({n} files, nothing changed; checked in " in result.output
    quiet = CliRunner().invoke(command, ["--root", str(built), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


def _edit_input(root):
    p = root / "graph" / "entities.ttl"
    p.write_text(p.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    return "input graph/entities.ttl changed"


def _add_input(root):
    (root / "graph" / "more.ttl").write_text("# nothing yet\n", encoding="utf-8")
    return "input graph/more.ttl was added"


def _remove_input(root):
    _add_input(root)
    build(root)  # built with it
    (root / "graph" / "more.ttl").unlink()
    return "input graph/more.ttl was removed"


def _edit_rule(root):
    rule = min((root / "rules").glob("*.rq"))
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    return f"input rules/{rule.name} changed"


def _edit_output(root):
    with open(root / "build" / "nodes.csv", "a", encoding="utf-8") as f:
        f.write("x\n")
    return "output build/ nodes.csv changed"


def _remove_output(root):
    (root / "build" / "graph.nt").unlink()
    return "output build/ graph.nt was removed"


def _add_output(root):
    (root / "build" / "notes.txt").write_text("mine\n", encoding="utf-8")
    return "output build/ notes.txt was added"


def _touch_output(root):
    os.utime(root / "build" / "graph.ttl")  # same bytes, another mtime: edited by hand, maybe
    return "output build/ graph.ttl changed"


def _new_package_version(root, monkeypatch):
    real = fingerprint._distributions
    monkeypatch.setattr(fingerprint, "_distributions", lambda: [*real(), "rdflib==99.0"])
    return "the installed packages changed"


def _new_code(root, monkeypatch):
    real = fingerprint.code_fingerprint
    monkeypatch.setattr(fingerprint, "code_fingerprint", lambda cache=None: {**real(cache), "package": "0" * 64})
    return "the cppcc_kg code changed"


def _old_marker(root):
    (root / "build" / MARKER).write_bytes(MARKER_TEXT)  # as builds before this version wrote it
    return "the marker of build/ records no fingerprint (an earlier version built it)"


CHANGES = [_edit_input, _add_input, _remove_input, _edit_rule, _edit_output, _remove_output, _add_output,
           _touch_output, _old_marker]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_each_change_builds_again_with_the_clean_outputs(built, change, tmp_path):
    root = built
    reason = change(root)
    result = build(root)
    assert result["up_to_date"] is False and result["reason"] == reason
    assert outputs(root / "build") == outputs(build(root, tmp_path / "clean", cache=False)["out"])
    assert build(root)["up_to_date"] is True  # and then it is up to date again


@pytest.mark.parametrize("change", [_new_package_version, _new_code], ids=lambda f: f.__name__.strip("_"))
def test_other_code_builds_again(built, change, monkeypatch):
    reason = change(built, monkeypatch)
    result = build(built)
    assert result["up_to_date"] is False and result["reason"] == reason
    assert build(built)["up_to_date"] is True


def test_other_options_force_and_no_cache_build_again(built):
    assert build(built, shacl_engine="fast")["reason"].startswith("the options changed")
    assert build(built, shacl_engine="fast")["up_to_date"] is True
    assert build(built, shacl_engine="fast", force=True)["reason"] == "--force"
    assert build(built, shacl_engine="fast", cache=False)["reason"] == "a clean build (--no-cache)"
    runner = CliRunner()
    for args, said in (([], "the options changed"), (["--force"], "--force"),
                       (["--no-cache"], "a clean build (--no-cache)")):
        result = runner.invoke(command, ["--root", str(built), *args])
        assert result.exit_code == 0 and f"built because: {said}" in result.output, result.output


def test_custom_stages_are_never_taken_as_up_to_date(built, tmp_path):
    few = [s for s in STAGES if not s.optional]
    assert build(built, tmp_path / "few", stages=few)["up_to_date"] is False
    assert build(built, tmp_path / "few", stages=few)["up_to_date"] is False


def test_a_touched_input_with_the_same_bytes_is_up_to_date_and_refreshes_the_stat_cache(built):
    root = built
    p = root / "graph" / "relations.ttl"
    key = str(p)
    old = json.loads((root / STAT_CACHE).read_text(encoding="utf-8"))["files"][key]
    age(p, 30)  # another mtime (and ctime), the same bytes
    assert build(root)["up_to_date"] is True
    new = json.loads((root / STAT_CACHE).read_text(encoding="utf-8"))["files"][key]
    assert new[5] == old[5] and new[1] != old[1]  # the same digest, under the new stat
    os.utime(p)  # touched now: hashed again, not kept (it could change again within the clock's step)
    assert build(root)["up_to_date"] is True
    assert key not in json.loads((root / STAT_CACHE).read_text(encoding="utf-8"))["files"]


def test_a_changed_source_text_is_not_up_to_date(built):
    text = built / "sources" / "tiny.zh.txt"
    text.write_bytes(text.read_bytes() + "。".encode())
    with pytest.raises(SourceChangedError):
        build(built)


def test_the_stat_cache_sees_an_edit_that_keeps_the_size_and_the_mtime(tmp_path):
    p = tmp_path / "a.ttl"
    p.write_bytes(b"aaaa")
    age(p)
    cache = StatCache(tmp_path / "stat.json")
    first = cache.digest(p)
    st = p.stat()
    p.write_bytes(b"bbbb")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and mtime as before: the ctime tells
    assert cache.digest(p) != first
    assert cache.save() is None and StatCache(tmp_path / "stat.json").entries[str(p)][5] == cache.digest(p)
    assert StatCache(tmp_path / "stat.json", enabled=False).entries == {}


def test_the_record_is_in_the_marker_and_the_marker_is_still_a_marker(built):
    record = read_record(built / "build")
    assert is_marked(built / "build")
    assert set(record) == {"format", "options", "code", "inputs", "texts", "outputs"}  # no "stages": no notebooks
    assert record["options"] == build_options()
    assert "graph/entities.ttl" in record["inputs"] and "graph/proposed/proposal.ttl" not in record["inputs"]
    assert list(record["texts"]) == ["sources/tiny.zh.txt"]
    assert MARKER not in record["outputs"] and "summary.json" in record["outputs"]
    assert check_build(built, built / "build", build_options()).up_to_date


def test_the_up_to_date_path_imports_nothing_heavy(built):
    script = ("import sys\nfrom cppcc_kg.cli import main\n"
              f"main(['build', '--root', {str(built)!r}], standalone_mode=False)\n"
              f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("up to date: ") and proc.stdout.splitlines()[-1] == "[]"
    _edit_input(built)  # and a build imports them (the test sees them), but pandas (test_build_imports.py)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == str(sorted(set(HEAVY) - {"pandas"}))


# ---------------------------------------------------------------- byte-identical after a one-file build

def _edit_one_label(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_one_label_edited_in_the_repository_graph_gives_the_clean_bytes(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("ontology.ttl", "sources", "graph", "rules"):
        src = REPO_ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    build(root)
    target = next(p for p in sorted((root / "graph").rglob("*.ttl")) if '"@en' in p.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    i = text.index('"@en')
    _edit_one_label(target, text[text.rindex('"', 0, i):i + 4], text[text.rindex('"', 0, i):i] + ' (edited)"@en')
    result = build(root)
    assert result["up_to_date"] is False and result["load"]["parsed"] == 1  # one file parsed again
    assert outputs(root / "build") == outputs(build(root, tmp_path / "clean", cache=False)["out"])


def test_one_label_edited_in_a_synthetic_project_gives_the_clean_bytes(tmp_path):
    root = tmp_path / "synth"
    write_corpus(root, scale=2, seed=5)
    build(root)
    target = root / "graph" / "synth-0001" / "entities.ttl"
    text = target.read_text(encoding="utf-8")
    i = text.index('"@en')
    label = text[text.rindex('"', 0, i):i + 4]
    _edit_one_label(target, label, label[:-4] + ' (edited)"@en')
    result = build(root)
    assert result["up_to_date"] is False and result["load"]["parsed"] == 1
    assert outputs(root / "build") == outputs(build(root, tmp_path / "clean", cache=False)["out"])
    assert build(root)["up_to_date"] is True


# ---------------------------------------------------------------- concurrent builds

def test_concurrent_builds_are_safe_and_then_up_to_date(built):
    _edit_input(built)
    cmd = [sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(built), "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert not [p.name for p in built.iterdir() if p.name.startswith(".build.")]  # no staging folder left
    assert build(built)["up_to_date"] is True  # the marker that won records the folder that won


def test_a_networkx_setting_in_the_environment_builds_again(built, monkeypatch):
    """NETWORKX_* settings choose a backend for k-cores and Louvain: they are options of the build."""
    monkeypatch.setenv("NETWORKX_FALLBACK_TO_NX", "true")
    result = build(built)
    assert result["up_to_date"] is False and result["reason"].startswith("the options changed")
    assert build(built)["up_to_date"] is True
