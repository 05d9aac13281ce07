"""``cppcc-kg build --notebooks``: each notebook executed on the build into build/notebooks/NAME.html,
readable offline, the same bytes for the same inputs, listed in summary.json; the default build
runs no notebook."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.build.notebooks import write_notebook_pages
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import NOTEBOOKS, STAGES
from cppcc_kg.cli import main
from cppcc_kg.errors import StageError

NAMES = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("*.py"))
#: an element that loads what its src/href names (the brief's offline check, independent of the library's)
LOADS = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^\"'\s>]*)",
                   re.IGNORECASE)

#: a figure drawn by the notebook, inline
PNG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,')


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The repository built twice with --notebooks, into two folders (different temporary names)."""
    outs = []
    for name in ("one", "two"):
        out = tmp_path_factory.mktemp(name) / "build"
        result = CliRunner().invoke(main, ["build", "--root", str(REPO_ROOT), "--out", str(out), "--notebooks", "-q"])
        assert result.exit_code == 0, result.output
        outs.append(out)
    return outs[0], outs[1]


def test_the_pages_are_outputs_of_the_build(two_builds):
    out = two_builds[0]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["stages"]["notebooks"] == "ok"
    pages = sorted(p.relative_to(out).as_posix() for p in (out / "notebooks").iterdir())
    assert pages == [f"notebooks/{n}.html" for n in NAMES]
    for page in pages:
        assert summary["outputs"][page]["bytes"] == (out / page).stat().st_size
    assert "notebooks/centrality.html" in (out / "summary.txt").read_text(encoding="utf-8")


def test_same_inputs_same_bytes(two_builds):
    one, two = two_builds
    for name in NAMES:
        assert (one / "notebooks" / f"{name}.html").read_bytes() == (two / "notebooks" / f"{name}.html").read_bytes(), name


@pytest.mark.parametrize("name", NAMES)
def test_pages_load_nothing_from_the_network(two_builds, name):
    html = (two_builds[0] / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
    assert LOADS.findall(html) == []
    text = re.sub(r"data:[^\"']*", "", html)  # the figures' base64 may spell anything
    assert not re.search(r"cdnjs|jsdelivr|unpkg|googleapis|mathjax|require(?:\.min)?\.js", text, re.IGNORECASE)
    assert str(two_builds[0].parent) not in html  # nor where it was built
    assert "<script" not in html.lower() or all("src=" not in s for s in re.findall(r"<script[^>]*>", html))


def test_the_pages_hold_the_executed_tables_and_plots(two_builds):
    out = two_builds[0]
    centrality = (out / "notebooks" / "centrality.html").read_text(encoding="utf-8")
    assert len(PNG.findall(centrality)) >= 3  # heatmap, top-15 panels, communities
    assert "In\xa0[1]:" in centrality and "In\xa0[0]:" not in centrality  # the setup cell is not shown
    assert '<table border="1" class="dataframe' in centrality
    # the table of measures shows the build's own first entity by PageRank, its value as pandas prints it
    metrics = pd.read_csv(out / "metrics.csv", keep_default_na=False)
    lead = metrics.sort_values(["pagerank", "iri"], ascending=[False, True]).iloc[0]
    assert f"<td>{lead['label_zh']}</td>" in centrality and f"<td>{lead['pagerank']:.6f}</td>" in centrality
    sparql = (out / "notebooks" / "sparql.html").read_text(encoding="utf-8")
    assert PNG.search(sparql) and '<table border="1" class="dataframe' in sparql
    assert "Traceback" not in centrality + sparql and "Error" not in re.sub(r"<style.*?</style>", "", sparql, flags=re.DOTALL)


def test_the_default_build_runs_no_notebook(built):
    assert not (built / "notebooks").exists()
    assert "notebooks" not in json.loads((built / "summary.json").read_text(encoding="utf-8"))["stages"]
    assert NOTEBOOKS not in STAGES


def test_a_failing_notebook_fails_the_build_and_leaves_it(two_builds, tmp_path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "broken.py").write_text("# %%\nx = 1\n\n# %%\n1 / 0\n", encoding="utf-8")
    with pytest.raises(StageError) as err:
        write_notebook_pages(tmp_path / "nb", two_builds[0], tmp_path / "pages")
    assert "broken.py: cell 2 (1 / 0) failed: ZeroDivisionError: division by zero" in str(err.value)
    assert err.value.exit_code == 3 and not list((tmp_path / "pages").glob("*.html"))


def test_a_root_without_notebooks_is_refused(tmp_path, make_project):
    root = make_project()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out), "--notebooks", "-q"])
    assert result.exit_code == 2, result.output
    assert "no notebook" in result.output and not out.exists()
    assert build(root, out)["stages"].keys() == {s.name for s in STAGES}  # without the flag it builds
