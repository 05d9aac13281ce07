"""The data rules' verdicts kept in the loader's cache by the triples they read.

A rule (``rules/*.rq``) that returned no row keeps that verdict in the loader's cache under the digest
of its query, the code of :mod:`cppcc_kg.validate` and what it may read of the data (:func:`rule_reads`),
file by file: the triples of its properties (:meth:`cppcc_kg.project.load.Project.predicate_digest`, as the
build keeps the entity graph's query solutions, :mod:`cppcc_kg.build.graph_rows`), which subjects have a
property (``"exists P"``), the triples whose object is an IRI (:data:`IRI_OBJECTS`) and those of a property
whose object is a literal tagged ``zh`` or ``zh-...`` (``"lang zh P"``, :data:`LANG`), all by :func:`file_views`. A rule whose reads are those of the last build that found it clean is not run again.
A rule that returned rows is run again at every build (its rows are the report), and so is a rule whose
reads cannot be told (:func:`rule_reads` is ``None``).

Why the verdict is the one a run would give. The solutions of a SPARQL query are a function of the
dataset; a triple pattern with the property ``P`` matches triples of ``P`` only (but for a path of length
zero between two variables, which matches every node: :func:`rule_reads` tells it apart), one whose property is a
variable that a ``FILTER (isIRI(?o))`` over it keeps to IRI objects contributes only triples with an IRI
object to a solution, and when its object is a variable used nowhere else in a query without grouping or
``LIMIT``, whether the query has a row depends on which subjects have the property and not on the objects.
A pattern whose properties are IRIs (or an alternative of IRIs: each match is one triple whose object is the
pattern's) and whose object is a variable ``?v`` that a conjunct ``langMatches(lang(?v), "zh")`` of a
``FILTER`` keeps to literals tagged ``zh`` or ``zh-...``, the pattern reached from the filter through joins,
``BIND`` and ``GRAPH`` only (the same group: not inside ``OPTIONAL``, ``UNION``, ``MINUS``, ``EXISTS``, another
group), contributes to a solution that the filter keeps only a triple with such an object: the filter is true
only if each conjunct is (``||``, ``!`` are not narrowed; an error rejects), each solution of the operators
between the filter and the pattern extends one of the pattern's, and the other patterns read their triples
whole (the restricted dataset holds them); so dropping the pattern's other triples drops only solutions that
the filter rejects (``"lang zh P"``: the lines of ``P`` with such an object). An English label edited then
keeps the verdicts of the rules that read only the Chinese ones.
So the query on the dataset restricted to what :func:`rule_reads` says has a row exactly when the query on
the whole dataset has one (tested for every rule of the repository, with an edit that breaks it). The
digests are made file by file, with the file's graph name, so they also cover what ``GRAPH ?g`` reads; a
rule that uses ``GRAPH`` runs on every file's graph complete
(:meth:`~cppcc_kg.project.load.Project.with_duplicates`), the triples of the files' N-Triples that the
digests read. The generated pinyin graph is computed beside the validation: what a rule reads of it is
read from the store before the run (a part of the key) and after it, and the verdict is kept only if it
did not change meanwhile.

Which digests read the store. The digests of the files' properties and views are made from the files'
N-Triples (and the loader's cache), not from the store. The generated graph holds only the triples of
:data:`GENERATED` (``cppcc:pinyin``), each with a literal object (tested): a rule that reads none of these
properties (:data:`IRI_OBJECTS` reads none: its objects are IRIs) reads nothing of it, and its key has an
empty part for it, made without the store (:func:`generated_reads`). So only the rules that read
``cppcc:pinyin`` wait for the store to be told (:meth:`RuleCache.needs_store`); the others' kept verdicts
are decided before it is loaded, and only the rules that run wait for it.
"""
from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import BNode, Literal, Node, URIRef, Variable

from cppcc_kg.project.files import PINYIN_GRAPH
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.validate.file_cache import entry_name, get_json, put_json

__all__ = ["RuleCache", "rule_reads"]

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


def is_view(read: str) -> bool:
    """Whether *read* (of :func:`rule_reads`) is a view of the files (:func:`file_views`), not a property's triples."""
    return read == IRI_OBJECTS or read.startswith((EXISTS, LANG))


def lang_matches(tag: str, lang_range: str) -> bool:
    """SPARQL's ``langMatches`` for a range without ``*`` (RFC 4647 basic filtering, case-insensitive).

    >>> [lang_matches(t, "zh") for t in ("zh", "ZH", "zh-Hans", "zhx", "en", "")]
    [True, True, True, False, False, False]
    """
    tag, lang_range = tag.lower(), lang_range.lower()
    return bool(tag) and (tag == lang_range or tag.startswith(lang_range + "-"))


def views_entry() -> str:
    """The cache entry of the files' views (:func:`file_views`): file key -> view -> digest, for every rule."""
    return entry_name("rule-views")


#: the properties of the triples of the generated graph (:data:`~cppcc_kg.project.files.PINYIN_GRAPH`), whose
#: objects are literals
GENERATED = frozenset({str(CPPCC.pinyin)})


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
    ``zh-...`` reads only those triples of its properties (``"lang zh P"``).
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
    >>> sorted(rule_reads('SELECT ?s WHERE { ?s <http://e.org/p>|<http://e.org/q> ?v FILTER (langMatches(lang(?v), "zh")) }'))
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
    return frozenset(found)


class _Context:
    """What holds for every solution that matters where the walk is: *bound* (variable -> the IRIs a
    ``VALUES`` joined with it gives it), *iris* (variables a ``FILTER`` above keeps to IRIs), *once*
    (variables used once in the query)."""

    def __init__(self, bound: dict | None = None, iris: frozenset = frozenset(), once: frozenset = frozenset(),
                 langs: dict | None = None):
        self.bound, self.iris, self.once, self.langs = bound or {}, iris, once, langs or {}

    def inner(self, bound: dict | None = None, iris: frozenset = frozenset(), langs: dict | None = None) -> _Context:
        return _Context(bound, iris, self.once, langs)


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
            for i, (s, p, o) in enumerate(triples):
                if not _anchored(s, p, o, triples[:i] + triples[i + 1:]):
                    raise _Unknown("a path of length zero matches every node")
                _triple(p, o, found, ctx)
        elif name == "Join":
            leaves = _join_leaves(node)
            inner = ctx.inner({**ctx.bound, **_values_bindings(leaves)}, ctx.iris, ctx.langs)
            for leaf in leaves:
                _walk(leaf, found, inner if _conjunctive(leaf) else ctx.inner())
        elif name == "Graph":
            if not _has_triple_pattern(node["p"]):  # GRAPH ?g { }: the names of the graphs, not their triples
                raise _Unknown(name)
            _walk(node["p"], found, ctx)
        elif name == "Filter":
            _walk(node["expr"], found, ctx.inner())
            _walk(node["p"], found, ctx.inner(ctx.bound, ctx.iris | _iri_variables(node["expr"]),
                                              {**ctx.langs, **_lang_variables(node["expr"])}))
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
    ...     return _lang_variables(prepareQuery(f"SELECT * WHERE {{ ?s ?p ?v FILTER ({f}) }}").algebra["p"]["p"]["expr"])
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


class RuleCache:
    """The verdicts of the rules of one validation of *project*, read from and kept in its loader's cache.

    :meth:`clean` says whether a rule is known to return no row (then it need not run) and notes what it
    read (:meth:`save_views` stages the files' views it made, once the rules are asked about); :meth:`keep`
    records a rule that returned no row. Without a cache (a clean build, ``--no-cache``)
    nothing is read or kept and no digest is made.
    """

    def __init__(self, project):
        cache = getattr(project, "cache", None)
        self.project = project
        self.cache = cache if cache is not None and cache.enabled else None
        self._asked: dict[str, tuple[str, frozenset[str], str]] = {}
        self._views: dict | None = None  # file key -> view -> digest (:meth:`_views_digest`)
        self._views_changed = False

    def reads(self, query: str) -> frozenset[str] | None:
        """:func:`rule_reads` of *query*, kept in the cache by the query's text (no parse on the next build)."""
        name = entry_name("rule-reads", query)
        got = get_json(self.cache, name)
        if isinstance(got, dict) and "reads" in got:
            return None if got["reads"] is None else frozenset(got["reads"])
        found = rule_reads(query)
        put_json(self.cache, name, {"reads": None if found is None else sorted(found)})
        return found

    def clean(self, name: str, query: str) -> bool:
        """Whether the rule *name* with *query* returned no row on the same triples (it need not run)."""
        if self.cache is None:
            return False
        reads = self.reads(query)
        if reads is None:
            return False
        views = sorted(r for r in reads if is_view(r))
        lines = [r for r in reads if r not in views]
        generated = self._generated(reads)
        entry = entry_name("rule", query, self.project.predicate_digest(lines),
                           self._views_digest(query, views) if views else "", generated)
        self._asked[name] = (entry, reads, generated)
        return get_json(self.cache, entry) is not None

    def keep(self, name: str, rows: list) -> None:
        """Record that the rule *name* (asked about with :meth:`clean`) returned *rows*: kept if none, and if
        the generated triples it reads did not change while it ran."""
        if name not in self._asked or rows:
            return
        entry, reads, before = self._asked[name]
        if self._generated(reads) == before:
            put_json(self.cache, entry, {"rows": 0})

    def needs_store(self, query: str) -> bool:
        """Whether :meth:`clean` reads the store to tell the verdict of the rule with *query*: when it reads a
        property of the generated graph (:func:`generated_reads`). Without a cache, or when the rule's reads
        cannot be told, it reads nothing (the rule runs)."""
        if self.cache is None:
            return False
        reads = self.reads(query)
        return reads is not None and bool(generated_reads(reads))

    def _generated(self, reads: frozenset[str]) -> str:
        """The part of a rule's key for the generated graph: ``""`` (no store read) when the rule reads none
        of its properties, else :func:`generated_digest` of the store now."""
        predicates = generated_reads(reads)
        return generated_digest(self.project.store, predicates) if predicates else ""

    def _views_digest(self, query: str, views: list[str]) -> str:
        """The sha256 of the *views* (:func:`file_views`) of every file, in load order; each file's are kept in
        the cache by the file's key, in one entry for every rule (:meth:`save_views` stages it)."""
        if self._views is None:
            kept = get_json(self.cache, views_entry())
            self._views = kept if isinstance(kept, dict) else {}
        h = hashlib.sha256("\0".join(views).encode("utf-8") + b"\n")
        for rel, nt in self.project.nt.items():
            key = self.project.keys.get(rel, "")
            found = self._views.get(key)
            missing = [v for v in views if not isinstance(found, dict) or v not in found]
            if missing:
                found = {**(found if isinstance(found, dict) else {}), **file_views(nt, missing)}
                self._views[key] = found
                self._views_changed = True
            for v in views:
                if found[v]:
                    h.update(f"{rel}\0{v}\0{found[v]}\n".encode())
        return h.hexdigest()

    def prepare(self, query: str) -> None:
        """Make the files' views that :meth:`clean` of the rule with *query* reads (no store read), so that
        :meth:`save_views` keeps them even if the rule is asked about after it."""
        reads = self.reads(query) if self.cache is not None else None
        views = sorted(r for r in reads or () if is_view(r))
        if views:
            self._views_digest(query, views)

    def save_views(self) -> None:
        """Stage the files' views made by :meth:`clean` (those of the present files), if any was new; once in a
        build (a cache entry is staged once: views made after it are made again by the next build)."""
        name = views_entry()
        if self._views is None or self.cache is None or name in self.cache.staged:
            return
        keys = set(self.project.keys.values())
        if self._views_changed or set(self._views) - keys:
            self._views = {k: v for k, v in sorted(self._views.items()) if k in keys}
            put_json(self.cache, name, self._views)
        self._views_changed = False


def file_views(nt: bytes, views: list[str]) -> dict[str, str]:
    """View -> the sha256 of what the canonical N-Triples *nt* hold of it (``""``: nothing): for
    ``"exists P"``, the subjects that have the property ``P`` (sorted, once each); for :data:`IRI_OBJECTS`,
    the lines whose object is an IRI (in order); for ``"lang zh P"``, the lines of ``P`` whose object is a literal
    whose language tag matches ``zh`` (:func:`lang_matches`; in order).

    >>> nt = b'<http://e.org/a> <http://e.org/p> "x" .\\n<http://e.org/a> <http://e.org/p> "y" .\\n'
    >>> v = file_views(nt, ["exists http://e.org/p", IRI_OBJECTS])
    >>> v[IRI_OBJECTS], v["exists http://e.org/p"] == file_views(nt.split(b"\\n")[0], ["exists http://e.org/p"])["exists http://e.org/p"]
    ('', True)
    """
    wanted = {f"<{v[len(EXISTS):]}>".encode(): v for v in views if v.startswith(EXISTS)}
    subjects: dict[str, set[bytes]] = {v: set() for v in wanted.values()}
    iris = []
    want_iris = IRI_OBJECTS in views  # else the lines with an IRI object are not gathered
    langs: dict[bytes, list[tuple[str, str]]] = {}  # property token -> (view, range)
    for v in views:
        if v.startswith(LANG):
            lang_range, prop = v[len(LANG):].split(" ", 1)
            langs.setdefault(f"<{prop}>".encode(), []).append((v, lang_range))
    tagged: dict[str, list[bytes]] = {v: [] for ps in langs.values() for v, _r in ps}
    for line in nt.split(b"\n"):
        if not line:
            continue
        s, p, rest = line.split(b" ", 2)
        if p in wanted:
            subjects[wanted[p]].add(s)
        if want_iris and rest.startswith(b"<"):
            iris.append(line)
        if p in langs:
            tag = _lang_tag(rest)
            for v, lang_range in langs[p]:
                if tag is not None and lang_matches(tag, lang_range):
                    tagged[v].append(line)
    out = {v: hashlib.sha256(b"\n".join(sorted(found))).hexdigest() if found else "" for v, found in subjects.items()}
    out.update({v: hashlib.sha256(b"\n".join(found)).hexdigest() if found else "" for v, found in tagged.items()})
    if want_iris:
        out[IRI_OBJECTS] = hashlib.sha256(b"\n".join(iris)).hexdigest() if iris else ""
    return out


#: the end of a language-tagged literal object in a line of canonical N-Triples: ``"@tag .``
_TAGGED = re.compile(rb'"@([A-Za-z]+(?:-[A-Za-z0-9]+)*) \.$')


def _lang_tag(rest: bytes) -> str | None:
    """The language tag of the object of a line whose object and end are *rest*, or ``None`` (not a tagged literal).

    >>> _lang_tag(b'"a"@zh-Hans .'), _lang_tag(b'"x"^^<http://e.org/t> .'), _lang_tag(b'<http://e.org/o> .')
    ('zh-Hans', None, None)
    """
    m = _TAGGED.search(rest)
    return m.group(1).decode() if m and rest.startswith(b'"') else None


def generated_reads(reads: frozenset[str]) -> list[str]:
    """The properties of the generated graph (:data:`GENERATED`) among *reads* (:func:`rule_reads`), as
    properties or as ``"exists P"``; sorted. :data:`IRI_OBJECTS` reads none of its triples (literal objects).

    >>> generated_reads(frozenset({EXISTS + "https://w3id.org/cppcc-kg/ontology#pinyin", IRI_OBJECTS}))
    ['https://w3id.org/cppcc-kg/ontology#pinyin']
    >>> generated_reads(frozenset({IRI_OBJECTS, "http://www.w3.org/2000/01/rdf-schema#label"}))
    []
    """
    return sorted({read_property(r) for r in reads} & GENERATED)


def read_property(read: str) -> str:
    """The property of a read of :func:`rule_reads` (:data:`IRI_OBJECTS` itself for it).

    >>> read_property("lang zh http://e.org/p"), read_property("exists http://e.org/p")
    ('http://e.org/p', 'http://e.org/p')
    """
    if read.startswith(LANG):
        return read.split(" ", 2)[2]
    return read.removeprefix(EXISTS)


def generated_digest(store: ox.Store, predicates: list[str]) -> str:
    """The sha256 of the triples of the properties *predicates* in the generated pinyin graph of *store*, now
    (its N-Triples lines, sorted)."""
    wanted = {f"<{p}>".encode() for p in predicates}
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(PINYIN_GRAPH)))
    lines = sorted(line for line in data.split(b"\n") if line and line.split(b" ", 2)[1] in wanted)
    return hashlib.sha256(b"\n".join(lines)).hexdigest()
