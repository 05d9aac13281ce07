"""The entity files in pieces (``build.entity_pieces``): made whole they are the GraphML and CSV of the
graph; patched after some nodes' and edges' attributes changed, they are the files made whole again."""
from __future__ import annotations

import copy

import networkx as nx
import pytest
from support import repository_or_synthetic

from cppcc_kg.build.entity_pieces import csv_text, patched_files, whole_files
from cppcc_kg.network import build_entity_graph, edge_rows, node_rows
from cppcc_kg.network.graphml import graphml_bytes
from cppcc_kg.project.load import load


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def graph(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return build_entity_graph(load(root, cache=False).store)


def _files(G) -> list[bytes]:
    """The entity files as the build wrote them before they were made in pieces."""
    cols, rows, _ = node_rows(G)
    iri, label = cols.index("iri"), cols.index("label_en")
    return [graphml_bytes(G), csv_text(["Id", "Label", *cols], [[r[iri], r[label], *r] for r in rows]).encode(),
            csv_text(*edge_rows(G)).encode()]


def _bytes(texts) -> list[bytes]:
    return [t.encode() if isinstance(t, str) else bytes(t) for t in texts]


def test_the_whole_files_are_the_graphml_and_csv(graph):
    texts, kept = whole_files(graph)
    assert kept is not None and _bytes(texts) == _files(graph)
    for text, ends in zip(kept.texts, kept.ends):
        assert ends[-1] == len(text)
    assert len(kept.ends[0]) == 2 + graph.number_of_nodes() + graph.number_of_edges()


def test_patched_files_are_the_whole_files_of_the_changed_graph(graph):
    _, kept = whole_files(graph)
    G = copy.deepcopy(graph)
    nodes = sorted(G.nodes)
    changed = {nodes[0], nodes[len(nodes) // 2], nodes[-1]}
    for n in changed:
        G.nodes[n]["label_en"] = G.nodes[n]["label_en"] + ' "edited" & <more>\nline'
        G.nodes[n]["aliases"] = ["x"]
    edges = list(G.edges(keys=True))
    for e in (edges[0], edges[-1]):
        G.edges[e]["evidence"] = []
        G.edges[e]["label_en"] = "a, b"
        changed.add(e)
    texts, again = patched_files(G, kept, changed)
    assert _bytes(texts) == _files(G)
    # and patched again from the patched pieces
    G.nodes[nodes[1]]["comment"] = "again"
    texts, _ = patched_files(G, again, {nodes[1]})
    assert _bytes(texts) == _files(G)
    assert patched_files(G, kept, set()) is not None  # nothing changed since *kept*: nodes[1] differs...
    assert _bytes(patched_files(G, kept, set())[0]) != _files(G)  # ...so the changes must be told


@pytest.mark.parametrize("change", ["number", "new attribute", "missing attribute", "graph attribute"])
def test_a_change_that_needs_other_keys_or_columns_is_made_whole(graph, change):
    _, kept = whole_files(graph)
    G = copy.deepcopy(graph)
    n = min(G.nodes)
    if change == "number":
        G.nodes[n]["date"] = 2020
    elif change == "new attribute":
        G.nodes[n]["extra"] = "x"
    elif change == "missing attribute":
        del G.nodes[n]["date"]
    else:
        G.graph["name"] = "other"
    assert patched_files(G, kept, {n}) is None
    texts, _ = whole_files(G)
    assert _bytes(texts) == _files(G)


def test_a_graph_not_all_text_has_no_pieces():
    G = nx.MultiDiGraph()
    G.add_node("a", iri="a", label_en="A", weight=1.5)
    G.add_node("b", iri="b", label_en="B", weight=2)
    G.add_edge("a", "b", key="k")
    texts, kept = whole_files(G)
    assert kept is None and _bytes(texts) == _files(G)


def test_without_pieces_the_same_files(graph):
    texts, kept = whole_files(graph, pieces=False)
    assert kept is None and _bytes(texts) == _files(graph)
