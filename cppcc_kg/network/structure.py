"""The structure of the entity graph: k-cores, articulation points and bridges.

Each runs on the undirected simple projection (:func:`cppcc_kg.network.projections.simple_graph`)
and returns a :class:`pandas.DataFrame` that starts with the entity columns.

>>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
>>> kcore(G)["kcore"].tolist(), bridges(G)[["source_iri", "target_iri"]].values.tolist()
([2, 2, 2, 1], [['c', 'd']])
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import networkx as nx

from cppcc_kg.network import kernels
from cppcc_kg.network.frames import measure_frame
from cppcc_kg.network.projections import backend_chosen, simple_graph

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["kcore", "kcore_values", "articulation_points", "bridges"]


def kcore(G: nx.Graph) -> pd.DataFrame:
    """Core number of each entity in the undirected projection (self-loops dropped).

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> kcore(G)[["iri", "kcore"]].values.tolist()
    [['a', 2], ['b', 2], ['c', 2], ['d', 1]]
    """
    U, vals = kcore_values(G)
    df = measure_frame(U, {"kcore": vals}, "kcore")
    df["kcore"] = df["kcore"].astype("int64")
    return df


def kcore_values(G: nx.Graph) -> tuple[nx.Graph, dict]:
    """The projection and the column of :func:`kcore` ({node: core number}), without a table."""
    U = simple_graph(G)
    if backend_chosen():  # networkx dispatches core_number to the backend
        return U, nx.core_number(U)
    g, nodes = kernels.igraph_of(U)  # igraph's coreness: the core numbers (unique) networkx's core_number gives
    return U, dict(zip(nodes, g.coreness())) if len(U) else {}


def articulation_points(G: nx.Graph) -> pd.DataFrame:
    """Entities whose removal disconnects the graph (cut vertices of the undirected projection).

    Returns
    -------
    pandas.DataFrame
        One row per articulation point: ``iri, label_zh, label_en, class, top_class, degree, pieces``,
        where ``pieces`` is the number of parts its component falls into without it (the
        number of biconnected blocks it belongs to). Most pieces first.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")])
    >>> articulation_points(G)[["iri", "degree", "pieces"]].values.tolist()
    [['hub', 3, 2]]
    >>> articulation_points(nx.Graph()).shape
    (0, 7)
    """
    U = simple_graph(G)
    blocks: Counter = Counter()
    for block in nx.biconnected_components(U):
        blocks.update(block)
    aps = set(nx.articulation_points(U))
    df = measure_frame(U, {"degree": dict(U.degree()), "pieces": {x: blocks[x] for x in U}}, None)
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
    U = simple_graph(G)
    cols = ["source_iri", "source_label_zh", "source_label_en", "target_iri", "target_label_zh",
            "target_label_en", "weight", "properties"]
    rows = []
    for u, v in nx.bridges(U):
        u, v = sorted((u, v), key=str)
        du, dv, de = U.nodes[u], U.nodes[v], U.edges[u, v]
        rows.append((str(du.get("iri") or u), du.get("label_zh", ""), du.get("label_en", ""),
                     str(dv.get("iri") or v), dv.get("label_zh", ""), dv.get("label_en", ""),
                     int(de.get("weight", 1)), ", ".join(de.get("properties", []))))
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    return pd.DataFrame(sorted(rows), columns=cols).astype({"weight": "int64"})


