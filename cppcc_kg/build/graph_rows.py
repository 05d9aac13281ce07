"""The entity graph of the build, kept in the loader's cache with its files and the solutions of its queries.

Each query of :func:`cppcc_kg.network.entity_graph_queries` reads only the triples of the properties
written in it (:func:`cppcc_kg.network.query_predicates`; tested on the repository and a synthetic
project). Its solutions are kept in the loader's cache under the digest of the query, the code and
those triples in the store (:meth:`cppcc_kg.project.load.Project.predicate_digest`): after an edit of a
label, only the queries that read labels run again; the others are read from the cache. A clean build
(no cache) runs them all and computes no digest.

The graph itself is kept too (:data:`STATE_ENTRY`: the graph pickled, the names of its queries' entries,
and where the pieces of its entity files end, :mod:`cppcc_kg.build.entity_pieces`), by the digest of the code
and of the ontology's classes and properties. The texts of the entity files are not copied into the cache: the
state holds the stamp (:func:`cppcc_kg.build.fingerprint.output_stamp`: size, mtime, inode, ctime) of each file
the build wrote, and the next build reads the texts from the output folder it replaces when each file there
still has that stamp (the outputs of the build that kept the state, as it left them: the test the up-to-date
check makes of its outputs); else (another output folder, a file edited or removed) the files are made whole
(:func:`_kept_texts`). After a patch the graph is not pickled again: the state keeps the
pickle it was read from and the attributes of the nodes and edges patched since (up to :data:`PATCH_LIMIT`),
which reading applies. The next build takes it as it is when no query's entry changed,
patches it (:func:`cppcc_kg.network.graph_patch.patch_entity_graph`) when only queries that set
attributes changed, and makes it from the solutions otherwise; the entity files then rewrite only the
pieces of the nodes and edges patched (:mod:`cppcc_kg.network.changes`). The literals are patched without
their whole query: the subjects to read again are those of the lines of the properties it reads that
differ between the kept and the present N-Triples of the changed files (the earlier version from the
loader's cache: :func:`cppcc_kg.project.files.changed_nt_lines`) and of the pinyin
(:func:`_changed_subjects`); their solutions are read by :func:`cppcc_kg.network.entity_graph.literals_of`,
while the store is still being loaded beside the build from a tiny store of their lines in the files
(:func:`literal_rows`): an edited label does not wait for the store here.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cppcc_kg.build.entity_pieces import FILES, KeptFiles
from cppcc_kg.build.fingerprint import output_stamp
from cppcc_kg.network import (
    build_entity_graph,
    entity_graph_queries,
    query_predicates,
    run_queries,
)
from cppcc_kg.network.changes import changes_of, track_changes
from cppcc_kg.network.entity_graph import literals_of
from cppcc_kg.network.graph_patch import PATCHABLE, patch_entity_graph
from cppcc_kg.project.cache import get_json, put_json
from cppcc_kg.project.file_facts import subject_store
from cppcc_kg.project.files import changed_nt_lines

__all__ = ["STATE_ENTRY", "entity_graph_of_project", "kept_entry", "literal_rows", "schema_digest", "state_version"]

#: bump when the form of the kept solutions changes
ROWS_VERSION = "1"
#: the cache entry of the kept graph and its files (one per project: the last build's)
STATE_ENTRY = "entity-graph-state.bin"
#: bump when the form of the kept graph changes
STATE_VERSION = b"entity-graph-state 4\n"
#: a kept graph whose attributes changed in more nodes and edges than this (since it was pickled) is
#: pickled again; fewer: the earlier pickle is kept with the attributes of those (a patch)
PATCH_LIMIT = 5000
#: the most subjects whose literals are read from the files' N-Triples while the store loads (each one a
#: ``bytes.find`` in every file: ~50 ms at a million triples, 195 MB), rather than waiting for the store
FILE_SUBJECTS = 16
#: the fields of the kept files that are not pickled with the others (the texts and their ends apart)
_NOT_FIXED = ("texts", "ends", "fixed")


def entity_graph_of_project(project, schema, code: str = "", previous: Path | None = None):
    """The entity graph of *project* (:func:`cppcc_kg.network.build_entity_graph` of its store): the kept
    graph of the last build as it is or patched, else made from its queries' solutions, taken from the
    loader's cache where the triples they read did not change (the others are kept there for the next
    build). *code* is the digest of the code (part of the keys); *previous* the output folder the build
    replaces (where the entity files of the kept graph are read: :func:`_kept_texts`)."""
    cache = getattr(project, "cache", None)
    if cache is None or not cache.enabled:
        return build_entity_graph(project.store, schema=schema)
    queries = entity_graph_queries(schema)
    names = {n: _entry_name(project, q, code) for n, q in queries.items() if q}
    key = _state_key(schema, code)
    after = _Solutions(project, cache, queries, names)
    G, files, changed, since, base = _kept_graph(project, cache, key, schema, names, after, previous)
    if G is None:
        rows = after.all()  # (every query's solutions: the store is read only where one is not in the cache)
        G = build_entity_graph(project.store if after.ran else ox.Store(), schema=schema, rows=rows)
    keep = _Keep(project, cache, queries, code, key, files, base)
    keep.names = None if project.pinyin_pending else names  # (the pinyin is the only triples loaded later)
    track_changes(G, keep, changed, since=since)
    return G


def state_version(key: bytes, names: dict) -> str:
    """The version of a kept graph: the sha256 of its key (the code, the ontology) and the names of its
    queries' entries (each the digest of the triples its query reads), which make the graph: the same
    version, the same graph (:attr:`cppcc_kg.network.changes.Changes.since`)."""
    return hashlib.sha256(key + b"\0" + json.dumps(sorted(names.items())).encode()).hexdigest()


class _Missing(Exception):
    """An entry of an earlier build is not in the cache."""


class _Solutions:
    """Query name -> its solutions: from the loader's cache, else run (and kept there)."""

    def __init__(self, project, cache, queries: dict, names: dict, *, run: bool = True):
        self.project, self.cache, self.queries, self.names, self.run = project, cache, queries, names, run
        self.rows: dict[str, list[tuple]] = {}
        #: whether a query ran on the store (its solutions were not all in the cache)
        self.ran = False

    def __getitem__(self, name: str) -> list[tuple]:
        if name not in self.rows:
            if name not in self.names:
                self.rows[name] = []
                return self.rows[name]
            rows = _read(get_json(self.cache, self.names[name], keep=self.run))
            if rows is None:
                if not self.run:
                    raise _Missing(name)
                rows = run_queries(self.project.store, {name: self.queries[name]})[name]
                self.ran = True
                put_json(self.cache, self.names[name], rows)
            self.rows[name] = rows
        return self.rows[name]

    def all(self) -> dict[str, list[tuple]]:
        """Every query's solutions (those not in the cache run side by side)."""
        missing = {}
        for n in self.names:
            if n not in self.rows:
                rows = _read(get_json(self.cache, self.names[n]))
                if rows is None:
                    missing[n] = self.queries[n]
                else:
                    self.rows[n] = rows
        made = run_queries(self.project.store, missing) if missing else {}
        self.ran = self.ran or bool(missing)
        for n, rows in made.items():
            put_json(self.cache, self.names[n], rows)
        return {**{n: [] for n, q in self.queries.items() if not q}, **self.rows, **made}

    def keep(self, names) -> None:
        """Keep the entries of *names* that are in the cache for the next build (not read: the cache keeps
        the entries it holds whose names a build used)."""
        for n in sorted(names):
            if n not in self.rows and n in self.names and self.cache.has(self.names[n]):
                self.cache.used.add(self.names[n])


def _kept_graph(project, cache, key: bytes, schema, names: dict, after: _Solutions, previous: Path | None = None):
    """(graph, its kept files, what changed, the version it was kept as, its :class:`_Base`) of the last
    build's graph, as it is or patched; (None, None, set(), None, None) when there is none, or it cannot be
    patched. The files are None when they are not in *previous* as the last build left them."""
    nothing = None, None, set(), None, None
    state = _read_state(cache, key, previous)
    if state is None:
        return nothing
    old_names, G, files, keys, pinyin, base = state
    differ = {n for n in set(names) | set(old_names) if names.get(n) != old_names.get(n)}
    if differ and not (differ <= PATCHABLE and set(names) == set(old_names)):
        return nothing
    before = _Solutions(None, cache, {}, old_names, run=False)
    literals = None
    if "literals" in differ:
        subjects = _changed_subjects(project, cache, keys, pinyin, query_predicates(after.queries["literals"]))
        if subjects is not None:
            literals = (subjects, lambda wanted: literal_rows(project, wanted))
    try:
        changed = patch_entity_graph(G, schema, before, after, differ, literals=literals) if differ else set()
    except _Missing:
        return nothing
    if changed is None:
        return nothing
    after.keep(set(names) - differ)
    return G, files, changed, state_version(key, old_names), base


def literal_rows(project, subjects) -> list[tuple]:
    """The solutions of :func:`~cppcc_kg.network.entity_graph.literals_of` on the project's store for the IRIs
    *subjects*: while the store is still being loaded and they are at most :data:`FILE_SUBJECTS`, on a store of
    their lines in the files and the generated pinyin instead (:func:`cppcc_kg.project.file_facts.subject_store`:
    the same solutions, tested), so that the build does not wait for the store here."""
    if getattr(project, "store_loading", False) and len(subjects) <= FILE_SUBJECTS:
        pinyin = b"" if project.pinyin_pending else project.pinyin_nt  # (in the store once it is computed)
        return literals_of(subject_store(project.nt, pinyin, subjects), subjects)
    return literals_of(project.store, subjects)


def _changed_subjects(project, cache, keys: dict, pinyin: bytes, predicates) -> set[str] | None:
    """The subjects of the triples of *predicates* in a file (or the pinyin) changed since the last build
    (whose files had the cache keys *keys* and whose pinyin was *pinyin*): the lines in one version of a
    file but not the other; None when an earlier version is not in the cache or a subject is a blank node.
    While the generated pinyin is not in the store, its lines are not compared: the graph made now reads
    the ``pinyin`` attribute of every node again once it is (:func:`cppcc_kg.network.read_node_attribute`)."""
    if not isinstance(keys, dict) or not isinstance(pinyin, bytes):
        return None
    if any(r not in project.nt and keys.get(r) != k for r, k in project.keys.items()):
        return None
    lines = changed_nt_lines(cache, keys, project.keys, project.nt)
    if isinstance(lines, str):
        return None
    if not project.pinyin_pending and pinyin != project.pinyin_nt:
        lines |= set(pinyin.split(b"\n")).symmetric_difference(project.pinyin_nt.split(b"\n"))
    wanted = {f"<{p}>".encode() for p in predicates}
    found = [line for line in lines if (p := line.split(b" ", 2)[1:2]) and p[0] in wanted]
    if not found:
        return set()
    subjects = set()
    for t in ox.parse(b"\n".join(sorted(found)) + b"\n", format=ox.RdfFormat.N_TRIPLES):
        if not isinstance(t.subject, ox.NamedNode):
            return None
        subjects.add(t.subject.value)
    return subjects


class _Keep:
    """What the entity files call with the graph and its files once written: keep them in the cache."""

    def __init__(self, project, cache, queries: dict, code: str, key: bytes, files: KeptFiles | None,
                 base: _Base | None = None):
        self.project, self.cache, self.queries, self.code, self.key, self.files, self.base = \
            project, cache, queries, code, key, files, base
        #: the names of the queries' entries, when they are known to be those of the store now
        self.names: dict | None = None

    def keep(self, G, files: KeptFiles, paths: list[Path]) -> str:
        """Keep *G* and its *files*, written at *paths* (of :data:`~cppcc_kg.build.entity_pieces.FILES`, in
        the output folder being made); return the version they are kept as (:func:`state_version`)."""
        # the names now: the pinyin may have been loaded since the graph was made (and read again into it)
        names = self.names or {n: _entry_name(self.project, q, self.code) for n, q in self.queries.items() if q}
        tracked = changes_of(G)
        base = self.base if tracked is not None and tracked.base is self else None
        _write_state(self.cache, self.key, names, G, files, self.project, base, tracked.changed if base else (),
                     paths=paths)
        return state_version(self.key, names)


@dataclass
class _Base:
    """The pickled graph of a kept state and the nodes and edges (``(source, target, key)``) whose attributes
    changed since it was pickled (kept beside it)."""

    graph: bytes | memoryview
    patched: set


def _state_key(schema, code: str) -> bytes:
    h = hashlib.sha256(f"{STATE_VERSION!r}\0{ROWS_VERSION}\0{ox.__version__}\0{code}\0".encode())
    h.update(schema_digest(schema).encode("ascii"))
    return h.hexdigest().encode("ascii")


def schema_digest(schema) -> str:
    """The sha256 of what the entity graph reads of the ontology besides its queries: the classes and the
    properties drawn as edges, as :class:`cppcc_kg.schema.Schema` reads them."""
    return hashlib.sha256(repr((schema.classes, schema.properties, sorted(schema.node_classes))).encode()).hexdigest()


def _write_state(cache, key: bytes, names: dict, G, files: KeptFiles, project, base: _Base | None = None,
                 changed=(), *, paths: list[Path]) -> None:
    """Keep *G* and its *files* under *key*: the graph pickled, or, when it is the graph of *base* whose nodes
    and edges *changed* since it was read, the pickle of *base* and the attributes of the nodes and edges
    changed since that was pickled (at most :data:`PATCH_LIMIT`). The texts of *files* are the files written
    at *paths*: their stamps are kept, not the texts (:func:`_kept_texts`)."""
    patched = set(base.patched) | set(changed) if base is not None else None
    try:
        if patched is None or len(patched) > PATCH_LIMIT:
            raise KeyError("pickled whole")
        graph = base.graph
        patch = {"nodes": {n: dict(G.nodes[n]) for n in patched if not isinstance(n, tuple)},
                 "edges": {e: dict(G.edges[e]) for e in patched if isinstance(e, tuple)}, "graph": dict(G.graph)}
    except KeyError:  # (a node or an edge not in the graph: pickled whole)
        graph, patch = pickle.dumps(G, protocol=pickle.HIGHEST_PROTOCOL), {"nodes": {}, "edges": {}, "graph": None}
    fixed = files.fixed or pickle.dumps({k: v for k, v in files.__dict__.items() if k not in _NOT_FIXED},
                                        protocol=pickle.HIGHEST_PROTOCOL)
    paths = [Path(p) for p in paths]
    if [p.name for p in paths] != list(FILES) or any(os.lstat(p).st_size != len(t) for p, t in zip(paths, files.texts)):
        raise ValueError(f"the entity files are kept as the files {list(FILES)} written whole")
    meta = {"names": names, "patch": patch, "graph_size": len(graph), "fixed_size": len(fixed),
            "keys": dict(project.keys), "pinyin": project.pinyin_nt, "ends": [e.tobytes() for e in files.ends],
            "files": [output_stamp(os.lstat(p)) for p in paths]}
    head = pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL)
    cache.put(STATE_ENTRY, b"".join([STATE_VERSION, key, b"\n", struct.pack("<Q", len(head)), head, fixed, graph]))


def _patched_graph(graph: memoryview, patch: dict):
    """The graph pickled in *graph* with the attributes of *patch* (of :func:`_write_state`)."""
    G = pickle.loads(graph)
    for n, attrs in patch["nodes"].items():
        d = G.nodes[n]
        d.clear()
        d.update(attrs)
    for e, attrs in patch["edges"].items():
        d = G.edges[e]
        d.clear()
        d.update(attrs)
    if patch["graph"] is not None:
        G.graph.clear()
        G.graph.update(patch["graph"])
    return G


def _kept_texts(previous: Path | None, stamps: list) -> list[bytes] | None:
    """The texts of :data:`~cppcc_kg.build.entity_pieces.FILES` in the folder *previous* when each has the
    stamp of *stamps* (:func:`~cppcc_kg.build.fingerprint.output_stamp`, as the build that kept them left
    them: the same size, mtime, inode and ctime, so the same bytes unless rewritten in place with its times put
    back, which the ctime tells), else None.

    Why they are the texts the kept state was made with: the state was kept (:func:`_write_state`) with the
    stamps of the files written from those texts, after they were written; the output folder is swapped in
    by renaming it, which changes none of its files' stamps (the up-to-date check relies on the same); a
    build that fails keeps no state (the loader's cache is discarded) and one that succeeds replaces both.
    """
    if previous is None or not isinstance(stamps, list) or len(stamps) != len(FILES):
        return None
    texts = []
    for name, stamp in zip(FILES, stamps):
        path = Path(previous) / name
        try:
            if output_stamp(os.lstat(path)) != stamp:
                return None
            text = path.read_bytes()
            if output_stamp(os.lstat(path)) != stamp or len(text) != stamp[0]:  # (changed while read)
                return None
        except OSError:
            return None
        texts.append(text)
    return texts


def _read_state(cache, key: bytes, previous: Path | None = None):
    """(names, graph, files, the files' keys, the pinyin, :class:`_Base`) kept by the last build under *key*, or
    None; the files are None when their texts are not in *previous* as that build left them
    (:func:`_kept_texts`)."""
    data = cache.get(STATE_ENTRY, keep=False)
    lead = STATE_VERSION + key + b"\n"
    if data is None or not data.startswith(lead):
        return None
    try:
        at = len(lead) + 8
        (size,) = struct.unpack("<Q", data[len(lead):at])
        view = memoryview(data)
        meta = pickle.loads(view[at:at + size])
        at += size
        fixed = view[at:at + meta["fixed_size"]]
        at += meta["fixed_size"]
        graph = view[at:at + meta["graph_size"]]  # not copied
        G = _patched_graph(graph, meta["patch"])
        texts = _kept_texts(previous, meta["files"])
        ends = [array("q", e) for e in meta["ends"]]
        files = None if texts is None or [len(t) for t in texts] != [e[-1] if e else 0 for e in ends] else \
            KeptFiles(**{**pickle.loads(fixed), "texts": texts, "ends": ends, "fixed": fixed})
    except Exception:  # noqa: BLE001 - an entry of other code or broken: made again
        return None
    base = _Base(graph, {*meta["patch"]["nodes"], *meta["patch"]["edges"]})
    return meta["names"], G, files, meta["keys"], meta["pinyin"], base


def _entry_name(project, query: str, code: str) -> str:
    return kept_entry(project, "entity-graph", [ROWS_VERSION, code], [query])


def kept_entry(project, prefix: str, key: list, queries: list[str]) -> str:
    """The name of the cache entry of what *queries* (SPARQL; empty ones read nothing) give on *project*'s
    store: *prefix*, then the sha256 of *key* (JSON: versions, the code…), Oxigraph's version, the queries and
    the triples of the properties they read (:meth:`cppcc_kg.project.load.Project.predicate_digest`): the
    same name exactly when they have the same solutions (each reads only the properties written in it,
    :func:`cppcc_kg.network.query_predicates`). The entity graph's solutions and the summary's parts are
    kept under such names."""
    h = hashlib.sha256(json.dumps([*key, ox.__version__, *queries]).encode("utf-8"))
    reads = set().union(*(query_predicates(q) for q in queries if q))
    h.update(project.predicate_digest(sorted(reads)).encode("ascii"))
    return f"{prefix}-{h.hexdigest()}.json"


def _read(rows) -> list[tuple] | None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return None
    return [tuple(r) for r in rows]
