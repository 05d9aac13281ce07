"""The entity graph of a query's result: a part of a graph too large to analyse whole.

>>> from rdflib import Graph
>>> from cppcc_kg.network.entity_graph import EXAMPLE_TTL
>>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle")
>>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (STRSTARTS(STR(?s), 'https://w3id.org/cppcc-kg/id/')) }"
>>> G = entity_graph_of_query(q, engine=open_engine(graph=g, store="oxigraph"))
>>> G.number_of_nodes(), G.number_of_edges()
(2, 1)
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from cppcc_kg.network.entity_graph import build_entity_graph
from cppcc_kg.rdf.ntriples import canonical_ntriples
from cppcc_kg.rdf.store import load_store, store_of_quads
from cppcc_kg.sparql.query import open_engine, run

__all__ = ["entity_graph_of_query"]

#: the graph that holds the ontology beside the query's triples
ONTOLOGY_GRAPH = "urn:x-cppcc-kg:ontology"


def entity_graph_of_query(construct, *, engine=None, store: str = "oxigraph", endpoint: str | None = None,
                          build_dir="build", ontology="ontology.ttl", max_rows: int | None = None) -> nx.MultiDiGraph:
    """The entity graph of the triples a ``CONSTRUCT`` (or ``DESCRIBE``) query returns.

    For graphs too large to analyse whole, or held by a server: a notebook asks the
    store (the build, with ``store``; or a SPARQL endpoint, with ``endpoint``, e.g. one
    filled by ``cppcc-kg push``) for the part it needs (a community, a province, an
    entity's neighbourhood) and analyses that, with the same functions as the whole
    graph (:mod:`cppcc_kg.network`). The ontology (classes, display hints) comes from
    *ontology* so the query need not return it.

    Parameters
    ----------
    construct : str or pathlib.Path
        A ``CONSTRUCT`` or ``DESCRIBE`` query (text or ``.rq`` file). Its triples should
        include ``rdf:type`` and ``rdfs:label`` of the entities wanted.
    engine : cppcc_kg.sparql.query.Engine, optional
        Where to run it; by default :func:`cppcc_kg.sparql.query.open_engine` with *store*,
        *endpoint* and *build_dir*.
    ontology : path
        The ontology file.
    """
    engine = engine or open_engine(store=store, endpoint=endpoint, build_dir=build_dir)
    result = run(construct, engine, max_rows=max_rows)
    if result.form not in ("CONSTRUCT", "DESCRIBE"):
        raise ValueError(f"a CONSTRUCT or DESCRIBE query is needed, not {result.form}")
    sub = store_of_quads((s, p, o, None) for s, p, o in result.triples)
    onto = Path(ontology)
    if onto.is_file():
        load_store({ONTOLOGY_GRAPH: canonical_ntriples(onto.read_bytes(), str(onto))}, sub)
    return build_entity_graph(sub)
