"""Outputs (cppcc_kg.build: rdf_files, entity_files, summary; cppcc_kg.rdf.serialize): four RDF syntaxes that round-trip, the entity files, the summary."""
from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from support import copy_project

from cppcc_kg.build.entity_files import write_entity_files
from cppcc_kg.build.rdf_files import write_graph_files
from cppcc_kg.build.summary import export_triples, summarize, write_summary
from cppcc_kg.project.files import PINYIN_GRAPH, graph_iri
from cppcc_kg.project.load import load
from cppcc_kg.rdf.evidence_form import COMPACT, expand, expand_lines
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.rdf.ntriples import triples_of
from cppcc_kg.rdf.serialize import jsonld, merged_lines, ntriples, trig
from cppcc_kg.validate import validate


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return load(copy_project(tmp_path_factory.mktemp("export") / "project"))


@pytest.fixture(scope="module")
def full(project):
    """Every triple of the project in the full form of the evidence, as the graph files give it (the files and
    the store hold it compact)."""
    g = Graph()
    for t in triples_of(expand(b"".join(project.graphs().values()))):
        g.add(t)
    assert len(g) > len(project.graph)  # (the project has evidence)
    return g


@pytest.fixture(scope="module")
def out(project, tmp_path_factory):
    d = tmp_path_factory.mktemp("out")
    write_graph_files(project.graph, d, project=project)
    write_entity_files(project.graph, d)
    write_summary(project, d, report=validate(project))
    return d


def test_ntriples_sorted_and_complete(project, full, out):
    data = (out / "graph.nt").read_bytes()
    assert data == b"".join(x + b"\n" for x in expand_lines(merged_lines(project.graphs().values())))
    lines = data.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) == len(full)
    assert isomorphic(Graph().parse(out / "graph.nt", format="nt"), full)


def test_no_export_writes_the_compact_form(project, out):
    """The compact properties are declared (the ontology's graph) and used by the files, never in the exports."""
    used = {f"<{t[1]}>".encode() for t in project.graph}
    assert set(COMPACT) <= used
    compact = {p[1:-1].decode() for p in COMPACT}
    for name, fmt in (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE),
                      ("graph.trig", ox.RdfFormat.TRIG), ("graph.jsonld", ox.RdfFormat.JSON_LD)):
        quads = list(ox.parse(path=out / name, format=fmt))
        assert quads and not [q for q in quads if q.predicate.value in compact], name
        assert {q.subject.value for q in quads} >= compact  # (still declared)


def test_turtle_round_trip_with_prefixes(full, out):
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix kgorg: <https://w3id.org/cppcc-kg/id/org/> ." in text
    assert "kgorg:test-city-cppcc" in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), full)
    list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))  # strict Turtle too


def test_jsonld_round_trip(project, full, out):
    data = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    ids = [n.get("@id", "") for n in data["@graph"]]
    expected = []  # a node per subject and file, files in the order of graph.trig, subjects as in graph.nt
    for _iri, nt in sorted(project.graphs().items()):
        subjects = []
        for line in expand(nt).decode("utf-8").splitlines():
            s = line.split(" ", 1)[0]
            s = s[1:-1] if s.startswith("<") else s
            if not subjects or subjects[-1] != s:
                subjects.append(s)
        expected += subjects
    context = data["@context"]

    def iri(i: str) -> str:
        prefix, _, rest = i.partition(":")
        return context[prefix] + rest if prefix in context else i
    assert [iri(i) for i in ids] == expected
    assert "kgorg:test-city-cppcc" in ids  # IRIs written with the prefixes
    assert context["kgorg"] == "https://w3id.org/cppcc-kg/id/org/"
    assert isomorphic(Graph().parse(out / "graph.jsonld", format="json-ld"), full)


def test_trig_has_one_named_graph_per_file_and_pinyin(project, out):
    quads = list(ox.parse(path=out / "graph.trig", format=ox.RdfFormat.TRIG))  # strict TriG
    by_graph = defaultdict(set)
    for q in quads:
        by_graph[q.graph_name.value].add(ox.Triple(q.subject, q.predicate, q.object))
    expected = {str(graph_iri(rel)): nt for rel, nt in project.nt.items()}
    expected[str(PINYIN_GRAPH)] = project.pinyin_nt
    assert set(by_graph) == set(expected)
    for name, nt in expected.items():  # each file's graph: its triples, the evidence in the full form
        assert by_graph[name] == {q.triple for q in ox.parse(expand(nt), format=ox.RdfFormat.N_TRIPLES)}, name
    assert len(by_graph[str(graph_iri("graph/evidence.ttl"))]) > project.nt["graph/evidence.ttl"].count(b"\n")
    assert {(str(s), str(p), str(o)) for s, p, o in project.pinyin} == {
        (t.subject.value, t.predicate.value, str(t.object.value)) for t in by_graph[str(PINYIN_GRAPH)]}


def test_trig_of_a_graph_with_generated_prefixes():
    t = [(URIRef("http://e.org/s"), URIRef("http://other.org/p"), Literal("x")),
         (URIRef("http://e.org/s"), URIRef("http://e.org/q"), Literal("甲", lang="zh"))]
    text = trig([(URIRef("http://e.org/g2"), t[:1]), (URIRef("http://e.org/g1"), t[1:])])
    assert text.index("<http://e.org/g1>") < text.index("<http://e.org/g2>")
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    assert {(q.graph_name.value, q.predicate.value) for q in quads} == {
        ("http://e.org/g2", "http://other.org/p"), ("http://e.org/g1", "http://e.org/q")}


def test_jsonld_keeps_the_order_of_lists():
    g = Graph().parse(format="turtle", data='@prefix ex: <http://e.org/> . ex:a ex:b ( "z" "a" "m" ) .')
    assert isomorphic(Graph().parse(data=jsonld(g), format="json-ld"), g)


def test_ntriples_deduplicates_and_sorts():
    g = Graph().parse(format="turtle", data='<http://e.org/b> <http://e.org/p> "中" . <http://e.org/a> <http://e.org/p> 1 .')
    assert ntriples(g).splitlines() == [
        '<http://e.org/a> <http://e.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        '<http://e.org/b> <http://e.org/p> "中" .']


# ---------------------------------------------------------------- entity graph files

def test_entity_files(project, out):
    G = nx.read_graphml(out / "entities.graphml", force_multigraph=True)
    assert sorted(G.nodes) == [
        "https://w3id.org/cppcc-kg/id/document/test-consultation-plan",
        "https://w3id.org/cppcc-kg/id/mechanism/test-members-workstations",
        "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"]
    assert G.number_of_edges() == 2
    with open(out / "nodes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:3] == ["Id", "Label", "iri"]  # Gephi's Id and Label first
    assert {r["Id"] for r in rows} == set(G.nodes)
    assert {r["label_zh"] for r in rows} == {"测试市政协", "测试市政协协商工作规划", "委员工作站"}
    with open(out / "edges.csv", encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert sorted((e["source"], e["key"], e["target"]) for e in edges) == [
        ("https://w3id.org/cppcc-kg/id/org/test-city-cppcc", "established",
         "https://w3id.org/cppcc-kg/id/mechanism/test-members-workstations"),
        ("https://w3id.org/cppcc-kg/id/org/test-city-cppcc", "issued",
         "https://w3id.org/cppcc-kg/id/document/test-consultation-plan")]


# ---------------------------------------------------------------- summary

def test_summary_counts(project, out):
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s == summarize(project, report=validate(project)) | {
        "outputs": s["outputs"]}
    assert s["entities"] == 3
    assert s["entities_per_class"] == {"CPPCCCommittee": 1, "Plan": 1, "Platform": 1}
    assert s["entities_per_top_class"] == {"Document": 1, "Mechanism": 1, "Organization": 1}
    assert s["relations"] == 2
    assert {k: v for k, v in s["relations_per_property"].items() if v} == {"established": 1, "issued": 1}
    assert s["observations"] == 1 and s["observations_per_qualifier"] == {"Exact": 1}
    assert s["firsts"] == 1 and s["first_claims"][0]["kind"] == "首次"
    assert s["evidence"] == 6
    assert s["validation"]["conforms"] is True and s["validation"]["rules"]
    assert s["sources"][0]["characters"] == 80


def test_summary_lists_outputs_with_checksums(out):
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(s["outputs"]) == {"graph.ttl", "graph.nt", "graph.jsonld", "graph.trig",
                                 "entities.graphml", "nodes.csv", "edges.csv"}
    for name, o in s["outputs"].items():
        data = (out / name).read_bytes()
        assert o == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    text = (out / "summary.txt").read_text(encoding="utf-8")
    assert "entities: 3" in text and "validation: OK" in text and "[首次]" in text


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    write_atomic(tmp_path / "a.txt", "甲")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "甲"


def test_write_atomic_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")

    def fail(*args):
        raise OSError("disk full")
    monkeypatch.setattr("cppcc_kg.rdf.files.os.replace", fail)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "a.txt", "new")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old"


def test_the_summary_counts_the_triples_of_the_graph_files(project, out, tmp_path):
    """The number of triples of the summary is that of graph.nt (the full form), whether this build wrote the graph
    files (their count) or not (the store's count and what the expansion adds)."""
    lines = (out / "graph.nt").read_bytes().count(b"\n")
    assert export_triples(project) == lines > len(project.graph)
    fresh = load(copy_project(tmp_path / "project"))
    assert "graph_files" not in fresh.stats and export_triples(fresh) == lines


def test_writing_the_graph_files_leaves_the_projects_count_that_of_its_store(project, out):
    """``len(project)`` counts the triples of the project as its store holds them (the evidence compact), before
    and after the graph files (which count the full form) are written."""
    lines = (out / "graph.nt").read_bytes().count(b"\n")
    assert len(project) == len(project.view) < lines
    assert project.stats["graph_files"]["triples"] == lines
