"""Breadth-first shortest-path kernels on sparse matrices: betweenness and closeness.

networkx computes betweenness and closeness with a Python loop per node, which takes minutes
on a graph of ten thousand entities. These kernels give the same values (Brandes' algorithm
and the Wasserman–Faust closeness, on an unweighted undirected graph) with sparse
matrix products over batches of sources, in seconds. :mod:`cppcc_kg.network.measures` uses them; the
tests check them against networkx.

>>> import networkx as nx
>>> G = nx.path_graph(["a", "b", "c"])
>>> A, nodes = adjacency(G)
>>> dependency_sums(A, np.arange(3)).tolist()   # ordered pairs: b is between a and c twice
[0.0, 2.0, 0.0]
>>> closeness(A).round(4).tolist()
[0.6667, 1.0, 0.6667]
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

#: cells (nodes x sources) of the dense arrays of one batch: bounds memory (~6 arrays of 8 bytes)
BATCH_CELLS = 1 << 21


def adjacency(U: nx.Graph, nodelist=None) -> tuple[sp.csr_matrix, list]:
    """The binary symmetric adjacency matrix (CSR, float64) of *U* and its node order.

    Self-loops are dropped; the node order is *nodelist* or the nodes sorted by ``str``.
    """
    nodes = list(nodelist) if nodelist is not None else sorted(U.nodes, key=str)
    index = {x: i for i, x in enumerate(nodes)}
    rows, cols = [], []
    for u, v in U.edges():
        if u == v:
            continue
        i, j = index[u], index[v]
        rows += [i, j]
        cols += [j, i]
    n = len(nodes)
    A = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    A.data[:] = 1.0  # duplicates summed by the constructor: back to 0/1
    return A, nodes


def _batches(sources: np.ndarray, n: int):
    size = max(1, min(len(sources), BATCH_CELLS // max(n, 1)))
    for i in range(0, len(sources), size):
        yield sources[i:i + size]


def dependency_sums(A: sp.csr_matrix, sources, targets=None) -> np.ndarray:
    """Brandes' dependency of every node, summed over *sources*.

    For each node v: the sum over s in *sources* and t in *targets* (default: every node),
    s != t, v not in {s, t}, of the share of the shortest s–t paths that pass through v.
    Ordered pairs: on an undirected graph with all nodes as sources and targets each
    unordered pair counts twice.

    Parameters
    ----------
    A : scipy.sparse matrix
        Binary symmetric adjacency (:func:`adjacency`).
    sources : array of int
        Indices of the source nodes.
    targets : array of bool, optional
        Mask of the target nodes.
    """
    A = sp.csr_matrix(A)
    n = A.shape[0]
    total = np.zeros(n)
    sources = np.asarray(sources, dtype=np.int64)
    if n == 0 or len(sources) == 0:
        return total
    tw = np.ones((n, 1)) if targets is None else np.asarray(targets, dtype=float).reshape(n, 1)
    for batch in _batches(sources, n):
        b = len(batch)
        cols = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[batch, cols] = 1.0
        dist = np.full((n, b), -1, dtype=np.int32)
        dist[batch, cols] = 0
        frontier = sigma.copy()
        depth = 0
        while True:  # forward: path counts level by level
            reach = A @ frontier
            new = (reach > 0) & (dist < 0)
            if not new.any():
                break
            depth += 1
            dist[new] = depth
            sigma[new] = reach[new]
            frontier = np.where(new, sigma, 0.0)
        delta = np.zeros((n, b))
        for level in range(depth, 0, -1):  # backward: dependencies, deepest level first
            at = dist == level
            coef = np.where(at, (tw + delta) / np.where(at, sigma, 1.0), 0.0)
            back = A @ coef
            prev = dist == level - 1
            delta += np.where(prev, sigma * back, 0.0)
        delta[dist <= 0] = 0.0  # a source is not between itself and its targets
        total += delta.sum(axis=1)
    return total


def betweenness(A: sp.csr_matrix, *, k: int | None = None, seed: int = 0, normalized: bool = True) -> np.ndarray:
    """Betweenness centrality of an undirected graph, exact or from *k* sampled sources.

    Exact values are networkx's ``betweenness_centrality`` (normalized by ``(n-1)(n-2)/2``
    pairs). The sample is ``random.Random(seed).sample(range(n), k)`` and is scaled as
    networkx 3.5+ does: a sampled node by ``1/((k-1)(n-2))``, another by ``1/(k(n-2))``
    (normalized), so that the estimate is unbiased.
    """
    import random

    n = A.shape[0]
    if n == 0:
        return np.zeros(0)
    if k is not None and k >= n:
        k = None
    sources = np.arange(n) if k is None else np.array(sorted(random.Random(seed).sample(range(n), k)))
    raw = dependency_sums(A, sources)
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


def closeness(A: sp.csr_matrix) -> np.ndarray:
    """Closeness centrality with the Wasserman–Faust correction (networkx's default).

    For node u reaching r other nodes at total distance d: ``(r / d) * (r / (n - 1))``,
    0 when it reaches none. A leaf (one neighbour v, itself not a leaf) is not searched from:
    it reaches what v reaches, at total distance ``d(v) + r(v) - 1``.
    """
    A = sp.csr_matrix(A)
    n = A.shape[0]
    out = np.zeros(n)
    if n <= 1:
        return out
    deg = np.diff(A.indptr)
    first = A.indices[np.minimum(A.indptr[:-1], max(A.nnz - 1, 0))] if A.nnz else np.zeros(n, dtype=np.int64)
    leaf = (deg == 1) & (deg[first] > 1)
    sources = np.flatnonzero((deg > 0) & ~leaf)
    reach = np.zeros(n)
    tot = np.zeros(n)
    for batch in _batches(sources, n):
        D = shortest_path(A, method="D", directed=False, unweighted=True, indices=batch)
        finite = np.isfinite(D)
        reach[batch] = finite.sum(axis=1) - 1.0
        tot[batch] = np.where(finite, D, 0.0).sum(axis=1)
    nb = first[leaf]
    reach[leaf] = reach[nb]
    tot[leaf] = tot[nb] + reach[nb] - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(tot > 0, (reach / tot) * (reach / (n - 1)), 0.0)
    return out
