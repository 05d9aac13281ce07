"""Load a cppcc-kg project: strict Turtle, checked sources, generated pinyin.

A project root holds ``ontology.ttl``, ``sources/*.ttl`` (one description per
source text) and ``graph/**/*.ttl`` (the curated graph; ``graph/proposed/`` is
left out until reviewed). :func:`load` reads them in that order and

1. checks every file as strict Turtle 1.1 (:mod:`cppcc_kg.rdf.syntax`) and rejects
   blank nodes in ``graph/``: all syntax errors are reported together, as
   ``FILE:LINE:COLUMN: message``;
2. checks every ``cppcc:Source``: the file at its ``cppcc:localPath`` exists and
   still has its ``cppcc:sha256`` and ``cppcc:characterCount``;
3. adds ``cppcc:pinyin`` (tone marks, one word per space) for the Chinese label
   of every entity.

Each file becomes canonical N-Triples (sorted, unique lines; blank nodes named in
order of appearance), the form every later step reads: the exports merge these
lines, and an Oxigraph store (:mod:`cppcc_kg.rdf.store`) holds them with one named
graph per file (:func:`graph_iri`), so that SPARQL can say which file a triple
comes from. The rdflib graph of older code (:attr:`Project.graph`) is made only
when asked for.

Incremental loading: the N-Triples of a file that passed the checks are kept in
``ROOT/.cache/cppcc-kg/`` under the sha256 of the file (with its path and the
parser's version); a file whose bytes did not change is not parsed or checked
again. So is the pinyin of a label already seen. :func:`load` only reads the
cache; a successful build writes it (:meth:`Project.save_cache`), so a failed one
leaves the project folder as it was. The cache only saves work: the results are
byte for byte those of a clean load (tested), and ``cache=False`` (or
``cppcc-kg build --no-cache``) ignores it.

>>> to_pinyin("兴安盟")
"xīng'ānméng"
>>> graph_iri("graph/core.ttl")
rdflib.term.URIRef('https://w3id.org/cppcc-kg/graph/graph/core.ttl')
>>> canonical_ntriples(b'<http://e.org/b> <http://e.org/p> "2" .\\n<http://e.org/a> <http://e.org/p> "1" .', "x.ttl")
b'<http://e.org/a> <http://e.org/p> "1" .\\n<http://e.org/b> <http://e.org/p> "2" .\\n'
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import re
import shutil
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.errors import (ProjectLayoutError, SourceChangedError, SourceMissingError,
                     SyntaxErrors, TurtleSyntaxError)
from cppcc_kg.rdf.namespaces import BASE, CPPCC, bind_prefixes
from cppcc_kg.rdf.store import from_ox, graph_view, load_store, values
from cppcc_kg.rdf.syntax import _decode, check_no_blank_nodes, might_be_rdf12, parse_turtle, rdf12_features

#: named graphs of the dataset: one per input file, ``{GRAPH_BASE}{relative path}``
GRAPH_BASE = BASE + "graph/"
#: the named graph that holds the generated pinyin
PINYIN_GRAPH = URIRef(GRAPH_BASE + "pinyin")
#: the cache folder, under the project root
CACHE_DIR = Path(".cache") / "cppcc-kg"
#: bump when the checks or the N-Triples form change, so that old cache entries are not used
CACHE_VERSION = "1"

Triple = tuple  # (subject, predicate, object) of rdflib terms

_NT = ox.RdfFormat.N_TRIPLES
_TTL = ox.RdfFormat.TURTLE


def graph_iri(relpath: str) -> URIRef:
    """IRI of the named graph that holds the triples of the file *relpath*."""
    return URIRef(GRAPH_BASE + str(relpath))


def rel_of_graph(iri: str) -> str | None:
    """The relative path of the file whose named graph is *iri* (``None`` for the pinyin graph)."""
    iri = str(iri)
    if iri == str(PINYIN_GRAPH) or not iri.startswith(GRAPH_BASE):
        return None
    return iri[len(GRAPH_BASE):]


@dataclass
class SourceText:
    """A source document: its IRI, the path of its text and the text itself."""

    iri: URIRef
    path: str
    text: str
    defined_in: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- N-Triples per file

def _sorted_lines(nt: bytes) -> bytes:
    lines = set(nt.split(b"\n"))
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def _bnode_prefix(rel: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", rel.removesuffix(".ttl")).strip("_") + "_b"


def _renamed(quads, prefix: str):
    """The triples of *quads* with blank nodes named ``{prefix}{n}`` in order of first appearance."""
    names: dict[str, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            b = names.get(t.value)
            if b is None:
                b = names[t.value] = ox.BlankNode(f"{prefix}{len(names)}")
            return b
        return t
    for q in quads:
        yield ox.Triple(term(q.subject), q.predicate, term(q.object))


def canonical_ntriples(data: bytes | str, rel: str = "<string>", *, allow_blank_nodes: bool = True) -> bytes:
    """Check *data* as strict Turtle 1.1 and return its triples as canonical N-Triples.

    Lines are sorted and unique; blank nodes are named ``{file}_b{n}`` in the order
    they first appear (the names of :func:`cppcc_kg.rdf.syntax.parse_turtle`).

    Raises
    ------
    TurtleSyntaxError
        ``rel:line:column`` of the first error: Turtle syntax, invalid UTF-8, RDF 1.2
        syntax, or (unless *allow_blank_nodes*) a blank node.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    text = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        _decode(data, rel)  # raises with the position
    try:
        nt = ox.serialize(ox.parse(data, format=_TTL), format=_NT)
    except SyntaxError:
        parse_turtle(data, rel)  # raises the same error, with its position and hint
        raise  # pragma: no cover - parse_turtle always raises here
    if might_be_rdf12(data):
        text = data.decode("utf-8")
        features = rdf12_features(text)
        if features:
            line, col, what = features[0]
            raise TurtleSyntaxError(rel, line, col, what,
                                    "write it as Turtle 1.1 (use an rdf:Statement node instead of triple terms).")
    if b"_:" in nt:  # blank nodes (or a literal holding "_:")
        if not allow_blank_nodes:
            check_no_blank_nodes(text if text is not None else data, rel)
        nt = ox.serialize(_renamed(ox.parse(data, format=_TTL), _bnode_prefix(rel)), format=_NT)
    return _sorted_lines(nt)


class Cache:
    """Entries under ``ROOT/.cache/cppcc-kg``, each checked by a CRC on reading (a broken entry is a miss).

    New entries are written to a staging folder at once (memory stays small) and
    moved into the cache by :meth:`save` when the build succeeds; :meth:`discard`
    removes them and leaves the project folder as it was. :meth:`save` also removes
    the entries this build did not use, so the cache holds one build's worth.
    """

    def __init__(self, root: Path, enabled: bool = True, *, write: bool = True):
        self.dir = Path(root) / CACHE_DIR
        self.enabled = enabled
        self.write = enabled and write
        self.used: set[str] = set()
        self.staged: list[str] = []
        self._created = [d for d in (self.dir.parent, self.dir) if not d.exists()]
        self._staging = self.dir / f".staging-{os.getpid()}"

    def key(self, rel: str, data: bytes) -> str:
        """The cache key of the file *rel* with the bytes *data*."""
        h = hashlib.sha256(f"{CACHE_VERSION}\0{ox.__version__}\0{rel}\0".encode())
        h.update(hashlib.sha256(data).digest())
        return h.hexdigest()

    def get(self, name: str) -> bytes | None:
        if not self.enabled:
            return None
        for folder in (self._staging, self.dir):
            try:
                raw = (folder / name).read_bytes()
            except OSError:
                continue
            head, _, data = raw.partition(b"\n")
            if head != b"%08x" % zlib.crc32(data):
                return None
            self.used.add(name)
            return data
        return None

    def has(self, name: str) -> bool:
        """Whether an entry *name* is there (staged or kept; not read, so not checked)."""
        return self.enabled and any((folder / name).is_file() for folder in (self._staging, self.dir))

    def put(self, name: str, data: bytes) -> None:
        """Stage *data* under *name* (moved into the cache by :meth:`save`)."""
        if not self.write:
            return
        self.used.add(name)
        try:
            self._staging.mkdir(parents=True, exist_ok=True)
            with open(self._staging / name, "wb") as f:
                f.write(b"%08x\n" % zlib.crc32(data))
                f.write(data)
            self.staged.append(name)
        except OSError:  # a read-only checkout still builds, without a cache
            self.write = False

    def save(self) -> None:
        """Move the staged entries into the cache and remove the entries not used."""
        if not self.write:
            self.discard()
            return
        for name in self.staged:
            os.replace(self._staging / name, self.dir / name)
        self.staged.clear()
        shutil.rmtree(self._staging, ignore_errors=True)
        if self.dir.is_dir():
            for p in self.dir.iterdir():
                if p.is_file() and p.name not in self.used:
                    p.unlink(missing_ok=True)

    def discard(self) -> None:
        """Forget the staged entries; remove the cache folders this run created, if empty."""
        shutil.rmtree(self._staging, ignore_errors=True)
        self.staged.clear()
        for d in reversed(self._created):
            try:
                d.rmdir()
            except OSError:
                pass


_Cache = Cache  # the name used before


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


def project_files(root: Path) -> list[str]:
    """Relative paths of the input files of *root*, in load order.

    ``ontology.ttl``, then ``sources/*.ttl``, then ``graph/**/*.ttl`` without
    ``graph/proposed/``, each group sorted.
    """
    root = Path(root)
    if not (root / "ontology.ttl").is_file():
        raise ProjectLayoutError(f"{root / 'ontology.ttl'}: no ontology.ttl in the project root {root}",
                                 "run the command from the repository root or pass --root.")
    rels = ["ontology.ttl"]
    rels += sorted(p.relative_to(root).as_posix() for p in (root / "sources").glob("*.ttl") if p.is_file())
    graph_dir = root / "graph"
    rels += sorted(
        rel for rel in (p.relative_to(root).as_posix() for p in graph_dir.rglob("*.ttl") if p.is_file())
        if not rel.startswith("graph/proposed/")
    )
    return rels


#: below this many files (or labels) to do, no worker processes are started
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_LABELS = 4000


def _workers() -> int:
    """Worker processes for parsing and pinyin: the CPUs, when ``fork`` is available (0: none)."""
    import multiprocessing as mp
    n = os.cpu_count() or 1
    if n < 2 or "fork" not in mp.get_all_start_methods() or os.environ.get("CPPCC_KG_WORKERS") == "0":
        return 0
    return n


def _pool(n: int):
    import multiprocessing as mp
    return mp.get_context("fork").Pool(processes=n)


def _warm_pinyin() -> None:
    """In a worker: load jieba's dictionary and pypinyin's tables (about 1.5 s) ahead of use."""
    to_pinyin("政协")


def pinyin_pool():
    """A worker process that loads the pinyin dictionaries at once, while the caller parses
    and loads the files (``None`` when worker processes are not available)."""
    n = _workers()
    if not n:
        return None
    import multiprocessing as mp
    return mp.get_context("fork").Pool(processes=1, initializer=_warm_pinyin)


def _check_file(args: tuple[str, str]):
    """In a worker: ``(rel, nt, None)`` or ``(rel, None, error)`` for one file."""
    root, rel = args
    data = (Path(root) / rel).read_bytes()
    try:
        return rel, canonical_ntriples(data, rel, allow_blank_nodes=not rel.startswith("graph/")), None
    except TurtleSyntaxError as exc:
        return rel, None, (exc.path, exc.line, exc.column, exc.detail, exc.hint)


def iter_files(root: Path, rels: list[str], *,
               progress: Callable[[int, int, str], None] | None = None,
               cache: Cache | None = None, stats: dict | None = None,
               keys: dict | None = None, workers: int | None = None):
    """Yield ``(rel, canonical N-Triples)`` for each file of *rels*, in order; raise all syntax errors at the end.

    Files found in *cache* are not parsed; the others are checked by worker processes
    when there are many (the caller can load each file while the next are parsed).
    """
    stats = stats if stats is not None else {}
    stats.setdefault("parsed", 0)
    stats.setdefault("cached", 0)
    errors: list[TurtleSyntaxError] = []
    found: dict[str, bytes | None] = {}
    names: dict[str, str] = {}
    for rel in rels:
        try:
            data = (Path(root) / rel).read_bytes()
        except OSError as exc:
            raise ProjectLayoutError(f"{rel}: cannot read the file: {exc.strerror}") from None
        key = cache.key(rel, data) if cache is not None else None
        if keys is not None and key is not None:
            keys[rel] = key
        if key is not None:
            names[rel] = key + ".nt"
            found[rel] = cache.get(names[rel])
        else:
            found[rel] = None
    todo = [rel for rel in rels if found[rel] is None]
    n = _workers() if workers is None else workers
    pool = _pool(n) if n and len(todo) >= PARALLEL_MIN_FILES else None
    try:
        results = (pool.imap(_check_file, [(str(root), rel) for rel in todo], chunksize=8) if pool
                   else map(_check_file, [(str(root), rel) for rel in todo]))
        for i, rel in enumerate(rels):
            if progress:
                progress(i, len(rels), rel)
            nt = found[rel]
            if nt is not None:
                stats["cached"] += 1
                yield rel, nt
                continue
            got_rel, nt, error = next(results)
            assert got_rel == rel
            if error is not None:
                errors.append(TurtleSyntaxError(*error))
                continue
            stats["parsed"] += 1
            if cache is not None and rel in names:
                cache.put(names[rel], nt)
            yield rel, nt
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if progress:
        progress(len(rels), len(rels), "")
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SyntaxErrors(errors)


def parse_files(root: Path, rels: list[str], *,
                progress: Callable[[int, int, str], None] | None = None,
                cache: Cache | None = None, stats: dict | None = None,
                keys: dict | None = None) -> dict[str, bytes]:
    """Check every file of *rels* strictly and return its canonical N-Triples; raise all syntax errors together.

    *keys*, if given, receives the cache key of each file.
    """
    return dict(iter_files(root, rels, progress=progress, cache=cache, stats=stats, keys=keys))


def triples_of(nt: bytes) -> list[Triple]:
    """The triples of N-Triples bytes as rdflib terms, in order."""
    return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in ox.parse(nt, format=_NT)]


def read_files(root: Path, rels: list[str],
               progress: Callable[[int, int, str], None] | None = None) -> dict[str, list[Triple]]:
    """Parse every file of *rels* strictly into rdflib triples; raise all syntax errors together."""
    return {rel: triples_of(nt) for rel, nt in parse_files(root, rels, progress=progress).items()}


class _Files(Mapping):
    """Relative path -> list of rdflib triples, made from the N-Triples when first asked for."""

    def __init__(self, nt: dict[str, bytes]):
        self._nt = nt
        self._done: dict[str, list] = {}

    def __getitem__(self, rel: str) -> list[Triple]:
        if rel not in self._done:
            self._done[rel] = triples_of(self._nt[rel])
        return self._done[rel]

    def __iter__(self):
        return iter(self._nt)

    def __len__(self) -> int:
        return len(self._nt)


class Project:
    """A loaded project: its files as N-Triples, the store, the sources, the pinyin.

    Attributes
    ----------
    root : Path
    nt : dict
        Relative path (posix) of each input file, in load order -> its canonical N-Triples (bytes).
    store : pyoxigraph.Store
        One named graph per file (:func:`graph_iri`) and one for the pinyin (:data:`PINYIN_GRAPH`).
    sources : dict
        Source IRI -> :class:`SourceText`.
    pinyin : list
        The generated ``cppcc:pinyin`` triples (rdflib terms).
    pinyin_nt : bytes
        The same as canonical N-Triples.
    stats : dict
        ``parsed`` and ``cached`` files, ``pinyin_computed`` and ``pinyin_cached`` labels,
        ``seconds`` per step (``parse``, ``store``, ``sources``, ``pinyin``).
    graph : rdflib.Graph
        Every triple in memory, prefixes bound (made when first used: slow for millions of triples).
    view : rdflib.Graph
        The same triples read from :attr:`store` (nothing copied; read-only).
    files : Mapping
        Relative path -> its triples as rdflib terms (made when first used).
    """

    def __init__(self, root: Path, nt: dict[str, bytes], store: ox.Store | None = None):
        self.root = Path(root)
        self.nt = nt
        self.store = store if store is not None else load_store({str(graph_iri(r)): b for r, b in nt.items()})
        self.sources: dict[URIRef, SourceText] = {}
        self.pinyin: list[Triple] = []
        self.pinyin_nt = b""
        self.stats: dict = {}
        self.cache: Cache | None = None
        #: relative path -> cache key of the file (its bytes, path and the parser's version)
        self.keys: dict[str, str] = {}
        self._graph: Graph | None = None
        self._view: Graph | None = None
        self.files = _Files(nt)
        #: the number of distinct triples, once counted (the export counts them too)
        self.triple_count: int | None = None
        #: relative path -> N-Triples of its triples that an earlier file holds too: the store
        #: holds each triple once (SPARQL on the union sees a set, as SHACL and pySHACL mean it);
        #: :meth:`files_of` and :meth:`with_duplicates` take these into account
        self.duplicates: dict[str, bytes] = {}
        #: with ``load(..., background=True)``: a worker process (a ``multiprocessing`` pool of
        #: one) that the build gives work to do beside it; :meth:`close` stops it
        self.helper = None
        self._pinyin_pending = None
        self._dups: dict | None = None

    def save_cache(self) -> None:
        """Keep what this load (and the build) computed in ``ROOT/.cache/cppcc-kg`` (see the module docstring)."""
        if self.cache is not None:
            self.cache.save()

    def discard_cache(self) -> None:
        """Forget what this load computed (a failed build leaves the project folder as it was)."""
        if self.cache is not None:
            self.cache.discard()

    def finish_pinyin(self) -> None:
        """Wait for the pinyin that :func:`load` (``background=True``) computes beside the caller."""
        pending, self._pinyin_pending = getattr(self, "_pinyin_pending", None), None
        if pending is not None:
            self.set_pinyin(pending())

    def close(self) -> None:
        """Stop the helper worker of ``load(..., background=True)``, if any (idempotent)."""
        helper, self.helper = getattr(self, "helper", None), None
        self._pinyin_pending = None
        if helper is not None:
            helper.terminate()
            helper.join()

    def set_pinyin(self, triples: list[Triple]) -> None:
        """Add the generated pinyin triples (to the store too)."""
        self.pinyin = list(triples)
        from cppcc_kg.rdf.store import to_ox
        self.pinyin_nt = _sorted_lines(ox.serialize([ox.Triple(*(to_ox(x) for x in t)) for t in self.pinyin],
                                                    format=_NT))
        load_store({str(PINYIN_GRAPH): self.pinyin_nt}, self.store)
        self._graph = None
        self.triple_count = None

    def graphs(self) -> dict[str, bytes]:
        """Graph IRI -> N-Triples of every named graph (the files, then the pinyin)."""
        out = {str(graph_iri(rel)): nt for rel, nt in self.nt.items()}
        out[str(PINYIN_GRAPH)] = self.pinyin_nt
        return out

    @property
    def view(self) -> Graph:
        if self._view is None:
            self._view = graph_view(self.store)
        return self._view

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            g = Graph()
            bind_prefixes(g)
            for nt in list(self.nt.values()) + [self.pinyin_nt]:
                for t in triples_of(nt):
                    g.add(t)
            self._graph = g
        return self._graph

    def __len__(self) -> int:
        """The number of distinct triples of the project (pinyin included)."""
        if self.triple_count is None:
            self.triple_count = len(self.view)
        return self.triple_count

    def files_of(self, s, p=None, o=None) -> list[str]:
        """Files (sorted) holding a triple matching (s, p, o); None is a wildcard."""
        from cppcc_kg.rdf.store import to_ox
        found = {rel_of_graph(q.graph_name.value)
                 for q in self.store.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), None)}
        for rel, triples in self._duplicate_triples().items():
            if any((p is None or tp == p) and (o is None or to == o) for ts, tp, to in triples if ts == s):
                found.add(rel)
        found.discard(None)
        return sorted(found)

    def _duplicate_triples(self) -> dict[str, list]:
        if self._dups is None:
            self._dups = {rel: triples_of(data) for rel, data in self.duplicates.items()}
        return self._dups

    @contextlib.contextmanager
    def with_duplicates(self):
        """The store with every file's graph complete for the time of the block (the triples that
        several files hold in each of their graphs), as a data rule that compares files needs it."""
        added = []
        try:
            for rel, data in self.duplicates.items():
                g = ox.NamedNode(str(graph_iri(rel)))
                for t in ox.parse(data, format=_NT):
                    q = ox.Quad(t.subject, t.predicate, t.object, g)
                    self.store.add(q)
                    added.append(q)
            yield self.store
        finally:
            for q in added:
                self.store.remove(q)

    def defined_in(self, node) -> list[str]:
        """Files that give *node* its ``rdf:type`` (or, failing that, any triple about it)."""
        return self.files_of(node, RDF.type) or self.files_of(node)

    def dataset(self) -> Dataset:
        """The project as an rdflib Dataset: one named graph per file, plus the pinyin graph."""
        ds = Dataset()
        bind_prefixes(ds)
        for rel in self.files:
            g = ds.graph(graph_iri(rel))
            for t in self.files[rel]:
                g.add(t)
        g = ds.graph(PINYIN_GRAPH)
        for t in self.pinyin:
            g.add(t)
        return ds

    def quads(self) -> Iterable[tuple]:
        """(s, p, o, graph IRI) for every file triple and every pinyin triple."""
        for rel in self.files:
            g = graph_iri(rel)
            for s, p, o in self.files[rel]:
                yield s, p, o, g
        for s, p, o in self.pinyin:
            yield s, p, o, PINYIN_GRAPH


# ---------------------------------------------------------------- entities and labels

def entity_classes(graph: Graph) -> set:
    """``cppcc:Entity`` and all its subclasses (by ``rdfs:subClassOf*``)."""
    return set(graph.transitive_subjects(RDFS.subClassOf, CPPCC.Entity))


def entities(graph: Graph) -> list:
    """Sorted IRIs of the instances of ``cppcc:Entity`` and its subclasses."""
    classes = entity_classes(graph)
    return sorted({s for s, o in graph.subject_objects(RDF.type) if o in classes and isinstance(s, URIRef)})


def zh_labels(graph: Graph, node) -> list[str]:
    """The ``rdfs:label`` values of *node* tagged ``@zh`` (or a ``zh-…`` subtag), sorted."""
    return sorted(str(o) for o in graph.objects(node, RDFS.label)
                  if isinstance(o, Literal) and o.language and o.language.lower().split("-")[0] == "zh")


ENTITY_ZH_LABELS = f"""
SELECT DISTINCT ?e ?label WHERE {{
  ?c <{RDFS.subClassOf}>* <{CPPCC.Entity}> . ?e a ?c .
  OPTIONAL {{ ?e <{RDFS.label}> ?label FILTER (langMatches(lang(?label), "zh")) }}
  FILTER (isIRI(?e))
}}"""


def entity_zh_labels(store: ox.Store) -> dict[str, list[str]]:
    """Entity IRI -> its ``@zh`` labels (sorted), for every entity, in IRI order (store version of
    :func:`entities` and :func:`zh_labels`)."""
    out: dict[str, list[str]] = {}
    for e, label in values(store, ENTITY_ZH_LABELS):
        lst = out.setdefault(e, [])
        if label:
            lst.append(label)
    return {e: sorted(out[e]) for e in sorted(out)}


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _split_compound(word: str) -> list[str]:
    """Split a long jieba word into the fewest, most frequent dictionary words of 2+ characters."""
    n = len(word)
    if n <= 4:
        return [word]
    freq = _tokenizer().FREQ
    best: list = [None] * (n + 1)
    best[0] = (0, 0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 2, n + 1):
            piece = word[i:j]
            f = freq.get(piece) if j - i < n else None
            if not f:
                continue
            cand = (best[i][0] + 1, best[i][1] - math.log(f), best[i][2] + [piece])
            if best[j] is None or cand[:2] < best[j][:2]:
                best[j] = cand
    return best[n][2] if best[n] else [word]


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_VOWEL_START = re.compile(r"^[aeoāáǎàēéěèōóǒò]")


def to_pinyin(text: str) -> str:
    """Hanyu pinyin of *text* with tone marks, one word per space.

    Words are cut by jieba (long compounds split again into dictionary words:
    内蒙古 自治区, not 内蒙古自治区); the syllables of a word are written together, with an
    apostrophe before a syllable that starts with a, o or e. Punctuation is
    dropped; Latin letters and digits are kept as they are.

    >>> to_pinyin("内蒙古自治区政协")
    'nèiménggǔ zìzhìqū zhèngxié'
    >>> to_pinyin("《2023年度工作规划》")
    '2023 niándù gōngzuò guīhuà'
    """
    from pypinyin import Style, lazy_pinyin

    words = []
    for word in (p for w in _tokenizer().cut(text, HMM=True) for p in _split_compound(w)):
        if _HAN.search(word):
            syllables = [s for s in lazy_pinyin(word, style=Style.TONE, errors="ignore") if s.strip()]
            out = syllables[0] if syllables else ""
            for s in syllables[1:]:
                out += ("'" if _VOWEL_START.match(s) else "") + s
            if out:
                words.append(out)
        else:
            words += re.findall(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*", word)
    return " ".join(words)


def pinyin_triples(graph: Graph) -> list[Triple]:
    """``(entity, cppcc:pinyin, "…")`` for the Chinese label of every entity."""
    out = []
    for e in entities(graph):
        for label in zh_labels(graph, e):
            p = to_pinyin(label)
            if p:
                out.append((e, CPPCC.pinyin, Literal(p)))
    return out


def _pinyin_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    parts = [CACHE_VERSION]
    for pkg in ("jieba", "pypinyin"):
        try:
            parts.append(version(pkg))
        except PackageNotFoundError:  # pragma: no cover
            parts.append("?")
    return "-".join(parts)


def start_project_pinyin(labels: dict[str, list[str]], cache: Cache | None = None,
                         stats: dict | None = None, pool=None, *, background: bool = False):
    """Start computing the pinyin triples for *labels* (entity -> zh labels, as
    :func:`entity_zh_labels` gives), using the pinyin cache; return a function that
    waits for them, updates the cache and returns them.

    With *background* and a *pool* (one worker whose dictionaries are loaded), the
    labels that the cache lacks are computed there while the caller goes on.
    """
    stats = stats if stats is not None else {}
    name = f"pinyin-{_pinyin_versions()}.json"
    known: dict[str, str] = {}
    if cache is not None:
        raw = cache.get(name)
        if raw:
            try:
                known = json.loads(raw)
            except ValueError:
                known = {}
    missing = sorted({label for lst in labels.values() for label in lst if label not in known})
    todo = set(missing)
    job = None
    n = _workers()
    if missing and background and pool is not None:
        job = pool.map_async(to_pinyin, missing, chunksize=256)
    elif n and len(missing) >= PARALLEL_MIN_LABELS:
        _tokenizer()  # loaded once, before the workers start, so that they share it
        with _pool(n) as many:
            known.update(zip(missing, many.map(to_pinyin, missing, chunksize=256)))
    elif missing and pool is not None:  # the warm worker: its dictionaries are loaded already
        known.update(zip(missing, pool.map(to_pinyin, missing, chunksize=64)))

    def finish() -> list[Triple]:
        if job is not None:
            known.update(zip(missing, job.get()))
        computed = cached = 0
        out = []
        for e, lst in labels.items():
            for label in lst:
                p = known.get(label)
                if p is None:
                    p = known[label] = to_pinyin(label)
                if label in todo:
                    computed += 1
                else:
                    cached += 1
                if p:
                    out.append((URIRef(e), CPPCC.pinyin, Literal(p)))
        stats["pinyin_computed"], stats["pinyin_cached"] = computed, cached
        if cache is not None:
            if computed:
                used = {label for lst in labels.values() for label in lst}
                cache.put(name, json.dumps({k: v for k, v in sorted(known.items()) if k in used},
                                           ensure_ascii=False, indent=0).encode("utf-8"))
            else:
                cache.used.add(name)
        return out
    return finish


def project_pinyin(labels: dict[str, list[str]], cache: Cache | None = None,
                   stats: dict | None = None, pool=None) -> list[Triple]:
    """The pinyin triples for *labels* (entity -> zh labels, as :func:`entity_zh_labels` gives),
    using and updating the pinyin cache."""
    return start_project_pinyin(labels, cache, stats, pool)()


def check_sources(graph: Graph, root: Path, where: Callable[[object], list[str]] | None = None
                  ) -> dict[URIRef, SourceText]:
    """Read the text of every ``cppcc:Source`` and check its sha256 and length.

    *graph* may be any rdflib graph (the project's :attr:`Project.view` reads the store).
    Raises :class:`SourceMissingError` or :class:`SourceChangedError` naming every
    source that is missing or changed.
    """
    root = Path(root)
    where = where or (lambda node: [])
    out: dict[URIRef, SourceText] = {}
    missing, changed = [], []

    def value(src, prop):
        vals = sorted(graph.objects(src, prop), key=str)
        return vals[0] if vals else None

    for src in sorted(s for s in graph.subjects(RDF.type, CPPCC.Source) if isinstance(s, URIRef)):
        files = where(src)
        described = f"{src} (described in {', '.join(files) or '?'})"
        path = value(src, CPPCC.localPath)
        if path is None:
            missing.append(f"source {described} has no cppcc:localPath: add the path of its text")
            continue
        full = root / str(path)
        if not full.is_file():
            missing.append(f"source {described}: its text {path} does not exist")
            continue
        data = full.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            changed.append(f"source {described}: {path} is not valid UTF-8")
            continue
        problems = []
        sha = hashlib.sha256(data).hexdigest()
        want_sha = value(src, CPPCC.sha256)
        if want_sha is None or str(want_sha).lower() != sha:
            problems.append(f"sha256 is {sha}, recorded {want_sha}")
        want_len = value(src, CPPCC.characterCount)
        try:
            want_len_i = int(want_len) if want_len is not None else None
        except ValueError:
            want_len_i = None
        if want_len_i != len(text):
            problems.append(f"length is {len(text)} code points, recorded {want_len}")
        if problems:
            changed.append(f"source {described}: {path} has changed: " + "; ".join(problems))
            continue
        out[src] = SourceText(src, str(path), text, files)
    if missing:
        raise SourceMissingError(
            "missing source text:\n  " + "\n  ".join(missing + changed),
            "copy the source text to the path in cppcc:localPath (see README, 'Adding a source').")
    if changed:
        raise SourceChangedError(
            "changed source text (the evidence offsets point into the recorded text):\n  " + "\n  ".join(changed),
            "restore the original file (for example from ../shared/sources/); if the change is meant, "
            "re-check every piece of evidence on it and update cppcc:sha256 and cppcc:characterCount.")
    return out


def load(root: Path | str = Path("."), *,
         progress: Callable[[int, int, str], None] | None = None, cache: bool = True,
         write_cache: bool = False, background: bool = False) -> Project:
    """Load the project at *root*: see the module docstring for the checks.

    Parameters
    ----------
    root : Path
        The project root (with ``ontology.ttl``).
    progress : callable, optional
        Called as ``progress(done, total, relpath)`` while files are parsed.
    cache : bool
        Use ``ROOT/.cache/cppcc-kg`` to skip files (and pinyin) already checked.
    write_cache : bool
        Also stage what is computed here for the cache (:meth:`Project.save_cache` keeps
        it, :meth:`Project.discard_cache` drops it; the build does one or the other).
    background : bool
        Keep a worker process (``Project.helper``, where ``fork`` is available) and compute
        the generated pinyin there while the caller goes on: the caller must call
        :meth:`Project.finish_pinyin` before it needs the pinyin, and :meth:`Project.close`.

    Returns
    -------
    Project

    Raises
    ------
    cppcc_kg.errors.InputError
        On a syntax error, a blank node in ``graph/``, or a missing or changed source.
    """
    import time

    root = Path(root)
    rels = project_files(root)
    c = Cache(root, enabled=cache, write=write_cache)
    cold = not cache or not any(c.dir.glob("pinyin-*.json")) if c.dir.is_dir() else True
    # one worker that loads jieba while the files are parsed; with *background*, it stays
    # for the caller (Project.helper) and computes the pinyin while the caller goes on
    warm = pinyin_pool() if (cold or background) else None
    stats: dict = {}
    keys: dict = {}
    seconds = stats["seconds"] = {}
    t0 = time.perf_counter()
    nt: dict[str, bytes] = {}
    store = ox.Store()
    loading = 0.0
    seen: set[bytes] = set()
    duplicates: dict[str, bytes] = {}
    try:
        for rel, data in iter_files(root, rels, progress=progress, cache=c, stats=stats, keys=keys):
            nt[rel] = data
            t = time.perf_counter()
            # a triple that an earlier file holds too is not stored again (see Project.duplicates)
            lines = set(data.split(b"\n"))
            lines.discard(b"")
            again = lines & seen
            seen |= lines
            if again:
                duplicates[rel] = b"".join(line + b"\n" for line in sorted(again))
                data = b"".join(line + b"\n" for line in sorted(lines - again))
            load_store({str(graph_iri(rel)): data}, store)  # while the next files are parsed
            loading += time.perf_counter() - t
    except BaseException:
        c.discard()
        if warm is not None:
            warm.terminate()
            warm.join()
        raise
    del seen
    t2 = time.perf_counter()
    t1 = t2 - loading
    project = Project(root, nt, store=store)
    project.duplicates = duplicates
    project.keys = keys
    project.cache = c
    project.stats = stats
    try:
        project.sources = check_sources(project.view, root, where=project.defined_in)
        t3 = time.perf_counter()
        if background and warm is not None:
            project.helper = warm
            project._pinyin_pending = start_project_pinyin(entity_zh_labels(project.store), c, stats,
                                                           pool=warm, background=True)
            warm = None
        else:
            project.set_pinyin(project_pinyin(entity_zh_labels(project.store), c, stats, pool=warm))
    except BaseException:
        c.discard()
        project.close()
        raise
    finally:
        if warm is not None:
            warm.terminate()
            warm.join()
    t4 = time.perf_counter()
    seconds.update(parse=t1 - t0, store=t2 - t1, sources=t3 - t2, pinyin=t4 - t3)
    return project


def load_project(root: Path | str = Path(".")) -> Graph:
    """The merged graph of the project at *root*, with generated pinyin (in memory, prefixes bound).

    Raises :class:`cppcc_kg.errors.KGError` subclasses on bad input.
    """
    return load(root).graph
