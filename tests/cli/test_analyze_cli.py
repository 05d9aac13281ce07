"""``cppcc-kg analyze``: it never changes a build, and it checks what it is given before printing."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import analysis_graph

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES
from cppcc_kg.cli.analyze import command

FAST_STAGES = [s for s in STAGES if not s.optional]


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def merged_ttl(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "graph.ttl"
    analysis_graph().serialize(path, format="turtle")
    return path


def test_analyze_with_other_options_leaves_the_build_as_built(make_project):
    """The build's metrics are listed in summary.json and drawn in graph.html: analyze with another
    seed or method must not rewrite them (it wrote build/metrics.* before)."""
    root = make_project()
    build(root, root / "build", stages=FAST_STAGES)
    before = snapshot(root / "build")
    runner = CliRunner()
    r = runner.invoke(command, ["--root", str(root), "--seed", "7", "--communities", "greedy", "--top", "2"])
    assert r.exit_code == 0, r.output
    assert "top 2 by pagerank" in r.output and "wrote" not in r.output
    r = runner.invoke(command, ["--root", str(root), "--seed", "7", "--out", str(root / "build")])
    assert r.exit_code == 2, r.output
    assert "is in a build folder" in r.output and "top " not in r.output  # refused before anything is printed
    assert snapshot(root / "build") == before


def test_analyze_refuses_any_build_folder_and_writes_elsewhere(make_project, tmp_path):
    root = make_project()
    other = tmp_path / "elsewhere"
    build(root, other, stages=FAST_STAGES)
    before = snapshot(other)
    r = CliRunner().invoke(command, ["--root", str(root), "--out", str(other)])
    assert r.exit_code == 2 and "is in a build folder" in r.output and snapshot(other) == before
    r = CliRunner().invoke(command, ["--root", str(root), "--out", str(other / "sub")])  # below a build
    assert r.exit_code == 2 and "is in a build folder" in r.output and snapshot(other) == before
    for inputs in ("graph", "sources"):  # a metrics.ttl there would be loaded as curated data
        files = snapshot(root / inputs)
        r = CliRunner().invoke(command, ["--root", str(root), "--out", str(root / inputs)])
        assert r.exit_code == 2 and "which the build reads" in r.output, r.output
        assert snapshot(root / inputs) == files
    r = CliRunner().invoke(command, ["--root", str(root), "--out", str(root / "build")])
    assert r.exit_code == 2 and not (root / "build").exists()  # the build's own folder, even before a build
    r = CliRunner().invoke(command, ["--root", str(root), "--out", str(tmp_path / "metrics"), "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert {p.name for p in (tmp_path / "metrics").iterdir()} == {"metrics.csv", "metrics.ttl"}
    assert f"wrote {tmp_path / 'metrics' / 'metrics.csv'}" in r.output


def test_an_unknown_path_name_fails_before_any_table(merged_ttl, tmp_path):
    r = CliRunner().invoke(command, ["--graph", str(merged_ttl), "--out", str(tmp_path / "o"),
                                     "--path", "甲市政协会", "清河行动"])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error: No entity is named '甲市政协会'"), r.output
    assert "did you mean" in r.output and "==" not in r.output and "entity graph:" not in r.output
    assert not (tmp_path / "o").exists()
