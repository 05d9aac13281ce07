"""The build's cache (cppcc_kg.project.cache): it never changes an output, never fails a build that
produced its outputs, and what killed builds leave behind is cleaned up by the next one."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cppcc_kg.build import pipeline as pipeline_module
from cppcc_kg.build.outdir import remove_leftovers
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES, Stage
from cppcc_kg.cli.build import command
from cppcc_kg.project import cache as cache_module

FAST_STAGES = [s for s in STAGES if not s.optional]


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}  # the marker records mtimes and inodes


def test_a_file_saved_while_it_is_read_does_not_poison_the_cache(make_project, tmp_path, monkeypatch):
    """An editor saves a file between the read that computes its cache key and the parse: the entry
    stored under the old key must hold what the old bytes mean (the bytes hashed are those parsed)."""
    monkeypatch.setenv("CPPCC_KG_WORKERS", "0")
    root = make_project()
    target = root / "graph" / "entities.ttl"
    original = target.read_bytes()
    edited = original.replace(b"A made-up committee", b"An edited committee")
    assert edited != original
    real_key = cache_module.Cache.key

    def key_then_save(self, rel, data, digest=None):
        key = real_key(self, rel, data, digest)
        if rel == "graph/entities.ttl" and data == original:
            target.write_bytes(edited)  # saved right after the bytes were hashed
        return key
    monkeypatch.setattr(cache_module.Cache, "key", key_then_save)
    build(root, tmp_path / "during", stages=FAST_STAGES)
    monkeypatch.setattr(cache_module.Cache, "key", real_key)
    target.write_bytes(original)  # the edit is reverted
    build(root, tmp_path / "cached", stages=FAST_STAGES)
    build(root, tmp_path / "clean", stages=FAST_STAGES, cache=False)
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "clean")


# ---------------------------------------------------------------- nothing fails after the swap

def _cache_dir(root: Path) -> Path:
    return root / cache_module.CACHE_DIR


def test_a_cache_entry_that_is_a_folder_does_not_fail_the_build(make_project):
    root = make_project()
    assert CliRunner().invoke(command, ["--root", str(root), "--quiet"]).exit_code == 0
    entry = min(_cache_dir(root).glob("*.nt"))
    entry.unlink()
    entry.mkdir()
    (entry / "x").write_text("in the way", encoding="utf-8")
    (root / "build" / "mine.txt").write_text("to be replaced", encoding="utf-8")
    result = CliRunner().invoke(command, ["--root", str(root), "--quiet"])
    assert result.exit_code == 0, result.output
    assert not (root / "build" / "mine.txt").exists()  # built
    assert entry.is_file()  # the folder in the way was replaced by the entry


def _remove_the_cache(ctx):
    ctx.validated()  # the validation thread writes its verdicts into the cache: removed after, not beside it
    shutil.rmtree(Path(ctx.root) / ".cache")


def test_the_cache_removed_during_a_build_is_a_warning(make_project, monkeypatch):
    root = make_project()
    assert CliRunner().invoke(command, ["--root", str(root), "--quiet"]).exit_code == 0
    (root / "graph" / "entities.ttl").write_bytes(
        (root / "graph" / "entities.ttl").read_bytes().replace(b"A made-up", b"An edited"))  # one file to cache
    monkeypatch.setattr(pipeline_module, "STAGES", FAST_STAGES + [Stage("rm-cache", _remove_the_cache)])
    result = CliRunner().invoke(command, ["--root", str(root), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("warning: the cache "), result.output
    assert "Traceback" not in result.output
    assert b"An edited" in (root / "build" / "graph.nt").read_bytes()
    monkeypatch.setattr(pipeline_module, "STAGES", STAGES)
    again = build(root, root / "build", stages=FAST_STAGES)  # the next build parses again and is the same
    assert again["warnings"] == [] and again["load"]["parsed"] > 0


# ---------------------------------------------------------------- what killed builds leave behind

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_killed_builds_are_removed_but_not_a_live_one(make_project, tmp_path):
    root = make_project()
    build(root, root / "build", stages=FAST_STAGES)
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        dead = _dead_pid()
        cache = _cache_dir(root)
        left = [root / f".build.tmp-{dead}-abc", root / f".build.old-{dead}", cache / f".staging-{dead}"]
        kept = [root / f".build.tmp-{live.pid}-def", cache / f".staging-{live.pid}"]
        for folder in left + kept:
            folder.mkdir()
            (folder / "graph.nt").write_text("half", encoding="utf-8")
        result = CliRunner().invoke(command, ["--root", str(root), "--quiet"])
        assert result.exit_code == 0, result.output
        assert [p for p in left if p.exists()] == []
        assert all((p / "graph.nt").is_file() for p in kept)  # a concurrent build's folders are its own
    finally:
        live.stdin.close()
        live.wait()


def test_a_folder_of_an_earlier_version_is_removed_once_old(tmp_path):
    fresh, old = tmp_path / ".build.tmp-k3j_x9qa", tmp_path / ".build.tmp-zz8fq2lm"
    fresh.mkdir()
    old.mkdir()
    past = time.time() - cache_module.UNOWNED_AFTER - 60
    os.utime(old, (past, past))
    assert remove_leftovers(tmp_path / "build") == [old]
    assert fresh.is_dir() and not old.exists()
