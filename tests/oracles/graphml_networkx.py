"""Test oracle: GraphML written by networkx (``write_graphml_xml``) from the flattened graph.

:func:`cppcc_kg.network.graphml_bytes` writes the same text without building an XML tree:
``tests/network/test_graphml.py`` compares both byte for byte.
"""
from __future__ import annotations

import io

import networkx as nx

from cppcc_kg.network.frames import NODE_COLUMNS, edge_rows, flat, ordered_keys


def networkx_graphml_bytes(G: nx.Graph) -> bytes:
    """The GraphML of *G* flattened (lists and dicts as canonical JSON, nodes by IRI, edges by
    source, key and target, scalar graph attributes only), written by networkx."""
    F = nx.MultiDiGraph() if G.is_multigraph() else nx.Graph()
    if G.is_directed() != F.is_directed():
        F = F.to_directed() if G.is_directed() else F.to_undirected()
    F.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        F.add_node(n, **{k: flat(d[k]) for k in ordered_keys([d], NODE_COLUMNS) if k in d})
    cols, data = edge_rows(G)
    for values in data:
        row = dict(zip(cols, values))
        attrs = {k: v for k, v in row.items() if k not in ("source", "target", "key") and k in cols}
        if F.is_multigraph():
            F.add_edge(row["source"], row["target"], key=row["key"], **attrs)
        else:
            F.add_edge(row["source"], row["target"], **attrs)
    out = io.BytesIO()
    nx.write_graphml_xml(F, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()
