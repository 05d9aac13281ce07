"""The GraphML writer writes, byte for byte, what networkx writes for the flattened graph."""
from __future__ import annotations

import enum

import networkx as nx
import numpy as np
import pytest
from oracles.graphml_networkx import networkx_graphml_bytes
from support import REPO_ROOT, analysis_graph

from cppcc_kg.network import (
    bipartite_graph,
    build_entity_graph,
    graphml_bytes,
    organization_program_graph,
    shared_rows,
    to_undirected_weighted,
    write_graphml,
)
from cppcc_kg.project.load import load


@pytest.fixture(scope="module")
def fixture_graph():
    return build_entity_graph(analysis_graph())


@pytest.fixture(scope="module")
def real_graph():
    return build_entity_graph(load(REPO_ROOT, cache=False).store)


def odd_graphs():
    G = nx.Graph(name="odd", id="g1", count=np.int64(3), note=None)
    G.add_node("b", weight=np.float64(0.5), flag=True, n=np.int64(2), items={"x": [1, 2]})
    G.add_node("a", text="<&\"'>", empty="")
    G.add_edge("b", "a", weight=2)  # an undirected edge met from its later end first
    G.add_edge("a", "c")
    yield "undirected", G
    M = nx.MultiGraph()
    M.add_edge("z", "y", key="k1", w=1.5)
    M.add_edge("y", "z", key="k0")
    M.add_node("x")
    yield "multi undirected", M
    D = nx.DiGraph([("b", "a"), ("a", "b")])
    yield "directed", D
    yield "empty", nx.MultiDiGraph()
    E = nx.MultiDiGraph()  # names and texts that need escaping (written in bulk: every character replaced)
    tricky = ['a"b&c', "<x>\t\r\ny", "甲 > 乙", "&amp;", ""]
    for i, t in enumerate(tricky):
        E.add_node(f"n{i}{t}", label=t, other=t[::-1])
        E.add_edge(f"n{i}{t}", f"n{(i + 1) % len(tricky)}", key=f"k{t}", note=t)
    yield "escaped", E


def test_the_entity_graphs_are_written_as_networkx_writes_them(fixture_graph, real_graph):
    for G in (fixture_graph, real_graph):
        assert graphml_bytes(G) == networkx_graphml_bytes(G)
        with shared_rows():  # the rows made once for two writers: the same bytes
            assert graphml_bytes(G) == networkx_graphml_bytes(G)
        for P in (to_undirected_weighted(G), organization_program_graph(G)):
            assert graphml_bytes(P) == networkx_graphml_bytes(P)


@pytest.mark.parametrize("name,G", list(odd_graphs()), ids=[n for n, _ in odd_graphs()])
def test_odd_graphs_are_written_as_networkx_writes_them(name, G):
    assert graphml_bytes(G) == networkx_graphml_bytes(G)


def test_a_value_graphml_cannot_hold_is_refused():
    class Level(enum.IntEnum):  # an int, but not a type GraphML (or networkx) knows
        HIGH = 1
    G = nx.Graph()
    G.add_node("a", value=Level.HIGH)
    with pytest.raises(TypeError, match="GraphML does not support"):
        graphml_bytes(G)
    with pytest.raises((TypeError, nx.NetworkXError)):
        networkx_graphml_bytes(G)


def test_write_graphml_writes_the_bytes(fixture_graph, tmp_path):
    B = bipartite_graph(fixture_graph, [], [])
    path = write_graphml(fixture_graph, tmp_path / "g.graphml")
    assert path.read_bytes() == graphml_bytes(fixture_graph)
    assert write_graphml(B, tmp_path / "b.graphml").read_bytes() == networkx_graphml_bytes(B)
