"""The SHACL check: the shapes of ``ontology.ttl`` on the whole project, as problems.

The shapes run on the merged graph (which includes the ontology, so that
``rdfs:subClassOf`` is seen), by one of two engines that report the same problems
(tests/validate/test_fastshacl.py): :func:`fast_shacl_problems` (:mod:`cppcc_kg.validate.shacl`,
the shapes compiled to SPARQL on Oxigraph, the default) or :func:`shacl_problems`
(pySHACL, advanced mode; ``cppcc-kg build --shacl-engine pyshacl``).
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from cppcc_kg.project.load import Project
from cppcc_kg.validate.report import Where, compactor, labels_of, node, nowhere, problem
from cppcc_kg.validate.shacl import UnsupportedShape, compile_shapes
from cppcc_kg.validate.shacl import validate as fast_validate

#: the SHACL engines of :func:`cppcc_kg.validate.validate`
SHACL_ENGINES = ("auto", "fast", "pyshacl")

#: the fast engine's component names -> SHACL's constraint components (as pySHACL reports them)
_COMPONENTS = {"class": "Class", "languageIn": "LanguageIn", "SPARQL": "SPARQL"}


#: the shapes graph of the last ontologies read ((N-Triples, graph)): a build reads its shapes once
_SHAPES: list[tuple[bytes, Graph]] = []


def shapes_of(project: Project) -> Graph:
    """The shapes graph: the triples of ``ontology.ttl`` (the same graph for the same ontology: do not
    change it)."""
    nt = project.nt.get("ontology.ttl", b"")
    for data, graph in _SHAPES:
        if data == nt:
            return graph
    shapes = Graph()
    for t in project.files.get("ontology.ttl", []):
        shapes.add(t)
    _SHAPES.insert(0, (nt, shapes))
    del _SHAPES[2:]
    return shapes


def resolve_engine(project: Project, shacl_engine: str = "auto") -> str:
    """The SHACL engine that :func:`cppcc_kg.validate.validate` uses for *shacl_engine*
    (``auto``: ``fast`` unless the shapes use a feature it does not implement)."""
    if shacl_engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}: use one of {', '.join(SHACL_ENGINES)}")
    if shacl_engine != "auto":
        return shacl_engine
    try:
        compile_shapes(shapes_of(project))
        return "fast"
    except UnsupportedShape:
        return "pyshacl"


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


class PreparedQueries(Graph):
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
                from rdflib.plugins.sparql import (
                    prepareQuery,  # heavy (0.1 s): only pySHACL's path needs it
                )

                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def shacl_problems(graph: Graph, shapes: Graph | None = None, *, where: Where | None = None) -> list[dict]:
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
    where = where or nowhere
    compact = compactor(graph)
    conforms, results, _text = pyshacl.validate(
        PreparedQueries(graph), shacl_graph=shapes, inference="none", advanced=True, inplace=True,
        abort_on_first=False, allow_warnings=False, meta_shacl=False, js=False, debug=False)
    out = []
    if conforms:
        return out
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        component = results.value(r, SH.sourceConstraintComponent)
        value = results.value(r, SH.value)
        rule = _shape_name(shapes, results.value(r, SH.sourceShape), compact)
        if component is not None:
            rule += f" ({compact(str(component)).split(':')[-1]})"
        out.append(problem(
            "shacl", focus, " ".join(messages) or "SHACL violation",
            rule=rule, path=_path_text(results, shapes, results.value(r, SH.resultPath), compact),
            value=(compact(str(value)) if isinstance(value, URIRef) else str(value)) if value is not None else "",
            files=where(focus) if focus is not None else [], labels=labels_of(graph, focus)))
    return out


def fast_shacl_problems(store: ox.Store, shapes: Graph, ntriples, *, graph: Graph | None = None,
                        where: Where | None = None, keys: dict | None = None, cache=None,
                        about: dict | None = None) -> list[dict]:
    """Validate with :mod:`cppcc_kg.validate.shacl` and return the problems :func:`shacl_problems` would.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data: the union of its named graphs (ontology included).
    shapes : rdflib.Graph
        The shapes graph.
    ntriples : list or dict of bytes
        The same triples as N-Triples documents, as written (for the datatype checks); a list,
        or a dict name -> document.
    keys, cache : optional
        With a dict name -> cache key of each document and the loader's cache, what the
        datatype checks find in a document is kept per document, and the local shapes are checked again
        only where the graph changed since the last validation (:func:`cppcc_kg.validate.shacl.validate`);
        *about* receives what that run says (``focus``, the nodes checked again, or ``reason``).
    graph : rdflib.Graph, optional
        A graph to read labels and prefixes from (the project's view).
    where : callable, optional
        ``where(node)`` -> files that define the node.

    Raises
    ------
    cppcc_kg.validate.shacl.UnsupportedShape
        When the shapes use a feature the fast engine does not implement.
    """
    where = where or nowhere
    compact = compactor(graph)
    out = []
    for v in fast_validate(None, shapes, store=store, ntriples=ntriples, keys=keys, cache=cache, about=about):
        focus = node(v.focus)
        comp = _COMPONENTS.get(v.component, v.component) + "ConstraintComponent"
        rule = _shape_name(shapes, node(v.shape), compact) + f" ({comp})"
        path = ("^" + compact(v.path[1:])) if v.path.startswith("^") else (compact(v.path) if v.path else "")
        value = compact(v.value) if v.value_kind == "iri" else v.value
        out.append(problem("shacl", focus, v.message or "SHACL violation", rule=rule, path=path, value=value,
                           files=where(focus), labels=labels_of(graph, focus)))
    return out
