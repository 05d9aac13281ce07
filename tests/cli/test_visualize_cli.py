"""``cppcc-kg visualize``: what it prints is what the page shows."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.cli import main

FIX = REPO_ROOT / "tests" / "fixtures" / "visualize"
DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


def _run(tmp_path, *args):
    out = tmp_path / "page.html"
    res = CliRunner().invoke(main, ["visualize", str(FIX / "small.ttl"), "-o", str(out),
                                    "--ontology", str(REPO_ROOT / "ontology.ttl"), *args])
    assert res.exit_code == 0, res.output
    data = json.loads(DATA.findall(out.read_text(encoding="utf-8"))[0])
    return res.output, data


@pytest.mark.parametrize("view", [["--around", "0"], ["--max-nodes", "3"]], ids=["around", "top"])
def test_the_counts_printed_are_those_of_the_page(tmp_path, view):
    full_output, full = _run(tmp_path)
    total = (len(full["nodes"]), len(full["edges"]))
    assert f"({total[0]} entities, {total[1]} relations)" in full_output
    if view[0] == "--around":  # the entity with most relations
        degree = {i: 0 for i in range(len(full["nodes"]))}
        for e in full["edges"]:
            degree[e["f"]] += 1
            degree[e["t"]] += 1
        view = ["--around", full["nodes"][max(degree, key=degree.get)]["iri"]]
    output, data = _run(tmp_path, *view)
    shown = (len(data["nodes"]), len(data["edges"]))
    assert shown[0] < total[0]
    assert f"({shown[0]} entities, {shown[1]} relations: " in output, output
    assert f"; the graph has {total[0]} entities and {total[1]} relations)" in output, output


def test_a_page_is_never_written_into_a_build(tmp_path):
    """The build's graph.html has its digest in summary.json: visualize must not replace it."""
    build = tmp_path / "build"
    build.mkdir()
    res = CliRunner().invoke(main, ["build", "--root", str(REPO_ROOT), "--out", str(build), "--quiet"])
    assert res.exit_code == 0, res.output
    before = (build / "graph.html").read_bytes()
    res = CliRunner().invoke(main, ["visualize", str(build / "graph.trig"), "-o", str(build / "graph.html"),
                                    "--around", "内蒙古自治区政协", "--sources-root", str(REPO_ROOT)])
    assert res.exit_code == 2, res.output
    assert "is in the build folder" in res.output and "-o" in res.output
    assert (build / "graph.html").read_bytes() == before
    (build / "sub").mkdir()  # nor below it: the next build replaces the whole folder
    res = CliRunner().invoke(main, ["visualize", str(build / "graph.trig"), "-o", str(build / "sub" / "x.html")])
    assert res.exit_code == 2 and "is in the build folder" in res.output, res.output
    assert not (build / "sub" / "x.html").exists()
