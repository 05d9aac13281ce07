"""``Duplicates`` since the last load gives the answers of the set of every line (the oracle: the same class without
a cache), on crafted and random edits: a duplicate triple added across files or removed, a file added, removed,
renamed, emptied; and falls back to the set when what the last load found is missing, broken or not usable."""
from __future__ import annotations

import hashlib
import random
import zlib

import pytest

from cppcc_kg.project import duplicates as dup_module
from cppcc_kg.project.cache import Cache, get_json, put_json
from cppcc_kg.project.duplicates import ENTRY, Duplicates
from cppcc_kg.project.files import nt_entry


def _nt(lines) -> bytes:
    return b"".join(line + b"\n" for line in sorted(set(lines)))


def _line(s: int, p: int, o: int) -> bytes:
    return b"<http://e.org/s%d> <http://e.org/p%d> \"o %d\" ." % (s, p, o)


def _load(root, files: dict[str, bytes], *, cache: bool = True):
    """One load of *files* (relative path -> canonical N-Triples, in load order) as read_into_store does it: the cache
    holds each file's N-Triples under its key, what is found is kept (the cache saved, as a build that succeeded)."""
    c = Cache(root) if cache else None
    keys = {rel: hashlib.sha256(rel.encode() + b"\0" + nt).hexdigest() for rel, nt in files.items()}
    d = Duplicates(c, keys)
    got = {rel: d.of(rel, nt) for rel, nt in files.items()}
    d.finish()
    if c is not None:
        for rel, nt in files.items():
            c.put(nt_entry(keys[rel]), nt)
        c.save()
    return {rel: g for rel, g in got.items() if g}, d.distinct, d.read, d.way


def _oracle(root, files):
    return _load(root, files, cache=False)[:3]


def _check(root, files, way="since the last load"):
    got = _load(root, files)
    assert got[:3] == _oracle(root, files)
    assert got[3] == way
    return got


BASE = {"ontology.ttl": _nt([_line(0, 0, 0), _line(1, 0, 0)]),
        "graph/a.ttl": _nt([_line(1, 0, 0), _line(2, 1, 1), _line(2, 2, 2), _line(3, 1, 1)]),
        "graph/b.ttl": _nt([_line(2, 1, 1), _line(4, 1, 1)]),
        "graph/c.ttl": _nt([_line(2, 1, 1), _line(4, 1, 1), _line(5, 5, 5)])}


def _edit(files, rel, add=(), remove=()):
    out = dict(files)
    lines = set(out[rel].split(b"\n")) - {b""}
    out[rel] = _nt((lines | set(add)) - set(remove))
    return out


@pytest.mark.parametrize("edit", [
    lambda f: _edit(f, "graph/a.ttl", add=[_line(5, 5, 5)]),  # a duplicate of a later file added
    lambda f: _edit(f, "graph/a.ttl", remove=[_line(2, 1, 1)]),  # the first holder of a duplicate removed
    lambda f: _edit(f, "graph/b.ttl", remove=[_line(2, 1, 1), _line(4, 1, 1)]),
    lambda f: _edit(f, "graph/c.ttl", add=[_line(3, 1, 1)], remove=[_line(5, 5, 5)]),
    lambda f: _edit(f, "graph/b.ttl", add=[_line(2, 2, 3)], remove=[_line(2, 1, 1)]),  # a label edited
    lambda f: {**f, "graph/ab.ttl": _nt([_line(2, 1, 1), _line(9, 9, 9)])},  # a file added (not at the end)
    lambda f: {r: n for r, n in f.items() if r != "graph/b.ttl"},  # a file removed
    lambda f: {("graph/d.ttl" if r == "graph/b.ttl" else r): n for r, n in f.items()},  # b renamed (now last)
    lambda f: {**f, "graph/b.ttl": b""},  # a file emptied
    lambda f: f,  # nothing changed
])
def test_crafted_edits(tmp_path, edit):
    _check(tmp_path, BASE, way="set")  # (the first load: nothing kept yet)
    files = edit(BASE)
    files = dict(sorted(files.items(), key=lambda kv: (kv[0] != "ontology.ttl", kv[0])))
    _check(tmp_path, files)
    _check(tmp_path, BASE)  # and back


def test_the_first_load_and_a_broken_or_unusable_entry_take_the_set(tmp_path):
    assert _load(tmp_path, BASE)[3] == "set"  # nothing kept
    edited = _edit(BASE, "graph/a.ttl", add=[_line(5, 5, 5)])
    entry = tmp_path / ".cache" / "cppcc-kg" / ENTRY
    for broken in (b"garbage", b"{}", b'{"files": 3}', b'{"files": [["graph/zz.ttl", "k"]], "found": {}, '
                   b'"distinct": 1, "read": 1}', b'{"files": [], "found": {"graph/a.ttl": 3}}'):
        for crc in (b"00000000", b"%08x" % zlib.crc32(broken)):  # a CRC that fails, one that holds
            _load(tmp_path, BASE)
            entry.write_bytes(crc + b"\n" + broken)
            _check(tmp_path, edited, way="set")


@pytest.mark.parametrize("where", ["a key", "a path", "found lines"])
def test_an_entry_of_another_form_with_its_crc_takes_the_set(tmp_path, where):
    """An entry whose CRC holds but whose values are not strings (written by hand, or by another program) is not
    used: the load takes the set, and answers as it does."""
    _load(tmp_path, BASE)
    cache = Cache(tmp_path)
    state = get_json(cache, ENTRY)
    a = [rel for rel, _key in state["files"]].index("graph/a.ttl")
    if where == "found lines":
        state["found"]["graph/a.ttl"] = 3
    else:
        state["files"][a][1 if where == "a key" else 0] = 12345
    put_json(cache, ENTRY, state)
    cache.save()
    _check(tmp_path, _edit(BASE, "graph/a.ttl", add=[_line(5, 5, 5)]), way="set")


def test_the_old_version_of_a_changed_file_missing_from_the_cache_takes_the_set(tmp_path):
    _check(tmp_path, BASE, way="set")
    for p in (tmp_path / ".cache" / "cppcc-kg").glob("*.nt"):
        p.unlink()
    _check(tmp_path, _edit(BASE, "graph/a.ttl", add=[_line(5, 5, 5)]), way="set")


def test_too_many_changed_subjects_go_on_with_the_set_from_the_files_read(tmp_path, monkeypatch):
    monkeypatch.setattr(dup_module, "MOST_SUBJECTS", 1)
    _check(tmp_path, BASE, way="set")
    # the edit of b follows two subjects: the set from the files read so far, the same answers
    _check(tmp_path, _edit(BASE, "graph/b.ttl", add=[_line(3, 1, 1), _line(5, 5, 5)]),
           way="set (since the last load: too many changes)")


@pytest.mark.parametrize("seed", range(40))
def test_random_edits(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(dup_module, "MOST_SUBJECTS", 10 ** 6)
    rng = random.Random(seed)
    pool = [_line(rng.randrange(8), rng.randrange(3), rng.randrange(3)) for _ in range(60)]
    files = {f"graph/f{i:02d}.ttl": _nt(rng.sample(pool, rng.randrange(0, 12))) for i in range(8)}
    _check(tmp_path, files, way="set")
    for _ in range(4):
        files = dict(files)
        for _ in range(rng.randrange(1, 4)):
            kind = rng.randrange(4)
            rel = rng.choice(sorted(files)) if files else None
            if kind == 0 and rel:
                files[rel] = _nt(rng.sample(pool, rng.randrange(0, 12)))
            elif kind == 1:
                files[f"graph/f{rng.randrange(20):02d}.ttl"] = _nt(rng.sample(pool, rng.randrange(0, 12)))
            elif kind == 2 and rel:
                del files[rel]
            elif rel:
                files[rel[:-4] + "x.ttl"] = files.pop(rel)
        files = dict(sorted(files.items()))
        _check(tmp_path, files)


def test_a_load_after_an_edit_that_adds_and_removes_a_duplicate_is_a_clean_load(make_project):
    """Through ``load``: a triple of one file written into another (a duplicate across files), then taken out; each
    load with the cache has the duplicates, counts and store of a load without it."""
    from cppcc_kg.project.load import load

    root = make_project()
    first = load(root, cache=True, write_cache=True)
    first.save_cache()
    assert (root / ".cache" / "cppcc-kg" / ENTRY).is_file()  # (the next loads follow the changes since it)
    rels = [r for r in first.nt if r.startswith("graph/")]
    a, b = rels[0], rels[-1]
    copied = first.nt[a].split(b"\n")[0]  # a triple of a (N-Triples is Turtle), written into b
    original = (root / b).read_bytes()
    for text in (original + b"\n" + copied + b"\n", original):
        (root / b).write_bytes(text)
        cached = load(root, cache=True, write_cache=True)
        clean = load(root, cache=False)
        assert cached.duplicates == clean.duplicates
        assert (copied + b"\n" in cached.duplicates.get(b, b"")) is (text != original)
        for stat in ("triples_read", "distinct_lines"):
            assert cached.stats[stat] == clean.stats[stat]
        assert set(cached.store) == set(clean.store) and len(cached) == len(clean)
        cached.save_cache()
