"""The data rules' verdicts kept in the loader's cache by the triples they read.

A rule (``rules/*.rq``) that returned no row keeps that verdict in the loader's cache under the digest
of its query, the code of :mod:`cppcc_kg.validate` and the triples of the properties it may read
(:func:`rule_reads`, :meth:`cppcc_kg.project.load.Project.predicate_digest`), as the build keeps the
entity graph's query solutions (:mod:`cppcc_kg.build.graph_rows`). A rule whose properties are those
of the last build that found it clean is not run again: its solutions are a function of those triples.
A rule that returned rows is run again at every build (its rows are the report), and so is a rule whose
properties cannot be known (:func:`rule_reads` is ``None``).

Why the verdict is the one a run would give. The solutions of a SPARQL query are a function of the
dataset it reads; a query none of whose triple patterns or property paths has a property other than
those of :func:`rule_reads` reads, of the dataset, the triples of those properties only (the same
query on the dataset restricted to them has the same solutions: tested for every rule of the
repository). The digest covers them file by file, by the file's graph name, so it also covers what
``GRAPH ?g`` reads; a rule that uses ``GRAPH`` runs on every file's graph complete
(:meth:`~cppcc_kg.project.load.Project.with_duplicates`), whose triples are those of the files' N-Triples
the digest reads. The generated pinyin graph is computed beside the validation: its triples of those
properties are read from the store before and after the run, and the verdict is kept only if they did
not change meanwhile.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import Node, URIRef, Variable

from cppcc_kg.project.files import PINYIN_GRAPH
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


def rule_reads(query: str) -> frozenset[str] | None:
    """The properties (IRIs) that the SPARQL *query* may read, or ``None`` when they cannot be told.

    They are the IRIs in the property position of its triple patterns and in its property paths
    (``rdf:type`` for ``a``), in every part of the query (``OPTIONAL``, ``MINUS``, ``EXISTS``, ``GRAPH``,
    sub-queries). A variable in the property position is read only if a ``VALUES`` joined with its pattern
    lists IRIs for it in every row (then those are its properties); otherwise, as with a negated path
    (``!p``), ``SERVICE``, or anything else this does not know, ``None``.

    >>> sorted(rule_reads("SELECT ?s WHERE { ?s a ?c ; <http://e.org/p>/<http://e.org/q>* ?o }"))
    ['http://e.org/p', 'http://e.org/q', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
    >>> rule_reads("SELECT ?s WHERE { ?s ?p ?o }") is None
    True
    >>> sorted(rule_reads("SELECT ?s WHERE { VALUES ?p { <http://e.org/p> } GRAPH ?g { ?s ?p ?o } }"))
    ['http://e.org/p']
    """
    # rdflib's SPARQL parser (0.1 s to import): only for a rule not seen before (RuleCache keeps the answer)
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 (rdflib's parser raises many kinds; Oxigraph reports the rule's errors)
        return None
    found: set[str] = set()
    try:
        _walk(algebra, found, {})
    except _Unknown:
        return None
    return frozenset(found)


def _walk(node, found: set[str], bound: dict) -> None:
    """Add to *found* the properties that the algebra *node* reads; *bound*: variable -> the IRIs that a
    ``VALUES`` joined with *node* gives it in every row (only through ``Join`` and ``Graph``)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        name = node.name
        if name == "BGP":
            for _s, p, _o in node["triples"]:
                _path(p, found, bound)
        elif name == "Join":
            leaves = _join_leaves(node)
            given = {**bound, **_values_bindings(leaves)}
            for leaf in leaves:
                _walk(leaf, found, given if _conjunctive(leaf) else {})
        elif name == "Graph":
            _walk(node["p"], found, bound)
        elif name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            # rdflib translates the pattern of EXISTS into an attribute, leaving the parsed one in the dict
            translated = node.__dict__.get("graph")
            if getattr(translated, "name", None) is None:
                raise _Unknown(name)
            _walk(translated, found, {})
        elif name in _PATTERNS or name in _EXPRESSION_NAMES or name.startswith(_EXPRESSIONS):
            for key, value in node.items():
                if key != "_vars":
                    _walk(value, found, {})
        else:
            raise _Unknown(name)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, found, {})
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _walk(value, found, {})
    elif not isinstance(node, (Node, str, int, float, bool, type(None))):
        raise _Unknown(type(node).__name__)


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
    read; :meth:`keep` records a rule that returned no row. Without a cache (a clean build, ``--no-cache``)
    nothing is read or kept and no digest is made.
    """

    def __init__(self, project):
        cache = getattr(project, "cache", None)
        self.project = project
        self.cache = cache if cache is not None and cache.enabled else None
        self._asked: dict[str, tuple[str, frozenset[str], str]] = {}

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
        entry = entry_name("rule", query, self.project.predicate_digest(reads))
        self._asked[name] = (entry, reads, _generated(self.project.store, reads))
        return get_json(self.cache, entry) is not None

    def keep(self, name: str, rows: list) -> None:
        """Record that the rule *name* (asked about with :meth:`clean`) returned *rows*: kept if none, and if
        the generated triples it reads did not change while it ran."""
        if name not in self._asked or rows:
            return
        entry, reads, before = self._asked[name]
        if _generated(self.project.store, reads) == before:
            put_json(self.cache, entry, {"rows": 0})


def _generated(store: ox.Store, reads: frozenset[str]) -> str:
    """The sha256 of the triples of the properties *reads* in the generated pinyin graph of *store*, now."""
    h = hashlib.sha256()
    graph = ox.NamedNode(str(PINYIN_GRAPH))
    for p in sorted(reads):
        for line in sorted(str(q) for q in store.quads_for_pattern(None, ox.NamedNode(p), None, graph)):
            h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()
