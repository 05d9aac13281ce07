"""The data rules with GRAPH (which add the triples that several files share to the store for their time)
run in the validation thread once no stage reads the store any more: beside the graph files."""
from __future__ import annotations

import threading

import pytest

from cppcc_kg.build import validation as validation_module
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES, Stage
from cppcc_kg.errors import StageError

#: an annotation of the minimal project (its quote, a compact triple, is written again in another file)
ANNOTATION = "<https://w3id.org/cppcc-kg/id/evidence/tiny/0-5>"


@pytest.fixture()
def shared(make_project):
    """A valid project with a triple that two files hold (the store keeps it once)."""
    root = make_project()
    (root / "graph" / "again.ttl").write_text(
        f'@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n{ANNOTATION} cppcc:quoteExact "测试市政协" .\n',
        encoding="utf-8")
    return root


def _watch(monkeypatch, done: list) -> list:
    """Record, when the rules with GRAPH start, the thread and the stages done by then."""
    seen = []
    original = validation_module.validate_graph_rules

    def watched(project, report):
        seen.append((threading.current_thread().name, list(done)))
        return original(project, report)
    monkeypatch.setattr(validation_module, "validate_graph_rules", watched)
    return seen


def test_they_run_in_the_validation_thread_after_the_stages_that_read_the_store(shared, tmp_path, monkeypatch):
    done: list = []
    seen = _watch(monkeypatch, done)

    def reader(ctx):
        assert len(ctx.project) > 0  # reads the store
        done.append("reader")

    def writer(ctx):
        done.append("writer")
    result = build(shared, tmp_path / "out", stages=[Stage("reader", reader), Stage("writer", writer, reads_store=False)])
    assert result["report"]["conforms"] and "rules" in result["report"]["counts"]
    assert len(seen) == 1 and seen[0][0] == "cppcc-kg-validate" and "reader" in seen[0][1]


def test_with_the_default_stages_they_wait_for_every_stage_but_the_graph_files(shared, tmp_path, monkeypatch):
    done: list = []
    seen = _watch(monkeypatch, done)
    stages = [Stage(s.name, (lambda run, name: lambda ctx: (run(ctx), done.append(name))[0])(s.run, s.name),
                    optional=s.optional, before_pinyin=s.before_pinyin, reads_store=s.reads_store) for s in STAGES]
    build(shared, tmp_path / "out", stages=stages)
    assert [s.name for s in STAGES if not s.reads_store] == ["graph"]
    assert len(seen) == 1 and seen[0][0] == "cppcc-kg-validate"
    assert set(seen[0][1]) >= {"entities", "metrics", "html"}


def test_a_failing_stage_ends_the_build_without_waiting_for_them(shared, tmp_path, monkeypatch):
    seen = _watch(monkeypatch, [])

    def boom(ctx):
        raise RuntimeError("a bug")
    with pytest.raises(StageError):
        build(shared, tmp_path / "out", stages=[Stage("boom", boom)])
    assert len(seen) <= 1 and not (tmp_path / "out").exists()
