"""Which entities a page draws: all of them, one community, the neighbourhood of an entity,
and at most :data:`MAX_NODES` (those with the highest value of a measure)."""
from __future__ import annotations

import networkx as nx

from cppcc_kg.errors import InputError
from cppcc_kg.network import find_entity

__all__ = ["MAX_NODES", "focus_nodes", "select_view", "view_of"]

#: Above this many entities the page draws only this many, those with the highest value of
#: the view measure (``view_measure``), and says so. Measured in headless Chromium on a busy
#: 2-core machine (bench/bench_visualize.py): 10,000 nodes are interactive after about 3.5 s
#: and redraw in about 1 s; 50,000 drawn whole take 15 s to start, 3.6 s per redraw and a
#: 53 MB page, which is not usable.
MAX_NODES = 10_000


def select_view(G: nx.Graph, values: dict, limit: int) -> list:
    """The *limit* nodes with the highest *values* (ties and missing values by IRI).

    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> select_view(G, {"a": 1, "b": 3, "c": 1}, 2)
    ['a', 'b']
    """
    ranked = sorted(G.nodes, key=lambda n: (-float(values.get(n, 0) or 0), str(n)))
    return sorted(ranked[:limit], key=str)


def focus_nodes(G: nx.Graph, table: dict | None = None, *, community: int | None = None,
                around: str | None = None, hops: int = 1) -> tuple[set, dict]:
    """The entities of one community (by the ``community`` measure of *table*, IRI -> measures)
    or of the neighbourhood of an entity (*around*: an IRI or a name, as
    :func:`cppcc_kg.network.find_entity` reads it; *hops* relations away, either way), and the
    description of that view for the page.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(focus_nodes(G, around="b")[0]), focus_nodes(G, around="b", hops=2)[1]
    (['a', 'b', 'c'], {'kind': 'around', 'entity': 'b', 'label_zh': '', 'label_en': '', 'hops': 2})
    >>> sorted(focus_nodes(G, {"a": {"community": 1}, "b": {"community": 1}}, community=1)[0])
    ['a', 'b']
    """
    table = table or {}
    if community is not None:
        present = sorted({int(m["community"]) for m in table.values() if m.get("community") is not None})
        if not present:
            raise InputError("the graph has no communities to choose from",
                             "give the measures (--metrics build/metrics.csv) or drop --community.")
        keep = {n for n in G.nodes if table.get(str(n), {}).get("community") == community}
        if not keep:
            raise InputError(f"no entity is in community {community}",
                             f"choose one of {present[0]}–{present[-1]} (column community of metrics.csv).")
        return keep, {"kind": "community", "community": int(community)}
    if hops < 0:
        raise InputError(f"--hops {hops}: give 0 or more")
    center = find_entity(G, around)  # an unknown name: an error listing close matches
    U = G.to_undirected(as_view=True)
    keep = set(nx.single_source_shortest_path_length(U, center, cutoff=hops))
    d = G.nodes[center]
    return keep, {"kind": "around", "entity": str(center), "label_zh": str(d.get("label_zh", "")),
                  "label_en": str(d.get("label_en", "")), "hops": int(hops)}


def view_of(G: nx.MultiDiGraph, measures: list[str], table: dict, *, max_nodes: int = MAX_NODES,
            view_measure: str = "pagerank", community: int | None = None, around: str | None = None,
            hops: int = 1, totals: tuple[int, int] | None = None) -> tuple[nx.MultiDiGraph, dict | None]:
    """The graph the page draws and the description of the view (``None``: all of *G*).

    *measures* and *table* are the measures of the entities (IRI -> {measure: value});
    *community*, *around* and *hops* choose a part (:func:`focus_nodes`); above *max_nodes*
    entities only those with the highest *view_measure* (else the first measure, else the
    degree) are kept (:func:`select_view`). *totals*: the number of nodes and edges of *G*, when the
    caller has counted them (counting the edges of a large multigraph takes a while).

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> H, view = view_of(G, [], {}, max_nodes=2)
    >>> sorted(H), view["measure"], view["shown"], view["total_nodes"]
    (['a', 'b'], 'degree', 2, 3)
    """
    total_nodes, total_edges = totals if totals is not None else (G.number_of_nodes(), G.number_of_edges())
    view = None
    keep = set(G.nodes)
    if community is not None or around is not None:
        keep, view = focus_nodes(G, table, community=community, around=around, hops=hops)
    if len(keep) > max_nodes:
        measure = view_measure if view_measure in measures else (measures[0] if measures else "")
        if measure:
            values = {n: table.get(str(n), {}).get(measure, 0) for n in keep}
        else:
            values = dict(G.degree(keep))
            measure = "degree"
        keep = set(select_view(G.subgraph(keep), values, max_nodes))
        view = dict(view or {"kind": "top"}, measure=measure, limit=max_nodes)
    if view is None:
        return G, None
    H = nx.MultiDiGraph()   # a copy, not a subgraph view: views are slow to iterate
    H.add_nodes_from((n, G.nodes[n]) for n in G.nodes if n in keep)
    H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep)
    view.update(shown=H.number_of_nodes(), total_nodes=total_nodes, total_edges=total_edges)
    return H, view
