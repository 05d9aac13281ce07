"""A fast SHACL validator for the subset of SHACL that ``ontology.ttl`` uses.

pySHACL checks each focus node in turn, in Python; with the SPARQL constraints
of our shapes that takes seconds for one source and hours for a thousand. This
module compiles every constraint of the shapes graph into ONE SPARQL query over
all focus nodes at once and runs it on Oxigraph. It supports exactly what the
shapes use and refuses anything else (:class:`UnsupportedShape`), so that a new
kind of constraint cannot be silently ignored; the tests check that it reports
the same violations as pySHACL on the real graph and on broken fixtures.

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

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

RDFS_SUBCLASS = str(RDFS.subClassOf)


class UnsupportedShape(ValueError):
    """The shapes graph uses a SHACL feature this validator does not implement."""


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


def _term(node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"cannot use {node!r} in a query")


def _list(g: Graph, head) -> list:
    return list(Collection(g, head))


def _path(g: Graph, prop) -> tuple[str, str]:
    """(SPARQL path, readable path) of a property shape."""
    path = g.value(prop, SH.path)
    if isinstance(path, URIRef):
        return _term(path), str(path)
    inv = g.value(path, SH.inversePath) if path is not None else None
    if isinstance(inv, URIRef):
        return f"^{_term(inv)}", f"^{inv}"
    raise UnsupportedShape(f"property shape {prop}: only IRI and inverse paths are supported")


def _constraint_test(g: Graph, p, o, var: str) -> str:
    """A SPARQL boolean expression true when *var* meets the single constraint (*p*, *o*)."""
    if p == SH.languageIn:
        langs = [str(x) for x in _list(g, o)]
        return "(" + " || ".join(f'langMatches(lang({var}), "{x}")' for x in langs) + ")"
    if p == SH.datatype:
        return f"(isLiteral({var}) && datatype({var}) = {_term(o)})"
    if p == SH["class"]:
        return f"EXISTS {{ {var} <{RDF.type}>/<{RDFS_SUBCLASS}>* {_term(o)} }}"
    raise UnsupportedShape(f"constraint {p} is not supported in a value shape")


def _value_test(g: Graph, shape, var: str) -> str:
    """A SPARQL boolean expression true when *var* conforms to the value shape *shape*."""
    tests = [_constraint_test(g, p, o, var) for p, o in sorted(g.predicate_objects(shape)) if p != RDF.type]
    if not tests:
        raise UnsupportedShape(f"value shape {shape} has no test")
    return "(" + " && ".join(tests) + ")"


def _message(g: Graph, node, default: str) -> str:
    msg = g.value(node, SH.message)
    return str(msg) if msg is not None else default


# ---------------------------------------------------------------- FILTER NOT EXISTS -> MINUS

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<open>\{) | (?P<close>\})
  | (?P<word>[^\s{}]+)
''', re.VERBOSE)
_KEYWORDS = {"OPTIONAL", "UNION", "MINUS", "VALUES", "BIND", "SERVICE", "GRAPH", "FILTER", "EXISTS", "NOT",
             "SELECT", "WHERE"}
_VARIABLE = re.compile(r"^[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _words(tokens) -> list[str]:
    return [m.group(0) for m in tokens if m.lastgroup in ("word", "iri", "string")]


def _is_plain_bgp(tokens) -> bool:
    """True for triple patterns only: no group, no keyword, no blank node brackets."""
    for m in tokens:
        if m.lastgroup in ("open", "close"):
            return False
        if m.lastgroup == "word":
            w = m.group(0)
            if w.upper().strip("(") in _KEYWORDS or "[" in w or "(" in w:
                return False
    return True


def _variables(words: list[str]) -> set[str]:
    return {m.group(1) for w in words for m in [_VARIABLE.match(w)] if m}


def _constant_predicates(words: list[str]) -> bool:
    """True when no triple pattern of *words* (a basic graph pattern) has a variable as predicate."""
    return not any(_VARIABLE.match(p) for p in _predicates(words))


_SIMPLE_PREDICATE = re.compile(r"^(?:a|<[^<>\s]*>|[A-Za-z_][\w.-]*:[^/*+|^?()<>\s]*)$")


def _predicates(words: list[str]) -> list[str]:
    """The predicate tokens of a basic graph pattern written as *words*."""
    seq = []
    for w in words:
        while w and w[-1] in ";,." and not (w[-1] == "." and w[:-1].replace(".", "").isdigit()):
            if w[:-1]:
                seq.append(w[:-1])
            seq.append(w[-1])
            w = ""
        if w:
            seq.append(w)
    out, expect = [], "s"
    for t in seq:
        if t in (";", ",", "."):
            expect = {";": "p", ",": "o", ".": "s"}[t]
            continue
        if expect == "p":
            out.append(t)
        expect = {"s": "p", "p": "o", "o": "o"}[expect]
    return out


def not_exists_to_minus(select: str) -> str:
    """:func:`plan_not_exists` with every rewritten block as ``MINUS`` (nothing left for Python).

    >>> not_exists_to_minus("SELECT ?this WHERE { FILTER NOT EXISTS { ?st <http://e.org/s> ?this } ?this ?p ?o . }")
    'SELECT ?this WHERE {  ?this ?p ?o . MINUS { ?st <http://e.org/s> ?this } }'
    """
    return plan_not_exists(select, antijoin=False)[0]


def plan_not_exists(select: str, *, antijoin: bool = True) -> tuple[str, list[tuple[str, list[str]]]]:
    """Plan the ``FILTER NOT EXISTS { P }`` of a SPARQL constraint for Oxigraph.

    Oxigraph evaluates ``NOT EXISTS`` once per solution, with a plan that does not use
    the variables already bound, which makes some of the shapes' constraints quadratic
    (minutes for a hundred sources). Where the meaning is surely the same (the rest of
    the ``WHERE`` group is triple patterns only, so each of its variables is bound; *P*
    is triple patterns only and shares a variable with it; no variable predicate in *P*,
    which would read the whole graph where ``NOT EXISTS`` looks up one triple), *P* is
    evaluated once instead:

    * *P* with plain predicates is taken out (returned as ``(query, shared variables)``)
      and the anti-join is made by the caller, on all the shared variables (Oxigraph's
      ``MINUS`` can pick a key of few values and go quadratic on millions of triples);
      the query then selects ``*`` (its projection must be plain variables);
    * *P* with property paths becomes ``MINUS { P }``, at the end of the group.

    Anything else is left as it is. Returns ``(query, anti-joins)``.

    >>> q, aj = plan_not_exists("SELECT ?this WHERE { ?this ?p ?o . FILTER NOT EXISTS { ?st <http://e.org/s> ?this } }")
    >>> q, aj
    ('SELECT * WHERE { ?this ?p ?o .   }', [('SELECT DISTINCT ?this WHERE {  ?st <http://e.org/s> ?this  }', ['this'])])
    >>> plan_not_exists("SELECT ?this WHERE { ?this <http://e.org/p> ?o . FILTER NOT EXISTS { ?this ?p ?o } }")[0]
    'SELECT ?this WHERE { ?this <http://e.org/p> ?o . FILTER NOT EXISTS { ?this ?p ?o } }'
    """
    m = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if not m:
        return select, []
    projection = select[:m.start()].split()
    plain_projection = (len(projection) >= 2 and projection[0].upper() == "SELECT"
                        and all(_VARIABLE.match(w) or w.upper() == "DISTINCT" for w in projection[1:]))
    tokens = list(_TOKEN.finditer(select, m.end()))
    depth, end = 1, None
    for i, t in enumerate(tokens):
        if t.lastgroup == "open":
            depth += 1
        elif t.lastgroup == "close":
            depth -= 1
            if depth == 0:
                end = i
                break
    if end is None:
        return select, []
    body = [t for t in tokens[:end] if t.lastgroup != "comment"]
    blocks, outer, i = [], [], 0
    while i < len(body):
        w = [t.group(0).upper() for t in body[i:i + 4]]
        if len(w) == 4 and w[:3] == ["FILTER", "NOT", "EXISTS"] and body[i + 3].lastgroup == "open":
            j, d = i + 4, 1
            while j < len(body) and d:
                d += {"open": 1, "close": -1}.get(body[j].lastgroup, 0)
                j += 1
            if d:
                return select, []
            blocks.append((body[i], body[i + 3], body[j - 1], body[i + 4:j - 1]))
            i = j
        else:
            outer.append(body[i])
            i += 1
    if not blocks or not _is_plain_bgp(outer):
        return select, []
    outer_vars = _variables(_words(outer))
    out, moved, antijoins, last = [], [], [], 0
    for filter_tok, open_tok, close_tok, inner in blocks:
        words = _words(inner)
        shared = _variables(words) & outer_vars
        if not (_is_plain_bgp(inner) and shared and _constant_predicates(words)):
            continue
        inner_text = select[open_tok.end():close_tok.start()]
        out.append(select[last:filter_tok.start()])
        last = close_tok.end()
        if antijoin and plain_projection and all(_SIMPLE_PREDICATE.match(p) for p in _predicates(words)):
            antijoins.append((f"SELECT DISTINCT {' '.join('?' + v for v in sorted(shared))} WHERE {{ {inner_text} }}",
                              sorted(shared)))
        else:
            # a FILTER holds for the whole group wherever it is written; MINUS only for what
            # comes before it: so the MINUS goes at the end of the group
            moved.append("MINUS {" + inner_text + "}")
    if not moved and not antijoins:
        return select, []
    close = tokens[end].start()
    text = "".join(out) + select[last:close].rstrip() + " " + " ".join(moved) + (" " if moved else " ") + select[close:]
    if antijoins:
        text = "SELECT * " + text[m.start():]
    return text, antijoins


def _count_query(target: str, path: str, condition: str, op: str, n: int) -> str:
    """The focus nodes of *target* with fewer (``<``) or more (``>``) than *n* distinct values
    of *path* that meet *condition* (SPARQL on ``?v``: ``FILTER …`` or ``. ?v …``).

    The common bounds get cheaper forms than a ``GROUP BY`` over every focus node:
    fewer than 1 is ``MINUS`` (nodes without such a value), more than 1 is two distinct values.
    """
    if op == "<" and n == 1:
        return f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} ?v {condition} }} }}"
    if op == ">" and n == 1:
        other = condition.replace("?v", "?w")
        return (f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?v {condition} . ?this {path} ?w {other} "
                f"FILTER (!sameTerm(?v, ?w)) }}")
    return (f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {target} OPTIONAL {{ ?this {path} ?v {condition} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {n})")


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self.queries: list[tuple[str, str, str, str, str]] = []  # query, shape, path, message template, component
        #: index of a query -> the NOT EXISTS patterns taken out of it, (query, shared variables),
        #: whose solutions remove those of the query that agree on the shared variables
        self.antijoins: dict[int, list[tuple[str, list[str]]]] = {}
        self.datatype_checks: list[tuple] = []  # target query, path, allowed datatypes, shape, path, message, component

    def target(self, shape) -> str:
        parts = []
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"{{ ?this <{RDF.type}>/<{RDFS_SUBCLASS}>* {_term(cls)} }}")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ SELECT DISTINCT ?this WHERE {{ ?this {_term(prop)} ?any }} }}")
        for p in (SH.targetNode, SH.targetObjectsOf, SH.target):
            if (shape, p, None) in self.g:
                raise UnsupportedShape(f"shape {shape}: {p} is not supported")
        if not parts:
            return ""
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def add(self, query: str, shape, path: str, message: str, component: str) -> None:
        self.queries.append((query, str(shape), path, message, component))

    def property_shape(self, shape, prop, target: str) -> None:
        g = self.g
        sp, readable = _path(g, prop)
        msg = _message(g, prop, f"constraint on {readable} not met")
        count = _count_query
        handled = {SH.path, SH.message, SH.name, SH.description, RDF.type, SH.qualifiedValueShape,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.severity}
        for p, o in g.predicate_objects(prop):
            if p == SH.minCount:
                self.add(count(target, sp, "", "<", int(o)), shape, readable, msg, "MinCount")
            elif p == SH.maxCount:
                self.add(count(target, sp, "", ">", int(o)), shape, readable, msg, "MaxCount")
            elif p == SH.datatype:
                self.datatype_check(shape, prop, target, {str(o)}, readable, msg, "Datatype")
            elif p == SH["class"]:
                # MINUS finds the instances once; FILTER NOT EXISTS would walk the class
                # hierarchy again for every value
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v MINUS {{ ?v <{RDF.type}>/<{RDFS_SUBCLASS}>* {_term(o)} }} }}",
                         shape, readable, msg, "class")
            elif p == SH.languageIn:
                test = _constraint_test(g, p, o, "?v")
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v FILTER (!{test}) }}", shape, readable, msg, "languageIn")
            elif p == SH["in"]:
                values = ", ".join(_term(x) for x in _list(g, o))
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v FILTER (?v NOT IN ({values})) }}", shape, readable, msg, "In")
            elif p == SH.minLength:
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v FILTER (isBlank(?v) || STRLEN(STR(?v)) < {int(o)}) }}", shape, readable, msg, "MinLength")
            elif p == SH.nodeKind:
                if o != SH.IRI:
                    raise UnsupportedShape(f"{prop}: only sh:nodeKind sh:IRI is supported")
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v FILTER (!isIRI(?v)) }}", shape, readable, msg, "NodeKind")
            elif p == SH["or"]:
                allowed = set()
                for member in _list(g, o):
                    pairs = [(mp, mo) for mp, mo in g.predicate_objects(member) if mp != RDF.type]
                    if len(pairs) != 1 or pairs[0][0] != SH.datatype:
                        raise UnsupportedShape(f"{prop}: sh:or is supported only over sh:datatype shapes")
                    allowed.add(str(pairs[0][1]))
                self.datatype_check(shape, prop, target, allowed, readable, msg, "Or")
            elif p not in handled:
                raise UnsupportedShape(f"property shape {prop}: {p} is not supported")
        q = g.value(prop, SH.qualifiedValueShape)
        if q is not None:
            test = "FILTER " + _value_test(g, q, "?v")
            pairs = [(vp, vo) for vp, vo in g.predicate_objects(q) if vp != RDF.type]
            if len(pairs) == 1 and pairs[0][0] == SH["class"]:  # a join, not a test per value
                test = f". ?v <{RDF.type}>/<{RDFS_SUBCLASS}>* {_term(pairs[0][1])}"
            lo, hi = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
            if lo is not None:
                self.add(count(target, sp, test, "<", int(lo)), shape, readable, msg, "QualifiedMinCount")
            if hi is not None:
                self.add(count(target, sp, test, ">", int(hi)), shape, readable, msg, "QualifiedMaxCount")

    def datatype_check(self, shape, prop, target: str, allowed: set[str], readable: str, msg: str, component: str) -> None:
        path = self.g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise UnsupportedShape(f"{prop}: datatype constraints are supported on IRI paths only")
        # Oxigraph normalises derived datatypes (xsd:nonNegativeInteger becomes xsd:integer),
        # so datatypes are checked in Python on the triples as parsed.
        self.datatype_checks.append((f"SELECT DISTINCT ?this WHERE {{ {target} }}", str(path), frozenset(allowed), str(shape), readable, msg, component))

    def sparql_constraint(self, shape, constraint, target: str) -> None:
        g = self.g
        select = g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"{constraint}: only sh:select SPARQL constraints are supported")
        prefixes = []
        for pref in g.objects(constraint, SH.prefixes):
            for decl in g.objects(pref, SH.declare):
                prefixes.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
        text, antijoins = plan_not_exists(str(select).replace("$this", "?this"))
        m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if not m:
            raise UnsupportedShape(f"{constraint}: cannot find WHERE")
        text = text[: m.end()] + f" {target} " + text[m.end():]
        msg = _message(g, constraint, f"SPARQL constraint of {shape} not met")
        head = "\n".join(sorted(set(prefixes))) + "\n"
        if antijoins:
            self.antijoins[len(self.queries)] = [(head + q, shared) for q, shared in antijoins]
        self.add(head + text, shape, "", msg, "SPARQL")

    def compile(self) -> list[tuple[str, str, str, str, str]]:
        g = self.g
        shapes = set(g.subjects(RDF.type, SH.NodeShape))
        for shape in sorted(shapes, key=str):
            if (shape, SH.deactivated, Literal(True)) in g:
                continue
            target = self.target(shape)
            if not target:
                continue
            for prop in g.objects(shape, SH.property):
                self.property_shape(shape, prop, target)
            for constraint in g.objects(shape, SH.sparql):
                self.sparql_constraint(shape, constraint, target)
            for p in (SH["not"], SH["and"], SH.xone, SH.node, SH.closed):
                if (shape, p, None) in g:
                    raise UnsupportedShape(f"shape {shape}: {p} is not supported")
        return self.queries


def compile_shapes(shapes: Graph) -> "_Compiler":
    """Compile *shapes*: the compiler's ``queries`` and ``datatype_checks``."""
    c = _Compiler(shapes)
    c.compile()
    return c


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = str(RDF.langString)



def _ox_term(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD_STRING)))
    return ox.BlankNode(str(t))


def _triples(data):
    """Yield pyoxigraph quads in the default graph of *data* (an rdflib Graph or an iterable of pyoxigraph triples/quads)."""
    if isinstance(data, Graph):
        for s, p, o in data:
            yield ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), ox.DefaultGraph())
    else:
        for q in data:
            yield ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())


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


_WELL_TYPED: dict[tuple[str, str], bool] = {}


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
        import datetime
        from decimal import Decimal

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
                lst.append((_text(t.subject), _datatype(t.object) or "", _text(t.object), _kind(t.object)))
    return out


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
    watched = {path for _q, path, *_rest in compiled.datatype_checks}
    values: dict[str, list[tuple[str, str, str, str]]] = {p: [] for p in watched}
    if store is None:
        store = ox.Store()

        def stream():
            for t in _triples(data):
                p = t.predicate.value
                if p in watched:
                    values[p].append((_text(t.subject), _datatype(t.object) or "", _text(t.object), _kind(t.object)))
                yield t

        store.bulk_extend(stream())
        union = False

    def run(query: str) -> list:
        return list(store.query(query, use_default_graph_as_union=union if store is not None else False))

    out: set[Violation] = set()
    if data is None:
        union = True
    # Oxigraph releases the GIL while it evaluates a query: the queries run side by side,
    # and beside the reading of the datatypes from the N-Triples (in this thread)
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = [pool.submit(run, q) for q, *_ in compiled.queries]
        inner = {(i, j): pool.submit(run, q) for i, lst in compiled.antijoins.items() for j, (q, _v) in enumerate(lst)}
        if data is None:
            values = _watched_from_ntriples(ntriples or [], watched)
        # the values that break a datatype constraint, whoever their subject is (usually none)
        suspects = []
        for tquery, path, allowed, shape, readable, message, component in compiled.datatype_checks:
            bad = [(subject, value, kind) for subject, dtype, value, kind in values[path]
                   if not (dtype in allowed and well_typed(value, dtype))]
            if bad:
                suspects.append((tquery, bad, shape, readable, message, component))
        solutions = [f.result() for f in futures]
        for i, lst in compiled.antijoins.items():  # the anti-joins, on every shared variable
            for j, (_q, shared) in enumerate(lst):
                seen = {tuple(str(sol[v]) for v in shared) for sol in inner[(i, j)].result()}
                solutions[i] = [sol for sol in solutions[i] if tuple(str(sol[v]) for v in shared) not in seen]
    for (query, shape, path, message, component), sols in zip(compiled.queries, solutions):
        for sol in sols:
            row = {}
            kinds = {}
            for name in ("this", "v", "p", "o", "type", "range", "domain", "d", "prec", "n", "value", "path"):
                try:
                    val = sol[name]
                except (KeyError, IndexError, TypeError):
                    continue
                if val is not None:
                    row[name] = _text(val)
                    kinds[name] = _kind(val)
            focus = row.get("this", "")
            if component in ("MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount"):
                value, kind = "", ""
            elif component == "SPARQL":
                value, kind = (row["value"], kinds["value"]) if "value" in row else (focus, kinds.get("this", ""))
            else:
                key = "v" if "v" in row else "o"
                value, kind = row.get(key, ""), kinds.get(key, "")
            out.add(Violation(focus, path or row.get("path", ""), value, _fill(message, row), shape, component, kind))
    targets: dict[str, set[str]] = {}
    for tquery, bad, shape, readable, message, component in suspects:
        if tquery not in targets:
            targets[tquery] = {_text(sol["this"]) for sol in store.query(tquery, use_default_graph_as_union=union)}
        focus = targets[tquery]
        for subject, value, kind in bad:
            if subject in focus:
                out.add(Violation(subject, readable, value, message, shape, component, kind))
    return sorted(out)
