"""Quality of ingest on annotated texts (see bench/eval_ingest.py): recall and precision floors."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph

from cppcc_kg.ingest.pipeline import Ingester
from cppcc_kg.project.load import load_project

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "ingest"
SHARED = Path(__file__).resolve().parents[3] / "shared"


# ---------------------------------------------------------------- quality on the development texts

@pytest.mark.skipif(not (SHARED / "ingest-dev" / "gold.json").exists(),
                    reason="../shared/ingest-dev (development texts with gold annotation) is not present")
def test_quality_on_development_texts():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import eval_ingest
    finally:
        sys.path.pop(0)
    result = eval_ingest.eval_dev(Ingester(load_project(REPO)), dev=SHARED / "ingest-dev")
    assert result["all"]["recall"] >= 0.85, result["all"]
    assert result["all"]["precision"] >= 0.80, result["all"]


@pytest.mark.parametrize("folder", ["unseen", "sealed", "final", "fresh"])
def test_quality_on_texts_written_for_the_tests(folder):
    """The synthetic texts of tests/fixtures/ingest/{unseen,sealed,final,fresh} with their gold (see their gold.json)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import eval_ingest
    finally:
        sys.path.pop(0)
    g = Graph()
    g.parse(REPO / "ontology.ttl")
    g.parse(FIX / "graph.ttl")
    result = eval_ingest.eval_gold(Ingester(g), FIX / folder)
    assert result["all"]["recall"] >= 0.85, result["all"]
    assert result["all"]["precision"] >= 0.80, result["all"]
