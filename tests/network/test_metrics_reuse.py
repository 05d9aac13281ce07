"""The measures kept by the structure of the entity graph (``network.metrics.structure_digest``): a graph
whose nodes and edges are those of an earlier one (a label edited) takes the earlier measures, and the
table and files are those computed afresh; any change of a node, an edge or an option changes the key."""
from __future__ import annotations

import copy

import networkx as nx
import pandas as pd
import pytest
from support import DictCache, repository_or_synthetic

from cppcc_kg.network import build_entity_graph
from cppcc_kg.network.metrics import (
    all_measures,
    kept_measures,
    structure_digest,
    write_metrics,
)
from cppcc_kg.project.load import load


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def graph(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return build_entity_graph(load(root, cache=False).store)


def relabelled(G):
    """*G* with every English label and Chinese label changed: the same structure."""
    H = copy.deepcopy(G)
    for n, d in H.nodes(data=True):
        d["label_en"] = f"{d.get('label_en', '')} (edited)"
        d["label_zh"] = f"{d.get('label_zh', '')}改"
    return H


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame):
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.attrs == want.attrs or (got.attrs.keys() == want.attrs.keys() and all(
        got.attrs[k] == want.attrs[k] or (got.attrs[k] != got.attrs[k] and want.attrs[k] != want.attrs[k])
        for k in got.attrs))


def test_the_measures_kept_are_those_computed_afresh(graph, tmp_path):
    G = graph
    H = relabelled(G)
    assert structure_digest(G, seed=0) == structure_digest(H, seed=0)
    cache = DictCache()
    first = write_metrics(None, tmp_path / "a", entity_graph=G, cache=cache, code="c")
    assert first["kept"] is False and len(cache.entries) == 1
    second = write_metrics(None, tmp_path / "b", entity_graph=H, cache=cache, code="c")
    assert second["kept"] is True
    fresh = write_metrics(None, tmp_path / "c", entity_graph=H)
    assert_same_table(second["frame"], fresh["frame"])
    assert_same_table(second["frame"], all_measures(H, betweenness_k=second["betweenness_k"]))
    for name in ("metrics.csv", "metrics.ttl"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()
    assert (tmp_path / "a" / "metrics.csv").read_bytes() != (tmp_path / "b" / "metrics.csv").read_bytes()
    # other code: not kept
    assert write_metrics(None, tmp_path / "d", entity_graph=H, cache=cache, code="other")["kept"] is False


def test_any_change_of_structure_or_options_changes_the_key(graph):
    G = graph
    base = structure_digest(G, seed=0)
    u, v, k = next(iter(G.edges(keys=True)))
    changes = []
    H = copy.deepcopy(G); H.remove_edge(u, v, key=k); changes.append(H)
    H = copy.deepcopy(G); H.add_edge(u, v, key="another"); changes.append(H)
    H = copy.deepcopy(G); H.add_node("https://example.org/new"); changes.append(H)
    H = copy.deepcopy(G); H.add_edge(v, u, key=k); changes.append(H)
    H = nx.MultiDiGraph(); H.add_nodes_from(reversed(list(G.nodes(data=True)))); H.add_edges_from(G.edges(keys=True))
    changes.append(H)  # the same nodes in another order: Louvain's order differs
    assert len({base, *(structure_digest(H, seed=0) for H in changes)}) == len(changes) + 1
    assert structure_digest(G, seed=1) != base != structure_digest(G, seed=0, betweenness_k=5)


def test_a_table_of_other_entities_is_not_taken(graph, tmp_path):
    G = graph
    cache = DictCache()
    df = write_metrics(None, tmp_path, entity_graph=G, cache=cache, code="")["frame"]
    (raw,) = cache.entries.values()
    H = copy.deepcopy(G)
    H.remove_node(next(iter(G.nodes)))
    assert kept_measures(H, raw) is None
    assert kept_measures(G, b"not json") is None
    assert_same_table(kept_measures(G, raw), df)


def test_a_disabled_cache_makes_no_digest(graph, tmp_path, monkeypatch):
    """A clean build (``--no-cache``: the loader's cache disabled) neither reads nor keeps measures: the digest of
    the structure is not made (0.15 s at scale 1000), the files are those made without a cache."""
    from cppcc_kg.network import metrics
    from cppcc_kg.project.cache import Cache

    plain = write_metrics(None, tmp_path / "plain", entity_graph=graph, frame=False)
    monkeypatch.setattr(metrics, "structure_digest", lambda *a, **k: pytest.fail("digest made"))
    got = write_metrics(None, tmp_path / "off", entity_graph=graph, frame=False,
                        cache=Cache(tmp_path / "root", enabled=False))
    for name in ("metrics.csv", "metrics.ttl"):
        assert (tmp_path / "off" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    assert got["measures"] == plain["measures"] and not got["kept"]
