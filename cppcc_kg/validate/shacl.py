"""A fast SHACL validator for the subset of SHACL that ``ontology.ttl`` uses.

pySHACL checks each focus node in turn, in Python; with the SPARQL constraints
of our shapes that takes seconds for one source and hours for a thousand. This
module compiles every constraint of the shapes graph into ONE SPARQL query over
all focus nodes at once and runs it on Oxigraph. It supports exactly what the
shapes use and refuses anything else (:class:`UnsupportedShape`), so that a new
kind of constraint cannot be silently ignored; the tests check that it reports
the same violations as pySHACL on the real graph and on broken fixtures.
The shapes are compiled by :mod:`cppcc_kg.validate.shacl_compile` (which plans the
``FILTER NOT EXISTS`` of the SPARQL constraints with :mod:`cppcc_kg.validate.shacl_plan`);
this module runs the queries side by side and turns their solutions into :class:`Violation`.

Supported: node shapes with ``sh:targetClass`` (instances of the class and its
subclasses, as pySHACL does with the ontology in the data graph) and
``sh:targetSubjectsOf``; property shapes whose ``sh:path`` is an IRI or an
``sh:inversePath`` of an IRI, with ``sh:minCount``, ``sh:maxCount``,
``sh:datatype``, ``sh:class``, ``sh:languageIn``, ``sh:in``, ``sh:minLength``,
``sh:nodeKind sh:IRI``, ``sh:or`` of datatype shapes, ``sh:qualifiedValueShape``
(a shape with ``sh:languageIn`` or ``sh:class``) with ``sh:qualifiedMinCount`` /
``sh:qualifiedMaxCount``; and SPARQL-based constraints (``sh:sparql`` with
``sh:select`` and ``sh:prefixes``) on node shapes.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''
... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...   sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "needs a name" ] .
... ''', format="turtle")
>>> data = Graph().parse(data='''
... @prefix ex: <http://example.org/> . ex:a a ex:C ; ex:name "A" . ex:b a ex:C .
... ''', format="turtle")
>>> [(str(v.focus), v.message) for v in validate(data, shapes)]
[('http://example.org/b', 'needs a name')]
"""
from __future__ import annotations

import datetime
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cppcc_kg.rdf.store import store_of_quads, to_ox
from cppcc_kg.validate.shacl_compile import (
    ShapeCompiler,
    UnsupportedShape,
    compile_shapes,
)

__all__ = ["validate", "Violation", "UnsupportedShape", "compile_shapes", "well_typed"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = str(RDF.langString)
#: the variables of a solution that a violation reads
_ROW_VARIABLES = ("this", "v", "p", "o", "type", "range", "domain", "d", "prec", "n", "value", "path")
_COUNTS = ("MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount")

_WELL_TYPED: dict[tuple[str, str], bool] = {}


@dataclass(frozen=True, order=True)
class Violation:
    """One result: the focus node, the path (``^p`` for an inverse path), the value, the message, the shape,
    the constraint component (``MinCount``, ``class``, ``SPARQL``, …) and the kind of the value."""

    focus: str
    path: str
    value: str
    message: str
    shape: str
    component: str
    value_kind: str = ""  # 'iri', 'bnode', 'literal' or '' (no value)


def _datatype(term) -> str | None:
    if isinstance(term, ox.Literal):
        if term.language:
            return RDF_LANGSTRING
        return term.datatype.value
    return None


def _fill(template: str, row: dict[str, str]) -> str:
    def repl(m):
        key = m.group(1)
        return row.get(key, m.group(0))
    return re.sub(r"\{[?$](\w+)\}", repl, template)


def _text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _kind(term) -> str:
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    if isinstance(term, ox.Literal):
        return "literal"
    return ""



def well_typed(lexical: str, datatype: str) -> bool:
    """Whether the literal ``"lexical"^^<datatype>`` matches its datatype as pySHACL decides it.

    pySHACL accepts a literal whose datatype is the one asked for unless rdflib finds it
    ill-typed or its Python value is not of the expected kind.

    >>> well_typed("5", "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    True
    >>> well_typed("-3", "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    False
    """
    if datatype in (XSD_STRING, RDF_LANGSTRING):
        return True
    key = (lexical, datatype)
    ok = _WELL_TYPED.get(key)
    if ok is None:
        lit = Literal(lexical, datatype=URIRef(datatype))
        ok = getattr(lit, "ill_typed", None) is not True
        value = lit.value
        x = "http://www.w3.org/2001/XMLSchema#"
        kinds = {x + "integer": int, x + "float": float, x + "decimal": Decimal, x + "boolean": bool,
                 x + "date": datetime.date, x + "time": datetime.time, x + "dateTime": datetime.datetime}
        if ok and datatype in kinds:
            ok = isinstance(value, kinds[datatype])
        if len(_WELL_TYPED) < 1_000_000:
            _WELL_TYPED[key] = ok
    return ok


def _watched_from_ntriples(docs, watched: set[str]) -> dict[str, list[tuple[str, str, str, str]]]:
    """path -> (subject, datatype, value, kind) of every triple of *watched* predicates in N-Triples *docs*.

    Read from the N-Triples as written (Oxigraph's store would turn
    ``xsd:nonNegativeInteger`` into ``xsd:integer``).
    """
    out: dict[str, list] = {p: [] for p in watched}
    if not watched:
        return out
    preds = {b"<" + p.encode("utf-8") + b">" for p in watched}
    found = []
    for doc in docs:  # a line is "subject predicate object ." with single spaces (canonical N-Triples)
        for line in doc.split(b"\n"):
            parts = line.split(b" ", 2)
            if len(parts) == 3 and parts[1] in preds:
                found.append(line)
    if found:  # (a literal may hold the searched text: only the triples of the predicates count)
        for t in ox.parse(b"\n".join(sorted(set(found))) + b"\n", format=ox.RdfFormat.N_TRIPLES):
            lst = out.get(t.predicate.value)
            if lst is not None:
                lst.append(_watched_value(t.subject, t.object))
    return out



def _watched_value(subject, obj) -> tuple[str, str, str, str]:
    return _text(subject), _datatype(obj) or "", _text(obj), _kind(obj)


def _data_store(data, watched: set[str]):
    """``(store, values)``: *data* (an rdflib Graph or pyoxigraph triples or quads) in the default
    graph of a new store, and path -> the values of the triples of each *watched* predicate, as written."""
    if isinstance(data, Graph):
        store = store_of_quads((s, p, o, None) for s, p, o in data)
        values = {p: [_watched_value(to_ox(s), to_ox(o)) for s, _p, o in data.triples((None, URIRef(p), None))]
                  for p in watched}
        return store, values
    quads = list(data)
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    values: dict[str, list] = {p: [] for p in watched}
    for q in quads:
        if q.predicate.value in watched:
            values[q.predicate.value].append(_watched_value(q.subject, q.object))
    return store, values


def _suspects(compiled: ShapeCompiler, values: dict) -> list[tuple]:
    """The values that break a datatype constraint, whoever their subject is (usually none)."""
    suspects = []
    for tquery, path, allowed, shape, readable, message, component in compiled.datatype_checks:
        bad = [(subject, value, kind) for subject, dtype, value, kind in values[path]
               if not (dtype in allowed and well_typed(value, dtype))]
        if bad:
            suspects.append((tquery, bad, shape, readable, message, component))
    return suspects


def _run_all(compiled: ShapeCompiler, store: ox.Store, union: bool, values, ntriples):
    """``(solutions of each query, datatype suspects)``.

    Oxigraph releases the GIL while it evaluates a query: the queries run side by side,
    and beside the reading of the datatypes from the N-Triples (in this thread) when
    *values* is ``None``.
    """
    def run(query: str) -> list:
        return list(store.query(query, use_default_graph_as_union=union))

    watched = {path for _q, path, *_rest in compiled.datatype_checks}
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = [pool.submit(run, q) for q, *_ in compiled.queries]
        inner = {(i, j): pool.submit(run, q) for i, lst in compiled.antijoins.items() for j, (q, _v) in enumerate(lst)}
        if values is None:
            values = _watched_from_ntriples(ntriples or [], watched)
        suspects = _suspects(compiled, values)
        solutions = [f.result() for f in futures]
        for i, lst in compiled.antijoins.items():  # the anti-joins, on every shared variable
            for j, (_q, shared) in enumerate(lst):
                seen = {tuple(str(sol[v]) for v in shared) for sol in inner[(i, j)].result()}
                solutions[i] = [sol for sol in solutions[i] if tuple(str(sol[v]) for v in shared) not in seen]
    return solutions, suspects


def _violation(sol, shape: str, path: str, message: str, component: str) -> Violation:
    row, kinds = {}, {}
    for name in _ROW_VARIABLES:
        try:
            val = sol[name]
        except (KeyError, IndexError, TypeError):
            continue
        if val is not None:
            row[name] = _text(val)
            kinds[name] = _kind(val)
    focus = row.get("this", "")
    if component in _COUNTS:
        value, kind = "", ""
    elif component == "SPARQL":
        value, kind = (row["value"], kinds["value"]) if "value" in row else (focus, kinds.get("this", ""))
    else:
        key = "v" if "v" in row else "o"
        value, kind = row.get(key, ""), kinds.get(key, "")
    return Violation(focus, path or row.get("path", ""), value, _fill(message, row), shape, component, kind)


def validate(data, shapes: Graph, *, store: ox.Store | None = None, ntriples=None) -> list[Violation]:
    """Validate *data* against *shapes* and return the sorted violations (empty when it conforms).

    *data* is an rdflib Graph or an iterable of pyoxigraph triples or quads (as
    ``pyoxigraph.parse`` yields them); it must include the ontology, for
    ``rdfs:subClassOf``, as for pySHACL.

    Alternatively, pass ``data=None``, a *store* whose named graphs together hold the
    data (the queries read their union) and *ntriples*, the same triples as N-Triples
    documents (bytes) as written, for the datatype checks.
    """
    compiled = compile_shapes(shapes)
    values = None
    union = data is None
    if store is None:
        store, values = _data_store(data, {path for _q, path, *_rest in compiled.datatype_checks})
    solutions, suspects = _run_all(compiled, store, union, values, ntriples)
    out: set[Violation] = set()
    for (_query, shape, path, message, component), sols in zip(compiled.queries, solutions):
        out.update(_violation(sol, shape, path, message, component) for sol in sols)
    targets: dict[str, set[str]] = {}
    for tquery, bad, shape, readable, message, component in suspects:
        if tquery not in targets:
            targets[tquery] = {_text(sol["this"]) for sol in store.query(tquery, use_default_graph_as_union=union)}
        focus = targets[tquery]
        for subject, value, kind in bad:
            if subject in focus:
                out.add(Violation(subject, readable, value, message, shape, component, kind))
    return sorted(out)
