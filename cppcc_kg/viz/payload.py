"""Everything the page needs, as plain JSON-able data (:func:`page_data`).

The data has the legend (the top classes and relation types in ``cppcc:displayOrder``, with
their colours and shapes from the entity graph's node and edge attributes, which come from the
ontology's display hints; the fine types of each top class inside it, most frequent first), one
row per entity (its top class ``c`` and fine type ``f``) and relation, the measures, the evidence with
the sentence around each quote, and the vis-network model: nodes at their positions
(:mod:`cppcc_kg.viz.layout`), edges (parallel ones curved) and options.

pyvis holds the network model: its node and edge lists are filled in bulk (its ``add_edge``
scans every edge it has, which is quadratic) and its options object gives the vis-network
options.

>>> G = nx.MultiDiGraph()
>>> G.add_edge("https://e.org/a", "https://e.org/b", key="p", property="x#p", label_en="knows")
'p'
>>> data = page_data(G, metrics=False)
>>> data["counts"], [r["en"] for r in data["relations"]], data["edges"]
({'nodes': 2, 'edges': 1, 'shown_nodes': 2, 'shown_edges': 1}, ['knows'], [{'f': 0, 't': 1, 'p': 0, 'st': '', 'ev': []}])
"""
from __future__ import annotations

import json
import math
import numbers
import re
from collections import Counter

import networkx as nx
import numpy as np

from cppcc_kg.network import all_measures, degree, pagerank
from cppcc_kg.viz.evidence import EvidenceTable
from cppcc_kg.viz.layout import PHYSICS_MAX_NODES, kept_json, layout_positions
from cppcc_kg.viz.select import MAX_NODES, view_of

__all__ = ["SIZE_MEASURES", "class_legend", "edge_rows", "measure_table", "node_rows", "page_data", "page_data_of",
           "relation_legend"]

#: Measures offered for node size, in this order when present (others follow, sorted).
SIZE_MEASURES = ("degree", "betweenness", "pagerank", "closeness", "eigenvector", "kcore",
                 "in_degree", "out_degree")
#: more entities than this: no arrows, and edges hidden while dragging or zooming
_BUSY = 2000


# ---------------------------------------------------------------------------- measures

def _table(G: nx.MultiDiGraph, metrics) -> dict[str, dict]:
    """IRI -> the measures of the entity (:func:`_numbers` of its row) from *metrics*."""
    if metrics is None:
        if G.number_of_nodes() <= 5000:
            metrics = all_measures(G, betweenness_k=None if G.number_of_nodes() <= 1000 else 200)
        else:  # large graphs: only the cheap measures (the build passes the full table)
            metrics = degree(G)[["iri", "degree"]].merge(pagerank(G)[["iri", "pagerank"]], on="iri")
    if hasattr(metrics, "to_dict") and hasattr(metrics, "columns"):
        df = metrics
        if "iri" not in df.columns:
            df = df.reset_index().rename(columns={df.index.name or "index": "iri"})
        if df.columns.is_unique:
            return _frame_table(df)
        records = df.to_dict("records")
    elif isinstance(metrics, dict):
        return _dict_table(metrics)
    else:
        raise TypeError("metrics must be a DataFrame with an 'iri' column, a dict iri -> {measure: value}, "
                        "None (compute them) or False (none)")
    return {str(r.get("iri")): _numbers(r) for r in records}


def _dict_table(metrics: dict) -> dict[str, dict]:
    """IRI -> :func:`_numbers` of its measures, for a dict IRI -> {measure: value} (the build's): the values
    of ``{"iri": iri, **measures}`` read as :func:`_numbers` reads them, a plain int or finite float kept as it
    is without the tests of :func:`_number` (a tenth of the time at 20,000 entities)."""
    table: dict[str, dict] = {}
    finite, skip = math.isfinite, frozenset(_NOT_MEASURES)
    for iri, measures in metrics.items():
        vals = {}
        for k, v in measures.items():
            if k in skip:
                continue
            t = type(v)
            if t is float:
                x = v if finite(v) else None
            elif t is int:
                x = v
            else:
                x = _number(v)
            if x is not None:
                vals[str(k)] = x
        table[str(measures.get("iri", iri))] = vals
    return table


_NOT_MEASURES = ("iri", "label_zh", "label_en", "class")


def _number(v):
    """*v* as a finite int or float, or None (booleans, strings, missing and infinite values)."""
    if isinstance(v, (bool, str)) or v is None:
        return None
    if isinstance(v, numbers.Integral):
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _numbers(record: dict) -> dict:
    """The finite numbers of *record* (booleans, strings, names and the class left out)."""
    vals = {}
    for k, v in record.items():
        if k not in _NOT_MEASURES:
            x = _number(v)
            if x is not None:
                vals[str(k)] = x
    return vals


def _frame_table(df) -> dict[str, dict]:
    """IRI -> :func:`_numbers` of its row, for a DataFrame with an ``iri`` column: the same
    values, a column at a time (a row at a time took seconds at 20,000 entities)."""
    columns = []
    for k in df.columns:
        if k in _NOT_MEASURES:
            continue
        col = df[k]
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "O"  # pandas' nullable types: by value
        if kind == "b":
            continue
        if kind in "iu":
            columns.append((str(k), col.tolist()))
        elif kind == "f":
            columns.append((str(k), [x if math.isfinite(x) else None for x in col.tolist()]))
        else:
            columns.append((str(k), [_number(x) for x in col.tolist()]))
    table: dict[str, dict] = {}
    for i, iri in enumerate(df["iri"].tolist()):
        vals = {}
        for k, xs in columns:
            x = xs[i]
            if x is not None:
                vals[k] = x
        table[str(iri)] = vals
    return table


def measure_table(G: nx.MultiDiGraph, metrics=None) -> tuple[list[str], dict[str, dict]]:
    """(measure names, IRI -> {measure: value}) from *metrics*: a DataFrame with an ``iri``
    column, a dict IRI -> {measure: value}, ``None`` (computed) or ``False`` (none).

    >>> measure_table(nx.MultiDiGraph(), {"a": {"pagerank": 0.5, "degree": 2, "note": "x"}})
    (['degree', 'pagerank'], {'a': {'pagerank': 0.5, 'degree': 2}})
    """
    if metrics is False:
        return [], {}
    table = _table(G, metrics)
    names: set[str] = set()
    for vals in table.values():
        names.update(vals)
    ordered = [m for m in SIZE_MEASURES if m in names] + sorted(names - set(SIZE_MEASURES))
    return ordered, table


# ---------------------------------------------------------------------------- legend

def _date_interval(date: str) -> tuple[str, str]:
    """First and last day (ISO) of a date of year, month or day precision."""
    d = (date or "")[:10]
    if re.fullmatch(r"\d{4}", d):
        return f"{d}-01-01", f"{d}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", d):
        return f"{d}-01", f"{d}-31"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
        return d, d
    return "", ""


def _text_color(background: str) -> str:
    m = re.fullmatch(r"#?([0-9a-fA-F]{6})", background or "")
    if not m:
        return "#1a1a1a"
    r, g, b = (int(m.group(1)[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if lum > 0.55 else "#ffffff"


def _class_of(d: dict) -> str:
    """The fine type (most specific class) of a node's attributes *d*."""
    return str(d.get("class_iri") or d.get("class") or "")


def _top_of(d: dict) -> str:
    """The top class of a node's attributes *d* (its fine type when the graph names none)."""
    return str(d.get("top_class_iri") or d.get("top_class") or _class_of(d))


def _kind(d: dict, prefix: str, iri: str) -> dict:
    return {"iri": iri, "key": str(d.get(prefix, "")) or iri.rsplit("#", 1)[-1],
            "en": str(d.get(prefix + "_label_en", "")), "zh": str(d.get(prefix + "_label_zh", "")), "count": 0}


def class_legend(G: nx.MultiDiGraph, nodes: list, orders: dict[str, float]) -> tuple[list[dict], list[dict]]:
    """(the top classes of *nodes* in display order, with their count, colour, shape, text colour and
    the indices of their fine types; the fine types, grouped by top class, most frequent first, each
    with its count and the index ``c`` of its top class).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", class_iri="x#Court", top_class_iri="x#Org", color="#1f77b4")
    >>> G.add_node("b", class_iri="x#Party", top_class_iri="x#Org"); G.add_node("c", class_iri="x#Party", top_class_iri="x#Org")
    >>> tops, types = class_legend(G, ["a", "b", "c"], {})
    >>> [(t["key"], t["count"], t["types"]) for t in tops], [(f["key"], f["count"], f["c"]) for f in types]
    ([('Org', 3, [0, 1])], [('Party', 2, 0), ('Court', 1, 0)])
    """
    tops: dict[str, dict] = {}
    types: dict[str, dict] = {}
    for n in nodes:
        d = G.nodes[n]
        top, fine = _top_of(d), _class_of(d)
        if top not in tops:
            prefix = "top_class" if d.get("top_class_iri") or d.get("top_class") else "class"
            tops[top] = {**_kind(d, prefix, top), "color": str(d.get("color") or "#97c2fc"),
                         "shape": str(d.get("shape") or "dot")}
        if fine not in types:
            types[fine] = {**_kind(d, "class", fine), "top": top}
        tops[top]["count"] += 1
        types[fine]["count"] += 1
    top_list = sorted(tops.values(), key=lambda c: (orders.get(c["iri"], math.inf), c["en"], c["iri"]))
    top_index = {c["iri"]: i for i, c in enumerate(top_list)}
    type_list = sorted(types.values(), key=lambda f: (top_index[f["top"]], -f["count"], f["en"], f["iri"]))
    for c in top_list:
        c["order"] = orders.get(c["iri"])
        c["font"] = _text_color(c["color"])
        c["types"] = []
    for i, f in enumerate(type_list):
        f["c"] = top_index[f.pop("top")]
        top_list[f["c"]]["types"].append(i)
    return top_list, type_list


def relation_legend(edge_list: list, orders: dict[str, float]) -> list[dict]:
    """The relation types of *edge_list* ``(u, v, key, data)``, in display order, with their count and colour."""
    rels: dict[str, dict] = {}
    for _, _, k, d in edge_list:
        p = str(d.get("property") or k)
        if p not in rels:
            rels[p] = {"iri": p, "key": str(k), "en": str(d.get("label_en", "")) or str(k),
                       "zh": str(d.get("label_zh", "")), "color": str(d.get("color") or "#848484"), "count": 0}
        rels[p]["count"] += 1
    rel_list = sorted(rels.values(), key=lambda r: (orders.get(r["iri"], math.inf), r["en"], r["iri"]))
    for r in rel_list:
        r["order"] = orders.get(r["iri"])
    return rel_list


# ---------------------------------------------------------------------------- rows

def node_rows(G: nx.MultiDiGraph, nodes: list, classes: list[dict], types: list[dict], measures: list[str],
              table: dict, evidence: EvidenceTable, pos: dict) -> tuple[list[dict], list[dict]]:
    """(one row per entity for the page, one vis-network node per entity) of *nodes*, in order."""
    class_index = {c["iri"]: i for i, c in enumerate(classes)}
    type_index = {f["iri"]: i for i, f in enumerate(types)}
    rows, vis = [], []
    for n in nodes:
        d = G.nodes[n]
        c = class_index[_top_of(d)]
        date, prec = str(d.get("date", "") or ""), str(d.get("date_precision", "") or "")
        d0, d1 = _date_interval(date)
        vals = table.get(str(n), {})
        row = {
            "iri": str(d.get("iri", n)), "zh": str(d.get("label_zh", "")), "en": str(d.get("label_en", "")),
            "py": str(d.get("pinyin", "")), "al": [str(a) for a in d.get("aliases", []) or []],
            "c": c, "f": type_index[_class_of(d)], "cm": str(d.get("comment", "") or ""),
            "d": date, "dp": prec, "d0": d0, "d1": d1,
            "obs": [{k: v for k, v in o.items() if v not in (None, "")} for o in d.get("observations", []) or []],
            "ev": evidence.ids(d.get("evidence")),
            "m": [vals.get(m) for m in measures],
        }
        rows.append(row)
        x, y = pos[n]
        vis.append({"id": len(vis), "label": row["zh"] or row["en"] or row["iri"], "shape": classes[c]["shape"],
                    "color": classes[c]["color"], "x": x, "y": y})
    return rows, vis


def edge_rows(edge_list: list, index: dict, relations: list[dict],
              evidence: EvidenceTable) -> tuple[list[dict], list[dict]]:
    """(one row per relation for the page, one vis-network edge per relation); parallel edges
    and loops are curved, alternately clockwise."""
    rel_index = {r["iri"]: i for i, r in enumerate(relations)}
    rows, vis = [], []
    pair_count: Counter = Counter()
    for j, (u, v, k, d) in enumerate(edge_list):
        p = str(d.get("property") or k)
        rel = relations[rel_index[p]]
        rows.append({"f": index[u], "t": index[v], "p": rel_index[p], "st": str(d.get("statement", "") or ""),
                     "ev": evidence.ids(d.get("evidence"))})
        pair = (min(index[u], index[v]), max(index[u], index[v]))
        edge = {"id": j, "from": index[u], "to": index[v], "color": rel["color"], "arrows": "to"}
        if pair_count[pair] or u == v:
            side = "curvedCW" if pair_count[pair] % 2 else "curvedCCW"
            edge["smooth"] = {"enabled": True, "type": side, "roundness": 0.15 * (1 + pair_count[pair] // 2)}
        pair_count[pair] += 1
        vis.append(edge)
    return rows, vis


# ---------------------------------------------------------------------------- vis-network

def vis_network(nodes: list[dict], edges: list[dict], *, seed: int, physics: bool) -> dict:
    """The vis-network nodes, edges and options (:func:`vis_options`)."""
    return {"nodes": nodes, "edges": edges, "options": vis_options(seed=seed, physics=bool(physics),
                                                                   busy=len(nodes) > _BUSY)}


def vis_options(*, seed: int, physics: bool, busy: bool) -> dict:
    """The vis-network options, through pyvis's network model (they depend on nothing else: an edited build
    takes them from the loader's cache, :func:`cppcc_kg.viz.layout.kept_json`, and does not import pyvis).

    >>> vis_options(seed=0, physics=False, busy=True)["edges"]["arrows"]["to"]["enabled"]
    False
    """
    return kept_json("vis-options", [seed, physics, busy], lambda: _pyvis_options(seed, physics, busy))


def _pyvis_options(seed: int, physics: bool, busy: bool) -> dict:
    from pyvis.network import (
        Network,  # heavy (0.3 s: it imports IPython): only the page needs it
    )
    from pyvis.options import Layout

    net = Network(directed=True, cdn_resources="in_line")
    net.options.layout = Layout(randomSeed=seed, improvedLayout=False)
    net.options.layout.hierarchical.enabled = False
    net.options.physics.enabled = bool(physics)
    net.options.physics.use_force_atlas_2based({
        "gravity": -100, "central_gravity": 0.015, "spring_length": 110, "spring_strength": 0.05,
        "damping": 0.4, "overlap": 0.8})
    net.options.physics.stabilization.iterations = 250
    net.options.physics.stabilization.updateInterval = 50
    net.options.physics.stabilization.fit = True
    net.options.edges.smooth.enabled = False
    net.options.edges.smooth.type = "continuous"
    net.options.edges.color.inherit = False
    net.options.interaction.hideEdgesOnDrag = busy
    net.options.interaction.hideEdgesOnZoom = busy
    options = json.loads(net.get_network_data()[5])
    options["interaction"].update({"hover": True, "tooltipDelay": 200, "multiselect": False,
                                   "navigationButtons": False, "keyboard": False})
    options["edges"].update({"width": 1.4, "selectionWidth": 2, "hoverWidth": 1.5,
                             "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                             "arrowStrikethrough": False})
    options["nodes"] = {"borderWidth": 1.5, "borderWidthSelected": 3, "size": 14,
                        "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "widthConstraint": {"maximum": 320}, "scaling": {"label": {"enabled": False}}}
    if busy:
        options["edges"]["arrows"]["to"]["enabled"] = False
    return options


# ---------------------------------------------------------------------------- the page's data

def page_data(G: nx.MultiDiGraph, metrics=None, *, sources: dict[str, str] | None = None,
              orders: dict[str, float] | None = None, title: str = "", max_nodes: int = MAX_NODES,
              view_measure: str = "pagerank", seed: int = 0, physics: bool | None = None,
              community: int | None = None, around: str | None = None, hops: int = 1) -> dict:
    """Everything the page needs, as plain JSON-able data (see :func:`cppcc_kg.viz.render.render_html`)."""
    return page_data_of(G, metrics, sources=sources, orders=orders, title=title, max_nodes=max_nodes,
                        view_measure=view_measure, seed=seed, physics=physics, community=community,
                        around=around, hops=hops)[0]


def page_data_of(G: nx.MultiDiGraph, metrics=None, *, sources: dict[str, str] | None = None,
                 orders: dict[str, float] | None = None, title: str = "", max_nodes: int = MAX_NODES,
                 view_measure: str = "pagerank", seed: int = 0, physics: bool | None = None,
                 community: int | None = None, around: str | None = None, hops: int = 1) -> tuple[dict, list, list]:
    """(:func:`page_data`, the nodes of its rows in their order, the edges ``(source, target, key)`` of its
    rows in their order)."""
    orders = orders or {}
    measures, table = measure_table(G, metrics)
    total_nodes, total_edges = G.number_of_nodes(), G.number_of_edges()
    G, view = view_of(G, measures, table, max_nodes=max_nodes, view_measure=view_measure,
                      community=community, around=around, hops=hops, totals=(total_nodes, total_edges))
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    edge_list = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1])))
    classes, types = class_legend(G, nodes, orders)
    relations = relation_legend(edge_list, orders)
    evidence = EvidenceTable(sources)
    pos = layout_positions(G, seed=seed)
    if physics is None:
        physics = len(nodes) <= PHYSICS_MAX_NODES
    rows, vis_nodes = node_rows(G, nodes, classes, types, measures, table, evidence, pos)
    edges, vis_edges = edge_rows(edge_list, index, relations, evidence)
    return {
        "title": title,
        "counts": {"nodes": total_nodes, "edges": total_edges, "shown_nodes": len(nodes),
                   "shown_edges": len(edge_list)},
        "view": view, "seed": seed, "physics": bool(physics),
        "classes": classes, "types": types, "relations": relations, "measures": measures,
        "sources": evidence.sources, "evidence": evidence.evidence,
        "nodes": rows, "edges": edges,
        "vis": vis_network(vis_nodes, vis_edges, seed=seed, physics=physics),
    }, nodes, [(u, v, k) for u, v, k, _ in edge_list]
