"""cppcc_kg.rdf.bodies: the Turtle and JSON-LD of canonical N-Triples are the bytes that Oxigraph's
serializers give (tests/oracles/serialize_oxigraph.py, the implementation before issue 15, session 8),
on the real graph, a synthetic project and edge cases."""
from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from oracles import serialize_oxigraph as oracle
from support import REPO_ROOT

from cppcc_kg.project.files import iter_files, project_files
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf import bodies
from cppcc_kg.rdf.bodies import bodies_of
from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.rdf.ntriples import NT, canonical_ntriples, sorted_lines
from cppcc_kg.rdf.serialize import jsonld_body, misread_prefixes, turtle_body


def same_as_oxigraph(nt: bytes, skip=frozenset()) -> None:
    """bodies_of(*nt*, *skip*) gives Oxigraph's Turtle, its JSON-LD and the misread prefixes of the whole document."""
    ttl, js, misread = bodies_of(nt, skip)
    assert ttl == oracle.turtle_body(nt)
    assert js == oracle.jsonld_body(nt, skip)
    assert misread == oracle.misread_prefixes(nt)


def test_the_graphs_of_the_repository_and_of_a_synthetic_project(tmp_path):
    project = load(REPO_ROOT, cache=False)
    try:
        graphs = project.graphs()  # the files and the generated pinyin
    finally:
        project.close()
    write_corpus(tmp_path / "synth", scale=10, seed=0)
    rels = project_files(tmp_path / "synth")
    graphs.update((f"synth/{rel}", nt) for rel, nt in iter_files(tmp_path / "synth", rels, workers=1))
    assert len(graphs) > 60
    for iri, nt in graphs.items():
        same_as_oxigraph(nt)
        assert turtle_body(nt) == oracle.turtle_body(nt), iri
        assert jsonld_body(nt) == oracle.jsonld_body(nt, oracle.misread_prefixes(nt)), iri
        assert misread_prefixes(nt) == oracle.misread_prefixes(nt)


EDGES = r"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix kgorg: <https://w3id.org/cppcc-kg/id/org/> .
@prefix ev: <https://w3id.org/cppcc-kg/id/evidence/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

ex:lit ex:p "quote \" inside", "back\\slash", "ends with a backslash \\", "new\nline", "tab\there",
    "cr\rreturn", "controls \u0001 \u0008 \u000B \u000C \u001F \u007F \uFFFE \uFFFF end", "中文 é 😀 \u2028",
    "x"@en-US, "y"@zh-Hans-CN, "z"@EN, "1"^^xsd:integer, "+1"^^xsd:integer, "-0"^^xsd:integer,
    "1 "^^xsd:integer, "01.5"^^xsd:decimal, ".5"^^xsd:decimal, "1."^^xsd:decimal, "1e5"^^xsd:double,
    "1.0E-3"^^xsd:double, ".5e+1"^^xsd:double, "1.e1"^^xsd:double, "e1"^^xsd:double, "INF"^^xsd:double,
    "true"^^xsd:boolean, "1"^^xsd:boolean, "2023-01"^^xsd:gYearMonth, "x"^^xsd:string,
    "x"^^<http://example.org/dt>, "x"^^<urn:x:dt>, "x"^^<http://example.org/a/b.>,
    "https://w3id.org/cppcc-kg/id/org/x", "\"https://w3id.org/cppcc-kg/id/org/x", "a\"http://www.w3.org/ns/oa#",
    "<<( ex:a ex:b ex:c )>>", "~ {| |} VERSION @version --ltr", "\\u0041 is not an escape", "" .
ex:iris ex:p kgorg:a\/b, kgorg:\-x, kgorg:x\., kgorg:\.x, kgorg:a.b, kgorg:\%20x, kgorg:\~x, kgorg:名字,
    kgorg:名字\., kgorg:, kgorg:a\?b\=c\&d, kgorg:x\#y, kgorg:_x, kgorg:1x, kgorg:x-, kgorg:x_, kgorg:a%3Ab,
    kgorg:a:b, kgorg:x·, kgorg:x\(1\), kgorg:a\!\$\'\*\+\,\;, <https://w3id.org/cppcc-kg/id/orga>,
    <https://w3id.org/cppcc-kg/id/org/x%C3%A9>, <https://w3id.org/cppcc-kg/id/org/a=1>,
    <http://www.w3.org/2001/XMLSchema#>, <https://w3id.org/cppcc-kg/>, ev:src\/1-2-quote,
    <https://w3id.org/cppcc-kg/id/relation/org.a--issued--document.b>, ex:s, rdf:type, oa:hasBody .
ex:misread ex:p <kgorg:x>, <cppcc:Foo>, <urn:x>, <http://www.w3.org/ns/oa#//y>, <https://w3id.org/cppcc-kg/id/org///z>,
    "<kgorg:q>", "a <oa:x> b"@en, "x"^^<kgorg:dt>, "<http://www.w3.org/ns/oa#//w>" .
<kgorg:subject> <oa:predicate> ex:o .
_:b1 ex:p _:b2, [ ex:q "in a blank node" ] .
ex:typed a ex:C, ex:D ; ex:p rdf:type ; rdf:type ex:E .
kgorg:x ex:p kgorg:y ; ex:q kgorg:y, kgorg:z ; ex:r "1", "2"@en, kgorg:y .
"""


def edges() -> bytes:
    """The edge cases as canonical N-Triples (as the build reads them)."""
    return canonical_ntriples(EDGES, "edges.ttl")


def test_edge_cases_give_the_bytes_of_oxigraph():
    nt = edges()
    assert b"\\u0001" in nt and b"\\uFFFE" in nt and b"@en-us" in nt and b"_:edges_b0" in nt
    same_as_oxigraph(nt)
    assert bodies_of(nt)[2] == {"kgorg", "oa", "cppcc"}
    for skip in ({"kgorg"}, {"oa", "xsd", "ex"}, set(PREFIXES)):
        same_as_oxigraph(nt, frozenset(skip))
    for line in nt.splitlines(keepends=True):  # each line alone: the terms at the start of a document
        same_as_oxigraph(line)


def test_lines_out_of_order_and_a_predicate_again_after_another():
    """Oxigraph's writers group only consecutive lines; its JSON-LD writer opens another node object
    for a subject whose predicate comes again after another one."""
    p = "<http://example.org/%s>"
    lines = [f"{p % s} {p % q} {p % o} .\n" for s, q, o in (
        ("s", "p1", "o1"), ("s", "p2", "o2"), ("s", "p1", "o3"), ("s", "p2", "o4"), ("t", "p", "o"),
        ("s", "p", "o"), ("s", "p", "o2"), ("s", "p3", "o"), ("s", "p", "o"))]
    same_as_oxigraph("".join(lines).encode())
    nt = edges().splitlines(keepends=True)
    random.Random(0).shuffle(nt)
    same_as_oxigraph(b"".join(nt))


def local_name_cases() -> bytes:
    """IRIs whose local names hold each character of interest: all of ASCII, the ends of the ranges
    of Turtle's PN_CHARS_BASE and PN_CHARS, and some drawn at random, first, inside and last."""
    points = set(range(0x20, 0x80))
    for a, b in ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D),
                 (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD),
                 (0x10000, 0xEFFFF), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040)):
        points.update((a - 1, a, b, b + 1))
    draw = random.Random(0)
    points.update(draw.randrange(0x80, 0x110000) for _ in range(300))
    triples = []
    for cp in sorted(points):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        for local in (c, f"a{c}b", f"a{c}", f"{c}a"):
            for ns in (PREFIXES["kgorg"], PREFIXES["oa"]):
                try:
                    iri = ox.NamedNode(ns + local)
                except ValueError:
                    continue
                triples.append(ox.Triple(iri, iri, iri))
    return sorted_lines(ox.serialize(triples, format=NT))


def test_local_names_as_oxigraph_writes_them():
    nt = local_name_cases()
    assert nt.count(b"\n") > 2000
    same_as_oxigraph(nt)


def test_terms_remembered_between_documents_and_forgotten(monkeypatch):
    odd = b'<http://example.org/a> <http://example.org/p> <kgorg:x> .\n'
    plain = b'<http://example.org/a> <http://example.org/p> <https://w3id.org/cppcc-kg/id/org/x> .\n'
    for doc in (odd, plain, odd, odd, plain):  # a term that names a misread prefix is reported each time
        same_as_oxigraph(doc)
    monkeypatch.setattr(bodies, "MAX_TERMS", 5)
    nt = edges()
    for _ in range(3):
        same_as_oxigraph(nt)
        assert bodies._terms(frozenset()).size() <= 5 + nt.count(b"\n") * 3


@pytest.mark.parametrize("nt", [
    b"<http://e.org/a> <http://e.org/p> bare .\n",
    b"<http://e.org/a b> <http://e.org/p> <http://e.org/o> .\n",
    b'<http://e.org/a> "p" <http://e.org/o> .\n',
    b'<http://e.org/a> <http://e.org/p> "x"@en--ltr .\n',
    b"<http://e.org/a> <http://e.org/p> <<( <http://e.org/a> <http://e.org/p> <http://e.org/o> )>> .\n",
])
def test_what_is_not_canonical_n_triples_is_refused(nt):
    with pytest.raises(ValueError, match="not a term of canonical N-Triples"):
        bodies_of(nt)


def test_an_empty_document():
    assert bodies_of(b"") == (b"", b"", set()) and bodies_of(b"\n") == (b"", b"", set())
