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

import re
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


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self.queries: list[tuple[str, str, str, str, str]] = []  # query, shape, path, message template, component
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
        count = "SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {t} OPTIONAL {{ ?this {p} ?v {f} }} }} GROUP BY ?this HAVING ({h})"
        handled = {SH.path, SH.message, SH.name, SH.description, RDF.type, SH.qualifiedValueShape,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.severity}
        for p, o in g.predicate_objects(prop):
            if p == SH.minCount:
                self.add(count.format(t=target, p=sp, f="", h=f"COUNT(DISTINCT ?v) < {int(o)}"), shape, readable, msg, "MinCount")
            elif p == SH.maxCount:
                self.add(count.format(t=target, p=sp, f="", h=f"COUNT(DISTINCT ?v) > {int(o)}"), shape, readable, msg, "MaxCount")
            elif p == SH.datatype:
                self.datatype_check(shape, prop, target, {str(o)}, readable, msg, "Datatype")
            elif p in (SH["class"], SH.languageIn):
                test = _constraint_test(g, p, o, "?v")
                self.add(f"SELECT ?this ?v WHERE {{ {target} ?this {sp} ?v FILTER (!{test}) }}", shape, readable, msg, p.split("#")[-1])
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
            test = _value_test(g, q, "?v")
            lo, hi = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
            if lo is not None:
                self.add(count.format(t=target, p=sp, f=f"FILTER {test}", h=f"COUNT(DISTINCT ?v) < {int(lo)}"), shape, readable, msg, "QualifiedMinCount")
            if hi is not None:
                self.add(count.format(t=target, p=sp, f=f"FILTER {test}", h=f"COUNT(DISTINCT ?v) > {int(hi)}"), shape, readable, msg, "QualifiedMaxCount")

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
        text = str(select).replace("$this", "?this")
        m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        if not m:
            raise UnsupportedShape(f"{constraint}: cannot find WHERE")
        text = text[: m.end()] + f" {target} " + text[m.end():]
        msg = _message(g, constraint, f"SPARQL constraint of {shape} not met")
        self.add("\n".join(sorted(set(prefixes))) + "\n" + text, shape, "", msg, "SPARQL")

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
    alternatives = b"|".join(re.escape(p.encode("utf-8")) for p in sorted(watched))
    line = re.compile(rb"^[^ \n]+ <(?:" + alternatives + rb")> [^\n]*$", re.MULTILINE)
    found = []
    for doc in docs:
        found.extend(line.findall(doc))
    if found:
        for t in ox.parse(b"\n".join(found) + b"\n", format=ox.RdfFormat.N_TRIPLES):
            out[t.predicate.value].append((_text(t.subject), _datatype(t.object) or "", _text(t.object), _kind(t.object)))
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
    if store is None:
        store = ox.Store()
        values: dict[str, list[tuple[str, str, str, str]]] = {p: [] for p in watched}

        def stream():
            for t in _triples(data):
                p = t.predicate.value
                if p in watched:
                    values[p].append((_text(t.subject), _datatype(t.object) or "", _text(t.object), _kind(t.object)))
                yield t

        store.bulk_extend(stream())
        union = False
    else:
        values = _watched_from_ntriples(ntriples or [], watched)
        union = True
    out: set[Violation] = set()
    for query, shape, path, message, component in compiled.queries:
        for sol in store.query(query, use_default_graph_as_union=union):
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
    for tquery, path, allowed, shape, readable, message, component in compiled.datatype_checks:
        if tquery not in targets:
            targets[tquery] = {_text(sol["this"]) for sol in store.query(tquery, use_default_graph_as_union=union)}
        focus = targets[tquery]
        for subject, dtype, value, kind in values[path]:
            if subject in focus and not (dtype in allowed and well_typed(value, dtype)):
                out.add(Violation(subject, readable, value, message, shape, component, kind))
    return sorted(out)
