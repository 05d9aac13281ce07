"""Projections of the entity graph: undirected weighted, bipartite, one-mode.

The measures run on the undirected simple projection (:func:`to_undirected_weighted`,
made once per graph while :func:`shared_projection` is active: :func:`simple_graph`). The
bipartite graphs put entities of two kinds face to face; a kind is the IRI kind of the
ontology's classes (``org``, ``program``, ``document``…: ``cppcc:iriPattern``, read by
:meth:`cppcc_kg.schema.Schema.kind`), so that no list of classes is typed here.

>>> M = nx.MultiDiGraph()
>>> M.add_edge("a", "b", key="issued"); M.add_edge("b", "a", key="about")
'issued'
'about'
>>> to_undirected_weighted(M).edges["a", "b"]["weight"]
2
"""
from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from cppcc_kg.network.memo import made_once, memo_block
from cppcc_kg.schema import Schema

__all__ = ["to_undirected_weighted", "simple_graph", "shared_projection", "shared", "is_instance_of", "nodes_of_classes",
           "classes_of_kind", "nodes_of_kind", "bipartite_graph", "organization_program_graph",
           "organization_document_graph", "one_mode_projection", "backend_chosen"]


def to_undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph: one edge per related pair, ``weight`` = number of relations.

    Self-loops are dropped (they would break k-core and mean nothing for brokerage).
    The edge attribute ``properties`` lists the property keys of the pair's relations.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("a", "b", key="issued"); M.add_edge("b", "a", key="about"); M.add_edge("a", "a", key="partOf")
    'issued'
    'about'
    'partOf'
    >>> U = to_undirected_weighted(M)
    >>> U.edges["a", "b"]["weight"], U.edges["a", "b"]["properties"], U.number_of_edges()
    (2, ['about', 'issued'], 1)
    """
    U = nx.Graph()
    U.graph.update(G.graph)
    U.add_nodes_from(G.nodes(data=True))
    pairs: dict[tuple, list[str]] = defaultdict(list)
    name = {n: str(n) for n in G}
    edges = ((u, v, k) for u, nbrs in G.adjacency() for v, keys in nbrs.items() for k in keys) \
        if G.is_multigraph() else G.edges(keys=True)  # (a DiGraph has no keys: as networkx says)
    for u, v, k in edges:
        if u == v:
            continue
        pairs[(u, v) if name[u] <= name[v] else (v, u)].append(str(k))
    U.add_edges_from((u, v, {"weight": len(keys), "properties": sorted(keys)})
                     for (u, v), keys in sorted(pairs.items(), key=lambda x: (name[x[0][0]], name[x[0][1]])))
    return U


#: graph id -> its undirected simple graph, while :func:`shared_projection` is active
_SIMPLE_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("_SIMPLE_MEMO", default=None)


def backend_chosen() -> bool:
    """Whether networkx's configuration sends its algorithms to a backend (nx-parallel,
    nx-cugraph, …, chosen by ``nx.config.backend_priority`` or ``NETWORKX_BACKEND_PRIORITY``).

    The measures that this package computes on its own (k-cores on igraph, Louvain on integers)
    then call networkx instead, so that the backend runs them.

    >>> backend_chosen()
    False
    """
    priority = nx.config.backend_priority
    return bool(getattr(priority, "algos", priority))


@contextlib.contextmanager
def shared_projection():
    """Within the block, :func:`simple_graph` makes the projection of a graph (which must not
    change meanwhile) once, not once per measure."""
    with memo_block(_SIMPLE_MEMO):
        yield


def shared(kind: str, G: nx.Graph, make):
    """``make(G)``, made once per graph *G* (which must not change meanwhile) and *kind* while
    :func:`shared_projection` is active (e.g. the igraph copy of a projection); else made each time."""
    return made_once(_SIMPLE_MEMO, kind, G, make)


def simple_graph(G: nx.Graph) -> nx.Graph:
    """The undirected simple graph the measures run on: :func:`to_undirected_weighted` of a
    directed or multi graph; a simple graph as it is, without its self-loops.

    >>> simple_graph(nx.MultiDiGraph([("a", "b"), ("b", "a")])).edges["a", "b"]["weight"]
    2
    """
    return shared("simple", G, _make_simple_graph)


def _make_simple_graph(G: nx.Graph) -> nx.Graph:
    if G.is_multigraph() or G.is_directed():
        return to_undirected_weighted(G)
    if nx.number_of_selfloops(G):
        S = G.copy()
        S.remove_edges_from(list(nx.selfloop_edges(S)))
        return S
    return G


def is_instance_of(G: nx.Graph, node, classes: Iterable[str]) -> bool:
    """True when *node*'s class is one of *classes* or a subclass of one (from the ontology).

    >>> G = nx.MultiDiGraph(class_ancestors={"x#B": ["x#B", "x#A"]})
    >>> G.add_node("n", class_iri="x#B")
    >>> is_instance_of(G, "n", ["x#A"]), is_instance_of(G, "n", ["x#C"])
    (True, False)
    """
    c = G.nodes[node].get("class_iri", "")
    ancestors = G.graph.get("class_ancestors", {}).get(c, [c])
    wanted = {str(x) for x in classes}
    return any(a in wanted for a in ancestors)


def nodes_of_classes(G: nx.Graph, classes: Iterable[str]) -> list[str]:
    """The nodes (sorted) that are instances of *classes* or their subclasses."""
    classes = [str(c) for c in classes]
    return sorted(n for n in G.nodes if is_instance_of(G, n, classes))


def classes_of_kind(kind: str, *, schema: Schema | None = None) -> list[str]:
    """The classes (IRIs, sorted) whose instances are of the IRI kind *kind* (``org``, ``program``…).

    >>> [Schema.local(c) for c in classes_of_kind("program")]
    ['Campaign', 'Collaboration', 'Program']
    """
    schema = schema or Schema.default()
    return sorted(c for c in schema.classes if c.startswith(Schema.iri("")) and schema.kind(c) == kind)


def nodes_of_kind(G: nx.Graph, kind: str, *, schema: Schema | None = None) -> list[str]:
    """The nodes (sorted) of the IRI kind *kind*: instances of :func:`classes_of_kind`."""
    return nodes_of_classes(G, classes_of_kind(kind, schema=schema))


def bipartite_graph(G: nx.MultiDiGraph, left: Iterable[str], right: Iterable[str]) -> nx.Graph:
    """The bipartite graph of the relations between instances of *left* and of *right* classes.

    Nodes carry ``bipartite`` 0 (left) or 1 (right) and their entity attributes; an edge's
    ``weight`` is the number of relations (either direction) between the two entities. A node
    that would be on both sides (an instance of both) is put on the left. Entities without any
    such relation are kept as isolated nodes.

    Examples
    --------
    >>> G = nx.MultiDiGraph(class_ancestors={"o": ["o"], "p": ["p"]})
    >>> G.add_node("a", class_iri="o"); G.add_node("x", class_iri="p"); G.add_node("y", class_iri="p")
    >>> _ = G.add_edge("a", "x", key="launched")
    >>> B = bipartite_graph(G, ["o"], ["p"])
    >>> sorted((n, d["bipartite"]) for n, d in B.nodes(data=True)), B.number_of_edges()
    ([('a', 0), ('x', 1), ('y', 1)], 1)
    """
    lefts = nodes_of_classes(G, left)
    lset = set(lefts)
    rights = [n for n in nodes_of_classes(G, right) if n not in lset]
    rset = set(rights)
    B = nx.Graph()
    B.graph.update(G.graph)
    for n in lefts:
        B.add_node(n, **G.nodes[n], bipartite=0)
    for n in rights:
        B.add_node(n, **G.nodes[n], bipartite=1)
    weights: dict[tuple, int] = defaultdict(int)
    for u, v in G.edges():
        if u in lset and v in rset:
            weights[(u, v)] += 1
        elif v in lset and u in rset:
            weights[(v, u)] += 1
    for (u, v), w in sorted(weights.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        B.add_edge(u, v, weight=w)
    return B


def organization_program_graph(G: nx.MultiDiGraph, *, left: str = "org", right: str = "program",
                               schema: Schema | None = None) -> nx.Graph:
    """Organizations (``bipartite`` 0) and programmes (1): :func:`bipartite_graph` of the
    classes of the IRI kinds *left* and *right* (:func:`classes_of_kind`; *schema*: default
    the repository's ontology)."""
    return bipartite_graph(G, classes_of_kind(left, schema=schema), classes_of_kind(right, schema=schema))


def organization_document_graph(G: nx.MultiDiGraph, *, left: str = "org", right: str = "document",
                                schema: Schema | None = None) -> nx.Graph:
    """Organizations (``bipartite`` 0) and documents (1): see :func:`organization_program_graph`."""
    return bipartite_graph(G, classes_of_kind(left, schema=schema), classes_of_kind(right, schema=schema))


def one_mode_projection(B: nx.Graph, side: int = 0) -> nx.Graph:
    """Project a bipartite graph onto one side (0 or 1).

    Two nodes of *side* are linked when they share a neighbour; ``weight`` is the number
    of shared neighbours and ``shared`` lists them (sorted).

    Examples
    --------
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["o1", "o2", "o3"], bipartite=0); B.add_nodes_from(["p"], bipartite=1)
    >>> B.add_edges_from([("o1", "p"), ("o2", "p")])
    >>> P = one_mode_projection(B, 0)
    >>> sorted(P.nodes), P.edges["o1", "o2"]["weight"], P.edges["o1", "o2"]["shared"]
    (['o1', 'o2', 'o3'], 1, ['p'])
    """
    members = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == side)
    P = nx.Graph()
    P.graph.update(B.graph)
    P.add_nodes_from((n, {k: v for k, v in B.nodes[n].items() if k != "bipartite"}) for n in members)
    shared: dict[tuple, set] = defaultdict(set)
    others = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") != side)
    for o in others:
        nbrs = sorted(n for n in B.neighbors(o) if n in P)
        for i, u in enumerate(nbrs):
            for v in nbrs[i + 1:]:
                shared[(u, v)].add(o)
    for (u, v), s in sorted(shared.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        P.add_edge(u, v, weight=len(s), shared=sorted(s))
    return P
