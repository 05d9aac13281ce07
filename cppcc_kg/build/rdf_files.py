"""The graph files of a build: ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig``.

They are made from the canonical N-Triples of the loaded files (:mod:`cppcc_kg.project.load`)
by the serializers of :mod:`cppcc_kg.rdf.serialize`, fed in sorted order, a file at a time,
and streamed to temporary files that are then renamed into place.

* ``graph.nt``: every triple once, one per line, lines sorted (byte order);
* ``graph.trig``: one named graph per input file (``https://w3id.org/cppcc-kg/graph/{path}``)
  and one for the generated pinyin, graphs in IRI order, triples sorted in each;
* ``graph.ttl``: every triple, as the same blocks in the same order (a comment names
  each file), with the prefixes of :mod:`cppcc_kg.rdf.namespaces` (all declared, sorted);
* ``graph.jsonld``: the same, as JSON-LD: ``@context`` holds the project prefixes,
  ``@graph`` a node object per subject and file, in the order of ``graph.trig``.

The Turtle and JSON-LD of each file are cached with its N-Triples
(:class:`cppcc_kg.project.cache.Cache`), so a rebuild serializes only the files that changed;
a helper worker makes those the cache lacks while the build validates (:func:`start_bodies`).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rdflib import Graph

from cppcc_kg.project.files import GRAPH_BASE, graph_iri, rel_of_graph
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
EXPORT_VERSION = "1"


def _bodies_of(item: tuple[str, bytes]) -> tuple[str, str, bytes, bytes]:
    """In a worker: (graph IRI, misread prefixes, Turtle, JSON-LD without skipped prefixes) of one graph."""
    iri, nt = item
    return iri, ",".join(sorted(misread_prefixes(nt))), turtle_body(nt), jsonld_body(nt, set())


def start_bodies(project, pool):
    """Have *pool* (the build's helper worker) make the Turtle and JSON-LD of every file
    that the cache lacks, while the build validates; return the job (None when there is nothing
    to make), which :func:`write_graph_files` takes.

    The results are the same as those made in the writing process (same functions, same
    bytes); a file whose JSON-LD needs other prefixes than the worker assumed is redone there.
    """
    cache = getattr(project, "cache", None)
    todo = []
    for rel, nt in project.nt.items():
        key = project.keys.get(rel)
        if key and cache is not None and cache.has(f"{key}.v{EXPORT_VERSION}.ttl") \
                and cache.has(f"{key}.v{EXPORT_VERSION}.misread"):
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
            return made[0] if made else misread_prefixes(nt)
        raw = self._cached(f"{key}.v{EXPORT_VERSION}.misread",
                           lambda: ",".join(sorted(made[0] if made else misread_prefixes(nt))).encode())
        return {x for x in raw.decode().split(",") if x}

    def __call__(self, iri: str, nt: bytes, skip: set[str]) -> tuple[bytes, bytes]:
        key, made = self.keys.get(iri), self.made.pop(iri, None)

        def ttl_of():
            return made[1] if made else turtle_body(nt)

        def js_of():
            return made[2] if made and not skip else jsonld_body(nt, skip)
        if not key:
            return ttl_of(), js_of()
        tag = ("-" + ",".join(sorted(skip))) if skip else ""
        ttl = self._cached(f"{key}.v{EXPORT_VERSION}.ttl", ttl_of)
        js = self._cached(f"{key}.v{EXPORT_VERSION}{tag}.jsonld", js_of)
        return ttl, js


def _write_graphs(out_dir: Path, graphs: list[tuple[str, bytes]], bodies, misread, on_count=None) -> list[Path]:
    """``graph.trig``, ``graph.ttl`` and ``graph.jsonld`` of *graphs* (IRI, N-Triples), one pass,
    one block per graph in IRI order; ``graph.nt`` of all their triples."""
    graphs = sorted(graphs, key=lambda x: x[0])
    skip: set[str] = set()
    for iri, nt in graphs:
        skip |= misread(iri, nt)
    outs = {name: AtomicFile(out_dir / name) for name in ("graph.trig", "graph.ttl", "graph.jsonld", "graph.nt")}
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
            ttl, js = bodies(iri, nt, skip)
            block = (b"\t" + ttl.rstrip(b"\n").replace(b"\n", b"\n\t") + b"\n") if ttl else b""
            trig_.write(f"\n<{iri}> {{\n".encode("utf-8") + block + b"}\n")
            ttl_.write(f"\n# {iri}\n".encode("utf-8") + ttl)
            if js:
                js_.write((b"\n" if first else b",\n") + js)
                first = False
        js_.write(b"\n]\n}\n")
        nt_ = outs["graph.nt"]
        lines = merged_lines(nt for _iri, nt in graphs)
        if on_count is not None:
            on_count(len(lines))  # the number of distinct triples
        for i in range(0, len(lines), CHUNK_LINES):
            nt_.write(b"\n".join(lines[i:i + CHUNK_LINES]) + b"\n")
        del lines
    except BaseException:
        for o in outs.values():
            o.abort()
        raise
    return sorted(o.commit() for o in outs.values())


def write_graph_files(graph: Graph | None, out_dir: Path, *, project=None, bodies_job=None) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into *out_dir*.

    With the *project* (:class:`cppcc_kg.project.load.Project`), they are made from its
    N-Triples: the TriG has one named graph per file (and one for the pinyin), and
    ``graph.ttl`` and ``graph.jsonld`` have the same blocks in the same order (IRI of
    the graph), so that the Turtle and JSON-LD of a file that did not change since the
    last build are taken from the cache, and those the helper worker made are taken from
    *bodies_job* (:func:`start_bodies`). Without it, they are made from *graph*, in one named graph.
    """
    out_dir = Path(out_dir)
    if project is not None:
        bodies = Bodies(project, bodies_job)

        def remember(n: int) -> None:
            project.triple_count = n
        return _write_graphs(out_dir, list(project.graphs().items()), bodies, bodies.misread, remember)
    graphs = [(GRAPH_BASE + "all", ntriples_of(graph))]
    return _write_graphs(out_dir, graphs, lambda iri, nt, skip: (turtle_body(nt), jsonld_body(nt, skip)),
                         lambda iri, nt: misread_prefixes(nt))
