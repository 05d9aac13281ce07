"""Compiling a shapes graph into SPARQL queries over all focus nodes at once.

:func:`compile_shapes` turns every constraint of the shapes into ONE SPARQL query
(its solutions are the violations) or, for datatypes, into a check done in Python on
the triples as written; it supports exactly the subset of SHACL that ``ontology.ttl``
uses (see :mod:`cppcc_kg.validate.shacl`) and raises :class:`UnsupportedShape` for
anything else, so that a new kind of constraint cannot be silently ignored.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''
... @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
... ''', format="turtle")
>>> [(shape, path, component) for _q, shape, path, _m, component in compile_shapes(shapes).queries]
[('http://example.org/S', 'http://example.org/name', 'MinCount')]
"""
from __future__ import annotations

import re
from itertools import pairwise

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from cppcc_kg.validate.shacl_plan import _TOKEN, plan_not_exists

RDFS_SUBCLASS = str(RDFS.subClassOf)


class UnsupportedShape(ValueError):
    """The shapes graph uses a SHACL feature this validator does not implement."""


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



def _count_query(target: str, path: str, condition: str, op: str, n: int) -> str:
    """The focus nodes of *target* with fewer (``<``) or more (``>``) than *n* distinct values
    of *path* that meet *condition* (SPARQL on ``?v``: ``FILTER …`` or ``. ?v …``).

    The common bounds get cheaper forms than a ``GROUP BY`` over every focus node:
    fewer than 1 is an ``OPTIONAL`` left unbound (nodes without such a value: Oxigraph looks each focus
    node up, where ``MINUS`` would read every triple of the path), more than 1 is two distinct values.
    """
    if op == "<" and n == 1:
        return f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?v {condition} }} FILTER (!BOUND(?v)) }}"
    if op == ">" and n == 1:
        other = condition.replace("?v", "?w")
        return (f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?v {condition} . ?this {path} ?w {other} "
                f"FILTER (!sameTerm(?v, ?w)) }}")
    return (f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {target} OPTIONAL {{ ?this {path} ?v {condition} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {n})")


def _grouped_count_query(target: str, conditions: list[tuple[str, str]], having: list[str]) -> str:
    """The focus nodes of *target* with the number of distinct values of each (path, condition) of
    *conditions* (``?n0``, ``?n1``, …), where one of the *having* tests holds: several count
    constraints read the target once.

    Each condition is an ``OPTIONAL`` of its own, so a focus node has as many solutions as the
    product of its numbers of values: the caller groups only conditions with at most one value
    in valid data (or those of one path)."""
    counts = " ".join(f"(COUNT(DISTINCT ?v{j}) AS ?n{j})" for j in range(len(conditions)))
    optionals = " ".join(f"OPTIONAL {{ ?this {path} ?v{j} {c.replace('?v', f'?v{j}').replace('?w', f'?w{j}')} }}"
                         for j, (path, c) in enumerate(conditions))
    return f"SELECT ?this {counts} WHERE {{ {target} {optionals} }} GROUP BY ?this HAVING ({' || '.join(having)})"


def _value_query(target: str, path: str, broken: str) -> str:
    """The values of *path* of the focus nodes of *target* that the clause *broken* keeps (on ``?v`` alone:
    ``FILTER (…)`` of the values that fail, or ``MINUS { … }`` of the values that pass), with their focus nodes.

    The values are tested in a sub-query, then joined with the target: the test reads ``?v`` alone and the
    target binds ``?this`` alone, so the same solutions (as a multiset) as the test after the join, but only
    the values that fail it are joined with the target, where every value was (measured at scale 1000: 0.56 to
    0.83 of the CPU of each query alone; the SHACL step's CPU 6.3 s -> 5.7 s). The sub-query tests the values of
    every subject that has *path*, targeted or not: cheap while few of them fail (in this ontology each path
    belongs to one class). ``FILTER EXISTS`` on the target was as fast in most processes, but 5 s instead of 0.1
    in some, where Oxigraph walked ``rdf:type/rdfs:subClassOf*`` from the class for every value."""
    return f"SELECT ?this ?v WHERE {{ {{ SELECT ?this ?v WHERE {{ ?this {path} ?v {broken} }} }} {target} }}"


_CLASS_PATH = re.compile(re.escape(f"<{RDF.type}>/<{RDFS_SUBCLASS}>* <") + r"([^<>\"{}|^`\\\s]*)>")

#: the query of the classes that have a proper subclass (a subclass other than themselves)
WITH_SUBCLASSES = f"SELECT DISTINCT ?c WHERE {{ ?s <{RDFS_SUBCLASS}> ?c FILTER (!sameTerm(?s, ?c)) }}"


def resolve_classes(query: str, with_subclasses: set[str]) -> str:
    """*query* with each ``rdf:type/rdfs:subClassOf* <C>`` written ``rdf:type <C>`` where the class *C*
    has no proper subclass (*with_subclasses*: the IRIs of the classes that have one, :data:`WITH_SUBCLASSES`
    on the data), outside strings and comments.

    The same solutions: a chain of ``rdfs:subClassOf`` into *C* other than the empty one ends with a
    triple ``X rdfs:subClassOf C``, with ``X`` other than *C* somewhere along it unless every link is
    ``C rdfs:subClassOf C``; so without a proper subclass the path's only class is *C* itself. Oxigraph
    walks the path from *C* for every solution; the triple is one look-up.

    >>> q = "SELECT ?x WHERE { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/" \\
    ...     "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <http://e.org/C> }"
    >>> resolve_classes(q, set())
    'SELECT ?x WHERE { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e.org/C> }'
    >>> resolve_classes(q, {"http://e.org/C"}) == q
    True
    """
    if "*" not in query:
        return query
    quoted = [m.span() for m in _TOKEN.finditer(query) if m.lastgroup in ("string", "comment")]

    def repl(m):
        if m.group(1) in with_subclasses or any(a < m.end() and m.start() < b for a, b in quoted):
            return m.group(0)
        return f"<{RDF.type}> <{m.group(1)}>"
    return _CLASS_PATH.sub(repl, query)


_COUNTING = re.compile(r"\b(?:SELECT|GROUP|HAVING|LIMIT|OFFSET|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b",
                       re.IGNORECASE)


def counts_solutions(query: str) -> bool:
    """Whether the result of the ``SELECT`` *query* may depend on how many times a solution of its pattern
    comes (an aggregate, a ``GROUP BY``, ``LIMIT``, ``OFFSET`` or a subquery), its IRIs, strings and comments
    aside; a keyword in a prefixed name (``ex:count``) counts too.

    >>> counts_solutions("SELECT ?this WHERE { ?this <http://e.org/count> ?x }")
    False
    >>> counts_solutions("SELECT ?this (COUNT(?x) AS ?n) WHERE { ?this ?p ?x } GROUP BY ?this")
    True
    >>> counts_solutions("SELECT ?this WHERE { { SELECT ?this WHERE { ?this ?p ?x } LIMIT 1 } }")
    True
    """
    words = " ".join(m.group(0) for m in _TOKEN.finditer(query) if m.lastgroup == "word")
    return len(_COUNTING.findall(words)) > 1


_PLAIN_VARIABLE = re.compile(r"[?$]\w+")


def variable_pair(pattern: str) -> bool:
    """Whether two variables follow each other in *pattern* (a triple pattern whose predicate is a variable,
    as in ``?s ?p ?o``), its IRIs, strings and comments aside.

    >>> variable_pair("?this ?p ?o . ?p <http://e.org/edge> true"), variable_pair("?this a ?t . FILTER (?t != ?u)")
    (True, False)
    """
    words = [m.group(0) for m in _TOKEN.finditer(pattern) if m.lastgroup in ("word", "iri", "string")]
    return any(_PLAIN_VARIABLE.fullmatch(a) and _PLAIN_VARIABLE.fullmatch(b) for a, b in pairwise(words))


_PROJECTION = re.compile(r"""(?P<skip>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|<[^<>"{}|^`\\\s]*>|\#[^\n]*)
    | (?P<open>\() | (?P<close>\)) | (?P<as>\bAS\b) | (?P<star>\*) | [?$](?P<var>\w+)""", re.VERBOSE | re.IGNORECASE)


def projected_variables(clause: str) -> tuple[str, ...] | None:
    """The names of the variables the ``SELECT`` clause *clause* (the text before ``WHERE``) projects: the
    plain ones and those of ``(expression AS ?name)``, in their order; None for ``SELECT *``.

    >>> projected_variables("SELECT DISTINCT ?this (<http://e.org/p> AS ?path) (STR(?o) AS $value)")
    ('this', 'path', 'value')
    >>> projected_variables("SELECT * "), projected_variables("SELECT ?this (COUNT(*) AS ?n)")
    (None, ('this', 'n'))
    """
    names, depth, named = [], 0, False
    for m in _PROJECTION.finditer(clause):
        kind = m.lastgroup
        if kind == "open" or kind == "close":
            depth += 1 if kind == "open" else -1
        elif kind == "as":
            named = True
        elif kind == "star" and depth == 0:
            return None
        elif kind == "var" and (depth == 0 or named):
            names.append(m.group("var"))
            named = False
    return tuple(names)


class ShapeCompiler:
    """The queries and datatype checks of a shapes graph (:meth:`compile` fills them).

    ``queries`` holds one query per constraint (each alone, a SPARQL constraint as written: the
    reference form); ``plan`` holds the queries that run: ``(query, i)`` for the query of the constraint ``queries[i]``
    alone, or ``(query, members)`` for the count constraints of one path of one shape checked
    by one query, each member ``(i, column, op, bound)``: ``queries[i]`` is broken where the
    count in *column* is ``op`` (``<`` or ``>``) *bound*.
    """

    def __init__(self, shapes: Graph):
        self.g = shapes
        self.queries: list[tuple[str, str, str, str, str]] = []  # query, shape, path, message template, component
        #: how the queries run: (query, index of a query) or (query, [(index, column, op, bound), …])
        self.plan: list[tuple[str, int | list[tuple[int, str, str, int]]]] = []
        self._counts: dict[tuple[str, str], list[tuple[int, str, str, int]]] = {}
        #: index of a SPARQL constraint's query -> the query that runs (its ``FILTER NOT EXISTS`` planned by
        #: :func:`cppcc_kg.validate.shacl_plan.plan_not_exists`); ``queries`` keeps the constraint as written
        self.planned: dict[int, str] = {}
        #: index of a query -> the NOT EXISTS patterns taken out of it, (query, shared variables, substituted
        #: variables), whose solutions remove those of the query that agree on the shared variables
        self.antijoins: dict[int, list[tuple[str, list[str], list[str]]]] = {}
        #: index of a query with substituted anti-joins -> (query, anti-joins) planned without substitution,
        #: run instead when a value cannot be written in a query
        self.fallbacks: dict[int, tuple[str, list[tuple[str, list[str], list[str]]]]] = {}
        #: index of a SPARQL constraint's query -> the variables it projects (its plan may select ``*``)
        self.projections: dict[int, tuple[str, ...]] = {}
        #: index of a SPARQL constraint's query -> (its select text, its prefixes): what
        #: :mod:`cppcc_kg.validate.shacl_local` reads to tell whether it is local
        self.sparql_sources: dict[int, tuple[str, dict[str, str]]] = {}
        self.targets: list[str] = []  # the target of each shape (a group that binds ?this)
        #: a shape's target -> the same focus nodes as a plain group, without ``SELECT DISTINCT`` (a node may
        #: come more than once): what the plan of its property shapes reads (:meth:`make_plan`)
        self.bare: dict[str, str] = {}
        #: index of a property shape's query -> its target
        self._target_of: dict[int, str] = {}
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
        target = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"
        self.bare[target] = " UNION ".join(parts)
        return target

    def add(self, query: str, shape, path: str, message: str, component: str, target: str | None = None) -> None:
        if target is not None:
            self._target_of[len(self.queries)] = target
        self.queries.append((query, str(shape), path, message, component))

    def add_count(self, target: str, path: str, condition: str, op: str, n: int, shape, readable: str,
                  message: str, component: str) -> None:
        """A count constraint: its query alone, and its part in the grouped query of (*shape*, *path*)."""
        self._counts.setdefault((str(shape), path, target), []).append((len(self.queries), condition, op, n))
        self.add(_count_query(target, path, condition, op, n), shape, readable, message, component, target)

    def make_plan(self) -> None:
        """Group the count constraints: per shape, those of every (path, condition) that has at most one
        value (a maximum count of 1) in one query; the others per (shape, path); one alone keeps its query."""
        groups: dict[tuple, list] = {}
        by_shape: dict[tuple[str, str], list] = {}
        for (shape, path, target), members in self._counts.items():
            by_shape.setdefault((shape, target), []).extend((path, *m) for m in members)
        for (shape, target), members in by_shape.items():
            single = {(path, c) for path, _i, c, op, n in members if op == ">" and n <= 1}
            for path, i, c, op, n in members:
                key = (shape, target) if (path, c) in single else (shape, target, path)
                groups.setdefault(key, []).append((path, i, c, op, n))
        grouped: dict[int, tuple[str, list]] = {}
        for key, members in groups.items():
            if len(members) < 2:
                continue
            target = key[1]
            conditions = sorted({(path, c) for path, _i, c, _op, _n in members})
            parts, having = [], []
            for path, i, c, op, n in members:
                j = conditions.index((path, c))
                parts.append((i, f"n{j}", op, n))
                having.append(f"COUNT(DISTINCT ?v{j}) {op} {n}")
            grouped[min(i for _p, i, *_r in members)] = (_grouped_count_query(self.bare[target], conditions,
                                                                              sorted(set(having))),
                                                         sorted(parts))
        in_group = {i for _q, parts in grouped.values() for i, *_ in parts}
        self.plan = []
        for i, (query, *_rest) in enumerate(self.queries):
            if i in grouped:
                self.plan.append(grouped[i])
            elif i in in_group:
                continue
            elif i in self._target_of:  # a node that comes twice gives the same violations twice
                target = self._target_of[i]
                self.plan.append((query.replace(target, self.bare[target], 1), i))
            else:
                self.plan.append((self.planned.get(i, query), i))

    def property_shape(self, shape, prop, target: str) -> None:
        g = self.g
        sp, readable = _path(g, prop)
        msg = _message(g, prop, f"constraint on {readable} not met")
        handled = {SH.path, SH.message, SH.name, SH.description, RDF.type, SH.qualifiedValueShape,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.severity}
        for p, o in g.predicate_objects(prop):
            if p == SH.minCount:
                self.add_count(target, sp, "", "<", int(o), shape, readable, msg, "MinCount")
            elif p == SH.maxCount:
                self.add_count(target, sp, "", ">", int(o), shape, readable, msg, "MaxCount")
            elif p == SH.datatype:
                self.datatype_check(shape, prop, target, {str(o)}, readable, msg, "Datatype")
            elif p == SH["class"]:
                # MINUS finds the instances once; FILTER NOT EXISTS would walk the class
                # hierarchy again for every value (5 s instead of 0.1 at scale 1000: measured)
                self.add(_value_query(target, sp, f"MINUS {{ ?v <{RDF.type}>/<{RDFS_SUBCLASS}>* {_term(o)} }}"),
                         shape, readable, msg, "class", target)
            elif p == SH.languageIn:
                self.add(_value_query(target, sp, f"FILTER (!{_constraint_test(g, p, o, '?v')})"),
                         shape, readable, msg, "languageIn", target)
            elif p == SH["in"]:
                values = ", ".join(_term(x) for x in _list(g, o))
                self.add(_value_query(target, sp, f"FILTER (?v NOT IN ({values}))"), shape, readable, msg, "In", target)
            elif p == SH.minLength:
                self.add(_value_query(target, sp, f"FILTER (isBlank(?v) || STRLEN(STR(?v)) < {int(o)})"),
                         shape, readable, msg, "MinLength", target)
            elif p == SH.nodeKind:
                if o != SH.IRI:
                    raise UnsupportedShape(f"{prop}: only sh:nodeKind sh:IRI is supported")
                self.add(_value_query(target, sp, "FILTER (!isIRI(?v))"), shape, readable, msg, "NodeKind", target)
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
                self.add_count(target, sp, test, "<", int(lo), shape, readable, msg, "QualifiedMinCount")
            if hi is not None:
                self.add_count(target, sp, test, ">", int(hi), shape, readable, msg, "QualifiedMaxCount")

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
        prefixes, declared = [], {}
        for pref in g.objects(constraint, SH.prefixes):
            for decl in g.objects(pref, SH.declare):
                prefixes.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
                declared[str(g.value(decl, SH.prefix))] = str(g.value(decl, SH.namespace))
        i = len(self.queries)
        self.sparql_sources[i] = (str(select), declared)
        written = str(select).replace("$this", "?this")
        m = re.search(r"\bWHERE\s*\{", written, re.IGNORECASE)
        if not m:
            raise UnsupportedShape(f"{constraint}: cannot find WHERE")
        projected = projected_variables(written[:m.start()])
        if projected is not None:  # SELECT *: every variable in scope, as the plan's SELECT * reads them
            self.projections[i] = projected
        head = "\n".join(sorted(set(prefixes))) + "\n"

        def with_target(text: str, group: str = target) -> str:
            at = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE).end()
            return head + text[:at] + f" {group} " + text[at:]
        text, antijoins = plan_not_exists(written, substitute=True)
        # a focus node that comes twice gives the same solutions twice unless the query counts or limits them;
        # beside a variable predicate the plain group made Oxigraph read the pattern first (8 times slower: measured)
        plain = not (antijoins or counts_solutions(written) or variable_pair(written[m.end():]))
        self.planned[i] = with_target(text, self.bare[target] if plain else target)
        if antijoins:
            self.antijoins[i] = [(head + q, shared, ends) for q, shared, ends in antijoins]
        if any(ends for _q, _shared, ends in antijoins):
            text, antijoins = plan_not_exists(written)
            self.fallbacks[i] = (with_target(text), [(head + q, shared, ends) for q, shared, ends in antijoins])
        msg = _message(g, constraint, f"SPARQL constraint of {shape} not met")
        self.add(with_target(written), shape, "", msg, "SPARQL")

    def compile(self) -> list[tuple[str, str, str, str, str]]:
        g = self.g
        shapes = set(g.subjects(RDF.type, SH.NodeShape))
        for shape in sorted(shapes, key=str):
            if (shape, SH.deactivated, Literal(True)) in g:
                continue
            target = self.target(shape)
            if not target:
                continue
            self.targets.append(target)
            for prop in g.objects(shape, SH.property):
                self.property_shape(shape, prop, target)
            for constraint in g.objects(shape, SH.sparql):
                self.sparql_constraint(shape, constraint, target)
            for p in (SH["not"], SH["and"], SH.xone, SH.node, SH.closed):
                if (shape, p, None) in g:
                    raise UnsupportedShape(f"shape {shape}: {p} is not supported")
        self.make_plan()
        return self.queries


#: the last shapes graphs compiled (the graph, its size, its compiler): a build compiles its shapes once
_COMPILED: list[tuple[Graph, int, ShapeCompiler]] = []


def compile_shapes(shapes: Graph) -> ShapeCompiler:
    """Compile *shapes*: the compiler's ``queries``, ``plan`` and ``datatype_checks``.

    The same graph (the same object, of the same size) is compiled once: do not change a shapes
    graph in place between two validations.
    """
    for graph, size, compiled in _COMPILED:
        if graph is shapes and size == len(shapes):
            return compiled
    c = ShapeCompiler(shapes)
    c.compile()
    _COMPILED.insert(0, (shapes, len(shapes), c))
    del _COMPILED[4:]
    return c

