"""``nodes.csv`` and ``edges.csv`` are written by the csv module: the bytes pandas writes."""
from __future__ import annotations

import pandas as pd
import pytest
from support import REPO_ROOT

from cppcc_kg.build.entity_files import csv_text
from cppcc_kg.network import build_entity_graph, edges_frame, nodes_frame
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


def pandas_csv(cols, rows) -> str:
    return pd.DataFrame(rows, columns=cols).to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_the_entity_tables_are_the_csv_pandas_writes(which, tmp_path):
    root = REPO_ROOT
    if which == "synthetic":
        write_corpus(tmp_path / "s", scale=3, seed=0)
        root = tmp_path / "s"
    G = build_entity_graph(load(root, cache=False).store)
    for df in (nodes_frame(G), edges_frame(G)):
        cols, rows = list(df.columns), df.values.tolist()
        assert csv_text(cols, rows) == pandas_csv(cols, rows)


def test_awkward_text_and_other_values():
    cols = ["a", "b", "c"]
    rows = [['say "hi"', "x,y", "two\nlines"], ["", " lead", "cr\rhere"], ["", "", ""], ["é中", "'", "\t"]]
    assert csv_text(cols, rows) == pandas_csv(cols, rows)
    assert csv_text(["only"], [[""], ["x"]]) == pandas_csv(["only"], [[""], ["x"]])
    mixed = [["x", 1, 2.5], ["y", None, True]]  # not all text: pandas writes it
    assert csv_text(cols, mixed) == pandas_csv(cols, mixed)
    assert csv_text(cols, []) == pandas_csv(cols, [])
