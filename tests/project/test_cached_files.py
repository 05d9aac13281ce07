"""The files a cache has are read one at a time as the loader takes them (``project.files.iter_files``,
session 9): the first is handed on before the other entries are read, and an entry that went away or broke
since it was seen is replaced by the file parsed then (or a clean error if the file changed meanwhile)."""
from __future__ import annotations

import pytest

from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.project import files
from cppcc_kg.project.cache import Cache
from cppcc_kg.project.layout import project_files
from cppcc_kg.project.synth import write_corpus


@pytest.fixture
def cached(tmp_path):
    """A synthetic project whose files' N-Triples are all in its cache; and those N-Triples."""
    root = tmp_path / "p"
    write_corpus(root, scale=3, seed=0)
    rels = project_files(root)
    cache = Cache(root)
    made = list(files.iter_files(root, rels, cache=cache, workers=0))
    cache.save()
    return root, rels, made


def test_the_first_file_comes_before_the_other_entries_are_read(cached, monkeypatch):
    root, rels, made = cached
    cache, reads = Cache(root), []
    real = cache.get
    monkeypatch.setattr(cache, "get", lambda name, **kw: reads.append(name) or real(name, **kw))
    stats: dict = {}
    it = files.iter_files(root, rels, cache=cache, stats=stats, workers=0)
    assert next(it) == made[0] and len(reads) == 1
    assert [made[0], *it] == made and len(reads) == len(rels) and stats["cached"] == len(rels)


@pytest.mark.parametrize("how", ["removed", "broken"])
def test_an_entry_gone_since_it_was_seen_is_the_file_parsed(cached, monkeypatch, how):
    root, rels, made = cached
    cache, keys = Cache(root), {}
    real = files._cached

    def then_lost(*args):
        got = real(*args)
        entry = cache.dir / files.nt_entry(keys[rels[1]])
        if how == "removed":
            entry.unlink()
        else:
            entry.write_bytes(entry.read_bytes()[:-3])  # the CRC no longer matches
        return got

    monkeypatch.setattr(files, "_cached", then_lost)
    stats: dict = {}
    assert list(files.iter_files(root, rels, cache=cache, keys=keys, stats=stats, workers=0)) == made
    assert stats["parsed"] == 1 and stats["cached"] == len(rels) - 1


def test_a_file_changed_after_it_was_hashed_is_an_error(cached, monkeypatch):
    root, rels, _made = cached
    cache, keys = Cache(root), {}
    real = files._cached

    def then_changed(*args):
        got = real(*args)
        (cache.dir / files.nt_entry(keys[rels[1]])).unlink()
        path = root / rels[1]
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        return got

    monkeypatch.setattr(files, "_cached", then_changed)
    with pytest.raises(ProjectLayoutError, match=f"{rels[1]}: the file changed while the build read it"):
        list(files.iter_files(root, rels, cache=cache, keys=keys, workers=0))
