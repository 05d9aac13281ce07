"""The graph files of an edit, made from the previous build's: kept blocks copied, ``graph.nt`` patched.

A build that writes the graph files (:mod:`cppcc_kg.build.rdf_files`) records in the loader's cache
(:data:`INDEX_ENTRY`) what it wrote: the output stamp of each file (:func:`output_stamp`: size, mtime,
inode, ctime), the digest of the code, the prefixes left out of the JSON-LD, the number of lines of
``graph.nt``, and for each named graph its key (the file's cache key; the sha256 of the pinyin's
N-Triples), its misread prefixes and where its block lies in ``graph.trig``, ``graph.ttl`` and
``graph.jsonld``. The pinyin's N-Triples are kept too (:func:`pinyin_entry`), as the loader keeps
each file's.

The next build takes the previous build's files only when it can trust them (:func:`trusted_index`): the
index is there and made by the same code, and each of the four files in the folder being replaced has
the stamp the index gives **and** the one the previous build's record gives (a file edited, replaced or
touched since has another ctime at least). Then:

* ``graph.trig``, ``graph.ttl``, ``graph.jsonld``: the block of a graph whose key did not change is
  copied from the previous file (consecutive ones at once); the others are made as a full build makes
  them (the helper's bodies, the cache);
* ``graph.nt``: the lines that the changed graphs' earlier and present N-Triples, expanded into the full
  form (:mod:`cppcc_kg.rdf.evidence_form`), do not share are the only ones whose presence may change. Such a
  line is in the new file if a changed graph gives it now, or another graph does: holds it, or a compact
  triple that stands for it (the store, which holds the compact triples, says which graphs hold those; they
  are then looked for in their N-Triples, so that the answer is about the same bytes); it is in the previous
  file if a binary search
  of that sorted file finds it. Lines present now and not before are inserted, those present before
  and not now are dropped; everything else is copied.

Anything else (no index, another code, a file touched, other prefixes left out of the JSON-LD, the
earlier version of a changed graph not in the cache, more than :data:`MAX_CHANGED` of the graphs
changed and more than 16) writes the files whole. Either way the bytes are those of a clean build (tested).
"""
from __future__ import annotations

import hashlib
import mmap
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Self

import pyoxigraph as ox

from cppcc_kg.build.fingerprint import output_stamp
from cppcc_kg.project.cache import get_json, put_json
from cppcc_kg.project.files import nt_entry, rel_of_graph
from cppcc_kg.rdf.evidence_form import expand, holds_compact, sources
from cppcc_kg.rdf.ntriples import NT, holds_line

__all__ = ["FILES", "INDEX_ENTRY", "MAX_CHANGED", "SCAN_LINES", "Previous", "earlier_versions", "full_form",
           "held_elsewhere", "nt_edits", "pinyin_entry", "pinyin_entry_of_key", "record_index", "splice_nt",
           "trusted_index"]

#: the graph files, in the order of the index's spans (``graph.nt`` has none)
FILES = ("graph.trig", "graph.ttl", "graph.jsonld", "graph.nt")
#: the loader's cache entry describing the graph files of the last build
INDEX_ENTRY = "graph-files-v1.json"
#: above this share of the graphs changed (or removed), and more than 16 of them, the files are written whole
MAX_CHANGED = 0.25


def pinyin_entry(nt: bytes) -> str:
    """The cache entry that keeps the pinyin's N-Triples *nt* (named by their sha256).

    >>> pinyin_entry(b"")[:20]
    'graph-files-pinyin-e'
    """
    return pinyin_entry_of_key(hashlib.sha256(nt).hexdigest())


def record_index(cache, out_dir: Path, code: str, graphs: list[list], skip: set[str], lines: int) -> None:
    """Keep in *cache* the index of the graph files just written into *out_dir* (see the module docstring);
    *graphs*: ``[iri, key, misread, trig span, ttl span, jsonld span, first]`` in the files' order."""
    stamps = {}
    for name in FILES:
        stamps[name] = output_stamp(os.lstat(Path(out_dir) / name))
    put_json(cache, INDEX_ENTRY, {"code": code, "stamps": stamps, "skip": sorted(skip), "lines": lines,
                                  "graphs": graphs})


def trusted_index(cache, previous: Path | None, record: dict | None, code: str) -> dict | None:
    """The index of the previous build's graph files if they can be taken (module docstring), else None."""
    if cache is None or previous is None or not record:
        return None
    index = get_json(cache, INDEX_ENTRY)
    if not isinstance(index, dict) or index.get("code") != code or not isinstance(index.get("graphs"), list):
        return None
    outputs = record.get("outputs") or {}
    stamps = index.get("stamps") or {}
    for name in FILES:
        try:
            now = output_stamp(os.lstat(Path(previous) / name))
        except OSError:
            return None
        if not (now == stamps.get(name) == outputs.get(name)) or now[0] < 0:
            return None
    return index


class Previous:
    """The previous build's graph files, mapped in memory (a context manager)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.maps: dict[str, mmap.mmap | bytes] = {}
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        for name in FILES:
            with open(self.folder / name, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                self.maps[name] = self._stack.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)) \
                    if size else b""
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()


def _lower_bound(data, line: bytes) -> int:
    """The offset of the first line of the sorted lines *data* that is not below *line* (``len(data)``: none).

    >>> d = b"a .\\nc .\\ne .\\n"
    >>> [_lower_bound(d, x) for x in (b"0", b"a .", b"b", b"c .", b"d", b"f")]
    [0, 0, 4, 4, 8, 12]
    """
    lo, hi = 0, len(data)  # lo: a line start, every line before it below *line*; hi: a line start or the end
    while lo < hi:
        mid = (lo + hi) // 2
        start = data.rfind(b"\n", lo, mid) + 1 if mid > lo else lo
        start = max(start, lo)
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < line:
            lo = end + 1
        else:
            hi = start
    return lo


#: at most this many stems (subjects, annotations) of an edit's lines are looked for in every graph's N-Triples
#: (about 50 ms each at a million triples); more: the store tells which graphs hold their triples
SCAN_LINES = 16


def _holds(nt: bytes, source: tuple[bytes, bool]) -> bool:
    """Whether the N-Triples *nt* hold the *source* of :func:`~cppcc_kg.rdf.evidence_form.sources`: the whole line
    (*whole*), or a line that starts with it."""
    data, whole = source
    if whole:
        return holds_line(nt, data)
    return nt.startswith(data) or b"\n" + data in nt


def _held_by_store(source: tuple[bytes, bool], store: ox.Store, graphs: dict[str, bytes]) -> bool:
    """:func:`_holds` of *source* in a graph of *graphs* (IRI -> N-Triples now): the store tells which graphs hold
    its triple (a whole line), or a triple of its subject and property (the start of a line), their N-Triples
    whether they hold it."""
    data, whole = source
    t = next(iter(ox.parse(data + (b"\n" if whole else b'"" .\n'), format=NT)))
    names = {q.graph_name.value for q in store.quads_for_pattern(t.subject, t.predicate, t.object if whole else None,
                                                                 None) if isinstance(q.graph_name, ox.NamedNode)}
    return any(_holds(graphs[g], source) for g in sorted(names) if g in graphs)


def held_elsewhere(lines: list[bytes], graphs: dict[str, bytes], store_of) -> dict[bytes, bool]:
    """Line -> whether a graph of *graphs* (IRI -> compact N-Triples now) gives it, for each of the full-form
    *lines*: whether the graph holds the line, or a compact triple that stands for it
    (:func:`~cppcc_kg.rdf.evidence_form.sources`; ``<A-target> a oa:SpecificResource``, for one, comes from any
    compact triple of the annotation ``<A>``).

    Up to :data:`SCAN_LINES` stems of these sources (:func:`_stem`: a subject, or an annotation and its nodes: the
    13 lines of a quote have one), the graphs holding each stem are found by one search of every graph's
    N-Triples, and its sources looked for in those: no store is read, so the graph files of an edit do not wait for
    a store being loaded. More, the store (``store_of()``; it holds
    the compact triples, as the files) tells which graphs hold each source's triple, or a triple of its subject and
    property (:func:`_held_by_store`). Both give the same answer: the store holds a line's triple in the first
    graph that has the line (a later graph's copy is not stored again), so a line is in some graph's N-Triples
    exactly when a graph the store names for its triple has it; and a line starts with ``<A> <p> `` in some
    graph's N-Triples exactly when a graph the store names for a triple ``<A> <p> ?o`` has such a line.

    >>> g = {"https://e.org/g": b"<a:x> <a:p> <a:y> .\\n"}
    >>> held_elsewhere([b"<a:x> <a:p> <a:y> .", b"<a:x> <a:p> <a:z> ."], g, store_of=None)
    {b'<a:x> <a:p> <a:y> .': True, b'<a:x> <a:p> <a:z> .': False}
    """
    wanted = {line: sources(line) for line in lines}
    todo: dict[bytes, list] = {}  # the sources to look for, by their stem
    for x in sorted({x for found in wanted.values() for x in found}):
        todo.setdefault(_stem(x[0]), []).append(x)
    if len(todo) <= SCAN_LINES:
        held = {}
        for stem, xs in todo.items():
            having = [nt for nt in graphs.values() if stem in nt]  # (one search of every graph a stem)
            held.update((x, any(_holds(nt, x) for nt in having)) for x in xs)
    else:
        store = store_of()
        held = {x: _held_by_store(x, store, graphs) for xs in todo.values() for x in xs}
    return {line: any(held[x] for x in found) for line, found in wanted.items()}


def _stem(data: bytes) -> bytes:
    """What the line (or start of a line) *data* starts with and shares with every source of the lines of the same
    annotation: its subject without its ``>``, and for a node of an annotation (``<A-target>``, ``<A-position>``,
    ``<A-quote>``), the annotation's (``<A``).

    >>> _stem(b"<https://e.org/a-quote> <p> <o> ."), _stem(b"<https://e.org/a> <p> "), _stem(b"_:b1 <p> <o> .")
    (b'<https://e.org/a', b'<https://e.org/a', b'_:b1 ')
    """
    s = data.split(b" ", 1)[0]
    if not s.startswith(b"<"):
        return s + b" "
    for suffix in (b"-target>", b"-position>", b"-quote>"):
        if s.endswith(suffix):
            return s[:-len(suffix)]
    return s[:-1]


def nt_edits(old_nt, changed: dict[str, tuple[bytes, bytes]], graphs: dict[str, bytes],
             store_of) -> tuple[list[tuple[int, int, bytes]], int]:
    """The edits of the previous ``graph.nt`` *old_nt* (sorted full-form lines): ``(offset, 0, line)`` to insert,
    ``(offset, 1, line)`` to drop, in order; and the change of the number of lines.

    *changed*: graph IRI -> (earlier, present compact N-Triples) of each graph added, removed or changed (only
    these are expanded, :func:`~cppcc_kg.rdf.evidence_form.expand`); *graphs*: every graph's compact N-Triples
    now; *store_of*: a function giving the project's store (which graphs hold a triple), called only when many
    lines are to be looked for (:func:`held_elsewhere`).
    """
    full = {iri: (full_form(old), full_form(new)) for iri, (old, new) in changed.items()}
    now_sets = {iri: set(new.split(b"\n")) for iri, (_old, new) in full.items()}
    touched: set[bytes] = set()
    for iri, (old, new) in full.items():
        touched |= set(old.split(b"\n")) ^ now_sets[iri]
    touched.discard(b"")
    lines = sorted(touched)
    elsewhere = held_elsewhere([x for x in lines if not any(x in s for s in now_sets.values())], graphs, store_of)
    edits = []
    delta = 0
    for line in lines:
        present = elsewhere.get(line, True)
        at = _lower_bound(old_nt, line)
        end = at + len(line)
        before = old_nt[at:end] == line and (end == len(old_nt) or old_nt[end:end + 1] == b"\n")
        if present and not before:
            edits.append((at, 0, line))
            delta += 1
        elif before and not present:
            edits.append((at, 1, line))
            delta -= 1
    edits.sort()
    return edits, delta


def full_form(nt: bytes) -> bytes:
    """The canonical N-Triples *nt* of a graph as the graph files give them: the compact evidence expanded
    (:func:`~cppcc_kg.rdf.evidence_form.expand`; other N-Triples as they are).

    >>> full_form(b"<a:x> <a:p> <a:y> .\\n")
    b'<a:x> <a:p> <a:y> .\\n'
    """
    return expand(nt) if holds_compact(nt) else nt


def splice_nt(out, size: int, edits: list[tuple[int, int, bytes]]) -> None:
    """Give *out* (``copy(start, end)`` of the previous file, ``write(bytes)``) the lines of the previous
    ``graph.nt`` (*size* bytes) with *edits* (:func:`nt_edits`) made.

    >>> class Out(list):
    ...     def copy(self, a, b): self.append(old[a:b])
    ...     def write(self, data): self.append(data)
    >>> old, out = b"a .\\nc .\\n", Out()
    >>> splice_nt(out, len(old), [(4, 0, b"b ."), (4, 1, b"c .")])
    >>> b"".join(out)
    b'a .\\nb .\\n'
    """
    pos = 0
    for at, kind, line in edits:
        if at > pos:
            out.copy(pos, at)
            pos = at
        if kind == 0:
            out.write(line + b"\n")
        else:
            pos = at + len(line) + 1
    if pos < size:
        out.copy(pos, size)


def earlier_versions(cache, index: dict, keys: dict[str, str], graphs: dict[str, bytes],
                     pinyin_iri: str) -> dict[str, tuple[bytes, bytes]] | None:
    """Graph IRI -> (earlier, present N-Triples) of each graph whose key is not the index's (added, removed,
    changed), the earlier ones read from *cache* without keeping them; None when one is not there, or when
    more than :data:`MAX_CHANGED` of the graphs changed."""
    before = {g[0]: g[1] for g in index["graphs"]}
    names = sorted(set(before) | set(graphs))
    differ = [iri for iri in names if before.get(iri) != keys.get(iri) or iri not in graphs]
    if len(differ) > max(MAX_CHANGED * len(names), 16):
        return None
    out = {}
    for iri in differ:
        old = b""
        if iri in before:
            name = pinyin_entry_of_key(before[iri]) if iri == pinyin_iri else nt_entry(before[iri])
            old = cache.get(name, keep=False)
            if old is None or (iri != pinyin_iri and rel_of_graph(iri) is None):
                return None
        out[iri] = (old, graphs.get(iri, b""))
    return out


def pinyin_entry_of_key(key: str) -> str:
    """The entry :func:`pinyin_entry` of the pinyin whose key (sha256 of its N-Triples) is *key*."""
    return f"graph-files-pinyin-{key}.nt"
