"""The build (cppcc_kg.build.pipeline): outputs, exit codes, clean errors, atomic output, determinism."""
from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cppcc_kg.build import outdir as outdir_module
from cppcc_kg.build.outdir import MARKER, MARKER_TEXT, swap_in
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.progress import progress_display
from cppcc_kg.build.stages import STAGES, Stage
from cppcc_kg.cli import main
from cppcc_kg.cli.build import command
from cppcc_kg.errors import KGError, StageError, ValidationError

REPO = Path(__file__).resolve().parents[2]
CORE_OUTPUTS = {"graph.ttl", "graph.nt", "graph.jsonld", "graph.trig", "entities.graphml", "nodes.csv",
                "edges.csv", "summary.json", "summary.txt"}
FAST_STAGES = [s for s in STAGES if not s.optional]


def snapshot(folder: Path) -> dict:
    """Every file under *folder* -> its bytes (and the folder's own listing)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}  # the marker records mtimes and inodes


def previous_build(root: Path) -> Path:
    """A stand-in for the output of an earlier build (it has the build's marker)."""
    out = root / "build"
    out.mkdir()
    (out / MARKER).write_bytes(MARKER_TEXT)
    (out / "summary.json").write_text('{"earlier": true}\n', encoding="utf-8")
    (out / "graph.ttl").write_text("# earlier build\n", encoding="utf-8")
    return out


def run_cli(*args: str):
    return CliRunner().invoke(command, list(args), catch_exceptions=True)


def test_build_writes_every_output(make_project, tmp_path):
    root = make_project()
    result = build(root, tmp_path / "out")
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert CORE_OUTPUTS <= names
    assert result["stages"]["graph"] == result["stages"]["entities"] == "ok"
    for stage in STAGES:
        if result["stages"][stage.name] != "ok":
            assert stage.optional
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary == result["summary"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_default_output_is_root_build(make_project):
    root = make_project()
    result = run_cli("--root", str(root), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert CORE_OUTPUTS <= {p.name for p in (root / "build").iterdir()}


def test_cli_prints_a_short_summary_and_progress(make_project, tmp_path):
    result = run_cli("--root", str(make_project()), "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "entities 3" in result.output and "validation OK" in result.output
    assert "load " in result.output and "validate " in result.output  # progress lines (stderr)


# ---------------------------------------------------------------- bad input: exit code, message, build/ untouched

def _break_missing_source(root: Path) -> None:
    (root / "sources" / "tiny.zh.txt").unlink()


def _break_changed_source(root: Path) -> None:
    path = root / "sources" / "tiny.zh.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("12家", "13家"), encoding="utf-8")


BAD_CASES = {
    "syntax": ("bad-syntax", None, 2, ["graph/broken.ttl:7:1:", "A dot is expected"]),
    "blank-node": ("bad-blank-node", None, 2, ["graph/blank.ttl:6:36:", "blank node"]),
    "shacl": ("bad-shacl", None, 1, ["graph/court.ttl", "kgorg:test-city-court", "测试市法院",
                                     "cppcc:EntityShape", "English (@en)"]),
    "evidence": ("bad-evidence", None, 1, ["graph/wrong-quote.ttl", "tiny/75-78", "'协商会'", "'座谈会'"]),
    "missing-source": (None, _break_missing_source, 2, ["missing source", "sources/tiny.zh.txt does not exist",
                                                        "https://w3id.org/cppcc-kg/id/source/tiny"]),
    "changed-source": (None, _break_changed_source, 2, ["changed source", "sources/tiny.zh.txt has changed",
                                                        "sha256"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_fails_cleanly_and_leaves_build_as_it_was(make_project, case):
    overlay, breaker, code, expected = BAD_CASES[case]
    root = make_project(*([overlay] if overlay else []))
    if breaker:
        breaker(root)
    out = previous_build(root)
    before = snapshot(out)
    listing = sorted(p.name for p in root.iterdir())
    result = run_cli("--root", str(root))
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "Traceback" not in result.output
    assert result.output.count("error: ") == 1
    for text in expected:
        assert text in result.output, (text, result.output)
    assert snapshot(out) == before
    assert sorted(p.name for p in root.iterdir()) == listing  # no temporary folder left behind


def test_a_subprocess_shows_no_traceback(make_project):
    root = make_project("bad-syntax")
    proc = subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: graph/broken.ttl:7:1: ")
    assert "Traceback" not in proc.stderr


def test_refuses_to_replace_a_folder_that_is_not_a_build(make_project, tmp_path):
    root = make_project()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("--root", str(root), "--out", str(precious))
    assert result.exit_code == 2
    assert "not a previous build" in result.output
    assert snapshot(precious) == {"notes.txt": b"keep me"}


def test_refuses_a_folder_that_only_looks_like_a_build(make_project, tmp_path):
    """A summary.json is not enough: only the build's marker says that a folder may be replaced."""
    root = make_project()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text('{"my": "own summary"}\n', encoding="utf-8")
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(mine)
    result = run_cli("--root", str(root), "--out", str(mine), "--quiet")
    assert result.exit_code == 2, result.output
    assert "not a previous build" in result.output and MARKER in result.output
    assert "Traceback" not in result.output
    assert snapshot(mine) == before
    (mine / MARKER).write_text("not the build's words\n", encoding="utf-8")  # a marker of another text
    assert run_cli("--root", str(root), "--out", str(mine), "--quiet").exit_code == 2
    assert (mine / "notes.txt").is_file()


def test_a_build_of_an_earlier_version_without_the_marker_is_replaced(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    build(root, out, stages=FAST_STAGES)
    (out / MARKER).unlink()  # as builds were before the marker
    (out / "review").mkdir()
    (out / "review" / "tiny.html").write_text("<p>review</p>", encoding="utf-8")  # as ingest wrote there
    result = run_cli("--root", str(root), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert (out / MARKER).is_file() and not (out / "review").exists()
    (out / MARKER).unlink()
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # a file that no build wrote
    result = run_cli("--root", str(root), "--out", str(out), "--quiet")
    assert result.exit_code == 2 and (out / "notes.txt").is_file()


def test_a_summary_json_that_the_build_did_not_write_is_not_a_build(make_project, tmp_path):
    """An unmarked folder counts as an earlier build only if its files have the digests its summary records."""
    root = make_project()
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / "summary.json").write_text('{"outputs": {"a.csv": {}}}', encoding="utf-8")
    (forged / "a.csv").write_text("data", encoding="utf-8")
    result = run_cli("--root", str(root), "--out", str(forged), "--quiet")
    assert result.exit_code == 2, result.output
    assert (forged / "a.csv").read_text(encoding="utf-8") == "data"
    out = tmp_path / "out"
    build(root, out, stages=FAST_STAGES)
    (out / MARKER).unlink()
    (out / "graph.nt").write_text("edited by hand", encoding="utf-8")  # no longer what the build wrote
    result = run_cli("--root", str(root), "--out", str(out), "--quiet")
    assert result.exit_code == 2, result.output
    assert (out / "graph.nt").read_text(encoding="utf-8") == "edited by hand"


def test_a_failing_stage_leaves_build_as_it_was(make_project, monkeypatch):
    root = make_project()
    out = previous_build(root)
    before = snapshot(out)

    def boom(ctx):
        (Path(ctx.out) / "partial.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("stage failed")
    with pytest.raises(StageError) as info:
        build(root, out, stages=FAST_STAGES + [Stage("boom", boom)])
    assert "'boom'" in str(info.value) and "RuntimeError: stage failed" in str(info.value)
    assert info.value.exit_code == 3
    assert snapshot(out) == before
    assert not [p for p in root.iterdir() if p.name.startswith(".build")]


def test_successful_build_replaces_the_previous_one(make_project):
    root = make_project()
    out = previous_build(root)
    (out / "stale.txt").write_text("from an earlier build", encoding="utf-8")
    build(root, out, stages=FAST_STAGES)
    names = {p.name for p in out.iterdir()}
    assert "stale.txt" not in names and CORE_OUTPUTS <= names
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["entities"] == 3


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_in(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(outdir_module, "_exchange", lambda a, b: False)
    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir()
    (new / "a").write_text("new", encoding="utf-8")
    out.mkdir()
    (out / "b").write_text("old", encoding="utf-8")
    swap_in(new, out)
    assert snapshot(out) == {"a": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# ---------------------------------------------------------------- stages

def _needs_a_missing_module(ctx):
    importlib.import_module("cppcc_kg_plugin_not_written_yet")


def test_optional_stage_is_skipped_when_its_module_is_missing(make_project, tmp_path):
    stages = FAST_STAGES + [Stage("later", _needs_a_missing_module, optional=True)]
    result = build(make_project(), tmp_path / "out", stages=stages)
    assert result["stages"]["later"].startswith("skipped")
    assert result["summary"]["stages"]["later"].startswith("skipped")


def test_required_stage_with_a_missing_module_is_an_error(make_project, tmp_path):
    with pytest.raises(KGError) as info:
        build(make_project(), tmp_path / "out", stages=[Stage("needed", _needs_a_missing_module)])
    assert "cppcc_kg_plugin_not_written_yet is missing" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_stage_gets_what_it_asks_for(make_project, tmp_path, monkeypatch):
    seen = {}

    def stage(ctx):
        seen.update(graph=ctx.graph, out_dir=ctx.out, project=ctx.project, entity_graph=ctx.entity_graph,
                    root=ctx.root, report=ctx.report)
        (Path(ctx.out) / "extra.txt").write_text("extra", encoding="utf-8")
    root = make_project()
    result = build(root, tmp_path / "out", stages=[Stage("probe", stage)])
    assert seen["project"].view is seen["graph"]  # the rdflib view of the project's store
    assert seen["entity_graph"].number_of_nodes() == 3
    assert seen["root"] == root and seen["report"]["conforms"]
    assert result["summary"]["outputs"]["extra.txt"]["bytes"] == 5


def test_subcommand_is_registered():
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0 and "--root" in result.output and "Exit codes" in result.output


# ---------------------------------------------------------------- the real repository

def test_built_repository_has_every_output(built):
    names = {p.name for p in built.iterdir()}
    assert CORE_OUTPUTS <= names
    summary = json.loads((built / "summary.json").read_text(encoding="utf-8"))
    assert summary["validation"]["conforms"] and summary["entities"] > 0 and summary["evidence"] > 0
    assert set(summary["outputs"]) == names - {"summary.json", "summary.txt", MARKER}
    assert (built / MARKER).read_bytes().startswith(MARKER_TEXT)  # then the build's record (fingerprint)


def _build_in_subprocess(out: Path, seed: str, script: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.Popen([sys.executable, *script, "--root", str(REPO), "--out", str(out), "--quiet"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_outputs_are_byte_identical_across_runs_and_hash_seeds(built, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    procs = [_build_in_subprocess(a, "1", ["-m", "cppcc_kg.cli", "build"]),
             _build_in_subprocess(b, "4242", ["build_graph.py"])]  # and build_graph.py does the same
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    snap_a, snap_b, snap_built = snapshot(a), snapshot(b), snapshot(built)
    assert CORE_OUTPUTS <= set(snap_a)
    assert set(snap_a) == set(snap_b) == set(snap_built)
    for name in snap_a:
        assert snap_a[name] == snap_b[name], name
        assert snap_a[name] == snap_built[name], name


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_only():
    """A log (not a terminal) gets no progress: the summary lines say what was done; a terminal gets a
    bar for a long step (more in test_progress_bars.py)."""
    log = io.StringIO()
    show = progress_display(stream=log, min_seconds=0.0)
    show.begin("load")
    for i in range(401):
        show(i, 400, f"graph/f{i}.ttl")
    show.tick()
    show.end("load")
    show.close()
    assert log.getvalue() == ""
    term = _Terminal()
    show = progress_display(stream=term, min_seconds=0.0)
    show.begin("load")
    show(399, 400, "graph/f399.ttl")
    show.tick()
    show.end("load")
    show.close()
    assert "load" in term.getvalue() and "399/400" in term.getvalue()


def test_build_in_a_pipe_prints_no_progress_lines(tmp_path):
    """`cppcc-kg build 2>log` on the repository: the lines of the summary, no `parsing N/M` lines."""
    proc = subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(REPO),
                           "--out", str(tmp_path / "out"), "--no-cache"],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "parsing" not in proc.stderr and "\r" not in proc.stderr
    assert proc.stderr.startswith("load ") and "validate" in proc.stderr
    assert proc.stdout.startswith("built ")


# ---------------------------------------------------------------- validation beside the output stages

def test_a_stage_failing_on_invalid_data_reports_the_validation_problem(make_project, monkeypatch):
    """Validation runs while the stages write: invalid data is reported as such, not as a stage bug."""
    root = make_project("bad-shacl")
    out = previous_build(root)
    before = snapshot(out)

    def boom(ctx):
        raise RuntimeError("stage failed on the data")
    with pytest.raises(ValidationError) as info:
        build(root, out, stages=[Stage("boom", boom)] + FAST_STAGES)
    assert "kgorg:test-city-court" in str(info.value) or "test-city-court" in str(info.value)
    assert info.value.exit_code == 1
    assert snapshot(out) == before


def test_a_stage_asking_for_the_report_gets_it_after_validation(make_project, tmp_path, monkeypatch):
    seen = {}

    def wants_report(ctx):
        seen.update(ctx.report)
    build(make_project(), tmp_path / "out", stages=[Stage("r", wants_report)])
    assert seen["conforms"] is True and set(seen["counts"]) >= {"evidence", "labels", "shacl", "rules"}


def test_rules_with_graph_see_triples_that_several_files_share(make_project, tmp_path):
    """With a triple in two files the store holds it once; the GRAPH rules (run after the
    outputs, when nothing else reads the store) still see it in both files."""
    root = make_project()
    entities = (root / "graph" / "entities.ttl").read_text(encoding="utf-8")
    head = entities[:entities.index("# A synthetic fixture")]
    (root / "graph" / "again.ttl").write_text(
        head + 'kgorg:test-city-cppcc a cppcc:CPPCCCommittee .\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        build(root, tmp_path / "out")
    message = str(info.value)
    assert "entity-defined-in-several-files" in message and "graph/again.ttl" in message, message
    assert not (tmp_path / "out").exists()


def test_outputs_are_the_same_without_worker_processes(built, tmp_path, monkeypatch):
    """The helper worker (pinyin, Turtle and JSON-LD made beside validation) changes no byte."""
    monkeypatch.setenv("CPPCC_KG_WORKERS", "0")
    result = build(REPO, tmp_path / "out", cache=False)
    assert result["wall"] > 0
    assert snapshot(tmp_path / "out") == snapshot(built)
