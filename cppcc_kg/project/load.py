"""Load a cppcc-kg project: strict Turtle, checked sources, generated pinyin.

A project root holds ``ontology.ttl``, ``sources/*.ttl`` (one description per
source text) and ``graph/**/*.ttl`` (the curated graph; ``graph/proposed/`` is
left out until reviewed). :func:`load` reads them in that order
(:func:`cppcc_kg.project.files.project_files`) and

1. checks every file as strict Turtle 1.1 (:mod:`cppcc_kg.rdf.syntax`) and rejects
   blank nodes in ``graph/``: all syntax errors are reported together, as
   ``FILE:LINE:COLUMN: message`` (:func:`cppcc_kg.project.files.iter_files`);
2. checks every ``cppcc:Source``: the file at its ``cppcc:localPath`` exists and
   still has its ``cppcc:sha256`` and ``cppcc:characterCount``
   (:func:`cppcc_kg.project.sources.check_sources`);
3. adds ``cppcc:pinyin`` (tone marks, one word per space) for the Chinese label
   of every entity (:mod:`cppcc_kg.project.pinyin`).

Each file becomes canonical N-Triples (sorted, unique lines; blank nodes named in
order of appearance: :mod:`cppcc_kg.rdf.ntriples`), the form every later step reads:
the exports merge these lines, and ONE Oxigraph store (:mod:`cppcc_kg.rdf.store`) holds
them with one named graph per file (:func:`cppcc_kg.project.files.graph_iri`), so that
SPARQL can say which file a triple comes from. :class:`Project` documents the views of
these triples that callers use.

Incremental loading: the N-Triples of a file that passed the checks are kept in
``ROOT/.cache/cppcc-kg/`` (:class:`cppcc_kg.project.cache.Cache`); a file whose bytes did
not change is not parsed or checked again. So is the pinyin of a label already seen.
:func:`load` only reads the cache; a successful build writes it (:meth:`Project.save_cache`),
so a failed one leaves the project folder as it was. ``cache=False`` (or
``cppcc-kg build --no-cache``) ignores it.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cppcc_kg.errors import KGError
from cppcc_kg.project.cache import Cache, get_json, put_json
from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.project.file_facts import FileFacts, distinct_triples
from cppcc_kg.project.file_store import ParsedFiles, read_into_store, store_error, store_timeline, without_lines
from cppcc_kg.project.files import (
    PINYIN_GRAPH,
    graph_iri,
    project_files,
    rel_of_graph,
)
from cppcc_kg.project.pinyin import (
    entity_pinyin_styles,
    pinyin_pool,
    start_pinyin_of_facts,
    start_project_pinyin,
)
from cppcc_kg.project.predicates import (
    PREDICATES_ENTRY,
    digest_of,
    predicate_digests,
)
from cppcc_kg.project.sources import SourceText, check_sources
from cppcc_kg.rdf.namespaces import CPPCC, bind_prefixes
from cppcc_kg.rdf.ntriples import (
    NT,
    Triple,
    ntriples_of,
    triples_of,
)
from cppcc_kg.rdf.store import (
    LoadingStopped,
    StoreLoader,
    failing_graph,
    graph_view,
    load_store,
    to_ox,
)

__all__ = ["Project", "load", "load_project"]


#: predicate_digest's state of the pinyin while it is pending
_PENDING = object()
#: the projects closed as the process ends (:meth:`Project.close` with ``process_ends``): kept, never freed one by one
_LEFT_TO_THE_END: list = []


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
    """A loaded project: its files as N-Triples, ONE store of their triples, the sources, the pinyin.

    The triples are held once, as canonical N-Triples per file (:attr:`nt`, the bytes as
    written, which the exports and the datatype checks read) and in :attr:`store`; the
    other views read one of these two:

    ========================  ==========================================================
    :attr:`store`             Oxigraph: one named graph per file and one for the pinyin
                              (SPARQL, the checks, the entity graph)
    :meth:`graphs`            named graph IRI -> N-Triples (the exports, the SHACL datatypes)
    :attr:`view`              rdflib ``Graph`` reading :attr:`store` (nothing copied; read-only)
    :attr:`graph`             rdflib ``Graph`` in memory (pySHACL, rdflib-only code: slow
                              for millions of triples; made when first used)
    :attr:`files`             relative path -> the file's triples as rdflib terms (made when
                              first used)
    :meth:`files_of`,         which files hold a triple, or define a thing (messages)
    :meth:`defined_in`
    :meth:`with_duplicates`   the store with every file's graph complete, for a block
    ========================  ==========================================================

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
        ``triples_read`` (the lines of the files' N-Triples), ``seconds`` per step (``parse``, ``store``, ``sources``, ``pinyin``).
    duplicates : dict
        Relative path -> N-Triples of its triples that an earlier file holds too: the store
        holds each triple once (SPARQL on the union sees a set, as SHACL and pySHACL mean it);
        :meth:`files_of` and :meth:`with_duplicates` take these into account.
    keys : dict
        Relative path -> cache key of the file (its bytes, path and the parser's version).
    helper : cppcc_kg.project.workers.Workers or None
        With ``load(..., background=True)``: a worker process that the build gives work
        to do beside it; :meth:`close` stops it.
    """

    def __init__(self, root: Path, nt: dict[str, bytes], store: ox.Store | None = None, *,
                 loader: StoreLoader | None = None):
        self.root = Path(root)
        self.nt = nt
        self._loader = loader  # loading the store in its thread: :attr:`store` waits for it
        self._store = loader.store if loader is not None else \
            store if store is not None else load_store({str(graph_iri(r)): b for r, b in nt.items()})
        self._store_lock = threading.Lock()
        self._store_error: KGError | None = None
        self._released = False  # release_store: a store nobody read was dropped; the next reader loads it whole
        self._pinyin_deferred = False  # set_pinyin while the store loads: loaded once it is
        #: the files' facts (:mod:`cppcc_kg.project.file_facts`) when the store was loaded beside the caller
        self.facts: FileFacts | None = None
        self.sources: dict[URIRef, SourceText] = {}
        self.pinyin: list[Triple] = []
        self.pinyin_nt = b""
        self.stats: dict = {}
        self.cache: Cache | None = None
        self.keys: dict[str, str] = {}
        self.files = _Files(nt)
        #: the number of distinct triples, once counted (the export counts them too)
        self.triple_count: int | None = None
        self.duplicates: dict[str, bytes] = {}
        self.helper = None
        self._graph: Graph | None = None
        self._view: Graph | None = None
        self._pinyin_pending = None
        self._dups: dict | None = None  # made by files_of
        self._predicates: dict[str, dict[str, str]] | None = None  # made by predicate_digest
        self._predicates_lock = threading.Lock()  # the validation thread and the stages both ask
        self._digests: dict[frozenset, tuple] = {}  # predicate_digest's answers: set -> (pinyin state, digest)
        self._pinyin_digests: tuple | None = None  # (pinyin_nt, its predicate_digests)
        self._started = time.perf_counter()  # (the load's start: when the store was ready, in stats)

    # ------------------------------------------------------------ cache, pinyin, helper
    def save_cache(self) -> list[str]:
        """Keep what this load (and the build) computed in ``ROOT/.cache/cppcc-kg`` (see the module
        docstring); best effort: never raises, returns what could not be kept (messages)."""
        if self.cache is not None:
            return self.cache.save()
        return []

    def discard_cache(self) -> None:
        """Forget what this load computed (a failed build leaves the project folder as it was)."""
        if self.cache is not None:
            self.cache.discard()

    @property
    def pinyin_pending(self) -> bool:
        """Whether the pinyin that :func:`load` (``background=True``) computes beside the caller is not in
        the store yet (:meth:`finish_pinyin` waits for it)."""
        return self._pinyin_pending is not None

    @property
    def pinyin_computing(self) -> bool:
        """Whether the helper worker is computing pinyin that the cache lacks (the caller may do other work
        meanwhile); False when it is all from the cache (then :meth:`finish_pinyin` waits for nothing)."""
        return bool(getattr(self._pinyin_pending, "computing", False))

    def finish_pinyin(self) -> None:
        """Wait for the pinyin that :func:`load` (``background=True``) computes beside the caller."""
        pending, self._pinyin_pending = self._pinyin_pending, None
        if pending is not None:
            self.set_pinyin(pending())

    def close(self, *, process_ends: bool = False) -> None:
        """Stop the helper worker of ``load(..., background=True)``, if any, and the store's loading if it has
        not ended, freeing what it loaded (:meth:`release_store`; idempotent).

        *process_ends*: the process ends right after (``cppcc-kg build`` as the process's entry,
        :func:`cppcc_kg.cli.common.end_at_once`, which ends it with ``os._exit``). Then the store's loading is told
        to stop but not waited for (its thread is a daemon that only fills the store in memory: the process's end
        stops it), and nothing is freed: the project is kept to the process's end (:data:`_LEFT_TO_THE_END`),
        whose ``os._exit`` frees it at once (dropping a half-loaded store of a million triples took 0.5 s, waiting
        for the batch being loaded 0.35 s). A reader of :attr:`store` after it still gets the whole store (or the
        loading's error), as after :meth:`release_store`. The helper worker is stopped either way."""
        if process_ends:
            self._leave_store()
        else:
            self.release_store()
        helper, self.helper = self.helper, None
        self._pinyin_pending = None
        if helper is not None:
            helper.terminate()
            helper.join()

    def set_pinyin(self, triples: list[Triple]) -> None:
        """Add the generated pinyin triples (to the store too: at once, or once it is loaded).

        *triples* as :func:`~cppcc_kg.project.pinyin.start_project_pinyin` gives them (a
        :class:`~cppcc_kg.project.pinyin_cache.PinyinTriples`) come with their N-Triples (kept in the cache, or made
        from strings): they are neither made again nor read here."""
        with self._store_lock:
            nt = getattr(triples, "nt", None)  # (a PinyinTriples: its triples are made only if read)
            self.pinyin = triples if nt is not None else list(triples)
            self.pinyin_nt = nt if nt is not None else ntriples_of(self.pinyin)
            if self._loader is not None:
                self._pinyin_deferred = True
            elif self._store is not None:  # (else a reader loads the whole store, this pinyin with it)
                load_store({str(PINYIN_GRAPH): self.pinyin_nt}, self._store)
            self._graph = None
            self.triple_count = None

    # ------------------------------------------------------------ the store, loading beside the caller
    @property
    def store(self) -> ox.Store:
        """The Oxigraph store; when :func:`load` left it loading in its thread (``store_beside=True``), the
        first reader (in any thread) waits for it here. Raises :class:`~cppcc_kg.errors.InputError` if the
        loading failed or was stopped (:meth:`stop_loading`)."""
        if self._loader is not None:
            self._wait_store()
        store = self._store
        if store is None:  # released (release_store): loaded whole, as without the loader's thread
            with self._store_lock:
                if self._store is None:
                    graphs = self._stored_graphs()
                    try:
                        self._store = load_store(graphs)
                    except Exception as exc:  # noqa: BLE001 (a clean message, naming the file)
                        raise store_error(self.root, failing_graph(list(graphs.items())), exc) from None
                store = self._store
        return store

    def _stored_graphs(self) -> dict[str, bytes]:
        """Graph IRI -> the N-Triples that the store holds in that graph: each file's without the triples that an
        earlier file holds (:attr:`duplicates`, as :func:`load` left them out), then the pinyin."""
        out = self.graphs()
        for rel, held in self.duplicates.items():
            out[str(graph_iri(rel))] = without_lines(self.nt[rel], held)
        return out

    def release_store(self) -> None:
        """Stop loading the store if it is still loading (the end of a build: nobody read it, or the build would
        have waited for it): the thread stops after the batch it is loading, what it loaded is freed, and the next
        reader of :attr:`store` (``cppcc-kg serve``, a notebook) loads the store whole, the same quads as the
        thread would have (a reader waiting meanwhile too). A store whose loading ended stays; so does the error
        of a loading that failed, or that :meth:`stop_loading` stopped."""
        loader = self._loader
        if loader is None or loader.done:
            return
        self._released = True  # (a reader waiting meanwhile gets LoadingStopped: it loads the store whole)
        loader.close()
        if loader.stopped and loader.error is None:
            self._forget(loader)

    def _leave_store(self) -> None:
        """:meth:`close` when the process ends right after: a loading that has not ended is told to stop (not
        waited for) and the project kept to the process's end."""
        loader = self._loader
        if loader is None or loader.done:
            return
        self._released = True  # (a later reader loads the store whole, as after release_store)
        loader.close(wait=False)
        _LEFT_TO_THE_END.append(self)

    def _forget(self, loader: StoreLoader) -> None:
        """Drop the store that the released *loader* left partly loaded (:meth:`release_store`)."""
        with self._store_lock:
            if self._loader is loader:
                self._loader = None
                self._store = loader.store = None
                self._pinyin_deferred = False  # (the whole store is loaded with the pinyin)

    @property
    def store_loading(self) -> bool:
        """Whether the store is still being loaded beside the caller (reading :attr:`store` waits)."""
        loader = self._loader
        return loader is not None and not loader.done

    def _wait_store(self) -> None:
        loader = self._loader
        if loader is None:
            return
        t0 = time.perf_counter()
        try:
            loader.finish()
        except Exception as exc:  # noqa: BLE001 (every reader gets the same clean error)
            if self._released and isinstance(exc, LoadingStopped) and loader.error is None:
                self._forget(loader)  # released while this reader waited: it loads the store whole
                return
            with self._store_lock:
                if self._store_error is None:
                    self._store_error = store_error(self.root, loader.error_graph, exc)
            raise self._store_error from None
        with self._store_lock:
            if self._loader is loader:
                if self._pinyin_deferred:
                    load_store({str(PINYIN_GRAPH): self.pinyin_nt}, self._store)
                    self._pinyin_deferred = False
                self._loader = None
                self.stats.setdefault("seconds", {})["store wait"] = time.perf_counter() - t0
                self.stats["store ready"] = time.perf_counter() - self._started
                self.stats["store timeline"] = store_timeline(loader, self._started)

    def stop_loading(self) -> None:
        """Stop loading the store (a build that fails or is interrupted): what waits for it gets an error."""
        loader = self._loader
        if loader is not None:
            loader.close()

    def predicate_digest(self, predicates) -> str:
        """The sha256 of the triples of the properties *predicates* (IRIs) in the store: those of each file,
        in load order, and those of the generated pinyin (or that it is not there yet); a query that reads
        only these properties has the same solutions whenever this digest is the same
        (:mod:`cppcc_kg.project.predicates`). The digests of each file's properties are kept in the
        loader's cache by the file's key.

        Each answer is kept on the project (the validation's rules and the entity graph's queries ask again for the
        same properties), by the set of *predicates* (all that :func:`digest_of` reads of them) and the state of
        the pinyin: its digest is a function of the files' digests, made once from :attr:`nt` (which a project
        never changes), and of the pinyin's: nothing when ``cppcc:pinyin`` is not asked for; "pending" while
        :attr:`pinyin_pending`; else the digests of :attr:`pinyin_nt`, an immutable ``bytes`` object that
        :meth:`set_pinyin` replaces: an answer is reused only for the very object it was made from (``is``),
        so that a new pinyin (even equal) is digested again, never a stale answer given."""
        wanted = frozenset(predicates)
        with self._predicates_lock:
            if self._predicates is None:
                self._predicates = self._file_predicate_digests()
            # the pinyin graph holds cppcc:pinyin only: while it is not loaded, it is "pending" for that property
            state = None if str(CPPCC.pinyin) not in wanted else _PENDING if self.pinyin_pending else self.pinyin_nt
            kept = self._digests.get(wanted)
            if kept is not None and kept[0] is state:
                return kept[1]
            if state is None or state is _PENDING:
                pinyin = {} if state is None else None
            else:
                if self._pinyin_digests is None or self._pinyin_digests[0] is not state:
                    self._pinyin_digests = (state, predicate_digests(state))
                pinyin = self._pinyin_digests[1]
            digest = digest_of([*self._predicates.items(), (str(PINYIN_GRAPH), pinyin)], wanted)
            self._digests[wanted] = (state, digest)
            return digest

    def _file_predicate_digests(self) -> dict[str, dict[str, str]]:
        """File -> property -> digest (:func:`predicate_digests`), from the cache where the file's key is there."""
        kept = get_json(self.cache, PREDICATES_ENTRY)
        kept = kept if isinstance(kept, dict) else {}
        made = {rel: kept.get(self.keys.get(rel, "")) or predicate_digests(nt) for rel, nt in self.nt.items()}
        if self.cache is not None and any(kept.get(self.keys.get(rel, "")) is None for rel in self.nt):
            put_json(self.cache, PREDICATES_ENTRY, {self.keys[r]: d for r, d in made.items() if r in self.keys})
        return made

    # ------------------------------------------------------------ views
    def graphs(self) -> dict[str, bytes]:
        """Graph IRI -> N-Triples of every named graph (the files, then the pinyin)."""
        out = {str(graph_iri(rel)): nt for rel, nt in self.nt.items()}
        out[str(PINYIN_GRAPH)] = self.pinyin_nt
        return out

    @property
    def view(self) -> Graph:
        """An rdflib ``Graph`` reading the union of the named graphs of :attr:`store` (read-only; made at
        once, its first lookup waits for a store being loaded)."""
        if self._view is None:
            self._view = graph_view(lambda: self.store)
        return self._view

    def schema_graph(self) -> Graph:
        """A graph that gives the same :class:`~cppcc_kg.schema.Schema` as :attr:`view`: while the store is being
        loaded, a small store of what the schema reads (:meth:`FileFacts.schema_store`), else :attr:`view`."""
        if self.facts is None or not self.store_loading:
            return self.view
        return graph_view(self.facts.schema_store(self.nt))

    @property
    def graph(self) -> Graph:
        """Every triple (pinyin included) in an rdflib ``Graph`` in memory, prefixes bound."""
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
            lines = self.stats.get("distinct_lines")  # (counted by the loader: exact unless literals by value)
            n = None if lines is None else distinct_triples(self.nt, lines, self.pinyin_nt)
            self.triple_count = len(self.view) if n is None else n
        return self.triple_count

    def files_of(self, s, p=None, o=None) -> list[str]:
        """Files (sorted) holding a triple matching (s, p, o); None is a wildcard."""
        found = {rel_of_graph(q.graph_name.value)
                 for q in self.store.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), None)}
        if self._dups is None:  # subject -> (file, predicate, object) of the triples held again
            self._dups = {}
            for rel, data in self.duplicates.items():
                for ts, tp, to in triples_of(data):
                    self._dups.setdefault(ts, []).append((rel, tp, to))
        for rel, tp, to in self._dups.get(s, ()):
            if (p is None or tp == p) and (o is None or to == o):
                found.add(rel)
        found.discard(None)
        return sorted(found)

    def defined_in(self, node) -> list[str]:
        """Files that give *node* its ``rdf:type`` (or, failing that, any triple about it)."""
        return self.files_of(node, RDF.type) or self.files_of(node)

    @contextlib.contextmanager
    def with_duplicates(self):
        """The store with every file's graph complete for the time of the block (the triples that
        several files hold in each of their graphs), as a data rule that compares files needs it."""
        added = []
        try:
            for rel, data in self.duplicates.items():
                g = ox.NamedNode(str(graph_iri(rel)))
                for t in ox.parse(data, format=NT):
                    q = ox.Quad(t.subject, t.predicate, t.object, g)
                    self.store.add(q)
                    added.append(q)
            yield self.store
        finally:
            for q in added:
                self.store.remove(q)


def _stop(pool) -> None:
    if pool is not None:
        pool.terminate()
        pool.join()


def _sources_and_pinyin(project: Project, warm, background: bool):
    """Check the sources of *project* and start (or make) its pinyin; returns the time the
    sources were checked and the warm worker if it is still the caller's to stop. With the files'
    facts (the store loading beside), both read them instead of the store."""
    facts = project.facts
    if facts is None:
        project.sources = check_sources(project.view, project.root, where=project.defined_in)
    else:
        typed = facts.small_store([CPPCC.Source])
        where = facts.files_typing(str(s) for s in graph_view(typed).subjects(RDF.type, CPPCC.Source))
        project.sources = check_sources(graph_view(typed), project.root, where=lambda node: where.get(str(node), []))
    t = time.perf_counter()

    def start(**options):  # (from the facts: the labels and styles joined only if their pinyin is not kept)
        if facts is not None:
            return start_pinyin_of_facts(facts, project.cache, project.stats, pool=warm, **options)
        return start_project_pinyin(entity_zh_labels(project.store), project.cache, project.stats, pool=warm,
                                    styles=entity_pinyin_styles(project.store), **options)
    if background and warm is not None:
        project._pinyin_pending = start(background=True)
        project.helper = warm
        return t, None
    project.set_pinyin(start(before_fork=lambda: project.store)())
    return t, warm


def load(root: Path | str = Path("."), *,
         progress: Callable[[int, int, str], None] | None = None, cache: bool = True,
         write_cache: bool = False, background: bool = False, store_beside: bool = False,
         idle_store: bool = False, while_store_loads: Callable[[ParsedFiles], None] | None = None) -> Project:
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
    store_beside : bool
        Return before the store is loaded: its thread goes on while the caller works, and the first reader of
        :attr:`Project.store` waits for it. The sources check, the labels and styles of the pinyin and
        :meth:`Project.schema_graph` read the files' facts instead (:mod:`cppcc_kg.project.file_facts`, kept in
        the loader's cache): the same answers. An error of the loading is raised by :attr:`Project.store`.
        :meth:`Project.close` stops a loading that nobody waited for (:meth:`Project.release_store`).
    idle_store : bool
        With *store_beside*: the store's thread at the lowest priority (Linux, where the process may give it back)
        until a reader waits for it, so that it only takes the cores the caller leaves idle: for a caller that
        seldom reads the store. A reader that comes late waits for all that was not loaded meanwhile.
    while_store_loads : callable, optional
        Without *store_beside*: called with the :class:`ParsedFiles` once all are parsed, before the store's loading
        is waited for: work that needs no store starts meanwhile (the build's helper makes the Turtle and JSON-LD).

    Returns
    -------
    Project

    Raises
    ------
    cppcc_kg.errors.InputError
        On a syntax error, a blank node in ``graph/``, or a missing or changed source.
    """
    root = Path(root)
    rels = project_files(root)
    c = Cache(root, enabled=cache, write=write_cache)
    cold = not cache or not any(c.dir.glob("pinyin-*.json")) if c.dir.is_dir() else True
    # one worker that loads jieba while the files are parsed; with *background*, it stays
    # for the caller (Project.helper) and computes the pinyin while the caller goes on
    # (with the pinyin cache there, the worker loads the dictionaries only if a label is new: a build after an
    # edit gives it the Turtle and JSON-LD of the changed file at once)
    warm = pinyin_pool(warm=cold) if (cold or background) else None
    stats, keys, helper = {}, {}, warm if background else None
    seconds = stats["seconds"] = {}
    t0 = time.perf_counter()
    try:
        parsed = while_store_loads and (lambda nt: while_store_loads(ParsedFiles(nt, keys, c, helper)))
        nt, loader, duplicates, loading, facts = read_into_store(root, rels, c, stats, keys, progress,
                                                                 beside=store_beside, idle=idle_store, parsed=parsed)
    except BaseException:
        c.discard()
        _stop(warm)
        raise
    t2 = time.perf_counter()
    t1 = t2 - loading
    project = Project(root, nt, loader=loader if store_beside else None, store=loader.store)
    project.duplicates, project.keys, project.cache, project.stats = duplicates, keys, c, stats
    project.facts, project._started = (FileFacts(facts) if store_beside else None), t0
    try:
        t3, warm = _sources_and_pinyin(project, warm, background)
    except BaseException:
        c.discard()
        project.close()
        raise
    finally:
        _stop(warm)
    t4 = time.perf_counter()
    seconds.update(parse=t1 - t0 - seconds.get("facts", 0.0), store=t2 - t1, sources=t3 - t2, pinyin=t4 - t3)
    return project


def load_project(root: Path | str = Path(".")) -> Graph:
    """The merged graph of the project at *root*, with generated pinyin (in memory, prefixes bound).

    Raises :class:`cppcc_kg.errors.KGError` subclasses on bad input.
    """
    return load(root).graph
