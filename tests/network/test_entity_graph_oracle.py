"""The entity graph read from the Oxigraph store is the one the rdflib oracle reads, node by node.

``tests/oracles/entity_graph_rdflib.py`` is the former rdflib implementation (with its own
reading of the ontology); :func:`cppcc_kg.network.build_entity_graph` must give the same
``MultiDiGraph``: same nodes, attributes (and their order), edges, keys and graph attributes,
on the repository, on the fixtures and on a synthetic project. The oracle reads the full form of the evidence
(that of the exports), and is given the project's graph expanded (``oracles/full_form.py``); the builder reads
the project's compact form, and its expansion too: the same graph.
"""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from oracles.entity_graph_rdflib import build_entity_graph as rdflib_entity_graph
from oracles.full_form import full_form_graph, full_form_store
from rdflib import Dataset
from support import REPO_ROOT, analysis_graph, copy_project

from cppcc_kg.network import build_entity_graph
from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.project.files import PINYIN_GRAPH, graph_iri
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import store_of_graph


def _dataset(project) -> Dataset:
    """The project's files (and its pinyin) as the named graphs of an rdflib Dataset."""
    ds = Dataset()
    for rel, triples in project.files.items():
        g = ds.graph(graph_iri(rel))
        for t in triples:
            g.add(t)
    pinyin = ds.graph(PINYIN_GRAPH)
    for t in project.pinyin:
        pinyin.add(t)
    return ds


def assert_same_graph(A, B) -> None:
    assert list(A.nodes) == list(B.nodes)
    for n in A.nodes:
        assert A.nodes[n] == B.nodes[n], n
        assert list(A.nodes[n]) == list(B.nodes[n]), n  # the attributes in the same order
    assert list(A.edges(keys=True, data=True)) == list(B.edges(keys=True, data=True))
    assert A.graph == B.graph


def project_of(which: str, tmp_path):
    if which == "repository":
        return load(REPO_ROOT, cache=False)
    if which.startswith("synthetic"):
        write_corpus(tmp_path / "synth", scale=2 if which == "synthetic-2" else 10, seed=0)
        return load(tmp_path / "synth", cache=False)
    return load(copy_project(tmp_path / "fixture"), cache=False)


@pytest.mark.parametrize("which", ["repository", "synthetic", "synthetic-2", "fixture"])
def test_the_store_builder_equals_the_rdflib_oracle(which, tmp_path):
    project = project_of(which, tmp_path)
    fast = build_entity_graph(project.store)
    assert fast.number_of_nodes() > 0 and fast.number_of_edges() > 0
    assert_same_graph(rdflib_entity_graph(full_form_graph(project.graph)), fast)
    # an rdflib graph, a view of the store and a dataset of named graphs give the same graph
    assert_same_graph(fast, build_entity_graph(project.graph))
    assert_same_graph(fast, build_entity_graph(project.view))
    assert_same_graph(fast, build_entity_graph(_dataset(project)))


def test_the_analysis_fixture_equals_the_rdflib_oracle():
    g = analysis_graph()
    G = build_entity_graph(g)
    assert G.number_of_nodes() > 0 and any(d["observations"] for _, d in G.nodes(data=True))
    assert_same_graph(rdflib_entity_graph(full_form_graph(g)), G)
    assert_same_graph(G, build_entity_graph(store_of_graph(g)))


def test_a_dataset_reads_its_ontology_from_its_named_graphs():
    ds = Dataset()
    g = analysis_graph()
    named = ds.graph("https://e.org/g")
    for t in g:
        named.add(t)
    assert_same_graph(rdflib_entity_graph(full_form_graph(g)), build_entity_graph(ds))


def _count(store: ox.Store, p) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(p)), None, None))


@pytest.mark.parametrize("which", ["repository", "synthetic-2", "fixture"])
def test_the_compact_store_and_its_full_form_give_the_same_graph(which, tmp_path):
    """The build reads the compact form of its store; notebooks and ``analyze --graph`` the full form of the
    exports: the same entity graph, evidence included."""
    store = project_of(which, tmp_path).store
    full = full_form_store(store)
    annotations = _count(store, CPPCC.quoteExact)
    assert annotations and _count(store, OA.hasTarget) == 0  # the compact form, expanded in *full*
    assert _count(full, CPPCC.quoteExact) == 0 and _count(full, OA.hasTarget) == annotations
    compact_graph, full_graph = build_entity_graph(store), build_entity_graph(full)
    evidence = [e for _, d in compact_graph.nodes(data=True) for e in d["evidence"]] + \
        [e for *_, d in compact_graph.edges(data=True) for e in d["evidence"]]
    assert evidence and all(e["exact"] and e["source_title"] and 0 <= e["start"] < e["end"] for e in evidence)
    assert_same_graph(compact_graph, full_graph)


def test_other_data_is_refused():
    with pytest.raises(TypeError, match="pyoxigraph.Store or an rdflib graph"):
        build_entity_graph("graph.ttl")


@pytest.mark.parametrize("which", ["repository", "synthetic-2"])
def test_the_pinyin_read_again_gives_the_graph_made_after_it(which, tmp_path):
    """The build makes the entity graph while the pinyin is computed and reads the attribute again
    once it is in the store (``read_node_attribute``): the graph is the one made after the pinyin."""
    from cppcc_kg.network import read_node_attribute

    root = REPO_ROOT if which == "repository" else tmp_path / "synth"
    if which != "repository":
        write_corpus(root, scale=2, seed=0)
    project = load(root, cache=False, background=True)
    try:
        assert project.pinyin_pending or project.helper is None
        before = build_entity_graph(project.store)
        project.finish_pinyin()
    finally:
        project.close()
    after = build_entity_graph(project.store)
    assert any(d["pinyin"] for _, d in after.nodes(data=True))
    assert [d["pinyin"] for _, d in before.nodes(data=True)] != [d["pinyin"] for _, d in after.nodes(data=True)]
    read_node_attribute(before, project.store, "pinyin")
    assert_same_graph(before, after)
    with pytest.raises(ValueError):
        read_node_attribute(before, project.store, "date_precision")  # read on condition of "date"
