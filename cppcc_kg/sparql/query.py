"""Run SPARQL queries on the built graph from Python, and get pandas data frames with labels.

The dataset that queries see is the same everywhere (rdflib, Oxigraph, and a server
filled by ``cppcc-kg push``); see :mod:`cppcc_kg.sparql.dataset`:

* the **default graph** holds every triple of ``build/graph.ttl`` (ontology,
  sources, curated graph, generated pinyin);
* **named graphs**: one per input file, as ``build/graph.trig`` names them
  (``https://w3id.org/cppcc-kg/graph/graph/core.ttl`` …), and the network
  measures of ``build/metrics.ttl`` in :data:`METRICS_GRAPH`. Query them with
  ``GRAPH <…> { … }``.

Every query is checked first (:mod:`cppcc_kg.sparql.guard`): valid SPARQL 1.1,
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

from pathlib import Path

import pandas as pd
from rdflib import BNode, Literal, URIRef

from cppcc_kg.sparql.dataset import METRICS_GRAPH, BuildMissing, built_files, load_built
from cppcc_kg.sparql.engines import (
    EndpointEngine,
    Engine,
    EvaluationError,
    OxigraphEngine,
    RdflibEngine,
    ResultTooLarge,
    open_engine,
)
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS, QueryRefused
from cppcc_kg.sparql.library import read_query
from cppcc_kg.sparql.results import QueryResult

__all__ = ["query", "run", "to_frame", "python_value", "lexical_value", "iris_of",
           "open_engine", "load_built", "built_files", "METRICS_GRAPH", "Engine", "RdflibEngine", "OxigraphEngine",
           "EndpointEngine", "BuildMissing", "EvaluationError", "ResultTooLarge"]

#: datatypes whose literals become Python numbers or booleans in data frames
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
              "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")
}
_FLOATS = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("decimal", "double", "float")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


# ---------------------------------------------------------------- running and data frames


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


def lexical_value(term) -> str | None:
    """The text of a term as written: an IRI, a literal's lexical form, ``_:id`` for a blank node.

    What the tables of ``cppcc-kg query`` print, so that no value changes on the way
    (a Python or pandas number would print ``16`` as ``16.0`` in a column that also
    holds ``0.5``, and ``12345678901234567891`` as ``1.2345678901234567e+19``).

    >>> lexical_value(Literal("12345678901234567891", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
    '12345678901234567891'
    """
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
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


def to_frame(result: QueryResult, labels: dict[str, dict[str, str]] | None = None, *,
             lexical: bool = False) -> pd.DataFrame:
    """A data frame of a result; with *labels*, a ``{col}_zh`` and ``{col}_en`` column after each IRI column.

    ASK gives one column ``boolean``; CONSTRUCT and DESCRIBE give ``subject``,
    ``predicate``, ``object`` (sorted). Values are Python values (:func:`python_value`),
    or with *lexical* the terms as written (:func:`lexical_value`; ASK: ``true``/``false``).
    """
    if result.form == "ASK":
        answer = bool(result.boolean)
        return pd.DataFrame({"boolean": [("true" if answer else "false") if lexical else answer]}, dtype=object)
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
    value = lexical_value if lexical else python_value
    columns: dict[str, list] = {}
    for i, var in enumerate(variables):
        columns[var] = [value(r[i]) for r in rows]
        for name, j, lang in extra.get(var, []):
            columns[name] = [labels.get(str(r[j]), {}).get(lang) if isinstance(r[j], URIRef) else None for r in rows]
    return pd.DataFrame(columns, columns=list(columns), dtype=object if lexical else None)


def query(sparql, graph=None, store: str = "memory", endpoint: str | None = None, *,
          build_dir: str | Path = "build", labels: bool = True, max_rows: int | None = None,
          default_graphs=(), named_graphs=()) -> pd.DataFrame:
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
    default_graphs, named_graphs : list of str, optional
        With *endpoint*: the dataset to query (``default-graph-uri``, ``named-graph-uri``),
        e.g. the graph that ``cppcc-kg push --default-graph IRI`` filled on Virtuoso.

    Raises
    ------
    cppcc_kg.sparql.guard.QueryError
        On a syntax error (with line and column), a refused query, or a missing build.
    """
    engine = open_engine(graph=graph, store=store, endpoint=endpoint, build_dir=build_dir,
                         default_graphs=default_graphs, named_graphs=named_graphs)
    result = run(sparql, engine, max_rows=max_rows)
    return to_frame(result, engine.labels(iris_of(result)) if labels else None)
