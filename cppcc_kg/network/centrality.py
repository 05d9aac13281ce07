"""Centrality of the entities: degree, betweenness, closeness, eigenvector, PageRank, brokerage.

Every function takes the graph first and returns a :class:`pandas.DataFrame` whose first
columns are ``iri, label_zh, label_en, class, top_class``, then its measures, sorted by the measure
(largest first) and then by IRI, so that the same graph always gives the same table.
Floats are rounded to 10 significant digits.

The graph is the entity graph of :func:`cppcc_kg.network.entity_graph.build_entity_graph` (a
``MultiDiGraph``); degrees count its relations. Every other measure runs on its undirected
simple projection (:func:`cppcc_kg.network.projections.simple_graph`): the direction of a
relation follows the grammar of the sentence that states it (who issued what), not an
endorsement, so it is not used for importance. A simple ``nx.Graph`` (a projection) is used
as it is. Distances (betweenness, closeness) count hops and are computed by igraph
(:mod:`cppcc_kg.network.kernels`); eigenvector and PageRank use the ``weight`` (number of
relations) of the projection.

>>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d")])
>>> degree(G)[["iri", "degree", "in_degree", "out_degree"]].values.tolist()[0]
['b', 3, 1, 2]
>>> betweenness(G)[["iri", "betweenness"]].values.tolist()[0]
['b', 0.6666666667]
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from cppcc_kg.network import kernels
from cppcc_kg.network.frames import measure_frame, round_all, round_significant
from cppcc_kg.network.projections import backend_chosen, nodes_of_classes, simple_graph
from cppcc_kg.schema import Schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["degree", "betweenness", "closeness", "eigenvector", "pagerank", "components", "sector_groups",
           "degree_values", "betweenness_values", "closeness_values", "eigenvector_values", "pagerank_values",
           "brokerage", "SECTORS_FILE"]

#: the default sectors of :func:`sector_groups`
SECTORS_FILE = Path(__file__).resolve().with_name("sectors.toml")


def degree(G: nx.Graph) -> pd.DataFrame:
    """Degree of each entity: number of relations, and for a directed graph in and out.

    Parameters
    ----------
    G : networkx graph
        The entity graph (parallel relations count each) or any networkx graph.

    Returns
    -------
    pandas.DataFrame
        ``iri, label_zh, label_en, class, top_class, degree`` (+ ``in_degree, out_degree`` when *G* is
        directed), largest degree first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("c", "a")])
    >>> degree(G)[["iri", "degree", "in_degree", "out_degree"]].values.tolist()
    [['a', 3, 1, 2], ['b', 2, 2, 0], ['c', 1, 0, 1]]
    >>> degree(nx.Graph()).columns.tolist()
    ['iri', 'label_zh', 'label_en', 'class', 'top_class', 'degree']
    """
    values = degree_values(G)
    df = measure_frame(G, values, "degree")
    for c in values:
        df[c] = df[c].astype("int64")
    return df


def degree_values(G: nx.Graph) -> dict[str, dict]:
    """The columns of :func:`degree` as dicts (column -> {node: value}), without a table.

    >>> degree_values(nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "b")]))
    {'degree': {'a': 2, 'b': 4}, 'in_degree': {'a': 0, 'b': 3}, 'out_degree': {'a': 2, 'b': 1}}
    """
    if G.is_directed() and not backend_chosen():  # a node's degree is its in-degree plus its out-degree
        into, out = dict(G.in_degree()), dict(G.out_degree())
        return {"degree": {n: into[n] + d for n, d in out.items()}, "in_degree": into, "out_degree": out}
    values = {"degree": dict(G.degree())}
    if G.is_directed():
        values["in_degree"] = dict(G.in_degree())
        values["out_degree"] = dict(G.out_degree())
    return values


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0, normalized: bool = True) -> pd.DataFrame:
    """Betweenness centrality on the undirected projection (hops), exact or sampled.

    Parameters
    ----------
    G : networkx graph
    k : int, optional
        Number of source nodes sampled for the approximation (Brandes–Pich, scaled as
        networkx 3.5+ does, see :func:`cppcc_kg.network.kernels.betweenness`); ``None`` or a
        *k* at least the number of nodes computes the exact value.
    seed : int
        Seed of the sampling (of the nodes in IRI order), so an approximation is reproducible.
    normalized : bool
        Divide by the number of pairs (``2/((n-1)(n-2))``), as networkx does.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> betweenness(G)[["iri", "betweenness"]].values.tolist()
    [['b', 1.0], ['a', 0.0], ['c', 0.0]]
    >>> betweenness(nx.path_graph(50), k=10, seed=1).shape
    (50, 6)
    """
    U, vals = betweenness_values(G, k=k, seed=seed, normalized=normalized)
    return measure_frame(U, {"betweenness": vals}, "betweenness")


def betweenness_values(G: nx.Graph, *, k: int | None = None, seed: int = 0,
                       normalized: bool = True) -> tuple[nx.Graph, dict]:
    """The projection and the column of :func:`betweenness` ({node: value}), without a table."""
    U = simple_graph(G)
    g, nodes = kernels.igraph_of(U)
    vals = kernels.betweenness(g, k=k, seed=seed, normalized=normalized)
    return U, dict(zip(nodes, round_all(vals)))


def closeness(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Closeness centrality on the undirected projection (hops).

    On a disconnected graph it uses the Wasserman–Faust correction (networkx's default):
    the closeness within an entity's component scaled by the share of the graph it reaches,
    so an isolated entity has 0. With *k* (fewer than the nodes), the distances are
    estimated from *k* sampled pivots (:func:`cppcc_kg.network.kernels.sampled_closeness`,
    seeded by *seed*) instead of a search from every node.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")]); G.add_node("z")
    >>> closeness(G)[["iri", "closeness"]].values.tolist()
    [['b', 0.6666666667], ['a', 0.4444444444], ['c', 0.4444444444], ['z', 0.0]]
    """
    U, vals = closeness_values(G, k=k, seed=seed)
    return measure_frame(U, {"closeness": vals}, "closeness")


def closeness_values(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> tuple[nx.Graph, dict]:
    """The projection and the column of :func:`closeness` ({node: value}), without a table."""
    U = simple_graph(G)
    g, nodes = kernels.igraph_of(U)
    if k is not None and k < len(nodes):
        vals = kernels.sampled_closeness(g, k=k, seed=seed)
    else:
        vals = kernels.closeness(g)
    return U, dict(zip(nodes, round_all(vals)))


#: up to this many entities the eigenvector centrality uses NumPy alone, with the same numbers as through
#: scipy's sparse matrices (a dense eigensolver): scipy's import (0.2-0.5 s, a third of a build of the
#: repository's graph) is left to larger graphs. PageRank uses NumPy alone at every size (:func:`_numpy_pagerank`,
#: networkx's when a networkx backend is chosen: ``projections.backend_chosen``)
SMALL_GRAPH = 400


def _principal_eigenvector(A) -> np.ndarray:
    """Non-negative unit principal eigenvector of a symmetric non-negative matrix."""
    n = A.shape[0]
    if n <= SMALL_GRAPH:
        w, V = np.linalg.eigh(A.toarray() if hasattr(A, "toarray") else A)
        x = V[:, int(np.argmax(w))]
    else:
        from scipy.sparse.linalg import (
            eigsh,  # heavy (0.2 s): only the eigenvector centrality needs it
        )

        _, V = eigsh(A.astype(float), k=1, which="LA", v0=np.ones(n), tol=1e-12, maxiter=max(1000, 20 * n))
        x = V[:, 0]
    x = np.abs(x)  # Perron vector of a connected component: one sign; abs removes the arbitrary sign
    norm = np.linalg.norm(x)
    return x / norm if norm else x


def _adjacency(U: nx.Graph, weight, *, dense: bool = False):
    """The weighted adjacency matrix (CSR) of *U* as ``networkx.to_scipy_sparse_array`` makes it, its
    rows and columns the nodes sorted by ``str``, and node -> row. A component's matrix is the
    submatrix of its (sorted) nodes: one pass over the edges instead of a subgraph per component.
    *dense*: the same matrix as a NumPy array of floats (without importing scipy: a small graph)."""
    nodes = sorted(U.nodes, key=str)
    position = {x: i for i, x in enumerate(nodes)}
    rows, cols, data, loops, loop_data = [], [], [], [], []
    for u, nbrs in U.adjacency():
        i = position[u]
        for v, d in nbrs.items():
            j = position[v]
            if i < j or (i == j and not U.is_directed()):
                rows.append(i)
                cols.append(j)
                data.append(d.get(weight, 1) if weight is not None else 1)
                if i == j:  # a self-loop counts once, as networkx's symmetrized matrix has it
                    loops.append(i)
                    loop_data.append(-data[-1])
    entries = (data + data + loop_data, (rows + cols + loops, cols + rows + loops))
    if dense:  # each entry is one value (a self-loop's w + w - w is w exactly, in any order)
        A = np.zeros((len(nodes),) * 2)
        np.add.at(A, (np.array(entries[1][0], dtype=np.intp), np.array(entries[1][1], dtype=np.intp)),
                  np.array(entries[0], dtype=float))
        return A, position
    # heavy (0.2-0.5 s with the modules of numpy it imports): a larger graph only
    from scipy import sparse

    A = sparse.coo_array(entries, shape=(len(nodes),) * 2)
    return A.tocsr(), position


def components(U: nx.Graph) -> list[list]:
    """Connected components, each sorted, largest first then by first member.

    >>> components(nx.Graph([("b", "a"), ("x", "y"), ("y", "z")]))
    [['x', 'y', 'z'], ['a', 'b']]
    """
    if len(U) > SMALL_GRAPH and all(type(x) is str for x in U):  # from igraph's copy (made once for the measures)
        g, nodes = kernels.igraph_of(U)  # nodes sorted: a component's vertices in increasing order are sorted too
        members: dict[int, list] = {}
        for i, c in enumerate(g.connected_components().membership):
            members.setdefault(c, []).append(nodes[i])
        comps = list(members.values())
    else:
        comps = [sorted(c, key=str) for c in nx.connected_components(U)]
    return sorted(comps, key=lambda c: (-len(c), str(c[0])))


def eigenvector(G: nx.Graph, *, weight: str | None = "weight") -> pd.DataFrame:
    """Eigenvector centrality, computed on each connected component.

    Eigenvector centrality is only defined on a connected graph: on a disconnected one the
    power iteration either puts everything on one component or does not converge. Here the
    principal eigenvector of each component's (weighted) adjacency matrix is computed with a
    direct eigensolver (never a ``PowerIterationFailedConvergence``), normalized to unit
    length within the component and scaled by ``sqrt(component size / n)`` (a component
    weighs by its size; values are comparable within a component, less so across). An
    isolated entity gets 0. The column ``component`` (0 = largest) says which component each entity is in.

    Parameters
    ----------
    G : networkx graph
    weight : str or None
        Edge attribute of the projection used as weight (number of relations); ``None``
        for the unweighted adjacency.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("x", "y")]); G.add_node("z")
    >>> eigenvector(G)[["iri", "eigenvector", "component"]].values.tolist()
    [['a', 0.5, 0], ['x', 0.4082482905, 1], ['y', 0.4082482905, 1], ['b', 0.3535533906, 0], ['c', 0.3535533906, 0], ['z', 0.0, 2]]
    """
    U, vals, comp_of = eigenvector_values(G, weight=weight)
    return measure_frame(U, {"eigenvector": vals, "component": comp_of}, "eigenvector")


def eigenvector_values(G: nx.Graph, *, weight: str | None = "weight") -> tuple[nx.Graph, dict, dict]:
    """The projection and the columns ``eigenvector`` and ``component`` of :func:`eigenvector` ({node:
    value}), without a table."""
    U = simple_graph(G)
    n = U.number_of_nodes()
    vals: dict = {}
    comp_of: dict = {}
    comps = components(U)
    dense = n <= SMALL_GRAPH  # every component then goes to the dense eigensolver: no scipy
    whole, position = _adjacency(U, weight, dense=dense) if any(len(c) > 1 for c in comps) else (None, {})
    for i, comp in enumerate(comps):
        for x in comp:
            comp_of[x] = i
        if len(comp) == 1:
            vals[comp[0]] = 0.0
            continue
        idx = np.array([position[x] for x in comp])
        A = whole[idx][:, idx]  # = nx.to_scipy_sparse_array(U, nodelist=comp, weight=weight, format="csr")
        if not dense:
            A.sum_duplicates()  # canonical (sorted indices), as networkx's
        x = _principal_eigenvector(A) * math.sqrt(len(comp) / n)
        vals.update(zip(comp, round_all(x)))
    return U, vals, comp_of


def pagerank(G: nx.Graph, *, alpha: float = 0.85, directed: bool = False, weight: str | None = "weight",
             tol: float = 1e-12) -> pd.DataFrame:
    """PageRank, by default on the undirected weighted projection.

    Parameters
    ----------
    G : networkx graph
    alpha : float
        Damping factor.
    directed : bool
        Run on the directed entity graph (relations point from subject to object, parallel
        relations summed) instead of the undirected projection. Direction follows grammar,
        so the directed rank favours what is acted upon (documents, places, events).
    weight : str or None
        Edge weight of the projection (number of relations).
    tol : float
        Convergence tolerance (tight, so that rounding to 10 digits is stable).

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c")])
    >>> pagerank(G)[["iri", "pagerank"]].values.tolist()
    [['a', 0.4864864865], ['b', 0.2567567568], ['c', 0.2567567568]]
    >>> pagerank(nx.Graph()).shape
    (0, 6)
    """
    H, vals = pagerank_values(G, alpha=alpha, directed=directed, weight=weight, tol=tol)
    return measure_frame(H, {"pagerank": vals}, "pagerank")


def pagerank_values(G: nx.Graph, *, alpha: float = 0.85, directed: bool = False, weight: str | None = "weight",
                    tol: float = 1e-12) -> tuple[nx.Graph, dict]:
    """The graph ranked and the column of :func:`pagerank` ({node: value}), without a table."""
    H = G if (directed and G.is_directed()) else simple_graph(G)
    if len(H) == 0:
        return H, {}
    w = weight if not (directed and G.is_multigraph()) else None  # a multigraph sums parallel edges
    if not H.is_directed() and not H.is_multigraph() and not backend_chosen():
        vals = _numpy_pagerank(H, alpha=alpha, weight=w, tol=tol, max_iter=10000)
    else:
        vals = nx.pagerank(H, alpha=alpha, weight=w, tol=tol, max_iter=10000)
    return H, dict(zip(vals, round_all(vals.values())))


def _numpy_pagerank(U: nx.Graph, *, alpha: float, weight, tol: float, max_iter: int) -> dict:
    """``networkx.pagerank(U, ...)`` of an undirected simple graph: the operations of networkx's
    ``_pagerank_scipy`` on the same floats in the same order, so the same values to the last bit
    (tests/network/test_centrality_small.py checks them against networkx, on graphs of every size).

    The entries of networkx's canonical CSR matrix (nodes in *U*'s order, columns sorted in each row) are
    made at once (a sort of the rows and columns); each row is summed by the same ``np.add.reduceat``; each
    entry is scaled by its row's inverse sum (scipy's product by the diagonal); ``x @ A`` adds the products
    into each column in the order of the rows (scipy's ``csc_matvec`` on the transpose): scipy itself above
    :data:`SMALL_GRAPH` nodes, ``np.bincount`` over the entries in row order below (no scipy import). Without
    networkx's matrix (``to_scipy_sparse_array``, two thirds of its PageRank at 20,000 entities).

    >>> _numpy_pagerank(nx.path_graph(3), alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)[1]
    0.4864864864871495
    """
    nodelist = list(U)
    n = len(nodelist)
    index = {x: i for i, x in enumerate(nodelist)}
    rows, cols, data = [], [], []
    for u, nbrs in U.adjacency():
        i = index[u]
        for v, d in nbrs.items():
            rows.append(i)
            cols.append(index[v])
            data.append(d.get(weight, 1) if weight is not None else 1)
    rows, cols = np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)
    order = np.lexsort((cols, rows))  # by row, then column: each (row, column) once in a simple graph
    rows, cols, data = rows[order], cols[order], np.array(data, dtype=float)[order]
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    S = np.zeros(n)
    nonempty = np.flatnonzero(np.diff(indptr))
    if len(nonempty):
        S[nonempty] = np.add.reduceat(data, indptr[nonempty])
    S[S != 0] = 1.0 / S[S != 0]
    data = S[rows] * data
    x = np.repeat(1.0 / n, n)
    share = 1.0 / n  # every value of networkx's p, the uniform personalization: p's products are those of share
    rest = (1 - alpha) * share
    is_dangling = np.where(S == 0)[0]
    if n > SMALL_GRAPH:  # x @ A as networkx computes it (one call to scipy instead of three to NumPy)
        from scipy import sparse

        A = sparse.csr_array((data, cols, indptr), shape=(n, n))

        def times_a(x):
            return x @ A
    else:
        def times_a(x):
            return np.bincount(cols, weights=data * x[rows], minlength=n).astype(float, copy=False)  # (no edge: ints)
    for _ in range(max_iter):  # few calls per step: each lets another thread take the GIL (the build's validation)
        xlast = x
        x = times_a(x)
        x += sum(xlast[is_dangling]) * share  # alpha * (xA + sum * p) + (1 - alpha) * p, value by value
        x *= alpha
        x += rest
        if np.absolute(x - xlast).sum() < n * tol:
            return dict(zip(nodelist, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def sector_groups(G: nx.Graph, sectors: dict[str, tuple[str, ...]] | None = None) -> dict[str, list]:
    """Entities of each sector, by class (subclasses included, read from the ontology).

    *sectors* maps a sector name to classes (IRIs, or local names of the ontology); by
    default those of ``sectors.toml`` beside this module: ``party`` (``cppcc:PartyOrgan``),
    ``state`` (``cppcc:StateOrgan``, courts included) and ``cppcc`` (``cppcc:CPPCCCommittee``).
    Units inside them (party groups, general offices, special committees) belong to no
    sector: they are the candidates for brokerage.

    >>> G = nx.MultiDiGraph(class_ancestors={"e:B": ["e:B", "e:A"]})
    >>> G.add_node("n", class_iri="e:B")
    >>> sector_groups(G, {"a": ("e:A",), "z": ("e:Z",)})
    {'a': ['n'], 'z': []}
    """
    if sectors is None:
        sectors = tomllib.loads(SECTORS_FILE.read_text(encoding="utf-8"))
    return {name: nodes_of_classes(G, [Schema.iri(c) for c in classes]) for name, classes in sectors.items()}


def brokerage(G: nx.Graph, groups: dict[str, list] | None = None) -> pd.DataFrame:
    """Who brokers between groups: betweenness counted only on paths from one group to another.

    For each pair of groups (X, Y) and each entity v, ``sum over s in X, t in Y`` of the share
    of the shortest s–t paths (hops, undirected projection) that pass through v, v not being
    s or t. An entity of a third group can broker between two others.

    Parameters
    ----------
    G : networkx graph
    groups : dict, optional
        Group name -> entities; by default :func:`sector_groups` (party, state, CPPCC).

    Returns
    -------
    pandas.DataFrame
        ``iri, label_zh, label_en, class, top_class, brokerage`` then one column per pair
        (``party-state``…), largest brokerage first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("p", "u"), ("u", "s"), ("u", "c")])
    >>> df = brokerage(G, {"party": ["p"], "state": ["s"], "cppcc": ["c"]})
    >>> df[["iri", "brokerage", "party-state"]].values.tolist()[0]
    ['u', 3.0, 1.0]
    """
    U = simple_graph(G)
    if groups is None:
        groups = sector_groups(G)
    names = list(groups)
    g, nodes = kernels.igraph_of(U)
    index = {x: i for i, x in enumerate(nodes)}
    values: dict[str, dict] = {}
    total = np.zeros(len(nodes))
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            src = sorted(index[x] for x in groups[a] if x in index)
            dst = np.zeros(len(nodes), dtype=bool)
            dst[[index[x] for x in groups[b] if x in index]] = True
            vals = kernels.dependency_sums(g, src, dst) if len(src) and dst.any() else np.zeros(len(nodes))
            values[f"{a}-{b}"] = {x: round_significant(v) for x, v in zip(nodes, vals)}
            total += vals
    total = dict(zip(nodes, total))
    cols = {"brokerage": {x: round_significant(v) for x, v in total.items()}, **values}
    return measure_frame(U, cols, "brokerage")
