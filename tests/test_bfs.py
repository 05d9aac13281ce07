"""The sparse breadth-first kernels give networkx's betweenness and closeness."""
from __future__ import annotations

import inspect

import networkx as nx
import numpy as np
import pytest

from cppcc_kg.network import bfs


def graphs():
    g = nx.gnp_random_graph(60, 0.06, seed=3)  # sparse: several components and isolates
    yield "random", g
    yield "star", nx.star_graph(7)
    yield "path", nx.path_graph(9)
    yield "two cliques", nx.barbell_graph(5, 2)
    yield "grid", nx.grid_2d_graph(4, 5)  # many equal shortest paths
    e = nx.Graph()
    e.add_nodes_from(range(4))
    yield "edgeless", e


@pytest.mark.parametrize("name,G", list(graphs()), ids=[n for n, _ in graphs()])
def test_exact_betweenness_and_closeness_match_networkx(name, G):
    nodes = list(G.nodes)
    A, order = bfs.adjacency(G, nodes)
    assert order == nodes
    for normalized in (True, False):
        ref = nx.betweenness_centrality(G, normalized=normalized)
        got = bfs.betweenness(A, normalized=normalized)
        assert got == pytest.approx([ref[x] for x in nodes], abs=1e-12), normalized
    ref = nx.closeness_centrality(G)
    assert bfs.closeness(A) == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_small_batches_give_the_same_result(monkeypatch):
    G = nx.gnp_random_graph(80, 0.05, seed=5)
    A, nodes = bfs.adjacency(G, list(G.nodes))
    whole = bfs.betweenness(A), bfs.closeness(A)
    monkeypatch.setattr(bfs, "BATCH_CELLS", 80 * 7)  # batches of 7 sources
    assert np.array_equal(bfs.closeness(A), whole[1])
    assert bfs.betweenness(A) == pytest.approx(whole[0], abs=1e-12)


def test_dependency_sums_with_targets_is_subset_betweenness():
    G = nx.gnp_random_graph(50, 0.08, seed=11)
    nodes = list(G.nodes)
    A, _ = bfs.adjacency(G, nodes)
    src, dst = [0, 3, 5, 7], [10, 20, 30, 40, 41]
    mask = np.zeros(len(nodes), dtype=bool)
    mask[dst] = True
    ref = nx.betweenness_centrality_subset(G.to_directed(), src, dst, normalized=False)
    assert bfs.dependency_sums(A, np.array(src), mask) == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_sampled_betweenness():
    G = nx.gnp_random_graph(70, 0.07, seed=2)
    nodes = list(G.nodes)
    A, _ = bfs.adjacency(G, nodes)
    a = bfs.betweenness(A, k=10, seed=4)
    assert np.array_equal(a, bfs.betweenness(A, k=10, seed=4))
    assert not np.array_equal(a, bfs.betweenness(A, k=10, seed=5))
    assert np.array_equal(bfs.betweenness(A, k=70), bfs.betweenness(A))
    if "sampled_nodes" in inspect.signature(nx.algorithms.centrality.betweenness._rescale).parameters:
        # networkx 3.5+ samples list(G) with random.Random(seed) and scales the same way
        ref = nx.betweenness_centrality(G, k=10, seed=4)
        assert a == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_adjacency_is_binary_and_symmetric():
    G = nx.MultiGraph([("a", "b"), ("a", "b"), ("b", "b"), ("b", "c")])
    A, nodes = bfs.adjacency(nx.Graph(G))
    assert nodes == ["a", "b", "c"]
    assert (A != A.T).nnz == 0 and set(A.data) == {1.0} and A.diagonal().sum() == 0
    E, _ = bfs.adjacency(nx.Graph())
    assert bfs.betweenness(E).size == 0 and bfs.closeness(E).size == 0


@pytest.fixture(scope="module")
def real_graph():
    """The entity graph of the repository (the real, curated graph)."""
    from pathlib import Path

    from cppcc_kg.network.fastgraph import entity_graph
    from cppcc_kg.project.load import load
    project = load(Path(__file__).resolve().parents[1], cache=False)
    return entity_graph(project.store, schema_graph=project.view)


def test_the_fast_measures_equal_networkx_on_the_real_graph(real_graph):
    """What the build computes with cppcc_kg.network.bfs (and samples above 10 000 entities) is what
    networkx computes on the same undirected projection, exact and with 256 seeded samples."""
    from cppcc_kg.network import measures as analyze

    U = analyze._simple(real_graph)
    for k in (None, 64):  # 64 < 147 entities: sampled
        got = analyze.betweenness(real_graph, k=k, seed=0).set_index("iri")["betweenness"]
        ref = nx.betweenness_centrality(U, k=k, seed=0)
        assert len(got) == len(ref) == real_graph.number_of_nodes()
        assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref), k
    got = analyze.closeness(real_graph).set_index("iri")["closeness"]
    ref = nx.closeness_centrality(U)
    assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref)
    got = analyze.pagerank(real_graph).set_index("iri")["pagerank"]
    ref = nx.pagerank(U, weight="weight", tol=1e-12, max_iter=10000)  # networkx itself, converged tightly
    assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref)
