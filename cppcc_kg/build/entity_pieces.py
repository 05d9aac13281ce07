"""The entity files in pieces, one per node and per edge, so that an edit rewrites only the pieces it changed.

``entities.graphml``, ``nodes.csv`` and ``edges.csv`` are each a head, one piece per node or edge
(in the order of the file) and a tail. :func:`whole_files` makes them from the graph and keeps where
each piece ends (:class:`KeptFiles`); :func:`patched_files` makes them again from the kept files of a
graph and the nodes and edges changed since (:mod:`cppcc_kg.network.changes`): the pieces of these are
written again (with the keys of the kept GraphML), the others copied. This needs a graph whose every
attribute is text and every node has the same attributes (the build's entity graph): then the GraphML
keys and the columns stay the same; otherwise (or when a change adds an attribute) the files are made
whole. The tests compare the patched files with the whole ones.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import accumulate, chain, pairwise

import networkx as nx

from cppcc_kg.network import edge_rows, node_rows, shared_rows
from cppcc_kg.network.frames import flat, table_csv, text_csv_lines
from cppcc_kg.network.graphml import graphml_parts, text_elements

__all__ = ["FILES", "KeptFiles", "csv_text", "patched_files", "whole_files"]

#: the entity files, in the order of :class:`KeptFiles`'s texts
FILES = ("entities.graphml", "nodes.csv", "edges.csv")


def _all_text(rows) -> bool:
    """Whether every value of *rows* (lists) is a ``str``.

    >>> _all_text([["a", "b"], ["c"]]), _all_text([["a", 1]]), _all_text([])
    (True, False, True)
    """
    return set(map(type, chain.from_iterable(rows))) <= {str}


def csv_text(cols: list[str], rows: list[list]) -> str:
    """The CSV text pandas writes for the table (``DataFrame(rows, columns=cols).to_csv(index=False,
    lineterminator="\\n")``): by the csv module when every value is text, else by pandas.

    >>> print(csv_text(["a", "b"], [["x", 'a "b" c'], ["", "1,2"]]), end="")
    a,b
    x,"a ""b"" c"
    ,"1,2"
    """
    if _all_text(rows) and _all_text([cols]) and len(set(cols)) == len(cols):
        return table_csv({c: [r[i] for r in rows] for i, c in enumerate(cols)})
    import pandas as pd  # heavy (0.25 s): only for a table of other values than text (not the project's)

    return pd.DataFrame(rows, columns=cols).to_csv(index=False, lineterminator="\n")


@dataclass
class KeptFiles:
    """The entity files of a graph and where their pieces end (head, one per node or edge, tail)."""

    texts: list  # of FILES: bytes (or a memoryview of them)
    ends: list[array]  # of each text: the end of each piece
    nodes: list  # in IRI order (the order of the nodes in the GraphML and nodes.csv)
    graphml_edges: list[tuple]  # (source, target, key) in the order of the GraphML
    csv_edges: list[tuple]  # in the order of edges.csv
    node_cols: list[str]
    edge_cols: list[str]  # after source, target, key
    keys: dict  # of the GraphML: (name, type, scope) -> id
    graph: dict  # the graph's own attributes (the GraphML's head and tail)
    #: the fields above (nodes … graph) pickled, as they were read from the loader's cache (kept again as they
    #: are: a patch does not change them); None when not read from there
    fixed: bytes | memoryview | None = None


def _graph_scalars(G) -> dict:
    return {k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))}


def _pieces(parts: list[str]) -> tuple[bytes, array]:
    data = [p.encode("utf-8") for p in parts]
    return b"".join(data), array("q", accumulate(map(len, data)))


def whole_files(G: nx.MultiDiGraph, *, pieces: bool = True) -> tuple[list[bytes | str], KeptFiles | None]:
    """The texts of :data:`FILES` made from the whole graph *G*, and their pieces (None when not *pieces*, or
    when *G* is not a directed multigraph whose attributes are all text, every node with the same ones)."""
    with shared_rows():  # the node and edge rows, made once for the GraphML and the CSV
        parts = graphml_parts(G)
        cols, rows, missing = node_rows(G)
        iri, label = cols.index("iri"), cols.index("label_en")
        node_table = [[r[iri], r[label], *r] for r in rows]
        ecols, erows = edge_rows(G)
    text = (pieces and all(m is None for m in missing) and G.is_directed() and G.is_multigraph()
            and _all_text(rows) and _all_text(erows) and _all_text([cols, ecols]))
    if not text:
        graphml = (parts.head + "".join(parts.nodes) + "".join(parts.edges) + parts.tail).encode("utf-8")
        return [graphml, csv_text(["Id", "Label", *cols], node_table), csv_text(ecols, erows)], None
    made = [_pieces([parts.head, *parts.nodes, *parts.edges, parts.tail]),
            _pieces(text_csv_lines([["Id", "Label", *cols], *node_table]) + [""]),
            _pieces(text_csv_lines([ecols, *erows]) + [""])]
    kept = KeptFiles([t for t, _ in made], [e for _, e in made], [r[iri] for r in rows], parts.edge_ids,
                     [tuple(r[:3]) for r in erows], cols, ecols[3:], parts.keys, _graph_scalars(G))
    return kept.texts, kept


def patched_files(G: nx.MultiDiGraph, kept: KeptFiles, changed) -> tuple[list, KeptFiles] | None:
    """The texts of :data:`FILES` of *G*, which differs from the graph of *kept* only by the attributes of
    the nodes and edges (``(source, target, key)``) *changed*, and their pieces; None when they must be
    made whole (the change needs another key or column, or is not text)."""
    if _graph_scalars(G) != kept.graph:
        return None
    nodes = sorted((x for x in changed if not isinstance(x, tuple)), key=str)
    edges = sorted((x for x in changed if isinstance(x, tuple)), key=str)
    node_xml = text_elements(G, nodes, kept.node_cols, kept.keys)
    edge_xml = text_elements(G, edges, kept.edge_cols, kept.keys)
    if node_xml is None or edge_xml is None:
        return None
    at = {n: i for i, n in enumerate(kept.nodes)} if nodes else {}
    iri, label = kept.node_cols.index("iri"), kept.node_cols.index("label_en")
    node_rows_ = [[flat(G.nodes[n][c]) for c in kept.node_cols] for n in nodes]
    node_csv = text_csv_lines([[r[iri], r[label], *r] for r in node_rows_])
    edge_csv = text_csv_lines([[u, v, k, *[flat(G.edges[u, v, k].get(c)) for c in kept.edge_cols]] for u, v, k in edges])
    xml_at = {e: i for i, e in enumerate(kept.graphml_edges)} if edges else {}
    csv_at = {e: i for i, e in enumerate(kept.csv_edges)} if edges else {}
    n = len(kept.nodes)
    if any(x not in at for x in nodes) or any(e not in xml_at or e not in csv_at for e in edges):
        return None
    new = {0: {1 + at[x]: t for x, t in zip(nodes, node_xml)} | {1 + n + xml_at[e]: t for e, t in zip(edges, edge_xml)},
           1: {1 + at[x]: t for x, t in zip(nodes, node_csv)},
           2: {1 + csv_at[e]: t for e, t in zip(edges, edge_csv)}}
    texts, ends = [], []
    for f in range(len(FILES)):
        text, end = _replace(kept.texts[f], kept.ends[f], new[f])
        texts.append(text)
        ends.append(end)
    return texts, KeptFiles(texts, ends, kept.nodes, kept.graphml_edges, kept.csv_edges, kept.node_cols,
                            kept.edge_cols, kept.keys, kept.graph, kept.fixed)


def _replace(text: bytes, ends: array, pieces: dict[int, str]) -> tuple[bytes, array]:
    """*text* whose pieces (ending at *ends*) of the indices of *pieces* are replaced by those."""
    if not pieces:
        return text, ends
    view, out, sizes, at = memoryview(text), [], None, 0
    for i in sorted(pieces):
        start = ends[i - 1] if i else 0
        data = pieces[i].encode("utf-8")
        out += [view[at:start], data]
        at = ends[i]
        if sizes is None:
            sizes = array("q", [ends[0], *(b - a for a, b in pairwise(ends))])
        sizes[i] = len(data)
    out.append(view[at:])
    return b"".join(out), array("q", accumulate(sizes))
