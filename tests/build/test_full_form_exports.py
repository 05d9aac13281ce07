"""The graph files give the evidence in the full W3C Web Annotation form, the files and the store holding it compact
(cppcc_kg.rdf.evidence_form: expand, sources; cppcc_kg.build.graph_splice: the lines of an edit)."""
from __future__ import annotations

import random

import pytest

from cppcc_kg.build import graph_splice
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.evidence_form import COMPACT, expand, expand_lines, expansion_growth, sources
from cppcc_kg.rdf.ntriples import canonical_ntriples
from cppcc_kg.rdf.serialize import merged_lines
from cppcc_kg.rdf.store import load_store

CPPCC = "https://w3id.org/cppcc-kg/ontology#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EV = "https://w3id.org/cppcc-kg/id/evidence/s/"
SOURCE = "<https://w3id.org/cppcc-kg/id/source/s>"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, bytes]:
    """The canonical N-Triples of each file of a small synthetic corpus (compact evidence)."""
    root = tmp_path_factory.mktemp("synth") / "s"
    write_corpus(root, scale=2)
    files = sorted(root.glob("graph/**/*.ttl")) + sorted(root.glob("sources/*.ttl"))
    return {p.relative_to(root).as_posix(): canonical_ntriples(p.read_bytes(), p.relative_to(root).as_posix())
            for p in files}


def _one_by_one(lines) -> set[bytes]:
    """The full form of *lines*, each line expanded alone (the definition :func:`expand` is held to)."""
    out: set[bytes] = set()
    for line in lines:
        if line:
            out.update(expand(line + b"\n").splitlines())
    return out


def test_expand_is_the_union_of_what_each_line_stands_for(corpus):
    merged = merged_lines(corpus.values())
    compact = [x for x in merged if any(b" " + p + b" " in x for p in COMPACT)]
    assert len(compact) > 100
    odd = [b"_:b0 <" + CPPCC.encode() + b'quoteExact> "a blank node\'s: kept" .',  # not an IRI: kept as it is
           b'<https://e.org/x> <https://e.org/p> "a literal: <' + CPPCC.encode() + b'quoteExact> " .',
           expand(compact[0] + b"\n").splitlines()[0]]  # a full-form line beside its compact one
    for lines in (merged, merged[::-1] + merged[:50] + odd):  # sorted; reversed, with duplicates and odd lines
        expected = sorted(_one_by_one(lines))
        assert expand_lines(list(lines)) == expected
        assert expand(b"\n".join(lines)) == b"".join(x + b"\n" for x in expected)
    assert expansion_growth(corpus.values()) == len(expand_lines(merged)) - len(merged) > 0


def test_sources_name_every_compact_line_a_line_comes_from_and_only_those(corpus):
    compact = [x for x in merged_lines(corpus.values()) if any(b" " + p + b" " in x for p in COMPACT)]
    for line in random.Random(15).sample(compact, 200):
        for derived in expand(line + b"\n").splitlines():
            found = sources(derived)
            assert (derived, True) in found
            assert any(x == line if whole else line.startswith(x) for x, whole in found), derived
            for x, whole in found:  # each source gives the line (one of any object, for a start of a line)
                assert derived in expand(x + (b"\n" if whole else b'"z" .\n')).splitlines()
    plain = b"<https://e.org/x> <https://e.org/p> <https://e.org/y> ."
    assert sources(plain) == [(plain, True)]


def _annotation(start: int, end: int, exact: str, *, only: tuple[str, ...] = ()) -> bytes:
    a = f"<{EV}{start}-{end}>"
    lines = {"quoteSource": f"{a} <{CPPCC}quoteSource> {SOURCE} .",
             "quoteStart": f'{a} <{CPPCC}quoteStart> "{start}"^^<{XSD}nonNegativeInteger> .',
             "quoteEnd": f'{a} <{CPPCC}quoteEnd> "{end}"^^<{XSD}nonNegativeInteger> .',
             "quoteExact": f'{a} <{CPPCC}quoteExact> "{exact}" .',
             "type": f"{a} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{OA}Annotation> ."}
    return b"".join((x + "\n").encode() for k, x in lines.items() if not only or k in only)


def _nt(*parts: bytes) -> bytes:
    return b"".join(x + b"\n" for x in sorted(set(b"".join(parts).splitlines())))


BEFORE = {
    "https://w3id.org/cppcc-kg/graph/graph/a.ttl": _nt(_annotation(0, 2, "甲乙"), _annotation(3, 5, "丙丁")),
    "https://w3id.org/cppcc-kg/graph/graph/b.ttl": _nt(_annotation(0, 2, "甲乙", only=("quoteExact",)),
                                                      _annotation(6, 8, "戊己")),
    "https://w3id.org/cppcc-kg/graph/graph/c.ttl": _nt(_annotation(6, 8, "戊己"), expand(_annotation(9, 10, "庚"))),
}
A, B, C = sorted(BEFORE)
#: each edit: graph -> its N-Triples now (b"": removed)
EDITS = {
    "a quote removed, held in part by another file": {A: _nt(_annotation(3, 5, "丙丁"))},
    "a quote removed, held whole by another file": {C: expand(_annotation(9, 10, "庚"))},
    "a quote added": {A: _nt(BEFORE[A], _annotation(11, 12, "辛"))},
    "a quote changed": {A: _nt(BEFORE[A].replace("丙丁".encode(), "丙戊".encode()))},
    "a full-form quote made compact": {C: _nt(_annotation(6, 8, "戊己"), _annotation(9, 10, "庚"))},
    "a file removed, another's quote moved into a third": {
        B: b"", C: _nt(BEFORE[C], _annotation(0, 2, "甲乙", only=("quoteExact",)))},
}


@pytest.mark.parametrize("by_store", [False, True], ids=["files", "store"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_graph_nt_of_an_edit_is_the_full_form_of_the_files_now(edit, by_store, monkeypatch):
    """:func:`graph_splice.nt_edits` (the changed graphs expanded, the others asked whether they give a line) patches
    the previous ``graph.nt`` into the full form of the files now, whether the files or the store are asked."""
    now = {**BEFORE, **EDITS[edit]}
    now = {g: nt for g, nt in now.items() if nt}
    old_nt = expand(b"".join(BEFORE.values()))
    changed = {g: (BEFORE.get(g, b""), now.get(g, b"")) for g in EDITS[edit]}
    if by_store:
        monkeypatch.setattr(graph_splice, "SCAN_LINES", 0)
        store_of = lambda: load_store(now)  # noqa: E731
    else:
        monkeypatch.setattr(graph_splice, "SCAN_LINES", 10**6)

        def store_of():
            raise AssertionError("the store was asked")
    edits, delta = graph_splice.nt_edits(old_nt, changed, now, store_of)

    class Out(list):
        def copy(self, a, b):
            self.append(old_nt[a:b])

        def write(self, data):
            self.append(data)
    out = Out()
    graph_splice.splice_nt(out, len(old_nt), edits)
    expected = expand(b"".join(now.values()))
    assert b"".join(out) == expected
    assert delta == expected.count(b"\n") - old_nt.count(b"\n")
    assert (edits != []) is (expected != old_nt)
