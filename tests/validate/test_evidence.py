"""Every piece of evidence of the real graph quotes its source exactly: exact == text[start:end].

Checked here independently of the build's own check (cppcc_kg.validate.evidence.evidence_problems):
the files are parsed with rdflib and the evidence (its compact form: the source, offsets and quote on the
annotation) read with one SPARQL query.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph

REPO = Path(__file__).resolve().parents[2]

QUERY = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
SELECT ?annotation ?path ?start ?end ?exact WHERE {
    ?annotation a oa:Annotation ; cppcc:quoteSource ?source ; cppcc:quoteStart ?start ; cppcc:quoteEnd ?end ;
        cppcc:quoteExact ?exact .
    ?source cppcc:localPath ?path .
}"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    files = [REPO / "ontology.ttl", *sorted((REPO / "sources").glob("*.ttl")),
             *sorted(p for p in (REPO / "graph").rglob("*.ttl") if "proposed" not in p.relative_to(REPO).parts)]
    for f in files:
        g.parse(f, format="turtle")
    return g


@pytest.fixture(scope="module")
def evidence(graph) -> list:
    return sorted(graph.query(QUERY), key=lambda r: (str(r.path), int(r.start), int(r.end), str(r.annotation)))


def test_there_is_evidence(evidence):
    assert len(evidence) > 0


def test_every_quote_is_the_text_at_its_offsets(evidence):
    texts: dict[str, str] = {}
    wrong = []
    for row in evidence:
        path = str(row.path)
        if path not in texts:
            texts[path] = (REPO / path).read_bytes().decode("utf-8")
        start, end = int(row.start), int(row.end)
        actual = texts[path][start:end]
        if str(row.exact) != actual or not 0 <= start < end <= len(texts[path]):
            wrong.append(f"{row.annotation}: exact {str(row.exact)!r} != text[{start}:{end}] {actual!r}")
    assert not wrong, "\n".join(wrong[:30])


def test_every_annotation_has_its_source_offsets_and_quote(graph, evidence):
    from rdflib import Namespace
    from rdflib.namespace import RDF
    OA = Namespace("http://www.w3.org/ns/oa#")
    annotations = set(graph.subjects(RDF.type, OA.Annotation))
    assert annotations == {row.annotation for row in evidence}
    assert len(evidence) == len(annotations)  # one source, start, end and quote each


def test_no_evidence_is_in_the_full_form(graph):
    """The curated files write the compact form only (rules/evidence-in-full-form.rq says so in a build)."""
    from rdflib import Namespace
    from rdflib.namespace import RDF
    OA = Namespace("http://www.w3.org/ns/oa#")
    full = [t for p in (OA.hasTarget, OA.hasSource, OA.hasSelector, OA.start, OA.end, OA.exact)
            for t in graph.triples((None, p, None))]
    full += [t for c in (OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector)
             for t in graph.triples((None, RDF.type, c))]
    assert full == []


def test_source_texts_match_their_checksums(graph):
    from rdflib import Namespace
    CPPCC = Namespace("https://w3id.org/cppcc-kg/ontology#")
    for src, path in graph.subject_objects(CPPCC.localPath):
        data = (REPO / str(path)).read_bytes()
        assert hashlib.sha256(data).hexdigest() == str(graph.value(src, CPPCC.sha256)), path
        assert len(data.decode("utf-8")) == int(graph.value(src, CPPCC.characterCount)), path


def test_source_is_the_shared_original(shared_dir):
    for text in (REPO / "sources").glob("*.zh.txt"):
        original = shared_dir / "sources" / text.name
        if original.is_file():
            assert text.read_bytes() == original.read_bytes(), text.name
