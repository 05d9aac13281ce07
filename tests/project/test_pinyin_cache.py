"""The pinyin graph kept whole in the loader's cache (cppcc_kg.project.pinyin_cache): after crafted edits, the
kept or remade pinyin (its triples, their number, their N-Triples) is what a load without any cache makes; an
edit that changes no Chinese label makes no pinyin again (no label, no triple, no N-Triples)."""
from __future__ import annotations

import zlib

import pytest
from rdflib import Literal, URIRef

import cppcc_kg.project.load as L
import cppcc_kg.project.pinyin as P
from cppcc_kg.project.cache import Cache
from cppcc_kg.project.layout import CACHE_DIR
from cppcc_kg.project.pinyin_cache import (
    PinyinTriples,
    entry_name,
    keep_entry,
    keep_facts_entry,
    pinyin_ntriples,
    read_entry,
    read_facts_entry,
)
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import ntriples_of

ENTITIES = "graph/entities.ttl"


def _pinyin(root, *, cache: bool = True):
    """(N-Triples, triples, their number, stats) of the pinyin of the project at *root*, loaded as the build loads
    it (with the cache: kept there afterwards), or without any cache."""
    if cache:
        project = L.load(root, cache=True, write_cache=True, background=True, store_beside=True)
    else:
        project = L.load(root, cache=False)
    try:
        project.finish_pinyin()
        out = project.pinyin_nt, len(project.pinyin), project.stats
        triples = list(project.pinyin)
        if cache:
            assert project.save_cache() == []
    finally:
        project.close()
    return out[0], triples, out[1], out[2]


def _entries(root, prefix: str = "pinyin-nt-"):
    return sorted(p for p in (root / CACHE_DIR).iterdir() if p.name.startswith(prefix))


def _edit(root, old: str, new: str, rel: str = ENTITIES) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _english(root):
    _edit(root, '"Test City CPPCC Committee"@en', '"Test City CPPCC Committee (edited 1)"@en')


def _chinese(root):
    _edit(root, 'rdfs:label "测试市政协"@zh', 'rdfs:label "测试县政协"@zh')


def _type(root):  # from a class of pinyin style "name" to one of none: capitals change
    _edit(root, "kgorg:test-city-cppcc a cppcc:CPPCCCommittee", "kgorg:test-city-cppcc a cppcc:Plan")


def _added(root):
    (root / "graph" / "extra.ttl").write_text(
        "@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/cppcc-kg/id/org/extra> a cppcc:CPPCCCommittee ; rdfs:label "北京市政协"@zh, "B"@en .\n',
        encoding="utf-8")


def _removed(root):
    (root / ENTITIES).unlink()


def _unlabelled(root):  # a Chinese label of a node that is no entity: the facts change, not the pinyin's keys
    with open(root / ENTITIES, "a", encoding="utf-8") as f:
        f.write('\n<http://e.org/n> a <http://e.org/NotAnEntity> ; rdfs:label "某"@zh .\n')


def _entry_missing(root):
    for p in _entries(root):
        p.unlink()


def _facts_entry_missing(root):
    for p in _entries(root, "pinyin-facts-"):
        p.unlink()


def _facts_entry_broken(root):
    for p in _entries(root, "pinyin-facts-"):
        data = b"x" * 64 + b" 3"
        p.write_bytes(b"%08x\n" % zlib.crc32(data) + data)  # a right CRC, the digest of no entry


def _entry_corrupt(root):
    for p in _entries(root):
        p.write_bytes(p.read_bytes()[:-9] + b'"x" .\n')  # the CRC no longer holds


def _entry_bad_header(root):
    for p in _entries(root):
        data = b"many\n" + p.read_bytes().partition(b"\n")[2].partition(b"\n")[2]
        p.write_bytes(b"%08x\n" % zlib.crc32(data) + data)  # a right CRC, a wrong header


SAME = (_english, _unlabelled, _entry_missing, _entry_corrupt, _entry_bad_header, _facts_entry_missing,
        _facts_entry_broken)


@pytest.mark.parametrize("edit, kept", [
    (_english, True), (_chinese, False), (_type, False), (_added, False), (_removed, False), (_unlabelled, True),
    (_entry_missing, False), (_entry_corrupt, False), (_entry_bad_header, False), (_facts_entry_missing, True),
    (_facts_entry_broken, True),
])
def test_the_kept_or_remade_pinyin_is_a_clean_loads(make_project, edit, kept):
    root = make_project()
    before, _, _, stats = _pinyin(root)
    assert before and stats["pinyin_computed"] and len(_entries(root)) == 1
    edit(root)
    nt, triples, count, stats = _pinyin(root)
    clean_nt, clean, clean_count, _ = _pinyin(root, cache=False)
    assert nt == clean_nt == ntriples_of(clean)
    assert triples == clean and count == clean_count == len(clean)
    assert (nt == before) == (edit in SAME)
    assert stats["pinyin_computed"] == 0 or not kept
    # the entries of this build only (of the pinyin, of the facts), and the labels' cache kept
    assert len(_entries(root)) == len(_entries(root, "pinyin-facts-")) == 1
    assert _entries(root, "pinyin-1-")
    again, _, _, _ = _pinyin(root)  # and the next build finds it
    assert again == nt


@pytest.mark.parametrize("edit", [_english, _unlabelled])
def test_an_edit_of_no_entitys_chinese_label_makes_no_pinyin_again(make_project, monkeypatch, edit):
    """Not a triple, a label, the N-Triples, nor (an English label's edit, the files' facts of the pinyin the same)
    even the entities' labels and styles."""
    root = make_project()
    before, triples, count, _ = _pinyin(root)
    edit(root)

    def raises(*args, **kwargs):
        raise AssertionError("the pinyin made again")
    names = [(L, "ntriples_of"), (P, "pinyin_ntriples"), (P, "_pinyin_of"), (P, "_pinyin_of_key"), (P, "_cached_pinyin")]
    if edit is _english:
        names += [(P, "entity_zh_labels_of"), (P, "entity_pinyin_styles_of")]
    for module, name in names:
        monkeypatch.setattr(module, name, raises)
    project = L.load(root, cache=True, write_cache=True, background=True, store_beside=True)
    try:
        assert not project.pinyin_computing
        project.finish_pinyin()
        assert project.pinyin_nt == before and len(project.pinyin) == count
        assert project.stats["pinyin_computed"] == 0 and project.stats["pinyin_cached"] == count
        assert project.save_cache() == []
    finally:
        project.close()
    monkeypatch.undo()
    assert _entries(root, "pinyin-1-")  # the labels' cache is kept for a later edit
    assert _pinyin(root)[:3] == (before, triples, count)


def test_the_kept_triples_are_read_from_the_labels_cache_or_computed(make_project):
    """A caller that reads the triples themselves after a kept load gets the clean load's, in the same order, the
    labels' cache there or not."""
    root = make_project()
    _pinyin(root)
    _english(root)
    for p in _entries(root, "pinyin-1-"):
        p.unlink()
    nt, triples, count, stats = _pinyin(root)  # (kept by the facts: the keys made again to read the triples)
    assert stats["pinyin_computed"] == 0
    clean_nt, clean, _, _ = _pinyin(root, cache=False)
    assert (nt, triples) == (clean_nt, clean) and count == len(clean)


@pytest.mark.parametrize("text", ["Zhèngxié", 'a "quoted" \\ back\nslash\ttab', "\u2028 \x7f é", ""])
def test_pinyin_ntriples_are_those_of_the_rdflib_triples(text):
    pairs = [("https://e.org/b", text), ("https://e.org/a", "x"), ("https://e.org/b", text), ("https://e.org/a%20b", "y")]
    rdflib = [(URIRef(e), CPPCC.pinyin, Literal(p)) for e, p in pairs]
    assert pinyin_ntriples(pairs) == ntriples_of(rdflib)
    assert pinyin_ntriples([]) == ntriples_of([]) == b""


def test_pinyin_triples_are_made_once_and_only_if_read():
    made = []
    triples = PinyinTriples(2, b"nt", lambda: made.append(1) or ["a", "b"])
    assert len(triples) == 2 and triples.nt == b"nt" and not made
    assert list(triples) == ["a", "b"] and triples[1] == "b" and triples == ["a", "b"] and made == [1]


def test_an_entry_is_read_back_and_a_broken_one_is_a_miss(tmp_path):
    cache = Cache(tmp_path)
    keep_entry(cache, "d", b"<a> <b> <c> .\n", 3)
    assert read_entry(cache, "d") == (b"<a> <b> <c> .\n", 3) and read_entry(cache, "e") is None
    assert read_entry(None, "d") is None
    keep_entry(cache, "empty", b"", 0)
    assert read_entry(cache, "empty") == (b"", 0)
    for name, data in [("h", b"x\n<a> <b> <c> .\n"), ("t", b"1\n<a> <b> <c> ."), ("n", b"1")]:
        cache.put(entry_name(name), data)
        assert read_entry(cache, name) is None, data


def test_a_facts_entry_is_read_back_and_a_broken_one_is_a_miss(tmp_path):
    cache = Cache(tmp_path)
    keep_facts_entry(cache, "d", "a" * 64, 12)
    assert read_facts_entry(cache, "d") == ("a" * 64, 12) and read_facts_entry(cache, "e") is None
    assert read_facts_entry(None, "d") is None
    for name, data in [("s", b"a" * 63 + b" 1"), ("c", b"a" * 64 + b" x"), ("n", b"a" * 64)]:
        cache.put(f"pinyin-facts-{name}.txt", data)
        assert read_facts_entry(cache, name) is None, data


def test_without_a_cache_the_pinyin_of_the_facts_is_made(make_project):
    root = make_project()
    project = L.load(root, cache=True, write_cache=False, store_beside=True)
    try:
        made = P.start_pinyin_of_facts(project.facts, None)()
        disabled = P.start_pinyin_of_facts(project.facts, Cache(root, enabled=False))()
        assert made.nt == disabled.nt == project.pinyin_nt == ntriples_of(made)
        assert made == disabled == list(project.pinyin) and len(made) == len(project.pinyin) > 0
    finally:
        project.close()
    assert not (root / CACHE_DIR).exists() or not _entries(root)


def test_the_triples_are_made_once_when_two_threads_read_them_at_once():
    """The validation thread and the stages may read the triples at the same time: they are made once, and both
    get them (the second reader waits at the lock while the first makes them)."""
    import threading

    made, making, go, second_at_lock = [], threading.Event(), threading.Event(), threading.Event()

    def make():
        made.append(1)
        making.set()
        assert go.wait(timeout=30)  # (the first reader makes them while the second comes to the lock)
        return ["t1", "t2"]

    triples = PinyinTriples(2, b"", make)
    real = triples._lock

    class Watched:
        def __enter__(self):
            if threading.current_thread().name == "second":
                second_at_lock.set()
            return real.__enter__()

        def __exit__(self, *exc):
            return real.__exit__(*exc)

    triples._lock = Watched()
    got = {}
    first = threading.Thread(target=lambda: got.setdefault("first", list(triples)), name="first")
    second = threading.Thread(target=lambda: got.setdefault("second", list(triples)), name="second")
    first.start()
    assert making.wait(timeout=30)  # the first reader is making them
    second.start()
    assert second_at_lock.wait(timeout=30)
    go.set()
    first.join()
    second.join()
    assert made == [1] and got == {"first": ["t1", "t2"], "second": ["t1", "t2"]}
