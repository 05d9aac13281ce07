"""Test oracle: the entity graph read from an rdflib graph, node by node (the implementation
before the builder moved to the Oxigraph store).

:func:`cppcc_kg.network.build_entity_graph` must give the same ``MultiDiGraph`` (same nodes,
attributes, edges, keys and order): ``tests/network/test_entity_graph_oracle.py`` compares both.
It reads the ontology in its own way too (``_Schema``), so that the comparison also checks
:class:`cppcc_kg.schema.Schema` as the builder uses it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.rdf.namespaces import CPPCC, OA, SCHEMA


def _local_name(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _is_true(value) -> bool | None:
    if isinstance(value, Literal):
        py = value.toPython()
        if isinstance(py, bool):
            return py
        return str(value).strip().lower() == "true"
    return None


def _lang_literal(graph: Graph, subject, prop, lang: str) -> str:
    """The smallest (for determinism) literal of *prop* in language *lang* (or a sub-tag)."""
    exact, sub = [], []
    for o in graph.objects(subject, prop):
        if isinstance(o, Literal) and o.language:
            tag = o.language.lower()
            if tag == lang:
                exact.append(str(o))
            elif tag.startswith(lang + "-"):
                sub.append(str(o))
    values = exact or sub
    return min(values) if values else ""


def _first_literal(graph: Graph, subject, prop) -> str:
    values = sorted(str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal))
    return values[0] if values else ""


def _first_value(graph: Graph, subject, prop):
    values = sorted(graph.objects(subject, prop), key=str)
    return values[0] if values else None


class _Schema:
    """What the ontology in *graph* says: node classes, edge properties and display hints."""

    def __init__(self, graph: Graph):
        self.graph = graph
        parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for c, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(c, URIRef) and isinstance(sup, URIRef):
                parents[c].add(sup)
        self.parents = parents
        self._ancestors: dict[URIRef, tuple[URIRef, ...]] = {}
        explicit: dict[URIRef, bool] = {}
        for c, v in graph.subject_objects(CPPCC.displayAsNode):
            flag = _is_true(v)
            if isinstance(c, URIRef) and flag is not None:
                explicit[c] = explicit.get(c, False) or flag
        self.explicit_node = explicit
        classes = set(explicit) | set(parents) | {s for ps in parents.values() for s in ps}
        self.node_classes = {c for c in classes if self._displays(c)}
        self.edge_properties = sorted(
            (p for p, v in graph.subject_objects(CPPCC.displayAsEdge)
             if isinstance(p, URIRef) and _is_true(v)), key=str)

    def ancestors(self, c: URIRef) -> tuple[URIRef, ...]:
        """*c* and all its superclasses, breadth first (nearest first), each once."""
        if c not in self._ancestors:
            seen, order, frontier = {c}, [c], [c]
            while frontier:
                nxt = []
                for x in frontier:
                    for sup in sorted(self.parents.get(x, ()), key=str):
                        if sup not in seen:
                            seen.add(sup)
                            order.append(sup)
                            nxt.append(sup)
                frontier = nxt
            self._ancestors[c] = tuple(order)
        return self._ancestors[c]

    def _displays(self, c: URIRef) -> bool:
        # the nearest explicit cppcc:displayAsNode (on the class or its closest superclass) decides
        for a in self.ancestors(c):
            if a in self.explicit_node:
                return self.explicit_node[a]
        return False

    def most_specific(self, types: Iterable[URIRef]) -> URIRef | None:
        cands = {t for t in types if t in self.node_classes}
        if not cands:
            return None
        best = [t for t in cands if not any(t != u and t in self.ancestors(u) for u in cands)]
        # deepest first, then IRI: deterministic when an instance has two unrelated classes
        return sorted(best, key=lambda t: (-len(self.ancestors(t)), str(t)))[0]


def _evidence_index(graph: Graph):
    """body -> sorted list of evidence dicts, computed lazily per annotation.

    The annotation, target and selector triples are read once, predicate by predicate.
    """
    def multi(prop) -> dict:
        out: dict = defaultdict(list)
        for s_, o in graph.subject_objects(prop):
            out[s_].append(o)
        return out

    def single(prop, literal_only=False) -> dict:
        out: dict = {}
        for s_, o in graph.subject_objects(prop):
            if literal_only and not isinstance(o, Literal):
                continue
            if s_ not in out or str(o) < str(out[s_]):
                out[s_] = o
        return out

    by_body: dict = defaultdict(list)
    for ann, body in graph.subject_objects(OA.hasBody):
        by_body[body].append(ann)
    targets, selectors = multi(OA.hasTarget), multi(OA.hasSelector)
    sources = single(OA.hasSource)
    starts, ends, exacts = single(OA.start, True), single(OA.end, True), single(OA.exact, True)
    cache: dict = {}
    titles: dict = {}

    def source_title(src) -> str:
        if src not in titles:
            titles[src] = (_lang_literal(graph, src, DCTERMS.title, "zh")
                           or _lang_literal(graph, src, DCTERMS.title, "en")
                           or _first_literal(graph, src, DCTERMS.title))
        return titles[src]

    def of_annotation(ann) -> list[dict]:
        if ann not in cache:
            out = []
            for target in sorted(targets.get(ann, ()), key=str):
                start = end = None
                exact = ""
                for sel in sorted(selectors.get(target, ()), key=str):
                    if sel in starts:
                        start = int(starts[sel].toPython())
                    if sel in ends:
                        end = int(ends[sel].toPython())
                    if sel in exacts:
                        exact = str(exacts[sel])
                src = sources.get(target)
                out.append({
                    "annotation": str(ann),
                    "start": start if start is not None else -1,
                    "end": end if end is not None else -1,
                    "exact": exact,
                    "source": str(src) if src is not None else "",
                    "source_title": source_title(src) if src is not None else "",
                })
            cache[ann] = out
        return cache[ann]

    def evidence(body) -> list[dict]:
        items = [e for ann in by_body.get(body, ()) for e in of_annotation(ann)]
        return sorted(items, key=lambda e: (e["source"], e["start"], e["end"], e["annotation"]))

    return evidence


def _precision(graph: Graph, subject) -> str:
    prec = _first_value(graph, subject, CPPCC.datePrecision)
    if prec is None:
        return ""
    notation = _first_literal(graph, prec, SKOS.notation)
    if notation:
        return notation
    return _local_name(prec).removesuffix("Precision").lower()


def _number(value):
    """An observation's value as int or float (a decimal becomes a float); other text as str."""
    if value is None:
        return None
    py = value.toPython() if isinstance(value, Literal) else str(value)
    if isinstance(py, bool):
        return str(value)
    if isinstance(py, int):
        return py
    try:
        return float(py)
    except (TypeError, ValueError):
        return str(value)


def _observations(graph: Graph, nodes: set[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for obs, about in graph.subject_objects(CPPCC.observationAbout):
        if str(about) not in nodes:
            continue
        py = _number(_first_value(graph, obs, CPPCC.value))
        qual = _first_value(graph, obs, CPPCC.qualifier)
        out[str(about)].append({
            "iri": str(obs),
            "label_zh": _lang_literal(graph, obs, RDFS.label, "zh"),
            "label_en": _lang_literal(graph, obs, RDFS.label, "en"),
            "measured_zh": _lang_literal(graph, obs, CPPCC.measuredProperty, "zh"),
            "measured_en": _lang_literal(graph, obs, CPPCC.measuredProperty, "en"),
            "value": py,
            "qualifier": (_first_literal(graph, qual, SKOS.notation) or _local_name(qual)) if qual is not None else "",
            "unit_zh": _lang_literal(graph, obs, CPPCC.unit, "zh"),
            "unit_en": _lang_literal(graph, obs, CPPCC.unit, "en"),
            "date": _first_literal(graph, obs, CPPCC.observationDate),
            "date_precision": _precision(graph, obs),
        })
    return {k: sorted(v, key=lambda o: (o["date"], o["iri"])) for k, v in out.items()}


# ---------------------------------------------------------------------------- the graph

def build_entity_graph(graph: Graph) -> nx.MultiDiGraph:
    """Turn the merged RDF graph into the entity graph.

    Parameters
    ----------
    graph : rdflib.Graph
        The merged graph, ontology included (``cppcc_kg.project.load.load_project``).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are entity IRIs (str), inserted in IRI order, with the attributes of
        :data:`NODE_COLUMNS` (``aliases``, ``observations`` and ``evidence`` are lists).
        Edges run subject → object, keyed by the property's local name (``'issued'``),
        inserted in (subject, key, object) order, with the attributes of
        :data:`EDGE_COLUMNS`. ``G.graph['class_ancestors']`` maps each node class IRI to
        the IRIs of it and its superclasses (used by :func:`bipartite_graph`).
    """
    schema = _Schema(graph)
    evidence = _evidence_index(graph)

    # --- nodes: the most specific node class of each typed subject
    types: dict[URIRef, list[URIRef]] = defaultdict(list)
    for s, t in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(t, URIRef) and t in schema.node_classes:
            types[s].append(t)
    node_class = {s: schema.most_specific(ts) for s, ts in types.items()}

    class_info: dict[URIRef, dict] = {}

    def info(c: URIRef) -> dict:
        if c not in class_info:
            hints = {}
            for key, prop in (("color", CPPCC.displayColor), ("shape", CPPCC.displayShape)):
                # a class without its own hint takes its nearest superclass's
                hints[key] = next((v for a in schema.ancestors(c) if (v := _first_literal(graph, a, prop))), "")
            # the top class: the nearest of the class and its superclasses marked cppcc:topClass true
            top = next((a for a in schema.ancestors(c) if (a, CPPCC.topClass, Literal(True)) in graph), c)
            class_info[c] = {
                "class": _local_name(c),
                "class_iri": str(c),
                "class_label_en": _lang_literal(graph, c, RDFS.label, "en"),
                "class_label_zh": _lang_literal(graph, c, RDFS.label, "zh"),
                "top_class": _local_name(top),
                "top_class_iri": str(top),
                "top_class_label_en": _lang_literal(graph, top, RDFS.label, "en"),
                "top_class_label_zh": _lang_literal(graph, top, RDFS.label, "zh"),
                **hints,
            }
        return class_info[c]

    G = nx.MultiDiGraph(name="cppcc-kg entity graph")
    nodes = sorted(node_class, key=str)
    node_set = {str(n) for n in nodes}
    observations = _observations(graph, node_set)
    for n in nodes:
        c = node_class[n]
        date = _first_value(graph, n, SCHEMA.startDate) or _first_value(graph, n, DCTERMS.issued)
        G.add_node(str(n), **{
            "iri": str(n),
            "label_zh": _lang_literal(graph, n, RDFS.label, "zh"),
            "label_en": _lang_literal(graph, n, RDFS.label, "en"),
            "pinyin": _first_literal(graph, n, CPPCC.pinyin),
            "aliases": sorted({str(a) for a in graph.objects(n, SKOS.altLabel) if isinstance(a, Literal)}),
            **info(c),
            "date": str(date) if date is not None else "",
            "date_precision": _precision(graph, n) if date is not None else "",
            "comment": _lang_literal(graph, n, RDFS.comment, "en"),
            "observations": observations.get(str(n), []),
            "evidence": evidence(n),
        })
    G.graph["class_ancestors"] = {
        str(c): [str(a) for a in schema.ancestors(c)] for c in sorted(set(node_class.values()), key=str)
    }

    # --- edges: relation triples between two nodes, with their statement and its evidence
    statements: dict[tuple, list] = defaultdict(list)
    for st, s in graph.subject_objects(RDF.subject):
        for p in graph.objects(st, RDF.predicate):
            for o in graph.objects(st, RDF.object):
                statements[(s, p, o)].append(st)
    edges = []
    for p in schema.edge_properties:
        pinfo = {
            "property": str(p),
            "label_en": _lang_literal(graph, p, RDFS.label, "en"),
            "label_zh": _lang_literal(graph, p, RDFS.label, "zh"),
            "color": _first_literal(graph, p, CPPCC.displayColor),
        }
        key = _local_name(p)
        for s, o in graph.subject_objects(p):
            if str(s) in node_set and str(o) in node_set:
                sts = sorted(statements.get((s, p, o), ()), key=str)
                ev = sorted((e for st in sts for e in evidence(st)),
                            key=lambda e: (e["source"], e["start"], e["end"], e["annotation"]))
                edges.append((str(s), key, str(o), {
                    **pinfo, "statement": str(sts[0]) if sts else "", "evidence": ev,
                }))
    for s, key, o, data in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        G.add_edge(s, o, key=key, **data)
    return G


