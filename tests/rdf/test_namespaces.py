"""Namespaces (cppcc_kg.rdf.namespaces): the prefix table covers every IRI kind of the ontology."""
from __future__ import annotations

from cppcc_kg.rdf.namespaces import BASE, KG, PREFIXES
from cppcc_kg.schema import Schema


def test_every_iri_kind_of_the_ontology_has_a_prefix():
    kinds = Schema.default().iri_kinds()
    assert kinds  # the ontology declares cppcc:iriPattern
    bound = set(PREFIXES.values())
    assert {ns for ns in kinds.values() if ns not in bound} == set()
    for kind, ns in kinds.items():
        assert str(KG[kind]) == ns


def test_kg_makes_the_namespace_of_any_kind():
    assert str(KG["source"]["nmg"]) == BASE + "id/source/nmg"
    assert KG["observation"] is KG["observation"]
    assert {p for p, ns in PREFIXES.items() if ns.startswith(BASE + "id/")} >= {"kgorg", "kgprog", "kgsrc", "ev"}
