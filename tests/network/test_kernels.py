"""The igraph kernels give networkx's betweenness and closeness."""
from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from oracles import closeness_distances
from support import REPO_ROOT

import cppcc_kg.network as A
from cppcc_kg.network import kernels
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


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
    g, order = kernels.igraph_of(G, nodes)
    assert order == nodes
    for normalized in (True, False):
        ref = nx.betweenness_centrality(G, normalized=normalized)
        got = kernels.betweenness(g, normalized=normalized)
        assert got == pytest.approx([ref[x] for x in nodes], abs=1e-12), normalized
    ref = nx.closeness_centrality(G)
    assert kernels.closeness(g) == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_dependency_sums_with_targets_is_subset_betweenness():
    G = nx.gnp_random_graph(50, 0.08, seed=11)
    nodes = list(G.nodes)
    g, _ = kernels.igraph_of(G, nodes)
    src, dst = [0, 3, 5, 7], [10, 20, 30, 40, 41]
    mask = np.zeros(len(nodes), dtype=bool)
    mask[dst] = True
    ref = nx.betweenness_centrality_subset(G.to_directed(), src, dst, normalized=False)
    assert kernels.dependency_sums(g, np.array(src), mask) == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_sampled_betweenness():
    G = nx.gnp_random_graph(70, 0.07, seed=2)
    nodes = list(G.nodes)
    g, _ = kernels.igraph_of(G, nodes)
    a = kernels.betweenness(g, k=10, seed=4)
    assert np.array_equal(a, kernels.betweenness(g, k=10, seed=4))
    assert not np.array_equal(a, kernels.betweenness(g, k=10, seed=5))
    assert np.array_equal(kernels.betweenness(g, k=70), kernels.betweenness(g))
    if "sampled_nodes" in inspect.signature(nx.algorithms.centrality.betweenness._rescale).parameters:
        # networkx 3.5+ samples list(G) with random.Random(seed) and scales the same way
        ref = nx.betweenness_centrality(G, k=10, seed=4)
        assert a == pytest.approx([ref[x] for x in nodes], abs=1e-12)


def test_sampled_closeness_with_every_node_as_pivot():
    G = nx.gnp_random_graph(80, 0.05, seed=7)  # a large component, small ones and isolates
    g, nodes = kernels.igraph_of(G, list(G.nodes))
    exact = kernels.closeness(g)
    members = max(nx.connected_components(G), key=len)
    giant = len(members)
    big = np.array([x in members for x in nodes])
    # every member of the large component a pivot: the total distance of a node, estimated as
    # (size - 1) / pivots * (sum of its distances to the pivots), is the exact total * (size - 1) / size
    every = kernels.sampled_closeness(g, k=giant, exact_below=giant)
    assert every[big] == pytest.approx(exact[big] * giant / (giant - 1), abs=1e-12)
    assert every[~big] == pytest.approx(exact[~big], abs=1e-12)  # the small components: exact
    est = kernels.sampled_closeness(g, k=8, seed=3, exact_below=giant)
    assert np.array_equal(est, kernels.sampled_closeness(g, k=8, seed=3, exact_below=giant))
    assert np.abs(est - exact).max() < 0.2 and not np.array_equal(est, exact)  # an estimate, near


def test_the_graph_is_simple_and_undirected():
    G = nx.MultiGraph([("a", "b"), ("a", "b"), ("b", "b"), ("b", "c")])
    g, nodes = kernels.igraph_of(nx.Graph(G))
    assert nodes == ["a", "b", "c"]
    assert not g.is_directed() and g.is_simple() and g.ecount() == 2
    E, _ = kernels.igraph_of(nx.Graph())
    assert kernels.betweenness(E).size == 0 and kernels.closeness(E).size == 0


@pytest.fixture(scope="module")
def real_graph():
    """The entity graph of the repository (the real, curated graph)."""
    project = load(Path(__file__).resolve().parents[2], cache=False)
    return A.build_entity_graph(project.store)


def test_the_fast_measures_equal_networkx_on_the_real_graph(real_graph):
    """What the build computes with cppcc_kg.network.kernels (and samples above 10 000 entities) is
    what networkx computes on the same undirected projection, exact and with seeded samples."""
    U = A.simple_graph(real_graph)
    for k in (None, 64):  # 64 < 147 entities: sampled
        got = A.betweenness(real_graph, k=k, seed=0).set_index("iri")["betweenness"]
        ref = nx.betweenness_centrality(U, k=k, seed=0)
        assert len(got) == len(ref) == real_graph.number_of_nodes()
        assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref), k
    got = A.closeness(real_graph).set_index("iri")["closeness"]
    ref = nx.closeness_centrality(U)
    assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref)
    got = A.pagerank(real_graph).set_index("iri")["pagerank"]
    ref = nx.pagerank(U, weight="weight", tol=1e-12, max_iter=10000)  # networkx itself, converged tightly
    assert all(got[n] == pytest.approx(ref[n], abs=1e-9) for n in ref)


IGRAPH_PROBE = """
import sys
from cppcc_kg.network import kernels
if sys.argv[1] == "without":
    kernels.igraph_without_drawing()
ig = kernels.import_igraph()
print(ig.Graph(n=3, edges=[(0, 1), (1, 2)]).betweenness(), "matplotlib" in sys.modules)
import matplotlib.pyplot as plt  # imported as usual afterwards
from igraph.drawing import shapes
print(plt.Axes.__name__, hasattr(shapes.plt, "Axes"))
"""


@pytest.mark.parametrize("mode,matplotlib,drawing", [("with", True, True), ("without", False, False)])
def test_igraph_without_drawing_skips_matplotlib(mode, matplotlib, drawing):
    # the build's command asks for igraph without matplotlib; the library imports igraph as it is
    out = subprocess.run([sys.executable, "-c", IGRAPH_PROBE, mode], capture_output=True, text=True, check=True,
                         cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT))).stdout.split("\n")
    assert out[0] == f"[0.0, 1.0, 0.0] {matplotlib}"
    assert out[1] == f"Axes {drawing}"


def test_build_command_imports_igraph_without_matplotlib(tmp_path):
    script = ("import sys\nfrom click.testing import CliRunner\nfrom cppcc_kg.cli.build import command\n"
              "from cppcc_kg.project.synth import write_corpus\n"
              f"write_corpus({str(tmp_path)!r}, scale=1)\n"
              f"r = CliRunner().invoke(command, ['--root', {str(tmp_path)!r}, '--quiet'])\n"
              "print(r.exit_code, 'igraph' in sys.modules, 'matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT))).stdout
    assert out.split("\n")[-2] == "0 True False"


def test_pivot_distance_sums_are_igraphs_distances_summed():
    for seed, (n, p) in enumerate([(300, 0.01), (500, 0.004), (120, 0.05)]):  # components, isolates
        G = nx.gnp_random_graph(n, p, seed=seed)
        g, _ = kernels.igraph_of(G, list(G.nodes))
        for size in (1, 3, 64, 65, 119, n):  # one word of bits, several, every vertex
            pivots = sorted(np.random.default_rng(size).choice(n, size=size, replace=False).tolist())
            D = np.asarray(g.distances(source=pivots), dtype=float)
            want = np.where(np.isinf(D), 0, D).sum(axis=0)  # a pivot that does not reach a vertex adds nothing
            got = kernels.pivot_distance_sums(g, pivots)
            assert got.dtype == np.int64 and np.array_equal(got, want), (seed, size)
    E, _ = kernels.igraph_of(nx.empty_graph(3))
    assert kernels.pivot_distance_sums(E, [1]).tolist() == [0, 0, 0]
    assert kernels.pivot_distance_sums(E, []).tolist() == [0, 0, 0]


def sampled_graphs(real_graph, tmp_path_factory):
    yield "real", A.simple_graph(real_graph)
    root = tmp_path_factory.mktemp("synth-closeness")
    write_corpus(root, scale=10, seed=0)
    yield "synthetic-10", A.simple_graph(A.build_entity_graph(load(root, cache=False).store))
    for t in range(4):  # two large components, small ones, isolates
        G = nx.disjoint_union(nx.powerlaw_cluster_graph(300 + 40 * t, 2, 0.2, seed=t),
                              nx.gnp_random_graph(200, 0.015, seed=t))
        yield f"random-{t}", G


def test_sampled_closeness_equals_the_distance_matrix_oracle(real_graph, tmp_path_factory):
    """The bit-parallel search gives the floats that igraph's matrix of distances gave, bit for bit."""
    for name, U in sampled_graphs(real_graph, tmp_path_factory):
        g, _ = kernels.igraph_of(U)
        for k, seed, below in [(8, 0, 20), (64, 1, 50), (256, 0, 100), (70, 3, 10)]:
            want = closeness_distances.sampled_closeness(g, k=k, seed=seed, exact_below=below)
            got = kernels.sampled_closeness(g, k=k, seed=seed, exact_below=below)
            assert got.tobytes() == want.tobytes(), (name, k, seed, below)
