"""The stores that run SPARQL queries: the built dataset in rdflib or Oxigraph, or a remote endpoint.

The dataset is the same in every store (and on a server filled by ``cppcc-kg push``):
see :mod:`cppcc_kg.sparql.dataset`.

An :class:`Engine` runs queries that :mod:`cppcc_kg.sparql.guard` checked and returns
:class:`~cppcc_kg.sparql.results.QueryResult`; :func:`open_engine` picks and caches one.

>>> from rdflib import Graph
>>> engine = open_engine(graph=Graph(), store="oxigraph")
>>> engine.name, engine.triple_count()
('oxigraph', 0)
"""
from __future__ import annotations

import http.client
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDFS
from rdflib.plugins.sparql import CUSTOM_EVALS, prepareQuery

from cppcc_kg.rdf.store import TermCache, store_of_graph
from cppcc_kg.sparql.dataset import built_files, oxigraph_dataset, rdflib_dataset
from cppcc_kg.sparql.guard import (
    DEFAULT_MAX_QUERY_CHARS,
    QueryError,
    QueryInfo,
    QueryRefused,
    check_query,
    check_rdflib_algebra,
    check_syntax,
    query_form,
)
from cppcc_kg.sparql.nesting import nesting_problem
from cppcc_kg.sparql.results import QueryResult, in_query_order, parse_results_json
from cppcc_kg.sparql.stack import on_big_stack
from cppcc_kg.sparql.text import BASE_IRI


class EvaluationError(QueryError):
    """The store failed while evaluating a valid query."""

    status = 500


class ResultTooLarge(QueryRefused):
    """More rows (or triples, or reply bytes) than the service's limit: refused (403), never cut."""


class EndpointTimeout(QueryError):
    """A SPARQL endpoint sent nothing for the engine's *timeout* seconds (it may still be working on the query)."""

    status = 504


class InvalidRegex(QueryError):
    """A REGEX or REPLACE pattern that is not a valid regular expression (a client error: 400)."""


# ---------------------------------------------------------------- engines


def http_url_problem(url: str) -> str | None:
    """What is wrong with *url* as the address of an HTTP(S) server, in words, or None.

    A URL with a user and password is refused: credentials go in the environment
    (``CPPCC_KG_PUSH_PASSWORD``), not where ``ps``, logs and state files show them.

    >>> http_url_problem("http://127.0.0.1:7878/store") is None
    True
    >>> http_url_problem("http://127.0.0.1:port/store")
    'its port is not a number from 0 to 65535'
    >>> http_url_problem("http://kg:secret@host/store")[:35]
    'it holds a user name and a password'
    """
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # raises ValueError on a port that is not a number
    except ValueError as exc:
        return "its port is not a number from 0 to 65535" if "port" in str(exc).lower() else f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "not an http(s) URL"
    if not parts.hostname:
        return "it names no host"
    if "@" in parts.netloc:
        return ("it holds a user name and a password, which process lists, logs and state files would show: "
                "give them another way (push: --user NAME, the password in CPPCC_KG_PUSH_PASSWORD)")
    return None


def shown_url(url: str) -> str:
    """*url* with any user and password in it replaced by ``***`` (for messages).

    >>> shown_url("http://kg:secret@host:8890/sparql")
    'http://***@host:8890/sparql'
    """
    head, sep, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    if sep and "@" in netloc:
        return f"{head}://***@{netloc.rpartition('@')[2]}{slash}{path}"
    return url


class Engine:
    """Something that runs checked queries and returns :class:`QueryResult`."""

    name = "engine"
    #: graph IRIs that FROM / FROM NAMED and the protocol may name
    allowed_graphs: frozenset[str] = frozenset()
    #: whether queries are checked for SERVICE, updates and foreign FROM before running
    closed = True

    def check(self, text: str, max_chars: int | None = DEFAULT_MAX_QUERY_CHARS, source: str = "query") -> QueryInfo:
        return check_query(text, allowed_graphs=self.allowed_graphs, max_chars=max_chars, source=source)

    def execute(self, text: str, info: QueryInfo, *, max_rows: int | None = None,
                default_graphs=None, named_graphs=None) -> QueryResult:
        """Run the checked query *text*; the columns of a ``SELECT *`` come in the query's order
        (:func:`~cppcc_kg.sparql.results.in_query_order`), whichever store ran it."""
        result = self._run(text, info, max_rows=max_rows, default_graphs=default_graphs, named_graphs=named_graphs)
        return in_query_order(result, text)

    def _run(self, text: str, info: QueryInfo, *, max_rows: int | None = None,
             default_graphs=None, named_graphs=None) -> QueryResult:
        raise NotImplementedError

    def labels(self, iris) -> dict[str, dict[str, str]]:
        """``{iri: {"zh": label, "en": label}}`` for the IRIs that have labels."""
        raise NotImplementedError

    def triple_count(self) -> int:
        raise NotImplementedError


def _too_large(n: int, what: str) -> ResultTooLarge:
    return ResultTooLarge(f"the result is refused: it has more than {n} {what}, the limit of this service "
                          "(a larger result is never cut, so that no answer is silently incomplete)",
                          "narrow the query, add LIMIT (and OFFSET to page through it), or raise --max-rows.")


def _collect(iterable, max_rows: int | None, what: str = "rows") -> list:
    out = []
    for item in iterable:
        out.append(item)
        if max_rows is not None and len(out) > max_rows:
            raise _too_large(max_rows, what)
    return out


def _invalid_regex(exc: re.error) -> InvalidRegex:
    pattern = exc.pattern.decode("utf-8", "replace") if isinstance(exc.pattern, bytes) else exc.pattern
    where = f" at position {exc.pos}" if exc.pos is not None else ""
    return InvalidRegex(f"the regular expression {pattern!r} of REGEX or REPLACE is invalid: {exc.msg}{where}",
                        "fix the pattern (escape a literal ( ) [ ] { } . * + ? with a backslash: \\\\().")


def _default_graph(ds: ConjunctiveGraph) -> Graph:
    """The default graph of an rdflib Dataset (or ConjunctiveGraph), without deprecation warnings."""
    return ds.default_graph if isinstance(ds, Dataset) else ds.default_context


_SERVICE_BLOCK = "cppcc_kg_no_service"


def _install_service_block() -> None:
    """Make rdflib refuse SERVICE at evaluation too (a second lock behind the guard)."""

    def no_service(ctx, part):
        if getattr(part, "name", None) == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: this service makes no request to other servers.")
        raise NotImplementedError

    CUSTOM_EVALS.setdefault(_SERVICE_BLOCK, no_service)


class RdflibEngine(Engine):
    """Queries on an rdflib ``Graph`` or ``Dataset`` in memory."""

    name = "memory"

    def __init__(self, graph: Graph):
        self.graph = graph
        if isinstance(graph, ConjunctiveGraph):
            names = set()
            default = _default_graph(graph).identifier
            for ctx in (graph.graphs() if isinstance(graph, Dataset) else graph.contexts()):
                if ctx.identifier != default and len(ctx):
                    names.add(str(ctx.identifier))
            # an empty graph would make rdflib fetch its IRI: only non-empty graphs are allowed
            self.allowed_graphs = frozenset(names)
        _install_service_block()

    def _default(self) -> Graph:
        return _default_graph(self.graph) if isinstance(self.graph, ConjunctiveGraph) else self.graph

    def triple_count(self) -> int:
        return len(self._default())

    def _target(self, default_graphs, named_graphs) -> Graph:
        if not default_graphs and not named_graphs:
            return self.graph
        ds = Dataset()
        for g in default_graphs or ():
            for t in self.graph.graph(URIRef(g)).triples((None, None, None)):
                ds.default_graph.add(t)
        for g in named_graphs or ():
            target = ds.graph(URIRef(g))
            for t in self.graph.graph(URIRef(g)).triples((None, None, None)):
                target.add(t)
        return ds

    def _run(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        try:
            prepared = prepareQuery(text, base=BASE_IRI)
        except Exception as exc:  # rdflib's parser is less complete than Oxigraph's
            raise QueryError(
                f"the memory store (rdflib) cannot run this valid query: {str(exc).splitlines()[0]}",
                "run it with --store oxigraph.",
            ) from None
        check_rdflib_algebra(prepared, self.allowed_graphs)
        try:
            res = self._target(default_graphs, named_graphs).query(prepared)
            if res.type == "ASK":
                return QueryResult("ASK", boolean=bool(res.askAnswer))
            if res.type in ("CONSTRUCT", "DESCRIBE"):
                return QueryResult(info.form if info.form in ("CONSTRUCT", "DESCRIBE") else res.type,
                                   triples=_collect(res.graph.triples((None, None, None)), max_rows, "triples"))
            variables = [str(v) for v in res.vars]
            rows = _collect((tuple(row) for row in res), max_rows)
        except (QueryError, MemoryError):  # a worker's memory limit: see cppcc_kg.sparql.worker
            raise
        except re.error as exc:  # rdflib compiles the patterns of REGEX and REPLACE with Python's re
            raise _invalid_regex(exc) from None
        except Exception as exc:  # an rdflib evaluation bug or limitation
            raise EvaluationError(
                f"the memory store (rdflib) failed to evaluate the query: {type(exc).__name__}: {exc}",
                "run it with --store oxigraph.",
            ) from None
        return QueryResult("SELECT", variables, rows)

    def labels(self, iris):
        out: dict[str, dict[str, str]] = {}
        g = self._default()
        for iri in iris:
            for lab in g.objects(URIRef(iri), RDFS.label):
                if isinstance(lab, Literal) and lab.language in ("zh", "en"):
                    out.setdefault(iri, {}).setdefault(lab.language, str(lab))
        return out


class OxigraphEngine(Engine):
    """Queries on a ``pyoxigraph.Store``."""

    name = "oxigraph"

    def __init__(self, store):
        self.store = store
        self.allowed_graphs = frozenset(g.value for g in store.named_graphs() if hasattr(g, "value"))

    def triple_count(self) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def _run(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        """Run *text* on a thread with a large stack (:mod:`cppcc_kg.sparql.stack`): Oxigraph recurses."""
        return on_big_stack(self._evaluate, text, info, max_rows=max_rows, default_graphs=default_graphs,
                            named_graphs=named_graphs)

    def _evaluate(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        kwargs = {}
        if default_graphs or named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        cache = TermCache()
        try:
            res = self.store.query(text, base_iri=BASE_IRI, **kwargs)
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                triples = _collect(((cache[t.subject], cache[t.predicate], cache[t.object]) for t in res), max_rows,
                                   "triples")
                return QueryResult(info.form if info.form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=triples)
            variables = [v.value for v in res.variables]
            get = cache.__getitem__  # a solution iterates over its values in the order of the variables
            rows = _collect((tuple(None if x is None else get(x) for x in s) for s in res), max_rows)
        except (QueryError, MemoryError):
            raise
        except SyntaxError as exc:
            raise QueryError(f"Oxigraph refused the query: {exc}") from None
        except Exception as exc:
            raise EvaluationError(f"Oxigraph failed to evaluate the query: {type(exc).__name__}: {exc}") from None
        return QueryResult("SELECT", variables, rows)

    def labels(self, iris):
        out: dict[str, dict[str, str]] = {}
        label = ox.NamedNode(str(RDFS.label))
        for iri in iris:
            for q in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, ox.DefaultGraph()):
                lab = q.object
                if isinstance(lab, ox.Literal) and lab.language in ("zh", "en"):
                    out.setdefault(iri, {}).setdefault(lab.language, lab.value)
        return out


class EndpointEngine(Engine):
    """Queries sent to a SPARQL 1.1 endpoint over HTTP (the Protocol, POST form).

    *default_graphs* and *named_graphs* (IRIs) make up the dataset of every request
    (the Protocol's ``default-graph-uri`` and ``named-graph-uri``; a query's own
    ``FROM`` is then overridden), labels and counts included; by default the server
    chooses. A server whose default graph is the union of its graphs (Virtuoso) is
    queried this way on the graph that ``cppcc-kg push --default-graph IRI`` filled.
    :func:`~cppcc_kg.sparql.query.run` with *default_graphs*/*named_graphs* sets them for one query.

    >>> EndpointEngine("http://h/sparql", default_graphs=["urn:d"], named_graphs=["urn:a"]).dataset_params()
    [('default-graph-uri', 'urn:d'), ('named-graph-uri', 'urn:a')]
    """

    name = "endpoint"
    closed = False

    def __init__(self, url: str, timeout: float = 60.0, default_graphs=(), named_graphs=()):
        if (problem := http_url_problem(url)) is not None:
            raise QueryError(f"{shown_url(url)}: {problem}", "give the SPARQL endpoint, e.g. http://127.0.0.1:7878/query")
        self.url, self.timeout = url, timeout
        self.default_graphs, self.named_graphs = list(default_graphs or ()), list(named_graphs or ())

    def dataset_params(self, default_graphs=None, named_graphs=None) -> list[tuple[str, str]]:
        """The Protocol parameters of the dataset: *default_graphs*/*named_graphs* if given, else the engine's."""
        if default_graphs is None and named_graphs is None:
            default_graphs, named_graphs = self.default_graphs, self.named_graphs
        return ([("default-graph-uri", str(g)) for g in default_graphs or ()]
                + [("named-graph-uri", str(g)) for g in named_graphs or ()])

    def check(self, text, max_chars=None, source="query"):
        if (too_deep := nesting_problem(text, source=source)) is not None:  # before Oxigraph's parser
            raise QueryError(*too_deep)
        check_syntax(text, source)  # the server decides what it allows
        return QueryInfo(query_form(text) or "SELECT")

    def _post(self, text: str, accept: str, dataset: list[tuple[str, str]] | None = None) -> bytes:
        params = [("query", text)] + (self.dataset_params() if dataset is None else dataset)
        data = urllib.parse.urlencode(params).encode("utf-8")
        req = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            raise QueryError(f"{self.url} answered {exc.code} {exc.reason}: {body[:500]}") from None
        except (TimeoutError, urllib.error.URLError) as exc:
            if not isinstance(getattr(exc, "reason", exc), TimeoutError):
                raise QueryError(f"{self.url}: cannot reach the endpoint ({exc.reason})",
                                 "check the URL and that the server runs.") from None
            raise EndpointTimeout(f"{self.url}: no answer within {self.timeout:g} s",
                                  "the server may still be working on the query: give it a longer timeout, "
                                  "or a simpler query.") from None
        except OSError as exc:
            raise QueryError(f"{self.url}: cannot reach the endpoint ({getattr(exc, 'reason', exc)})",
                             "check the URL and that the server runs.") from None
        except http.client.HTTPException as exc:  # e.g. more than 100 headers: Virtuoso echoes each named graph
            raise QueryError(f"{self.url}: its answer cannot be read ({exc})",
                             "a server that echoes the dataset in its headers (Virtuoso: X-SPARQL-named-graph) "
                             "answers with more than Python accepts when given many named graphs: name fewer "
                             "(only those the query reads).") from None

    def _run(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        dataset = self.dataset_params(default_graphs, named_graphs)
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            body = self._post(text, "application/n-triples", dataset)
            cache = TermCache()
            triples = [(cache[t.subject], cache[t.predicate], cache[t.object])
                       for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return QueryResult(info.form, triples=_collect(triples, max_rows, "triples"))
        result = parse_results_json(self._post(text, "application/sparql-results+json", dataset), info.form)
        _collect(result.rows, max_rows)
        return result

    def labels(self, iris):
        out: dict[str, dict[str, str]] = {}
        iris = list(iris)
        for i in range(0, len(iris), 200):
            values = " ".join(f"<{x}>" for x in iris[i:i + 200])
            q = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS.label}> ?l "
                 f"FILTER (lang(?l) = 'zh' || lang(?l) = 'en') }}")
            for s, lab in parse_results_json(self._post(q, "application/sparql-results+json")).rows:
                out.setdefault(str(s), {}).setdefault(lab.language, str(lab))
        return out

    def triple_count(self) -> int:
        rows = parse_results_json(self._post("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                             "application/sparql-results+json")).rows
        return int(rows[0][0])


_ENGINES: dict[tuple, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def open_engine(graph=None, store: str = "memory", endpoint: str | None = None,
                build_dir: str | Path = "build", *, default_graphs=(), named_graphs=()) -> Engine:
    """The engine for a graph object, a remote endpoint, or the build in *build_dir* (cached).

    *graph*: an rdflib ``Graph``/``Dataset`` (run by rdflib, or copied into
    Oxigraph when ``store="oxigraph"``) or a ``pyoxigraph.Store``. *default_graphs*,
    *named_graphs*: the dataset asked of the *endpoint* (see :class:`EndpointEngine`).
    """
    if endpoint:
        return EndpointEngine(endpoint, default_graphs=default_graphs, named_graphs=named_graphs)
    if default_graphs or named_graphs:
        raise QueryError("a dataset (default-graph-uri, named-graph-uri) is asked of a SPARQL endpoint only",
                         "give --endpoint URL, or query the named graphs of the build with GRAPH <…> { … }.")
    if store not in ("memory", "oxigraph"):
        raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")
    if graph is not None:
        if isinstance(graph, Graph):
            if store == "oxigraph":
                return OxigraphEngine(store_of_graph(graph))
            return RdflibEngine(graph)
        return OxigraphEngine(graph)
    files = built_files(build_dir)
    key = (store,) + tuple((str(p.resolve()), os.stat(p).st_mtime_ns, os.stat(p).st_size) for p, _, _ in files)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = engine_of_files(files, store)
        return _ENGINES[key]


def engine_of_files(files, store: str = "memory") -> Engine:
    """A new engine (``store``: memory or oxigraph) on the files of :func:`~cppcc_kg.sparql.dataset.built_files`."""
    if store == "oxigraph":
        return OxigraphEngine(oxigraph_dataset(files))
    return RdflibEngine(rdflib_dataset(files))


