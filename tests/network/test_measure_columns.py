"""The measures without pandas (``network.metrics.measure_columns``, as the build writes them): the same
table as the DataFrame of ``all_measures`` made as before (one table per measure, merged on the IRI), the
same ``metrics.csv`` and ``metrics.ttl`` bytes as pandas wrote, the same measures for the page; on the
repository's entity graph, on synthetic projects (one of more than ``SMALL_GRAPH`` entities) and on small
graphs."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from support import DictCache, repository_or_synthetic

from cppcc_kg.network import build_entity_graph, centrality
from cppcc_kg.network.centrality import (
    betweenness,
    closeness,
    degree,
    eigenvector,
    pagerank,
)
from cppcc_kg.network.communities import communities
from cppcc_kg.network.frames import (
    BASE_COLUMNS,
    entity_frame,
    round_all,
    round_significant,
    table_csv,
)
from cppcc_kg.network.metrics import (
    MEASURES,
    all_measures,
    kept_measures,
    measure_columns,
    metrics_csv,
    metrics_turtle,
    turtle_number,
    write_metrics,
)
from cppcc_kg.network.projections import shared_projection
from cppcc_kg.network.structure import kcore
from cppcc_kg.project.load import load
from cppcc_kg.viz.payload import measure_table


def merged_measures(G, *, betweenness_k=None, seed=0, community_method="louvain") -> pd.DataFrame:
    """The oracle: ``all_measures`` as it was (each measure's table merged on the IRI, then typed)."""
    with shared_projection():
        parts = [degree(G), betweenness(G, k=betweenness_k, seed=seed), closeness(G, k=betweenness_k, seed=seed),
                 eigenvector(G).drop(columns=["component"]), pagerank(G), kcore(G)]
        comm = communities(G, method=community_method, seed=seed)
    parts.append(comm.drop(columns=["community_size"]))
    df = entity_frame(G).reset_index(drop=True)
    for p in parts:
        df = df.merge(p.drop(columns=list(BASE_COLUMNS[1:])), on="iri", how="left")
    if "in_degree" not in df:
        df["in_degree"] = df["degree"]
        df["out_degree"] = df["degree"]
    df = df[list(BASE_COLUMNS) + list(MEASURES)].sort_values("iri", kind="mergesort").reset_index(drop=True)
    df = df.astype({c: "int64" for c in ("degree", "in_degree", "out_degree", "kcore", "community")})
    df = df.astype({c: "float64" for c in ("betweenness", "closeness", "eigenvector", "pagerank")})
    df.attrs["modularity"] = comm.attrs["modularity"]
    df.attrs["community_method"] = community_method
    return df


@pytest.fixture(scope="module", params=["repository", "synth-3", "synth-25"])
def graph(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    G = build_entity_graph(load(root, cache=False).store)
    if request.param == "synth-25":
        assert len(G) > centrality.SMALL_GRAPH  # scipy's path
    return G


SMALL = [nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")]), nx.path_graph(["p", "q", "r"]),
         nx.MultiDiGraph(), nx.karate_club_graph()]


def _assert_same(df, want):
    pd.testing.assert_frame_equal(df, want, check_exact=True)
    assert df.attrs == want.attrs or (df.attrs.keys() == want.attrs.keys()
                                      and all(df.attrs[k] == want.attrs[k] or df.attrs[k] != df.attrs[k]
                                              for k in df.attrs))  # a NaN modularity


@pytest.mark.parametrize("G", SMALL, ids=["cycle", "path", "empty", "karate"])
def test_all_measures_is_the_merged_table_small(G):
    _assert_same(all_measures(G), merged_measures(G))


def test_all_measures_is_the_merged_table(graph):
    _assert_same(all_measures(graph), merged_measures(graph))
    _assert_same(all_measures(graph, betweenness_k=16, seed=3, community_method="greedy"),
                 merged_measures(graph, betweenness_k=16, seed=3, community_method="greedy"))


def test_files_are_the_bytes_pandas_wrote(graph):
    want = merged_measures(graph)
    columns, attrs = measure_columns(graph)
    assert metrics_csv(columns) == want.to_csv(index=False, lineterminator="\n")
    assert metrics_csv(want) == want.to_csv(index=False, lineterminator="\n")
    assert metrics_turtle(columns) == metrics_turtle(want)
    assert attrs["community_method"] == want.attrs["community_method"]


def test_table_csv_is_pandas_text():
    floats = [0.0, 1e-05, 0.0001, 1 / 3, 2.5e-10, 1e16, 123456789.123, float("inf"), float("nan"), 5e-324]
    columns = {"iri": ["a", 'b "q"', "c,d", "e\nf", "", "g", "h", "i", "j", "k"], "n": list(range(10)),
               "x": floats}
    assert table_csv(columns) == pd.DataFrame(columns).to_csv(index=False, lineterminator="\n")
    assert table_csv({"x": [float("nan"), 1.5]}) == pd.DataFrame({"x": [float("nan"), 1.5]}).to_csv(
        index=False, lineterminator="\n")


def test_the_build_result_gives_the_page_the_same_measures(graph, tmp_path):
    with_frame = write_metrics(None, tmp_path / "a", entity_graph=graph)
    without = write_metrics(None, tmp_path / "b", entity_graph=graph, frame=False)
    assert without["frame"] is None
    for name in ("metrics.csv", "metrics.ttl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    _assert_same(with_frame["frame"], merged_measures(graph, betweenness_k=with_frame["betweenness_k"]))
    assert measure_table(graph, without["measures"]) == measure_table(graph, with_frame["frame"])
    assert list(without["measures"]) == with_frame["frame"]["iri"].tolist()


def test_kept_measures_read_back(graph, tmp_path):
    cache = DictCache()
    first = write_metrics(None, tmp_path / "a", entity_graph=graph, cache=cache, frame=False)
    (raw,) = cache.entries.values()
    _assert_same(kept_measures(graph, raw), merged_measures(graph, betweenness_k=first["betweenness_k"]))
    again = write_metrics(None, tmp_path / "b", entity_graph=graph, cache=cache, frame=False)
    assert again["kept"] and again["measures"] == first["measures"]
    for name in ("metrics.csv", "metrics.ttl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_table_csv_of_columns_pandas_makes_floats():
    # a column of ints with floats or None is float64 to pandas: its ints are written as floats
    for column in ([1, 2.5], [1, None], [2**60, 0.5, None], [None, 3]):
        want = pd.DataFrame({"x": column, "s": ["a"] * len(column)}).to_csv(index=False, lineterminator="\n")
        assert table_csv({"x": column, "s": ["a"] * len(column)}) == want, column


@pytest.mark.parametrize("column", [pd.array([1, None], dtype="Int64"), pd.array(["a", None], dtype="string"),
                                    pd.Series([0.1, 1.5], dtype="float32"), pd.Series(["a", float("nan")])])
def test_metrics_csv_of_a_frame_is_what_pandas_writes(column):
    # a DataFrame given (pandas is there already): its own text, whatever the dtypes of its columns
    df = pd.DataFrame({"iri": ["a", "b"], "x": column})
    assert metrics_csv(df) == df.to_csv(index=False, lineterminator="\n")


def test_metrics_turtle_writes_each_value_by_turtle_number():
    # a column of ints or of floats is written at once; a column with None or NaN value by value: the same text
    iris = ["https://w3id.org/cppcc-kg/id/org/a", "https://w3id.org/cppcc-kg/id/org/b", "https://w3id.org/cppcc-kg/id/org/c"]
    for degrees, ranks in [([1, 2, 2**70], [0.5, 1e-05, 5e-324]), ([1, None, 3], [0.5, float("nan"), None]),
                           ([1, 2, 3], [1.0, 2.0, float("inf")])]:
        text = metrics_turtle({"iri": iris, "degree": degrees, "pagerank": ranks})
        blocks = []
        for iri, d, p in zip(iris, degrees, ranks):
            present = [f"cppcc:degree {turtle_number(d)}"] if d is not None else []
            if p is not None and not math.isnan(p):
                present.append(f"cppcc:pagerank {turtle_number(p)}")
            if present:
                blocks.append(f"<{iri}> " + " ;\n    ".join(present) + " .")
        assert text.split("\n\n", 1)[1] == "\n\n".join(blocks) + "\n", (degrees, ranks)


def test_degree_values_of_the_entity_graph_are_networkx_degrees(graph):
    M = nx.MultiDiGraph(graph)
    M.add_edge("x", "x", key="self")  # a self-loop counts in and out
    M.add_edge("x", "y", key="a")
    M.add_edge("x", "y", key="b")
    for G in (graph, M):
        values = centrality.degree_values(G)
        assert values == {"degree": dict(G.degree()), "in_degree": dict(G.in_degree()),
                          "out_degree": dict(G.out_degree())}


def test_round_all_is_round_significant_of_each_value():
    rng = np.random.default_rng(5)
    floats = np.concatenate([rng.random(2000), rng.random(500) * 1e-12, -rng.random(500) * 1e9, rng.normal(size=500),
                             [0.0, -0.0, 5e-324, 1.7976931348623157e308, 0.123456789049999, 0.12345678905]])
    for values in (floats, floats.tolist(), list(floats), [0.5, float("nan")], [1.0, float("-inf")], [1, 0.5], []):
        want = [round_significant(v) for v in values]
        got = round_all(values)
        assert [type(v) for v in got] == [type(v) for v in want]
        assert np.array_equal(np.array(got, dtype=float), np.array(want, dtype=float), equal_nan=True)
        assert [repr(v) for v in got] == [repr(v) for v in want]
