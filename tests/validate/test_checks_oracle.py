"""The evidence and label checks on the store report what the reference checks on an rdflib graph report.

The reference (tests/oracles/validate_checks.py) reads the graph triple by triple, as the checks
were first written; the build's checks (cppcc_kg.validate.evidence, cppcc_kg.validate.labels) read
the project's Oxigraph store with a few SPARQL queries.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from oracles.validate_checks import check_evidence, check_labels
from support import copy_project

from cppcc_kg.project.load import load
from cppcc_kg.validate import where_in
from cppcc_kg.validate.evidence import evidence_problems
from cppcc_kg.validate.labels import label_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fastshacl"


def test_the_evidence_and_label_checks_on_the_store_equal_those_on_the_graph(tmp_path):
    root = copy_project(tmp_path / "p", "bad-evidence")
    for name in ("mutations.ttl", "evidence-mutations.ttl"):
        shutil.copy(FIXTURES / name, root / "graph" / name)
    project = load(root, cache=False)
    where = where_in(project)
    slow = check_evidence(project.graph, project.sources, where=where)
    fast = evidence_problems(project.store, project.sources, where=where)
    assert len(slow) >= 4 and sorted(map(repr, slow)) == sorted(map(repr, fast))
    # each names the file of its annotation's compact triple
    ev = "https://w3id.org/cppcc-kg/id/evidence/"
    by_focus = {p["focus"]: p for p in fast}
    assert by_focus[ev + "tiny-wrong"]["files"] == by_focus[ev + "tiny-outside"]["files"] \
        == by_focus[ev + "elsewhere"]["files"] == ["graph/evidence-mutations.ttl"]
    assert "the quote is '测试市法院'" in by_focus[ev + "tiny-wrong"]["message"]
    assert "the span 70-95 is outside" in by_focus[ev + "tiny-outside"]["message"]
    assert "which is not a cppcc:Source" in by_focus[ev + "elsewhere"]["message"]
    slow = check_labels(project.graph, project.sources, where=where)
    fast = label_problems(project.store, project.sources, where=where, graph=project.view)
    assert len(slow) >= 2 and sorted(map(repr, slow)) == sorted(map(repr, fast))


def test_the_reference_checks_find_a_wrong_quote_and_a_label_in_no_source(make_project):
    project = load(make_project("bad-evidence"), cache=False)
    where = where_in(project)
    assert check_evidence(project.graph, project.sources, where=where) \
        == evidence_problems(project.store, project.sources, where=where) != []
