"""The graph files of a build: ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig``.

They are made from the canonical N-Triples of the loaded files (:mod:`cppcc_kg.project.load`),
a file at a time: the Turtle and JSON-LD of each are written straight from its sorted lines
(:mod:`cppcc_kg.rdf.bodies`, the bytes Oxigraph's serializers give), and streamed to temporary files
that are then renamed into place.

* ``graph.nt``: every triple once, one per line, lines sorted (byte order);
* ``graph.trig``: one named graph per input file (``https://w3id.org/cppcc-kg/graph/{path}``)
  and one for the generated pinyin, graphs in IRI order, triples sorted in each;
* ``graph.ttl``: every triple, as the same blocks in the same order (a comment names
  each file), with the prefixes of :mod:`cppcc_kg.rdf.namespaces` (all declared, sorted);
* ``graph.jsonld``: the same, as JSON-LD: ``@context`` holds the project prefixes,
  ``@graph`` a node object per subject and file, in the order of ``graph.trig``.

The files (and the build's store) hold the evidence in its compact form
(:mod:`cppcc_kg.rdf.evidence_form`); every graph file gives the full W3C Web Annotation form: each
graph's N-Triples are expanded (:func:`~cppcc_kg.build.graph_splice.full_form`) before they are
written, by the helper worker for the bodies it makes, and ``graph.nt`` is the expansion of the merged
lines (the expansion of a union is the union of the expansions).

The Turtle and JSON-LD of each file are cached with its N-Triples
(:class:`cppcc_kg.project.cache.Cache`), so a rebuild serializes only the files that changed;
a helper worker makes those the cache lacks while the build validates (:func:`start_bodies`).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rdflib import Graph

from cppcc_kg.build.graph_splice import (
    Previous,
    earlier_versions,
    full_form,
    nt_edits,
    pinyin_entry,
    record_index,
    splice_nt,
    trusted_index,
)
from cppcc_kg.project.files import GRAPH_BASE, PINYIN_GRAPH, graph_iri, rel_of_graph
from cppcc_kg.rdf.bodies import bodies_of
from cppcc_kg.rdf.evidence_form import expand_lines
from cppcc_kg.rdf.files import AtomicFile
from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.rdf.serialize import (
    jsonld_body,
    merged_lines,
    misread_prefixes,
    ntriples_of,
    prefix_header,
    turtle_body,
)

#: lines of graph.nt written at a time
CHUNK_LINES = 200_000

#: bump when turtle_body or jsonld_body change, so that cached bodies are not reused
EXPORT_VERSION = "2"  # 2: the evidence expanded into the full form


def _bodies_of(item: tuple[str, bytes]) -> tuple[str, str, bytes, bytes]:
    """In a worker: (graph IRI, misread prefixes, Turtle, JSON-LD without skipped prefixes) of one graph
    (its compact N-Triples expanded here)."""
    iri, nt = item
    ttl, js, misread = bodies_of(full_form(nt))
    return iri, ",".join(sorted(misread)), ttl, js


def start_bodies(project, pool):
    """Have *pool* (the build's helper worker) make the Turtle and JSON-LD of every file
    that the cache lacks, while the build validates; return the job (None when there is nothing
    to make), which :func:`write_graph_files` takes. *project* is a loaded project, or the files that
    :func:`cppcc_kg.project.load.load` has parsed while the store loads (:class:`cppcc_kg.project.file_store.ParsedFiles`):
    what is read is their ``nt``, ``keys`` and ``cache``.

    The results are the same as those made in the writing process (same functions, same
    bytes); a file whose JSON-LD needs other prefixes than the worker assumed is redone there.
    Which entries the cache holds is read from one listing of its folder and the entries staged
    (:meth:`cppcc_kg.project.cache.Cache.listing`), not from a test of each file (8 000 at 4 000 files): a
    name listed that cannot be read (a broken entry, one removed since) is made in the writing process
    (:meth:`Bodies._cached`), the same bytes.
    """
    cache = getattr(project, "cache", None)
    names = cache.listing() if cache is not None else set()
    todo = []
    for rel, nt in project.nt.items():
        key = project.keys.get(rel)
        if key and f"{key}.v{EXPORT_VERSION}.ttl" in names and f"{key}.v{EXPORT_VERSION}.misread" in names:
            continue
        if nt:
            todo.append((str(graph_iri(rel)), nt))
    return pool.map_async(_bodies_of, todo, chunksize=16) if todo else None


class Bodies:
    """The Turtle and JSON-LD of each named graph of a project, from the cache when the file did
    not change, or as the helper worker made them (*job*, from :func:`start_bodies`)."""

    def __init__(self, project, job=None):
        self.project = project
        self.cache = getattr(project, "cache", None)
        self.keys = {}
        for iri, nt in project.graphs().items():
            rel = rel_of_graph(iri)
            self.keys[iri] = project.keys.get(rel) if rel is not None else hashlib.sha256(nt).hexdigest()
        self.made = {}
        if job is not None:
            self.made = {iri: ({x for x in m.split(",") if x}, ttl, js) for iri, m, ttl, js in job.get()}

    def _cached(self, name: str, make):
        data = self.cache.get(name) if self.cache is not None else None
        if data is None:
            data = make()
            if self.cache is not None:
                self.cache.put(name, data)
        return data

    def misread(self, iri: str, nt: bytes) -> set[str]:
        key, made = self.keys.get(iri), self.made.get(iri)
        if not key:
            return made[0] if made else misread_prefixes(full_form(nt))
        raw = self._cached(f"{key}.v{EXPORT_VERSION}.misread",
                           lambda: ",".join(sorted(made[0] if made else misread_prefixes(full_form(nt)))).encode())
        return {x for x in raw.decode().split(",") if x}

    def keep_entries(self, iris: set[str], misread: dict[str, set[str]]) -> None:
        """Keep in the cache the entries of the graphs *iris* without reading them (their blocks are copied
        from the previous build's files: a later build that writes the files whole still finds them)."""
        if self.cache is None:
            return
        skip = set().union(*misread.values()) if misread else set()
        tag = ("-" + ",".join(sorted(skip))) if skip else ""
        for iri in iris:
            key = self.keys.get(iri)
            if key:
                self.cache.used.update((f"{key}.v{EXPORT_VERSION}.ttl", f"{key}.v{EXPORT_VERSION}.misread",
                                        f"{key}.v{EXPORT_VERSION}{tag}.jsonld"))

    def __call__(self, iri: str, nt: bytes, skip: set[str]) -> tuple[bytes, bytes]:
        key, made = self.keys.get(iri), self.made.pop(iri, None)
        full_nt = functools.cache(lambda: full_form(nt))  # the expanded N-Triples, made once if needed

        def ttl_of():
            return made[1] if made else turtle_body(full_nt())

        def js_of():
            return made[2] if made and not skip else jsonld_body(full_nt(), skip)
        if not key:
            return ttl_of(), js_of()
        tag = ("-" + ",".join(sorted(skip))) if skip else ""
        ttl = self._cached(f"{key}.v{EXPORT_VERSION}.ttl", ttl_of)
        js = self._cached(f"{key}.v{EXPORT_VERSION}{tag}.jsonld", js_of)
        return ttl, js


class _Out:
    """An output file (:class:`AtomicFile`) that knows its length. With the previous build's file *old*, it
    also copies spans of that (consecutive spans at once), and what it is given is written by :meth:`finish`,
    which may run in a thread beside the other files' (hashing and writing large blocks let other threads
    run)."""

    def __init__(self, path: Path, old=None):
        self.file = AtomicFile(path)
        self.old = old
        self.pos = 0
        self._pieces: list = []  # bytes, or [start, end] of *old*

    def write(self, data) -> None:
        if self.old is None:
            self.file.write(data)
        else:
            self._pieces.append(bytes(data))
        self.pos += len(data)

    def copy(self, start: int, end: int) -> None:
        last = self._pieces[-1] if self._pieces else None
        if isinstance(last, list) and last[1] == start:
            last[1] = end
        else:
            self._pieces.append([start, end])
        self.pos += end - start

    def finish(self) -> None:
        pieces, self._pieces = self._pieces, []
        if not pieces:
            return
        view = memoryview(self.old)
        try:
            for piece in pieces:
                if isinstance(piece, bytes):
                    self.file.write(piece)
                    continue
                chunk = view[piece[0]:piece[1]]
                try:
                    self.file.write(chunk)
                finally:
                    chunk.release()
        finally:
            view.release()


class _Plan:
    """What an edit takes from the previous build's graph files (:mod:`cppcc_kg.build.graph_splice`)."""

    def __init__(self, folder: Path, index: dict, changed: dict, store_of):
        #: *store_of*: a function giving the project's store (read only for an edit of many lines)
        self.folder, self.index, self.changed, self.store_of = folder, index, changed, store_of
        self.kept = {g[0]: g[3:7] for g in index["graphs"] if g[0] not in changed}
        self.misread = {g[0]: g[2] for g in index["graphs"]}


def _write_graphs(out_dir: Path, graphs: list[tuple[str, bytes]], bodies, misread: dict[str, set[str]],
                  plan: _Plan | None = None, previous=None) -> tuple[list[Path], list[list], int]:
    """``graph.trig``, ``graph.ttl`` and ``graph.jsonld`` of *graphs* (IRI, N-Triples), one pass,
    one block per graph in IRI order; ``graph.nt`` of all their triples. With a *plan* (and the
    *previous* files mapped), the blocks of the graphs it keeps are copied and ``graph.nt`` is patched.

    Returns the paths, each graph's ``[trig span, ttl span, jsonld span, first]`` and the number of triples."""
    graphs = sorted(graphs, key=lambda x: x[0])
    skip: set[str] = set().union(*misread.values()) if misread else set()
    old = previous.maps if previous is not None else {}
    outs = {name: _Out(out_dir / name, old.get(name)) for name in ("graph.trig", "graph.ttl", "graph.jsonld",
                                                                    "graph.nt")}
    spans: list[list] = []
    try:
        trig_, ttl_, js_ = outs["graph.trig"], outs["graph.ttl"], outs["graph.jsonld"]
        header = prefix_header()
        trig_.write(header)
        ttl_.write(header)
        context = json.dumps({p: ns for p, ns in sorted(PREFIXES.items()) if p not in skip},
                             ensure_ascii=False, indent=1)
        js_.write(b'{\n"@context": ' + context.encode("utf-8") + b',\n"@graph": [')
        first = True
        for iri, nt in graphs:
            kept = plan.kept.get(iri) if plan is not None else None
            starts = [trig_.pos, ttl_.pos, js_.pos]
            if kept is not None and (kept[2][0] == kept[2][1] or kept[3] == first):
                for out, (a, b) in zip((trig_, ttl_, js_), kept[:3]):
                    out.copy(a, b)
                block_first = first if kept[2][0] < kept[2][1] else False
            else:
                ttl, js = bodies(iri, nt, skip)
                block = (b"\t" + ttl.rstrip(b"\n").replace(b"\n", b"\n\t") + b"\n") if ttl else b""
                trig_.write(f"\n<{iri}> {{\n".encode() + block + b"}\n")
                ttl_.write(f"\n# {iri}\n".encode() + ttl)
                block_first = first if js else False
                if js:
                    js_.write((b"\n" if first else b",\n") + js)
            first = first and not (js_.pos > starts[2])
            spans.append([[s, o.pos] for s, o in zip(starts, (trig_, ttl_, js_))] + [block_first])
        js_.write(b"\n]\n}\n")
        nt_ = outs["graph.nt"]
        if plan is None:
            lines = expand_lines(merged_lines(nt for _iri, nt in graphs))
            count = len(lines)  # the number of distinct triples
            for i in range(0, len(lines), CHUNK_LINES):
                nt_.write(b"\n".join(lines[i:i + CHUNK_LINES]) + b"\n")
            del lines
        else:
            edits, delta = nt_edits(old["graph.nt"], plan.changed, dict(graphs), plan.store_of)
            splice_nt(nt_, len(old["graph.nt"]), edits)
            count = plan.index["lines"] + delta
            with ThreadPoolExecutor(max_workers=2) as pool:  # the largest first
                list(pool.map(_Out.finish, [outs[n] for n in ("graph.nt", "graph.jsonld", "graph.trig", "graph.ttl")]))
    except BaseException:
        for o in outs.values():
            o.file.abort()
        raise
    return sorted(o.file.commit() for o in outs.values()), spans, count


def _plan(project, graphs: dict[str, bytes], bodies: Bodies, previous: Path | None, record: dict | None,
          code: str) -> tuple[_Plan | None, dict[str, set[str]]]:
    """What can be taken from the previous build's graph files (None: nothing) and each graph's misread
    prefixes (from the index for the graphs kept)."""
    cache = bodies.cache if bodies.cache is not None and bodies.cache.enabled else None
    index = trusted_index(cache, previous, record, code)
    changed = None
    if index is not None and _well_formed(index):
        changed = earlier_versions(cache, index, bodies.keys, graphs, str(PINYIN_GRAPH))
    if changed is not None:
        plan = _Plan(Path(previous), index, changed, lambda: project.store)
        misread = {iri: set(plan.misread[iri]) if iri in plan.kept else bodies.misread(iri, nt)
                   for iri, nt in graphs.items()}
        if sorted(set().union(*misread.values())) == index["skip"]:
            return plan, misread
    return None, {iri: bodies.misread(iri, nt) for iri, nt in graphs.items()}


def _well_formed(index: dict) -> bool:
    """Whether each row of the index is ``[iri, key, misread, 3 spans within the files, first]``."""
    sizes = [index["stamps"][name][0] for name in ("graph.trig", "graph.ttl", "graph.jsonld")]
    for g in index["graphs"]:
        if not (isinstance(g, list) and len(g) == 7 and isinstance(g[0], str) and isinstance(g[2], list)
                and isinstance(g[6], bool) and all(isinstance(x, list) and len(x) == 2 for x in g[3:6])):
            return False
        for (a, b), size in zip(g[3:6], sizes):
            if not (isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= size):
                return False
    return isinstance(index.get("lines"), int) and isinstance(index.get("skip"), list)


def write_graph_files(graph: Graph | None, out_dir: Path, *, project=None, bodies_job=None,
                      previous: Path | None = None, previous_record: dict | None = None,
                      code: str = "") -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into *out_dir*.

    With the *project* (:class:`cppcc_kg.project.load.Project`), they are made from its
    N-Triples: the TriG has one named graph per file (and one for the pinyin), and
    ``graph.ttl`` and ``graph.jsonld`` have the same blocks in the same order (IRI of
    the graph), so that the Turtle and JSON-LD of a file that did not change since the
    last build are taken from the cache, and those the helper worker made are taken from
    *bodies_job* (:func:`start_bodies`). With the folder of the build being replaced (*previous*, its
    *previous_record*) and the digest of the *code*, the blocks of the graphs that did not change are
    copied from its files and ``graph.nt`` is patched, when those files can be trusted
    (:mod:`cppcc_kg.build.graph_splice`). Without the project, they are made from *graph*, in one named graph.
    """
    out_dir = Path(out_dir)
    if project is None:
        graphs = [(GRAPH_BASE + "all", full_form(ntriples_of(graph)))]
        return _write_graphs(out_dir, graphs, lambda iri, nt, skip: (turtle_body(nt), jsonld_body(nt, skip)),
                             {iri: misread_prefixes(nt) for iri, nt in graphs})[0]
    bodies = Bodies(project, bodies_job)
    graphs = project.graphs()
    plan, misread = _plan(project, graphs, bodies, previous, previous_record, code)
    if plan is not None:
        bodies.keep_entries(set(plan.kept), misread)
    with Previous(plan.folder) if plan is not None else contextlib.nullcontext() as old:
        paths, spans, count = _write_graphs(out_dir, list(graphs.items()), bodies, misread, plan, old)
    # (the graph files' triples: the evidence in the full form; len(project) counts the store's, in the compact form)
    project.stats["graph_files"] = {"spliced": plan is not None, "kept": len(plan.kept) if plan else 0,
                                    "graphs": len(graphs), "triples": count}
    cache = bodies.cache
    if cache is not None and cache.write:
        order = sorted(graphs)
        rows = [[iri, bodies.keys.get(iri), sorted(misread[iri]), *span] for iri, span in zip(order, spans)]
        record_index(cache, out_dir, code, rows, set().union(*misread.values()), count)
        name = pinyin_entry(project.pinyin_nt)
        if not cache.has(name):
            cache.put(name, project.pinyin_nt)
        cache.used.add(name)
    return paths
