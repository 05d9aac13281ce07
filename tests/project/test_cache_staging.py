"""The loader's cache reads its staging folder only for what it put there."""
from __future__ import annotations

from cppcc_kg.project.cache import Cache


def test_a_staged_entry_is_read_back_before_it_is_kept(tmp_path):
    c = Cache(tmp_path)
    c.put("a.json", b"1")
    assert c.get("a.json") == b"1" and c.has("a.json")
    other = Cache(tmp_path)  # (same process, so the same staging folder): not its entry
    assert other.get("a.json") is None
    c.save()
    assert Cache(tmp_path).get("a.json") == b"1"
