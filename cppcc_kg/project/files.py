"""The files of a project and the named graph of each: which files, in which order, checked how.

A project root holds ``ontology.ttl``, ``sources/*.ttl`` (one description per source
text) and ``graph/**/*.ttl`` (the curated graph; ``graph/proposed/`` is left out until
reviewed). :func:`iter_files` checks each as strict Turtle 1.1 (no blank nodes in
``graph/``) and gives its canonical N-Triples (:mod:`cppcc_kg.rdf.ntriples`); the
store holds the triples of each file in the named graph :func:`graph_iri`.

>>> graph_iri("graph/core.ttl")
rdflib.term.URIRef('https://w3id.org/cppcc-kg/graph/graph/core.ttl')
>>> rel_of_graph(graph_iri("graph/core.ttl")), rel_of_graph(PINYIN_GRAPH)
('graph/core.ttl', None)
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from rdflib import URIRef

from cppcc_kg.errors import ProjectLayoutError, SyntaxErrors, TurtleSyntaxError
from cppcc_kg.project.cache import Cache
from cppcc_kg.project.layout import BUILD_MARKER, BUILD_MARKER_TEXT, project_files  # noqa: F401 (here too)
from cppcc_kg.project.workers import PARALLEL_MIN_FILES, fork_pool, worker_count
from cppcc_kg.rdf.namespaces import BASE
from cppcc_kg.rdf.ntriples import Triple, canonical_ntriples, triples_of

#: named graphs of the dataset: one per input file, ``{GRAPH_BASE}{relative path}``
GRAPH_BASE = BASE + "graph/"
#: the named graph that holds the generated pinyin
PINYIN_GRAPH = URIRef(GRAPH_BASE + "pinyin")


def graph_iri(relpath: str) -> URIRef:
    """IRI of the named graph that holds the triples of the file *relpath*."""
    return URIRef(GRAPH_BASE + str(relpath))


def rel_of_graph(iri: str) -> str | None:
    """The relative path of the file whose named graph is *iri* (``None`` for the pinyin graph)."""
    iri = str(iri)
    if iri == str(PINYIN_GRAPH) or not iri.startswith(GRAPH_BASE):
        return None
    return iri[len(GRAPH_BASE):]


def find_upwards(start: Path | str, name: str) -> Path | None:
    """The file *name* in *start* or the nearest folder above it that has one (``None``: none)."""
    start = Path(start)
    for d in [start, *start.parents]:
        if (d / name).is_file():
            return d / name
    return None


def project_root(start: Path | str | None = None) -> Path:
    """The project root at or above *start* (default: the working folder): the nearest folder
    with ``ontology.ttl``, else *start* itself (for notebooks and scripts run from a subfolder)."""
    start = Path.cwd() if start is None else Path(start)
    found = find_upwards(start, "ontology.ttl")
    return found.parent if found is not None else start


def check_file(args: tuple[str, bytes]):
    """In a worker: ``(rel, nt, None)`` or ``(rel, None, error)`` for the bytes *data* of one file.

    The bytes are those the caller read (and hashed for the cache key): the file is read once, so
    that a file saved during the build cannot be parsed in one version and cached under the key of
    another.
    """
    rel, data = args
    try:
        return rel, canonical_ntriples(data, rel, allow_blank_nodes=not rel.startswith("graph/")), None
    except TurtleSyntaxError as exc:
        return rel, None, (exc.path, exc.line, exc.column, exc.detail, exc.hint)


#: where the workers leave the N-Triples they made, when it is a folder: memory (tmpfs) on Linux
SHARED_MEMORY = Path("/dev/shm")


def check_file_into(folder: str, args: tuple[str, bytes]):
    """:func:`check_file`, the N-Triples written into a new file of *folder* whose path is returned instead of
    the bytes (the caller reads and removes it: :func:`_taken`); the bytes themselves when the file cannot be
    written (a full or missing folder).

    A worker's result comes back through a pipe of 64 KiB that the parent's result thread empties a piece at
    a time, taking the GIL for each from a main thread busy with the files before (190 MB of N-Triples at
    scale 1000: thousands of pieces); a file is read in one call, without the GIL."""
    rel, nt, error = check_file(args)
    if nt is None:
        return rel, nt, error
    path = None
    try:
        fd, path = tempfile.mkstemp(dir=folder, suffix=".nt")
        with os.fdopen(fd, "wb") as f:
            f.write(nt)
        return rel, path, None
    except OSError:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return rel, nt, None


def _taken(got: bytes | str) -> bytes:
    """The N-Triples of a worker's result (:func:`check_file_into`): its bytes, or those of its file, removed."""
    if isinstance(got, bytes):
        return got
    with open(got, "rb") as f:
        data = f.read()
    os.unlink(got)
    return data


#: the start of the name of a folder of the workers' N-Triples; the process id of the build follows
RESULTS_PREFIX = "cppcc-kg-parse-"


def _results_folder() -> str | None:
    """A new folder for the workers' N-Triples (:func:`check_file_into`): in :data:`SHARED_MEMORY` when it is
    a writable folder, else in the temporary folder; None when none can be made (the results then come through
    the pipe). Its name holds the build's process id: the folders that a build killed before it could remove
    its own (SIGTERM, SIGKILL) left there are removed first (:func:`_remove_left_folders`), so that memory is
    not held until the next reboot."""
    for parent in (SHARED_MEMORY, None):
        if parent is not None and not (parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)):
            continue
        try:
            _remove_left_folders(Path(parent if parent is not None else tempfile.gettempdir()))
            return tempfile.mkdtemp(prefix=f"{RESULTS_PREFIX}{os.getpid()}-", dir=parent)
        except OSError:
            continue
    return None


def _remove_left_folders(parent: Path) -> None:
    """Remove the folders of :data:`RESULTS_PREFIX` in *parent* whose build process is no longer running."""
    for folder in parent.glob(f"{RESULTS_PREFIX}*-*"):
        pid = folder.name[len(RESULTS_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # gone: what it left is nobody's
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # (running, as another user)
            continue


def _cached(root: Path, rels: list[str], cache: Cache | None, keys: dict | None, digests: dict | None = None):
    """``(cached, names, todo)``: the files that *cache* has an entry of (read later, one at a time, by
    :func:`iter_files`, so that the first file is handed on before the others are read), the cache entry name
    of each file, and ``(rel, bytes)`` of each file to parse (the bytes whose hash is the key); *keys*
    receives the cache key of each file, *digests* the sha256 of its bytes. Each file is read once."""
    cached: set[str] = set()
    names: dict[str, str] = {}
    todo: list[tuple[str, bytes]] = []
    folder = str(root) + os.sep  # (thousands of files: the paths joined as strings, each read with one open)
    for rel in rels:
        try:
            with open(folder + rel, "rb", buffering=0) as f:
                data = f.read()
        except OSError as exc:
            raise ProjectLayoutError(f"{rel}: cannot read the file: {exc.strerror}") from None
        digest = hashlib.sha256(data)  # hashed once: the cache key and the build's record of what it read
        key = cache.key(rel, data, digest.digest()) if cache is not None else None
        if digests is not None:
            digests[rel] = digest.hexdigest()
        if keys is not None and key is not None:
            keys[rel] = key
        if key is not None:
            names[rel] = nt_entry(key)
            if cache.has(names[rel]):
                cached.add(rel)
                continue
        todo.append((rel, data))
    return cached, names, todo


def _entry_or_parse(root: Path, rel: str, cache: Cache, name: str, digest: str | None):
    """``(nt, error, parsed)`` of a file whose cache entry *name* was there: the entry, or, when it went away or
    is broken since, the file parsed here (its bytes must still be those hashed, *digest*)."""
    nt = cache.get(name)
    if nt is not None:
        return nt, None, False
    try:
        data = (Path(root) / rel).read_bytes()
    except OSError as exc:
        raise ProjectLayoutError(f"{rel}: cannot read the file: {exc.strerror}") from None
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise ProjectLayoutError(f"{rel}: the file changed while the build read it; build again")
    _rel, nt, error = check_file((rel, data))
    if nt is not None:
        cache.put(name, nt)
    return nt, error, True


def nt_entry(key: str) -> str:
    """The name of the cache entry that holds the N-Triples of the file whose cache key is *key*.

    >>> nt_entry("abc")
    'abc.nt'
    """
    return key + ".nt"


def changed_nt_lines(cache, before: dict, now: dict, present: dict) -> set[bytes] | str:
    """The N-Triples lines in the earlier or the present version of each file whose cache key in *before*
    (the last build's) is not its key in *now* (added, removed or changed), but not in both; or the name of a
    file whose earlier version is not in *cache* (read by :func:`nt_entry`, without keeping it).

    The names are those of *before* and *now* (paths or graph IRIs); *present* maps a name to its N-Triples
    now (missing: none).

    >>> class Cache(dict):
    ...     def get(self, name, keep=True):
    ...         return dict.get(self, name)
    >>> sorted(changed_nt_lines(Cache({"k1.nt": b"a\\nb\\n"}), {"f": "k1"}, {"f": "k2"}, {"f": b"b\\nc\\n"}))
    [b'a', b'c']
    >>> changed_nt_lines(Cache(), {"f": "k1"}, {"f": "k2"}, {"f": b""})
    'f'
    """
    lines: set[bytes] = set()
    for name in sorted(set(before) | set(now)):
        if before.get(name) == now.get(name):
            continue
        old = b""
        if name in before:
            old = cache.get(nt_entry(before[name]), keep=False)
            if old is None:
                return name
        new = present.get(name, b"") if name in now else b""
        lines |= set(old.split(b"\n")) ^ set(new.split(b"\n"))
    lines.discard(b"")
    return lines


def iter_files(root: Path, rels: list[str], *,
               progress: Callable[[int, int, str], None] | None = None,
               cache: Cache | None = None, stats: dict | None = None,
               keys: dict | None = None, workers: int | None = None, digests: dict | None = None):
    """Yield ``(rel, canonical N-Triples)`` for each file of *rels*, in order; raise all syntax errors at the end.

    Files found in *cache* are not parsed; the others are checked by worker processes
    when there are many (the caller can load each file while the next are parsed).
    *stats* counts the files ``parsed`` and ``cached``; *keys* receives the cache key of each file.
    """
    stats = stats if stats is not None else {}
    stats.setdefault("parsed", 0)
    stats.setdefault("cached", 0)
    errors: list[TurtleSyntaxError] = []
    digests = digests if digests is not None else {}
    cached, names, todo = _cached(root, rels, cache, keys, digests)
    n = worker_count() if workers is None else workers
    pool = fork_pool(n, step="parsing the files") if n and len(todo) >= PARALLEL_MIN_FILES else None
    folder = _results_folder() if pool else None
    try:
        work = functools.partial(check_file_into, folder) if folder is not None else check_file
        results = pool.imap(work, todo, chunksize=8) if pool else map(check_file, todo)
        for i, rel in enumerate(rels):
            if progress:
                progress(i, len(rels), rel)
            if rel in cached:
                nt, error, parsed = _entry_or_parse(root, rel, cache, names[rel], digests.get(rel))
                if error is not None:
                    errors.append(TurtleSyntaxError(*error))
                    continue
                stats["parsed" if parsed else "cached"] += 1
                yield rel, nt
                continue
            got_rel, nt, error = next(results)
            assert got_rel == rel
            if error is not None:
                errors.append(TurtleSyntaxError(*error))
                continue
            nt = _taken(nt)
            stats["parsed"] += 1
            if cache is not None and rel in names:
                cache.put(names[rel], nt)
            yield rel, nt
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if folder is not None:  # (the files of results not taken: an error, an interruption)
            shutil.rmtree(folder, ignore_errors=True)
    if progress:
        progress(len(rels), len(rels), "")
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SyntaxErrors(errors)


def read_files(root: Path, rels: list[str],
               progress: Callable[[int, int, str], None] | None = None) -> dict[str, list[Triple]]:
    """Parse every file of *rels* strictly into rdflib triples; raise all syntax errors together."""
    return {rel: triples_of(nt) for rel, nt in iter_files(root, rels, progress=progress)}
