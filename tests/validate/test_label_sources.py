"""The label check reads the entities, their Chinese labels and the sources their evidence quotes in one query.

Which texts are searched first (those the entity's evidence quotes) changes only how soon a label is found,
never the verdict: the report equals the reference's (tests/oracles/validate_checks.py), which searches every
text, on crafted cases where the label is in a quoted text, only in another, in no text, with two labels.
"""
from __future__ import annotations

from oracles.validate_checks import check_labels
from rdflib import Graph, URIRef

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import store_of_quads, values
from cppcc_kg.validate import where_in
from cppcc_kg.validate.labels import ENTITY_LABELS_AND_SOURCES, label_problems

DATA = """
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix e: <http://e.org/> .
cppcc:Organization rdfs:subClassOf cppcc:Entity .
cppcc:Person rdfs:subClassOf cppcc:Entity .
e:own a cppcc:Organization ; rdfs:label "甲乙"@zh, "Own"@en .
e:other a cppcc:Person ; rdfs:label "丙丁"@zh .
e:none a cppcc:Person ; rdfs:label "戊己"@zh .
e:nowhere a cppcc:Organization ; rdfs:label "庚辛"@zh .
e:two a cppcc:Organization ; rdfs:label "甲"@zh, "壬癸"@zh-Hans .
e:both a cppcc:Person ; rdfs:label "丁"@zh .
e:unknown a cppcc:Person ; rdfs:label "子丑"@zh .
e:nolabel a cppcc:Person .
e:a1 oa:hasBody e:own, e:other, e:both ; cppcc:quoteSource e:s1 .
e:a2 oa:hasBody e:both, e:two ; cppcc:quoteSource e:s2 .
e:a3 oa:hasBody e:unknown ; cppcc:quoteSource e:s9 .
"""
TEXTS = {"http://e.org/s1": "甲乙在此。", "http://e.org/s2": "丙丁与戊己，子丑。"}


def test_the_label_check_finds_what_the_reference_finds_wherever_the_label_is():
    graph = Graph().parse(data=DATA, format="turtle")
    store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in graph)
    found = label_problems(store, TEXTS)
    assert [(p["focus"], p["message"]) for p in found] == [
        (p["focus"], p["message"]) for p in sorted(check_labels(graph, TEXTS), key=lambda p: p["focus"])]
    assert [p["focus"] for p in found] == ["http://e.org/nowhere", "http://e.org/two"]
    assert "壬癸" in found[1]["message"]
    rows = set(values(store, ENTITY_LABELS_AND_SOURCES))
    assert ("http://e.org/both", "丁", "http://e.org/s1") in rows and ("http://e.org/both", "丁", "http://e.org/s2") in rows
    assert ("http://e.org/nolabel", "", "") in rows  # an entity without a label: no problem, as before


def test_the_label_check_equals_the_reference_on_a_synthetic_project(tmp_path):
    root = tmp_path / "s3"
    write_corpus(root, scale=3)
    graph = root / "graph"
    edited = next(graph.rglob("entities.ttl"))
    text = edited.read_text(encoding="utf-8")
    at = text.index('"@zh')
    edited.write_text(text[:at] + "外" + text[at:], encoding="utf-8")  # one label found in no text
    project = load(root, cache=False)
    where = where_in(project)
    fast = label_problems(project.store, project.sources, where=where, graph=project.view)
    slow = check_labels(project.graph, project.sources, where=where)
    assert len(fast) == 1 and sorted(map(repr, fast)) == sorted(map(repr, slow))
