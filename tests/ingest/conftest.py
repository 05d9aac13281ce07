"""Fixtures of the ingest tests: the fixture graph, an ingester over it, the league report ingested, a project root."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from cppcc_kg.ingest.pipeline import Ingester

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(REPO / "ontology.ttl")
    g.parse(FIX / "graph.ttl")
    return g


@pytest.fixture(scope="module")
def ingester(graph) -> Ingester:
    return Ingester(graph)


@pytest.fixture(scope="module")
def league(ingester) -> dict:
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    return ingester.run(text, source_id="league-report", path="tests/fixtures/ingest/league-report.txt")


@pytest.fixture()
def project(tmp_path) -> Path:
    """A project root with the ontology, the fixture graph and its source text."""
    root = tmp_path / "proj"
    (root / "graph").mkdir(parents=True)
    shutil.copy(REPO / "ontology.ttl", root / "ontology.ttl")
    shutil.copy(FIX / "graph.ttl", root / "graph" / "fixture.ttl")
    (root / "tests" / "fixtures" / "ingest").mkdir(parents=True)
    shutil.copy(FIX / "fixture-source.zh.txt", root / "tests" / "fixtures" / "ingest" / "fixture-source.zh.txt")
    (root / "sources").mkdir()
    return root
