"""Compare the answers of two SPARQL engines to the same query, allowing only what SPARQL allows to differ.

Used to check a server that ``cppcc-kg push`` filled against the local build
(``tests/sparql/test_push_virtuoso.py``, ``bench/bench_push.py --compare``). What is
normalised, and why it may differ:

* **row order** where the query does not fix it: without ``ORDER BY``, rows are a
  multiset; with ``ORDER BY``, rows whose values of every variable named in the
  ``ORDER BY`` clause are equal are ties, whose order SPARQL leaves open (a key
  variable that is not projected makes every row its own run: nothing is normalised);
* **lexical forms of equal values**: numbers of the same datatype by value
  (``"1.0E0"`` and ``"1E0"`` as ``xsd:double``), ``xsd:boolean`` ``1``/``true``;
  language tags in lower case (RDF 1.1: tags compare case-insensitively); a simple
  literal and an ``xsd:string`` one (the same term in RDF 1.1);
* **blank node labels** (they are local to a result). Every blank node compares equal to
  every other: answers with blank nodes are compared up to their labels only, not as
  graphs up to isomorphism (the library's answers have none).

Everything else is a difference: another number of rows, another datatype, another
value (a ``double`` computed in another order included), another order of rows that
do not tie.

:func:`compare_query` runs one query on both engines and gives a verdict: ``same``,
``differs``, ``timed out`` (the remote engine sent nothing for its *timeout*: an
:class:`~cppcc_kg.sparql.engines.EndpointTimeout`, reported instead of waiting) or
``error`` (either engine refused or failed: the message is kept).

>>> from rdflib import Literal, URIRef
>>> XSD = "http://www.w3.org/2001/XMLSchema#"
>>> a = QueryResult("SELECT", ["x"], [(Literal("1.0E0", datatype=URIRef(XSD + "double")),), (Literal("b", lang="EN"),)])
>>> b = QueryResult("SELECT", ["x"], [(Literal("b", lang="en"),), (Literal("1E0", datatype=URIRef(XSD + "double")),)])
>>> compare_results("SELECT ?x WHERE { ?s ?p ?x }", a, b)
[]
>>> compare_results("SELECT ?x WHERE { ?s ?p ?x } ORDER BY ?x", a, b)[0].split(":")[0]
'order'
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import groupby
from pathlib import Path

from rdflib import BNode, Literal, URIRef

from cppcc_kg.sparql.engines import EndpointTimeout, Engine
from cppcc_kg.sparql.guard import QueryError
from cppcc_kg.sparql.library import read_query
from cppcc_kg.sparql.query import run
from cppcc_kg.sparql.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
#: xsd:integer and the types derived from it
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}
_ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", re.IGNORECASE | re.DOTALL)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_GRAPH = re.compile(r"\bGRAPH\s+(<[^>\s]*>|[?$][A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def canonical(term):
    """A value that is equal for two terms exactly when SPARQL does not tell them apart (see the module).

    >>> canonical(Literal("0.50", datatype=URIRef(XSD + "decimal"))) == canonical(Literal("0.5", datatype=URIRef(XSD + "decimal")))
    True
    >>> canonical(Literal("1", datatype=URIRef(XSD + "integer"))) == canonical(Literal("1", datatype=URIRef(XSD + "decimal")))
    False
    """
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, Literal):
        if term.language:
            return ("lang", str(term), term.language.lower())
        dt = str(term.datatype) if term.datatype else XSD + "string"
        text = str(term)
        try:
            if dt in INTEGER_TYPES:
                return ("literal", dt, int(text))
            if dt == XSD + "decimal":
                return ("literal", dt, Decimal(text))
            if dt in (XSD + "double", XSD + "float"):
                return ("literal", dt, float(text))
            if dt == XSD + "boolean":
                return ("literal", dt, text.strip() in ("true", "1"))
        except (ValueError, InvalidOperation):
            pass
        return ("literal", dt, text)
    return ("other", str(term))


def order_variables(text: str) -> list[str] | None:
    """The variables named in the outer ``ORDER BY`` clause of *text*, or None if it has none.

    >>> order_variables('SELECT * WHERE { ?a ?b ?c } ORDER BY (COALESCE(STR(?date), "9999")) DESC(?n) LIMIT 5')
    ['date', 'n']
    """
    body = re.sub(r"(^|\s)#[^\n]*", r"\1", text)  # comments (a # inside an IRI follows no space)
    outer = body[body.rfind("}") + 1:]  # the solution modifiers follow the last brace of the query
    match = _ORDER_BY.search(outer)
    if match is None:
        return None
    return list(dict.fromkeys(_VARIABLE.findall(match.group(1))))


def _runs(rows: list[tuple], positions: list[int]) -> list[tuple]:
    """Consecutive rows equal at *positions* (the sort keys), each run as (key, its rows sorted): ties in one order."""
    runs = groupby(rows, key=lambda row: tuple(row[i] for i in positions))
    return [(k, sorted(g, key=repr)) for k, g in runs]


def compare_results(text: str, local: QueryResult, remote: QueryResult, limit: int = 5) -> list[str]:
    """The differences between two answers to the query *text*, in words (empty: the same answer).

    Each line starts with its kind: ``form``, ``variables``, ``boolean``, ``rows``
    (a row in one answer and not the other, counted as multisets) or ``order``.
    """
    if local.form != remote.form:
        return [f"form: {local.form} here, {remote.form} there"]
    if local.form == "ASK":
        return [] if bool(local.boolean) == bool(remote.boolean) else [
            f"boolean: {local.boolean} here, {remote.boolean} there"]
    if local.form in ("CONSTRUCT", "DESCRIBE"):
        a = [tuple(canonical(t) for t in triple) for triple in local.triples]
        b = [tuple(canonical(t) for t in triple) for triple in remote.triples]
        return _multiset_differences(a, b, "triples", limit)
    if list(local.variables) != list(remote.variables):
        return [f"variables: {list(local.variables)} here, {list(remote.variables)} there"]
    a = [tuple(canonical(t) for t in row) for row in local.rows]
    b = [tuple(canonical(t) for t in row) for row in remote.rows]
    out = _multiset_differences(a, b, "rows", limit)
    keys = order_variables(text)
    if out or keys is None:
        return out
    if any(k not in local.variables for k in keys):
        same = a == b  # a sort key is not projected: no tie can be told, every row is its own run
    else:
        positions = [list(local.variables).index(k) for k in keys]
        same = _runs(a, positions) == _runs(b, positions)
    if not same:
        first = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
        out.append(f"order: the same {len(a)} rows in another order (ORDER BY {', '.join('?' + k for k in keys)}), "
                   f"first at row {first + 1}: {_show(a[first])} here, {_show(b[first])} there")
    return out


def _multiset_differences(a: list[tuple], b: list[tuple], what: str, limit: int) -> list[str]:
    counts: dict[tuple, int] = {}
    for row in a:
        counts[row] = counts.get(row, 0) + 1
    for row in b:
        counts[row] = counts.get(row, 0) - 1
    only_here = [r for r, n in sorted(counts.items(), key=repr) if n > 0]
    only_there = [r for r, n in sorted(counts.items(), key=repr) if n < 0]
    if not only_here and not only_there:
        return []
    out = [f"{what}: {len(a)} here, {len(b)} there; {len(only_here)} distinct only here, {len(only_there)} only there"]
    out += [f"{what}: only here {_show(r)}" for r in only_here[:limit]]
    out += [f"{what}: only there {_show(r)}" for r in only_there[:limit]]
    return out


def _show(row: tuple) -> str:
    return "(" + ", ".join("UNBOUND" if v is None else " ".join(str(x) for x in v[1:]) or v[0] for v in row) + ")"


def graphs_read(text: str, named: list[str]) -> list[str]:
    """The graphs of *named* that the query *text* can read as named graphs: those it names in
    ``GRAPH <IRI>``, or all of them if it has ``GRAPH ?var``.

    A server given fewer named graphs (``named-graph-uri``) answers the same; one given
    thousands may not answer at all (Virtuoso's reply to 4 003 carries more than 100
    HTTP headers, which Python's ``http.client`` refuses).

    >>> graphs_read("SELECT * { GRAPH <urn:m> { ?s ?p ?o } }", ["urn:a", "urn:m"])
    ['urn:m']
    >>> graphs_read("SELECT * { GRAPH ?g { ?s ?p ?o } }", ["urn:a", "urn:m"])
    ['urn:a', 'urn:m']
    >>> graphs_read("SELECT * { ?s ?p ?o } # GRAPH ?g", ["urn:a"])
    []
    """
    body = re.sub(r"(^|\s)#[^\n]*", r"\1", text)
    found = [m.group(1) for m in _GRAPH.finditer(body)]
    if any(f[0] in "?$" for f in found):
        return list(named)
    iris = {f[1:-1] for f in found}
    return [g for g in named if g in iris]


@dataclass
class Comparison:
    """One query run on two engines: the verdict (see :func:`compare_query`), sizes, times, differences."""

    query: str
    verdict: str
    local_rows: int | None = None
    remote_rows: int | None = None
    local_s: float | None = None
    remote_s: float | None = None
    differences: list[str] = field(default_factory=list)
    #: the two answers ``(here, there)`` when they differ (to look closer), else None
    answers: tuple | None = field(default=None, repr=False)


def _size(result: QueryResult) -> int:
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return len(result.triples)
    return int(bool(result.boolean)) if result.form == "ASK" else len(result.rows or [])


def compare_query(sparql, local: Engine, remote: Engine, *, default_graphs=None, named_graphs=None,
                  limit: int = 5) -> Comparison:
    """Run the query *sparql* (text or a ``.rq`` path) on *local*, then on *remote*, and compare the answers.

    The verdict is ``same``, ``differs`` (with :func:`compare_results`' lines), ``timed out``
    (*remote*, an endpoint, sent nothing for its timeout: the query is reported, not waited
    for) or ``error`` (the message of the engine that failed). *default_graphs*,
    *named_graphs*: the dataset asked of *remote* for this query (see :func:`graphs_read`).
    """
    text, source = read_query(sparql)
    out = Comparison(Path(source).name, "error")
    started = time.perf_counter()
    try:
        here = run(text, local, max_chars=None)
    except QueryError as exc:
        out.differences = [f"here: {exc}"]
        return out
    out.local_s, out.local_rows = time.perf_counter() - started, _size(here)
    started = time.perf_counter()
    try:
        there = run(text, remote, max_chars=None, default_graphs=default_graphs, named_graphs=named_graphs)
    except EndpointTimeout as exc:
        out.verdict, out.remote_s, out.differences = "timed out", time.perf_counter() - started, [str(exc)]
        return out
    except QueryError as exc:
        out.remote_s, out.differences = time.perf_counter() - started, [f"there: {exc}"]
        return out
    out.remote_s, out.remote_rows = time.perf_counter() - started, _size(there)
    out.differences = compare_results(text, here, there, limit)
    if out.differences:
        out.verdict, out.answers = "differs", (here, there)
    else:
        out.verdict = "same"
    return out
