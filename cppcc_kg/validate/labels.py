"""The label check: the Chinese label of every entity occurs in a source text.

The SHACL shapes cannot read the texts; this check does, on the project's Oxigraph store
(a slower reference on an rdflib graph, ``tests/oracles/validate_checks.py``, is tested to
give the same problems).

>>> from rdflib import Graph, URIRef
>>> from cppcc_kg.rdf.store import store_of_quads
>>> g = Graph().parse(format="turtle", data='''
... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... cppcc:Organization rdfs:subClassOf cppcc:Entity .
... <http://e.org/a> a cppcc:Organization ; rdfs:label "甲乙"@zh .
... <http://e.org/b> a cppcc:Organization ; rdfs:label "丁"@zh .''')
>>> store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)
>>> [p["focus"] for p in label_problems(store, {"s": "甲乙丙"})]
['http://e.org/b']
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.report import Where, labels_of, nowhere, problem

QUOTED_SOURCES = (f"SELECT DISTINCT ?e ?src WHERE {{ ?a <{OA}hasBody> ?e ; <{OA}hasTarget> ?t . "
                  f"?t <{OA}hasSource> ?src }}")


def label_message(label: str) -> str:
    """The message of a label found in no source text."""
    return (f"the Chinese label {label!r} does not occur in any source text: "
            "write the name exactly as the source does (other forms go in skos:altLabel)")


def label_problems(store: ox.Store, texts: dict, *, where: Where | None = None,
                   graph: Graph | None = None) -> list[dict]:
    """Check that the ``@zh`` label of every entity of *store* occurs in some source text.

    *texts* maps a source IRI to its text or its :class:`cppcc_kg.project.sources.SourceText`;
    *where(node, predicate)* gives files for messages, *graph* the labels of the entity.
    A label is looked for first in the sources that the entity's own evidence quotes,
    then in all the others, so that a thousand sources cost little more than one.
    """
    where = where or nowhere
    by_iri = {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}
    bodies = list(by_iri.values())
    quoted: dict[str, set[str]] = {}
    for e, src in values(store, QUOTED_SOURCES):
        quoted.setdefault(e, set()).add(src)
    out = []
    for e, labels in entity_zh_labels(store).items():
        own = [by_iri[s] for s in sorted(quoted.get(e, ())) if s in by_iri]
        for label in labels:
            if any(label in text for text in own) or any(label in text for text in bodies):
                continue
            entity = URIRef(e)
            out.append(problem("label", entity, label_message(label), rule="label in source", path="rdfs:label",
                               files=where(entity, RDFS.label), labels=labels_of(graph, entity)))
    return out
