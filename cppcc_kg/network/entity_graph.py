"""The entity graph: the RDF graph as a networkx ``MultiDiGraph`` of entities and relations.

Nodes are the IRIs (``str``) of the instances of the classes that the ontology marks
``cppcc:displayAsNode true``; edges are the triples between two such nodes whose
property the ontology marks ``cppcc:displayAsEdge true``, keyed by the property's local
name. Literals, ``rdf:type``, evidence, statements and observations are not nodes: they
become node and edge attributes. Nothing about the schema is typed here: which classes
are nodes, which properties are edges, labels, colours and shapes are read from the
ontology inside the graph (:class:`cppcc_kg.schema.Schema`); which properties become
which attributes is the table ``attributes.tsv`` beside this module (:data:`ATTRIBUTES`).

The graph is read from a :class:`pyoxigraph.Store` by a handful of SPARQL queries run by
Oxigraph side by side, so that it takes seconds for a hundred thousand entities. An rdflib
graph is first copied into a store (:func:`cppcc_kg.rdf.store.store_of_graph`), unless it is
a view of one (:func:`cppcc_kg.rdf.store.graph_view`). The store keeps numbers by value: an
observation's value ``"05"^^xsd:integer`` is read as 5 (as rdflib's ``toPython`` reads it);
where a node has several values for a one-valued attribute (a graph that does not conform
to the shapes), the smallest, compared as text, is taken.

>>> from rdflib import ConjunctiveGraph, Graph
>>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle")
>>> G = build_entity_graph(g)
>>> sorted(G.nodes)
['https://w3id.org/cppcc-kg/id/org/a', 'https://w3id.org/cppcc-kg/id/program/p']
>>> G.nodes["https://w3id.org/cppcc-kg/id/org/a"]["class"]
'CPPCCCommittee'
>>> [(k, d["label_en"]) for _, _, k, d in G.edges(keys=True, data=True)]
[('launched', 'launched')]
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pyoxigraph as ox
from rdflib import ConjunctiveGraph, Graph
from rdflib.namespace import RDF

from cppcc_kg.network.changes import note_changes
from cppcc_kg.network.frames import NODE_COLUMNS
from cppcc_kg.network.records import (
    ATTRIBUTES,
    Literals,
    evidence_by_body,
    evidence_query,
    literals_query,
    notations_query,
    read_records,
    source_titles,
    titles_query,
)
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.results import csv_values
from cppcc_kg.rdf.store import UnionStore, graph_view, store_of_graph
from cppcc_kg.schema import Schema, local_name

__all__ = ["build_entity_graph", "entity_graph_queries", "literals_of", "query_predicates", "read_node_attribute",
           "run_queries", "store_of", "EXAMPLE_TTL"]

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


def _iris(items) -> str:
    return " ".join(f"<{x}>" for x in items)


def _evidence_key(e: dict) -> tuple:
    return e["source"], e["start"], e["end"], e["annotation"]


def store_of(data) -> ox.Store:
    """The :class:`pyoxigraph.Store` holding *data*: a store as it is, the store under a
    :func:`cppcc_kg.rdf.store.graph_view`, or a copy of any other rdflib graph or dataset."""
    if isinstance(data, ox.Store):
        return data
    if isinstance(data, Graph) and isinstance(data.store, UnionStore):
        return data.store.ox
    if isinstance(data, Graph):
        return store_of_graph(data)
    raise TypeError(f"an entity graph is made from a pyoxigraph.Store or an rdflib graph, not {type(data).__name__}")


def build_entity_graph(data, *, schema: Schema | None = None,
                       rows: dict[str, list[tuple]] | None = None) -> nx.MultiDiGraph:
    """Turn the merged RDF graph into the entity graph.

    Parameters
    ----------
    data : pyoxigraph.Store or rdflib.Graph
        The project's triples, ontology included: a store (read as the union of its
        graphs, e.g. ``cppcc_kg.project.load.load(root).store``) or an rdflib graph or
        dataset (copied into a store first).
    schema : cppcc_kg.schema.Schema, optional
        The ontology (default: the one inside *data*).
    rows : dict, optional
        The solutions of some of the queries of :func:`entity_graph_queries` (by name, as
        :func:`run_queries` gives them) on *data*, known already: those queries are not run again.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are entity IRIs (str), inserted in IRI order, with the attributes of
        :data:`cppcc_kg.network.frames.NODE_COLUMNS` (``aliases``, ``observations`` and
        ``evidence`` are lists). Edges run subject → object, keyed by the property's local
        name (``'issued'``), inserted in (subject, key, object) order, with the attributes
        of :data:`cppcc_kg.network.frames.EDGE_COLUMNS`. ``G.graph['class_ancestors']`` maps
        each node class IRI to the IRIs of it and its superclasses (used by
        :func:`cppcc_kg.network.projections.bipartite_graph`).

    Examples
    --------
    >>> from rdflib import ConjunctiveGraph, Graph
    >>> G = build_entity_graph(Graph().parse(data=EXAMPLE_TTL, format="turtle"))
    >>> G.number_of_nodes(), G.number_of_edges()
    (2, 1)
    >>> build_entity_graph(Graph()).number_of_nodes()
    0
    """
    store = store_of(data)
    if schema is None:
        # the ontology: of a plain graph as it is; of a dataset or a store, in the union of its graphs
        plain = isinstance(data, Graph) and not isinstance(data, ConjunctiveGraph)
        schema = Schema.from_graph(data if plain else graph_view(store))
    G = nx.MultiDiGraph(name="cppcc-kg entity graph")
    queries = entity_graph_queries(schema)
    if not queries:
        G.graph["class_ancestors"] = {}
        return G
    known = rows or {}
    result = {**known, **run_queries(store, {n: q for n, q in queries.items() if n not in known})}
    node_class = _node_classes(result["types"], schema)
    evidence = evidence_by_body(result["evidence"], source_titles(result["titles"]))
    notations = dict(result["notations"])
    literals = Literals(result["literals"])
    observations = _observations(result, set(node_class), literals, notations)
    nodes = sorted(node_class)
    G.add_nodes_from(_nodes(nodes, node_class, schema, literals, notations, observations, evidence))
    G.graph["class_ancestors"] = {c: list(schema.ancestors(c)) for c in sorted(set(node_class.values()))}
    G.add_edges_from(_edges(result, schema, node_class, evidence))
    return G


def read_node_attribute(G: nx.MultiDiGraph, data, name: str) -> None:
    """Read the node attribute *name* (a line of ``attributes.tsv``) of every node of *G* again from *data*,
    in place: *G* is then the graph :func:`build_entity_graph` makes of *data* now.

    The build makes the entity graph while the generated pinyin is computed, and reads the ``pinyin``
    attribute again once the pinyin is in the store; no other attribute, no node and no edge depends on
    it. An attribute that another one is read on condition of (``when``), or that is read on condition
    itself, is refused (ValueError). The nodes whose attribute changed are noted
    (:func:`cppcc_kg.network.changes.note_changes`).

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle")
    >>> G = build_entity_graph(g)
    >>> a = "https://w3id.org/cppcc-kg/id/org/a"
    >>> G.nodes[a]["pinyin"]
    ''
    >>> _ = g.add((URIRef(a), CPPCC.pinyin, Literal("Jiǎ Zhèngxié")))
    >>> read_node_attribute(G, g, "pinyin"); G.nodes[a]["pinyin"]
    'Jiǎ Zhèngxié'
    """
    attributes = [a for a in ATTRIBUTES["node"] if a.name == name]
    if len(attributes) != 1 or attributes[0].when or any(a.when == name for a in ATTRIBUTES["node"]):
        raise ValueError(f"the node attribute {name!r} cannot be read apart from the others")
    store = store_of(data)
    literals = Literals(csv_values(store, literals_query(attributes)))
    notations = dict(csv_values(store, notations_query(attributes))) \
        if attributes[0].reading in ("notation", "precision") else {}
    nodes = list(G.nodes)
    records = read_records(literals, nodes, attributes, notations)
    changed = []
    for n in nodes:
        attrs, value = G.nodes[n], records[n][name]
        if name not in attrs or attrs[name] != value:
            attrs[name] = value
            changed.append(n)
    note_changes(G, changed)


def entity_graph_queries(schema: Schema) -> dict[str, str]:
    """The SPARQL queries the entity graph is read from, by name (the longest first: they run side by side);
    none when the ontology has no class of nodes.

    Each names every property it reads as an IRI in its text (``rdf:type`` as ``a``), none reads a
    property that a variable stands for unless ``VALUES`` lists them: its solutions depend only on the
    triples of the properties of :func:`query_predicates` (tested), which a caller may use to keep them.
    """
    node_classes = sorted(schema.node_classes)
    if not node_classes:
        return {}
    queries = {
        "evidence": evidence_query(),
        "literals": literals_query(_ALL_ATTRIBUTES),
        "statements": f"""SELECT ?st ?s ?p ?o WHERE {{
            ?st <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o }}""",
        "types": f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {_iris(node_classes)} }} ?s a ?t . FILTER isIRI(?s) }}",
        "about": f"SELECT DISTINCT ?o ?about WHERE {{ ?o <{CPPCC.observationAbout}> ?about }}",
        "notations": notations_query(_ALL_ATTRIBUTES),
        "titles": titles_query(),
    }
    queries["edges"] = f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_iris(schema.edge_properties)} }} ?s ?p ?o }}" \
        if schema.edge_properties else ""
    return queries


def literals_of(data, subjects) -> list[tuple]:
    """The solutions of the query ``literals`` of :func:`entity_graph_queries` whose subject is one of the IRIs
    *subjects*, on *data* (a store or an rdflib graph).

    >>> from rdflib import Graph
    >>> rows = literals_of(Graph().parse(data=EXAMPLE_TTL, format="turtle"), ["https://w3id.org/cppcc-kg/id/program/p"])
    >>> sorted(r[2] for r in rows)
    ['B', '乙项目']
    """
    return csv_values(store_of(data), literals_query(_ALL_ATTRIBUTES, subjects)) if subjects else []


def query_predicates(query: str) -> frozenset[str]:
    """The properties a query of :func:`entity_graph_queries` may read: the IRIs written in it, and
    ``rdf:type`` (written ``a``).

    >>> sorted(query_predicates("SELECT ?s WHERE { ?s a ?t ; <http://e.org/p> ?o }"))
    ['http://e.org/p', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
    """
    return frozenset([*_IRI.findall(query), str(RDF.type)])


_IRI = re.compile(r"<([^<>\s]*)>")
#: every attribute read from a property (of nodes and of observations)
_ALL_ATTRIBUTES = [a for record in ATTRIBUTES.values() for a in record]


def run_queries(store: ox.Store, queries: dict[str, str]) -> dict[str, list[tuple]]:
    """The solutions of each of *queries* on *store* (by name; a query ``""`` has none), as
    :func:`cppcc_kg.rdf.store.values` gives them. Oxigraph releases the GIL while it evaluates: the
    queries run side by side, each read in one piece (:func:`cppcc_kg.rdf.results.csv_values`: a thread that
    read its solutions one at a time took the GIL back at each, waiting for the build's other threads)."""
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = {name: pool.submit(csv_values, store, q) for name, q in queries.items() if q}
        result = {name: f.result() for name, f in futures.items()}
    return {**{name: [] for name, q in queries.items() if not q}, **result}


def _node_classes(rows, schema: Schema) -> dict[str, str]:
    """Node IRI -> its most specific node class."""
    types: dict[str, set[str]] = defaultdict(set)
    for s, t in rows:
        types[s].add(t)
    best: dict[frozenset, str] = {}  # a few combinations of types among many nodes
    out = {}
    for s, ts in types.items():
        key = frozenset(ts)
        if key not in best:
            best[key] = schema.most_specific(sorted(ts))
        out[s] = best[key]
    return out


def _class_attributes(schema: Schema, c: str) -> dict:
    return {**schema.classification(c), "color": schema.hint(c, "color"), "shape": schema.hint(c, "shape")}


def _nodes(nodes: list[str], node_class: dict, schema: Schema, literals: Literals, notations: dict,
           observations: dict, evidence: dict):
    """(node, attributes) of each of *nodes*, the attributes in the order of :data:`NODE_COLUMNS`."""
    records = read_records(literals, nodes, ATTRIBUTES["node"], notations)
    classes = {c: _class_attributes(schema, c) for c in set(node_class.values())}
    for n in nodes:
        found = {"iri": n, **records[n], **classes[node_class[n]],
                 "observations": observations.get(n, []), "evidence": evidence.get(n, [])}
        yield n, {k: found[k] for k in NODE_COLUMNS}


def _observations(result: dict, nodes: set[str], literals: Literals, notations: dict) -> dict[str, list[dict]]:
    """Node IRI -> its observations (dicts of the ``observation`` attributes), by date and IRI."""
    about = [(o, a) for o, a in result["about"] if a in nodes]
    records = read_records(literals, {o for o, _ in about}, ATTRIBUTES["observation"], notations)
    out: dict[str, list[dict]] = defaultdict(list)
    for o, a in about:
        out[a].append({"iri": o, **records[o]})
    return {k: sorted(v, key=lambda x: (x["date"], x["iri"])) for k, v in out.items()}


def _edges(result: dict, schema: Schema, nodes: dict, evidence: dict) -> list[tuple]:
    """(subject, object, key, attributes) of every relation between two nodes, in (subject, key, object) order."""
    statements: dict[tuple, list[str]] = defaultdict(list)
    for st, s, p, o in result["statements"]:
        statements[(s, p, o)].append(st)
    about = {p: {"property": p, "label_en": info.label_en, "label_zh": info.label_zh, "color": info.color}
             for p, info in schema.properties.items()}
    keys = {p: local_name(p) for p in {e[1] for e in result["edges"]}}
    edges = []
    for s, p, o in sorted(result["edges"], key=lambda e: (e[0], keys[e[1]], e[2], e[1])):
        if s in nodes and o in nodes:
            sts = statements.get((s, p, o), ())
            if len(sts) > 1:
                sts = sorted(set(sts))
            edges.append((s, o, keys[p], {**about[p], "statement": sts[0] if sts else "",
                                          "evidence": _edge_evidence(sts, evidence)}))
    return edges


def _edge_evidence(statements: list[str], evidence: dict) -> list[dict]:
    """The evidence of a relation: that of its *statements* (sorted IRIs), by source, start, end, annotation."""
    if len(statements) == 1:  # (the usual case: a statement's evidence is in this order already)
        return list(evidence.get(statements[0], ()))
    return sorted((e for st in statements for e in evidence.get(st, [])), key=_evidence_key)
