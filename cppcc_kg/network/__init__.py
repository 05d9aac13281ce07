"""The entity graph and its network analysis.

The public API, by topic (each module is a few hundred lines):

* :mod:`~cppcc_kg.network.entity_graph`: :func:`build_entity_graph` (from a pyoxigraph store
  or an rdflib graph), with :mod:`~cppcc_kg.network.records` (attributes, observations,
  evidence: the table ``attributes.tsv``);
* :mod:`~cppcc_kg.network.frames`: :func:`nodes_frame`, :func:`edges_frame`, the entity columns;
* :mod:`~cppcc_kg.network.graphml`: :func:`write_graphml`;
* :mod:`~cppcc_kg.network.projections`: undirected weighted, bipartite, one-mode projections;
* :mod:`~cppcc_kg.network.centrality`: degree, betweenness, closeness, eigenvector, PageRank,
  brokerage (on the igraph kernels of :mod:`~cppcc_kg.network.kernels`);
* :mod:`~cppcc_kg.network.structure`: k-core, articulation points, bridges;
* :mod:`~cppcc_kg.network.communities`: communities and their summary (Louvain by
  :mod:`~cppcc_kg.network.louvain`: networkx's algorithm on integers, the same partitions);
* :mod:`~cppcc_kg.network.paths`: :func:`find_entity`, :func:`shortest_paths`;
* :mod:`~cppcc_kg.network.metrics`: :func:`all_measures`, :func:`write_metrics` (``metrics.csv``, ``metrics.ttl``);
* :mod:`~cppcc_kg.network.query_graph`: :func:`entity_graph_of_query`;
* :mod:`~cppcc_kg.network.plotting`: figures of the notebooks (matplotlib; imported on its own).

>>> from cppcc_kg.network import build_entity_graph, pagerank
>>> from cppcc_kg.network.entity_graph import EXAMPLE_TTL
>>> from rdflib import Graph
>>> pagerank(build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle")))["pagerank"].tolist()
[0.5, 0.5]
"""
from cppcc_kg.network.centrality import (
    betweenness,
    brokerage,
    closeness,
    components,
    degree,
    eigenvector,
    pagerank,
    sector_groups,
)
from cppcc_kg.network.communities import communities, community_summary
from cppcc_kg.network.entity_graph import (
    build_entity_graph,
    entity_graph_queries,
    query_predicates,
    read_node_attribute,
    run_queries,
    store_of,
)
from cppcc_kg.network.frames import (
    BASE_COLUMNS,
    EDGE_COLUMNS,
    NODE_COLUMNS,
    edge_rows,
    edges_frame,
    entity_frame,
    node_rows,
    nodes_frame,
    shared_rows,
)
from cppcc_kg.network.graphml import graphml_bytes, write_graphml
from cppcc_kg.network.metrics import (
    AUTO_EXACT_LIMIT,
    AUTO_K,
    MEASURES,
    METRICS_GRAPH,
    PROPERTIES,
    all_measures,
    auto_k,
    load_rdf,
    top_table,
    write_metrics,
)
from cppcc_kg.network.paths import (
    AmbiguousEntityError,
    EntityNotFoundError,
    find_entity,
    shortest_paths,
)
from cppcc_kg.network.projections import (
    bipartite_graph,
    classes_of_kind,
    is_instance_of,
    nodes_of_classes,
    nodes_of_kind,
    one_mode_projection,
    organization_document_graph,
    organization_program_graph,
    shared_projection,
    simple_graph,
    to_undirected_weighted,
)
from cppcc_kg.network.structure import articulation_points, bridges, kcore

__all__ = [
    "build_entity_graph", "entity_graph_queries", "query_predicates", "read_node_attribute", "run_queries",
    "store_of",
    "NODE_COLUMNS", "EDGE_COLUMNS", "BASE_COLUMNS", "nodes_frame", "edges_frame", "entity_frame", "shared_rows",
    "node_rows", "edge_rows",
    "graphml_bytes", "write_graphml",
    "to_undirected_weighted", "simple_graph", "shared_projection", "is_instance_of", "nodes_of_classes",
    "classes_of_kind", "nodes_of_kind", "bipartite_graph", "organization_program_graph",
    "organization_document_graph", "one_mode_projection",
    "degree", "betweenness", "closeness", "eigenvector", "pagerank", "components", "sector_groups", "brokerage",
    "kcore", "articulation_points", "bridges", "communities", "community_summary",
    "find_entity", "shortest_paths", "EntityNotFoundError", "AmbiguousEntityError",
    "MEASURES", "METRICS_GRAPH", "PROPERTIES", "AUTO_EXACT_LIMIT", "AUTO_K", "all_measures", "auto_k",
    "write_metrics", "load_rdf", "top_table", "entity_graph_of_query",
]


def __getattr__(name):
    # entity_graph_of_query runs SPARQL (rdflib's SPARQL engine, pandas): loaded when first used,
    # so that the build, which does not need it, does not pay for it
    if name == "entity_graph_of_query":
        from cppcc_kg.network.query_graph import entity_graph_of_query

        return entity_graph_of_query
    raise AttributeError(f"module 'cppcc_kg.network' has no attribute {name!r}")
