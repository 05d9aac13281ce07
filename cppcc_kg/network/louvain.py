"""Louvain communities as networkx computes them, faster: the same partition, bit for bit.

:func:`louvain_communities` runs the algorithm of ``networkx.community.louvain_communities``
(networkx 3.x: the same random order of the nodes from ``random.Random(seed)``, the same
order of the candidate communities, the same floating-point expressions of the modularity
gain, the same stopping rule) on lists of integers instead of networkx graphs: the
aggregation of each level, the degrees and the modularity of each level are made once
with plain lists and numpy, which is where networkx spends most of its time. It applies
to what :func:`cppcc_kg.network.communities.communities` gives it: an undirected simple
graph whose weights are integers (the number of relations between two entities), so that
every sum of weights is exact whatever its order; for anything else (float weights, a
directed graph, a seed that is not an int) it calls networkx itself. Tests compare the
partitions and modularities of both on the real graph, synthetic projects and random graphs.

igraph's ``community_multilevel`` is another Louvain (other node order, other tie
breaking): its partitions differ, so it is not used.

>>> import networkx as nx
>>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1}), ("x", "y", {"weight": 1})])
>>> sorted(sorted(c) for c in louvain_communities(G, seed=0))
[['a', 'b', 'c'], ['x', 'y']]
"""
from __future__ import annotations

import random

import networkx as nx
import numpy as np

from cppcc_kg.network.projections import backend_chosen, shared

__all__ = ["applies", "louvain_communities", "modularity", "partition_modularity"]


def applies(G: nx.Graph, weight, seed) -> bool:
    """Whether the port gives networkx's result: undirected, simple, integer weights, int seed, and
    no networkx backend chosen (a backend gets networkx's call)."""
    if backend_chosen() or G.is_directed() or G.is_multigraph() or weight is None or not isinstance(seed, int) or isinstance(seed, bool):
        return False
    return shared(f"integer-{weight}", G, lambda G: _integer_weights(G, weight))


def _integer_weights(G: nx.Graph, weight: str) -> bool:
    return all(type(d.get(weight, 1)) is int for _, nbrs in G.adjacency() for d in nbrs.values())


class _Index:
    """The graph as integers: nodes 0..n-1 in the graph's order, its edges once each (in
    networkx's order) and each node's neighbours in the order networkx's copy of the graph has them."""

    def __init__(self, G: nx.Graph, weight: str):
        self.nodes = list(G.nodes)
        index = {x: i for i, x in enumerate(self.nodes)}
        # G.edges(data=weight, default=1): by node, each edge from its first end in node order
        self.edges = [(i, j, d.get(weight, 1)) for u, nbrs in G.adjacency() for v, d in nbrs.items()
                      if (i := index[u]) <= (j := index[v])]
        self.adj: list[dict[int, int]] = [{} for _ in self.nodes]
        for u, v, w in self.edges:  # the copy louvain makes adds the edges in this order
            self.adj[u][v] = w
            self.adj[v][u] = w
        arr = np.array([(u, v, w) for u, v, w in self.edges], dtype=np.int64).reshape(-1, 3)
        self.eu, self.ev, self.ew = arr[:, 0], arr[:, 1], arr[:, 2]
        self.degree = [sum(d.values()) + d.get(u, 0) for u, d in enumerate(self.adj)]  # a self-loop twice
        self.deg_array = np.array(self.degree, dtype=np.int64)


def modularity(ix: _Index, membership: np.ndarray, k: int, resolution) -> float:
    """networkx's ``modularity`` of the partition of the nodes into communities 0..k-1 (in that
    order; *membership* gives each node's), with integer weights: the same float."""
    deg_sum = sum(ix.degree)
    m = deg_sum / 2
    norm = 1 / deg_sum**2
    inside = membership[ix.eu] == membership[ix.ev]
    L = np.bincount(membership[ix.eu][inside], weights=ix.ew[inside], minlength=k)
    D = np.bincount(membership, weights=ix.deg_array, minlength=k)
    return sum(int(lc) / m - resolution * int(d) * int(d) * norm for lc, d in zip(L.tolist(), D.tolist()))


def _one_level(adj: list[dict], m: float, resolution, rng: random.Random) -> tuple[list[int], bool]:
    """One level of networkx's ``_one_level`` (undirected): the community of each node, and
    whether a node moved. Communities are numbered by their first node, as networkx's lists are.

    A node that stayed where it was is not weighed again while nothing it read changed: what it reads
    is the community of each neighbour and the total degree (an integer) of its own community and of
    theirs; a neighbour that moves changes the total of the community it leaves, which the node read.
    So each community keeps the time (the number of moves so far) its total last changed, and the node
    the communities it read and the time it was weighed: if none changed since, networkx's computation
    would give the same floats and keep it where it is. Most passes move a few nodes of thousands."""
    n = len(adj)
    node2com = list(range(n))
    degrees = [sum(d.values()) + d.get(u, 0) for u, d in enumerate(adj)]
    stot = degrees[:]
    nbrs = [[(v, w) for v, w in d.items() if v != u] for u, d in enumerate(adj)]
    order = list(range(n))
    rng.shuffle(order)
    items = [(u, degrees[u], nbrs[u]) for u in order]
    two_m2 = 2 * m**2
    read: list = [None] * n  # the communities a node read when it last stayed (None: weigh it)
    weighed = [0] * n  # when it was weighed
    changed = [0] * n  # when the total of each community last changed
    at = changed.__getitem__
    clock = 0
    improvement, moves = False, 1
    while moves > 0:
        moves = 0
        for u, degree, nb in items:
            seen = read[u]
            if seen is not None and (not seen or max(map(at, seen)) <= weighed[u]):
                continue  # nothing it read changed: it stays
            own = node2com[u]
            if len(nb) == 1:
                c = node2com[nb[0][0]]
                if c == own:  # its only candidate is its own community: it stays (networkx's sums undone)
                    read[u], weighed[u] = (own,), clock
                    continue
                weights: dict[int, float] = {c: 0.0 + nb[0][1]}
            else:
                weights = {}
                for v, w in nb:
                    c = node2com[v]
                    weights[c] = weights.get(c, 0.0) + w
                if not weights or (len(weights) == 1 and own in weights):
                    read[u], weighed[u] = weights, clock
                    continue
            best_mod = 0
            best_com = own
            stot[own] -= degree
            if own not in weights:  # networkx's defaultdict adds it last when it reads it
                weights[own] = 0.0
            remove_cost = -weights[own] / m + resolution * (stot[own] * degree) / two_m2
            for c, wt in weights.items():
                gain = remove_cost + wt / m - resolution * (stot[c] * degree) / two_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = c
            stot[best_com] += degree
            if best_com != own:
                node2com[u] = best_com
                improvement = True
                moves += 1
                clock += 1
                changed[own] = changed[best_com] = clock
                read[u] = None
            else:
                read[u], weighed[u] = weights, clock
    return node2com, improvement


def _aggregate(adj: list[dict], groups: list[list[int]]) -> list[dict]:
    """networkx's ``_gen_graph``: one node per group, edge weights summed, in networkx's order."""
    com = [0] * len(adj)
    for j, g in enumerate(groups):
        for u in g:
            com[u] = j
    out: list[dict] = [{} for _ in groups]
    for u, d in enumerate(adj):
        cu = com[u]
        for v, w in d.items():
            if v < u:  # each edge once, from its first end (networkx's edge order)
                continue
            cv = com[v]
            total = out[cu].get(cv, 0) + w
            out[cu][cv] = total
            out[cv][cu] = total
    return out


def louvain_communities(G: nx.Graph, weight: str | None = "weight", resolution=1, threshold=0.0000001,
                        seed: int = 0) -> list[set]:
    """``networkx.community.louvain_communities(G, weight, resolution, threshold, seed=seed)``:
    the same list of sets, in the same order (see the module docstring)."""
    if not applies(G, weight, seed):
        return nx.community.louvain_communities(G, weight=weight, resolution=resolution, threshold=threshold,
                                                seed=seed)
    ix = shared(f"louvain-{weight}", G, lambda G: _Index(G, weight))
    n = len(ix.nodes)
    if not ix.edges:
        return [{x} for x in ix.nodes]
    rng = random.Random(seed)
    m = sum(ix.degree) / 2
    mod = modularity(ix, np.arange(n), n, resolution)
    adj, members = ix.adj, [[i] for i in range(n)]
    node2com, improvement = _one_level(adj, m, resolution, rng)
    while True:
        groups = _groups(node2com)
        members = [[x for u in g for x in members[u]] for g in groups]
        result = members
        membership = np.empty(n, dtype=np.int64)
        for j, g in enumerate(members):
            membership[g] = j
        new_mod = modularity(ix, membership, len(members), resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        adj = _aggregate(adj, groups)
        node2com, improvement = _one_level(adj, m, resolution, rng)
        if not improvement:
            break
    return [{ix.nodes[i] for i in g} for g in result]


def _groups(node2com: list[int]) -> list[list[int]]:
    """The nodes of each community, communities in the order of their numbers."""
    by: dict[int, list[int]] = {}
    for u, c in enumerate(node2com):
        by.setdefault(c, []).append(u)
    return [by[c] for c in sorted(by)]


def partition_modularity(G: nx.Graph, parts: list, weight: str | None = "weight", resolution=1) -> float:
    """``networkx.community.modularity(G, parts, weight=weight, resolution=resolution)``: the same float
    (computed here when :func:`applies`, else by networkx).

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> partition_modularity(G, [["a", "b", "c"], ["x", "y"]]) == nx.community.modularity(G, [{"a", "b", "c"}, {"x", "y"}])
    True
    """
    if not applies(G, weight, 0) or G.number_of_edges() == 0:
        return nx.community.modularity(G, parts, weight=weight, resolution=resolution)
    ix = shared(f"louvain-{weight}", G, lambda G: _Index(G, weight))
    index = {x: i for i, x in enumerate(ix.nodes)}
    membership = np.full(len(ix.nodes), -1, dtype=np.int64)
    for j, part in enumerate(parts):
        membership[[index[x] for x in part]] = j
    if (membership < 0).any() or sum(len(p) for p in parts) != len(ix.nodes):
        return nx.community.modularity(G, parts, weight=weight, resolution=resolution)  # not a partition: its error
    return modularity(ix, membership, len(parts), resolution)
