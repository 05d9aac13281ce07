"""The entity graph: the RDF graph as a networkx ``MultiDiGraph`` of entities and relations.

Nodes are the IRIs (``str``) of the instances of the classes that the ontology marks
``cppcc:displayAsNode true``; edges are the triples between two such nodes whose
property the ontology marks ``cppcc:displayAsEdge true``, keyed by the property's local
name. Literals, ``rdf:type``, evidence, statements and observations are not nodes: they
become node and edge attributes. Nothing about the schema is typed here: which classes
are nodes, which properties are edges, labels, colours and shapes are read from the
ontology inside the graph (``ontology.ttl``).

>>> from rdflib import Graph
>>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle")
>>> G = build_entity_graph(g)
>>> sorted(G.nodes)
['https://w3id.org/cppcc-kg/id/org/a', 'https://w3id.org/cppcc-kg/id/program/p']
>>> G.nodes["https://w3id.org/cppcc-kg/id/org/a"]["class"]
'CPPCCCommittee'
>>> [(k, d["label_en"]) for _, _, k, d in G.edges(keys=True, data=True)]
[('launched', 'launched')]
>>> U = to_undirected_weighted(G)
>>> U.edges["https://w3id.org/cppcc-kg/id/org/a", "https://w3id.org/cppcc-kg/id/program/p"]["weight"]
1
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pandas as pd
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.rdf.namespaces import CPPCC, OA, SCHEMA

__all__ = [
    "build_entity_graph", "to_undirected_weighted", "bipartite_graph",
    "organization_program_graph", "organization_document_graph", "one_mode_projection",
    "nodes_of_classes", "is_instance_of", "nodes_frame", "edges_frame", "write_graphml",
    "NODE_COLUMNS", "EDGE_COLUMNS", "ORGANIZATION_CLASSES", "PROGRAM_CLASSES", "DOCUMENT_CLASSES",
]

#: Classes whose instances (with their subclasses, read from the ontology) are organizations.
ORGANIZATION_CLASSES = (str(CPPCC.Organization), str(CPPCC.OrganizationalUnit))
#: Classes whose instances are programmes.
PROGRAM_CLASSES = (str(CPPCC.Program),)
#: Classes whose instances are documents.
DOCUMENT_CLASSES = (str(CPPCC.Document),)

#: Node attributes, in the order of the columns of :func:`nodes_frame`.
NODE_COLUMNS = (
    "iri", "label_zh", "label_en", "pinyin", "aliases", "class", "class_iri",
    "class_label_en", "class_label_zh", "color", "shape", "date", "date_precision",
    "comment", "observations", "evidence",
)
#: Edge attributes, after ``source, target, key``, in the order of :func:`edges_frame`.
EDGE_COLUMNS = ("property", "label_en", "label_zh", "color", "statement", "evidence")

EXAMPLE_TTL = """
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cppcc:Organization cppcc:displayAsNode true .
cppcc:CPPCCCommittee rdfs:subClassOf cppcc:Organization ; cppcc:displayAsNode true .
cppcc:Program cppcc:displayAsNode true ; rdfs:label "programme"@en .
cppcc:launched cppcc:displayAsEdge true ; rdfs:label "launched"@en, "发起"@zh .
<https://w3id.org/cppcc-kg/id/org/a> a cppcc:Organization, cppcc:CPPCCCommittee ;
    rdfs:label "甲政协"@zh, "A CPPCC"@en ;
    cppcc:launched <https://w3id.org/cppcc-kg/id/program/p> .
<https://w3id.org/cppcc-kg/id/program/p> a cppcc:Program ; rdfs:label "乙项目"@zh, "B"@en .
"""


# ---------------------------------------------------------------------------- helpers

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

    Examples
    --------
    >>> from rdflib import Graph
    >>> G = build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
    >>> G.number_of_nodes(), G.number_of_edges()
    (2, 1)
    >>> build_entity_graph(Graph()).number_of_nodes()
    0
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
            class_info[c] = {
                "class": _local_name(c),
                "class_iri": str(c),
                "class_label_en": _lang_literal(graph, c, RDFS.label, "en"),
                "class_label_zh": _lang_literal(graph, c, RDFS.label, "zh"),
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


# ---------------------------------------------------------------------------- projections

def to_undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph: one edge per related pair, ``weight`` = number of relations.

    Self-loops are dropped (they would break k-core and mean nothing for brokerage).
    The edge attribute ``properties`` lists the property keys of the pair's relations.

    Examples
    --------
    >>> M = nx.MultiDiGraph()
    >>> M.add_edge("a", "b", key="issued"); M.add_edge("b", "a", key="about"); M.add_edge("a", "a", key="partOf")
    'issued'
    'about'
    'partOf'
    >>> U = to_undirected_weighted(M)
    >>> U.edges["a", "b"]["weight"], U.edges["a", "b"]["properties"], U.number_of_edges()
    (2, ['about', 'issued'], 1)
    """
    U = nx.Graph()
    U.graph.update(G.graph)
    U.add_nodes_from(G.nodes(data=True))
    pairs: dict[tuple, list[str]] = defaultdict(list)
    for u, v, k in G.edges(keys=True):
        if u == v:
            continue
        pairs[(u, v) if str(u) <= str(v) else (v, u)].append(str(k))
    for (u, v), keys in sorted(pairs.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        U.add_edge(u, v, weight=len(keys), properties=sorted(keys))
    return U


def is_instance_of(G: nx.Graph, node, classes: Iterable[str]) -> bool:
    """True when *node*'s class is one of *classes* or a subclass of one (from the ontology).

    >>> G = nx.MultiDiGraph(class_ancestors={"x#B": ["x#B", "x#A"]})
    >>> G.add_node("n", class_iri="x#B")
    >>> is_instance_of(G, "n", ["x#A"]), is_instance_of(G, "n", ["x#C"])
    (True, False)
    """
    c = G.nodes[node].get("class_iri", "")
    ancestors = G.graph.get("class_ancestors", {}).get(c, [c])
    wanted = {str(x) for x in classes}
    return any(a in wanted for a in ancestors)


def nodes_of_classes(G: nx.Graph, classes: Iterable[str]) -> list[str]:
    """The nodes (sorted) that are instances of *classes* or their subclasses."""
    classes = [str(c) for c in classes]
    return sorted(n for n in G.nodes if is_instance_of(G, n, classes))


def bipartite_graph(G: nx.MultiDiGraph, left: Iterable[str], right: Iterable[str]) -> nx.Graph:
    """The bipartite graph of the relations between instances of *left* and of *right* classes.

    Nodes carry ``bipartite`` 0 (left) or 1 (right) and their entity attributes; an edge's
    ``weight`` is the number of relations (either direction) between the two entities. A node
    that would be on both sides (an instance of both) is put on the left. Entities without any
    such relation are kept as isolated nodes.

    Examples
    --------
    >>> from rdflib import Graph
    >>> G = build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
    >>> B = organization_program_graph(G)
    >>> sorted((n, d["bipartite"]) for n, d in B.nodes(data=True))[0]
    ('https://w3id.org/cppcc-kg/id/org/a', 0)
    >>> B.number_of_edges()
    1
    """
    lefts = nodes_of_classes(G, left)
    lset = set(lefts)
    rights = [n for n in nodes_of_classes(G, right) if n not in lset]
    rset = set(rights)
    B = nx.Graph()
    B.graph.update(G.graph)
    for n in lefts:
        B.add_node(n, **G.nodes[n], bipartite=0)
    for n in rights:
        B.add_node(n, **G.nodes[n], bipartite=1)
    weights: dict[tuple, int] = defaultdict(int)
    for u, v in G.edges():
        if u in lset and v in rset:
            weights[(u, v)] += 1
        elif v in lset and u in rset:
            weights[(v, u)] += 1
    for (u, v), w in sorted(weights.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        B.add_edge(u, v, weight=w)
    return B


def organization_program_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Organizations (``bipartite`` 0) and programmes (1): see :func:`bipartite_graph`."""
    return bipartite_graph(G, ORGANIZATION_CLASSES, PROGRAM_CLASSES)


def organization_document_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Organizations (``bipartite`` 0) and documents (1): see :func:`bipartite_graph`."""
    return bipartite_graph(G, ORGANIZATION_CLASSES, DOCUMENT_CLASSES)


def one_mode_projection(B: nx.Graph, side: int = 0) -> nx.Graph:
    """Project a bipartite graph onto one side (0 or 1).

    Two nodes of *side* are linked when they share a neighbour; ``weight`` is the number
    of shared neighbours and ``shared`` lists them (sorted).

    Examples
    --------
    >>> B = nx.Graph()
    >>> B.add_nodes_from(["o1", "o2", "o3"], bipartite=0); B.add_nodes_from(["p"], bipartite=1)
    >>> B.add_edges_from([("o1", "p"), ("o2", "p")])
    >>> P = one_mode_projection(B, 0)
    >>> sorted(P.nodes), P.edges["o1", "o2"]["weight"], P.edges["o1", "o2"]["shared"]
    (['o1', 'o2', 'o3'], 1, ['p'])
    """
    members = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == side)
    P = nx.Graph()
    P.graph.update(B.graph)
    P.add_nodes_from((n, {k: v for k, v in B.nodes[n].items() if k != "bipartite"}) for n in members)
    shared: dict[tuple, set] = defaultdict(set)
    others = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") != side)
    for o in others:
        nbrs = sorted(n for n in B.neighbors(o) if n in P)
        for i, u in enumerate(nbrs):
            for v in nbrs[i + 1:]:
                shared[(u, v)].add(o)
    for (u, v), s in sorted(shared.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))):
        P.add_edge(u, v, weight=len(s), shared=sorted(s))
    return P


# ---------------------------------------------------------------------------- exports

def _flat(value):
    """A GraphML/CSV-safe scalar: lists and dicts become canonical JSON, None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict, set)):
        if isinstance(value, set):
            value = sorted(value, key=str)
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _ordered_keys(records: Iterable[dict], first: Iterable[str]) -> list[str]:
    first = list(first)
    extra = sorted({k for r in records for k in r} - set(first))
    return first + extra


def nodes_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per node, sorted by IRI; columns :data:`NODE_COLUMNS` then any others sorted.

    Lists and dicts (``aliases``, ``observations``, ``evidence``) are canonical JSON strings.

    Examples
    --------
    >>> from rdflib import Graph
    >>> df = nodes_frame(build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle")))
    >>> list(df.columns[:4]), df["label_zh"].tolist()
    (['iri', 'label_zh', 'label_en', 'pinyin'], ['甲政协', '乙项目'])
    >>> nodes_frame(nx.MultiDiGraph()).shape
    (0, 16)
    """
    rows = [dict(d, iri=d.get("iri", n)) for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0]))]
    cols = _ordered_keys(rows, NODE_COLUMNS)
    data = [[_flat(r.get(c)) for c in cols] for r in rows]
    return pd.DataFrame(data, columns=cols)


#: while :func:`shared_rows` is active: graph id -> (graph, edge rows), made once for several writers
_ROWS_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("_ROWS_MEMO", default=None)


@contextlib.contextmanager
def shared_rows():
    """Within the block, the GraphML and CSV writers share the flattened edge rows of a graph
    (which must not change meanwhile) instead of making them each."""
    token = _ROWS_MEMO.set({})
    try:
        yield
    finally:
        _ROWS_MEMO.reset(token)


def _edge_rows(G: nx.Graph) -> tuple[list[str], list[list]]:
    memo = _ROWS_MEMO.get()
    if memo is not None and id(G) in memo:
        return memo[id(G)][1]
    rows = _make_edge_rows(G)
    if memo is not None:
        memo[id(G)] = (G, rows)  # G kept alive, so that its id is not reused
    return rows


def _make_edge_rows(G: nx.Graph) -> tuple[list[str], list[list]]:
    if G.is_multigraph():
        triples = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
    else:
        triples = [(u, v, "", d) for u, v, d in G.edges(data=True)]
    triples.sort(key=lambda t: (str(t[0]), str(t[2]), str(t[1])))
    rows = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in triples]
    cols = _ordered_keys(rows, ("source", "target", "key") + EDGE_COLUMNS)
    return cols, [[_flat(r.get(c)) for c in cols] for r in rows]


def edges_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per edge, sorted by (source, key, target); columns ``source, target, key``,
    :data:`EDGE_COLUMNS`, then any others sorted. Lists become canonical JSON strings.

    Examples
    --------
    >>> from rdflib import Graph
    >>> df = edges_frame(build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle")))
    >>> df[["key", "label_zh"]].values.tolist()
    [['launched', '发起']]
    >>> edges_frame(nx.MultiDiGraph()).shape
    (0, 9)
    """
    cols, data = _edge_rows(G)
    return pd.DataFrame(data, columns=cols)


def _atomic_write(path: Path, write) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_graphml(G: nx.Graph, path) -> None:
    """Write *G* as GraphML, deterministically and atomically.

    Node and edge attributes are flattened (:func:`nodes_frame` rules: lists and dicts
    become canonical JSON strings); nodes are written in IRI order, edges in
    (source, key, target) order. Graph-level attributes other than scalars
    (``class_ancestors``) are left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from rdflib import Graph
    >>> G = build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_graphml(G, pathlib.Path(d) / "g.graphml")
    ...     H = nx.read_graphml(pathlib.Path(d) / "g.graphml")
    >>> sorted(H.nodes) == sorted(G.nodes), H.nodes["https://w3id.org/cppcc-kg/id/org/a"]["label_zh"]
    (True, '甲政协')
    """
    F = nx.MultiDiGraph() if G.is_multigraph() else nx.Graph()
    if G.is_directed() != F.is_directed():
        F = F.to_directed() if G.is_directed() else F.to_undirected()
    F.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        F.add_node(n, **{k: _flat(d[k]) for k in _ordered_keys([d], NODE_COLUMNS) if k in d})
    cols, data = _edge_rows(G)
    for values in data:
        row = dict(zip(cols, values))
        attrs = {k: v for k, v in row.items() if k not in ("source", "target", "key") and k in cols}
        if F.is_multigraph():
            F.add_edge(row["source"], row["target"], key=row["key"], **attrs)
        else:
            F.add_edge(row["source"], row["target"], **attrs)
    _atomic_write(Path(path), lambda tmp: nx.write_graphml_xml(F, tmp, encoding="utf-8", prettyprint=True))
