"""The entity graph: nodes and edges read from the ontology, attributes, projections, exports."""
from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from support import ANALYSIS_FIXTURE, analysis_graph

from cppcc_kg.network import (
    build_entity_graph,
    edges_frame,
    nodes_frame,
    one_mode_projection,
    organization_document_graph,
    organization_program_graph,
    to_undirected_weighted,
    write_graphml,
)
from cppcc_kg.rdf.namespaces import CPPCC

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ANALYSIS_FIXTURE
ID = "https://w3id.org/cppcc-kg/id/"
fixture_graph = analysis_graph  # a new graph of the ontology and the fixture, each call


@pytest.fixture(scope="module")
def rdf():
    return fixture_graph()


@pytest.fixture(scope="module")
def G(rdf):
    return build_entity_graph(rdf)


def edge_triples_between_nodes(g: Graph, nodes: set[str]) -> set[tuple[str, str, str]]:
    """Independent reading of the edges, by SPARQL over the ontology's display hints."""
    rows = g.query("""
        PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
        SELECT ?s ?p ?o WHERE { ?p cppcc:displayAsEdge true . ?s ?p ?o . }""")
    return {(str(s), str(p).rsplit("#", 1)[-1], str(o)) for s, p, o in rows
            if str(s) in nodes and str(o) in nodes}


# ---------------------------------------------------------------------------- nodes and edges

def test_nodes_are_the_instances_of_node_classes(rdf, G):
    node_classes = {c for c, v in rdf.subject_objects(CPPCC.displayAsNode) if v.toPython() is True}
    expected = {str(s) for s, t in rdf.subject_objects(RDF.type) if t in node_classes}
    assert set(G.nodes) == expected
    # observations, sources, statements, annotations, literals are not nodes
    assert not any("/observation/" in n or "/relation/" in n or "/evidence/" in n or "/source/" in n
                   for n in G.nodes)
    assert list(G.nodes) == sorted(G.nodes)


def test_most_specific_class_and_display_hints_come_from_the_ontology(rdf, G):
    a = G.nodes[ID + "org/alpha-cppcc"]  # typed cppcc:Organization and cppcc:CPPCCCommittee
    assert a["class"] == "CPPCCCommittee"
    assert a["class_iri"] == str(CPPCC.CPPCCCommittee)
    # the fine type is drawn as its top class: the colour and shape of cppcc:Organization
    assert (a["top_class"], a["top_class_iri"]) == ("Organization", str(CPPCC.Organization))
    assert (a["top_class_label_en"], a["top_class_label_zh"]) == ("organization", "组织机构")
    assert a["color"] == str(rdf.value(CPPCC.Organization, CPPCC.displayColor))
    assert a["shape"] == str(rdf.value(CPPCC.Organization, CPPCC.displayShape))
    assert a["class_label_zh"] == "政协组织" and a["class_label_en"] == "CPPCC committee"


def test_literal_attributes(G):
    a = G.nodes[ID + "org/alpha-cppcc"]
    assert (a["label_zh"], a["label_en"]) == ("甲市政协", "Alpha City CPPCC Committee")
    assert a["aliases"] == ["市政协", "甲政协"]
    assert a["pinyin"] == "jiǎ shì zhèngxié"
    assert a["comment"].startswith("The CPPCC committee")
    doc = G.nodes[ID + "document/work-plan"]
    assert (doc["date"], doc["date_precision"]) == ("2023", "year")
    ev = G.nodes[ID + "event/plenary"]
    assert (ev["date"], ev["date_precision"]) == ("2023-01-05", "day")
    assert G.nodes[ID + "person/someone"]["date"] == ""


def test_observations_and_evidence_are_attributes(G):
    obs = G.nodes[ID + "program/river-programme"]["observations"]
    assert len(obs) == 1
    o = obs[0]
    assert o["value"] == 12 and o["qualifier"] == ">" and o["unit_zh"] == "人"
    assert (o["date"], o["date_precision"]) == ("2023-12", "month")
    ev = G.nodes[ID + "org/alpha-cppcc"]["evidence"]
    assert [(e["start"], e["end"], e["exact"], e["source_title"]) for e in ev] == [(0, 4, "甲市政协", "测试文本")]


def test_edges_are_the_edge_properties_between_nodes(rdf, G):
    got = {(u, k, v) for u, v, k in G.edges(keys=True)}
    assert got == edge_triples_between_nodes(rdf, set(G.nodes))
    # cppcc:issuedBy is an object property with cppcc:displayAsEdge false: not an edge
    assert "issuedBy" not in {k for _, _, k in G.edges(keys=True)}
    d = G.edges[ID + "org/alpha-cppcc", ID + "program/river-programme", "launched"]
    assert d["property"] == str(CPPCC.launched)
    assert (d["label_en"], d["label_zh"]) == ("launched", "发起")
    assert d["statement"] == ID + "relation/org.alpha-cppcc--launched--program.river-programme"
    assert [e["exact"] for e in d["evidence"]] == ["甲市政协发起清河行动。"]
    # a relation without a statement node still is an edge, with no evidence
    d = G.edges[ID + "org/alpha-government", ID + "program/river-programme", "launched"]
    assert d["statement"] == "" and d["evidence"] == []


def test_changing_the_ontology_changes_the_graph():
    g = fixture_graph()
    g.set((CPPCC.Person, CPPCC.displayAsNode, Literal(False)))
    g.set((CPPCC.awarded, CPPCC.displayAsEdge, Literal(False)))
    # a new class of the ontology, with no displayAsNode of its own, inherits its superclass's
    g.add((CPPCC.ThinkTank, RDF.type, OWL.Class))
    g.add((CPPCC.ThinkTank, RDFS.subClassOf, CPPCC.Organization))
    g.add((URIRef(ID + "org/think-tank"), RDF.type, CPPCC.ThinkTank))
    # an instance of a class outside the ontology is not a node
    g.add((URIRef(ID + "org/unknown"), RDF.type, URIRef("https://example.org/Thing")))
    H = build_entity_graph(g)
    assert ID + "person/someone" not in H
    assert "awarded" not in {k for _, _, k in H.edges(keys=True)}
    assert H.nodes[ID + "org/think-tank"]["class"] == "ThinkTank"
    assert H.nodes[ID + "org/think-tank"]["color"] == str(g.value(CPPCC.Organization, CPPCC.displayColor))
    assert ID + "org/unknown" not in H


def test_empty_graph():
    G = build_entity_graph(Graph())
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0
    assert nodes_frame(G).empty and edges_frame(G).empty


# ---------------------------------------------------------------------------- projections

def test_undirected_projection_counts_relations():
    g = fixture_graph()
    a, r = URIRef(ID + "org/alpha-cppcc"), URIRef(ID + "program/river-programme")
    g.add((a, CPPCC.participatedIn, r))
    g.add((a, CPPCC.about, a))  # a self-loop is dropped
    U = to_undirected_weighted(build_entity_graph(g))
    assert not U.is_directed() and not U.is_multigraph()
    assert U.edges[str(a), str(r)]["weight"] == 2
    assert U.edges[str(a), str(r)]["properties"] == ["launched", "participatedIn"]
    assert nx.number_of_selfloops(U) == 0
    assert set(U.nodes) == set(build_entity_graph(g).nodes)


def test_organization_program_bipartite_and_projection(G):
    B = organization_program_graph(G)
    orgs = {n for n, d in B.nodes(data=True) if d["bipartite"] == 0}
    progs = {n for n, d in B.nodes(data=True) if d["bipartite"] == 1}
    # organizations: Organization, OrganizationalUnit and their subclasses, read from the ontology
    assert orgs == {ID + "org/" + x for x in ("alpha-cppcc", "alpha-cppcc-party-group", "alpha-party-committee",
                                               "alpha-government", "beta-cppcc")}
    assert progs == {ID + "program/river-programme", ID + "program/study-campaign"}
    assert nx.is_bipartite(B)
    assert all((u in orgs) != (v in orgs) for u, v in B.edges)
    P = one_mode_projection(B, 0)
    assert set(P.nodes) == orgs
    assert P.edges[ID + "org/alpha-cppcc", ID + "org/alpha-government"]["shared"] == [ID + "program/river-programme"]
    assert P.has_edge(ID + "org/alpha-party-committee", ID + "org/alpha-cppcc-party-group")
    assert not P.has_edge(ID + "org/alpha-cppcc", ID + "org/alpha-party-committee")
    Q = one_mode_projection(B, 1)
    assert set(Q.nodes) == progs and Q.number_of_edges() == 0


def test_organization_document_bipartite(G):
    B = organization_document_graph(G)
    docs = {n for n, d in B.nodes(data=True) if d["bipartite"] == 1}
    assert docs == {ID + "document/work-plan"}
    assert set(B[ID + "document/work-plan"]) == {ID + "org/alpha-cppcc", ID + "org/alpha-party-committee"}
    P = one_mode_projection(B, 0)
    assert P.edges[ID + "org/alpha-cppcc", ID + "org/alpha-party-committee"]["weight"] == 1


# ---------------------------------------------------------------------------- exports

def shuffled_graph(seed: int) -> Graph:
    lines = fixture_graph().serialize(format="nt").splitlines()
    random.Random(seed).shuffle(lines)
    return Graph().parse(data="\n".join(lines), format="nt")


def test_exports_are_deterministic(tmp_path):
    outs = []
    for seed in (1, 2):
        G = build_entity_graph(shuffled_graph(seed))
        d = tmp_path / str(seed)
        write_graphml(G, d / "entities.graphml")
        outs.append(((d / "entities.graphml").read_bytes(),
                     nodes_frame(G).to_csv(index=False), edges_frame(G).to_csv(index=False)))
    assert outs[0] == outs[1]
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left behind


def test_frames_columns_and_flattening(G):
    nf, ef = nodes_frame(G), edges_frame(G)
    assert list(nf.columns[:4]) == ["iri", "label_zh", "label_en", "pinyin"]
    assert nf["iri"].tolist() == sorted(G.nodes)
    row = nf.set_index("iri").loc[ID + "org/alpha-cppcc"]
    assert json.loads(row["aliases"]) == ["市政协", "甲政协"]
    assert json.loads(row["evidence"])[0]["exact"] == "甲市政协"
    assert list(ef.columns[:3]) == ["source", "target", "key"]
    assert len(ef) == G.number_of_edges()
    assert list(zip(ef["source"], ef["key"], ef["target"])) == sorted(zip(ef["source"], ef["key"], ef["target"]))


def test_graphml_round_trip(G, tmp_path):
    path = tmp_path / "entities.graphml"
    write_graphml(G, path)
    H = nx.read_graphml(path, force_multigraph=True)
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    assert json.loads(H.nodes[ID + "org/alpha-cppcc"]["aliases"]) == G.nodes[ID + "org/alpha-cppcc"]["aliases"]
    assert {k for _, _, k in H.edges(keys=True)} == {k for _, _, k in G.edges(keys=True)}


# ---------------------------------------------------------------------------- the real graph

@pytest.fixture(scope="module")
def project(built):
    """The built graph of the repository (``built`` of tests/conftest.py)."""
    return Graph().parse(built / "graph.ttl")


def test_real_graph_matches_an_independent_sparql_reading(project):
    G = build_entity_graph(project)
    assert G.number_of_nodes() > 0
    got = {(u, k, v) for u, v, k in G.edges(keys=True)}
    assert got == edge_triples_between_nodes(project, set(G.nodes))
    for n, d in G.nodes(data=True):
        assert d["label_zh"] and d["label_en"], n
        assert d["class_iri"] and d["color"].startswith("#"), n
        assert d["evidence"], f"{n} has no evidence"
