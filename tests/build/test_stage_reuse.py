"""Stage-level reuse: the notebooks stage keeps the pages of the previous build when what the notebooks
read (the outputs before it, notebooks/, queries/, the code) is the same bytes; otherwise it runs."""
from __future__ import annotations

import json
import shutil

import pytest
from support import REPO_ROOT

from cppcc_kg.build import stages as stages_module
from cppcc_kg.build.fingerprint import read_record
from cppcc_kg.build.notebooks import require_notebook_extra
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import NOTEBOOKS, STAGES
from cppcc_kg.errors import KGError

WITH_NOTEBOOKS = [*STAGES, NOTEBOOKS]


class Executed(KGError):
    """Raised by the stand-in of write_notebook_pages: the notebooks would have been executed."""


def _refuse(*args, **kwargs):
    raise Executed("the notebooks would have been executed")


def pages(out):
    return {p.name: p.read_bytes() for p in sorted((out / "notebooks").glob("*.html"))}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    try:
        require_notebook_extra()
    except KGError as exc:
        pytest.fail(str(exc))
    root = tmp_path_factory.mktemp("reuse") / "repo"
    root.mkdir()
    for name in ("ontology.ttl", "sources", "graph", "rules", "notebooks", "queries"):
        src = REPO_ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    result = build(root, stages=WITH_NOTEBOOKS)
    assert result["stages"]["notebooks"] == "ok" and pages(root / "build")
    return root


def test_pages_are_kept_when_what_the_notebooks_read_is_the_same(project, monkeypatch):
    before = pages(project / "build")
    target = min((project / "graph").rglob("*.ttl"))
    target.write_text(target.read_text(encoding="utf-8") + "# a comment: the same triples\n", encoding="utf-8")
    monkeypatch.setattr(stages_module, "write_notebook_pages", _refuse)
    result = build(project, stages=WITH_NOTEBOOKS)
    assert result["up_to_date"] is False and result["reason"].startswith("input graph/")
    assert pages(project / "build") == before
    summary = json.loads((project / "build" / "summary.json").read_text(encoding="utf-8"))
    assert {f"notebooks/{n}" for n in before} <= set(summary["outputs"])
    assert read_record(project / "build")["stages"]["notebooks"]
    assert build(project, stages=WITH_NOTEBOOKS)["up_to_date"] is True  # running them changed no input


def test_pages_are_made_again_when_a_query_or_a_page_changed(project, monkeypatch):
    monkeypatch.setattr(stages_module, "write_notebook_pages", _refuse)
    query = min((project / "queries").glob("*.rq"))
    query.write_text(query.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(Executed):
        build(project, stages=WITH_NOTEBOOKS)
    query.write_text(query.read_text(encoding="utf-8").removesuffix("\n# edited\n"), encoding="utf-8")
    page = min((project / "build" / "notebooks").glob("*.html"))
    page.write_bytes(page.read_bytes() + b"\n")  # a page edited by hand is never copied
    with pytest.raises(Executed):
        build(project, stages=WITH_NOTEBOOKS)


def test_a_default_build_records_no_stage_key(make_project, tmp_path):
    build(make_project(), tmp_path / "out")
    assert "stages" not in read_record(tmp_path / "out")


def _no_measures(*args, **kwargs):
    raise Executed("the measures would have been computed")


def test_measures_are_kept_when_only_a_label_changed(tmp_path, monkeypatch):
    """An English label edited: the entity graph has the same nodes and edges, the measures and the page's
    layout come from the loader's cache (neither computed) and every output is that of a clean build."""
    from cppcc_kg.network import metrics as metrics_module
    from cppcc_kg.project.synth import write_corpus
    from cppcc_kg.viz import layout as layout_module

    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    target = root / "graph" / "synth-0002" / "entities.ttl"
    text = target.read_text(encoding="utf-8")
    start = text.index('"@en') if '"@en' in text else -1
    assert start > 0
    target.write_text(text[:start] + " (edited)" + text[start:], encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(metrics_module, "all_measures", _no_measures)
        m.setattr(layout_module, "_fruchterman_reingold", _no_measures)  # the page's layout is kept too
        edited = build(root)
    assert edited["stages"]["metrics"] == "ok"
    clean = build(root, tmp_path / "clean", cache=False)
    names = sorted(p.name for p in (root / "build").iterdir() if p.is_file() and p.name != ".cppcc-kg-build")
    assert "metrics.csv" in names
    for name in names:
        assert (root / "build" / name).read_bytes() == (clean["out"] / name).read_bytes(), name
    assert "(edited)" in (root / "build" / "metrics.csv").read_text(encoding="utf-8")
