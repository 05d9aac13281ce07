"""GraphML of a graph, deterministically: ``entities.graphml`` of the build.

:func:`graphml_bytes` writes the text that ``networkx.write_graphml_xml`` writes for the
flattened graph (attributes flattened as :func:`cppcc_kg.network.frames.flat` does, nodes in
IRI order, edges in (source, key, target) order, scalar graph attributes only): the same
keys, order, indentation and escaping (the tests compare both byte for byte), without
building an XML tree in memory, which takes minutes for a hundred thousand entities.

>>> G = nx.MultiDiGraph(name="g")
>>> G.add_node("a", label_zh="甲", aliases=["x"]); G.add_node("b")
>>> _ = G.add_edge("a", "b", key="launched")
>>> text = graphml_bytes(G).decode("utf-8")
>>> '<data key="d2">["x"]</data>' in text, '<edge source="a" target="b" id="launched">' in text
(True, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import _escape_attrib, _escape_cdata

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from cppcc_kg.network.frames import edge_rows, flat, node_rows
from cppcc_kg.rdf.files import write_atomic

__all__ = ["GraphmlParts", "graphml_bytes", "graphml_parts", "text_elements", "write_graphml"]

#: Python type -> GraphML ``attr.type``, as networkx's writer has them (numpy types included)
XML_TYPES: dict[type, str] = dict(GraphMLWriter().xml_type)
_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
         '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
         'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


class _Keys:
    """The ``<key>`` elements, made as attributes are met (``d0``, ``d1``, …)."""

    def __init__(self):
        self.ids: dict[tuple, str] = {}
        self.lines: list[str] = []

    def __call__(self, name: str, value, scope: str) -> str:
        t = XML_TYPES.get(type(value))
        if t is None:
            raise TypeError(f"GraphML does not support type {type(value)} as data values.")
        k = (name, t, scope)
        kid = self.ids.get(k)
        if kid is None:
            kid = self.ids[k] = f"d{len(self.ids)}"
            self.lines.append(f'  <key id="{kid}" for="{scope}" attr.name="{_escape_attrib(name)}" attr.type="{t}" />\n')
        return kid


#: what ``_escape_cdata`` and ``_escape_attrib`` replace, in their order
_CDATA = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIB = (*_CDATA, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _escape_texts(texts: list[str], attrib: bool = False) -> list[str]:
    """``_escape_cdata`` (``_escape_attrib`` when *attrib*) of each of *texts*, in a few calls for all of them
    (joined by NUL, which XML cannot hold; one by one where one holds it).

    >>> _escape_texts(["a<b", "", "x&y>"]), _escape_texts(['"a" & b'], attrib=True)
    (['a&lt;b', '', 'x&amp;y&gt;'], ['&quot;a&quot; &amp; b'])
    """
    text = "\0".join(texts)
    if not texts or text.count("\0") != len(texts) - 1:
        return [(_escape_attrib if attrib else _escape_cdata)(t) for t in texts]
    for char, entity in _ATTRIB if attrib else _CDATA:
        if char in text:
            text = text.replace(char, entity)
    return text.split("\0")


def _data(kid: str, value, indent: str) -> str:
    text = str(value)
    return f'{indent}<data key="{kid}">{_escape_cdata(text)}</data>\n' if text else f'{indent}<data key="{kid}" />\n'


#: a column's value for an element that lacks the attribute
_ABSENT = object()


def _elements(keys: _Keys, tag: str, heads: list[str], names: list[str], columns: list[list], scope: str) -> list[str]:
    """The elements *tag* (``node``, ``edge``) whose opening attributes are *heads*, with the
    data of *columns* (one list per attribute of *names*, a value per element, :data:`_ABSENT`
    where an element lacks it). Made column by column; the keys are made in the order an
    element-by-element writer meets them (element, then attribute)."""
    firsts = {}
    for j, (name, col) in enumerate(zip(names, columns)):
        for i, v in enumerate(col):
            t = type(v)
            if v is not _ABSENT and (name, t) not in firsts:
                firsts[(name, t)] = (i, j, v)
    for (name, _t), (_i, _j, v) in sorted(firsts.items(), key=lambda x: x[1][:2]):
        keys(str(name), v, scope)
    parts = []
    for name, col in zip(names, columns):
        kid = {t: keys(str(name), v, scope) for (n, t), (_i, _j, v) in firsts.items() if n == name}
        if list(kid) == [str] and _ABSENT not in col:  # the usual column: text only
            k = kid[str]
            full, empty = f'      <data key="{k}">', f'      <data key="{k}" />\n'
            parts.append([f"{full}{v}</data>\n" if v else empty for v in _escape_texts(col)])
        else:
            parts.append([_data(kid[type(v)], v, "      ") if v is not _ABSENT else "" for v in col])
    lines = []
    for head, data in zip(heads, zip(*parts) if parts else [() for _ in heads]):
        body = "".join(data)
        lines.append(f"    <{tag} {head}>\n{body}    </{tag}>\n" if body else f"    <{tag} {head} />\n")
    return lines


def _node_lines(G: nx.Graph, keys: _Keys) -> list[str]:
    cols, rows, missing = node_rows(G)
    heads = [f'id="{n}"' for n in _escape_texts([str(n) for n in sorted(G.nodes, key=str)], attrib=True)]
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in cols]
    for i, lacks in enumerate(missing):
        if lacks is not None:
            for j, c in enumerate(cols):
                if c in lacks:
                    columns[j][i] = _ABSENT
    return _elements(keys, "node", heads, cols, columns, "node")


def _edge_lines(G: nx.Graph, keys: _Keys) -> tuple[list[str], list[tuple]]:
    """The edges as networkx writes the flattened graph: by source in node order, then by
    target in order of insertion, then by key (an undirected edge from its end met first); and the
    ``(source, target, key)`` of each, as in the rows."""
    cols, rows = edge_rows(G)
    order = {str(n): i for i, n in enumerate(sorted(G.nodes, key=str))}
    by_source: dict = {}
    for values in rows:
        source, target = values[0], values[1]
        if not G.is_directed() and order[str(target)] < order[str(source)]:
            source, target = target, source  # an undirected edge is met first from its earlier end
        by_source.setdefault(source, {}).setdefault(target, []).append(values)
    ends, ordered = [], []
    for source in sorted(by_source, key=lambda s: order[str(s)]):
        for target, items in by_source[source].items():
            for values in items:
                ends.append((str(source), str(target)))
                ordered.append(values)
    sources, targets = (_escape_texts([e[i] for e in ends], attrib=True) for i in (0, 1))
    heads = [f'source="{u}" target="{v}"' for u, v in zip(sources, targets)]
    if G.is_multigraph():
        keys_ = _escape_texts([str(v[2]) for v in ordered], attrib=True)
        heads = [f'{h} id="{k}"' for h, k in zip(heads, keys_)]
    columns = [list(c) for c in zip(*ordered)][3:] if ordered else [[] for _ in cols[3:]]
    return _elements(keys, "edge", heads, cols[3:], columns, "edge"), [tuple(v[:3]) for v in ordered]


@dataclass
class GraphmlParts:
    """The GraphML of a graph in pieces: *head* (the declaration, the keys, the graph's opening), one
    element per node (in IRI order) and per edge (in writing order, their ``(source, target, key)`` in
    *edge_ids*), and *tail* (the graph's data, the closing); *keys* maps ``(name, type, scope)`` to the
    key's id."""

    head: str
    nodes: list[str]
    edges: list[str]
    edge_ids: list[tuple]
    tail: str
    keys: dict


def graphml_parts(G: nx.Graph) -> GraphmlParts:
    """The GraphML of *G* (:func:`graphml_bytes`) in pieces.

    >>> G = nx.MultiDiGraph([("a", "b")])
    >>> p = graphml_parts(G); len(p.nodes), p.edge_ids
    (2, [('a', 'b', 0)])
    >>> (p.head + "".join(p.nodes + p.edges) + p.tail).encode() == graphml_bytes(G)
    True
    """
    keys = _Keys()
    scalars = {k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))}
    graph_id = scalars.pop("id", None)
    graph_data = {k: v for k, v in scalars.items() if k not in ("node_default", "edge_default")}
    for k, v in graph_data.items():  # the graph's keys come first
        keys(str(k), v, "graph")
    nodes = _node_lines(G, keys)
    edges, edge_ids = _edge_lines(G, keys)
    data = [_data(keys(str(k), v, "graph"), v, "    ") for k, v in graph_data.items()]
    edgedefault = "directed" if G.is_directed() else "undirected"
    ident = f' id="{_escape_attrib(str(graph_id))}"' if graph_id is not None else ""
    head = _HEAD + "".join(reversed(keys.lines))
    if not (nodes or edges or data):
        return GraphmlParts(head + f'  <graph edgedefault="{edgedefault}"{ident} />\n', [], [], [], "</graphml>\n",
                            dict(keys.ids))
    return GraphmlParts(head + f'  <graph edgedefault="{edgedefault}"{ident}>\n', nodes, edges, edge_ids,
                        "".join(data) + "  </graph>\n</graphml>\n", dict(keys.ids))


def graphml_bytes(G: nx.Graph) -> bytes:
    """The GraphML of *G*, flattened (see the module docstring), as UTF-8 bytes.

    Raises
    ------
    TypeError
        For an attribute value GraphML cannot hold (after flattening: not a string,
        number or boolean), as networkx does.
    """
    p = graphml_parts(G)
    return (p.head + "".join(p.nodes) + "".join(p.edges) + p.tail).encode("utf-8")


def text_elements(G: nx.MultiDiGraph, items: list, cols: list[str], keys: dict) -> list[str] | None:
    """The elements of *items* of *G*, nodes, or edges as ``(source, target, key)``, whose attributes are all
    text: as :func:`graphml_parts` writes them in a graph whose columns (of
    :func:`~cppcc_kg.network.frames.node_rows` or, after ``source, target, key``, of
    :func:`~cppcc_kg.network.frames.edge_rows`) are *cols* and whose keys are *keys*, every element with every
    attribute as text; None when one lacks an attribute of *cols*, has another, or one that is not text.

    >>> G = nx.MultiDiGraph(); G.add_node("a", x="1"); G.add_node("b", x="2")
    >>> p = graphml_parts(G)
    >>> text_elements(G, ["b"], ["x"], p.keys) == p.nodes[1:]
    True
    """
    if not items:
        return []
    edges = isinstance(items[0], tuple)
    data = [G.edges[e] if edges else G.nodes[e] for e in items]
    names = set(cols)
    # a node lacking an attribute has no data for it; an edge has '' (as in the rows)
    if any(not names.issuperset(d) or (not edges and len(d) != len(names)) for d in data):
        return None
    columns = [[flat(d.get(c)) for d in data] for c in cols]
    if any(type(v) is not str for col in columns for v in col):
        return None
    scope = "edge" if edges else "node"
    if any((str(c), "string", scope) not in keys for c in cols):
        return None
    known = _Keys()
    known.ids = dict(keys)
    if edges:
        heads = [f'source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}" id="{_escape_attrib(str(k))}"'
                 for u, v, k in items]
    else:
        heads = [f'id="{_escape_attrib(str(n))}"' for n in items]
    return _elements(known, scope, heads, cols, columns, scope)


def write_graphml(G: nx.Graph, path) -> Path:
    """Write :func:`graphml_bytes` of *G* to *path*, atomically; return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.MultiDiGraph([("a", "b")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_graphml(G, pathlib.Path(d) / "g.graphml")
    ...     H = nx.read_graphml(pathlib.Path(d) / "g.graphml")
    >>> sorted(H.nodes), H.number_of_edges()
    (['a', 'b'], 1)
    """
    return write_atomic(path, graphml_bytes(G))
