"""The interactive HTML page of the entity graph: one self-contained file that works offline.

:func:`render_html` turns the entity graph (:func:`cppcc_kg.network.build_entity_graph`)
into one UTF-8 HTML page; :func:`write_html` writes it atomically; ``cppcc-kg visualize``
renders any graph that follows the ontology (a Turtle or TriG file, or a folder).

pyvis holds the network model: its node and edge lists are filled in bulk (its
``add_edge`` scans every edge it has, which is quadratic) and its options object gives the
vis-network options. The page itself is ours (``page.html``, ``page.css``, ``page.js`` beside
this module): pyvis's own template loads vis-network, Bootstrap and tom-select from CDNs,
does not escape its heading and turns on an ``innerHTML`` popup. Here every script and style
is read at build time from the *installed* packages and inlined, so the page makes no
request to any other origin, and a Content-Security-Policy allows only those scripts (by
hash). The data is embedded as JSON in ``<script type="application/json">`` with ``<``,
``>``, ``&``, U+2028 and U+2029 escaped, and the page shows every text of the data with
``textContent``, never as HTML.

The layout is computed in Python (Fruchterman-Reingold of igraph, seeded), so the same graph
gives the same picture and byte-identical files. Up to :data:`PHYSICS_MAX_NODES` nodes the
browser refines it with a short, deterministic physics run and then freezes it; larger
graphs are drawn without physics. Above :data:`MAX_NODES` nodes the page draws only the
:data:`MAX_NODES` entities with the highest value of a measure and says so.

>>> G = nx.MultiDiGraph()
>>> G.add_node("https://e.org/a", label_zh="甲", label_en="<b>A</b>", class_iri="x#C", color="#ff0000")
>>> page = render_html(G, metrics=False)
>>> page.startswith("<!DOCTYPE html>"), "<b>A</b>" in page, "\\\\u003cb\\\\u003eA" in page
(True, False, True)
"""
from __future__ import annotations

import base64
import gc
import hashlib
import html
import json
import math
import numbers
import random
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import networkx as nx

from cppcc_kg.errors import InputError, KGError
from cppcc_kg.rdf.files import write_atomic

__all__ = [
    "MAX_NODES", "PHYSICS_MAX_NODES", "render_html", "write_html", "page_data", "layout_positions",
    "sentence_context", "json_for_script", "display_orders", "source_texts", "metrics_from_graph",
    "load_input", "select_view",
]

#: Above this many entities the page draws only this many, those with the highest value of
#: the view measure (``view_measure``), and says so. Measured in headless Chromium on a busy
#: 2-core machine (bench/bench_visualize.py): 10,000 nodes are interactive after about 3.5 s
#: and redraw in about 1 s; 50,000 drawn whole take 15 s to start, 3.6 s per redraw and a
#: 53 MB page, which is not usable.
MAX_NODES = 10_000
#: Up to this many nodes the browser refines the Python layout with physics, then freezes it.
PHYSICS_MAX_NODES = 400
#: Characters of context kept on each side of a quote (the sentence around it, cut at this).
CONTEXT_LIMIT = 160
#: Measures offered for node size, in this order when present (others follow, sorted).
SIZE_MEASURES = ("degree", "betweenness", "pagerank", "closeness", "eigenvector", "kcore",
                 "in_degree", "out_degree")
#: Where vis-network lives inside the installed pyvis package.
VIS_DIR = ("templates", "lib", "vis-9.1.2")

_SENTENCE_END = "。！？!?\n"
_CLOSERS = "”’）)」』】》\""
_SLOT = re.compile(r"\{\{(\w+)\}\}")


# ---------------------------------------------------------------------------- safe embedding

def json_for_script(value) -> str:
    """JSON that is safe inside ``<script type="application/json">`` and in JavaScript.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can close or change the element), and U+2028/U+2029 are escaped too. The
    output is deterministic (sorted keys, no spaces).

    >>> json_for_script({"b": "</script><img src=x>", "a": "甲&乙"})
    '{"a":"甲\\\\u0026乙","b":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _inline_script(code: str) -> str:
    """Script text that cannot end its ``<script>`` element early (``</`` and ``<!--`` escaped)."""
    code = re.sub(r"</(?=script)", r"<\\/", code, flags=re.IGNORECASE)
    return code.replace("<!--", "<\\!--")


def _inline_style(css: str) -> str:
    return re.sub(r"</(?=style)", r"<\\/", css, flags=re.IGNORECASE)


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _read_asset(package: str, *parts: str) -> str:
    try:
        return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise KGError(f"cannot read {'/'.join(parts)} from the installed package {package}: {exc}",
                      f"reinstall it: pip install -e . (and {package} for vis-network)") from None


# ---------------------------------------------------------------------------- evidence context

def sentence_context(text: str, start: int, end: int, *, limit: int = CONTEXT_LIMIT) -> tuple[str, str]:
    """The text before and after ``text[start:end]`` within its sentence (at most *limit* each).

    A sentence ends at 。！？, ! or ? or a line end (closing quotes stay with it).
    A cut at *limit* is marked with …

    >>> sentence_context("第一句。今年召开会议，取得成效。下一句", 6, 8)
    ('今年', '会议，取得成效。')
    >>> sentence_context("甲乙丙", 0, 3)
    ('', '')
    """
    s = start
    while s > 0 and text[s - 1] not in _SENTENCE_END and start - s < limit:
        s -= 1
    before = text[s:start].lstrip()
    if s > 0 and text[s - 1] not in _SENTENCE_END:
        before = "…" + before
    e = end
    if not (end > start and text[end - 1] in _SENTENCE_END):
        while e < len(text) and e - end < limit:
            ch = text[e]
            if ch == "\n":
                break
            e += 1
            if ch in _SENTENCE_END:
                break
        while e < len(text) and text[e] in _CLOSERS and e - end < limit + 2:
            e += 1
    after = text[end:e].rstrip()
    if e < len(text) and e - end >= limit and text[e - 1] not in _SENTENCE_END:
        after += "…"
    return before, after


# ---------------------------------------------------------------------------- layout

def layout_positions(G: nx.Graph, *, seed: int = 0, spacing: float | None = None) -> dict:
    """Seeded Fruchterman-Reingold positions of the nodes of *G*, in vis-network pixels.

    igraph's layout (exact below 1,000 nodes, grid-accelerated above) from seeded random
    starting points, scaled so that each node has about *spacing* pixels square (110 for
    graphs drawn with physics, 90 for larger ones). The same graph and seed give the same
    positions.

    >>> pos = layout_positions(nx.path_graph(3), seed=1)
    >>> sorted(pos) == [0, 1, 2], pos == layout_positions(nx.path_graph(3), seed=1)
    (True, True)
    """
    import igraph

    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v})
    rng = random.Random(seed)
    side = math.sqrt(n) / 2  # igraph's own scale: a wider start makes the grid variant very slow
    start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(n)]
    g = igraph.Graph(n=n, edges=pairs)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if n == 1:
            coords = [[0.0, 0.0]]
        elif n < 1000:
            coords = g.layout_fruchterman_reingold(seed=start, niter=1000, grid=False).coords
        else:
            coords = g.layout_fruchterman_reingold(seed=start, niter=300, grid=True).coords
    finally:
        igraph.set_random_number_generator(random)
    if spacing is None:
        spacing = 110.0 if n <= PHYSICS_MAX_NODES else 90.0
    # scale by density, robust to far-off isolated nodes: the 90th-percentile radius around
    # the median point spans sqrt(n) * spacing
    cx = sorted(c[0] for c in coords)[n // 2]
    cy = sorted(c[1] for c in coords)[n // 2]
    radii = sorted(math.hypot(c[0] - cx, c[1] - cy) for c in coords)
    radius = radii[min(n - 1, int(0.9 * n))] or 1.0
    factor = spacing * math.sqrt(n) / (2 * radius)
    return {v: (round(coords[i][0] * factor, 1), round(coords[i][1] * factor, 1)) for i, v in enumerate(nodes)}


# ---------------------------------------------------------------------------- inputs

def display_orders(graph) -> dict[str, float]:
    """``cppcc:displayOrder`` of every class and property of the ontology in *graph* (IRI -> order).

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<x:C> <https://w3id.org/cppcc-kg/ontology#displayOrder> 3 .", format="turtle")
    >>> display_orders(g)
    {'x:C': 3.0}
    """
    from cppcc_kg.rdf.namespaces import CPPCC

    out = {}
    for s, o in graph.subject_objects(CPPCC.displayOrder):
        try:
            out[str(s)] = float(o.toPython())
        except (TypeError, ValueError):
            continue
    return dict(sorted(out.items()))


def source_texts(graph, roots) -> dict[str, str]:
    """Source IRI -> its text, read from ``cppcc:localPath`` under the first of *roots* that has it.

    Sources whose file is found nowhere are left out (their quotes are shown without context).
    """
    from cppcc_kg.rdf.namespaces import CPPCC

    out = {}
    roots = [Path(r) for r in roots]
    for src, path in sorted(graph.subject_objects(CPPCC.localPath), key=lambda x: str(x[0])):
        for root in roots:
            full = root / str(path)
            if full.is_file():
                try:
                    out[str(src)] = full.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                break
    return out


def metrics_from_graph(graph):
    """The measures stored in *graph* (``build/metrics.ttl``) as a DataFrame, or ``None``.

    One row per entity IRI (column ``iri``), one column per measure of
    :data:`cppcc_kg.network.metrics.PROPERTIES` found.
    """
    import pandas as pd

    from cppcc_kg.network.metrics import PROPERTIES
    from cppcc_kg.rdf.namespaces import CPPCC

    rows: dict[str, dict] = defaultdict(dict)
    for column, local in PROPERTIES.items():
        for s, o in graph.subject_objects(CPPCC[local]):
            try:
                rows[str(s)][column] = o.toPython()
            except (TypeError, ValueError):
                continue
    if not rows:
        return None
    df = pd.DataFrame([{"iri": iri, **vals} for iri, vals in sorted(rows.items())])
    return df


def _metrics_table(G: nx.MultiDiGraph, metrics) -> tuple[list[str], dict[str, dict]]:
    """(measure names, iri -> {measure: value}) from *metrics*, or computed when None."""
    if metrics is False:
        return [], {}
    if metrics is None:
        from cppcc_kg.network import all_measures, degree, pagerank
        if G.number_of_nodes() <= 5000:
            metrics = all_measures(G, betweenness_k=None if G.number_of_nodes() <= 1000 else 200)
        else:  # large graphs: only the cheap measures (the build passes the full table)
            metrics = degree(G)[["iri", "degree"]].merge(pagerank(G)[["iri", "pagerank"]], on="iri")
    if hasattr(metrics, "to_dict") and hasattr(metrics, "columns"):
        df = metrics
        if "iri" not in df.columns:
            df = df.reset_index().rename(columns={df.index.name or "index": "iri"})
        records = df.to_dict("records")
    elif isinstance(metrics, dict):
        records = [{"iri": k, **v} for k, v in metrics.items()]
    else:
        raise TypeError("metrics must be a DataFrame with an 'iri' column, a dict iri -> {measure: value}, "
                        "None (compute them) or False (none)")
    table: dict[str, dict] = {}
    names: set[str] = set()
    for r in records:
        iri = str(r.get("iri"))
        vals = {}
        for k, v in r.items():
            if k in ("iri", "label_zh", "label_en", "class") or isinstance(v, (bool, str)) or v is None:
                continue
            if isinstance(v, numbers.Integral):
                vals[str(k)] = int(v)
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(f):
                vals[str(k)] = f
        table[iri] = vals
        names.update(vals)
    ordered = [m for m in SIZE_MEASURES if m in names] + sorted(names - set(SIZE_MEASURES))
    return ordered, table


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
    from cppcc_kg.errors import InputError
    from cppcc_kg.network import find_entity

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


# ---------------------------------------------------------------------------- page data

def _date_interval(date: str, precision: str) -> tuple[str, str]:
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


def page_data(G: nx.MultiDiGraph, metrics=None, *, sources: dict[str, str] | None = None,
              orders: dict[str, float] | None = None, title: str = "", max_nodes: int = MAX_NODES,
              view_measure: str = "pagerank", seed: int = 0, physics: bool | None = None,
              community: int | None = None, around: str | None = None, hops: int = 1) -> dict:
    """Everything the page needs, as plain JSON-able data (see :func:`render_html`)."""
    from pyvis.network import Network
    from pyvis.options import Layout

    sources = sources or {}
    orders = orders or {}
    measures, table = _metrics_table(G, metrics)
    total_nodes, total_edges = G.number_of_nodes(), G.number_of_edges()
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
    if view is not None:
        H = nx.MultiDiGraph()   # a copy, not a subgraph view: views are slow to iterate
        H.add_nodes_from((n, G.nodes[n]) for n in G.nodes if n in keep)
        H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep)
        G = H
        view.update(shown=G.number_of_nodes(), total_nodes=total_nodes, total_edges=total_edges)
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}

    # classes and relation types, in display order
    classes: dict[str, dict] = {}
    for n in nodes:
        d = G.nodes[n]
        c = str(d.get("class_iri") or d.get("class") or "")
        if c not in classes:
            classes[c] = {"iri": c, "key": str(d.get("class", "")) or c.rsplit("#", 1)[-1],
                          "en": str(d.get("class_label_en", "")), "zh": str(d.get("class_label_zh", "")),
                          "color": str(d.get("color") or "#97c2fc"), "shape": str(d.get("shape") or "dot"),
                          "count": 0}
        classes[c]["count"] += 1
    class_list = sorted(classes.values(), key=lambda c: (orders.get(c["iri"], math.inf), c["en"], c["iri"]))
    class_index = {c["iri"]: i for i, c in enumerate(class_list)}
    for c in class_list:
        c["order"] = orders.get(c["iri"])
        c["font"] = _text_color(c["color"])

    edge_list = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1])))
    rels: dict[str, dict] = {}
    for _, _, k, d in edge_list:
        p = str(d.get("property") or k)
        if p not in rels:
            rels[p] = {"iri": p, "key": str(k), "en": str(d.get("label_en", "")) or str(k),
                       "zh": str(d.get("label_zh", "")), "color": str(d.get("color") or "#848484"), "count": 0}
        rels[p]["count"] += 1
    rel_list = sorted(rels.values(), key=lambda r: (orders.get(r["iri"], math.inf), r["en"], r["iri"]))
    rel_index = {r["iri"]: i for i, r in enumerate(rel_list)}
    for r in rel_list:
        r["order"] = orders.get(r["iri"])

    # evidence, shared between entities and relations: [source, start, end, exact, before, after, ok]
    source_list: list[dict] = []
    source_index: dict[str, int] = {}
    evidence: list[list] = []
    evidence_index: dict[tuple, int] = {}

    def ev_ids(items) -> list[int]:
        out = []
        for e in items or ():
            src = str(e.get("source", ""))
            if src not in source_index:
                source_index[src] = len(source_list)
                source_list.append({"iri": src, "title": str(e.get("source_title", ""))})
            start, end, exact = int(e.get("start", -1)), int(e.get("end", -1)), str(e.get("exact", ""))
            key = (src, start, end, exact)
            if key not in evidence_index:
                text = sources.get(src)
                ok = bool(text) and 0 <= start < end <= len(text) and text[start:end] == exact
                before, after = sentence_context(text, start, end) if ok else ("", "")
                evidence_index[key] = len(evidence)
                evidence.append([source_index[src], start, end, exact, before, after, 1 if ok else 0])
            i = evidence_index[key]
            if i not in out:
                out.append(i)
        return out

    pos = layout_positions(G, seed=seed)
    if physics is None:
        physics = len(nodes) <= PHYSICS_MAX_NODES
    node_rows, vis_nodes = [], []
    for n in nodes:
        d = G.nodes[n]
        cls = class_list[class_index[str(d.get("class_iri") or d.get("class") or "")]]
        date, prec = str(d.get("date", "") or ""), str(d.get("date_precision", "") or "")
        d0, d1 = _date_interval(date, prec)
        vals = table.get(str(n), {})
        row = {
            "iri": str(d.get("iri", n)), "zh": str(d.get("label_zh", "")), "en": str(d.get("label_en", "")),
            "py": str(d.get("pinyin", "")), "al": [str(a) for a in d.get("aliases", []) or []],
            "c": class_index[cls["iri"]], "cm": str(d.get("comment", "") or ""),
            "d": date, "dp": prec, "d0": d0, "d1": d1,
            "obs": [{k: v for k, v in o.items() if v not in (None, "")} for o in d.get("observations", []) or []],
            "ev": ev_ids(d.get("evidence")),
            "m": [vals.get(m) for m in measures],
        }
        node_rows.append(row)
        x, y = pos[n]
        vis_nodes.append({"id": index[n], "label": row["zh"] or row["en"] or row["iri"], "shape": cls["shape"],
                          "color": cls["color"], "x": x, "y": y})

    edge_rows, vis_edges = [], []
    pair_count: Counter = Counter()
    for j, (u, v, k, d) in enumerate(edge_list):
        p = str(d.get("property") or k)
        rel = rel_list[rel_index[p]]
        edge_rows.append({"f": index[u], "t": index[v], "p": rel_index[p], "st": str(d.get("statement", "") or ""),
                          "ev": ev_ids(d.get("evidence"))})
        pair = (min(index[u], index[v]), max(index[u], index[v]))
        edge = {"id": j, "from": index[u], "to": index[v], "color": rel["color"], "arrows": "to"}
        if pair_count[pair] or u == v:
            side = "curvedCW" if pair_count[pair] % 2 else "curvedCCW"
            edge["smooth"] = {"enabled": True, "type": side, "roundness": 0.15 * (1 + pair_count[pair] // 2)}
        pair_count[pair] += 1
        vis_edges.append(edge)

    # pyvis as the network model: lists filled in bulk, options from its objects
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = vis_nodes, vis_edges
    net.node_ids = [v["id"] for v in vis_nodes]
    net.node_map = {v["id"]: v for v in vis_nodes}
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
    net.options.interaction.hideEdgesOnDrag = len(nodes) > 2000
    net.options.interaction.hideEdgesOnZoom = len(nodes) > 2000
    nodes_out, edges_out, _heading, _h, _w, options_json = net.get_network_data()
    options = json.loads(options_json)
    options["interaction"].update({"hover": True, "tooltipDelay": 200, "multiselect": False,
                                   "navigationButtons": False, "keyboard": False})
    options["edges"].update({"width": 1.4, "selectionWidth": 2, "hoverWidth": 1.5,
                             "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                             "arrowStrikethrough": False})
    options["nodes"] = {"borderWidth": 1.5, "borderWidthSelected": 3, "size": 14,
                        "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "widthConstraint": {"maximum": 320}, "scaling": {"label": {"enabled": False}}}
    if len(nodes) > 2000:
        options["edges"]["arrows"]["to"]["enabled"] = False
    return {
        "title": title,
        "counts": {"nodes": total_nodes, "edges": total_edges, "shown_nodes": len(nodes),
                   "shown_edges": len(edge_list)},
        "view": view, "seed": seed, "physics": bool(physics),
        "classes": class_list, "relations": rel_list, "measures": measures,
        "sources": source_list, "evidence": evidence,
        "nodes": node_rows, "edges": edge_rows,
        "vis": {"nodes": nodes_out, "edges": edges_out, "options": options},
    }


# ---------------------------------------------------------------------------- the page

def render_html(entity_graph: nx.MultiDiGraph, metrics=None, *, sources: dict[str, str] | None = None,
                orders: dict[str, float] | None = None, title: str = "cppcc-kg", max_nodes: int = MAX_NODES,
                view_measure: str = "pagerank", seed: int = 0, physics: bool | None = None,
                community: int | None = None, around: str | None = None, hops: int = 1) -> str:
    """The interactive page of *entity_graph* as one self-contained HTML string.

    Parameters
    ----------
    entity_graph : networkx.MultiDiGraph
        The entity graph (:func:`cppcc_kg.network.build_entity_graph`).
    metrics : DataFrame, dict, None or False
        Measures per entity: a DataFrame with an ``iri`` column (``build/metrics.csv``), a dict
        ``iri -> {measure: value}``; ``None`` computes them (:mod:`cppcc_kg.network`);
        ``False`` draws without measures.
    sources : dict, optional
        Source IRI -> text, to show each quote inside its sentence (:func:`source_texts`).
    orders : dict, optional
        IRI -> ``cppcc:displayOrder`` of classes and properties, for the legend (:func:`display_orders`).
    title : str
        The page title (escaped).
    max_nodes : int
        Above this many entities only the top *max_nodes* by *view_measure* are drawn.
    community, around, hops : optional
        Draw only one community, or the entities at most *hops* relations from the entity
        *around* (an IRI or a name); see :func:`focus_nodes`. The page says which view it shows.
    seed : int
        Seed of the layout.
    physics : bool, optional
        Refine the layout with physics in the browser; default: up to :data:`PHYSICS_MAX_NODES` nodes.

    Returns
    -------
    str
        The HTML page. Same inputs, same string.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("https://e.org/a", "https://e.org/b", key="p", property="x#p")
    'p'
    >>> page = render_html(G, metrics=False, title="<t>")
    >>> "<title>&lt;t&gt;</title>" in page, "https://cdn" in page, page == render_html(G, metrics=False, title="<t>")
    (True, False, True)
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()   # building many small objects: the cyclic collector alone costs a quarter of the time
    try:
        data = page_data(entity_graph, metrics, sources=sources, orders=orders, title=title, max_nodes=max_nodes,
                         view_measure=view_measure, seed=seed, physics=physics, community=community,
                         around=around, hops=hops)
    finally:
        if gc_was_enabled:
            gc.enable()
    vis_js = _inline_script(_read_asset("pyvis", *VIS_DIR, "vis-network.min.js"))
    vis_css = _inline_style(_read_asset("pyvis", *VIS_DIR, "vis-network.css"))
    page_js = _inline_script(_read_asset("cppcc_kg.viz", "assets", "page.js"))
    page_css = _inline_style(_read_asset("cppcc_kg.viz", "assets", "page.css"))
    template = _read_asset("cppcc_kg.viz", "assets", "page.html")
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    parts = {
        "title": html.escape(title), "csp": html.escape(csp), "vis_css": vis_css, "page_css": page_css,
        "data": json_for_script(data), "vis_js": vis_js, "page_js": page_js,
    }
    return _SLOT.sub(lambda m: parts[m.group(1)], template)


def write_html(entity_graph: nx.MultiDiGraph, path, metrics=None, **options) -> Path:
    """Write :func:`render_html` of *entity_graph* to *path* (UTF-8, atomically) and return the path.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_html(nx.MultiDiGraph(), pathlib.Path(d) / "g.html", metrics=False)
    ...     p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    write_atomic(path, render_html(entity_graph, metrics, **options))
    return path


def write_project_page(graph, out, *, metrics=None, root: Path | str = Path("."), project=None,
                       entity_graph: nx.MultiDiGraph | None = None) -> Path:
    """The build stage: ``out/graph.html`` from the merged graph of the project at *root*.

    *metrics* is the table of ``metrics.csv`` (computed when ``None``); the source texts are
    those of *project* (:class:`cppcc_kg.project.load.Project`), else read under *root*.
    """
    from cppcc_kg.network import build_entity_graph

    G = entity_graph if entity_graph is not None else build_entity_graph(graph)
    if project is not None and getattr(project, "sources", None):
        texts = {str(iri): s.text for iri, s in project.sources.items()}
    else:
        texts = source_texts(graph, [root])
    return write_html(G, Path(out) / "graph.html", metrics, sources=texts, orders=display_orders(graph))


# ---------------------------------------------------------------------------- reading any input

_FORMATS = {".ttl": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES", ".nq": "N_QUADS"}


def _parse_file(path: Path, graph) -> None:
    import pyoxigraph as ox

    from cppcc_kg.rdf.syntax import _to_rdflib

    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: not a Turtle, TriG, N-Triples or N-Quads file (by its extension)",
                         "pass a .ttl, .trig, .nt or .nq file, or a folder of them.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        quads = ox.parse(data, format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri())
        bnodes: dict = {}
        prefix = re.sub(r"[^A-Za-z0-9]+", "_", path.name) + "_b"
        for q in quads:
            graph.add(tuple(_to_rdflib(t, bnodes, prefix) for t in (q.subject, q.predicate, q.object)))
    except SyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno or 1}:{exc.offset or 1}: {exc.msg or exc}",
                         "fix the file at that position (it must be valid RDF in the format of its extension).") \
            from None
    except (TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as {fmt.replace('_', '-').lower()}: {exc}") from None


def load_input(path: Path | str, *, ontology: Path | str | None = None, sources_root: Path | str | None = None):
    """Read *path* (a project root, a folder of RDF files, or one Turtle/TriG file).

    Returns ``(graph, texts, roots)``: the merged rdflib graph (with the ontology and pinyin),
    source IRI -> text, and the folders searched for source texts. A project root (with
    ``ontology.ttl`` and ``graph/`` or ``sources/``) is loaded with its checks
    (:func:`cppcc_kg.project.load.load`); other inputs are parsed as they are, with the ontology
    from *ontology*, else from the input, else from ``ontology.ttl`` in the input's folder or above.
    Source texts (``cppcc:localPath``) are looked for under *sources_root*, else the input's
    folder and the folders above it.
    """
    from rdflib import Graph

    from cppcc_kg.project.load import load, pinyin_triples
    from cppcc_kg.rdf.namespaces import CPPCC, bind_prefixes

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", "pass a Turtle or TriG file, or a folder of them.")
    base = path if path.is_dir() else path.parent
    if path.is_dir() and (path / "ontology.ttl").is_file() and ((path / "graph").is_dir() or (path / "sources").is_dir()):
        project = load(path)
        texts = {str(iri): s.text for iri, s in project.sources.items()}
        return project.graph, texts, [path]
    graph = Graph()
    bind_prefixes(graph)
    files = ([p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in _FORMATS]
             if path.is_dir() else [path])
    if not files:
        raise InputError(f"{path}: the folder holds no .ttl, .trig, .nt or .nq file")
    for f in files:
        _parse_file(f, graph)
    if ontology is not None:
        _parse_file(Path(ontology), graph)
    elif (None, CPPCC.displayAsNode, None) not in graph:
        from cppcc_kg.project.load import find_upwards
        found = find_upwards(base.resolve(), "ontology.ttl")
        if found is None:
            raise InputError(f"{path}: the graph has no ontology (no cppcc:displayAsNode) and no ontology.ttl "
                             "was found beside it or above", "pass --ontology ontology.ttl")
        _parse_file(found, graph)
    if (None, CPPCC.pinyin, None) not in graph:
        for t in pinyin_triples(graph):
            graph.add(t)
    roots = [Path(sources_root)] if sources_root is not None else [base.resolve(), *base.resolve().parents]
    return graph, source_texts(graph, roots), roots
