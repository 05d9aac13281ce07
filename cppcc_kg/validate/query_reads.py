"""What a SPARQL query (a data rule, ``rules/*.rq``) may read of the data: :func:`rule_reads`.

The reads are property IRIs (their triples) and views of the files (``"exists P"``, :data:`IRI_OBJECTS`,
``"lang zh P"``), and :data:`FILES_ONLY` when no triple pattern matches in the generated graph;
:mod:`cppcc_kg.validate.rule_cache` keeps a rule's verdict by the digests of what it reads (its docstring has
the proof that the verdict is the one a run would give).
"""
from __future__ import annotations

from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import BNode, Literal, Node, URIRef, Variable

from cppcc_kg.project.files import PINYIN_GRAPH

__all__ = ["EXISTS", "FILES_ONLY", "IRI_OBJECTS", "LANG", "is_view", "lang_matches", "read_property", "rule_reads"]

#: the algebra operators of rdflib's SPARQL translation whose operands are read as they are
_PATTERNS = frozenset({"SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "Filter", "Extend",
                       "Join", "LeftJoin", "Minus", "Union", "Graph", "ToMultiSet", "values", "Group",
                       "AggregateJoin", "OrderCondition", "Function", "vars"})
_EXPRESSIONS = ("Builtin_", "Aggregate_")
_EXPRESSION_NAMES = frozenset({"RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression",
                               "AdditiveExpression", "MultiplicativeExpression", "UnaryNot", "UnaryMinus",
                               "UnaryPlus"})


class _Unknown(Exception):
    """The properties a query reads cannot be told."""


#: a read of every triple whose object is an IRI, whatever its property (:func:`rule_reads`)
IRI_OBJECTS = "* iri"
#: the prefix of a read of which subjects have a property, not of its objects (:func:`rule_reads`)
EXISTS = "exists "
#: the prefix of a read of the triples of a property whose object is a literal of a language: ``"lang zh P"``
#: (:func:`rule_reads`; the tag matched as ``langMatches`` matches it: :func:`lang_matches`)
LANG = "lang "


#: a read that says that no triple pattern of the query matches in the generated graph (:func:`rule_reads`)
FILES_ONLY = "files only"
_GENERATED_TOO = "\0a pattern may match in the generated graph"


def is_view(read: str) -> bool:
    """Whether *read* (of :func:`rule_reads`) is a view of the files
    (:func:`~cppcc_kg.validate.rule_cache.file_views`), not a property's triples."""
    return read == IRI_OBJECTS or read.startswith((EXISTS, LANG))


def lang_matches(tag: str, lang_range: str) -> bool:
    """SPARQL's ``langMatches`` for a range without ``*`` (RFC 4647 basic filtering, case-insensitive).

    >>> [lang_matches(t, "zh") for t in ("zh", "ZH", "zh-Hans", "zhx", "en", "")]
    [True, True, True, False, False, False]
    """
    tag, lang_range = tag.lower(), lang_range.lower()
    return bool(tag) and (tag == lang_range or tag.startswith(lang_range + "-"))


def rule_reads(query: str) -> frozenset[str] | None:
    """What the SPARQL *query* may read of the data, or ``None`` when it cannot be told: a set of
    property IRIs (their triples), of ``"exists P"`` (which subjects have a property ``P`` in each file,
    not its objects) and of :data:`IRI_OBJECTS` (the triples whose object is an IRI).

    The properties are the IRIs in the property position of the triple patterns and property paths
    (``rdf:type`` for ``a``), in every part of the query (``OPTIONAL``, ``MINUS``, ``EXISTS``, ``GRAPH``,
    sub-queries). A variable in the property position is read only if a ``VALUES`` joined with its pattern
    lists IRIs for it in every row (then those are its properties), or if the object is an IRI, or a
    variable that a ``FILTER (isIRI(?o) && ...)`` over the pattern keeps to IRIs (:data:`IRI_OBJECTS`).
    A pattern whose property is an IRI (or an alternative of IRIs) and whose object is a variable that a
    ``FILTER (langMatches(lang(?v), "zh") && ...)`` over it (a conjunct of the filter of its group, reaching the
    pattern through joins, ``BIND`` and ``GRAPH`` only, as for ``isIRI``) keeps to literals tagged ``zh`` or
    ``zh-...`` reads only those triples of its properties (``"lang zh P"``). :data:`FILES_ONLY` is among the
    reads when every triple pattern is inside ``GRAPH ?g`` that a ``FILTER (?g != <the generated graph> && ...)``
    over it excludes (reached as for ``isIRI``), or inside ``GRAPH`` of another named graph.
    A pattern whose object is a variable used nowhere else, in a query without grouping or ``LIMIT``/``OFFSET``,
    reads only which subjects have the property (``"exists P"``): whether the query has a row does not
    depend on the objects. A negated path (``!p``), ``SERVICE``, a ``GRAPH`` without a triple pattern (which
    reads the names of the graphs), a path that may have length zero (``p*``, ``p?``) neither of whose ends
    is a variable that is an end of another triple pattern of its group (between two variables it matches
    every node of the graph, of whatever triple), anything else this does not know: ``None``.

    >>> sorted(rule_reads("SELECT ?s WHERE { ?s a ?c ; <http://e.org/p>/<http://e.org/q>* ?o . ?o a ?c }"))
    ['http://e.org/p', 'http://e.org/q', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
    >>> rule_reads("SELECT ?s WHERE { ?s ?p ?o }") is None
    True
    >>> sorted(rule_reads("SELECT ?s ?x WHERE { VALUES ?p { <http://e.org/p> } GRAPH ?g { ?s ?p ?o ; a ?x } }"))
    ['exists http://e.org/p', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
    >>> sorted(rule_reads("SELECT ?s ?o WHERE { ?s ?p ?o FILTER (isIRI(?o)) }"))
    ['* iri']
    >>> rule_reads("SELECT ?s WHERE { ?s <http://e.org/p>* ?top }") is None
    True
    >>> sorted(rule_reads('SELECT ?s WHERE { ?s <http://e.org/p>|<http://e.org/q> ?v '
    ...                   'FILTER (langMatches(lang(?v), "zh")) }'))
    ['lang zh http://e.org/p', 'lang zh http://e.org/q']
    >>> sorted(rule_reads('SELECT ?s WHERE { ?s <http://e.org/p> ?v FILTER NOT EXISTS { ?s <http://e.org/q> ?v } '
    ...                   'FILTER (langMatches(lang(?v), "zh")) }'))
    ['http://e.org/q', 'lang zh http://e.org/p']
    """
    # rdflib's SPARQL parser (0.1 s to import): only for a rule not seen before (RuleCache keeps the answer)
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 (rdflib's parser raises many kinds; Oxigraph reports the rule's errors)
        return None
    uses: dict = {}
    _count_uses(algebra, uses)
    once = set() if {"Group", "AggregateJoin", "Slice"} & uses.get("operators", set()) else \
        {v for v, n in uses.items() if isinstance(v, Variable) and n == 1}
    found: set[str] = set()
    try:
        _walk(algebra, found, _Context(once=frozenset(once)))
    except _Unknown:
        return None
    if _GENERATED_TOO in found:
        found.discard(_GENERATED_TOO)
    else:
        found.add(FILES_ONLY)
    return frozenset(found)


class _Context:
    """What holds for every solution that matters where the walk is: *bound* (variable -> the IRIs a
    ``VALUES`` joined with it gives it), *iris* (variables a ``FILTER`` above keeps to IRIs), *once*
    (variables used once in the query), *langs* (variable -> the language a ``FILTER`` above keeps it to),
    *others* (variables a ``FILTER`` above keeps from naming the generated graph), *in_files* (the patterns
    here match in a graph ``?g`` of *others*, not in the generated graph: :data:`FILES_ONLY`)."""

    def __init__(self, bound: dict | None = None, iris: frozenset = frozenset(), once: frozenset = frozenset(),
                 langs: dict | None = None, others: frozenset = frozenset(), in_files: bool = False):
        self.bound, self.iris, self.once, self.langs = bound or {}, iris, once, langs or {}
        self.others, self.in_files = others, in_files

    def inner(self, bound: dict | None = None, iris: frozenset = frozenset(), langs: dict | None = None,
              others: frozenset = frozenset()) -> _Context:
        """The context of an operand: what holds of the solutions there (*in_files* holds of every part)."""
        return _Context(bound, iris, self.once, langs, others, self.in_files)

    def in_graph(self, term) -> _Context:
        """The context inside ``GRAPH term``: its patterns match in that graph only."""
        files = (isinstance(term, Variable) and term in self.others) or \
            (isinstance(term, URIRef) and str(term) != str(PINYIN_GRAPH))
        return _Context(self.bound, self.iris, self.once, self.langs, self.others, files)


def _count_uses(node, uses: dict) -> None:
    """Count the occurrences of each variable in the algebra *node* (and note its operators under ``operators``)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, Variable):
        uses[node] = uses.get(node, 0) + 1
    elif isinstance(node, CompValue):
        uses.setdefault("operators", set()).add(node.name)
        for key, value in node.items():
            if key not in ("_vars", "PV") or (key == "PV" and node.name == "Project"):
                _count_uses(value, uses)
        if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            _count_uses(node.__dict__.get("graph"), uses)
    elif isinstance(node, dict):
        for key, value in node.items():
            _count_uses(key, uses)
            _count_uses(value, uses)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _count_uses(value, uses)


def _walk(node, found: set[str], ctx: _Context) -> None:
    """Add to *found* what the algebra *node* reads (see :func:`rule_reads`); *ctx*: what holds there."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        name = node.name
        if name == "BGP":
            triples = node["triples"]
            if triples and not ctx.in_files:
                found.add(_GENERATED_TOO)
            for i, (s, p, o) in enumerate(triples):
                if not _anchored(s, p, o, triples[:i] + triples[i + 1:]):
                    raise _Unknown("a path of length zero matches every node")
                _triple(p, o, found, ctx)
        elif name == "Join":
            leaves = _join_leaves(node)
            inner = ctx.inner({**ctx.bound, **_values_bindings(leaves)}, ctx.iris, ctx.langs, ctx.others)
            for leaf in leaves:
                _walk(leaf, found, inner if _conjunctive(leaf) else ctx.inner())
        elif name == "Graph":
            if not _has_triple_pattern(node["p"]):  # GRAPH ?g { }: the names of the graphs, not their triples
                raise _Unknown(name)
            _walk(node["p"], found, ctx.in_graph(node["term"]))
        elif name == "Filter":
            _walk(node["expr"], found, ctx.inner())
            _walk(node["p"], found, ctx.inner(ctx.bound, ctx.iris | _iri_variables(node["expr"]),
                                              {**ctx.langs, **_lang_variables(node["expr"])},
                                              ctx.others | _other_graph_variables(node["expr"])))
        elif name == "Minus":
            _walk(node["p1"], found, ctx)
            _walk(node["p2"], found, ctx.inner())
        elif name == "Extend":  # BIND gives a variable not bound before: what holds of the solutions still holds
            _walk(node["expr"], found, ctx.inner())
            _walk(node["p"], found, ctx)
        elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            # rdflib translates the pattern of EXISTS into an attribute, leaving the parsed one in the dict
            translated = node.__dict__.get("graph")
            if getattr(translated, "name", None) is None:
                raise _Unknown(name)
            _walk(translated, found, ctx.inner())
        elif name in _PATTERNS or name in _EXPRESSION_NAMES or name.startswith(_EXPRESSIONS):
            for key, value in node.items():
                if key != "_vars":
                    _walk(value, found, ctx.inner())
        else:
            raise _Unknown(name)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, found, ctx.inner())
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _walk(value, found, ctx.inner())
    elif not isinstance(node, (Node, str, int, float, bool, type(None))):
        raise _Unknown(type(node).__name__)


def _triple(p, o, found: set[str], ctx: _Context) -> None:
    """Add what the triple pattern with the property position *p* and the object *o* reads."""
    if isinstance(p, Variable) and p not in ctx.bound:
        if not (isinstance(o, URIRef) or o in ctx.iris):
            raise _Unknown(f"?{p} in the property position")
        found.add(IRI_OBJECTS)
    elif isinstance(p, (URIRef, Variable)) and o in ctx.once:
        found.update(EXISTS + str(i) for i in ([p] if isinstance(p, URIRef) else ctx.bound[p]))
    elif o in ctx.langs and _alternatives(p) is not None:
        found.update(f"{LANG}{ctx.langs[o]} {i}" for i in _alternatives(p))
    else:
        _path(p, found, ctx.bound)


def _nullable(p) -> bool:
    """Whether the property path *p* matches a path of length zero (``p*``, ``p?``, ``(p|q*)``, ``p?/q*``, ...)."""
    if isinstance(p, MulPath):
        return p.zero or _nullable(p.path)
    if isinstance(p, AlternativePath):
        return any(_nullable(a) for a in p.args)
    if isinstance(p, SequencePath):
        return all(_nullable(a) for a in p.args)
    if isinstance(p, InvPath):
        return _nullable(p.arg)
    return False


def _anchored(s, p, o, others: list) -> bool:
    """Whether the triple pattern (*s*, *p*, *o*) reads only the triples of its properties, with the *others*
    of its basic graph pattern: a path of length zero between two variables (or blank nodes) matches every
    node of the graph, every subject and object of any triple (and one from a fixed term may depend on whether
    that term is in the graph), unless a variable end is also the subject or the object of another triple
    pattern of the same group (then only those nodes matter, and the patterns read them)."""
    if not _nullable(p):
        return True
    ends = {t for ts, tp, to in others if not _nullable(tp) for t in (ts, to)}
    return any(isinstance(t, (Variable, BNode)) and t in ends for t in (s, o))


def _iri_variables(expr) -> frozenset:
    """The variables that the filter *expr* keeps to IRIs: ``isIRI(?v)`` (or ``isURI``), alone or in a conjunction."""
    name = getattr(expr, "name", None)
    if name in ("Builtin_isIRI", "Builtin_isURI") and isinstance(expr["arg"], Variable):
        return frozenset([expr["arg"]])
    if name == "ConditionalAndExpression":
        return frozenset().union(*(_iri_variables(e) for e in [expr["expr"], *(expr.get("other") or [])]))
    return frozenset()


def _lang_variables(expr) -> dict:
    """Variable -> language range, for the variables that the filter *expr* keeps to literals of a language:
    ``langMatches(lang(?v), "zh")`` (a plain string range without ``*``), alone or in a conjunction. (A
    conjunction is true only if each conjunct is: an error or false in one makes it an error or false, and the
    filter rejects the solution.)

    >>> from rdflib.plugins.sparql import prepareQuery
    >>> def langs(f):
    ...     query = prepareQuery(f"SELECT * WHERE {{ ?s ?p ?v FILTER ({f}) }}")
    ...     return _lang_variables(query.algebra["p"]["p"]["expr"])
    >>> langs('langMatches(lang(?v), "ZH") && isLiteral(?v)'), langs('langMatches(lang(?v), "zh") || true')
    ({rdflib.term.Variable('v'): 'zh'}, {})
    """
    name = getattr(expr, "name", None)
    if name == "Builtin_LANGMATCHES":
        arg, lang_range = expr["arg1"], expr["arg2"]
        if getattr(arg, "name", None) == "Builtin_LANG" and isinstance(arg["arg"], Variable) \
                and isinstance(lang_range, Literal) and lang_range.datatype is None and lang_range.language is None \
                and str(lang_range) and "*" not in str(lang_range) and " " not in str(lang_range):
            return {arg["arg"]: str(lang_range).lower()}
    if name == "ConditionalAndExpression":
        out: dict = {}
        for e in [expr["expr"], *(expr.get("other") or [])]:
            out.update(_lang_variables(e))
        return out
    return {}


def _other_graph_variables(expr) -> frozenset:
    """The variables that the filter *expr* keeps from naming the generated graph: ``?g != <pinyin graph>`` (either
    way round), alone or in a conjunction.

    >>> from rdflib.plugins.sparql import prepareQuery
    >>> q = "SELECT * WHERE { GRAPH ?g { ?s ?p ?v } FILTER (?g != <%s> && isIRI(?v)) }" % PINYIN_GRAPH
    >>> _other_graph_variables(prepareQuery(q).algebra["p"]["p"]["expr"])
    frozenset({rdflib.term.Variable('g')})
    """
    name = getattr(expr, "name", None)
    if name == "RelationalExpression" and expr["op"] == "!=":
        ends = [expr["expr"], expr["other"]]
        if any(isinstance(e, URIRef) and str(e) == str(PINYIN_GRAPH) for e in ends):
            return frozenset(e for e in ends if isinstance(e, Variable))
    if name == "ConditionalAndExpression":
        return frozenset().union(*(_other_graph_variables(e) for e in [expr["expr"], *(expr.get("other") or [])]))
    return frozenset()


def _alternatives(p) -> list | None:
    """The IRIs of the property position *p* when each match of it is one triple of one of them, whose object
    is the pattern's object: an IRI, or an alternative (``p|q``) of IRIs; else ``None``."""
    if isinstance(p, URIRef):
        return [p]
    if isinstance(p, AlternativePath) and all(isinstance(a, URIRef) for a in p.args):
        return list(p.args)
    return None


def _has_triple_pattern(node) -> bool:
    """Whether the algebra *node* holds a triple pattern."""
    if getattr(node, "name", None) == "BGP":
        return bool(node["triples"])
    if isinstance(node, dict):
        return any(_has_triple_pattern(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, (list, tuple)):
        return any(_has_triple_pattern(v) for v in node)
    return False


def _join_leaves(node) -> list:
    """The operands of a tree of ``Join`` operators."""
    if getattr(node, "name", None) == "Join":
        return _join_leaves(node["p1"]) + _join_leaves(node["p2"])
    return [node]


def _conjunctive(node) -> bool:
    """Whether *node* is a basic graph pattern, possibly inside ``GRAPH``: every solution of a join with it
    extends one of its own."""
    while getattr(node, "name", None) == "Graph":
        node = node["p"]
    return getattr(node, "name", None) == "BGP"


def _values_bindings(leaves: list) -> dict:
    """Variable -> its IRIs, for the ``VALUES`` among *leaves* that give the variable an IRI in every row."""
    out: dict = {}
    for leaf in leaves:
        if getattr(leaf, "name", None) != "ToMultiSet" or getattr(leaf["p"], "name", None) != "values":
            continue
        rows = leaf["p"]["res"]
        for var in {v for row in rows for v in row}:
            iris = [row.get(var) for row in rows]
            if iris and all(isinstance(i, URIRef) for i in iris):
                out[var] = out[var] & set(iris) if var in out else set(iris)
    return out


def _path(p, found: set[str], bound: dict) -> None:
    """Add the properties of the property position *p* (an IRI, a variable bound by ``VALUES``, a path)."""
    if isinstance(p, URIRef):
        found.add(str(p))
    elif isinstance(p, Variable) and p in bound:
        found.update(str(i) for i in bound[p])
    elif isinstance(p, (AlternativePath, SequencePath)):
        for a in p.args:
            _path(a, found, {})
    elif isinstance(p, MulPath):
        _path(p.path, found, {})
    elif isinstance(p, InvPath):
        _path(p.arg, found, {})
    else:
        raise _Unknown(repr(p))


def read_property(read: str) -> str:
    """The property of a read of :func:`rule_reads` (:data:`IRI_OBJECTS` itself for it).

    >>> read_property("lang zh http://e.org/p"), read_property("exists http://e.org/p")
    ('http://e.org/p', 'http://e.org/p')
    """
    if read.startswith(LANG):
        return read.split(" ", 2)[2]
    return read.removeprefix(EXISTS)
