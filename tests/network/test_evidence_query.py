"""The evidence query without ``GROUP BY``, read by ``one_per_annotation``, gives the grouped query's solutions;
it reads both forms of the evidence, and a store of the compact form (the project's files, the build's store)
and its expansion into the full form (the exports) give the same solutions."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from oracles.evidence_grouped import grouped_evidence_query
from oracles.full_form import full_form_store
from support import REPO_ROOT

from cppcc_kg.network.records import evidence_query, one_per_annotation, titles_query
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import values

PREFIXES = """
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://e.org/> .
"""
#: annotations of the full form that do not conform to the shapes (not of the project's form either)
NONCONFORMING = PREFIXES + """
e:a1 oa:hasBody e:n1 ; oa:hasTarget e:t1 .
e:t1 oa:hasSource e:s2, e:s1 ; oa:hasSelector e:p1, e:p2, e:q1, e:q2 .
e:p1 oa:start "10"^^xsd:nonNegativeInteger ; oa:end "12"^^xsd:nonNegativeInteger .
e:p2 oa:start "9"^^xsd:nonNegativeInteger ; oa:end "100"^^xsd:nonNegativeInteger .
e:q1 oa:exact "乙" . e:q2 oa:exact "甲", e:notLiteral .
e:a2 oa:hasBody e:n1, e:n2 ; oa:hasTarget e:t2 .
e:t2 oa:hasSelector e:q3 . e:q3 oa:exact "丙" .
e:a3 oa:hasBody e:n3 ; oa:hasTarget e:t3 .
"""
#: annotations of the compact form that do not conform to the shapes: two sources, starts and quotes, a quote
#: that is not a literal, a source that is a blank node, one property only, a blank-node annotation (which the
#: full form does not expand: read by neither), an annotation without a body
NONCONFORMING_COMPACT = PREFIXES + """
e:c1 oa:hasBody e:n1 ; cppcc:quoteSource e:s2, e:s1 ; cppcc:quoteStart "10"^^xsd:nonNegativeInteger, "9"^^xsd:nonNegativeInteger ;
    cppcc:quoteEnd "12"^^xsd:nonNegativeInteger ; cppcc:quoteExact "乙", "甲", e:notLiteral .
e:c2 oa:hasBody e:n1, e:n2 ; cppcc:quoteExact "丙" .
e:c3 oa:hasBody e:n3 ; cppcc:quoteEnd "7"^^xsd:nonNegativeInteger .
e:c4 oa:hasBody e:n4 ; cppcc:quoteSource [ a cppcc:Source ] ; cppcc:quoteStart "1"^^xsd:nonNegativeInteger .
[] oa:hasBody e:n5 ; cppcc:quoteExact "丁" .
e:c6 cppcc:quoteExact "戊" .
e:s1 dcterms:title "甲文"@zh, "A text"@en .
"""


def _store(which: str, tmp_path) -> ox.Store:
    if which == "repository":
        return load(REPO_ROOT, cache=False).store
    if which == "synthetic":
        write_corpus(tmp_path / "synth", scale=3, seed=0)
        return load(tmp_path / "synth", cache=False).store
    store = ox.Store()
    data = NONCONFORMING if which == "nonconforming" else NONCONFORMING_COMPACT
    for g in ("https://e.org/g1", "https://e.org/g2"):  # every triple in two graphs
        store.load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g))
    return store


@pytest.mark.parametrize("which", ["repository", "synthetic", "nonconforming", "nonconforming-compact"])
def test_the_evidence_read_as_one_per_annotation_is_the_grouped_query(which, tmp_path):
    store = _store(which, tmp_path)
    full = full_form_store(store)  # the grouped query (the former one) reads the full form only
    grouped = values(full, grouped_evidence_query())
    assert len(grouped) > 2
    assert sorted(one_per_annotation(values(store, evidence_query()))) == sorted(grouped)
    if which == "nonconforming":
        assert ("https://e.org/n1", "https://e.org/a1", "https://e.org/t1", "https://e.org/s1", "9", "12", "乙") \
            in grouped
    if which == "nonconforming-compact":
        assert ("https://e.org/n1", "https://e.org/c1", "https://e.org/c1-target", "https://e.org/s1", "9", "12",
                "乙") in grouped


@pytest.mark.parametrize("which", ["repository", "synthetic", "nonconforming-compact"])
def test_a_compact_store_and_its_full_form_give_the_same_solutions(which, tmp_path):
    store = _store(which, tmp_path)
    full = full_form_store(store)
    for query in (evidence_query(), titles_query()):
        compact_rows, full_rows = sorted(values(store, query)), sorted(values(full, query))
        assert compact_rows and compact_rows == full_rows
    if which == "nonconforming-compact":
        rows = values(store, evidence_query())
        assert {a for _b, a, *_ in rows} == {f"https://e.org/c{i}" for i in range(1, 5)}
        assert ("https://e.org/n4", "https://e.org/c4", "https://e.org/c4-target", "", "1", "", "") in rows
        assert sorted(values(store, titles_query())) == [("https://e.org/s1", "A text", "en", "true"),
                                                          ("https://e.org/s1", "甲文", "zh", "true")]
