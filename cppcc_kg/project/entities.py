"""The entities of a project and their Chinese labels, on the store.

An entity is an instance of ``cppcc:Entity`` or of one of its subclasses, as the data
(which holds the ontology) says by ``rdfs:subClassOf``. (An rdflib version, walking the
graph triple by triple, is the test oracle ``tests/oracles/entities_rdflib.py``.)

>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='''
... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... cppcc:Organization rdfs:subClassOf cppcc:Entity .
... <http://e.org/a> a cppcc:Organization ; rdfs:label "甲"@zh, "A"@en .''')
>>> from cppcc_kg.rdf.store import store_of_graph
>>> entity_zh_labels(store_of_graph(g), union=False)
{'http://e.org/a': ['甲']}
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.store import values


def zh_labels(graph: Graph, node) -> list[str]:
    """The ``rdfs:label`` values of *node* tagged ``@zh`` (or a ``zh-…`` subtag), sorted: how a
    problem report names one node."""
    return sorted(str(o) for o in graph.objects(node, RDFS.label)
                  if isinstance(o, Literal) and o.language and o.language.lower().split("-")[0] == "zh")


ENTITY_ZH_LABELS = f"""
SELECT DISTINCT ?e ?label WHERE {{
  ?c <{RDFS.subClassOf}>* <{CPPCC.Entity}> . ?e a ?c .
  OPTIONAL {{ ?e <{RDFS.label}> ?label FILTER (langMatches(lang(?label), "zh")) }}
  FILTER (isIRI(?e))
}}"""


def entity_zh_labels(store: ox.Store, *, union: bool = True) -> dict[str, list[str]]:
    """Entity IRI -> its ``@zh`` labels (sorted), for every entity, in IRI order (*union*: the data
    is the union of the named graphs)."""
    out: dict[str, list[str]] = {}
    for e, label in values(store, ENTITY_ZH_LABELS, union=union):
        lst = out.setdefault(e, [])
        if label:
            lst.append(label)
    return {e: sorted(out[e]) for e in sorted(out)}


def entity_zh_labels_of(facts) -> dict[str, list[str]]:
    """What :func:`entity_zh_labels` gives on the whole store, from the files' facts
    (:class:`cppcc_kg.project.file_facts.FileFacts`) while the store is being loaded: the entity classes
    followed on the small store of the class tree, their instances and ``@zh`` labels joined here."""
    entities = facts.subjects_of(facts.subclasses(CPPCC.Entity))
    labels: dict[str, set[tuple[str, str]]] = {}
    for s, text, tag in facts.zh_labels():
        if s in entities:
            labels.setdefault(s, set()).add((text, tag))
    return {e: sorted(text for text, _ in labels.get(e, ())) for e in sorted(entities)}
