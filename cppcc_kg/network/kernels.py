"""Shortest-path kernels on igraph: betweenness (exact, sampled, between groups) and closeness.

networkx computes betweenness and closeness with a Python loop per node: minutes on a graph
of ten thousand entities. igraph computes them in C. These functions give networkx's values
(Brandes' betweenness, normalized and sampled as networkx 3.5+ does; the Wasserman–Faust
closeness) on the unweighted undirected projection; the tests check them against networkx.

They replace kernels of sparse matrix products on scipy (``bfs.py``), with the same values
once rounded to the 10 digits of ``metrics.csv`` (the build's outputs are byte-identical, the
sampled path included: ``metrics.csv`` and ``metrics.ttl`` of the synthetic scale 1000, 23 074
entities, k=256, are the same bytes) and faster. Measured on this machine (median of 3 runs,
2 cores shared with other work), scipy → igraph:

=============================================  ========  ========
graph (entities), measure                      scipy     igraph
=============================================  ========  ========
synthetic scale 100 (2 374), betweenness       2.99 s    0.37 s
synthetic scale 100 (2 374), closeness         0.66 s    0.31 s
scale 100, betweenness k=64                    0.042 s   0.016 s
scale 100, sampled closeness k=64              0.051 s   0.029 s
scale 1000 (23 074), betweenness k=256         3.54 s    0.37 s
scale 1000, sampled closeness k=256            1.88 s    1.21 s
=============================================  ========  ========

The sampled closeness now sums the distances to the pivots by one bit-parallel search
(:func:`pivot_distance_sums`) instead of igraph's matrix of distances, whose conversion to Python
lists cost more than the searches: 0.07 s of CPU instead of 0.70 s at scale 1000 (k=256), the same
floats (``tests/network/test_kernels.py`` against the former code, ``tests/oracles/closeness_distances.py``).

>>> g, nodes = igraph_of(nx.path_graph(["a", "b", "c"]))
>>> dependency_sums(g, [0, 1, 2]).tolist()   # ordered pairs: b is between a and c twice
[0.0, 2.0, 0.0]
>>> closeness(g).round(4).tolist()
[0.6667, 1.0, 0.6667]
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from cppcc_kg.network.projections import shared
from cppcc_kg.project.hidden_imports import import_hiding

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["betweenness", "closeness", "dependency_sums", "igraph_of", "igraph_without_drawing", "import_igraph",
           "pivot_distance_sums", "sampled_closeness"]


_DRAWING = {"matplotlib": True}


def igraph_without_drawing() -> None:
    """Have :func:`import_igraph` import igraph without its matplotlib drawing, for the rest of the process.

    igraph's drawing modules import ``matplotlib.pyplot`` when it is installed: 0.8 s of the 0.9 s of
    ``import igraph``, for a process (``cppcc-kg build``) that never draws with igraph. After this call,
    if neither igraph nor matplotlib is imported yet, igraph is imported with matplotlib hidden (igraph
    then takes it as absent: ``igraph.plot`` draws with Cairo only in this process); matplotlib itself is
    imported as usual afterwards. The build's command calls it; the library does not (a notebook keeps
    igraph's matplotlib drawing)."""
    _DRAWING["matplotlib"] = False


def import_igraph():
    """``import igraph`` (heavy: only the measures and the layout need it), without matplotlib after
    :func:`igraph_without_drawing`.

    >>> import_igraph().Graph(n=2, edges=[(0, 1)]).ecount()
    1
    """
    if _DRAWING["matplotlib"]:
        import igraph  # heavy (0.1 s, and 0.8 s more as it imports matplotlib when installed)

        return igraph
    return import_hiding("igraph", "matplotlib")


def igraph_of(U: nx.Graph, nodelist=None) -> tuple[ig.Graph, list]:
    """The undirected simple igraph graph of *U* (self-loops and parallel edges dropped) and its
    node order: *nodelist*, or the nodes sorted by ``str`` (vertex *i* is ``nodes[i]``). Without
    *nodelist*, made once per graph while :func:`cppcc_kg.network.projections.shared_projection` is active."""
    if nodelist is None:
        return shared("igraph", U, _igraph_of)
    return _igraph_of(U, nodelist)


def _igraph_of(U: nx.Graph, nodelist=None) -> tuple[ig.Graph, list]:
    nodes = list(nodelist) if nodelist is not None else sorted(U.nodes, key=str)
    index = {x: i for i, x in enumerate(nodes)}
    if U.is_directed():
        edges = sorted({(i, j) if i < j else (j, i) for u, v in U.edges() if (i := index[u]) != (j := index[v])})
    else:  # each edge is in the adjacency of both its ends: once with i < j
        edges = sorted((i, j) for u, nbrs in U.adjacency() for v in nbrs if (i := index[u]) < (j := index[v]))
    return import_igraph().Graph(n=len(nodes), edges=edges, directed=False), nodes


def dependency_sums(g: ig.Graph, sources, targets=None) -> np.ndarray:
    """Brandes' dependency of every vertex, summed over *sources*.

    For each vertex v: the sum over s in *sources* and t in *targets* (default: every vertex),
    s != t, v not in {s, t}, of the share of the shortest s–t paths that pass through v.
    Ordered pairs: with every vertex as source and target, each unordered pair counts twice.

    Parameters
    ----------
    g : igraph.Graph
        Undirected (:func:`igraph_of`).
    sources : sequence of int
        The source vertices.
    targets : array of bool, optional
        Mask of the target vertices.
    """
    n = g.vcount()
    sources = [int(s) for s in sources]
    if n == 0 or not sources:
        return np.zeros(n)
    tgt = None if targets is None else np.flatnonzero(np.asarray(targets, dtype=bool)).tolist()
    # igraph counts a pair of an undirected graph once: twice is the ordered pairs
    return 2.0 * np.asarray(g.betweenness(directed=False, sources=sources, targets=tgt), dtype=float)


def betweenness(g: ig.Graph, *, k: int | None = None, seed: int = 0, normalized: bool = True) -> np.ndarray:
    """Betweenness centrality of an undirected graph, exact or from *k* sampled sources.

    Exact values are networkx's ``betweenness_centrality`` (normalized by ``(n-1)(n-2)/2``
    pairs). The sample is ``random.Random(seed).sample(range(n), k)`` and is scaled as
    networkx 3.5+ does: a sampled vertex by ``1/((k-1)(n-2))``, another by ``1/(k(n-2))``
    (normalized), so that the estimate is unbiased.
    """
    n = g.vcount()
    if n == 0:
        return np.zeros(0)
    if k is not None and k >= n:
        k = None
    if k is None:
        raw = 2.0 * np.asarray(g.betweenness(directed=False), dtype=float)
        sources = np.arange(n)
    else:
        sources = np.array(sorted(random.Random(seed).sample(range(n), k)))
        raw = dependency_sums(g, sources)
    N = n - 1
    if N < 2:
        return np.zeros(n)
    if k is None:
        scale = 1 / (N * (N - 1)) if normalized else 0.5
        return raw * scale
    sampled = np.zeros(n, dtype=bool)
    sampled[sources] = True
    if normalized:
        s_src = 1 / ((k - 1) * (N - 1)) if k > 1 else np.nan
        s_other = 1 / (k * (N - 1))
    else:
        s_src = N / ((k - 1) * 2) if k > 1 else np.nan
        s_other = N / (k * 2)
    return raw * np.where(sampled, s_src, s_other)


def _reach(g: ig.Graph) -> np.ndarray:
    """The number of other vertices each vertex reaches (its component's size - 1)."""
    membership = np.asarray(g.connected_components().membership, dtype=np.int64)
    return (np.bincount(membership)[membership] - 1).astype(float) if len(membership) else np.zeros(0)


def closeness(g: ig.Graph, vertices=None) -> np.ndarray:
    """Closeness centrality with the Wasserman–Faust correction (networkx's default).

    For vertex u reaching r other vertices at total distance d: ``(r / d) * (r / (n - 1))``,
    0 when it reaches none. *vertices*: only these (default: all).
    """
    n = g.vcount()
    vs = list(range(n)) if vertices is None else [int(v) for v in vertices]
    if n <= 1 or not vs:
        return np.zeros(len(vs))
    c = np.nan_to_num(np.asarray(g.closeness(vertices=vs, normalized=True), dtype=float))  # r / d
    return c * (_reach(g)[vs] / (n - 1))


def _neighbours(g: ig.Graph) -> tuple[np.ndarray, np.ndarray]:
    """The adjacency of *g* (undirected) as CSR arrays: the neighbours of vertex *v* are
    ``indices[indptr[v]:indptr[v + 1]]``."""
    n = g.vcount()
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols[order]


#: the number of bits set in each byte
_BITS = np.array([i.bit_count() for i in range(256)], dtype=np.int64)


def _bit_counts(words: np.ndarray) -> np.ndarray:
    """The number of bits set in each row of *words* (unsigned 64-bit integers)."""
    count = getattr(np, "bitwise_count", None)  # numpy 2
    if count is not None:
        return count(words).sum(axis=1, dtype=np.int64)
    return _BITS[words.view(np.uint8)].reshape(len(words), -1).sum(axis=1)


def pivot_distance_sums(g: ig.Graph, pivots) -> np.ndarray:
    """For every vertex of *g* (undirected), the sum of its distances (hops) to the vertices *pivots* that
    reach it: what ``np.asarray(g.distances(source=pivots)).sum(axis=0)`` gives where every pivot reaches
    it, as integers.

    One breadth-first search from all the pivots at once: each vertex holds one bit per pivot (the pivots
    that reached it); a level ORs the bits of the frontier into its neighbours, and the bits new at level
    *L* add *L* each. igraph's matrix of distances costs more to turn into Python lists than the searches.

    >>> g, _ = igraph_of(nx.path_graph(4))
    >>> pivot_distance_sums(g, [0, 3]).tolist()   # 0+3, 1+2, 2+1, 3+0
    [3, 3, 3, 3]
    """
    n = g.vcount()
    pivots = np.asarray(pivots, dtype=np.int64)
    total = np.zeros(n, dtype=np.int64)
    if n == 0 or len(pivots) == 0:
        return total
    indptr, indices = _neighbours(g)
    words = (len(pivots) + 63) // 64
    seen = np.zeros((n, words), dtype=np.uint64)
    bit = np.arange(len(pivots))
    np.bitwise_or.at(seen, (pivots, bit // 64), np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64)))
    frontier = seen.copy()
    linked = np.flatnonzero(np.diff(indptr))  # the vertices with a neighbour (reduceat needs a non-empty run)
    level = 0
    while True:
        level += 1
        reached = np.zeros_like(seen)
        if len(linked):
            reached[linked] = np.bitwise_or.reduceat(frontier[indices], indptr[linked], axis=0)
        new = reached & ~seen
        counts = _bit_counts(new)
        if not counts.any():
            return total
        total += level * counts
        seen |= new
        frontier = new


def sampled_closeness(g: ig.Graph, *, k: int, seed: int = 0, exact_below: int = 2000) -> np.ndarray:
    """Closeness (Wasserman–Faust, as :func:`closeness`) estimated from *k* pivots.

    Exact closeness needs a search from every vertex: hours for a hundred thousand
    entities. Here the components are found exactly; a component of fewer than
    *exact_below* vertices gets exact values; in a larger one, *k* pivots are drawn (seeded;
    at least one, in proportion to its size) and the total distance of a vertex is estimated
    from its distances to them (Eppstein and Wang: ``(size - 1) / pivots * sum of
    distances``), so the closeness of a vertex is ``(r / d) * (r / (n - 1))`` with its exact
    reach ``r``.

    Examples
    --------
    >>> g, nodes = igraph_of(nx.path_graph(30))
    >>> exact = closeness(g)
    >>> est = sampled_closeness(g, k=10, seed=1, exact_below=5)
    >>> bool(abs(est - exact).max() < 0.1), bool(np.allclose(sampled_closeness(g, k=10, exact_below=100), exact))
    (True, True)
    """
    n = g.vcount()
    out = np.zeros(n)
    if n <= 1:
        return out
    labels = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(labels)
    small = np.flatnonzero(np.isin(labels, np.flatnonzero((sizes > 1) & (sizes < exact_below))))
    if len(small):
        out[small] = closeness(g, small)
    large = [c for c in range(len(sizes)) if sizes[c] >= exact_below]
    total_large = int(sizes[large].sum()) if large else 0
    rng = np.random.default_rng(seed)
    for c in large:
        members = np.flatnonzero(labels == c)
        kc = max(1, min(len(members), round(k * len(members) / total_large)))
        pivots = np.sort(rng.choice(members, size=kc, replace=False))
        d = pivot_distance_sums(g, pivots)[members].astype(float) * (len(members) - 1) / kc
        r = len(members) - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            out[members] = np.where(d > 0, (r / d) * (r / (n - 1)), 0.0)
    return out
