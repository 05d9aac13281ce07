"""The eigenvector centrality and PageRank of a small graph (``centrality.SMALL_GRAPH`` entities at most)
are computed with NumPy alone, without scipy's sparse matrices: the same floats, to the last bit, as
networkx's ``to_scipy_sparse_array`` and ``pagerank`` (scipy) give, on the repository's entity graph, on
synthetic projects and on graphs with weights, self-loops, isolated and dangling nodes."""
from __future__ import annotations

import math
import random
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from support import repository_or_synthetic

from cppcc_kg.network import build_entity_graph, centrality
from cppcc_kg.network.centrality import eigenvector, pagerank
from cppcc_kg.network.frames import round_significant
from cppcc_kg.network.projections import simple_graph
from cppcc_kg.project.load import load


def _random_graph(seed: int, n: int, m: int, *, loops: bool, floats: bool) -> nx.Graph:
    rnd = random.Random(seed)
    U = nx.Graph()
    U.add_nodes_from(f"n{i:03d}" for i in rnd.sample(range(n), n))  # not in sorted order
    for _ in range(m):
        u, v = rnd.randrange(n), rnd.randrange(n)
        if u != v or loops:
            w = rnd.uniform(0.1, 3.0) if floats else rnd.randint(1, 5)
            U.add_edge(f"n{u:03d}", f"n{v:03d}", weight=w)
    return U


@pytest.fixture(scope="module", params=["repository", "synth-1", "synth-3"])
def projection(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    G = build_entity_graph(load(root, cache=False).store)
    U = simple_graph(G)
    assert 2 < len(U) <= centrality.SMALL_GRAPH
    return G, U


GRAPHS = [_random_graph(s, n, m, loops=loops, floats=floats)
          for s, (n, m, loops, floats) in enumerate([(30, 40, False, False), (60, 50, True, False),
                                                    (80, 200, True, True), (120, 90, False, True),
                                                    (300, 700, True, False)])]


def _networkx_pagerank(U, weight="weight"):
    return nx.pagerank(U, alpha=0.85, weight=weight, tol=1e-12, max_iter=10000)


@pytest.mark.parametrize("weight", ["weight", None])
@pytest.mark.parametrize("U", GRAPHS, ids=[f"random-{i}" for i in range(len(GRAPHS))])
def test_small_pagerank_is_networkx_to_the_bit(U, weight):
    got = centrality._numpy_pagerank(U, alpha=0.85, weight=weight, tol=1e-12, max_iter=10000)
    want = _networkx_pagerank(U, weight)
    assert list(got) == list(want)
    assert all(got[x] == want[x] for x in want), max(abs(got[x] - want[x]) for x in want)


def test_small_pagerank_of_the_projects(projection):
    _, U = projection
    got = centrality._numpy_pagerank(U, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
    want = _networkx_pagerank(U)
    assert got == want and all(got[x] == want[x] for x in want)


def test_pagerank_table_equals_the_networkx_one(projection, monkeypatch):
    G, _ = projection
    small = pagerank(G)
    monkeypatch.setattr(centrality, "_numpy_pagerank", lambda U, **kw: nx.pagerank(U, **kw))  # networkx's, on scipy
    pd.testing.assert_frame_equal(small, pagerank(G), check_exact=True)


#: graphs of more than ``SMALL_GRAPH`` nodes (PageRank with NumPy at every size, session 9): weights of floats
#: (rows of 8 and more entries: summed as scipy sums them), self-loops, isolated nodes
LARGE = [_random_graph(10 + s, n, m, loops=loops, floats=floats)
         for s, (n, m, loops, floats) in enumerate([(900, 6000, True, True), (3000, 2500, False, True),
                                                   (2000, 20000, True, False), (600, 300, False, False)])]


@pytest.mark.parametrize("weight", ["weight", None])
@pytest.mark.parametrize("U", LARGE, ids=[f"large-{i}" for i in range(len(LARGE))])
def test_numpy_pagerank_of_large_graphs_is_networkx_to_the_bit(U, weight):
    assert len(U) > centrality.SMALL_GRAPH
    got = centrality._numpy_pagerank(U, alpha=0.85, weight=weight, tol=1e-12, max_iter=10000)
    want = _networkx_pagerank(U, weight)
    assert list(got) == list(want) and all(got[x] == want[x] for x in want)


def test_numpy_pagerank_of_a_synthetic_project_of_2000_entities(tmp_path_factory):
    U = simple_graph(build_entity_graph(load(repository_or_synthetic("synth-100", tmp_path_factory),
                                             cache=False).store))
    got = centrality._numpy_pagerank(U, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
    want = _networkx_pagerank(U)
    assert len(U) > 2000 and list(got) == list(want) and all(got[x] == want[x] for x in want)


def _eigenvector_oracle(U, weight="weight") -> dict:
    """The eigenvector centrality from networkx's sparse matrix of each component (scipy), as the
    build computed it before: the dense eigensolver on that matrix."""
    n = len(U)
    vals = {}
    for comp in centrality.components(U):
        if len(comp) == 1:
            vals[comp[0]] = 0.0
            continue
        A = nx.to_scipy_sparse_array(U, nodelist=comp, weight=weight, format="csr").toarray()
        w, V = np.linalg.eigh(A)
        x = np.abs(V[:, int(np.argmax(w))])
        x = x / np.linalg.norm(x) * math.sqrt(len(comp) / n)
        vals.update({node: round_significant(v) for node, v in zip(comp, x)})
    return vals


@pytest.mark.parametrize("U", GRAPHS, ids=[f"random-{i}" for i in range(len(GRAPHS))])
def test_dense_adjacency_is_the_sparse_one(U):
    dense, position = centrality._adjacency(U, "weight", dense=True)
    sparse, same = centrality._adjacency(U, "weight")
    assert position == same and dense.dtype == np.float64
    assert np.array_equal(dense, sparse.toarray().astype(float))


@pytest.mark.parametrize("U", GRAPHS, ids=[f"random-{i}" for i in range(len(GRAPHS))])
def test_small_eigenvector_is_the_scipy_one(U):
    got = eigenvector(U).set_index("iri")["eigenvector"].to_dict()
    assert got == _eigenvector_oracle(simple_graph(U))  # the measures' projection: self-loops dropped


def test_eigenvector_of_the_projects(projection):
    G, U = projection
    got = eigenvector(G).set_index("iri")["eigenvector"].to_dict()
    want = {G.nodes[x].get("iri", x): v for x, v in _eigenvector_oracle(U).items()}
    assert got == want


def test_small_measures_import_no_scipy(repo_root):
    # the build of the repository's graph: no scipy at all (its import is a third of such a build)
    code = ("import sys; from cppcc_kg.network import build_entity_graph; from cppcc_kg.project.load import load;"
            "from cppcc_kg.network.metrics import all_measures;"
            f"df = all_measures(build_entity_graph(load({str(repo_root)!r}, cache=False).store));"
            "assert len(df) > 10; print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("U", LARGE, ids=[f"large-{i}" for i in range(len(LARGE))])
def test_components_from_igraph_are_networkx_ones(U):
    """Above ``SMALL_GRAPH`` entities the components come from igraph's copy of the projection (session 9): the
    same lists, in the same order, as from networkx's search."""
    want = sorted([sorted(c, key=str) for c in nx.connected_components(U)], key=lambda c: (-len(c), str(c[0])))
    assert len(U) > centrality.SMALL_GRAPH
    assert centrality.components(U) == want


@pytest.mark.parametrize("n", [2, centrality.SMALL_GRAPH + 100])
def test_numpy_pagerank_without_edges_is_networkx(n):
    U = nx.Graph()
    U.add_nodes_from(f"n{i}" for i in range(n))
    got = centrality._numpy_pagerank(U, alpha=0.85, weight="weight", tol=1e-12, max_iter=10000)
    assert got == _networkx_pagerank(U) and all(type(v) is float for v in got.values())
