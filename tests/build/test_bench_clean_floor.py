"""bench/bench_clean_floor.py: a run measures the four rows its docstring names, each in a child process that builds
(or validates) the corpus, and the table has a line for each.

The row ``compact evidence (idealized)`` (a copy of the corpus rewritten into a one-node form of the evidence, with
its own queries) is gone: the corpus and the build are in the compact form of the evidence themselves (issue 15).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support import REPO_ROOT

from cppcc_kg.project.synth import write_corpus

sys.path.insert(0, str(REPO_ROOT))
import bench.bench_clean_floor as floor  # noqa: E402
from bench.bench_incremental import CHILD  # noqa: E402

ROWS = ["clean", "validation alone", "no validation", "first build with the cache"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("floor") / "s2"
    write_corpus(root, scale=2, seed=5)
    return root


def test_the_child_without_validation_is_the_bench_child_patched_after_its_imports(monkeypatch):
    head = CHILD[:CHILD.index(floor._ANCHOR)] + floor._ANCHOR
    assert floor.NO_VALIDATION != CHILD and floor.NO_VALIDATION.startswith(head)
    assert "background.validate = recorded_report" in floor.NO_VALIDATION
    monkeypatch.setattr(floor, "CHILD", CHILD.replace(floor._ANCHOR, ""))  # a child without the anchor: refused
    with pytest.raises(SystemExit, match="_ANCHOR"):
        floor._patched("pass\n")


def test_a_run_measures_the_four_rows_and_the_table_shows_them(corpus, tmp_path):
    assert not any(name in vars(floor) for name in ("compact_copy", "compact_queries", "COMPACT", "EDITS"))
    rows = floor.one_run(tmp_path, corpus)
    assert list(rows) == ROWS
    for name, row in rows.items():
        assert row["wall"] > 0 and row["cpu"] > 0 and row["peak_mib"] > 0 and row["seconds"], name
    assert rows["validation alone"]["seconds"]["validate"] > 0 and rows["validation alone"]["validate_cpu"] > 0
    # the same corpus built three ways: the same graph
    assert rows["clean"]["triples"] == rows["no validation"]["triples"] == rows["first build with the cache"]["triples"]
    assert not (tmp_path / "floor-out").exists() and not (corpus / ".cache").exists()
    table = floor.markdown(floor.summarize([rows, rows]), 2)
    assert [line.split(" | ")[0].lstrip("| ") for line in table.splitlines() if line.startswith("| ")
            and not line.startswith("| |")] == ROWS
    assert "compact" not in table
