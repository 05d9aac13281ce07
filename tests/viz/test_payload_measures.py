"""The measures of the page (cppcc_kg.viz.payload.measure_table) from a DataFrame: a column at a
time, the values that the row-by-row reading gave before (issue 15)."""
from __future__ import annotations

import math
import numbers

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from support import REPO_ROOT, repository_or_synthetic

from cppcc_kg.network import all_measures, build_entity_graph
from cppcc_kg.network.metrics import write_metrics
from cppcc_kg.project.load import load
from cppcc_kg.viz.payload import measure_table


def rows_oracle(df: pd.DataFrame | list) -> dict[str, dict]:
    """The implementation before issue 15: each record of ``to_dict("records")`` (or of a list of records),
    value by value."""
    table = {}
    for r in (df if isinstance(df, list) else df.to_dict("records")):
        vals = {}
        for k, v in r.items():
            if k in ("iri", "label_zh", "label_en", "class") or isinstance(v, (bool, str)) or v is None:
                continue
            if isinstance(v, numbers.Integral):
                vals[str(k)] = int(v)
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(f):
                vals[str(k)] = f
        table[str(r.get("iri"))] = vals
    return table


def same(a: dict, b: dict) -> bool:
    """Equal tables, values of the same type (an int stays an int), keys in the same order."""
    return list(a) == list(b) and all(
        list(a[k].items()) == list(b[k].items()) and [type(x) for x in a[k].values()] == [type(x) for x in b[k].values()]
        for k in a)


def test_a_frame_of_every_kind_of_column():
    df = pd.DataFrame({
        "iri": ["a", "b", "c", "a"],
        "degree": np.array([1, 2, 3, 4], dtype=np.int64),
        "small": np.array([1, 2, 3, 4], dtype=np.uint8),
        "pagerank": [0.5, float("nan"), float("inf"), -0.0],
        "flag": [True, False, True, False],
        "label_en": ["x", "y", "z", "w"],
        "mixed": [1, "2", None, 2.5],
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "nullable_f": pd.array([1.5, None, 3.0, 4.0], dtype="Float64"),
        "cat": pd.Categorical([1, 2, 1, 2]),
        7: [0.1, 0.2, 0.3, 0.4],
    })
    names, table = measure_table(nx.MultiDiGraph(), df)
    assert same(table, rows_oracle(df))
    assert table["a"]["degree"] == 4 and "pagerank" not in table["b"] and "flag" not in table["a"]
    assert names[:2] == ["degree", "pagerank"]


def test_a_frame_indexed_by_iri_and_the_measures_of_the_repository():
    project = load(REPO_ROOT)
    G = build_entity_graph(project.store)
    df = all_measures(G, betweenness_k=50)
    assert same(measure_table(G, df)[1], rows_oracle(df))
    indexed = df.set_index("iri")
    assert same(measure_table(G, indexed)[1], rows_oracle(df))


@pytest.mark.parametrize("metrics", [{"a": {"pagerank": 0.5, "iri": "b"}}, {}])
def test_a_dict_of_measures(metrics):
    records = pd.DataFrame([{"iri": k, **v} for k, v in metrics.items()])
    assert measure_table(nx.MultiDiGraph(), metrics)[1] == (rows_oracle(records) if metrics else {})


def test_a_dict_of_every_kind_of_value_is_read_as_record_by_record():
    """The build's measures (a dict IRI -> {measure: value}) read with the fast path for plain ints and floats
    (session 9): the values, types and key order of the records ``{"iri": iri, **measures}`` read one by one."""
    metrics = {
        "a": {"degree": 3, "pagerank": 0.25, "nan": float("nan"), "inf": float("-inf"), "neg0": -0.0,
              "flag": True, "np_int": np.int64(5), "np_float": np.float32(0.5), "np_nan": np.float64("nan"),
              "text": "7", "none": None, "big": 2**70, 7: 1.5, "class": 3, "label_en": 2.0, "label_zh": "x"},
        "b": {"iri": "c", "degree": 1},
        "d": {},
        8: {"kcore": np.uint8(2), "frac": __import__("fractions").Fraction(1, 3), "dec": __import__("decimal").Decimal("2.5")},
    }
    records = [{"iri": k, **v} for k, v in metrics.items()]
    assert same(measure_table(nx.MultiDiGraph(), metrics)[1], rows_oracle(records))


@pytest.mark.parametrize("kind", ["repository", "synthetic"])
def test_the_measures_of_a_build_are_read_as_record_by_record(kind, tmp_path, tmp_path_factory):
    root = repository_or_synthetic(kind, tmp_path_factory)
    G = build_entity_graph(load(root).store)
    metrics = write_metrics(None, tmp_path, entity_graph=G, frame=False)["measures"]
    records = [{"iri": k, **v} for k, v in metrics.items()]
    assert same(measure_table(G, metrics)[1], rows_oracle(records))
