"""Canonical N-Triples: the same bytes as before issue 15, session 8 (a sort, then equal neighbours dropped,
instead of a set then a sort: ``tests/oracles/checks_before.py`` keeps the set version)."""
from __future__ import annotations

import random

import pytest
from oracles import checks_before as before
from support import repository_or_synthetic

from cppcc_kg.project.layout import project_files
from cppcc_kg.rdf import ntriples
from cppcc_kg.rdf.ntriples import canonical_ntriples, sorted_lines

CRAFTED = [b"", b"\n", b"\n\n\n", b"a", b"a\n", b"b\na", b"b .\na .\n\nb .", b"a\na\na\n", b"\na\n\nb\nb",
           b"x .\r\nx .\n", b" \n\n ", b"\xe6\xb5\x8b\na\n\xe6\xb5\x8b", b"a\x00\na\n"]


def test_sorted_lines_equals_the_set_version_on_crafted_and_random_input():
    rng = random.Random(8)
    samples = list(CRAFTED)
    for _ in range(300):
        lines = [rng.choice([b"", b"a .", b"b .", b"ab .", b"<x> <p> \"\xe6\xb5\x8b\" .", b" ", b"a"])
                 for _ in range(rng.randrange(0, 12))]
        samples.append(b"\n".join(lines) + rng.choice([b"", b"\n"]))
    for nt in samples:
        assert sorted_lines(nt) == before.sorted_lines(nt), nt


TURTLE = [
    b"",
    b"# only a comment\n",
    (b'<http://e.org/b> <http://e.org/p> "2" .\n<http://e.org/a> <http://e.org/p> "1" .\n'
     b'<http://e.org/a> <http://e.org/p> "1" .\n'),  # a triple written twice
    b'@prefix e: <http://e.org/> .\ne:a e:p [ e:q "x" ], [ e:q "x" ] ; e:r ( 1 2 ) .\ne:a e:p "_:not a node" .\n',
    '<http://e.org/a> <http://e.org/p> """多行\n文本"""@zh, "tab\there", """a "quote" """ .\n'.encode(),
]


def _compare(data: bytes, rel: str, monkeypatch) -> None:
    new = canonical_ntriples(data, rel, allow_blank_nodes=not rel.startswith("graph/"))
    with monkeypatch.context() as m:
        m.setattr(ntriples, "sorted_lines", before.sorted_lines)
        old = canonical_ntriples(data, rel, allow_blank_nodes=not rel.startswith("graph/"))
    assert new == old, rel


def test_canonical_ntriples_of_crafted_turtle_equals_before(monkeypatch):
    for i, data in enumerate(TURTLE):
        _compare(data, f"sources/t{i}.ttl", monkeypatch)


@pytest.mark.parametrize("kind", ["repository", "synthetic"])
def test_canonical_ntriples_of_every_file_equals_before(kind, tmp_path_factory, monkeypatch):
    root = repository_or_synthetic(kind, tmp_path_factory)
    rels = project_files(root)
    assert len(rels) > 10
    for rel in rels:
        _compare((root / rel).read_bytes(), rel, monkeypatch)
