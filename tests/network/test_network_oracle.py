"""The fast measures (igraph, the integer Louvain, one adjacency matrix) equal networkx's, value for value.

The oracle (``tests/oracles/network_networkx.py``) is the networkx code they replaced; the
graphs are the real graph, synthetic projects (scale 2 and 10) and random graphs.
"""
from __future__ import annotations

import random

import networkx as nx
import pandas as pd
import pytest
from oracles import network_networkx as oracle
from support import REPO_ROOT

from cppcc_kg.network import (
    build_entity_graph,
    communities,
    eigenvector,
    kcore,
    to_undirected_weighted,
)
from cppcc_kg.network import louvain as port
from cppcc_kg.network.centrality import _principal_eigenvector
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


def random_graphs():
    rng = random.Random(3)
    for t in range(12):
        G = nx.powerlaw_cluster_graph(rng.randint(20, 600), rng.randint(1, 3), rng.random() * 0.5, seed=t)
        G = nx.relabel_nodes(G, lambda x: f"n{x:04d}")
        for u, v in G.edges:
            G[u][v]["weight"] = rng.randint(1, 4)
        G.add_nodes_from(["z-isolated", "y-isolated"])
        G.add_edge("p1", "p2", weight=2)  # a second component
        yield f"random-{t}", G


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    out = {"real": build_entity_graph(load(REPO_ROOT, cache=False).store)}
    for scale in (2, 10):
        root = tmp_path_factory.mktemp(f"synth{scale}")
        write_corpus(root, scale=scale, seed=0)
        out[f"synthetic-{scale}"] = build_entity_graph(load(root, cache=False).store)
    return out


def test_the_projection_equals_the_oracle(graphs):
    M = nx.MultiDiGraph([("b", "a"), ("a", "b"), ("a", "a"), ("c", "b")])
    M.add_edge("a", "b", key="again")
    for G in [*graphs.values(), M]:
        U, V = to_undirected_weighted(G), oracle.to_undirected_weighted(G)
        assert list(U.nodes(data=True)) == list(V.nodes(data=True))
        assert list(U.edges(data=True)) == list(V.edges(data=True))
        assert {u: list(U[u]) for u in U} == {u: list(V[u]) for u in V}  # the same adjacency order


def test_kcore_and_eigenvector_equal_networkx(graphs):
    for G in [*graphs.values(), *(G for _, G in random_graphs())]:
        pd.testing.assert_frame_equal(kcore(G), oracle.kcore(G), check_exact=True)
        pd.testing.assert_frame_equal(eigenvector(G), oracle.eigenvector(G, _principal_eigenvector), check_exact=True)


@pytest.mark.parametrize("seed,resolution", [(0, 1.0), (1, 1.0), (7, 0.5), (0, 2.0)])
def test_louvain_gives_networkx_partitions_and_modularity(graphs, seed, resolution):
    for G in [*graphs.values(), *(G for _, G in random_graphs())]:
        U = oracle.simple(G)
        parts, q = oracle.louvain(U, seed, resolution)
        assert port.applies(U, "weight", seed)
        mine = port.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
        assert mine == parts  # the same sets in the same order
        assert port.partition_modularity(U, [list(c) for c in mine], resolution=resolution) == q


def test_the_communities_table_equals_networkx(graphs):
    for G in graphs.values():
        df = communities(G, seed=0)
        parts, q = oracle.louvain(oracle.simple(G), 0)
        assert set(df.groupby("community")["iri"].apply(frozenset)) == {frozenset(p) for p in parts}
        assert df.attrs["modularity"] == float(f"{q:.10g}")


def test_other_graphs_go_to_networkx():
    G = nx.Graph([("a", "b", {"weight": 0.5}), ("b", "c", {"weight": 2})])
    assert not port.applies(G, "weight", 0)
    assert not port.applies(nx.DiGraph([("a", "b")]), "weight", 0)
    assert not port.applies(nx.Graph([("a", "b")]), "weight", random.Random(0))
    assert port.applies(nx.Graph([("a", "b")]), "weight", 3)  # no weight: 1
    assert port.louvain_communities(G, seed=2) == nx.community.louvain_communities(G, seed=2)
    assert port.louvain_communities(nx.empty_graph(3), seed=0) == [{0}, {1}, {2}]
