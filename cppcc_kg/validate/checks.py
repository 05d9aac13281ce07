"""Validate a loaded project: SHACL shapes, evidence against the sources, data rules.

Four checks, each returning a list of *problems* (plain dicts, see
:func:`problem`), so that all problems are reported at once:

* :func:`check_evidence`: for every evidence target, the quote (``oa:exact`` of its
  ``oa:TextQuoteSelector``) equals ``text[start:end]`` of the source, by its
  ``oa:TextPositionSelector`` (code points, end exclusive);
* :func:`check_labels`: the ``@zh`` label of every entity occurs in a source text
  (the SHACL shapes cannot read the texts);
* the SHACL shapes of ``ontology.ttl``, on the merged graph (which includes the
  ontology, so that ``rdfs:subClassOf`` is seen), by one of two engines that report
  the same problems (tested): :func:`fast_shacl_problems` (:mod:`cppcc_kg.validate.shacl`,
  the shapes compiled to SPARQL on Oxigraph, the default) or :func:`shacl_problems`
  (pySHACL, advanced mode; ``cppcc-kg build --shacl-engine pyshacl``);
* :func:`rule_problems`: the data rules ``rules/*.rq``, SPARQL ``SELECT`` queries
  that must return no rows, run on the dataset with one named graph per file
  (so a rule can see which file a triple comes from).

The evidence and label checks read the project's Oxigraph store with a few SPARQL
queries (:func:`evidence_problems`, :func:`label_problems`), so they stay fast on
millions of triples; :func:`check_evidence` and :func:`check_labels` do the same on
an rdflib graph.

A problem names the thing to fix (IRI and labels), the rule it breaks and the
file that defines the thing; :func:`format_problem` writes it for a person.

>>> p = problem("shacl", "https://w3id.org/cppcc-kg/id/org/x", "An entity needs …",
...             rule="cppcc:EntityShape", files=["graph/a.ttl"], labels=["某机构", "Some body"])
>>> print(format_problem(p))
graph/a.ttl: <https://w3id.org/cppcc-kg/id/org/x> (某机构 | Some body)
    [shacl] cppcc:EntityShape: An entity needs …
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from cppcc_kg.errors import InputError, ValidationError
from cppcc_kg.project.load import Project, entities, entity_zh_labels, zh_labels
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.store import from_ox, values

#: how many problems a ValidationError message lists before summing up the rest
MAX_LISTED = 40


def problem(check: str, focus, message: str, *, rule: str = "", path: str = "", value: str = "",
            files: list[str] | None = None, labels: list[str] | None = None) -> dict:
    """One problem found by a check, as a plain dict."""
    return {
        "check": check,
        "focus": str(focus) if focus is not None else "",
        "labels": list(labels or []),
        "files": list(files or []),
        "rule": rule,
        "path": path,
        "value": value,
        "message": message,
    }


def format_problem(p: dict, compact: Callable[[str], str] | None = None) -> str:
    """Two lines for a person: ``FILE: thing (labels)`` and ``[check] rule, path: message``."""
    compact = compact or (lambda iri: f"<{iri}>")
    files = ", ".join(p["files"]) or "(no file)"
    head = f"{files}: {compact(p['focus']) if p['focus'] else ''}"
    if p["labels"]:
        head += f" ({' | '.join(p['labels'])})"
    rule = p["rule"] + (f", path {p['path']}" if p["path"] else "")
    body = f"    [{p['check']}] {rule}: {p['message']}" if rule else f"    [{p['check']}] {p['message']}"
    if p["value"]:
        body += f" (value: {p['value']})"
    return f"{head.rstrip()}\n{body}"


def _compactor(graph: Graph) -> Callable[[str], str]:
    def compact(iri: str) -> str:
        if not iri:
            return ""
        try:
            return graph.namespace_manager.normalizeUri(URIRef(iri))
        except Exception:  # pragma: no cover - rdflib refuses some IRIs
            return f"<{iri}>"
    return compact


def _labels(graph: Graph, node) -> list[str]:
    """The zh label(s), then the en label(s), of *node*."""
    if node is None:
        return []
    zh = zh_labels(graph, node)
    en = sorted(str(o) for o in graph.objects(node, RDFS.label)
                if isinstance(o, Literal) and (o.language or "").lower().startswith("en"))
    return zh + en


# ---------------------------------------------------------------- evidence and labels

def _int(node) -> int | None:
    try:
        return int(node)
    except (TypeError, ValueError):
        return None


def check_evidence(graph: Graph, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """Check every quote against the source text: ``exact == text[start:end]``.

    Parameters
    ----------
    graph : rdflib.Graph
    texts : dict
        Source IRI -> its text (str) or an object with ``.text`` and ``.path``.
    where : callable, optional
        ``where(node, predicate)`` -> files that hold the triple, for messages.

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix oa: <http://www.w3.org/ns/oa#> .
    ... <http://e.org/a> oa:hasTarget <http://e.org/t> .
    ... <http://e.org/t> oa:hasSource <http://e.org/src> ;
    ...     oa:hasSelector <http://e.org/p>, <http://e.org/q> .
    ... <http://e.org/p> a oa:TextPositionSelector ; oa:start 1 ; oa:end 3 .
    ... <http://e.org/q> a oa:TextQuoteSelector ; oa:exact "乙丁" .''')
    >>> [p["message"] for p in check_evidence(g, {URIRef("http://e.org/src"): "甲乙丙"})]
    ["the quote is '乙丁' but text[1:3] of http://e.org/src is '乙丙'"]
    """
    where = where or (lambda node, pred=None: [])
    out = []
    for target in sorted(set(graph.subjects(OA.hasSelector, None))):
        annotations = sorted(graph.subjects(OA.hasTarget, target)) or [target]
        focus = annotations[0]
        sources = list(graph.objects(target, OA.hasSource))
        positions = [s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in graph]
        quotes = [s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph]
        if len(sources) != 1 or len(positions) != 1 or len(quotes) != 1:
            continue  # the SHACL shapes report the missing or extra parts
        source, pos, quote = sources[0], positions[0], quotes[0]
        src = texts.get(source)
        if src is None:
            out.append(problem("evidence", focus, f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule="quote == text[start:end]", files=where(target, OA.hasSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        start, end = _int(graph.value(pos, OA.start)), _int(graph.value(pos, OA.end))
        if start is None or end is None:
            continue  # SHACL: oa:start and oa:end are integers
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus,
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule="quote == text[start:end]", files=where(pos, OA.start)))
            continue
        actual = text[start:end]
        for exact in sorted(str(x) for x in graph.objects(quote, OA.exact)):
            if exact != actual:
                out.append(problem(
                    "evidence", focus,
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule="quote == text[start:end]", files=where(quote, OA.exact)))
    return out


def check_labels(graph: Graph, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """Check that the ``@zh`` label of every entity occurs in some source text.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... cppcc:Organization rdfs:subClassOf cppcc:Entity .
    ... <http://e.org/a> a cppcc:Organization ; rdfs:label "甲乙"@zh .
    ... <http://e.org/b> a cppcc:Organization ; rdfs:label "丁"@zh .''')
    >>> [p["focus"] for p in check_labels(g, {"s": "甲乙丙"})]
    ['http://e.org/b']
    """
    where = where or (lambda node, pred=None: [])
    bodies = [t if isinstance(t, str) else t.text for t in texts.values()]
    out = []
    for e in entities(graph):
        for label in zh_labels(graph, e):
            if not any(label in text for text in bodies):
                out.append(problem(
                    "label", e, f"the Chinese label {label!r} does not occur in any source text: "
                                "write the name exactly as the source does (other forms go in skos:altLabel)",
                    rule="label in source", path="rdfs:label", files=where(e, RDFS.label),
                    labels=_labels(graph, e)))
    return out


def _node(value: str):
    """The rdflib term of a value of :func:`cppcc_kg.rdf.store.values` (``_:x`` is a blank node)."""
    return BNode(value[2:]) if value.startswith("_:") else URIRef(value)


def _evidence_query() -> str:
    oa, rdf = str(OA), str(RDF)
    return f"""SELECT ?t ?src ?pos ?start ?end ?quote ?exact (BOUND(?exact) AS ?has) WHERE {{
        ?t <{oa}hasSource> ?src ; <{oa}hasSelector> ?pos, ?quote .
        ?pos <{rdf}type> <{oa}TextPositionSelector> .
        ?quote <{rdf}type> <{oa}TextQuoteSelector> .
        OPTIONAL {{ ?pos <{oa}start> ?start }} OPTIONAL {{ ?pos <{oa}end> ?end }}
        OPTIONAL {{ ?quote <{oa}exact> ?exact }} }}"""


def evidence_problems(store: ox.Store, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """:func:`check_evidence` on an Oxigraph store (the union of its named graphs): the same problems.

    *texts* maps a source IRI (str or URIRef) to its text or to a :class:`cppcc_kg.project.load.SourceText`.
    One query joins each target with its source and its two selectors; a target with
    a missing or extra part is left to the SHACL shapes, as :func:`check_evidence` does.
    """
    where = where or (lambda node, pred=None: [])
    by_iri = {str(k): v for k, v in texts.items()}
    targets: dict[str, list] = {}
    for t, src, pos, start, end, quote, exact, has in values(store, _evidence_query()):
        targets.setdefault(t, []).append((src, pos, start, end, quote, exact, has == "true"))
    oa = str(OA)

    def focus_of(target: str):
        found = [a for (a,) in values(store, f"SELECT DISTINCT ?a WHERE {{ ?a <{oa}hasTarget> <{target}> }}")] \
            if not target.startswith("_:") else []
        return _node(min(found) if found else target)

    out = []
    for target in sorted(targets):
        rows = targets[target]
        srcs = {r[0] for r in rows}
        positions = {r[1] for r in rows}
        quotes = {r[4] for r in rows}
        if len(srcs) != 1 or len(positions) != 1 or len(quotes) != 1:
            continue  # the SHACL shapes report the extra parts
        source = rows[0][0]
        src = by_iri.get(source)
        if src is None:
            out.append(problem("evidence", focus_of(target),
                               f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule="quote == text[start:end]", files=where(_node(target), OA.hasSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        start = min(_int(r[2]) for r in rows if _int(r[2]) is not None) if any(_int(r[2]) is not None for r in rows) else None
        end = min(_int(r[3]) for r in rows if _int(r[3]) is not None) if any(_int(r[3]) is not None for r in rows) else None
        if start is None or end is None:
            continue  # SHACL: oa:start and oa:end are integers
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus_of(target),
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule="quote == text[start:end]", files=where(_node(rows[0][1]), OA.start)))
            continue
        actual = text[start:end]
        for exact in sorted({r[5] for r in rows if r[6]}):
            if exact != actual:
                out.append(problem(
                    "evidence", focus_of(target),
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule="quote == text[start:end]", files=where(_node(rows[0][4]), OA.exact)))
    return out


def label_problems(store: ox.Store, texts: dict, *, where: Callable | None = None,
                   graph: Graph | None = None) -> list[dict]:
    """:func:`check_labels` on an Oxigraph store: the same problems.

    A label is looked for first in the sources that the entity's own evidence quotes,
    then in all the others, so that a thousand sources cost little more than one.
    """
    where = where or (lambda node, pred=None: [])
    by_iri = {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}
    bodies = list(by_iri.values())
    quoted: dict[str, set[str]] = {}
    oa = str(OA)
    for e, src in values(store, f"SELECT DISTINCT ?e ?src WHERE {{ ?a <{oa}hasBody> ?e ; <{oa}hasTarget> ?t . "
                                f"?t <{oa}hasSource> ?src }}"):
        quoted.setdefault(e, set()).add(src)
    out = []
    for e, labels in entity_zh_labels(store).items():
        own = [by_iri[s] for s in sorted(quoted.get(e, ())) if s in by_iri]
        for label in labels:
            if any(label in text for text in own) or any(label in text for text in bodies):
                continue
            node = URIRef(e)
            out.append(problem(
                "label", node, f"the Chinese label {label!r} does not occur in any source text: "
                               "write the name exactly as the source does (other forms go in skos:altLabel)",
                rule="label in source", path="rdfs:label", files=where(node, RDFS.label),
                labels=_labels(graph, node) if graph is not None else []))
    return out


# ---------------------------------------------------------------- SHACL

def _path_text(results: Graph, shapes: Graph, path, compact) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return compact(str(path))
    for g in (results, shapes):
        inv = g.value(path, SH.inversePath)
        if inv is not None:
            return "^" + compact(str(inv))
    return str(path)


def _shape_name(shapes: Graph, shape, compact) -> str:
    """The named node shape that holds *shape* (a property shape may be a blank node)."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(predicate=SH.property, object=shape) or shapes.value(predicate=SH.sparql, object=shape)
        if parent is None:
            break
        shape = parent
    return compact(str(shape)) if isinstance(shape, URIRef) else "a SHACL shape"


class _PreparedQueries(Graph):
    """A view of a graph (same store) that parses each SPARQL query text once.

    pySHACL runs a SPARQL constraint once per focus node with the same text and
    other bindings; rdflib would parse the text every time, which dominates the
    validation time.
    """

    def __init__(self, graph: Graph):
        super().__init__(store=graph.store, identifier=graph.identifier,
                         namespace_manager=graph.namespace_manager)
        self._prepared: dict = {}

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str) and not kwargs.get("initNs") and (len(args) < 3 or not args[2]):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def shacl_problems(graph: Graph, shapes: Graph | None = None, *, where: Callable | None = None) -> list[dict]:
    """Validate *graph* with pySHACL and return one problem per validation result.

    Parameters
    ----------
    graph : rdflib.Graph
        The data graph; it must include the ontology (for ``rdfs:subClassOf``).
    shapes : rdflib.Graph, optional
        The shapes graph (default: *graph*).
    where : callable, optional
        ``where(node)`` -> files that define the node.
    """
    import pyshacl

    shapes = graph if shapes is None else shapes
    where = where or (lambda node, pred=None: [])
    compact = _compactor(graph)
    conforms, results, _text = pyshacl.validate(
        _PreparedQueries(graph), shacl_graph=shapes, inference="none", advanced=True, inplace=True,
        abort_on_first=False, allow_warnings=False, meta_shacl=False, js=False, debug=False)
    out = []
    if conforms:
        return out
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        source = results.value(r, SH.sourceShape)
        component = results.value(r, SH.sourceConstraintComponent)
        value = results.value(r, SH.value)
        rule = _shape_name(shapes, source, compact)
        if component is not None:
            rule += f" ({compact(str(component)).split(':')[-1]})"
        out.append(problem(
            "shacl", focus, " ".join(messages) or "SHACL violation",
            rule=rule, path=_path_text(results, shapes, results.value(r, SH.resultPath), compact),
            value=(compact(str(value)) if isinstance(value, URIRef) else str(value)) if value is not None else "",
            files=where(focus) if focus is not None else [], labels=_labels(graph, focus)))
    return out


#: fastshacl's component names -> SHACL's constraint components (as pySHACL reports them)
_COMPONENTS = {"class": "Class", "languageIn": "LanguageIn", "SPARQL": "SPARQL"}


def fast_shacl_problems(store: ox.Store, shapes: Graph, ntriples, *, graph: Graph | None = None,
                        where: Callable | None = None) -> list[dict]:
    """Validate with :mod:`cppcc_kg.validate.shacl` and return the problems :func:`shacl_problems` would.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data: the union of its named graphs (ontology included).
    shapes : rdflib.Graph
        The shapes graph.
    ntriples : iterable of bytes
        The same triples as N-Triples, as written (for the datatype checks).
    graph : rdflib.Graph, optional
        A graph to read labels and prefixes from (the project's view).
    where : callable, optional
        ``where(node)`` -> files that define the node.

    Raises
    ------
    cppcc_kg.validate.shacl.UnsupportedShape
        When the shapes use a feature the fast engine does not implement.
    """
    from cppcc_kg.validate import shacl as fastshacl

    where = where or (lambda node, pred=None: [])
    compact = _compactor(graph) if graph is not None else (lambda iri: f"<{iri}>")
    out = []
    for v in fastshacl.validate(None, shapes, store=store, ntriples=ntriples):
        focus = _node(v.focus)
        comp = _COMPONENTS.get(v.component, v.component) + "ConstraintComponent"
        shape = URIRef(v.shape) if not v.shape.startswith("_:") else BNode(v.shape[2:])
        rule = _shape_name(shapes, shape, compact) + f" ({comp})"
        path = ("^" + compact(v.path[1:])) if v.path.startswith("^") else (compact(v.path) if v.path else "")
        value = compact(v.value) if v.value_kind == "iri" else v.value
        out.append(problem("shacl", focus, v.message or "SHACL violation", rule=rule, path=path, value=value,
                           files=where(focus), labels=_labels(graph, focus) if graph is not None else []))
    return out


# ---------------------------------------------------------------- data rules

def read_rule(path: Path) -> tuple[str, str, str]:
    """(description, hint, query) of a rule file: the leading ``#`` lines, then the query.

    The first comment line says what is wrong; the next ones say what to do.
    """
    text = Path(path).read_text(encoding="utf-8")
    head = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        head.append(line.lstrip("#").strip())
    head = [h for h in head if h]
    return (head[0] if head else Path(path).stem), " ".join(head[1:]), text


_USES_GRAPH = re.compile(r"^[^#\n]*\bGRAPH\b", re.IGNORECASE | re.MULTILINE)


def rule_problems(store: ox.Store, rules_dir: Path, *, graph: Graph | None = None,
                  where: Callable | None = None, root: Path | None = None, project=None,
                  which: str = "all") -> list[dict]:
    """Run every ``*.rq`` of *rules_dir* on *store*; each row is a problem.

    A rule is a ``SELECT`` whose rows are the violations; it projects ``?focus``
    (the thing to fix) and may project more variables, shown in the message. The
    default graph is the union of all named graphs; ``GRAPH ?g`` gives the file.
    With the *project*, a rule that uses ``GRAPH`` runs with every file's graph
    complete (:meth:`cppcc_kg.project.load.Project.with_duplicates`); the others run on the
    store as loaded, where a triple that several files hold is stored once (a triple
    repeated in k files would otherwise make joins k-fold in each pattern).
    *which* is ``all``, ``plain`` (the rules without ``GRAPH``) or ``graph`` (those with it).
    """
    where = where or (lambda node, pred=None: [])
    compact = _compactor(graph) if graph is not None else (lambda iri: f"<{iri}>")
    out = []
    for path in sorted(Path(rules_dir).glob("*.rq")):
        name = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.name
        description, hint, query = read_rule(path)
        if which != "all" and (which == "graph") != bool(_USES_GRAPH.search(query)):
            continue
        try:
            if project is not None and _USES_GRAPH.search(query):
                with project.with_duplicates() as full:
                    rows = full.query(query, use_default_graph_as_union=True)
                    variables = [v.value for v in rows.variables] if isinstance(rows, ox.QuerySolutions) else []
                    rows = list(rows) if isinstance(rows, ox.QuerySolutions) else rows
            else:
                rows = store.query(query, use_default_graph_as_union=True)
                variables = [v.value for v in rows.variables] if isinstance(rows, ox.QuerySolutions) else []
        except SyntaxError as exc:
            raise InputError(f"{name}:{exc.lineno or 1}:{exc.offset or 1}: {exc.msg}",
                             "fix the SPARQL of the rule.") from None
        if not isinstance(rows, (ox.QuerySolutions, list)):
            raise InputError(f"{name}: a rule must be a SELECT query (its rows are the violations)")
        found = []
        for row in rows:
            focus = from_ox(row["focus"]) if "focus" in variables else None
            details = []
            for v in variables:
                if v == "focus" or row[v] is None:
                    continue
                t = from_ox(row[v])
                details.append(f"{v}={compact(str(t)) if isinstance(t, URIRef) else str(t)}")
            message = description + (f" [{', '.join(details)}]" if details else "") + (f" {hint}" if hint else "")
            found.append(problem("rule", focus, message, rule=name,
                                 files=where(focus) if focus is not None else [],
                                 labels=_labels(graph, focus) if graph is not None and focus is not None else []))
        out += sorted(found, key=lambda p: (p["focus"], p["message"]))
    return out


# ---------------------------------------------------------------- all together

#: the SHACL engines of :func:`validate`
SHACL_ENGINES = ("auto", "fast", "pyshacl")


def shapes_of(project: Project) -> Graph:
    """The shapes graph: the triples of ``ontology.ttl``."""
    shapes = Graph()
    for t in project.files.get("ontology.ttl", []):
        shapes.add(t)
    return shapes


def resolve_engine(project: Project, shacl_engine: str = "auto") -> str:
    """The SHACL engine that :func:`validate` uses for *shacl_engine* (``auto``: ``fast`` unless
    the shapes use a feature it does not implement)."""
    from cppcc_kg.validate.shacl import UnsupportedShape, compile_shapes

    if shacl_engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: use one of {', '.join(SHACL_ENGINES)}")
    if shacl_engine != "auto":
        return shacl_engine
    try:
        compile_shapes(shapes_of(project))
        return "fast"
    except UnsupportedShape:
        return "pyshacl"


def validate(project: Project, *, rules_dir: Path | None = None, shacl: bool = True,
             shacl_engine: str = "auto", progress: Callable[[str], None] | None = None,
             graph_rules: bool = True) -> dict:
    """Run every check on *project*.

    Parameters
    ----------
    project : cppcc_kg.project.load.Project
    rules_dir : Path, optional
        Folder of the data rules (default ``ROOT/rules``; skipped if absent).
    shacl : bool
        Check the SHACL shapes.
    shacl_engine : {'auto', 'fast', 'pyshacl'}
        ``fast``: the shapes compiled to SPARQL on the project's store
        (:mod:`cppcc_kg.validate.shacl`); ``pyshacl``: pySHACL on the graph in memory (slow:
        seconds for one source, hours for a thousand); ``auto``: ``fast`` unless the
        shapes use a feature it does not implement, then ``pyshacl``. Both report
        the same problems (tests/test_fastshacl.py).
    progress : callable, optional
        Called with the name of each check as it starts.
    graph_rules : bool
        Also run the data rules that use ``GRAPH``; with ``False`` they are left for
        :func:`validate_graph_rules` (they add triples to the store for their time, when
        several files hold the same triple, so the build runs them when nothing else reads it).

    Returns
    -------
    dict
        ``conforms`` (bool), ``problems`` (list of dicts, sorted), ``counts``
        (problems per check), ``seconds`` (time per check), ``rules`` (the
        names of the rule files run) and ``shacl_engine`` (the engine used).
    """
    view = project.view
    rules_dir = Path(rules_dir) if rules_dir is not None else project.root / "rules"

    def where(node, pred=None):
        return project.files_of(node, pred) if pred is not None else project.defined_in(node)

    checks = [
        ("evidence", lambda: evidence_problems(project.store, project.sources, where=where)),
        ("labels", lambda: label_problems(project.store, project.sources, where=where, graph=view)),
    ]
    engine = ""
    if shacl:
        shapes = shapes_of(project)
        engine = resolve_engine(project, shacl_engine)
        if engine == "fast":
            checks.append(("shacl", lambda: fast_shacl_problems(
                project.store, shapes, list(project.graphs().values()), graph=view, where=where)))
        else:
            checks.append(("shacl", lambda: shacl_problems(project.graph, shapes, where=where)))
    if rules_dir.is_dir():
        checks.append(("rules", lambda: rule_problems(project.store, rules_dir, graph=view, where=where,
                                                      root=project.root, project=project,
                                                      which="all" if graph_rules else "plain")))
    problems, seconds, counts = [], {}, {}
    for name, run in checks:
        if progress:
            progress(name)
        t0 = time.perf_counter()
        found = run()
        seconds[name] = time.perf_counter() - t0
        counts[name] = len(found)
        problems += found
    problems.sort(key=lambda p: (p["files"], p["focus"], p["check"], p["rule"], p["path"], p["message"]))
    rules = sorted(p.name for p in rules_dir.glob("*.rq")) if rules_dir.is_dir() else []
    return {"conforms": not problems, "problems": problems, "counts": counts, "seconds": seconds,
            "rules": rules, "shacl_engine": engine, "rules_dir": rules_dir}


def validate_graph_rules(project: Project, report: dict) -> dict:
    """Run the data rules that use ``GRAPH`` (left out by ``validate(..., graph_rules=False)``)
    and add their problems to *report*, which is returned."""
    rules_dir = report.get("rules_dir")
    if rules_dir is None or not Path(rules_dir).is_dir():
        return report
    t0 = time.perf_counter()

    def where(node, pred=None):
        return project.files_of(node, pred) if pred is not None else project.defined_in(node)
    found = rule_problems(project.store, rules_dir, graph=project.view, where=where, root=project.root,
                          project=project, which="graph")
    report["seconds"]["rules"] = report["seconds"].get("rules", 0.0) + time.perf_counter() - t0
    report["counts"]["rules"] = report["counts"].get("rules", 0) + len(found)
    problems = report["problems"] + found
    problems.sort(key=lambda p: (p["files"], p["focus"], p["check"], p["rule"], p["path"], p["message"]))
    report["problems"], report["conforms"] = problems, not problems
    return report


def raise_for_problems(report: dict, graph: Graph | None = None, *, max_listed: int = MAX_LISTED) -> None:
    """Raise :class:`ValidationError` listing the problems of *report*, if any."""
    problems = report["problems"]
    if not problems:
        return
    compact = _compactor(graph) if graph is not None else None
    counts = ", ".join(f"{n} {k}" for k, n in report["counts"].items() if n)
    lines = [f"validation failed: {len(problems)} problem(s) ({counts})"]
    lines += [format_problem(p, compact) for p in problems[:max_listed]]
    if len(problems) > max_listed:
        lines.append(f"... and {len(problems) - max_listed} more")
    raise ValidationError("\n".join(lines), problems,
                          "fix the files named above (docs/curation.md gives the rules), then build again.")
