"""The compiled value constraints (``sh:nodeKind``, ``sh:minLength``, ``sh:in``, ``sh:languageIn``,
``sh:class``) test the values first, in a sub-query, then join the few that fail with the target
(:func:`cppcc_kg.validate.shacl_compile._value_query`): they must still report the values of the focus
nodes only, subclass instances included, on the union of named graphs and on one graph, with blank nodes,
with several values, none, and a value's type in another graph than the value."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from cppcc_kg.validate import shacl as fastshacl

EX = "http://example.org/"

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:link ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ex:name ; sh:minLength 2 ] ;
  sh:property [ sh:path ex:kind ; sh:in ( "a" "b" ) ] ;
  sh:property [ sh:path ex:label ; sh:languageIn ( "en" "zh" ) ] ;
  sh:property [ sh:path ex:ref ; sh:class ex:K ] ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:class ex:K ] .
"""

DATA = """
@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:g1 {
  ex:D rdfs:subClassOf ex:C . ex:K2 rdfs:subClassOf ex:K .
  ex:c1 a ex:C ; ex:link _:b1, ex:ok ; ex:name "x", "long", _:b2 ; ex:kind "a", "z" ;
    ex:label "hi"@en, "salut"@fr, "plain", "ni"@zh-CN ; ex:ref ex:k1, ex:k2, ex:nok, _:b3 .
  ex:k1 a ex:K . ex:k2 a ex:K2 . ex:k4 a ex:K .
  ex:nok ex:owns ex:c1 . ex:k1 ex:owns ex:c1 .
  ex:x1 ex:link "lit" ; ex:name "z" ; ex:kind "q" ; ex:label "l"@de ; ex:ref ex:nok .
  ex:nok ex:owns ex:x1 .
  ex:c2 a ex:C .
}
ex:g2 {
  ex:c1 a ex:C ; ex:ref ex:nok ; ex:name "x" .
  ex:d1 a ex:D ; ex:name "y", "yy" ; ex:ref ex:k3, ex:k4 ; ex:link "d" .
  ex:k3 a ex:K2 .
}
"""

EXPECTED = {
    ("c1", "link", "_", "NodeKind"), ("d1", "link", "d", "NodeKind"),
    ("c1", "name", "x", "MinLength"), ("c1", "name", "_", "MinLength"), ("d1", "name", "y", "MinLength"),
    ("c1", "kind", "z", "In"),
    ("c1", "label", "salut", "languageIn"), ("c1", "label", "plain", "languageIn"),
    ("c1", "ref", EX + "nok", "class"), ("c1", "ref", "_", "class"),
    ("c1", "^owns", EX + "nok", "class"),
}


def _found(violations) -> set[tuple]:
    def short(x: str) -> str:
        return x.replace("^" + EX, "^").removeprefix(EX)
    return {(short(v.focus), short(v.path), "_" if v.value_kind == "bnode" else v.value, v.component)
            for v in violations}


def test_values_of_focus_nodes_only_on_the_union_of_named_graphs():
    store = ox.Store()
    store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TRIG)
    shapes = Graph().parse(data=SHAPES, format="turtle")
    found = fastshacl.validate(None, shapes, store=store, ntriples=[])
    assert _found(found) == EXPECTED
    kinds = {v.value_kind for v in found if v.component == "NodeKind"}
    assert kinds == {"bnode", "literal"}


def test_values_of_focus_nodes_only_in_one_graph():
    quads = list(ox.parse(DATA.encode("utf-8"), format=ox.RdfFormat.TRIG))  # put in one graph by validate
    shapes = Graph().parse(data=SHAPES, format="turtle")
    assert _found(fastshacl.validate(quads, shapes)) == EXPECTED


def test_each_constraint_alone_reports_what_the_plan_reports():
    store = ox.Store()
    store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TRIG)
    shapes = Graph().parse(data=SHAPES, format="turtle")
    compiled = fastshacl.compile_shapes(shapes)
    alone = set()
    for query, shape, path, message, component in compiled.queries:
        for sol in store.query(query, use_default_graph_as_union=True):
            alone.add(fastshacl._violation(sol, shape, path, message, component))
    assert _found(alone) == EXPECTED
