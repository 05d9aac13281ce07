"""Run SPARQL queries on the built graph, from Python: rdflib, Oxigraph or a remote endpoint.

The dataset that queries see is the same everywhere (in memory, in Oxigraph,
and on a server filled by ``cppcc-kg push``):

* the **default graph** holds every triple of ``build/graph.ttl`` (ontology,
  sources, curated graph, generated pinyin);
* **named graphs**: one per input file, as ``build/graph.trig`` names them
  (``https://w3id.org/cppcc-kg/graph/graph/core.ttl`` …), and the network
  measures of ``build/metrics.ttl`` in :data:`METRICS_GRAPH`. Query them with
  ``GRAPH <…> { … }``.

Every query is checked first (:mod:`cppcc_kg.sparql_guard`): valid SPARQL 1.1,
read-only, no ``SERVICE``, ``FROM`` only of our own graphs.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <https://w3id.org/cppcc-kg/id/place/chifeng> rdfs:label "赤峰市"@zh, "Chifeng"@en .
... ''', format="turtle")
>>> df = query("SELECT ?p WHERE { ?p ?x ?y } LIMIT 1", graph=g)
>>> df.columns.tolist(), df.loc[0, "p_en"]
(['p', 'p_zh', 'p_en'], 'Chifeng')
>>> bool(query("ASK { ?p ?x ?y }", graph=g, store="oxigraph").loc[0, "boolean"])
True
"""
from __future__ import annotations

import os
import sys
import threading
import types
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph

from .namespaces import BASE, PREFIXES, bind_prefixes
from .sparql_guard import (BASE_IRI, DEFAULT_MAX_QUERY_CHARS, QueryError, QueryInfo, QueryRefused,
                           check_query, check_rdflib_algebra, check_syntax, query_form)
from .sparql_results import QueryResult, parse_results_json

#: the named graph of the network measures (``build/metrics.ttl``)
METRICS_GRAPH = BASE + "graph/metrics"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
#: datatypes whose literals become Python numbers or booleans in data frames
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
              "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")
}
_FLOATS = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("decimal", "double", "float")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class BuildMissing(QueryError):
    """The built graph is not there."""

    status = 500


class EvaluationError(QueryError):
    """The store failed while evaluating a valid query."""

    status = 500


class ResultTooLarge(QueryRefused):
    """More rows (or triples) than the configured maximum."""


# ---------------------------------------------------------------- loading the built graph


def built_files(build_dir: str | Path = "build") -> list[tuple[Path, str, str | None]]:
    """The files of a build that make up the dataset: ``(path, format, graph)``.

    *graph* is None for the default graph, ``"named"`` for the named graphs of a
    TriG file (its default graph is left out: ``graph.ttl`` holds every triple),
    or the IRI of the named graph to load the file into.
    """
    build_dir = Path(build_dir)
    main = next((build_dir / n for n in ("graph.nt", "graph.ttl") if (build_dir / n).is_file()), None)
    if main is None:
        raise BuildMissing(
            f"{build_dir / 'graph.ttl'}: the built graph is missing",
            "run `cppcc-kg build` first (or give the build folder with --build-dir).",
        )
    files = [(main, "nt" if main.suffix == ".nt" else "turtle", None)]
    if (build_dir / "graph.trig").is_file():
        files.append((build_dir / "graph.trig", "trig", "named"))
    if (build_dir / "metrics.ttl").is_file():
        files.append((build_dir / "metrics.ttl", "turtle", METRICS_GRAPH))
    return files


def _ox_format(fmt: str):
    import pyoxigraph as ox

    return {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
            "nq": ox.RdfFormat.N_QUADS}[fmt]


def _read_quads(path: Path, fmt: str):
    import pyoxigraph as ox

    try:
        yield from ox.parse(path=str(path), format=_ox_format(fmt))
    except SyntaxError as exc:
        raise QueryError(f"{path}: {exc}", "rebuild with `cppcc-kg build`.") from None


class _TermCache(dict):
    """Oxigraph terms to rdflib terms, sharing equal terms."""

    def __missing__(self, t):
        import pyoxigraph as ox

        if isinstance(t, ox.NamedNode):
            out = URIRef(t.value)
        elif isinstance(t, ox.BlankNode):
            out = BNode(t.value)
        elif isinstance(t, ox.Literal):
            lang = t.language
            dt = t.datatype.value
            out = Literal(t.value, lang=lang, datatype=None if lang or dt.endswith("#string") else URIRef(dt))
        else:  # RDF 1.2 triple terms do not occur in our data
            out = Literal(str(t))
        self[t] = out
        return out


def from_oxigraph(term, cache: _TermCache | None = None):
    """An rdflib term for a pyoxigraph term (None stays None)."""
    if term is None:
        return None
    return (cache if cache is not None else _TermCache())[term]


def to_oxigraph(term):
    """A pyoxigraph term for an rdflib term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def load_built(build_dir: str | Path = "build", store: str = "memory"):
    """The built dataset: an rdflib ``Dataset`` (``store="memory"``) or a ``pyoxigraph.Store``.

    Default graph: ``graph.nt`` (or ``graph.ttl``); named graphs: those of
    ``graph.trig`` and :data:`METRICS_GRAPH` from ``metrics.ttl``.
    """
    files = built_files(build_dir)
    if store == "oxigraph":
        return _oxigraph_dataset(files)
    if store == "memory":
        return _rdflib_dataset(files)
    raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")


def _rdflib_dataset(files) -> Dataset:
    ds = Dataset()  # default_union is False: the default graph is only the default graph
    bind_prefixes(ds)
    cache = _TermCache()
    for path, fmt, graph in files:
        contexts: dict = {}
        for q in _read_quads(path, fmt):
            name = q.graph_name
            if graph is None:
                ctx = ds.default_graph
            elif graph == "named":
                if not hasattr(name, "value"):  # the TriG default graph
                    continue
                ctx = contexts.get(name.value)
                if ctx is None:
                    ctx = contexts[name.value] = ds.graph(URIRef(name.value))
            else:
                ctx = contexts.get(graph) or contexts.setdefault(graph, ds.graph(URIRef(graph)))
            ctx.add((cache[q.subject], cache[q.predicate], cache[q.object]))
    return ds


def _oxigraph_dataset(files):
    import pyoxigraph as ox

    st = ox.Store()
    for path, fmt, graph in files:
        if graph is None:
            st.bulk_load(path=str(path), format=_ox_format(fmt), to_graph=ox.DefaultGraph())
        elif graph == "named":
            st.extend(q for q in _read_quads(path, fmt) if not isinstance(q.graph_name, ox.DefaultGraph))
        else:
            st.bulk_load(path=str(path), format=_ox_format(fmt), to_graph=ox.NamedNode(graph))
    return st


# ---------------------------------------------------------------- engines


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
        raise NotImplementedError

    def labels(self, iris) -> dict[str, dict[str, str]]:
        """``{iri: {"zh": label, "en": label}}`` for the IRIs that have labels."""
        raise NotImplementedError

    def triple_count(self) -> int:
        raise NotImplementedError


def _too_large(n: int) -> ResultTooLarge:
    return ResultTooLarge(f"the result has more than {n} rows, the maximum of this service",
                          "narrow the query or add LIMIT.")


def _collect(iterable, max_rows: int | None) -> list:
    out = []
    for item in iterable:
        out.append(item)
        if max_rows is not None and len(out) > max_rows:
            raise _too_large(max_rows)
    return out


def _default_graph(ds: ConjunctiveGraph) -> Graph:
    """The default graph of an rdflib Dataset (or ConjunctiveGraph), without deprecation warnings."""
    return ds.default_graph if isinstance(ds, Dataset) else ds.default_context


_SERVICE_BLOCK = "cppcc_kg_no_service"


def _install_service_block() -> None:
    """Make rdflib refuse SERVICE at evaluation too (a second lock behind the guard)."""
    from rdflib.plugins.sparql import CUSTOM_EVALS

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

    def execute(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        from rdflib.plugins.sparql import prepareQuery

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
                                   triples=_collect(res.graph.triples((None, None, None)), max_rows))
            variables = [str(v) for v in res.vars]
            rows = _collect((tuple(row) for row in res), max_rows)
        except QueryError:
            raise
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
            for lab in g.objects(URIRef(iri), RDFS_LABEL):
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
        import pyoxigraph as ox

        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def execute(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        import pyoxigraph as ox

        kwargs = {}
        if default_graphs or named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        cache = _TermCache()
        try:
            res = self.store.query(text, base_iri=BASE_IRI, **kwargs)
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                triples = _collect(((cache[t.subject], cache[t.predicate], cache[t.object]) for t in res), max_rows)
                return QueryResult(info.form if info.form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=triples)
            variables = [v.value for v in res.variables]
            rows = _collect((tuple(None if s[v] is None else cache[s[v]] for v in variables) for s in res), max_rows)
        except QueryError:
            raise
        except SyntaxError as exc:
            raise QueryError(f"Oxigraph refused the query: {exc}") from None
        except Exception as exc:
            raise EvaluationError(f"Oxigraph failed to evaluate the query: {type(exc).__name__}: {exc}") from None
        return QueryResult("SELECT", variables, rows)

    def labels(self, iris):
        import pyoxigraph as ox

        out: dict[str, dict[str, str]] = {}
        label = ox.NamedNode(str(RDFS_LABEL))
        for iri in iris:
            for q in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, ox.DefaultGraph()):
                lab = q.object
                if isinstance(lab, ox.Literal) and lab.language in ("zh", "en"):
                    out.setdefault(iri, {}).setdefault(lab.language, lab.value)
        return out


class EndpointEngine(Engine):
    """Queries sent to a SPARQL 1.1 endpoint over HTTP (the Protocol, POST form)."""

    name = "endpoint"
    closed = False

    def __init__(self, url: str, timeout: float = 60.0):
        if not url.startswith(("http://", "https://")):
            raise QueryError(f"{url}: not an http(s) URL of a SPARQL endpoint")
        self.url, self.timeout = url, timeout

    def check(self, text, max_chars=None, source="query"):
        check_syntax(text, source)  # the server decides what it allows
        return QueryInfo(query_form(text) or "SELECT")

    def _post(self, text: str, accept: str) -> bytes:
        data = urllib.parse.urlencode({"query": text}).encode("utf-8")
        req = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            raise QueryError(f"{self.url} answered {exc.code} {exc.reason}: {body[:500]}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise QueryError(f"{self.url}: cannot reach the endpoint ({getattr(exc, 'reason', exc)})",
                             "check the URL and that the server runs.") from None

    def execute(self, text, info, *, max_rows=None, default_graphs=None, named_graphs=None):
        import pyoxigraph as ox

        if info.form in ("CONSTRUCT", "DESCRIBE"):
            body = self._post(text, "application/n-triples")
            cache = _TermCache()
            triples = [(cache[t.subject], cache[t.predicate], cache[t.object])
                       for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return QueryResult(info.form, triples=_collect(triples, max_rows))
        result = parse_results_json(self._post(text, "application/sparql-results+json"), info.form)
        _collect(result.rows, max_rows)
        return result

    def labels(self, iris):
        out: dict[str, dict[str, str]] = {}
        iris = list(iris)
        for i in range(0, len(iris), 200):
            values = " ".join(f"<{x}>" for x in iris[i:i + 200])
            q = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?l "
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
                build_dir: str | Path = "build") -> Engine:
    """The engine for a graph object, a remote endpoint, or the build in *build_dir* (cached).

    *graph*: an rdflib ``Graph``/``Dataset`` (run by rdflib, or copied into
    Oxigraph when ``store="oxigraph"``) or a ``pyoxigraph.Store``.
    """
    if endpoint:
        return EndpointEngine(endpoint)
    if store not in ("memory", "oxigraph"):
        raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")
    if graph is not None:
        if isinstance(graph, Graph):
            if store == "oxigraph":
                return OxigraphEngine(_rdflib_to_oxigraph(graph))
            return RdflibEngine(graph)
        return OxigraphEngine(graph)
    files = built_files(build_dir)
    key = (store,) + tuple((str(p.resolve()), os.stat(p).st_mtime_ns, os.stat(p).st_size) for p, _, _ in files)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            data = _oxigraph_dataset(files) if store == "oxigraph" else _rdflib_dataset(files)
            _ENGINES[key] = OxigraphEngine(data) if store == "oxigraph" else RdflibEngine(data)
        return _ENGINES[key]


def _rdflib_to_oxigraph(graph: Graph):
    import pyoxigraph as ox

    st = ox.Store()
    if isinstance(graph, ConjunctiveGraph):
        default = _default_graph(graph).identifier
        for s, p, o, ctx in graph.quads((None, None, None, None)):
            name = ctx.identifier if hasattr(ctx, "identifier") else ctx
            g = ox.DefaultGraph() if name == default else ox.NamedNode(str(name))
            st.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g))
    else:
        st.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return st


# ---------------------------------------------------------------- running and data frames


def read_query(sparql) -> tuple[str, str]:
    """``(text, source name)`` of a query given as text or as a path to a ``.rq`` file."""
    if isinstance(sparql, Path):
        try:
            return sparql.read_text(encoding="utf-8"), str(sparql)
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{sparql}: cannot read the query ({exc})") from None
    return str(sparql), "query"


def run(sparql, engine: Engine, *, max_rows: int | None = None, max_chars: int | None = DEFAULT_MAX_QUERY_CHARS,
        default_graphs=None, named_graphs=None) -> QueryResult:
    """Check then run a query on *engine*; return its :class:`QueryResult`."""
    text, source = read_query(sparql)
    info = engine.check(text, max_chars=max_chars, source=source)
    for g in list(default_graphs or ()) + list(named_graphs or ()):
        if engine.closed and g not in engine.allowed_graphs:
            raise QueryRefused(f"the graph <{g}> is not one of this service's graphs: nothing is loaded from elsewhere.")
    return engine.execute(text, info, max_rows=max_rows, default_graphs=default_graphs, named_graphs=named_graphs)


def python_value(term):
    """A plain Python value for a term: IRIs and most literals as text, numbers as numbers.

    >>> python_value(Literal(1064)), python_value(Literal("2023-12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")))
    (1064, '2023-12')
    """
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype is not None:
        dt = str(term.datatype)
        try:
            if dt in _NUMERIC:
                return int(str(term))
            if dt in _FLOATS:
                return float(str(term))
            if dt == _BOOLEAN:
                return str(term) in ("true", "1")
        except ValueError:
            return str(term)
    return str(term)


def iris_of(result: QueryResult) -> list[str]:
    """The IRIs that occur in a result, in order of appearance."""
    seen: dict[str, None] = {}
    rows = result.triples if result.form in ("CONSTRUCT", "DESCRIBE") else result.rows
    for row in rows:
        for t in row:
            if isinstance(t, URIRef):
                seen.setdefault(str(t))
    return list(seen)


def to_frame(result: QueryResult, labels: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """A data frame of a result; with *labels*, a ``{col}_zh`` and ``{col}_en`` column after each IRI column.

    ASK gives one column ``boolean``; CONSTRUCT and DESCRIBE give ``subject``,
    ``predicate``, ``object`` (sorted).
    """
    if result.form == "ASK":
        return pd.DataFrame({"boolean": [bool(result.boolean)]})
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        variables = ["subject", "predicate", "object"]
        rows = sorted(result.triples, key=lambda t: tuple(str(x) for x in t))
    else:
        variables, rows = list(result.variables), result.rows
    # label columns to add, each after the last of (var, var_zh, var_en) that the query already has
    extra: dict[str, list[tuple[str, int, str]]] = {}
    if labels is not None:
        for i, var in enumerate(variables):
            if not any(isinstance(r[i], URIRef) for r in rows):
                continue
            missing = [(f"{var}_{lang}", i, lang) for lang in ("zh", "en") if f"{var}_{lang}" not in variables]
            anchor = max((c for c in (var, f"{var}_zh", f"{var}_en") if c in variables), key=variables.index)
            if missing:
                extra.setdefault(anchor, []).extend(missing)
    columns: dict[str, list] = {}
    for i, var in enumerate(variables):
        columns[var] = [python_value(r[i]) for r in rows]
        for name, j, lang in extra.get(var, []):
            columns[name] = [labels.get(str(r[j]), {}).get(lang) if isinstance(r[j], URIRef) else None for r in rows]
    return pd.DataFrame(columns, columns=list(columns))


def query(sparql, graph=None, store: str = "memory", endpoint: str | None = None, *,
          build_dir: str | Path = "build", labels: bool = True, max_rows: int | None = None) -> pd.DataFrame:
    """Run a SPARQL query and return a pandas data frame, with labels in Chinese and English.

    Parameters
    ----------
    sparql : str or pathlib.Path
        The query text, or the path of a ``.rq`` file.
    graph : rdflib.Graph, rdflib.Dataset or pyoxigraph.Store, optional
        The data; by default the built graph of *build_dir* (loaded once and cached).
    store : {"memory", "oxigraph"}
        Which engine runs the query on the built graph (or on a copy of *graph*).
    endpoint : str, optional
        URL of a SPARQL endpoint to send the query to instead.
    labels : bool
        Add ``{var}_zh`` and ``{var}_en`` columns (``rdfs:label``) after each IRI column.

    Raises
    ------
    cppcc_kg.sparql_guard.QueryError
        On a syntax error (with line and column), a refused query, or a missing build.
    """
    engine = open_engine(graph=graph, store=store, endpoint=endpoint, build_dir=build_dir)
    result = run(sparql, engine, max_rows=max_rows)
    return to_frame(result, engine.labels(iris_of(result)) if labels else None)


def query_library(folder: str | Path = "queries") -> list[dict]:
    """The queries of a folder of ``.rq`` files, with the question each states in its header.

    A file starts with comment lines ``# en: question``, ``# zh: 问题`` and
    optional notes (``# …``). Returns ``[{"name", "en", "zh", "note", "text"}]``
    sorted by file name.
    """
    out = []
    for path in sorted(Path(folder).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        entry = {"name": path.name, "en": "", "zh": "", "note": "", "text": text}
        notes = []
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            body = line[1:].strip()
            key, sep, value = body.partition(":")
            if sep and key.strip() in ("en", "zh") and not entry[key.strip()]:
                entry[key.strip()] = value.strip()
            elif body:
                notes.append(body)
        entry["note"] = " ".join(notes)
        out.append(entry)
    return out


def prefixed(iri: str) -> str:
    """The shortest prefixed name of *iri* with our prefixes, or the IRI itself.

    >>> prefixed("https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc")
    'kgorg:inner-mongolia-cppcc'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri



class _CallableModule(types.ModuleType):
    """``cppcc_kg.query`` is both this module and, called, :func:`query`.

    Importing the submodule makes it the package attribute ``query``; calling it
    runs :func:`query`, so ``cppcc_kg.query("SELECT …")`` works either way.
    """

    def __call__(self, *args, **kwargs):
        return query(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
