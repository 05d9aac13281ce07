"""The project's triples in an Oxigraph store, and an rdflib view of that store.

The build keeps every triple once, in a :class:`pyoxigraph.Store` with one named
graph per input file (and one for the generated pinyin). SPARQL on it runs in Rust,
so the checks and summaries that look at every entity stay fast at millions of
triples. Code written for rdflib (the display hints of the page, error messages)
reads the same store through :func:`graph_view`: an rdflib ``Graph`` whose triples
are the union of the named graphs, answered by Oxigraph pattern by pattern, with
nothing copied.

Oxigraph stores numbers by value: ``"05"^^xsd:integer`` and
``"5"^^xsd:nonNegativeInteger`` both come back as ``"5"^^xsd:integer``. Everything
that must keep the triples as written (the exported files, datatype checks) reads
the parsed N-Triples of :mod:`cppcc_kg.project.load`, never the store.

>>> store = load_store({"https://e.org/g": b'<http://e.org/a> <http://e.org/p> "x"@zh .\\n'})
>>> g = graph_view(store)
>>> len(g), [str(o) for o in g.objects(URIRef("http://e.org/a"), URIRef("http://e.org/p"))]
(1, ['x'])
>>> rows(store, "SELECT ?o WHERE { ?s ?p ?o }")
[{'o': rdflib.term.Literal('x', lang='zh')}]
"""
from __future__ import annotations

import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.store import Store

from cppcc_kg.rdf.namespaces import bind_prefixes

try:
    import resource  # (Unix only: the limits of the nice value, may_lower_nice)
except ImportError:  # pragma: no cover - Windows
    resource = None

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term):
    """An rdflib term as a pyoxigraph term (``None`` stays ``None``).

    >>> to_ox(Literal("甲", lang="zh"))
    <Literal value=甲 language=zh>
    """
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def from_ox(term):
    """A pyoxigraph term as an rdflib term (``None`` stays ``None``).

    >>> from_ox(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


class TermCache(dict):
    """pyoxigraph terms to rdflib terms (:func:`from_ox`), sharing equal terms: for converting
    many rows of results that repeat the same terms.

    >>> cache = TermCache()
    >>> cache[ox.NamedNode("http://e.org/a")] is cache[ox.NamedNode("http://e.org/a")]
    True
    """

    def __missing__(self, term):
        out = self[term] = from_ox(term)
        return out


def store_of_quads(quads: Iterable[tuple], store: ox.Store | None = None) -> ox.Store:
    """A store (new, or *store*) holding *quads*: ``(s, p, o, g)`` of rdflib terms, where *g*
    is a graph name (an IRI) or ``None`` for the default graph.

    >>> s = store_of_quads([(URIRef("http://e.org/a"), URIRef("http://e.org/p"), Literal("x"), None)])
    >>> len(s), next(iter(s)).graph_name
    (1, <DefaultGraph>)
    """
    store = ox.Store() if store is None else store
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph() if g is None else to_ox(g))
                 for s, p, o, g in quads)
    return store


def store_of_graph(graph: Graph) -> ox.Store:
    """A store holding an rdflib graph: a plain ``Graph`` in the default graph; the named
    graphs of a ``Dataset`` (or ``ConjunctiveGraph``) each in its own graph, and its default
    graph in the default graph."""
    if not isinstance(graph, ConjunctiveGraph):
        return store_of_quads((s, p, o, None) for s, p, o in graph)
    default = (graph.default_graph if isinstance(graph, Dataset) else graph.default_context).identifier

    def name(context):
        iri = getattr(context, "identifier", context)
        return None if iri is None or iri == default else iri

    return store_of_quads((s, p, o, name(c)) for s, p, o, c in graph.quads((None, None, None, None)))


def load_store(graphs: dict[str, bytes], store: ox.Store | None = None) -> ox.Store:
    """A store (new, or *store*) holding each N-Triples document of *graphs* in its named graph.

    *graphs* maps a graph IRI to N-Triples bytes that Oxigraph wrote (the canonical N-Triples
    of :mod:`cppcc_kg.rdf.ntriples`, made from Turtle that its strict parser accepted): they are
    loaded without checking their IRIs and language tags again (Oxigraph's ``lenient`` mode,
    about 40 % less time at a million triples; the quads are the same, as the tests check), all in ONE
    ``bulk_load`` of N-Quads (each line ``s p o .`` becomes ``s p o <graph> .``: in canonical N-Triples
    `` .\n`` ends a line and nowhere else), so that a thread loading them holds the GIL once, not once a graph.
    Blank nodes keep their labels, so that what the store reports about them is the same from run to run.
    """
    store = ox.Store() if store is None else store
    _load_graphs(graphs.items(), store)
    return store


def _load_graphs(graphs: Iterable[tuple[str, bytes]], store: ox.Store) -> None:
    """Load (graph IRI, N-Triples) pairs into *store* in their order: the runs of those without blank nodes
    each as one ``bulk_load`` of N-Quads (see :func:`load_store`)."""
    quads: list[bytes] = []
    for iri, nt in graphs:
        if not nt:
            continue
        if b"_:" in nt:  # loading would give blank nodes new random names: keep those of the N-Triples
            _bulk_quads(quads, store)
            g = ox.NamedNode(str(iri))
            store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
        elif _PLAIN_IRI.fullmatch(str(iri)):
            name = b" <" + str(iri).encode("utf-8") + b"> .\n"
            quads.append(nt.replace(b" .\n", name) if nt.endswith(b"\n") else nt.replace(b" .\n", name) + name)
        else:
            _bulk_quads(quads, store)
            store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iri)), lenient=True)
    _bulk_quads(quads, store)


def _bulk_quads(quads: list[bytes], store: ox.Store) -> None:
    """Load the N-Quads documents of *quads* in one ``bulk_load`` and empty the list."""
    if not quads:
        return
    default = ox.DefaultGraph()
    before = next(iter(store.quads_for_pattern(None, None, None, default)), None)
    store.bulk_load(b"".join(quads), format=ox.RdfFormat.N_QUADS, lenient=True)
    quads.clear()
    if before is None and next(iter(store.quads_for_pattern(None, None, None, default)), None) is not None:
        # a line of two terms became a triple of the default graph: not N-Triples (no other line can)
        raise SyntaxError("a line of the N-Triples is not a triple (it has two terms)")


#: an IRI written as it is between ``<`` and ``>`` in N-Quads
_PLAIN_IRI = re.compile(r'[^\x00-\x20<>"{}|^`\\]+')
#: the bytes of N-Triples that the thread of a :class:`StoreLoader` loads at once, at most (and a document more)
LOADER_BATCH = 16 << 20
#: the nice value of the thread of a :class:`StoreLoader` made with ``low_priority=True`` until a reader waits for it
LOW_PRIORITY = 19


def renice(thread_id: int, nice: int, *, back: bool = False) -> int | None:
    """Give the thread *thread_id* (its native id) the nice value *nice*, on Linux (where a thread has its own nice
    value); its nice value before, or None when nothing was done. Raising the value is always allowed, lowering it
    back needs the privilege (``CAP_SYS_NICE``, or ``RLIMIT_NICE`` high enough): unless *back*, the value is raised
    only where the process may lower it back (:func:`may_lower_nice`), so that a thread made slow can be made
    fast again. Elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        before = os.getpriority(os.PRIO_PROCESS, thread_id)
        if before != nice and (back or may_lower_nice(before)):
            os.setpriority(os.PRIO_PROCESS, thread_id, nice)
        elif before != nice:
            return None
    except OSError:
        return None
    return before


#: where Linux tells the capabilities of the process (``CapEff``)
_STATUS = "/proc/self/status"


def may_lower_nice(nice: int) -> bool:
    """Whether this process may give its threads the nice value *nice* again once raised (Linux: ``RLIMIT_NICE`` of
    at least ``20 - nice``, or the capability ``CAP_SYS_NICE``, as the kernel's ``can_nice`` asks)."""
    if resource is None:
        return False
    soft = resource.getrlimit(resource.RLIMIT_NICE)[0]
    if soft == resource.RLIM_INFINITY or 20 - nice <= soft:
        return True
    try:
        with open(_STATUS, encoding="ascii", errors="replace") as f:
            caps = next((line.split()[1] for line in f if line.startswith("CapEff:")), "0")
        return bool(int(caps, 16) >> 23 & 1)  # CAP_SYS_NICE is capability 23
    except (OSError, ValueError, IndexError):
        return False


class StoreLoader:
    """Loads N-Triples documents into a store in a thread, in the order given, while the caller
    goes on (Oxigraph lets other Python threads run while it loads: the caller reads and
    compares the next files meanwhile).

    :meth:`add` queues a document (as :func:`load_store` takes it); :meth:`finish` waits for the
    thread and raises what it raised; :meth:`close` stops it (after the document being loaded).
    The thread starts with the first document, so that a process forked before that (worker
    processes) has no thread of this loader.

    With ``low_priority=True`` the thread runs at the nice value :data:`LOW_PRIORITY` (Linux: a thread has its
    own), so that it only takes a core that the caller's threads and processes leave idle: a store that nobody
    reads costs the build no time; the first reader (:meth:`finish`) gives it back its normal priority, so that a
    store that is read loads as fast as before. Where the process may not give it back (no privilege,
    :func:`may_lower_nice`), the thread keeps its normal priority from the start.

    >>> loader = StoreLoader(ox.Store())
    >>> loader.add("https://e.org/g", b'<http://e.org/a> <http://e.org/p> "x" .\\n')
    >>> len(loader.finish())
    1
    """

    def __init__(self, store: ox.Store, *, low_priority: bool = False):
        self.store = store
        self.low_priority = low_priority
        self._nice_before: int | None = None  # the thread's nice value before it took LOW_PRIORITY
        self._nice_lock = threading.Lock()  # the thread lowers its priority, a reader raises it: one after the other
        self._urgent = False  # a reader waits: the thread keeps (or gets back) the normal priority
        self.error: BaseException | None = None
        #: the named graph whose loading raised :attr:`error`
        self.error_graph: str | None = None
        #: :meth:`close` stopped the thread before every document was loaded
        self.stopped = False
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._sealed = False
        self._ended = threading.Event()
        #: ``time.perf_counter()`` of the first :meth:`add`, and (start, end, documents, bytes) of each batch loaded
        self.first_add: float | None = None
        self.timeline: list[tuple[float, float, int, int]] = []

    def _run(self) -> None:
        try:
            if self.low_priority:
                with self._nice_lock:
                    if not self._urgent:
                        self._nice_before = renice(threading.get_native_id(), LOW_PRIORITY)
            self._load_queued()
        finally:  # (however the thread ends: a reader waiting for its end in finish() must not hang)
            with self._nice_lock:  # (its id may go to another thread once it ends: _hurry renices it no more)
                self._nice_before = None
            self._ended.set()

    def _load_queued(self) -> None:
        while True:  # what is queued, up to LOADER_BATCH bytes, loaded at once (load_store: one bulk_load)
            items = [self._queue.get()]
            size = len(items[0][1]) if items[0] is not None else 0
            while items[-1] is not None and size < LOADER_BATCH:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
                size += len(items[-1][1]) if items[-1] is not None else 0
            docs = [item for item in items if item is not None]
            if docs and self.error is None:
                t = time.perf_counter()
                try:
                    _load_graphs(docs, self.store)
                except BaseException as exc:  # noqa: BLE001 (raised in the caller by add or finish)
                    self.error, self.error_graph = exc, failing_graph(docs)
                self.timeline.append((t, time.perf_counter(), len(docs), sum(len(nt) for _iri, nt in docs)))
            if items[-1] is None:
                return

    @property
    def done(self) -> bool:
        """Whether the thread has ended: every document loaded after :meth:`seal` (or it was stopped)."""
        return self._thread is None or self._ended.is_set()

    def seal(self) -> None:
        """No document will be added: the thread ends once the queued ones are loaded (the caller goes on;
        :meth:`finish` waits)."""
        if self._thread is not None and not self._sealed:
            self._sealed = True
            self._queue.put(None)

    def add(self, iri: str, nt: bytes) -> None:
        """Queue the N-Triples *nt* for the named graph *iri*."""
        if self.error is not None:
            raise self.error
        if self._sealed:
            raise RuntimeError("a document added to a sealed StoreLoader")
        if self._thread is None:
            self.first_add = time.perf_counter()
            self._thread = threading.Thread(target=self._run, name="cppcc-kg-store-loader", daemon=True)
            self._thread.start()
        self._queue.put((iri, nt))

    def close(self, *, wait: bool = True) -> None:
        """Stop the thread once the document being loaded is in (idempotent); the rest is not loaded.

        ``wait=False``: the thread is told to stop and left to end on its own, at its priority, after the batch it
        is loading (a daemon that only fills :attr:`store` in memory: for a process that ends at once, which need
        not wait for it). :meth:`finish` then waits for its end and raises :class:`LoadingStopped` (or the error
        of that batch), as after a close that waited."""
        thread, self._thread = self._thread, None
        if thread is not None and not wait:
            self._drop_queued()
            self._sealed = True  # (finish() waits for the thread's end: _ended)
            return
        if thread is not None:
            self._drop_queued()
            self._hurry(thread)  # (the batch being loaded ends at the normal priority: the caller waits for it)
            thread.join()

    def _drop_queued(self) -> None:
        """Drop what is queued and queue the end (the thread ends after the batch it is loading)."""
        dropped = []
        while True:
            try:
                dropped.append(self._queue.get_nowait())
            except queue.Empty:
                break
        # stopped before the end: a document was dropped, or more could have come (set before the thread
        # can end: a reader in finish() that sees it ended must see this too)
        self.stopped = self.stopped or not self._sealed or any(item is not None for item in dropped)
        self._queue.put(None)

    def _hurry(self, thread: threading.Thread) -> None:
        """A reader waits: the thread at the normal priority again (where the process may, :func:`renice`)."""
        with self._nice_lock:
            self._urgent = True
            if self._nice_before is not None and thread.native_id is not None:
                renice(thread.native_id, self._nice_before, back=True)
                self._nice_before = None

    def finish(self) -> ox.Store:
        """Wait until every document queued is loaded; the store (or the error of the loading). Several
        threads may wait at once; no document may be added after. Raises :class:`LoadingStopped` when
        :meth:`close` stopped the thread before the end."""
        thread = self._thread
        if thread is not None:
            self._hurry(thread)
            self.seal()
            thread.join()  # interrupted (Ctrl-C): self._thread is still set, so close() drains and waits
            self._thread = None
        elif self._sealed:
            self._ended.wait()  # another thread's close() took the thread: wait for its end (and its verdict)
        if self.error is not None:
            raise self.error
        if self.stopped:
            raise LoadingStopped("the store was not loaded: its loading was stopped")
        return self.store


def failing_graph(docs: list[tuple[str, bytes]]) -> str:
    """The graph IRI of the first of *docs* (IRI, N-Triples) that cannot be loaded alone (into a new store; the
    first of them if each can: an error of the whole batch)."""
    for iri, nt in docs:
        try:
            _load_graphs([(iri, nt)], ox.Store())
        except Exception:  # noqa: BLE001 (any error of the loading names the document)
            return iri
    return docs[0][0]


class LoadingStopped(RuntimeError):
    """:meth:`StoreLoader.finish` after :meth:`StoreLoader.close` stopped the loading."""


def rows(store: ox.Store, query: str, *, union: bool = True) -> list[dict]:
    """The solutions of a SPARQL ``SELECT`` on *store* as dicts of rdflib terms (unbound left out).

    With *union* (the default), the default graph is the union of all named graphs.
    """
    result = store.query(query, use_default_graph_as_union=union)
    names = [v.value for v in result.variables]
    out = []
    for sol in result:
        row = {}
        for name in names:
            value = sol[name]
            if value is not None:
                row[name] = from_ox(value)
        out.append(row)
    return out


def values(store: ox.Store, query: str, *, union: bool = True) -> list[tuple]:
    """The solutions of a SPARQL ``SELECT`` as tuples of plain strings (``''`` when unbound), fast.

    IRIs and literals give their value (``str``), without datatype or language; a blank
    node gives ``_:`` and its label.
    """
    result = store.query(query, use_default_graph_as_union=union)
    blank = ox.BlankNode  # (a solution iterates over its values in the order of the variables)
    return [tuple(["" if v is None else ("_:" + v.value if v.__class__ is blank else v.value) for v in sol])
            for sol in result]


def count(store: ox.Store, query: str, *, union: bool = True) -> int:
    """The integer of the first variable of the first solution of *query* (a ``COUNT``)."""
    for sol in store.query(query, use_default_graph_as_union=union):
        return int(sol[0].value)
    return 0


class UnionStore(Store):
    """A read-only rdflib store: the union of the named graphs of a pyoxigraph store.

    A triple that several named graphs hold appears once. Writing is refused.
    """

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store | Callable[[], ox.Store]):
        super().__init__()
        self._ox = store
        self._len: int | None = None
        self._ns: dict[str, URIRef] = {}
        self._prefix: dict[URIRef, str] = {}

    @property
    def ox(self) -> ox.Store:
        """The pyoxigraph store (given, or got from the function given when first read: a store still loading)."""
        if not isinstance(self._ox, ox.Store):
            self._ox = self._ox()
        return self._ox

    # -- reading
    def triples(self, triple_pattern, context=None) -> Iterator:
        s, p, o = triple_pattern
        if isinstance(s, Literal) or (p is not None and not isinstance(p, URIRef)):
            return
        seen = set()
        for q in self.ox.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), None):
            key = (q.subject, q.predicate, q.object)
            if key in seen:
                continue
            seen.add(key)
            yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)), iter(())

    def __len__(self, context=None) -> int:
        if self._len is None:
            self._len = count(self.ox, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
        return self._len

    def contexts(self, triple=None) -> Iterator:
        return iter(())

    # -- writing is not allowed
    def add(self, triple, context, quoted=False):
        raise TypeError("this graph is a read-only view of the project's store")

    def addN(self, quads: Iterable):
        raise TypeError("this graph is a read-only view of the project's store")

    def remove(self, triple, context=None):
        raise TypeError("this graph is a read-only view of the project's store")

    # -- prefixes
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        namespace = URIRef(namespace)
        if not override and (prefix in self._ns or namespace in self._prefix):
            return
        old = self._ns.pop(prefix, None)
        if old is not None:
            self._prefix.pop(old, None)
        old_prefix = self._prefix.pop(namespace, None)
        if old_prefix is not None:
            self._ns.pop(old_prefix, None)
        self._ns[prefix] = namespace
        self._prefix[namespace] = prefix

    def namespace(self, prefix: str):
        return self._ns.get(prefix)

    def prefix(self, namespace):
        return self._prefix.get(URIRef(namespace))

    def namespaces(self):
        yield from self._ns.items()


def graph_view(store: ox.Store | Callable[[], ox.Store]) -> Graph:
    """An rdflib ``Graph`` reading the union of the named graphs of *store* (read-only); *store* may be a
    function that gives the store, called at the first lookup (a store that another thread is loading).

    Pattern lookups (``graph.objects(s, p)``, ``graph.value``, ``(s, p, o) in graph``)
    are answered by Oxigraph's indexes, so code written for rdflib runs on a graph of
    millions of triples without copying it; full scans work too, more slowly.
    """
    g = Graph(store=UnionStore(store))
    bind_prefixes(g)
    return g
