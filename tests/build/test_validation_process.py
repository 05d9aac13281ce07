"""The validation of a clean build in a forked process (cppcc_kg.build.validation_process): the same report, the
same errors and exit codes as in a thread; the child really forked, killed when the build stops, always reaped."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cppcc_kg.build import pipeline
from cppcc_kg.build import validation as validation_module
from cppcc_kg.build import validation_process as vp
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES, Stage
from cppcc_kg.build.validation import BackgroundValidation
from cppcc_kg.cli.build import command
from cppcc_kg.errors import KGError, StageError, TurtleSyntaxError, ValidationError
from cppcc_kg.project import pinyin, workers
from cppcc_kg.project.workers import pid_alive
from support import children_of

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the validation forks only where fork exists")

REPO = Path(__file__).resolve().parents[2]
FAST_STAGES = [s for s in STAGES if not s.optional]
GUARD = 60  # seconds: only a guard against a hang, never what a test's result depends on
#: an annotation of the minimal project (its quote, a compact triple, is written again in another file)
ANNOTATION = "<https://w3id.org/cppcc-kg/id/evidence/tiny/0-5>"


class HintedError(KGError):
    """A KGError subclass whose ``__init__`` takes other arguments than its ``args``."""

    def __init__(self, what: str, count: int):
        self.what, self.count = what, count
        super().__init__(f"{count} {what} broken", "mend them")


# ------------------------------------------------------------------ helpers

@pytest.fixture()
def forking(monkeypatch):
    """Where the validation runs: ``forking(True)`` a process wherever the pipeline may fork (and records what
    may_fork said), ``forking(False)`` always a thread (as with CPPCC_KG_WORKERS=0)."""
    said: list[bool] = []
    monkeypatch.setattr(vp, "worker_count", lambda: 2)  # (one CPU, or CPPCC_KG_WORKERS=0 in the environment)

    def choose(process: bool):
        said.clear()

        def may_fork(project, engine):
            said.append(vp.may_fork(project, engine) and process)
            return said[-1]
        monkeypatch.setattr(pipeline, "may_fork", may_fork)
        return said
    return choose


def _record_pid(monkeypatch, path: Path, then=None) -> None:
    """The validation of the process (``vp.validate``) writes its pid into *path*, then runs *then* (default:
    the real validation)."""
    real = vp.validate

    def recorded(project, **kw):
        path.write_text(str(os.getpid()), encoding="ascii")
        return (then or real)(project, **kw)
    monkeypatch.setattr(vp, "validate", recorded)


def _wait_for(path: Path) -> int:
    """The pid written into *path* (waited for, with a guard)."""
    end = time.monotonic() + GUARD
    while not (path.exists() and path.read_text(encoding="ascii")):
        assert time.monotonic() < end, "the child never started its validation"
        time.sleep(0.01)
    return int(path.read_text(encoding="ascii"))


def _assert_reaped(pid: int) -> None:
    """*pid* was a child of this process, has ended and was reaped (no zombie left)."""
    assert pid != os.getpid()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert not pid_alive(pid)


def _forever(project, **kw):
    while True:
        time.sleep(0.05)


def _in_thread(call):
    """``call()`` in a thread, joined with a guard; what it returned or raised."""
    out: dict = {}

    def run():
        try:
            out["value"] = call()
        except BaseException as exc:  # noqa: BLE001 (looked at by the test)
            out["error"] = exc
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(GUARD)
    assert not t.is_alive(), "it hangs"
    return out


def _same_report(report: dict) -> dict:
    """What a report says, without the times."""
    return {k: report[k] for k in ("conforms", "problems", "counts", "rules", "shacl_engine", "rules_run",
                                   "rules_kept", "shacl_restricted")}


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}


def _untimed(text: str) -> str:
    return re.sub(r"\d+(\.\d+)? s\b", "N s", text)


def _shared(root: Path) -> Path:
    """A triple that two files hold: the rules with GRAPH are ``later`` for the pipeline."""
    (root / "graph" / "again.ttl").write_text(
        f'@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n{ANNOTATION} cppcc:quoteExact "测试市政协" .\n',
        encoding="utf-8")
    return root


def _clean_build(root: Path, out: Path, lines: list | None = None, **kw):
    try:
        return build(root, out, stages=FAST_STAGES, cache=False, echo=(lines if lines is not None else []).append,
                     **kw), None
    except KGError as exc:
        return None, exc


# ------------------------------------------------------------------ the same as in a thread

@pytest.mark.parametrize("overlays,shared", [((), False), (("bad-evidence",), False), (("bad-shacl",), False),
                                             ((), True), (("bad-shacl",), True)],
                         ids=["minimal", "bad-evidence", "bad-shacl", "graph-rules-later", "later-bad-shacl"])
def test_a_clean_build_gives_the_same_report_or_error_in_a_process_as_in_a_thread(
        make_project, tmp_path, forking, overlays, shared):
    seen = {}
    for process in (False, True):
        root = make_project(*overlays)
        if shared:
            _shared(root)
        said = forking(process)
        lines: list = []
        result, error = _clean_build(root, tmp_path / f"out-{process}", lines)
        assert said == [process]  # forked (or not) as asked
        validate_line = [_untimed(line) for line in lines if line.startswith("validate")]
        assert len(validate_line) == 1
        if error is None:
            seen[process] = (_same_report(result["report"]), _snapshot(result["out"]), validate_line)
        else:
            assert not (tmp_path / f"out-{process}").exists()
            seen[process] = (type(error), str(error), getattr(error, "problems", None), error.exit_code,
                             validate_line)
    assert seen[True] == seen[False]
    if overlays:
        assert seen[True][0] is ValidationError and seen[True][3] == 1
    else:
        assert seen[True][0]["conforms"]


@pytest.mark.parametrize("overlays,ran", [((), True), (("bad-shacl",), False)], ids=["valid", "bad-shacl"])
def test_the_rules_with_graph_run_later_only_on_data_otherwise_valid_in_both(
        make_project, tmp_path, forking, monkeypatch, overlays, ran):
    """With ``graph_rules="later"`` (a triple two files hold) the thread runs the rules with GRAPH only when the
    other checks passed, once the stages free the store; with a child, this process runs them too, on its store,
    once the child's checks passed: both report the same problems, whatever the rules would find."""
    for process in (False, True):
        marker = tmp_path / f"graph-rules-{process}"
        real = validation_module.validate_graph_rules

        def recorded(project, report, real=real, marker=marker):
            marker.write_text(str(os.getpid()), encoding="ascii")
            return real(project, report)
        monkeypatch.setattr(validation_module, "validate_graph_rules", recorded)
        said = forking(process)
        _clean_build(_shared(make_project(*overlays)), tmp_path / f"out-{process}")
        assert said == [process]
        assert marker.exists() is ran
        if ran:
            assert int(marker.read_text(encoding="ascii")) == os.getpid()


#: a rule with GRAPH that finds the generated pinyin (in its graph ``graph/pinyin``, made by the helper while the
#: checks run): it sees it only if it runs once the pinyin is in the store, as the rules of ``"later"`` do
PINYIN_RULE = """PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
SELECT ?focus ?file WHERE {
  GRAPH ?g { ?focus cppcc:pinyin ?pinyin }
  BIND (STRAFTER(STR(?g), "https://w3id.org/cppcc-kg/graph/") AS ?file)
}
"""


def test_a_rule_of_later_reading_the_pinyin_finds_it_in_a_process_as_in_a_thread(make_project, tmp_path, forking,
                                                                                  monkeypatch):
    """(With the helper worker computing the pinyin beside the checks, so that the child's store has none of it:
    the rule finds it only if it runs in the parent, once the pinyin is in its store.)"""
    for module in (workers, pinyin):
        monkeypatch.setattr(module, "worker_count", lambda: 2)  # (one CPU, or CPPCC_KG_WORKERS=0 in the environment)
    pending = tmp_path / "pending"
    real = vp.validate

    def seen_pending(project, **kw):  # (in the child: told through a file)
        pending.write_text(str(project.pinyin_pending), encoding="ascii")
        return real(project, **kw)
    monkeypatch.setattr(vp, "validate", seen_pending)
    seen = {}
    for process in (False, True):
        root = _shared(make_project())
        (root / "rules" / "pinyin-anywhere.rq").write_text(PINYIN_RULE, encoding="utf-8")
        said = forking(process)
        result, error = _clean_build(root, tmp_path / f"out-{process}")
        assert said == [process]
        seen[process] = (type(error), getattr(error, "problems", None), getattr(error, "exit_code", None))
    assert seen[True] == seen[False]
    assert seen[True][0] is ValidationError and seen[True][2] == 1
    assert any("pinyin-anywhere" in str(p) for p in seen[True][1])
    assert pending.read_text(encoding="ascii") == "True"  # the child's project: its pinyin still being computed


def test_the_cli_exits_the_same_in_a_process_as_in_a_thread(make_project, forking):
    runs = []
    for process in (False, True):
        said = forking(process)
        root = make_project("bad-shacl")
        result = CliRunner().invoke(command, ["--root", str(root), "--no-cache"])
        assert said == [process]
        runs.append((result.exit_code, _untimed(result.output).replace(str(root), "ROOT")))
    assert runs[0] == runs[1] and runs[0][0] == 1 and "EntityShape" in runs[0][1]


def test_cppcc_kg_build_no_cache_in_a_subprocess_exits_1_on_bad_data(make_project):
    """The whole command (its own process, which ends at once): the child's validation fails the build with
    exit code 1, its message on stderr, and the pipes of the caller end (the child keeps none of them open)."""
    root = make_project("bad-evidence")
    proc = subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root), "--no-cache"],
                          capture_output=True, text=True, cwd=REPO, timeout=GUARD * 3,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 1, proc.stderr
    assert "tiny/75-78" in proc.stderr and "Traceback" not in proc.stderr
    assert not (root / "build").exists()


# ------------------------------------------------------------------ where it runs

def test_a_clean_build_validates_in_another_process_which_is_reaped(make_project, tmp_path, forking, monkeypatch):
    said = forking(True)
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file)
    result, error = _clean_build(make_project(), tmp_path / "out")
    assert error is None and result["report"]["conforms"] and said == [True]
    pid = int(pid_file.read_text(encoding="ascii"))
    assert pid != os.getpid()
    _assert_reaped(pid)


def test_a_build_with_the_cache_does_not_fork(make_project, tmp_path, forking, monkeypatch):
    said = forking(True)
    _record_pid(monkeypatch, tmp_path / "pid")  # the process's validation: never called
    threads = []
    real = validation_module.validate
    monkeypatch.setattr(validation_module, "validate",
                        lambda project, **kw: (threads.append((os.getpid(), threading.current_thread().name)),
                                               real(project, **kw))[1])
    result = build(make_project(), tmp_path / "out", stages=FAST_STAGES)
    assert result["report"]["conforms"]
    assert said == [False] and not (tmp_path / "pid").exists()
    assert threads == [(os.getpid(), "cppcc-kg-validate")]


def test_may_fork_only_for_a_loaded_store_without_cache_and_the_fast_engine(monkeypatch):
    class Cache:
        enabled = False

    class Project:
        cache, store_loading = Cache(), False
    monkeypatch.delenv("CPPCC_KG_WORKERS", raising=False)
    monkeypatch.setattr(vp, "worker_count", lambda: 2)
    assert vp.may_fork(Project(), "fast")
    assert not vp.may_fork(Project(), "pyshacl")
    loading = Project()
    loading.store_loading = True
    assert not vp.may_fork(loading, "fast")
    cached = Project()
    cached.cache = type("On", (), {"enabled": True})()
    assert not vp.may_fork(cached, "fast")
    monkeypatch.setattr(vp, "worker_count", lambda: 0)  # CPPCC_KG_WORKERS=0, one CPU, no fork
    assert not vp.may_fork(Project(), "fast")


# ------------------------------------------------------------------ a child that dies, an error in the child

def test_a_child_killed_gives_validation_died_and_leaves_no_zombie(make_project, tmp_path, forking, monkeypatch):
    forking(True)
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=lambda project, **kw: os.kill(os.getpid(), signal.SIGKILL))
    result, error = _clean_build(make_project(), tmp_path / "out")
    assert isinstance(error, vp.ValidationDied), error
    assert "ended without a report (killed by signal 9, SIGKILL)" in error.message
    assert "CPPCC_KG_WORKERS=0" in error.hint and "build again" in error.hint
    assert error.exit_code == 3
    assert not (tmp_path / "out").exists()
    _assert_reaped(int(pid_file.read_text(encoding="ascii")))


def test_an_error_in_the_child_is_raised_by_the_build_with_its_type_message_and_traceback(
        make_project, tmp_path, forking, monkeypatch):
    forking(True)

    def broken(project, **kw):
        raise HintedError("files", 2)
    monkeypatch.setattr(vp, "validate", broken)
    result, error = _clean_build(make_project(), tmp_path / "out")
    assert type(error) is HintedError
    assert (error.message, error.hint, error.what, error.count) == ("2 files broken", "mend them", "files", 2)
    assert str(error) == str(HintedError("files", 2)) and error.exit_code == 2
    note = "\n".join(error.__notes__)
    assert "raised in the validation's process" in note and "in broken" in note and "HintedError" in note


class _Local(Exception):  # (pickled by reference: fine) — the unpicklable one is made in the test
    pass


@pytest.mark.parametrize("error", [
    ValueError("plain"),
    TurtleSyntaxError("graph/x.ttl", 3, 7, "A dot is expected"),
    ValidationError("validation failed: 1 problem(s)", [{"check": "shacl"}], "fix it"),
    FileNotFoundError(2, "No such file or directory", "rules/x.rq"),
    _Local("local", 1),
], ids=lambda e: type(e).__name__)
def test_the_parent_raises_the_childs_error_with_the_same_type_and_message(monkeypatch, error):
    def raising(project, **kw):
        raise error
    monkeypatch.setattr(vp, "validate", raising)
    out = _in_thread(vp.ValidationProcess(None, engine="fast").wait)
    got = out["error"]
    assert type(got) is type(error) and str(got) == str(error) and got.args == error.args
    assert {k: v for k, v in vars(got).items() if k != "__notes__"} == vars(error)
    assert "raised in the validation's process" in got.__notes__[-1] and "in raising" in got.__notes__[-1]


def test_an_error_that_cannot_be_sent_is_said_in_words(monkeypatch):
    class Unpicklable(Exception):  # a local class: pickle cannot name it
        pass

    def raising(project, **kw):
        raise Unpicklable("a local error")
    monkeypatch.setattr(vp, "validate", raising)
    got = _in_thread(vp.ValidationProcess(None, engine="fast").wait)["error"]
    assert type(got) is KGError and str(got) == "Unpicklable: a local error"
    assert "raised in the validation's process" in got.__notes__[-1]


def test_a_report_that_cannot_be_sent_is_a_kgerror_not_a_death(monkeypatch):
    monkeypatch.setattr(vp, "validate", lambda project, **kw: {"store_read": {"at": None}, "conforms": True,
                                                               "what": lambda: None})
    got = _in_thread(vp.ValidationProcess(None, engine="fast").wait)["error"]
    assert type(got) is KGError and "could not send its report" in got.message and "CPPCC_KG_WORKERS=0" in got.hint


# ------------------------------------------------------------------ stopped

def test_stop_kills_a_running_child_and_wait_raises_promptly(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=_forever)
    process = vp.ValidationProcess(None, engine="fast")
    pid = _wait_for(pid_file)
    process.stop()
    got = _in_thread(process.wait)["error"]
    assert isinstance(got, vp.ValidationDied) and "SIGKILL" in got.message
    _assert_reaped(pid)
    process.stop()  # once reaped: nothing to kill (the pid may be another's by now)


def test_join_stops_a_background_validation_in_a_process(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=_forever)
    validation = BackgroundValidation(None, engine="fast", graph_rules=True, say=lambda line: None, process=True)
    pid = _wait_for(pid_file)
    assert _in_thread(validation.join) == {"value": None}
    _assert_reaped(pid)
    assert isinstance(_in_thread(validation.report)["error"], vp.ValidationDied)


def test_the_child_ignores_ctrl_c(tmp_path, monkeypatch):
    pid_file, go = tmp_path / "pid", tmp_path / "go"

    def waiting(project, **kw):
        while not go.exists():
            time.sleep(0.01)
        return {"store_read": {"at": None}, "conforms": True}
    _record_pid(monkeypatch, pid_file, then=waiting)
    process = vp.ValidationProcess(None, engine="fast")
    pid = _wait_for(pid_file)
    os.kill(pid, signal.SIGINT)  # as Ctrl-C sends it to the whole process group
    go.touch()
    out = _in_thread(process.wait)
    assert "error" not in out, out
    assert out["value"][0]["conforms"]
    _assert_reaped(pid)


def test_ctrl_c_in_the_build_kills_the_child(make_project, tmp_path, forking, monkeypatch):
    forking(True)
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=_forever)

    def interrupted(ctx):
        _wait_for(pid_file)
        raise KeyboardInterrupt
    out = _in_thread(lambda: build(make_project(), tmp_path / "out", stages=[Stage("ctrl-c", interrupted)],
                                   cache=False))
    assert isinstance(out.get("error"), KeyboardInterrupt), out
    _assert_reaped(int(pid_file.read_text(encoding="ascii")))
    assert not (tmp_path / "out").exists()


def test_a_failing_output_stage_ends_with_the_stage_error_and_the_child_reaped(
        make_project, tmp_path, forking, monkeypatch):
    forking(True)
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file)

    def boom(ctx):
        _wait_for(pid_file)  # the child is validating
        raise RuntimeError("a bug")
    root = make_project()
    out = _in_thread(lambda: build(root, tmp_path / "out", stages=[Stage("boom", boom)], cache=False))
    assert isinstance(out.get("error"), StageError) and "RuntimeError: a bug" in str(out["error"])
    _assert_reaped(int(pid_file.read_text(encoding="ascii")))
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_no_staging_folder_stops_the_child(make_project, tmp_path, forking, monkeypatch):
    forking(True)
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=_forever)

    def no_folder(out, **kw):
        _wait_for(pid_file)  # the child was forked
        raise PermissionError(13, "Permission denied", str(out))
    monkeypatch.setattr(pipeline, "staging_folder", no_folder)
    out = _in_thread(lambda: build(make_project(), tmp_path / "out", stages=FAST_STAGES, cache=False))
    assert isinstance(out.get("error"), PermissionError), out
    _assert_reaped(int(pid_file.read_text(encoding="ascii")))


def test_a_thread_that_cannot_start_leaves_no_child(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    _record_pid(monkeypatch, pid_file, then=_forever)

    class NoThread(threading.Thread):
        def start(self):
            _wait_for(pid_file)  # the child was forked
            raise RuntimeError("can't start new thread")
    monkeypatch.setattr(validation_module.threading, "Thread", NoThread)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        BackgroundValidation(None, engine="fast", graph_rules=True, say=lambda line: None, process=True)
    _assert_reaped(int(pid_file.read_text(encoding="ascii")))


# ------------------------------------------------------------------ a fork refused, warnings, the parent's death

def test_a_fork_refused_validates_in_the_thread(make_project, tmp_path, forking, monkeypatch):
    """No fork (the system's limit on processes, or the memory): the build validates in its thread instead of
    failing, with the same report."""
    ran = []
    real = validation_module.validate

    def in_thread(project, **kw):
        ran.append(threading.current_thread().name)
        return real(project, **kw)
    monkeypatch.setattr(validation_module, "validate", in_thread)
    forking(False)
    baseline, _ = _clean_build(make_project(), tmp_path / "thread")
    said = forking(True)

    def refused(self, project, **kw):
        raise OSError(12, "Cannot allocate memory")
    monkeypatch.setattr(vp.ValidationProcess, "__init__", refused)
    ran.clear()
    result, error = _clean_build(make_project(), tmp_path / "out")
    assert error is None and said == [True] and ran == ["cppcc-kg-validate"]
    assert _same_report(result["report"]) == _same_report(baseline["report"])


def test_what_the_child_writes_on_stderr_is_seen(make_project, tmp_path, forking, monkeypatch, capfd):
    """The warnings of the checks (rdflib's, of a literal it cannot read) reach the build's standard error, as in
    the thread; its standard output has nothing of the child."""
    forking(True)
    pid_file = tmp_path / "pid"

    def warned(project, **kw):
        print("the child's standard output", flush=True)
        sys.stderr.write("a warning of the child's checks\n")
        return vp_validate(project, **kw)
    vp_validate = vp.validate
    _record_pid(monkeypatch, pid_file, then=warned)
    result, error = _clean_build(make_project(), tmp_path / "out")
    assert error is None and int(pid_file.read_text(encoding="ascii")) != os.getpid()
    out, err = capfd.readouterr()
    assert "a warning of the child's checks" in err and "the child's standard output" not in out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_and_the_workers_die_with_their_parent(make_project, tmp_path):
    """The build's process killed outright (SIGKILL, the out-of-memory killer): neither its validation's process
    nor its helper worker go on alone. (The parse workers have ended by then: ``test_workers_die_with_parent``
    kills a parent whose pool's worker is alive.)"""
    root = make_project()
    pid_file = tmp_path / "child"
    script = (
        "import os, sys, time\n"
        "from cppcc_kg.build import pipeline, validation_process as vp\n"
        "from cppcc_kg.build.pipeline import build\n"
        "from cppcc_kg.project import pinyin, workers\n"
        "for module in (vp, workers, pinyin):\n"
        "    module.worker_count = lambda: 2\n"
        "def forever(project, **kw):\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    while True:\n"
        "        time.sleep(0.05)\n"
        "vp.validate = forever\n"
        f"build({str(root)!r}, {str(tmp_path / 'out')!r}, cache=False)\n")
    env = {k: v for k, v in os.environ.items() if k != "CPPCC_KG_WORKERS"}
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env={**env, "PYTHONPATH": str(REPO)})
    try:
        child = _wait_for(pid_file)
        others = children_of(parent.pid, zombies=False) - {child}
        assert child != parent.pid and pid_alive(child) and others  # (the helper worker)
    finally:
        parent.kill()
        parent.wait(GUARD)
    end = time.monotonic() + GUARD
    try:
        while any(pid_alive(pid) for pid in others | {child}):
            assert time.monotonic() < end, "a process of the build outlived it"
            time.sleep(0.01)
    finally:
        for pid in others | {child}:
            if pid_alive(pid):  # (the test failed: not left running)
                os.kill(pid, signal.SIGKILL)

