"""Test helper: a graph or a store of the compact form of the evidence in the full form of the exports.

The oracles that read the evidence (``entity_graph_rdflib``, ``evidence_grouped``) are the former readings, of
the full form (``oa:hasTarget``, its source and selectors); the project's files and the build's store hold the
compact form (``cppcc:quoteSource``, ``quoteStart``, ``quoteEnd``, ``quoteExact``). Each is given the
:func:`cppcc_kg.rdf.evidence_form.expand` of the project, graph by graph: what the exports hold.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from cppcc_kg.rdf.evidence_form import expand
from cppcc_kg.rdf.ntriples import ntriples_of, sorted_lines

__all__ = ["full_form_graph", "full_form_store"]


def full_form_graph(graph: Graph) -> Graph:
    """A new rdflib graph of the triples of *graph* (any rdflib graph, a view of a store included), the
    compact evidence expanded."""
    return Graph().parse(data=expand(ntriples_of(graph)).decode("utf-8"), format="nt")


def full_form_store(store: ox.Store) -> ox.Store:
    """A new store of the quads of *store*, graph by graph, the compact evidence of each graph expanded."""
    out = ox.Store()
    for g in [ox.DefaultGraph(), *store.named_graphs()]:
        nt = sorted_lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g))
        if nt:
            out.bulk_load(expand(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    return out
