"""Test oracle: the measures as they were computed with networkx before igraph and the integer
Louvain took over (issue 15): the undirected projection, k-core, eigenvector centrality (one
``to_scipy_sparse_array`` per component), Louvain communities and their modularity.

``tests/network/test_network_oracle.py`` checks that :mod:`cppcc_kg.network` gives the same
tables, value for value, on the real graph, synthetic projects and random graphs.
"""
from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import pandas as pd

from cppcc_kg.network.centrality import components
from cppcc_kg.network.frames import measure_frame, round_significant


def to_undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    U = nx.Graph()
    U.graph.update(G.graph)
    U.add_nodes_from(G.nodes(data=True))
    pairs: dict[tuple, list[str]] = defaultdict(list)
    for u, v, k in G.edges(keys=True):
        if u == v:
            continue
        pairs[(u, v) if str(u) <= str(v) else (v, u)].append(str(k))
    for (u, v), keys in sorted(pairs.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        U.add_edge(u, v, weight=len(keys), properties=sorted(keys))
    return U


def simple(G: nx.Graph) -> nx.Graph:
    return to_undirected_weighted(G) if G.is_multigraph() or G.is_directed() else G


def kcore(G: nx.Graph) -> pd.DataFrame:
    U = simple(G)
    df = measure_frame(U, {"kcore": nx.core_number(U) if len(U) else {}}, "kcore")
    df["kcore"] = df["kcore"].astype("int64")
    return df


def eigenvector(G: nx.Graph, principal) -> pd.DataFrame:
    """*principal*: the eigensolver of :mod:`cppcc_kg.network.centrality` (its matrices are what is checked)."""
    U = simple(G)
    n = U.number_of_nodes()
    vals: dict = {}
    comp_of: dict = {}
    for i, comp in enumerate(components(U)):
        for x in comp:
            comp_of[x] = i
        if len(comp) == 1:
            vals[comp[0]] = 0.0
            continue
        A = nx.to_scipy_sparse_array(U, nodelist=comp, weight="weight", format="csr")
        x = principal(A) * math.sqrt(len(comp) / n)
        vals.update({node: round_significant(v) for node, v in zip(comp, x)})
    return measure_frame(U, {"eigenvector": vals, "component": comp_of}, "eigenvector")


def louvain(U: nx.Graph, seed: int, resolution: float = 1.0) -> tuple[list[set], float]:
    """networkx's Louvain partition (in its order) and the modularity of it."""
    parts = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    return parts, nx.community.modularity(U, [list(c) for c in parts], weight="weight", resolution=resolution)
