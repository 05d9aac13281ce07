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
from decimal import Decimal, InvalidOperation
from itertools import groupby

from rdflib import BNode, Literal, URIRef

from cppcc_kg.sparql.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
#: xsd:integer and the types derived from it
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                               "unsignedShort", "unsignedByte")}
_ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", re.IGNORECASE | re.DOTALL)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


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
