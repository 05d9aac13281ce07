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
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass
from decimal import Decimal
from operator import itemgetter

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cppcc_kg.rdf.namespaces import local_name
from cppcc_kg.rdf.store import store_of_quads, to_ox
from cppcc_kg.validate.file_cache import digest, entry_name, get_json, put_json
from cppcc_kg.validate.shacl_compile import (
    WITH_SUBCLASSES,
    ShapeCompiler,
    UnsupportedShape,
    compile_shapes,
    resolve_classes,
)
from cppcc_kg.validate.shacl_incremental import restriction, save_state
from cppcc_kg.validate.shacl_plan import _TOKEN

__all__ = ["validate", "Violation", "UnsupportedShape", "compile_shapes", "well_typed"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = str(RDF.langString)
#: the variables of a solution that a violation reads
_ROW_VARIABLES = ("this", "v", "p", "o", "type", "range", "domain", "d", "prec", "n", "value", "path")
_COUNTS = ("MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount")

_WELL_TYPED: dict[tuple[str, str], bool] = {}
#: the datatypes whose lexical forms of ASCII digits alone are all well typed (rdflib reads them as ``int``)
_DIGITS_ONLY = frozenset({"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"})


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
    if datatype in _DIGITS_ONLY and lexical.isascii() and lexical.isdigit():
        return True  # (as rdflib finds: tests/validate/test_fastshacl.py)
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


def _object_of(obj: bytes) -> tuple[str, str, str] | None:
    """(datatype, value, kind) of an N-Triples object, as :func:`_watched_value` reads it after the
    parser; ``None`` when it has an escape or a blank node (the parser reads those).

    >>> _object_of(b'"5"^^<http://www.w3.org/2001/XMLSchema#integer>')
    ('http://www.w3.org/2001/XMLSchema#integer', '5', 'literal')
    >>> _object_of(b'"a"@en'), _object_of(b'<http://e.org/x>'), _object_of(b'"a\\\\b"')
    (('http://www.w3.org/1999/02/22-rdf-syntax-ns#langString', 'a', 'literal'), ('', 'http://e.org/x', 'iri'), None)
    """
    if b"\\" in obj:
        return None
    if obj[:1] == b"<" and obj[-1:] == b">":
        return "", obj[1:-1].decode("utf-8"), "iri"
    if obj[:1] == b'"':
        end = obj.rindex(b'"')
        lexical, rest = obj[1:end].decode("utf-8"), obj[end + 1:]
        if not rest:
            return XSD_STRING, lexical, "literal"
        if rest[:1] == b"@":
            return RDF_LANGSTRING, lexical, "literal"
        if rest[:3] == b"^^<" and rest[-1:] == b">":
            return rest[3:-1].decode("utf-8"), lexical, "literal"
    return None


def _bad_values(docs, checks, memo: dict) -> list[list]:
    """``[check, subject, value, kind]`` of each triple of the N-Triples *docs* whose object breaks
    the datatype check ``checks[check]`` (``(path, allowed datatypes)``), whoever its subject is.

    A line is ``subject predicate object .`` with single spaces (canonical N-Triples; a literal
    cannot hold the second space of a line). The object is read as the parser would
    (:func:`_object_of`; the parser itself reads the rare line with an escape or a blank node);
    *memo* keeps the verdict of each (predicate, object). (Splitting the lines in Python is
    faster here than a regular expression or a search for each predicate: measured.)
    """
    by_path: dict[bytes, list[tuple[int, frozenset]]] = {}
    for i, (path, allowed) in enumerate(checks):
        by_path.setdefault(b"<" + path.encode("utf-8") + b">", []).append((i, allowed))
    if not by_path:
        return []
    # a plain literal is an xsd:string, whatever its characters: where every check allows it, nothing to read
    strings_ok = {pred for pred, mine in by_path.items() if all(XSD_STRING in allowed for _i, allowed in mine)}
    out, hard = [], []
    for doc in docs:
        for line in doc.split(b"\n"):
            parts = line.split(b" ", 2)
            if len(parts) != 3 or parts[1] not in by_path:
                continue
            subject, pred, obj = parts[0], parts[1], parts[2][:-2]
            if obj[-1:] == b'"' and obj[:1] == b'"' and pred in strings_ok:
                continue
            if subject[:1] != b"<" or b"\\" in subject:
                hard.append(line)
                continue
            verdict = memo.get((pred, obj))
            if verdict is None:
                read = _object_of(obj)
                if read is None:
                    hard.append(line)
                    continue
                dtype, value, kind = read
                verdict = memo[(pred, obj)] = [(i, value, kind) for i, allowed in by_path[pred]
                                               if not (dtype in allowed and well_typed(value, dtype))]
            if verdict:
                out += [[i, subject[1:-1].decode("utf-8"), value, kind] for i, value, kind in verdict]
    if hard:
        for t in ox.parse(b"\n".join(sorted(set(hard))) + b"\n", format=ox.RdfFormat.N_TRIPLES):
            subject, dtype, value, kind = _watched_value(t.subject, t.object)
            pred = b"<" + t.predicate.value.encode("utf-8") + b">"
            out += [[i, subject, value, kind] for i, allowed in by_path[pred]
                    if not (dtype in allowed and well_typed(value, dtype))]
    return out


def _datatype_suspects(compiled: ShapeCompiler, ntriples, keys: dict | None, cache, known: dict | None = None,
                       record: dict | None = None) -> list[tuple]:
    """The suspects of :func:`_suspects`, read from the N-Triples as written (Oxigraph's store would
    turn ``xsd:nonNegativeInteger`` into ``xsd:integer``).

    *ntriples* is a list of documents, or a dict name -> document; with *keys* (name -> the
    document's cache key) and a *cache*, the bad values of each document are kept per document
    (they depend on its bytes and the checks alone); *known* (cache key -> what the checks found in the
    document, from the SHACL record) saves reading those entries, and *record* receives what they found
    in each document that has a key (non-empty only).
    """
    checks = [(path, allowed) for _q, path, allowed, *_rest in compiled.datatype_checks]
    docs = ntriples if isinstance(ntriples, dict) else dict(enumerate(ntriples or []))
    checks_digest = digest(*(f"{p}\0{' '.join(sorted(a))}" for p, a in checks))
    memo: dict = {}
    bad: set[tuple] = set()
    for name, doc in docs.items():
        key = (keys or {}).get(name)
        if known is not None and key in known:
            found = known[key]
            entry = None
        else:
            entry = entry_name("datatypes", key, checks_digest) if key and cache is not None else None
            found = get_json(cache, entry) if entry else None
        if found is None:
            found = _bad_values([doc], checks, memo)
            if entry:
                put_json(cache, entry, found)
        if found and key and record is not None:
            record[key] = found
        bad.update(map(tuple, found))
    suspects = []
    for i, (tquery, _path, _allowed, shape, readable, message, component) in enumerate(compiled.datatype_checks):
        mine = sorted((subject, value, kind) for j, subject, value, kind in bad if j == i)
        if mine:
            suspects.append((tquery, mine, shape, readable, message, component))
    return suspects



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


def _step_name(compiled: ShapeCompiler, entry) -> str:
    """The name of a plan entry in the timings: shape, then path and component (``counts``: grouped)."""
    _query, members = entry
    i = members if isinstance(members, int) else members[0][0]
    _q, shape, path, _m, component = compiled.queries[i]
    what = component if isinstance(members, int) else "counts"
    if component == "SPARQL":  # the constraints of a shape in the order of the shapes graph, from 1
        what += f" {sum(1 for q in compiled.queries[:i + 1] if q[1] == shape and q[4] == component)}"
    return " ".join(x for x in (local_name(shape) if shape else "", local_name(path) if path else "", what) if x)


#: above this many values to substitute in an anti-join (:mod:`~cppcc_kg.validate.shacl_plan`), its fallback runs
MAX_SUBSTITUTIONS = 256


class _Done:
    """A result already there, as a future gives it."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def _written(query: str, terms: dict[str, str]) -> str:
    """*query* with the variables named in *terms* replaced by their terms (SPARQL syntax), outside strings."""
    return "".join(re.sub(r"[?$](\w+)", lambda v: terms.get(v.group(1), v.group(0)), m.group(0))
                   if m.lastgroup == "word" else m.group(0) for m in _TOKEN_OR_SPACE.finditer(query))


_TOKEN_OR_SPACE = re.compile(_TOKEN.pattern + r"|(?P<space>\s+)", re.VERBOSE)


class _Rows(list):
    """The solutions of a query, and the names of its variables in their order (``names``)."""

    names: list[str]


def _rows(store: ox.Store, query: str, union: bool) -> _Rows:
    result = store.query(query, use_default_graph_as_union=union)
    rows = _Rows(result)
    rows.names = [v.value for v in result.variables]
    return rows


def _getter(names: list[str], wanted: list[str]):
    """A function of a solution's values (a tuple) -> the tuple of the values of the variables *wanted*."""
    get = itemgetter(*[names.index(v) for v in wanted])
    return get if len(wanted) > 1 else lambda values: (get(values),)


def _antijoin_jobs(compiled: ShapeCompiler, i: int, sols: _Rows, submit, fix) -> tuple[list, list] | None:
    """``(solutions, [(shared, substituted terms, future)])``: the inner queries of the anti-joins of the
    query ``queries[i]``, given the solutions *sols* of its plan; ``None`` when a value to substitute is a
    blank node or there are more than :data:`MAX_SUBSTITUTIONS` (the caller runs the fallback plan)."""
    jobs = []
    for query, shared, ends in compiled.antijoins[i]:
        if not ends:
            jobs.append((shared, {}, submit(fix(query))))
            continue
        get = _getter(sols.names, ends)
        combos = {get(tuple(sol)) for sol in sols}
        if len(combos) > MAX_SUBSTITUTIONS or any(not isinstance(t, (ox.NamedNode, ox.Literal))
                                                  for combo in combos for t in combo):
            return None
        for combo in sorted(combos, key=str):
            jobs.append((shared, dict(zip(ends, combo)),
                         submit(fix(_written(query, {v: str(t) for v, t in zip(ends, combo)})))))
    return sols, jobs


def _anti_joined(sols: _Rows, jobs: list) -> list:
    """*sols* without those that agree with a solution of an inner query of *jobs* on its shared variables
    (terms compared as terms: equal exactly when their N-Triples are)."""
    names = sols.names
    seen: dict[tuple, set] = {}
    for shared, fixed, future in jobs:
        found = seen.setdefault(tuple(shared), set())
        inner = future.result()
        rest = [v for v in shared if v not in fixed]
        get = _getter(inner.names, rest)
        at = {v: j for j, v in enumerate(rest)}
        for values in map(tuple, inner):
            got = get(values)
            found.add(tuple(fixed[v] if v in fixed else got[at[v]] for v in shared))
    for shared, found in seen.items():
        get = _getter(names, list(shared))
        sols = [sol for sol in sols if get(tuple(sol)) not in found]
    return sols


def _run_all(compiled: ShapeCompiler, store: ox.Store, union: bool, suspects_of, timings: dict | None = None,
             positions: list[int] | None = None):
    """``(plan position -> solutions of that plan entry, datatype suspects)``, for the entries at
    *positions* of the plan (default: all).

    Oxigraph releases the GIL while it evaluates a query: the queries run side by side,
    and beside ``suspects_of()`` (the datatype checks, in this thread). With *timings*, they
    run one after the other instead, and *timings* receives the seconds of each step.
    Each query's ``rdf:type/rdfs:subClassOf*`` of a class without a subclass in *store* is a
    triple pattern (:func:`~cppcc_kg.validate.shacl_compile.resolve_classes`); the anti-joins whose
    inner query takes values from the solutions run once those are there.
    """
    def run(query: str) -> _Rows:
        return _rows(store, query, union)

    positions = list(range(len(compiled.plan))) if positions is None else positions
    # (no plan entry to run: the store is not read)
    with_subclasses = {sol[0].value for sol in store.query(WITH_SUBCLASSES, use_default_graph_as_union=union)} \
        if positions else set()

    def fix(query: str) -> str:
        return resolve_classes(query, with_subclasses)

    plan = {k: compiled.plan[k] for k in positions}
    antijoins = {k: i for k, (_q, i) in plan.items() if isinstance(i, int) and i in compiled.antijoins}
    pool = None if timings is not None else ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
    try:
        if pool is None:
            def timed(name: str, job):
                t0 = time.perf_counter()
                out = job()
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
                return out
            suspects = timed("datatypes (N-Triples)", suspects_of)

            def submitter(k):
                return lambda q: _Done(timed(_step_name(compiled, compiled.plan[k]), lambda: run(q)))
            futures = {k: submitter(k)(fix(q)) for k, (q, _m) in plan.items()}
        else:
            futures = {k: pool.submit(run, fix(q)) for k, (q, _m) in plan.items()}
            suspects = suspects_of()
            def submitter(_k):
                return lambda q: pool.submit(run, q)
        solutions = {}
        for k, future in futures.items():
            solutions[k] = future.result()
        jobs = {}
        for k, i in antijoins.items():
            found = _antijoin_jobs(compiled, i, solutions[k], submitter(k), fix)
            if found is None:  # the plan without substitution
                query, inner = compiled.fallbacks[i]
                solutions[k] = submitter(k)(fix(query)).result()
                found = solutions[k], [(shared, {}, submitter(k)(fix(q))) for q, shared, _e in inner]
            jobs[k] = found
        for k, (sols, inner) in jobs.items():
            solutions[k] = _anti_joined(sols, inner)
    finally:
        if pool is not None:
            pool.shutdown()
    return solutions, suspects


def _plan_violations(compiled: ShapeCompiler, solutions: dict) -> set[Violation]:
    """The violations that the solutions of the plan entries (position -> solutions) stand for."""
    out: set[Violation] = set()
    for k, sols in solutions.items():
        members = compiled.plan[k][1]
        if isinstance(members, int):
            _q, shape, path, message, component = compiled.queries[members]
            names = compiled.projections.get(members, _ROW_VARIABLES)
            out.update(_violation(sol, shape, path, message, component, names) for sol in sols)
        else:
            out.update(_count_violations(compiled, sols, members))
    return out


def _count_violations(compiled: ShapeCompiler, sols, members) -> list[Violation]:
    """The violations of the count constraints *members* that one grouped query checked."""
    out = []
    for sol in sols:
        focus = sol["this"]
        row = {"this": _text(focus)}
        for i, column, op, bound in members:
            n = int(sol[column].value)
            if (n < bound) if op == "<" else (n > bound):
                _q, shape, path, message, component = compiled.queries[i]
                # the query of the constraint alone (_count_query) projects the count unless the bound is 1
                filled = _fill(message, row if bound == 1 else dict(row, n=str(n)))
                out.append(Violation(row["this"], path, "", filled, shape, component, ""))
    return out


def _violation(sol, shape: str, path: str, message: str, component: str,
               names: tuple[str, ...] = _ROW_VARIABLES) -> Violation:
    """The violation that the solution *sol* of a constraint's query stands for, reading the variables
    *names* (those the constraint projects) among :data:`_ROW_VARIABLES`."""
    row, kinds = {}, {}
    for name in _ROW_VARIABLES:
        if name not in names:
            continue
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


def _validate_again(compiled: ShapeCompiler, store: ox.Store, ntriples: dict, keys: dict, cache,
                    about: dict, *, restrict: bool) -> tuple[set[Violation], list]:
    """``(violations of the plan, datatype suspects)``: the local constraints re-checked where the graph
    changed since the validation recorded in *cache* (:mod:`cppcc_kg.validate.shacl_incremental`), the
    others on the whole *store*; the verdicts of the local constraints and what the datatype checks
    found in each file are recorded for the next one. *about* receives ``reason`` (why the whole
    run) or ``focus`` (the number of nodes checked again)."""
    keys = {name: key for name, key in keys.items() if name in ntriples}
    r = restriction(compiled, store, ntriples, keys, cache, _text, restrict=restrict)
    record: dict = {}
    suspects_of = lambda: _datatype_suspects(compiled, ntriples, keys, cache, known=r.datatypes, record=record)
    local = set(r.local)
    if r.store is None:
        about["reason"] = r.reason
        solutions, suspects = _run_all(compiled, store, True, suspects_of)
        out = _plan_violations(compiled, solutions)
        mine = _plan_violations(compiled, {k: v for k, v in solutions.items() if k in local})
    else:
        about["focus"] = len(r.focus)
        solutions, suspects = _run_all(compiled, store, True, suspects_of,
                                       positions=[k for k in range(len(compiled.plan)) if k not in local])
        again, _none = _run_all(compiled, r.store, False, list, positions=sorted(local))
        # the other nodes of the small store lack triples: only the focus nodes' verdicts are those of the graph
        again = {k: [sol for sol in sols if _text(sol["this"]) in r.focus] for k, sols in again.items()}
        mine = _plan_violations(compiled, again) | {Violation(*v) for v in r.kept}
        out = _plan_violations(compiled, solutions) | mine
    save_state(compiled, keys, cache, [astuple(v) for v in mine], record)
    return out, suspects


def validate(data, shapes: Graph, *, store: ox.Store | None = None, ntriples=None, keys: dict | None = None,
             cache=None, timings: dict | None = None, restrict: bool = True,
             about: dict | None = None) -> list[Violation]:
    """Validate *data* against *shapes* and return the sorted violations (empty when it conforms).

    *data* is an rdflib Graph or an iterable of pyoxigraph triples or quads (as
    ``pyoxigraph.parse`` yields them); it must include the ontology, for
    ``rdfs:subClassOf``, as for pySHACL.

    Alternatively, pass ``data=None``, a *store* whose named graphs together hold the
    data (the queries read their union) and *ntriples*, the same triples as N-Triples
    documents (bytes, a list or a dict name -> bytes) as written, for the datatype checks;
    with *keys* (name -> cache key of the document) and a *cache*
    (:class:`cppcc_kg.project.cache.Cache`), what these checks find in each document is kept
    per document, and (*ntriples* a dict) the local constraints are checked again only where the
    graph changed since the last validation recorded in the cache
    (:mod:`cppcc_kg.validate.shacl_incremental`; ``restrict=False``: everywhere, the record
    written all the same); *about*, a dict, receives why the whole graph was checked (``reason``)
    or how many focus nodes were (``focus``). *timings*, a dict, receives the seconds of each step
    (the queries then run one after the other, on the whole graph).
    """
    compiled = compile_shapes(shapes)
    union = data is None
    if store is None:
        store, values = _data_store(data, {path for _q, path, *_rest in compiled.datatype_checks})
        suspects_of = lambda: _suspects(compiled, values)
    else:
        suspects_of = lambda: _datatype_suspects(compiled, ntriples, keys, cache)
    if union and keys and cache is not None and isinstance(ntriples, dict) and timings is None:
        out, suspects = _validate_again(compiled, store, ntriples, keys, cache,
                                        about if about is not None else {}, restrict=restrict)
    else:
        solutions, suspects = _run_all(compiled, store, union, suspects_of, timings)
        out = _plan_violations(compiled, solutions)
    targets: dict[str, set[str]] = {}
    for tquery, bad, shape, readable, message, component in suspects:
        if tquery not in targets:
            targets[tquery] = {_text(sol["this"]) for sol in store.query(tquery, use_default_graph_as_union=union)}
        focus = targets[tquery]
        for subject, value, kind in bad:
            if subject in focus:
                out.add(Violation(subject, readable, value, message, shape, component, kind))
    return sorted(out)
