"""Test oracle: the entities of a graph and their Chinese labels, walked with rdflib.

The library reads them from the store by SPARQL (:func:`cppcc_kg.project.entities.entity_zh_labels`).
"""
from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.rdf.namespaces import CPPCC


def entity_classes(graph: Graph) -> set:
    """``cppcc:Entity`` and all its subclasses (by ``rdfs:subClassOf*``)."""
    return set(graph.transitive_subjects(RDFS.subClassOf, CPPCC.Entity))


def entities(graph: Graph) -> list:
    """Sorted IRIs of the instances of ``cppcc:Entity`` and its subclasses."""
    classes = entity_classes(graph)
    return sorted({s for s, o in graph.subject_objects(RDF.type) if o in classes and isinstance(s, URIRef)})
