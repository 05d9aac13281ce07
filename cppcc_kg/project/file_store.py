"""The project's files read and queued for its store: what :func:`cppcc_kg.project.load.load` does first.

Each file's canonical N-Triples (from the loader's cache, or parsed: :func:`cppcc_kg.project.files.iter_files`)
are queued for a :class:`cppcc_kg.rdf.store.StoreLoader`, without the triples that an earlier file holds (the
store holds each triple once; those are kept apart as the project's duplicates). The store is loaded by the
loader's thread while the next files are read, or beside the caller (``beside``): then the facts of each file
are read instead, and with ``idle`` the loader's thread runs at the lowest priority until a reader waits for it
(:mod:`cppcc_kg.project.file_facts`).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cppcc_kg.errors import InputError
from cppcc_kg.project.cache import Cache
from cppcc_kg.project.duplicates import Duplicates
from cppcc_kg.project.file_facts import read_facts
from cppcc_kg.project.files import graph_iri, iter_files, rel_of_graph
from cppcc_kg.project.layout import CACHE_DIR
from cppcc_kg.rdf.ntriples import canonical_lines, line_set
from cppcc_kg.rdf.store import LoadingStopped, StoreLoader

__all__ = ["ParsedFiles", "read_into_store", "store_error", "store_timeline", "without_lines"]


@dataclass(frozen=True)
class ParsedFiles:
    """What :func:`cppcc_kg.project.load.load` has read once every file is parsed, while the store is still
    loading (its ``while_store_loads``): the files' canonical N-Triples (relative path -> bytes), their cache
    keys, the loader's cache, and the helper worker that ``load(..., background=True)`` hands over (else None)."""

    nt: dict[str, bytes]
    keys: dict[str, str]
    cache: Cache
    helper: object = None


def read_into_store(root: Path, rels: list[str], cache: Cache, stats: dict, keys: dict,
                    progress: Callable[[int, int, str], None] | None, *, beside: bool = False, idle: bool = False,
                    parsed: Callable[[dict[str, bytes]], None] | None = None):
    """``(nt, loader, duplicates, seconds loading, facts)``: each file checked, then loaded into the
    store by a thread (:class:`cppcc_kg.rdf.store.StoreLoader`) while the next are read and
    parsed; a triple that an earlier file holds too is not stored again. The seconds loading
    are those spent here on the store: comparing the lines, and waiting for the thread at the end
    (*beside*: not waited for; the facts of each file are read instead, :mod:`cppcc_kg.project.file_facts`; *idle*:
    the loader's thread at the lowest priority until a reader waits, :class:`cppcc_kg.rdf.store.StoreLoader`).
    *parsed* is called with the N-Triples of every file (relative path -> bytes) once all are read, before the
    thread is waited for: work that needs no store can start while it loads (without *beside* only)."""
    nt: dict[str, bytes] = {}
    loader = StoreLoader(ox.Store(), low_priority=beside and idle)
    loading = 0.0
    found = Duplicates(cache if cache is not None and cache.enabled else None, keys)
    facts: dict[str, dict] = {}
    reading_facts = 0.0
    try:
        for rel, data in iter_files(root, rels, progress=progress, cache=cache, stats=stats, keys=keys,
                                    digests=stats.setdefault("digests", {})):
            nt[rel] = data
            t = time.perf_counter()
            again = found.of(rel, data)
            if again:
                data = without_lines(data, again)
            try:
                loader.add(str(graph_iri(rel)), data)
            except Exception as exc:  # noqa: BLE001 (the thread failed on an earlier file: a clean message, naming it)
                raise store_error(root, loader.error_graph, exc) from None
            loading += time.perf_counter() - t
            if beside:  # (after the file is queued: the loader's thread starts on it meanwhile)
                t = time.perf_counter()
                facts[rel] = read_facts(cache, keys.get(rel), nt[rel])
                reading_facts += time.perf_counter() - t
        t = time.perf_counter()
        found.finish()
        loading += time.perf_counter() - t
        stats["triples_read"], stats["distinct_lines"] = found.read, found.distinct
        duplicates = found.found
        if beside:
            stats.setdefault("seconds", {})["facts"] = reading_facts
        if parsed is not None and not beside:
            parsed(nt)
        t = time.perf_counter()
        if beside:
            loader.seal()
        else:
            try:
                loader.finish()
            except Exception as exc:  # noqa: BLE001 (a clean message, naming the file)
                raise store_error(root, loader.error_graph, exc) from None
        loading += time.perf_counter() - t
    except BaseException:
        loader.close()
        raise
    if not beside:
        loader.close()
    return nt, loader, duplicates, loading, facts


def without_lines(nt: bytes, held: bytes) -> bytes:
    """The canonical N-Triples *nt* without the lines of *held* (what :func:`read_into_store` stores of a file whose
    triples an earlier file holds too).

    >>> without_lines(b"a\\nb\\nc\\n", b"b\\n")
    b'a\\nc\\n'
    """
    return canonical_lines(line_set(nt) - line_set(held))


def store_timeline(loader: StoreLoader, t0: float) -> dict:
    """When the *loader* got its first document and loaded each batch (start, end, documents, MiB), in seconds
    since *t0* (the load's start): what ``bench/bench_store_timeline.py`` shows."""
    first = None if loader.first_add is None else round(loader.first_add - t0, 3)
    return {"first add": first, "batches": [(round(a - t0, 3), round(b - t0, 3), n, round(size / 2**20, 1))
                                            for a, b, n, size in loader.timeline]}


def store_error(root: Path, error_graph: str | None, exc: Exception) -> InputError:
    """The error of a store whose loading failed (*exc*, in the named graph *error_graph*) or was stopped."""
    if isinstance(exc, LoadingStopped):
        return InputError("the project's store was not loaded: the build was stopped before it was",
                          "build again.")
    rel = rel_of_graph(error_graph) if error_graph else None
    return InputError(
        f"{rel or root}: Oxigraph could not load the triples of this file into the store: {type(exc).__name__}: {exc}",
        f"remove the loader's cache ({Path(root) / CACHE_DIR}) and build again; if it happens again, report it "
        "with this file (a bug, not a problem of the data).")
