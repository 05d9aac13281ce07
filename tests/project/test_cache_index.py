"""The loader's cache answers :meth:`Cache.has` from one listing of its folder (not a ``stat`` a name) and
:meth:`Cache.save` removes the entries not used from one listing too: the same answers as the ``is_file`` of
each name (the old definition, the oracle here), for files, folders, links and staged entries."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from cppcc_kg.project.cache import Cache


def _old_has(cache: Cache, name: str) -> bool:
    """The definition before the index: a file of that name in the staging folder or the cache folder."""
    return cache.enabled and any((folder / name).is_file() for folder in (cache._staging, cache.dir))


@pytest.fixture
def cache_folder(tmp_path) -> Path:
    c = Cache(tmp_path)
    c.put("kept.nt", b"k")
    c.put("target.nt", b"t")
    c.save()
    folder = c.dir
    (folder / "folder.nt").mkdir()
    (folder / "link.nt").symlink_to(folder / "target.nt")
    (folder / "broken.nt").symlink_to(folder / "gone.nt")
    return tmp_path


def test_has_is_the_is_file_of_each_name_from_one_listing(cache_folder, monkeypatch):
    c = Cache(cache_folder)
    c.put("staged.nt", b"s")
    names = ["kept.nt", "target.nt", "folder.nt", "link.nt", "broken.nt", "gone.nt", "staged.nt", "absent.nt"]
    expected = {n: _old_has(c, n) for n in names}
    assert expected == {"kept.nt": True, "target.nt": True, "folder.nt": False, "link.nt": True,
                        "broken.nt": False, "gone.nt": False, "staged.nt": True, "absent.nt": False}
    listings = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: listings.append(p) or real(p))
    monkeypatch.setattr(Path, "is_file", lambda self: pytest.fail("a stat of a name"))
    assert {n: c.has(n) for n in names} == expected
    assert len(listings) == 1
    c.put("later.nt", b"x")  # put by this cache after the listing: there
    assert c.has("later.nt") and not Cache(cache_folder, enabled=False).has("kept.nt")


def test_an_entry_removed_after_the_listing_is_there_but_reads_as_missing(cache_folder):
    c = Cache(cache_folder)
    assert c.has("kept.nt")
    (c.dir / "kept.nt").unlink()
    assert c.has("kept.nt") and c.get("kept.nt") is None


def test_save_removes_the_files_not_used_and_nothing_else(cache_folder):
    c = Cache(cache_folder)
    assert c.get("kept.nt") == b"k" and c.has("absent.nt") is False
    c.put("new.nt", b"n")
    # the old definition: every file (is_file: links followed) not used removed
    expected = sorted(p.name for p in c.dir.iterdir() if p != c._staging and (not p.is_file() or p.name in c.used))
    assert c.save() == []
    left = sorted(p.name for p in c.dir.iterdir())
    assert left == sorted([*expected, "new.nt"]) == ["broken.nt", "folder.nt", "kept.nt", "new.nt"]
    assert Cache(cache_folder).has("new.nt") and c.has("new.nt")  # (the listing made again after the save)


def test_get_reads_staged_and_kept_entries_and_checks_them(cache_folder):
    c = Cache(cache_folder)
    c.put("staged.nt", b"s\nt")
    assert c.get("staged.nt") == b"s\nt" and c.get("kept.nt") == b"k" and c.get("absent.nt") is None
    (c.dir / "target.nt").write_bytes(b"00000000\nbroken")
    assert c.get("target.nt") is None


def test_a_project_file_that_cannot_be_read_is_a_layout_error(tmp_path):
    from cppcc_kg.errors import ProjectLayoutError
    from cppcc_kg.project.files import _cached

    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "a.ttl").write_bytes(b"")
    keys, digests = {}, {}
    cached, names, todo = _cached(tmp_path, ["graph/a.ttl"], Cache(tmp_path, write=False), keys, digests)
    assert todo == [("graph/a.ttl", b"")] and not cached and set(keys) == set(digests) == {"graph/a.ttl"}
    with pytest.raises(ProjectLayoutError, match=r"^graph/b\.ttl: cannot read the file: No such file"):
        _cached(tmp_path, ["graph/a.ttl", "graph/b.ttl"], None, None)
