"""The build's cache (cppcc_kg.project.cache): it never changes an output, never fails a build that
produced its outputs, and what killed builds leave behind is cleaned up by the next one."""
from __future__ import annotations

from pathlib import Path

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES
from cppcc_kg.project import cache as cache_module

FAST_STAGES = [s for s in STAGES if not s.optional]


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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

    def key_then_save(self, rel, data):
        key = real_key(self, rel, data)
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
