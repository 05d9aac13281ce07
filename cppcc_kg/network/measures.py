"""Network measures on the entity graph, in the analyst's terms.

Every function takes the graph first and returns a :class:`pandas.DataFrame` whose first
columns are ``iri, label_zh, label_en, class``, then its measures, sorted by the measure
(largest first) and then by IRI, so that the same graph always gives the same table.
Floats are rounded to 10 significant digits.

The graph is the entity graph of :func:`cppcc_kg.network.entity_graph.build_entity_graph` (a
``MultiDiGraph``); degrees count its relations. Every other measure runs on its undirected
simple projection (:func:`cppcc_kg.network.entity_graph.to_undirected_weighted`): the direction of
a relation follows the grammar of the sentence that states it (who issued what), not an
endorsement, so it is not used for importance. A simple ``nx.Graph`` (a projection) is used
as it is. Distances (betweenness, closeness, shortest paths) count hops; eigenvector and
PageRank use the ``weight`` (number of relations) of the projection.

Empty graphs give empty tables; disconnected graphs give defined values (see each function).

>>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d")])
>>> degree(G)[["iri", "degree", "in_degree", "out_degree"]].values.tolist()[0]
['b', 3, 1, 2]
>>> betweenness(G)[["iri", "betweenness"]].values.tolist()[0]
['b', 0.6666666667]
"""
from __future__ import annotations

import contextvars
import difflib
import math
import unicodedata
from collections import Counter
from itertools import islice

import networkx as nx
import numpy as np
import pandas as pd

from cppcc_kg.errors import EXIT_INPUT, KGError
from cppcc_kg.network import bfs
from cppcc_kg.network.entity_graph import to_undirected_weighted

__all__ = [
    "MEASURES", "entity_frame", "degree", "betweenness", "closeness", "eigenvector", "pagerank",
    "kcore", "articulation_points", "bridges", "communities", "community_summary", "sector_groups", "brokerage",
    "shortest_paths", "find_entity", "all_measures", "EntityNotFoundError", "AmbiguousEntityError",
]

#: The measures of :func:`all_measures`, in the order of the columns of ``metrics.csv``.
MEASURES = ("degree", "in_degree", "out_degree", "betweenness", "closeness", "eigenvector",
            "pagerank", "kcore", "community")
BASE_COLUMNS = ("iri", "label_zh", "label_en", "class")
SIGNIFICANT = 10
#: at most this many shortest paths are enumerated between two entities
PATH_LIMIT = 10000


class EntityNotFoundError(KGError, LookupError):
    """A name that matches no entity of the graph; the message lists close matches."""

    exit_code = EXIT_INPUT

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, list(suggestions)
        if suggestions:
            hint = "did you mean: " + "; ".join(suggestions) + "?"
        else:
            hint = "give the entity's Chinese or English label, an alias, its pinyin or its IRI."
        super().__init__(f"No entity is named {name!r}.", hint)


class AmbiguousEntityError(KGError, LookupError):
    """A name shared by several entities (for example an alias of two bodies)."""

    exit_code = EXIT_INPUT

    def __init__(self, name: str, candidates: list[str]):
        self.name, self.candidates = name, list(candidates)
        super().__init__(f"{name!r} names {len(candidates)} entities: " + "; ".join(candidates) + ".",
                         "give the full label or the IRI of the one you mean.")


# ---------------------------------------------------------------------------- helpers

def _round(x: float) -> float:
    """Round to :data:`SIGNIFICANT` significant digits (deterministic text in CSV and RDF)."""
    if x is None or not math.isfinite(x):
        return x
    return float(f"{float(x):.{SIGNIFICANT}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


#: graph id -> its undirected simple graph, while :func:`all_measures` runs (made once, not per measure)
_SIMPLE_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("_SIMPLE_MEMO", default=None)


def _simple(G: nx.Graph) -> nx.Graph:
    """The undirected simple graph the measures run on."""
    memo = _SIMPLE_MEMO.get()
    if memo is not None and id(G) in memo:
        return memo[id(G)][1]
    S = G
    if G.is_multigraph() or G.is_directed():
        S = to_undirected_weighted(G)
    elif nx.number_of_selfloops(G):
        S = G.copy()
        S.remove_edges_from(list(nx.selfloop_edges(S)))
    if memo is not None:
        memo[id(G)] = (G, S)  # G kept alive, so that its id is not reused
    return S


def entity_frame(G: nx.Graph, nodes=None) -> pd.DataFrame:
    """The identifying columns ``iri, label_zh, label_en, class`` of *nodes* (default: all), by IRI.

    Nodes without these attributes (a plain networkx graph) get their name as IRI and ''.

    >>> entity_frame(nx.path_graph(["x", "y"])).values.tolist()
    [['x', '', '', ''], ['y', '', '', '']]
    """
    nodes = sorted(G.nodes if nodes is None else nodes, key=str)
    rows = []
    for n in nodes:
        d = G.nodes[n]
        rows.append((str(d.get("iri") or n), d.get("label_zh", ""), d.get("label_en", ""), d.get("class", "")))
    df = pd.DataFrame(rows, columns=list(BASE_COLUMNS))
    df.index = pd.Index([n for n in nodes], name=None)
    return df


def _measure_frame(G: nx.Graph, values: dict[str, dict], sort_by: str | None, ascending=False) -> pd.DataFrame:
    """Join measures (column -> {node: value}) onto the entity columns and sort."""
    df = entity_frame(G)
    for col, vals in values.items():
        df[col] = [vals.get(n) for n in df.index]
    if sort_by is not None and len(df):
        df = df.sort_values([sort_by, "iri"], ascending=[ascending, True], kind="mergesort")
    return df.reset_index(drop=True)


# ---------------------------------------------------------------------------- centrality

def degree(G: nx.Graph) -> pd.DataFrame:
    """Degree of each entity: number of relations, and for a directed graph in and out.

    Parameters
    ----------
    G : networkx graph
        The entity graph (parallel relations count each) or any networkx graph.

    Returns
    -------
    pandas.DataFrame
        ``iri, label_zh, label_en, class, degree`` (+ ``in_degree, out_degree`` when *G* is
        directed), largest degree first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("c", "a")])
    >>> degree(G)[["iri", "degree", "in_degree", "out_degree"]].values.tolist()
    [['a', 3, 1, 2], ['b', 2, 2, 0], ['c', 1, 0, 1]]
    >>> degree(nx.Graph()).columns.tolist()
    ['iri', 'label_zh', 'label_en', 'class', 'degree']
    """
    values = {"degree": dict(G.degree())}
    if G.is_directed():
        values["in_degree"] = dict(G.in_degree())
        values["out_degree"] = dict(G.out_degree())
    df = _measure_frame(G, values, "degree")
    for c in values:
        df[c] = df[c].astype("int64")
    return df


def betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0, normalized: bool = True) -> pd.DataFrame:
    """Betweenness centrality on the undirected projection (hops), exact or sampled.

    Parameters
    ----------
    G : networkx graph
    k : int, optional
        Number of source nodes sampled for the approximation (Brandes–Pich, scaled as
        networkx 3.5+ does, see :func:`cppcc_kg.network.bfs.betweenness`); ``None`` or a *k* at least
        the number of nodes computes the exact value.
    seed : int
        Seed of the sampling (of the nodes in IRI order), so an approximation is reproducible.

    Notes
    -----
    Computed by :mod:`cppcc_kg.network.bfs` (Brandes' algorithm with sparse matrix products), which
    gives networkx's ``betweenness_centrality`` values many times faster.
    normalized : bool
        Divide by the number of pairs (``2/((n-1)(n-2))``), as networkx does.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> betweenness(G)[["iri", "betweenness"]].values.tolist()
    [['b', 1.0], ['a', 0.0], ['c', 0.0]]
    >>> betweenness(nx.path_graph(50), k=10, seed=1).shape
    (50, 5)
    """
    U = _simple(G)
    A, nodes = bfs.adjacency(U)
    vals = bfs.betweenness(A, k=k, seed=seed, normalized=normalized)
    return _measure_frame(U, {"betweenness": {x: _round(v) for x, v in zip(nodes, vals)}}, "betweenness")


def closeness(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Closeness centrality on the undirected projection (hops).

    On a disconnected graph it uses the Wasserman–Faust correction (networkx's default):
    the closeness within an entity's component scaled by the share of the graph it reaches,
    so an isolated entity has 0. With *k* (fewer than the nodes), the distances are
    estimated from *k* sampled pivots (:func:`cppcc_kg.network.fastgraph.sampled_closeness`, seeded
    by *seed*) instead of a search from every node.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")]); G.add_node("z")
    >>> closeness(G)[["iri", "closeness"]].values.tolist()
    [['b', 0.6666666667], ['a', 0.4444444444], ['c', 0.4444444444], ['z', 0.0]]
    """
    U = _simple(G)
    A, nodes = bfs.adjacency(U)
    if k is not None and k < len(nodes):
        from cppcc_kg.network.fastgraph import sampled_closeness
        vals = sampled_closeness(A, k=k, seed=seed)
    else:
        vals = bfs.closeness(A)
    return _measure_frame(U, {"closeness": {x: _round(v) for x, v in zip(nodes, vals)}}, "closeness")


def _principal_eigenvector(A) -> np.ndarray:
    """Non-negative unit principal eigenvector of a symmetric non-negative matrix."""
    n = A.shape[0]
    if n <= 400:
        w, V = np.linalg.eigh(A.toarray() if hasattr(A, "toarray") else A)
        x = V[:, int(np.argmax(w))]
    else:
        from scipy.sparse.linalg import eigsh
        _, V = eigsh(A.astype(float), k=1, which="LA", v0=np.ones(n), tol=1e-12, maxiter=max(1000, 20 * n))
        x = V[:, 0]
    x = np.abs(x)  # Perron vector of a connected component: one sign; abs removes the arbitrary sign
    norm = np.linalg.norm(x)
    return x / norm if norm else x


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
    U = _simple(G)
    n = U.number_of_nodes()
    vals: dict = {}
    comp_of: dict = {}
    for i, comp in enumerate(_components(U)):
        for x in comp:
            comp_of[x] = i
        if len(comp) == 1:
            vals[comp[0]] = 0.0
            continue
        A = nx.to_scipy_sparse_array(U, nodelist=comp, weight=weight, format="csr")
        x = _principal_eigenvector(A) * math.sqrt(len(comp) / n)
        vals.update({node: _round(v) for node, v in zip(comp, x)})
    return _measure_frame(U, {"eigenvector": vals, "component": comp_of}, "eigenvector")


def _components(U: nx.Graph) -> list[list]:
    """Connected components, each sorted, largest first then by first member."""
    comps = [sorted(c, key=str) for c in nx.connected_components(U)]
    return sorted(comps, key=lambda c: (-len(c), str(c[0])))


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
    (0, 5)
    """
    H = G if (directed and G.is_directed()) else _simple(G)
    if len(H) == 0:
        return _measure_frame(H, {"pagerank": {}}, "pagerank")
    w = weight if not (directed and G.is_multigraph()) else None  # a multigraph sums parallel edges
    vals = nx.pagerank(H, alpha=alpha, weight=w, tol=tol, max_iter=10000)
    return _measure_frame(H, {"pagerank": {x: _round(v) for x, v in vals.items()}}, "pagerank")


def kcore(G: nx.Graph) -> pd.DataFrame:
    """Core number of each entity in the undirected projection (self-loops dropped).

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> kcore(G)[["iri", "kcore"]].values.tolist()
    [['a', 2], ['b', 2], ['c', 2], ['d', 1]]
    """
    U = _simple(G)
    vals = nx.core_number(U) if len(U) else {}
    df = _measure_frame(U, {"kcore": vals}, "kcore")
    df["kcore"] = df["kcore"].astype("int64")
    return df


# ---------------------------------------------------------------------------- structure

def articulation_points(G: nx.Graph) -> pd.DataFrame:
    """Entities whose removal disconnects the graph (cut vertices of the undirected projection).

    Returns
    -------
    pandas.DataFrame
        One row per articulation point: ``iri, label_zh, label_en, class, degree, pieces``,
        where ``pieces`` is the number of parts its component falls into without it (the
        number of biconnected blocks it belongs to). Most pieces first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")])
    >>> articulation_points(G)[["iri", "degree", "pieces"]].values.tolist()
    [['hub', 3, 2]]
    >>> articulation_points(nx.Graph()).shape
    (0, 6)
    """
    U = _simple(G)
    blocks: Counter = Counter()
    for block in nx.biconnected_components(U):
        blocks.update(block)
    aps = set(nx.articulation_points(U))
    df = _measure_frame(U, {"degree": dict(U.degree()), "pieces": {x: blocks[x] for x in U}}, None)
    df = df[df["iri"].isin({str(U.nodes[x].get("iri") or x) for x in aps})]
    df = df.astype({"degree": "int64", "pieces": "int64"})
    return df.sort_values(["pieces", "degree", "iri"], ascending=[False, False, True], kind="mergesort").reset_index(drop=True)


def bridges(G: nx.Graph) -> pd.DataFrame:
    """Relations whose removal disconnects the graph (bridges of the undirected projection).

    Returns
    -------
    pandas.DataFrame
        ``source_iri, source_label_zh, source_label_en, target_iri, target_label_zh,
        target_label_en, weight, properties`` with source < target by IRI, sorted by IRIs.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> bridges(G)[["source_iri", "target_iri", "weight"]].values.tolist()
    [['c', 'd', 1]]
    """
    U = _simple(G)
    cols = ["source_iri", "source_label_zh", "source_label_en", "target_iri", "target_label_zh",
            "target_label_en", "weight", "properties"]
    rows = []
    for u, v in nx.bridges(U):
        u, v = sorted((u, v), key=str)
        du, dv, de = U.nodes[u], U.nodes[v], U.edges[u, v]
        rows.append((str(du.get("iri") or u), du.get("label_zh", ""), du.get("label_en", ""),
                     str(dv.get("iri") or v), dv.get("label_zh", ""), dv.get("label_en", ""),
                     int(de.get("weight", 1)), ", ".join(de.get("properties", []))))
    return pd.DataFrame(sorted(rows), columns=cols).astype({"weight": "int64"})


def communities(G: nx.Graph, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0,
                weight: str | None = "weight") -> pd.DataFrame:
    """Communities of the undirected weighted projection, with their modularity.

    Parameters
    ----------
    G : networkx graph
    method : {'louvain', 'greedy'}
        Louvain (``networkx.community.louvain_communities``, seeded) or Clauset–Newman–Moore
        greedy modularity.
    seed : int
        Seed of Louvain.
    resolution : float
        Modularity resolution (>1 favours smaller communities).
    weight : str or None
        Edge weight (number of relations).

    Returns
    -------
    pandas.DataFrame
        ``iri, label_zh, label_en, class, community, community_size``, sorted by community then
        IRI. Communities are numbered from 0, largest first (ties: smallest member IRI); an
        isolated entity is a community of its own. ``df.attrs['modularity']`` holds the
        modularity of the partition (``nan`` for a graph without edges) and
        ``df.attrs['method']`` the method.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> df = communities(G, seed=1)
    >>> df.groupby("community")["iri"].apply(list).tolist(), round(df.attrs["modularity"], 4)
    ([['a', 'b', 'c'], ['x', 'y', 'z']], 0.3571)
    >>> communities(nx.Graph(), method="greedy").attrs["modularity"]
    nan
    """
    U = _simple(G)
    if method not in ("louvain", "greedy"):
        raise ValueError(f"unknown community method {method!r}: use 'louvain' or 'greedy'")
    if U.number_of_edges() == 0:
        parts = [[x] for x in U.nodes]
        q = float("nan")
    else:
        if method == "louvain":
            raw = nx.community.louvain_communities(U, weight=weight, resolution=resolution, seed=seed)
        else:
            raw = nx.community.greedy_modularity_communities(U, weight=weight, resolution=resolution)
        parts = [list(c) for c in raw]
        q = _round(nx.community.modularity(U, parts, weight=weight, resolution=resolution))
    parts = sorted((sorted(c, key=str) for c in parts), key=lambda c: (-len(c), str(c[0])))
    comm = {x: i for i, c in enumerate(parts) for x in c}
    size = {x: len(c) for c in parts for x in c}
    df = _measure_frame(U, {"community": comm, "community_size": size}, None)
    if len(df):
        df = df.sort_values(["community", "iri"], kind="mergesort").reset_index(drop=True)
    df = df.astype({"community": "int64", "community_size": "int64"})
    df.attrs["modularity"] = q
    df.attrs["method"] = method
    return df


def community_summary(G: nx.Graph, df: pd.DataFrame | None = None, *, top: int = 5, **kwargs) -> pd.DataFrame:
    """One row per community: ``community, size, members_zh, members_en`` (the *top* members
    by degree in the projection, highest first).

    *df* is a result of :func:`communities`; without it, ``communities(G, **kwargs)`` is used.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("x", "y")])
    >>> community_summary(G)[["community", "size"]].values.tolist()
    [[0, 3], [1, 2]]
    """
    U = _simple(G)
    if df is None:
        df = communities(G, **kwargs)
    deg = dict(U.degree())
    rows = []
    for c, part in df.groupby("community", sort=True):
        part = part.assign(_deg=[deg.get(_node_of(U, i), 0) for i in part["iri"]])
        part = part.sort_values(["_deg", "iri"], ascending=[False, True], kind="mergesort").head(top)
        rows.append((int(c), int(df[df["community"] == c].shape[0]),
                     "、".join(x or i for x, i in zip(part["label_zh"], part["iri"])),
                     "; ".join(x or i for x, i in zip(part["label_en"], part["iri"]))))
    return pd.DataFrame(rows, columns=["community", "size", "members_zh", "members_en"])


def _node_of(G: nx.Graph, iri: str):
    return iri if iri in G else next((n for n, d in G.nodes(data=True) if d.get("iri") == iri), iri)


def sector_groups(G: nx.Graph, sectors: dict[str, tuple[str, ...]] | None = None) -> dict[str, list]:
    """Entities of each sector, by class (subclasses included, read from the ontology).

    By default the three sectors the texts speak of: ``party`` (``cppcc:PartyOrgan``),
    ``state`` (``cppcc:StateOrgan``, courts included) and ``cppcc`` (``cppcc:CPPCCCommittee``).
    Units inside them (party groups, general offices, special committees) belong to no
    sector: they are the candidates for brokerage.

    >>> G = nx.MultiDiGraph(class_ancestors={"c#B": ["c#B", "c#A"]})
    >>> G.add_node("n", class_iri="c#B")
    >>> sector_groups(G, {"a": ("c#A",), "z": ("c#Z",)})
    {'a': ['n'], 'z': []}
    """
    from cppcc_kg.network.entity_graph import nodes_of_classes
    from cppcc_kg.rdf.namespaces import CPPCC

    if sectors is None:
        sectors = {"party": (str(CPPCC.PartyOrgan),), "state": (str(CPPCC.StateOrgan),),
                   "cppcc": (str(CPPCC.CPPCCCommittee),)}
    return {name: nodes_of_classes(G, classes) for name, classes in sectors.items()}


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
        ``iri, label_zh, label_en, class, brokerage`` then one column per pair
        (``party-state``…), largest brokerage first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("p", "u"), ("u", "s"), ("u", "c")])
    >>> df = brokerage(G, {"party": ["p"], "state": ["s"], "cppcc": ["c"]})
    >>> df[["iri", "brokerage", "party-state"]].values.tolist()[0]
    ['u', 3.0, 1.0]
    """
    U = _simple(G)
    if groups is None:
        groups = sector_groups(G)
    names = list(groups)
    A, nodes = bfs.adjacency(U)
    index = {x: i for i, x in enumerate(nodes)}
    values: dict[str, dict] = {}
    total = np.zeros(len(nodes))
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            src = np.array(sorted(index[x] for x in groups[a] if x in index), dtype=np.int64)
            dst = np.zeros(len(nodes), dtype=bool)
            dst[[index[x] for x in groups[b] if x in index]] = True
            vals = bfs.dependency_sums(A, src, dst) if len(src) and dst.any() else np.zeros(len(nodes))
            values[f"{a}-{b}"] = {x: _round(v) for x, v in zip(nodes, vals)}
            total += vals
    total = dict(zip(nodes, total))
    cols = {"brokerage": {x: _round(v) for x, v in total.items()}, **values}
    return _measure_frame(U, cols, "brokerage")


# ---------------------------------------------------------------------------- names and paths

def _fold(s: str) -> str:
    """Case-, space- and accent-insensitive form (pinyin tone marks dropped)."""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(s.casefold().split())


def _tokens(s: str) -> set[str]:
    """Words of Latin text and single characters of Chinese text, folded."""
    out, word = set(), []
    for ch in unicodedata.normalize("NFKD", str(s).casefold()):
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            word.append(ch)
            continue
        if word:
            out.add("".join(word))
            word = []
        if ch.isalnum():
            out.add(ch)
    if word:
        out.add("".join(word))
    return out


def _names(d: dict, node) -> list[str]:
    out = [str(d.get("iri") or node), d.get("label_zh", ""), d.get("label_en", ""), d.get("pinyin", "")]
    out += list(d.get("aliases") or [])
    return [x for x in out if x]


def _describe(G: nx.Graph, n) -> str:
    d = G.nodes[n]
    labels = " / ".join(x for x in (d.get("label_zh", ""), d.get("label_en", "")) if x)
    return f"{labels} <{d.get('iri') or n}>" if labels else str(n)


def find_entity(G: nx.Graph, name: str) -> str:
    """The node named *name*: its IRI, Chinese or English label, an alias or its pinyin.

    Matching ignores case, spaces and tone marks. A name that matches nothing raises
    :class:`EntityNotFoundError` listing close matches (labels that contain the name, then
    :mod:`difflib` matches); one shared by several entities raises :class:`AmbiguousEntityError`.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("kg:a", label_zh="内蒙古自治区政协", label_en="Inner Mongolia CPPCC", aliases=["自治区政协"])
    >>> find_entity(G, "自治区政协"), find_entity(G, "inner mongolia cppcc")
    ('kg:a', 'kg:a')
    >>> find_entity(G, "内蒙古政协")
    Traceback (most recent call last):
    ...
    cppcc_kg.network.measures.EntityNotFoundError: No entity is named '内蒙古政协'.
      -> did you mean: 内蒙古自治区政协 / Inner Mongolia CPPCC <kg:a>?
    """
    if name in G:
        return name
    key = _fold(name)
    index: dict[str, set] = {}
    for n, d in G.nodes(data=True):
        for x in _names(d, n):
            index.setdefault(_fold(x), set()).add(n)
    hits = index.get(key, set())
    if len(hits) == 1:
        return next(iter(hits))
    if len(hits) > 1:
        raise AmbiguousEntityError(name, [_describe(G, n) for n in sorted(hits, key=str)])
    # close matches, best first: shared words (Latin) or characters (Chinese), containment, difflib
    q_tokens = _tokens(name)
    best: dict = {}
    for k, nodes in index.items():
        score = difflib.SequenceMatcher(None, key, k, autojunk=False).ratio()
        if key and (key in k or k in key):
            score += 0.3
        if q_tokens:
            score += 0.5 * len(q_tokens & _tokens(k)) / len(q_tokens)
        if score >= 0.6:
            for n in nodes:
                best[n] = max(best.get(n, 0.0), score)
    ranked = sorted(best, key=lambda n: (-best[n], str(n)))
    out = [_describe(G, n) for n in ranked]
    raise EntityNotFoundError(name, out[:5])


def shortest_paths(G: nx.Graph, source: str, target: str, *, all_paths: bool = False,
                   max_paths: int = 20) -> pd.DataFrame:
    """Shortest path(s) between two entities named in zh or en (or alias, pinyin, IRI).

    Paths run over the undirected projection, so a relation can be read either way.

    Parameters
    ----------
    G : networkx graph
    source, target : str
        Names of the two entities (see :func:`find_entity`).
    all_paths : bool
        Every shortest path (up to *max_paths*, in IRI order) instead of the first in IRI order.
        At most :data:`PATH_LIMIT` paths are enumerated.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``path, step, iri, label_zh, label_en, class, via`` where ``via``
        names the relations from the previous step (``launched`` when the previous entity is
        the subject, ``^launched`` when it is the object). Empty (same columns) when the two
        are not connected.

    Raises
    ------
    EntityNotFoundError, AmbiguousEntityError
        When a name matches no entity, or several.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("o", label_en="Org"); G.add_node("p", label_en="Programme"); G.add_node("d", label_en="Doc")
    >>> _ = G.add_edge("o", "p", key="launched"); _ = G.add_edge("d", "p", key="about")
    >>> shortest_paths(G, "Org", "Doc")[["step", "iri", "via"]].values.tolist()
    [[0, 'o', ''], [1, 'p', 'launched'], [2, 'd', '^about']]
    """
    s, t = find_entity(G, source), find_entity(G, target)
    U = _simple(G)
    cols = ["path", "step", *BASE_COLUMNS, "via"]
    try:
        # the first PATH_LIMIT shortest paths (their number can grow exponentially), in IRI order
        found = list(islice(nx.all_shortest_paths(U, s, t), PATH_LIMIT))
        found.sort(key=lambda p: [str(x) for x in p])
        paths = found[:max_paths] if all_paths else found[:1]
    except nx.NetworkXNoPath:
        return pd.DataFrame(columns=cols)
    rows = []
    for i, path in enumerate(paths):
        for j, n in enumerate(path):
            d = G.nodes[n]
            via = "" if j == 0 else _via(G, path[j - 1], n)
            rows.append((i, j, str(d.get("iri") or n), d.get("label_zh", ""), d.get("label_en", ""),
                         d.get("class", ""), via))
    return pd.DataFrame(rows, columns=cols)


def _via(G: nx.Graph, u, v) -> str:
    keys = []
    if G.is_multigraph():
        if G.has_edge(u, v):
            keys += [str(k) for k in G[u][v]]
        if G.is_directed() and G.has_edge(v, u):
            keys += ["^" + str(k) for k in G[v][u]]
    else:
        if G.has_edge(u, v):
            keys += [", ".join(G.edges[u, v].get("properties", [])) or "—"]
        if G.is_directed() and G.has_edge(v, u):
            keys += ["^" + (", ".join(G.edges[v, u].get("properties", [])) or "—")]
    return ", ".join(sorted(keys, key=lambda k: (k.lstrip("^"), k)))


# ---------------------------------------------------------------------------- all together

def all_measures(G: nx.Graph, *, betweenness_k: int | None = None, seed: int = 0,
                 community_method: str = "louvain") -> pd.DataFrame:
    """Every measure of :data:`MEASURES` for every entity: the table of ``metrics.csv``.

    Columns ``iri, label_zh, label_en, class`` then :data:`MEASURES`, rows sorted by IRI.
    ``df.attrs`` holds ``modularity`` and ``community_method``.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> df = all_measures(G)
    >>> df.columns.tolist()[4:]
    ['degree', 'in_degree', 'out_degree', 'betweenness', 'closeness', 'eigenvector', 'pagerank', 'kcore', 'community']
    >>> df[["iri", "degree", "betweenness", "kcore"]].values.tolist()
    [['a', 1, 0.0, 1], ['b', 2, 1.0, 1], ['c', 1, 0.0, 1]]
    >>> all_measures(nx.MultiDiGraph()).shape
    (0, 13)
    """
    token = _SIMPLE_MEMO.set({})
    try:
        return _all_measures(G, betweenness_k=betweenness_k, seed=seed, community_method=community_method)
    finally:
        _SIMPLE_MEMO.reset(token)


def _all_measures(G: nx.Graph, *, betweenness_k, seed: int, community_method: str) -> pd.DataFrame:
    base = entity_frame(G).reset_index(drop=True)
    parts = [
        degree(G),
        betweenness(G, k=betweenness_k, seed=seed),
        closeness(G, k=betweenness_k, seed=seed),  # sampled too when betweenness is
        eigenvector(G).drop(columns=["component"]),
        pagerank(G),
        kcore(G),
    ]
    comm = communities(G, method=community_method, seed=seed)
    parts.append(comm.drop(columns=["community_size"]))
    df = base
    for p in parts:
        df = df.merge(p.drop(columns=list(BASE_COLUMNS[1:])), on="iri", how="left")
    if "in_degree" not in df:
        df["in_degree"] = df["degree"]
        df["out_degree"] = df["degree"]
    df = df[list(BASE_COLUMNS) + list(MEASURES)].sort_values("iri", kind="mergesort").reset_index(drop=True)
    df = df.astype({c: "int64" for c in ("degree", "in_degree", "out_degree", "kcore", "community")})
    df = df.astype({c: "float64" for c in ("betweenness", "closeness", "eigenvector", "pagerank")})
    df.attrs["modularity"] = comm.attrs["modularity"]
    df.attrs["community_method"] = community_method
    return df
