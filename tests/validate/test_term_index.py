"""The index of the files' IRIs (cppcc_kg.validate.term_index): it names every file that holds a term (against
the triples parsed by Oxigraph), it is made for a file only when the file is not in the cache entry, and a
missing, broken or wrong entry is made again (never a wrong answer)."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cppcc_kg.project.cache import Cache
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.ntriples import canonical_ntriples
from cppcc_kg.validate import term_index as ti
from cppcc_kg.validate.run import graph_keys
from cppcc_kg.validate.term_index import file_keys, index_entry, term_index, term_key

E = "http://e.org/"
TRICKY = canonical_ntriples(
    f'<{E}s> <{E}p> "a < b" , "see <{E}lit-only> and" , "<{E}quoted>" , "x\\n<{E}after-newline> y" ;\n'
    f'  <{E}q> <{E}obj-only> , "2"^^<{E}datatype-only> , "机构"@zh ;\n'
    f'  <{E}r> [ <{E}p> <{E}inner> ] .\n'
    f'<{E}机构> <{E}p> <{E}s> .\n'
    f'<{E}s2> <{E}p> "a <b" .\n<{E}s3> <{E}p> "c>" .\n')


def _parsed_keys(nt: bytes) -> tuple[set[int], dict[str, set[str]]]:
    """The keys that the triples parsed by Oxigraph require, and term -> roles (``s``, ``o``)."""
    keys, roles = set(), {}
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        for term, subject in ((t.subject, True), (t.predicate, False), (t.object, False)):
            if isinstance(term, ox.NamedNode):
                keys.add(term_key(f"<{term.value}>".encode(), subject))
                roles.setdefault(term.value, set()).add("s" if subject else "o")
    return keys, roles


def test_the_keys_of_a_file_hold_every_iri_of_its_triples():
    keys, roles = _parsed_keys(TRICKY)
    assert {f"{E}obj-only", f"{E}机构", f"{E}inner"} <= set(roles)
    assert f"{E}lit-only" not in roles and f"{E}datatype-only" not in roles
    assert keys <= {int(k) for k in file_keys(TRICKY)}
    # a literal's IRI text is not a term, but may be found: a file to read it need not, never one missing
    assert term_key(f"<{E}quoted>".encode(), False) not in {int(k) for k in file_keys(TRICKY)}


def test_the_keys_of_an_empty_or_a_one_line_file():
    assert len(file_keys(b"")) == 0
    one = f"<{E}a> <{E}p> <{E}b> .".encode()  # no newline at the end
    assert {int(k) for k in file_keys(one)} == _parsed_keys(one)[0]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("terms") / "p"
    write_corpus(root, scale=3, seed=1)
    return root


def _documents(root: Path) -> tuple[dict, dict]:
    project = load(root, cache=False)
    try:
        return project.graphs(), graph_keys(project)
    finally:
        project.close()


def test_the_index_names_every_file_that_holds_a_term(synthetic):
    nt, keys = _documents(synthetic)
    index = term_index(None, nt, keys)
    assert index.unindexed == {n for n in nt if n not in keys}  # the generated pinyin graph
    holders: dict[str, dict[str, set[str]]] = {}
    for name, data in nt.items():
        assert _parsed_keys(data)[0] <= {int(k) for k in file_keys(data)}
        for term, roles in _parsed_keys(data)[1].items():
            for role in roles:
                holders.setdefault(term, {}).setdefault(role, set()).add(name)
    assert len(holders) > 100
    for term, by_role in holders.items():
        token = f"<{term}>".encode()
        anywhere = index.documents([token], [])
        assert set().union(*by_role.values()) <= anywhere
        assert by_role.get("s", set()) <= index.documents([], [token])
        # and no more than the files that hold the token's text (but for a collision of 64 bits)
        assert anywhere - index.unindexed <= {n for n, data in nt.items() if token in data}


class _Counting:
    """Counts the files whose keys :func:`file_keys` makes (it must not make those of an unchanged file again)."""

    def __init__(self, monkeypatch):
        self.made: list[bytes] = []
        real = ti.file_keys
        monkeypatch.setattr(ti, "file_keys", lambda nt: self.made.append(nt) or real(nt))


def _fresh(nt: dict, keys: dict):
    """What a lookup on an index made from nothing answers (the oracle of an updated index)."""
    index = term_index(None, nt, keys)
    tokens = sorted({f"<{t}>".encode() for data in nt.values() for t in _parsed_keys(data)[1]})[:300]
    return {t: (index.documents([t], []), index.documents([], [t])) for t in tokens}


def _answers(index, expected: dict) -> None:
    for token, (anywhere, subjects) in expected.items():
        assert index.documents([token], []) == anywhere, token
        assert index.documents([], [token]) == subjects, token


def test_the_cache_entry_is_made_once_and_updated_for_the_files_that_changed(tmp_path, synthetic, monkeypatch):
    nt, keys = _documents(synthetic)
    counting = _Counting(monkeypatch)
    cache = Cache(tmp_path)
    first = term_index(cache, nt, keys)
    assert sorted(first.made) == sorted(keys) and len(counting.made) == len(keys)
    cache.save()
    counting.made.clear()
    again = term_index(Cache(tmp_path), nt, keys)
    assert again.made == [] and counting.made == []  # no file read again
    _answers(again, _fresh(nt, keys))
    # one file changed, one removed, one added (a new key each)
    names = sorted(keys)
    changed, removed = names[1], names[2]
    nt2, keys2 = dict(nt), dict(keys)
    nt2[changed] = nt[changed] + f"<{E}moved> <{E}p> <{E}only-here> .\n".encode()
    keys2[changed] = "changed-key"
    del nt2[removed], keys2[removed]
    nt2["urn:added"], keys2["urn:added"] = f"<{E}only-here> <{E}p> \"x\" .\n".encode(), "added-key"
    cache = Cache(tmp_path)
    counting.made.clear()
    updated = term_index(cache, nt2, keys2)
    assert sorted(updated.made) == sorted([changed, "urn:added"]) and len(counting.made) == 2
    _answers(updated, _fresh(nt2, keys2))
    assert updated.documents([f"<{E}only-here>".encode()], []) == {changed, "urn:added"} | updated.unindexed
    assert updated.documents([], [f"<{E}only-here>".encode()]) == {"urn:added"} | updated.unindexed
    cache.save()
    counting.made.clear()
    assert term_index(Cache(tmp_path), nt2, keys2).made == [] and counting.made == []


def test_a_missing_broken_or_wrong_entry_is_made_again(tmp_path, synthetic, monkeypatch):
    nt, keys = _documents(synthetic)
    expected = _fresh(nt, keys)
    cache = Cache(tmp_path)
    term_index(cache, nt, keys)
    cache.save()
    path = tmp_path / ".cache" / "cppcc-kg" / index_entry()
    good = path.read_bytes()
    # a file whose N-Triples are not those the entry was made from (a key reused): its keys made again
    wrong = dict(nt)
    name = sorted(keys)[0]
    wrong[name] = nt[name] + f"<{E}late> <{E}p> <{E}o> .\n".encode()
    index = term_index(Cache(tmp_path), wrong, keys)
    assert index.made == [name] and name in index.documents([f"<{E}late>".encode()], [])
    for broken in (b"", b"0000\nxx", good[:-5], good[:9] + b"{}\n"):  # (the CRC does not match)
        path.write_bytes(broken)
        index = term_index(Cache(tmp_path), nt, keys)
        assert sorted(index.made) == sorted(keys)
        _answers(index, expected)
    path.unlink()
    index = term_index(Cache(tmp_path), nt, keys)
    assert sorted(index.made) == sorted(keys)
    _answers(index, expected)


def test_an_entry_with_a_valid_crc_but_bad_content_is_made_again(tmp_path, synthetic):
    """Entries are checked by their CRC; one whose content is not of this form (positions out of range, keys not
    sorted) is made again all the same."""
    nt, keys = _documents(synthetic)
    expected = _fresh(nt, keys)
    cache = Cache(tmp_path)
    index = term_index(cache, nt, keys)
    cache.save()
    head, _, body = Cache(tmp_path).get(index_entry()).partition(b"\n")
    n = len(index.keys)
    assert n > 1
    for bad in (head.replace(b'"form": 1', b'"form": 9') + b"\n" + body, b"not json\n" + body, head + b"\n" + body[:-1],
                head + b"\n" + index.keys[::-1].tobytes() + index.positions.tobytes(),
                head + b"\n" + index.keys.tobytes() + (index.positions + 100_000).astype("<u4").tobytes()):
        cache = Cache(tmp_path)
        cache.put(index_entry(), bad)
        again = term_index(cache, nt, keys)
        assert sorted(again.made) == sorted(keys)
        _answers(again, expected)
