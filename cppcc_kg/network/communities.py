"""Communities of the entity graph (Louvain or greedy modularity) and their summary.

>>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("x", "y")])
>>> communities(G)[["iri", "community"]].values.tolist()
[['a', 0], ['b', 0], ['c', 0], ['x', 1], ['y', 1]]
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from cppcc_kg.network import louvain
from cppcc_kg.network.frames import measure_frame, round_significant
from cppcc_kg.network.projections import simple_graph

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["communities", "community_summary", "community_values"]


def communities(G: nx.Graph, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0,
                weight: str | None = "weight") -> pd.DataFrame:
    """Communities of the undirected weighted projection, with their modularity.

    Parameters
    ----------
    G : networkx graph
    method : {'louvain', 'greedy'}
        Louvain (``networkx.community.louvain_communities``, seeded; computed by
        :func:`cppcc_kg.network.louvain.louvain_communities`, which gives the same partition
        faster) or Clauset–Newman–Moore greedy modularity.
    seed : int
        Seed of Louvain.
    resolution : float
        Modularity resolution (>1 favours smaller communities).
    weight : str or None
        Edge weight (number of relations).

    Returns
    -------
    pandas.DataFrame
        ``iri, label_zh, label_en, class, top_class, community, community_size``, sorted by community then
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
    U, comm, size, q = community_values(G, method=method, seed=seed, resolution=resolution, weight=weight)
    df = measure_frame(U, {"community": comm, "community_size": size}, None)
    if len(df):
        df = df.sort_values(["community", "iri"], kind="mergesort").reset_index(drop=True)
    df = df.astype({"community": "int64", "community_size": "int64"})
    df.attrs["modularity"] = q
    df.attrs["method"] = method
    return df


def community_values(G: nx.Graph, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0,
                     weight: str | None = "weight") -> tuple[nx.Graph, dict, dict, float]:
    """The projection, the columns ``community`` and ``community_size`` of :func:`communities` ({node:
    value}) and the modularity, without a table."""
    U = simple_graph(G)
    if method not in ("louvain", "greedy"):
        raise ValueError(f"unknown community method {method!r}: use 'louvain' or 'greedy'")
    if U.number_of_edges() == 0:
        parts = [[x] for x in U.nodes]
        q = float("nan")
    else:
        if method == "louvain":  # networkx's Louvain, on lists of integers (the same partition)
            raw = louvain.louvain_communities(U, weight=weight, resolution=resolution, seed=seed)
        else:
            raw = nx.community.greedy_modularity_communities(U, weight=weight, resolution=resolution)
        parts = [list(c) for c in raw]
        q = round_significant(louvain.partition_modularity(U, parts, weight=weight, resolution=resolution))
    parts = sorted((sorted(c, key=str) for c in parts), key=lambda c: (-len(c), str(c[0])))
    comm = {x: i for i, c in enumerate(parts) for x in c}
    size = {x: len(c) for c in parts for x in c}
    return U, comm, size, q


def community_summary(G: nx.Graph, df: pd.DataFrame | None = None, *, top: int = 5, **kwargs) -> pd.DataFrame:
    """One row per community: ``community, size, members_zh, members_en`` (the *top* members
    by degree in the projection, highest first).

    *df* is a result of :func:`communities`; without it, ``communities(G, **kwargs)`` is used.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("x", "y")])
    >>> community_summary(G)[["community", "size"]].values.tolist()
    [[0, 3], [1, 2]]
    """
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    U = simple_graph(G)
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


