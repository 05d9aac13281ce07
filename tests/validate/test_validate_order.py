"""The order of the validation (cppcc_kg.validate.run): what needs no store first, the store read only where a
check reads it; the report is that of a validation without the cache."""
from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_kg.project.load import Project, load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.validate import validate, validate_graph_rules

EDITED = "graph/synth-0001/entities.ttl"


@pytest.fixture()
def root(tmp_path) -> Path:
    root = tmp_path / "p"
    write_corpus(root, scale=2, seed=0)
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    assert validate(project)["conforms"]
    project.save_cache()
    project.close()
    return root


def _logged(monkeypatch, log: list) -> None:
    """Note "store" in *log* at each read of a project's store."""
    original = Project.store

    def store(project):
        log.append("store")
        return original.fget(project)

    monkeypatch.setattr(Project, "store", property(store))


def _label_edited(root: Path) -> Project:
    """The project *root* with an English label of :data:`EDITED` edited, loaded with its store beside."""
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace('synth-0001-0"@en', 'synth-0001-0 (edited)"@en', 1),
                    encoding="utf-8")
    project = load(root, cache=True, write_cache=True, store_beside=True)
    project.finish_pinyin()
    return project


def _comparable(report: dict) -> dict:
    return {k: report[k] for k in ("conforms", "problems", "counts", "rules", "shacl_engine")}


def test_a_label_edit_reads_no_store(root, monkeypatch):
    """An English label edited: the evidence, the labels, SHACL (its lookups from the files' lines) and the rules
    (those that read labels read the Chinese ones only) keep or tell their verdicts without the store."""
    project = _label_edited(root)
    log: list = []
    with monkeypatch.context() as m:
        _logged(m, log)
        report = validate(project, progress=log.append)
    assert log == ["evidence", "rules", "labels", "shacl"], log  # (no "store": it was not read)
    assert list(report["seconds"]) == ["evidence", "labels", "shacl", "rules"]
    assert report["store_read"]["at"] is None and report["shacl_restricted"].get("focus")
    assert report["rules_run"] == [] and report["rules_kept"]
    # the rules with GRAPH left for later: told without the store too
    log.clear()
    with monkeypatch.context() as m:
        _logged(m, log)
        later = validate_graph_rules(project, validate(project, graph_rules=False))
    assert log == [] and later["rules_run"] == [] and _comparable(later) == _comparable(report)
    project.discard_cache()
    uncached = validate(project)
    project.close()
    project = load(root, cache=False)
    assert _comparable(report) == _comparable(validate(project)) == _comparable(uncached)
    project.close()


def test_a_broken_file_gives_the_report_of_a_validation_without_the_cache(root):
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8") + '\n<https://w3id.org/cppcc-kg/id/org/synth-0001-cppcc> '
                    '<http://www.w3.org/2000/01/rdf-schema#label> "不在文中的名"@zh .\n', encoding="utf-8")
    project = load(root, cache=True, write_cache=True, store_beside=True)
    project.finish_pinyin()
    report = validate(project)
    project.discard_cache()
    project.close()
    assert not report["conforms"]
    project = load(root, cache=False)
    assert _comparable(report) == _comparable(validate(project))
    project.close()


def test_the_rules_with_graph_left_for_later_are_told_before_the_store_too(root, monkeypatch):
    project = _label_edited(root)
    log: list = []
    with monkeypatch.context() as m:
        _logged(m, log)
        report = validate(project, graph_rules=False, progress=log.append)
    assert log == ["evidence", "rules", "labels", "shacl"], log  # (an English label: no store)
    _verdicts, later, kept = report["rules_later"]
    assert [r[0] for r in later] == ["rules/entity-defined-in-several-files.rq", "rules/pinyin-written-by-hand.rq"]
    assert kept == [r[0] for r in later]  # (the pinyin rule reads no generated pinyin: it is told without the store)
    validate_graph_rules(project, report)
    assert {r[0] for r in later} <= set(report["rules_kept"])
    project.discard_cache()
    project.close()
    project = load(root, cache=False)
    assert _comparable(report) == _comparable(validate(project))
    project.close()
