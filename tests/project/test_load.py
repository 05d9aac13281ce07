"""Loading a project (cppcc_kg.project.load): files, strict syntax, sources, pinyin, provenance."""
from __future__ import annotations

import re
import threading

import pyoxigraph as ox
import pytest
from oracles.entities_rdflib import entities
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

import cppcc_kg.rdf.store as store_module
from cppcc_kg.errors import (
    ProjectLayoutError,
    SourceChangedError,
    SourceMissingError,
    SyntaxErrors,
    TurtleSyntaxError,
)
from cppcc_kg.project.entities import zh_labels
from cppcc_kg.project.files import (
    PINYIN_GRAPH,
    find_upwards,
    graph_iri,
    project_files,
    project_root,
)
from cppcc_kg.project.load import load, load_project
from cppcc_kg.project.pinyin import entity_pinyin_styles, to_pinyin
from cppcc_kg.rdf.namespaces import CPPCC, PREFIXES

ORG = URIRef("https://w3id.org/cppcc-kg/id/org/test-city-cppcc")
COURT = URIRef("https://w3id.org/cppcc-kg/id/org/test-city-court")
TONE_MARKS = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def test_files_in_load_order_without_proposed(make_project):
    root = make_project()
    (root / "graph" / "a-section").mkdir()
    (root / "graph" / "a-section" / "entities.ttl").write_text("", encoding="utf-8")
    assert project_files(root) == [
        "ontology.ttl", "sources/tiny.ttl",
        "graph/a-section/entities.ttl", "graph/entities.ttl", "graph/evidence.ttl",
        "graph/observations.ttl", "graph/relations.ttl",
    ]


def test_load_merges_ontology_sources_and_graph(make_project):
    project = load(make_project())
    g = project.graph
    assert (CPPCC.Entity, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g
    assert (URIRef("https://w3id.org/cppcc-kg/id/source/tiny"), RDF.type, CPPCC.Source) in g
    assert (ORG, RDF.type, CPPCC.CPPCCCommittee) in g
    assert (COURT, None, None) not in g  # only in graph/proposed/
    assert len(g) == len({t for triples in project.files.values() for t in triples} | set(project.pinyin))


def test_proposed_files_are_not_even_parsed(make_project):
    root = make_project()
    (root / "graph" / "proposed" / "broken.ttl").write_text("this is not turtle", encoding="utf-8")
    load(root)  # no error


def test_load_project_returns_the_graph_with_prefixes(make_project):
    g = load_project(make_project())
    assert isinstance(g, Graph)
    bound = {p: str(ns) for p, ns in g.namespaces()}
    for prefix, ns in PREFIXES.items():
        assert bound.get(prefix) == ns


def test_provenance_of_triples(make_project):
    project = load(make_project())
    assert project.defined_in(ORG) == ["graph/entities.ttl"]
    assert project.files_of(ORG, CPPCC.issued) == ["graph/relations.ttl"]
    ann = URIRef("https://w3id.org/cppcc-kg/id/evidence/tiny/0-5")
    assert project.defined_in(ann) == ["graph/evidence.ttl"]
    assert {q.graph_name.value for q in project.store} == {str(graph_iri(r)) for r in project.files} | {str(PINYIN_GRAPH)}


def test_the_store_has_one_named_graph_per_file(make_project):
    project = load(make_project())
    names = {q.graph_name.value for q in project.store}
    assert names == {str(graph_iri(r)) for r in project.files} | {str(PINYIN_GRAPH)}
    rel = "graph/entities.ttl"
    stored = list(project.store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph_iri(rel)))))
    again = project.duplicates.get(rel, b"").count(b"\n")  # held by an earlier file: stored there
    assert len(stored) + again == len(set(project.files[rel]))


# ---------------------------------------------------------------- syntax and blank nodes

def test_syntax_error_names_file_line_column(make_project):
    root = make_project("bad-syntax")
    with pytest.raises(TurtleSyntaxError) as info:
        load(root)
    assert str(info.value).startswith("graph/broken.ttl:7:1: ")
    assert info.value.exit_code == 2


def test_all_syntax_errors_are_reported_together(make_project):
    root = make_project("bad-syntax")
    (root / "graph" / "more.ttl").write_text('@prefix ex: <http://e.org/> .\nex:a ex:b "x\n', encoding="utf-8")
    with pytest.raises(SyntaxErrors) as info:
        load(root)
    text = str(info.value)
    assert "graph/broken.ttl:7:1:" in text and re.search(r"graph/more\.ttl:2:\d+:", text)
    assert len(info.value.errors) == 2


def test_blank_node_in_graph_is_an_error(make_project):
    with pytest.raises(TurtleSyntaxError) as info:
        load(make_project("bad-blank-node"))
    assert str(info.value).startswith("graph/blank.ttl:6:36: blank node")


def test_blank_nodes_outside_graph_are_allowed(make_project):
    project = load(make_project())  # the ontology's SHACL shapes are blank nodes
    assert any(str(t[0]).startswith("ontology_b") for t in project.files["ontology.ttl"])


def test_missing_ontology(tmp_path):
    with pytest.raises(ProjectLayoutError) as info:
        load(tmp_path)
    assert "ontology.ttl" in str(info.value)


# ---------------------------------------------------------------- sources

def test_missing_source_text(make_project):
    root = make_project()
    (root / "sources" / "tiny.zh.txt").unlink()
    with pytest.raises(SourceMissingError) as info:
        load(root)
    msg = str(info.value)
    assert "https://w3id.org/cppcc-kg/id/source/tiny" in msg and "sources/tiny.zh.txt does not exist" in msg
    assert "sources/tiny.ttl" in msg  # the file that describes the source
    assert info.value.exit_code == 2


def test_changed_source_text_same_length(make_project):
    root = make_project()
    path = root / "sources" / "tiny.zh.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("座谈会", "协商会"), encoding="utf-8")
    with pytest.raises(SourceChangedError) as info:
        load(root)
    msg = str(info.value)
    assert "sources/tiny.zh.txt has changed" in msg and "sha256 is" in msg
    assert "length" not in msg.split("has changed")[1].split("\n")[0]  # same length: only the checksum differs


def test_changed_source_text_length(make_project):
    root = make_project()
    path = root / "sources" / "tiny.zh.txt"
    path.write_text(path.read_text(encoding="utf-8") + "多", encoding="utf-8")
    with pytest.raises(SourceChangedError) as info:
        load(root)
    assert "length is 81 code points, recorded 80" in str(info.value)


def test_source_text_is_kept(make_project):
    project = load(make_project())
    (src,) = project.sources.values()
    assert src.path == "sources/tiny.zh.txt" and len(src.text) == 80 and src.text.startswith("测试市政协")


# ---------------------------------------------------------------- pinyin

def test_pinyin_for_every_entity_label(make_project):
    project = load(make_project())
    g = project.graph
    ents = entities(g)
    assert len(ents) == 3
    styles = entity_pinyin_styles(project.store)
    for e in ents:
        (label,) = zh_labels(g, e)
        values = list(g.objects(e, CPPCC.pinyin))
        assert values == [Literal(to_pinyin(label, styles.get(str(e))))]
    assert sorted(project.pinyin) == sorted(g.triples((None, CPPCC.pinyin, None)))


def test_pinyin_has_tone_marks_and_word_spaces():
    p = to_pinyin("内蒙古自治区政协")
    assert TONE_MARKS.search(p)
    assert p.split() == ["Nèiménggǔ", "Zìzhìqū", "zhèngxié"]
    assert to_pinyin("兴安盟") == "Xīng'ān Méng"  # apostrophe before a vowel-initial syllable
    assert to_pinyin("《测试》2023年") == "cèshì 2023 nián"  # punctuation dropped, digits kept


def test_pinyin_is_deterministic_across_processes(tmp_path):
    import subprocess
    import sys
    code = "from cppcc_kg.project.pinyin import to_pinyin; print(to_pinyin('京蒙协作 政协助力 重庆银行行长'))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout for seed in ("1", "2")}
    assert len(outs) == 1
    assert "Chóngqìng" in outs.pop()


def test_real_repository_loads(repo_root):
    project = load(repo_root)
    g = project.graph
    assert entities(g)
    for e in entities(g):
        assert (e, CPPCC.pinyin, None) in g, e
    assert (None, RDFS.label, None) in g


def test_project_root_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "ontology.ttl").write_text("", encoding="utf-8")
    sub = tmp_path / "notebooks" / "deeper"
    sub.mkdir(parents=True)
    assert project_root(sub) == tmp_path and find_upwards(sub, "ontology.ttl") == tmp_path / "ontology.ttl"
    elsewhere = tmp_path.parent / (tmp_path.name + "-no-project")
    elsewhere.mkdir()
    assert project_root(elsewhere) == elsewhere and find_upwards(elsewhere, "nothing-here.ttl") is None


def test_an_interrupted_store_load_leaves_no_thread_and_no_cache(make_project, monkeypatch):
    """Ctrl-C (or any error) while the loader thread fills the store: it reaches the caller, the
    thread is gone and the cache staged by this load is dropped."""
    root = make_project()
    real, calls = store_module._load_graphs, []

    def interrupted(graphs, store):  # (what the thread loads at once: the first files)
        calls.append(graphs)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load(root, write_cache=True)
    assert not [t for t in threading.enumerate() if t.name == "cppcc-kg-store-loader"]
    assert not (root / ".cache").exists()
