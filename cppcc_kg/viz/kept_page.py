"""The build's page kept in the loader's cache in pieces, so that an edit re-makes only the rows it changed.

The JSON of the page's data is kept as the pieces of :func:`cppcc_kg.viz.script_json.data_pieces` (one
per row of an entity or a relation, per piece of evidence, per vis-network node and edge), with the
version of the entity graph it was made of (:class:`cppcc_kg.network.changes.Changes`: the build's
graph is the last build's, patched where only attributes changed, :mod:`cppcc_kg.build.graph_rows`).
The next build, whose graph was patched from that version, makes again only the rows and vis-network
nodes of the entities and relations it changed and copies the other pieces, when the rest is sure to be
the same:

* the same key: the code, the measures (they choose the entities drawn and are in the rows), the source
  texts (the sentence around each quote), the display orders and the title;
* the structure of the graph is the same (a patch changes attributes only), so the entities drawn, their
  order, the relations, the layout and the legend's counts are the same;
* each row made again has the class, fine type or relation type it had, and the numbers of the same
  pieces of evidence (the evidence is numbered by first appearance over the rows: a quote added,
  removed or edited renumbers the later ones, and the page is then made whole).

Anything else (no kept page, another key or version, a row whose class or evidence changed) makes the
page whole, and keeps it in pieces for the next build. The kept page is JSON and text, nothing that runs
code when read. The tests compare each page with the page made whole.
"""
from __future__ import annotations

import gc
import hashlib
import json
import pickle
import struct
from array import array
from itertools import accumulate, pairwise

from cppcc_kg.network.changes import changes_of
from cppcc_kg.viz.evidence import evidence_key
from cppcc_kg.viz.layout import kept_cache
from cppcc_kg.viz.payload import edge_rows, measure_table, node_rows, page_data_of
from cppcc_kg.viz.script_json import data_pieces, json_texts, section_starts
from cppcc_kg.viz.select import MAX_NODES

__all__ = ["PAGE_ENTRY", "kept_page_data"]

#: the cache entry of the kept page (one per project: the last build's)
PAGE_ENTRY = "page-state.bin"
#: bump when the form of the kept page changes
PAGE_VERSION = b"page-state 2\n"
#: what the patch reads of the page's data besides its rows (kept with them)
_VALUES = ("classes", "types", "relations", "measures", "sources")
#: the head of a kept page (JSON): those, the number of elements of each section, the nodes and edges of the rows
_HEAD = ("values", "sizes", "nodes", "edges")


def kept_page_data(G, metrics, *, sources: dict[str, str], orders: dict, title: str) -> str | None:
    """The JSON of the page's data (:func:`cppcc_kg.viz.script_json.json_for_script` of
    :func:`cppcc_kg.viz.payload.page_data` with these options), made from the kept page of the last build
    where that is sure to give the same text, else whole; None (nothing made) outside
    :func:`cppcc_kg.viz.layout.kept_layouts` or for a graph whose changes are not tracked."""
    kept, tracked = kept_cache(), changes_of(G)
    if kept is None or tracked is None:
        return None
    cache, code = kept
    key = _page_key(code, metrics, sources, orders, title)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # many small objects: the cyclic collector alone costs a quarter of the time
    try:
        made = None
        if key is not None and tracked.since is not None:
            state = _read_state(cache, key, tracked.since)
            if state is not None:
                try:
                    made = _patched(G, tracked.changed, state, metrics)
                except (ValueError, KeyError, IndexError, TypeError):  # a kept page broken: made whole
                    made = None
        if made is None:
            made = _whole(G, metrics, sources=sources, orders=orders, title=title)
    finally:
        if gc_was_enabled:
            gc.enable()
    text, ends, head = made
    if key is not None and head is not None and tracked.version is not None:
        _write_state(cache, key, tracked.version, head, text, ends)
    return text


def _page_key(code: str, metrics, sources: dict[str, str], orders: dict, title: str) -> bytes | None:
    """The sha256 of what the page is made of besides the entity graph; None when the measures are not
    a dict (the page is then not kept)."""
    if not isinstance(metrics, dict):
        return None
    try:  # (the measures pickled to be hashed only, never read: 15 times quicker than JSON; equal bytes, equal values)
        orders = sorted((str(k), v) for k, v in (orders or {}).items())
        h = hashlib.sha256(PAGE_VERSION + json.dumps([code, title, MAX_NODES, orders]).encode())
        h.update(pickle.dumps(metrics, protocol=5))
    except (TypeError, ValueError, pickle.PicklingError):
        return None
    for iri in sorted(sources or {}):
        text = sources[iri].encode("utf-8")
        h.update(b"%d\0%s\0" % (len(text), iri.encode("utf-8")))
        h.update(text)
    return h.hexdigest().encode("ascii")


def _whole(G, metrics, **options) -> tuple[str, array, dict | None]:
    """(the JSON of the page's data made whole, where its pieces end, what the patch reads besides them; None
    when the nodes or edges are not all text)."""
    data, nodes, edges = page_data_of(G, metrics, **options)
    pieces, sizes = data_pieces(data)
    head = {"values": {k: data[k] for k in _VALUES}, "sizes": sizes, "nodes": nodes, "edges": [list(e) for e in edges]}
    if not all(type(n) is str for n in nodes) or not all(type(x) is str for e in edges for x in e):
        head = None
    return "".join(pieces), array("q", accumulate(map(len, pieces))), head


class _KeptEvidence:
    """The numbers of the pieces of evidence that the kept page gave (-1: a piece it did not have)."""

    def __init__(self, index: dict[tuple, int]):
        self.index = index

    def ids(self, items) -> list[int]:
        out = []
        for e in items or ():
            i = self.index.get(evidence_key(e), -1)
            if i not in out:
                out.append(i)
        return out


def _patched(G, changed, state, metrics) -> tuple[str, array, dict] | None:
    """The kept page with the rows of the changed nodes and edges made again; None when that cannot give
    the page made whole (a class or the evidence of a row changed, a node or an edge not found)."""
    head, text, ends = state
    node_at = {n: i for i, n in enumerate(head["nodes"])}
    nodes = sorted((x for x in changed if not isinstance(x, tuple) and x in node_at), key=node_at.__getitem__)
    edge_at = {tuple(e): j for j, e in enumerate(head["edges"])} if any(isinstance(x, tuple) for x in changed) else {}
    edges = sorted((x for x in changed if isinstance(x, tuple) and x in edge_at), key=edge_at.__getitem__)
    if not nodes and not edges:
        return text, ends, head
    edge_row, evidence, node_row, _, vis_node = section_starts(head["sizes"])

    def old(at: int):
        piece = text[ends[at - 1]:ends[at]]
        return json.loads(piece.removeprefix(","))

    values = head["values"]
    old_nodes = [old(node_row + node_at[n]) for n in nodes]
    old_vis = [old(vis_node + node_at[n]) for n in nodes]
    old_edges = [old(edge_row + edge_at[e]) for e in edges]
    index = {}
    for i in sorted({i for row in old_nodes + old_edges for i in row["ev"]}):
        src, start, end, exact = old(evidence + i)[:4]
        index[(values["sources"][src]["iri"], start, end, exact)] = i
    kept_evidence = _KeptEvidence(index)
    _, table = measure_table(G, {str(n): metrics[str(n)] for n in nodes if str(n) in metrics})
    pos = {n: (v["x"], v["y"]) for n, v in zip(nodes, old_vis)}
    # (a KeyError: a class, a relation type or an edge the kept page does not have)
    rows, vis = node_rows(G, nodes, values["classes"], values["types"], values["measures"], table,
                          kept_evidence, pos)
    erows, _ = edge_rows([(u, v, k, G.edges[u, v, k]) for u, v, k in edges], node_at, values["relations"],
                         kept_evidence)
    if any(r[k] != o[k] for r, o in zip(rows, old_nodes) for k in ("c", "f", "ev")) \
            or any(r[k] != o[k] for r, o in zip(erows, old_edges) for k in ("f", "t", "p", "ev")):
        return None
    vis = [{**o, "label": v["label"], "shape": v["shape"], "color": v["color"]} for v, o in zip(vis, old_vis)]
    at = [node_row + node_at[n] for n in nodes] + [vis_node + node_at[n] for n in nodes] \
        + [edge_row + edge_at[e] for e in edges]
    starts = set(section_starts(head["sizes"]))
    new = {i: ("" if i in starts else ",") + t for i, t in zip(at, json_texts(rows + vis + erows))}
    text, ends = _splice(text, ends, new)
    return text, ends, head


def _splice(text: str, ends: array, new: dict[int, str]) -> tuple[str, array]:
    """*text* whose pieces (ending at *ends*) of the indices of *new* are replaced by those."""
    sizes = [ends[0], *(b - a for a, b in pairwise(ends))]
    out, at = [], 0
    for i in sorted(new):
        out += [text[at:ends[i - 1] if i else 0], new[i]]
        at = ends[i]
        sizes[i] = len(new[i])
    out.append(text[at:])
    return "".join(out), array("q", accumulate(sizes))


def _write_state(cache, key: bytes, version: str, head: dict, text: str, ends) -> None:
    """Keep the page: *head* as JSON (the bytes it was read from, when it is the head of a kept page: a patch
    does not change it), where its pieces end and its text."""
    raw = head.get("raw") or json.dumps({k: head[k] for k in _HEAD}, ensure_ascii=False, separators=(",", ":")).encode()
    made = version.encode("utf-8")
    ends = array("q", ends).tobytes()
    cache.put(PAGE_ENTRY, b"".join([PAGE_VERSION, key, b"\n", struct.pack("<QQQ", len(made), len(raw), len(ends)), made,
                                    raw, ends, text.encode("utf-8")]))


def _read_state(cache, key: bytes, version: str) -> tuple[dict, str, array] | None:
    """(what the patch reads, the text, where its pieces end) of the page kept under *key* of the graph of
    *version*, or None."""
    data = cache.get(PAGE_ENTRY, keep=False)
    lead = PAGE_VERSION + key + b"\n"
    if data is None or not data.startswith(lead):
        return None
    try:
        at = len(lead) + 24
        sizes = struct.unpack("<QQQ", data[len(lead):at])
        made, raw, ends_bytes = (data[a:a + n] for a, n in zip(accumulate((at, *sizes[:2])), sizes))
        if made != version.encode("utf-8"):
            return None
        head = {**json.loads(raw), "raw": raw}
        ends = array("q")
        ends.frombytes(ends_bytes)
        text = data[at + sum(sizes):].decode("utf-8")
        sizes = head["sizes"]
        ok = (len(ends) == sum(sizes) + len(sizes) + 1 and ends[-1] == len(text)
              and len(head["nodes"]) == sizes[2] == sizes[4] and len(head["edges"]) == sizes[0] == sizes[3]
              and all(k in head["values"] for k in _VALUES))
    except (ValueError, KeyError, TypeError, IndexError, struct.error):
        return None
    return (head, text, ends) if ok else None
