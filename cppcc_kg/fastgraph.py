"""The entity graph from the project's Oxigraph store, for graphs of any size.

:func:`cppcc_kg.entity_graph.build_entity_graph` walks an rdflib graph node by node:
fine for one source, minutes for a thousand (and the rdflib graph alone takes
gigabytes). :func:`entity_graph` builds the same ``MultiDiGraph`` (same nodes, edges,
keys and attributes, in the same order: tested on the real graph and on synthetic
ones) from a handful of SPARQL queries over the whole store, run by Oxigraph. The
schema (which classes are nodes, which properties are edges, display hints) is
still read from the ontology by :mod:`cppcc_kg.entity_graph`, on a view of the
store (:func:`cppcc_kg.store.graph_view`).

A note on values: the store keeps numbers by value, so an observation's value
``"05"^^xsd:integer`` is read as 5, as rdflib's ``toPython`` reads it too; where a
node has several values for a one-valued attribute (a graph that does not conform
to the shapes), both builders take the smallest, compared as text.

>>> from cppcc_kg.store import load_store
>>> from cppcc_kg.entity_graph import EXAMPLE_TTL
>>> from cppcc_kg.export import ntriples_of_graph
>>> from rdflib import Graph
>>> store = load_store({"https://e.org/g": ntriples_of_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))})
>>> G = entity_graph(store)
>>> sorted(G.nodes), [k for _, _, k in G.edges(keys=True)]
(['https://w3id.org/cppcc-kg/id/org/a', 'https://w3id.org/cppcc-kg/id/program/p'], ['launched'])
"""
from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import CPPCC, OA, SCHEMA
from .store import graph_view, values

XSD = "http://www.w3.org/2001/XMLSchema#"


def _iris(items) -> str:
    return " ".join(f"<{x}>" for x in items)


def _lang_pick(pairs: list[tuple[str, str]], lang: str) -> str:
    """:func:`cppcc_kg.entity_graph._lang_literal` on (value, language tag) pairs."""
    exact, sub = [], []
    for value, tag in pairs:
        tag = tag.lower()
        if tag == lang:
            exact.append(value)
        elif tag.startswith(lang + "-"):
            sub.append(value)
    chosen = exact or sub
    return min(chosen) if chosen else ""


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _number(value: str, datatype: str):
    """:func:`cppcc_kg.entity_graph._number` of a literal given as lexical value and datatype."""
    if not value and not datatype:
        return None
    from rdflib import Literal
    lit = Literal(value, datatype=URIRef(datatype)) if datatype and datatype != XSD + "string" else Literal(value)
    py = lit.toPython()
    if isinstance(py, bool):
        return str(value)
    if isinstance(py, int):
        return py
    try:
        return float(py)
    except (TypeError, ValueError):
        return str(value)


class _Literals:
    """subject -> predicate -> [(value, lang, datatype, kind)] for the literal and IRI objects of some predicates."""

    def __init__(self, store: ox.Store, subjects_query: str, predicates: list[str]):
        self.data: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        q = f"""SELECT DISTINCT ?s ?p ?o (LANG(?o) AS ?lang) (DATATYPE(?o) AS ?dt) (isLiteral(?o) AS ?lit) WHERE {{
                {subjects_query} VALUES ?p {{ {_iris(predicates)} }} ?s ?p ?o }}"""
        for s, p, o, lang, dt, lit in values(store, q):
            self.data[s][p].append((o, lang, dt, lit == "true"))

    def get(self, s: str, p: str) -> list[tuple]:
        d = self.data.get(s)
        return d.get(p, []) if d is not None else []

    def lang(self, s: str, p, lang: str) -> str:
        return _lang_pick([(v, tag) for v, tag, _dt, lit in self.get(s, str(p)) if lit and tag], lang)

    def first_literal(self, s: str, p) -> str:
        vals = sorted(v for v, _tag, _dt, lit in self.get(s, str(p)) if lit)
        return vals[0] if vals else ""

    def first_value(self, s: str, p):
        """(value, lang, datatype, is_literal) of the smallest object by text, or None."""
        vals = sorted(self.get(s, str(p)), key=lambda x: x[0])
        return vals[0] if vals else None


def _precision(lit: _Literals, notations: dict[str, str], s: str) -> str:
    prec = lit.first_value(s, CPPCC.datePrecision)
    if prec is None:
        return ""
    return notations.get(prec[0]) or _local_name(prec[0]).removesuffix("Precision").lower()


def _evidence(store: ox.Store, bodies_query: str, titles: dict[str, str]) -> dict[str, list[dict]]:
    """body -> its evidence dicts, as :func:`cppcc_kg.entity_graph._evidence_index` gives them."""
    oa = str(OA)
    q = f"""SELECT ?b ?a ?t (MIN(STR(?src)) AS ?source) (MIN(?st) AS ?start) (MIN(?en) AS ?end) (MIN(STR(?x)) AS ?exact)
        WHERE {{ {bodies_query} ?a <{oa}hasBody> ?b ; <{oa}hasTarget> ?t .
            OPTIONAL {{ ?t <{oa}hasSource> ?src }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s1 . ?s1 <{oa}start> ?st }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s2 . ?s2 <{oa}end> ?en }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s3 . ?s3 <{oa}exact> ?x FILTER isLiteral(?x) }}
        }} GROUP BY ?b ?a ?t"""
    out: dict[str, list[dict]] = defaultdict(list)
    for b, a, _t, src, start, end, exact in values(store, q):
        out[b].append({
            "annotation": a,
            "start": int(start) if start else -1,
            "end": int(end) if end else -1,
            "exact": exact,
            "source": src,
            "source_title": titles.get(src, "") if src else "",
        })
    return {b: sorted(v, key=lambda e: (e["source"], e["start"], e["end"], e["annotation"])) for b, v in out.items()}


def _source_titles(store: ox.Store) -> dict[str, str]:
    out: dict[str, list] = defaultdict(list)
    for s, t, lang, lit in values(store, f"""SELECT DISTINCT ?s ?t (LANG(?t) AS ?lang) (isLiteral(?t) AS ?lit) WHERE {{
            ?a <{OA}hasSource> ?s . ?s <{DCTERMS.title}> ?t }}"""):
        out[s].append((t, lang, lit == "true"))
    titles = {}
    for s, lst in out.items():
        pairs = [(t, lang) for t, lang, lit in lst if lit and lang]
        titles[s] = (_lang_pick(pairs, "zh") or _lang_pick(pairs, "en")
                     or (sorted(t for t, _l, lit in lst if lit) or [""])[0])
    return titles


def entity_graph(store: ox.Store, *, schema_graph=None) -> nx.MultiDiGraph:
    """The entity graph of the union of the named graphs of *store*.

    Equal to :func:`cppcc_kg.entity_graph.build_entity_graph` of the same triples.

    Parameters
    ----------
    store : pyoxigraph.Store
        The project's store (ontology included), e.g. ``cppcc_kg.load.load(root).store``.
    schema_graph : rdflib.Graph, optional
        Where to read the ontology from (default: a view of *store*).
    """
    from .entity_graph import _Schema, _first_literal, _lang_literal

    view = schema_graph if schema_graph is not None else graph_view(store)
    schema = _Schema(view)
    node_classes = sorted(str(c) for c in schema.node_classes)
    G = nx.MultiDiGraph(name="cppcc-kg entity graph")
    if not node_classes:
        G.graph["class_ancestors"] = {}
        return G

    # --- nodes and their most specific class
    types: dict[str, list[URIRef]] = defaultdict(list)
    for s, t in values(store, f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_iris(node_classes)} }} ?s a ?t FILTER isIRI(?s) }}"):
        types[s].append(URIRef(t))
    node_class = {s: schema.most_specific(ts) for s, ts in types.items()}
    nodes = sorted(node_class)
    node_set = set(nodes)

    class_info: dict = {}

    def info(c: URIRef) -> dict:
        if c not in class_info:
            hints = {}
            for key, prop in (("color", CPPCC.displayColor), ("shape", CPPCC.displayShape)):
                hints[key] = next((v for a in schema.ancestors(c) if (v := _first_literal(view, a, prop))), "")
            class_info[c] = {
                "class": _local_name(str(c)),
                "class_iri": str(c),
                "class_label_en": _lang_literal(view, c, RDFS.label, "en"),
                "class_label_zh": _lang_literal(view, c, RDFS.label, "zh"),
                **hints,
            }
        return class_info[c]

    of_nodes = f"VALUES ?t {{ {_iris(node_classes)} }} ?s a ?t . FILTER isIRI(?s)"
    props = [str(p) for p in (RDFS.label, RDFS.comment, CPPCC.pinyin, SKOS.altLabel, SCHEMA.startDate,
                              DCTERMS.issued, CPPCC.datePrecision)]
    lit = _Literals(store, of_nodes, props)
    notations = {p: n for p, n in values(store, f"""SELECT ?p (MIN(STR(?n)) AS ?m) WHERE {{
        ?x <{CPPCC.datePrecision}> ?p . ?p <{SKOS.notation}> ?n FILTER isLiteral(?n) }} GROUP BY ?p""")}
    titles = _source_titles(store)
    evidence = _evidence(store, "", titles)

    # --- observations about nodes
    obs_q = f"?s <{CPPCC.observationAbout}> ?about ."
    obs_lit = _Literals(store, obs_q, [str(p) for p in (RDFS.label, CPPCC.measuredProperty, CPPCC.value,
                                                         CPPCC.qualifier, CPPCC.unit, CPPCC.observationDate,
                                                         CPPCC.datePrecision)])
    qual_notation = {q: n for q, n in values(store, f"""SELECT ?q (MIN(STR(?n)) AS ?m) WHERE {{
        ?x <{CPPCC.qualifier}> ?q . ?q <{SKOS.notation}> ?n FILTER isLiteral(?n) }} GROUP BY ?q""")}
    observations: dict[str, list[dict]] = defaultdict(list)
    for o, about in values(store, f"SELECT DISTINCT ?o ?about WHERE {{ ?o <{CPPCC.observationAbout}> ?about }}"):
        if about not in node_set:
            continue
        v = obs_lit.first_value(o, CPPCC.value)
        qual = obs_lit.first_value(o, CPPCC.qualifier)
        observations[about].append({
            "iri": o,
            "label_zh": obs_lit.lang(o, RDFS.label, "zh"),
            "label_en": obs_lit.lang(o, RDFS.label, "en"),
            "measured_zh": obs_lit.lang(o, CPPCC.measuredProperty, "zh"),
            "measured_en": obs_lit.lang(o, CPPCC.measuredProperty, "en"),
            "value": (_number(v[0], v[2]) if v[3] else v[0]) if v is not None else None,
            "qualifier": (qual_notation.get(qual[0]) or _local_name(qual[0])) if qual is not None else "",
            "unit_zh": obs_lit.lang(o, CPPCC.unit, "zh"),
            "unit_en": obs_lit.lang(o, CPPCC.unit, "en"),
            "date": obs_lit.first_literal(o, CPPCC.observationDate),
            "date_precision": _precision(obs_lit, notations, o),
        })

    for n in nodes:
        c = node_class[n]
        date = lit.first_value(n, SCHEMA.startDate) or lit.first_value(n, DCTERMS.issued)
        G.add_node(n, **{
            "iri": n,
            "label_zh": lit.lang(n, RDFS.label, "zh"),
            "label_en": lit.lang(n, RDFS.label, "en"),
            "pinyin": lit.first_literal(n, CPPCC.pinyin),
            "aliases": sorted({v for v, _t, _d, is_lit in lit.get(n, str(SKOS.altLabel)) if is_lit}),
            **info(c),
            "date": date[0] if date is not None else "",
            "date_precision": _precision(lit, notations, n) if date is not None else "",
            "comment": lit.lang(n, RDFS.comment, "en"),
            "observations": sorted(observations.get(n, []), key=lambda o: (o["date"], o["iri"])),
            "evidence": evidence.get(n, []),
        })
    G.graph["class_ancestors"] = {
        str(c): [str(a) for a in schema.ancestors(c)] for c in sorted(set(node_class.values()), key=str)
    }

    # --- edges, with their statement and its evidence
    statements: dict[tuple, list[str]] = defaultdict(list)
    for st, s, p, o in values(store, f"""SELECT DISTINCT ?st ?s ?p ?o WHERE {{
            ?st <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o }}"""):
        statements[(s, p, o)].append(st)
    edges = []
    edge_props = [str(p) for p in schema.edge_properties]
    if edge_props:
        pinfo = {}
        for p in schema.edge_properties:
            pinfo[str(p)] = {
                "property": str(p),
                "label_en": _lang_literal(view, p, RDFS.label, "en"),
                "label_zh": _lang_literal(view, p, RDFS.label, "zh"),
                "color": _first_literal(view, p, CPPCC.displayColor),
            }
        for s, p, o in values(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_iris(edge_props)} }} ?s ?p ?o }}"):
            if s in node_set and o in node_set:
                sts = sorted(statements.get((s, p, o), ()))
                ev = sorted((e for st in sts for e in evidence.get(st, [])),
                            key=lambda e: (e["source"], e["start"], e["end"], e["annotation"]))
                edges.append((s, _local_name(p), o, {**pinfo[p], "statement": sts[0] if sts else "", "evidence": ev}))
    for s, key, o, data in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        G.add_edge(s, o, key=key, **data)
    return G
