"""The measures of the page (cppcc_kg.viz.payload.measure_table) from a DataFrame: a column at a
time, the values that the row-by-row reading gave before (issue 15)."""
from __future__ import annotations

import math
import numbers

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from support import REPO_ROOT

from cppcc_kg.network import all_measures, build_entity_graph
from cppcc_kg.project.load import load
from cppcc_kg.viz.payload import measure_table


def rows_oracle(df: pd.DataFrame) -> dict[str, dict]:
    """The implementation before issue 15: each record of ``to_dict("records")``, value by value."""
    table = {}
    for r in df.to_dict("records"):
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
