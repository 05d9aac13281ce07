"""The evidence query without ``GROUP BY``, read by ``one_per_annotation``, gives the grouped query's solutions."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from oracles.evidence_grouped import grouped_evidence_query
from support import REPO_ROOT

from cppcc_kg.network.records import evidence_query, one_per_annotation
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import values

NONCONFORMING = """
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://e.org/> .
e:a1 oa:hasBody e:n1 ; oa:hasTarget e:t1 .
e:t1 oa:hasSource e:s2, e:s1 ; oa:hasSelector e:p1, e:p2, e:q1, e:q2 .
e:p1 oa:start "10"^^xsd:nonNegativeInteger ; oa:end "12"^^xsd:nonNegativeInteger .
e:p2 oa:start "9"^^xsd:nonNegativeInteger ; oa:end "100"^^xsd:nonNegativeInteger .
e:q1 oa:exact "乙" . e:q2 oa:exact "甲", e:notLiteral .
e:a2 oa:hasBody e:n1, e:n2 ; oa:hasTarget e:t2 .
e:t2 oa:hasSelector e:q3 . e:q3 oa:exact "丙" .
e:a3 oa:hasBody e:n3 ; oa:hasTarget e:t3 .
"""


def _store(which: str, tmp_path) -> ox.Store:
    if which == "repository":
        return load(REPO_ROOT, cache=False).store
    if which == "synthetic":
        write_corpus(tmp_path / "synth", scale=3, seed=0)
        return load(tmp_path / "synth", cache=False).store
    store = ox.Store()
    for g in ("https://e.org/g1", "https://e.org/g2"):  # every triple in two graphs
        store.load(NONCONFORMING.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(g))
    return store


@pytest.mark.parametrize("which", ["repository", "synthetic", "nonconforming"])
def test_the_evidence_read_as_one_per_annotation_is_the_grouped_query(which, tmp_path):
    store = _store(which, tmp_path)
    grouped = values(store, grouped_evidence_query())
    assert len(grouped) > 2
    assert sorted(one_per_annotation(values(store, evidence_query()))) == sorted(grouped)
    if which == "nonconforming":
        assert ("https://e.org/n1", "https://e.org/a1", "https://e.org/t1", "https://e.org/s1", "9", "12", "乙") \
            in grouped
