"""Ctrl-C: every command exits with code 130 and one line, never a traceback or half an output.

The build is made to wait at a chosen point (a stage, or after the command ended) on a named
pipe that nobody writes, and the test sends SIGINT to its process group, as a terminal does.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES
from cppcc_kg.cli import main
from cppcc_kg.cli.common import INTERRUPTED
from cppcc_kg.errors import EXIT_INTERRUPTED

FAST_STAGES = [s for s in STAGES if not s.optional]

DRIVER = '''
import atexit, sys
from pathlib import Path
import cppcc_kg.build.pipeline as pipeline
from cppcc_kg.build.stages import STAGES, Stage
ready, gate, where = sys.argv[1:4]

def wait(*args):
    Path(ready).write_text("ready")
    open(gate).read()  # a named pipe nobody writes: blocks until the signal

if where == "stage":
    pipeline.STAGES = [s for s in STAGES if not s.optional] + [Stage("wait", wait)]
else:
    atexit.register(wait)  # after the command ended: the interpreter is exiting
from cppcc_kg.cli import main
sys.argv = ["cppcc-kg", *sys.argv[4:]]
main()
'''


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _interrupt(tmp_path: Path, where: str, *args: str) -> subprocess.CompletedProcess:
    driver, ready, gate = tmp_path / "driver.py", tmp_path / "ready", tmp_path / "gate"
    driver.write_text(DRIVER, encoding="utf-8")
    os.mkfifo(gate)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.Popen([sys.executable, str(driver), str(ready), str(gate), where, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never reached the waiting point"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # the whole group, as Ctrl-C in a terminal
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_during_a_build_exits_130_and_leaves_the_build_as_it_was(make_project, tmp_path):
    root = make_project()
    build(root, root / "build", stages=FAST_STAGES)
    before = snapshot(root / "build")
    listing = sorted(p.name for p in root.iterdir())
    done = _interrupt(tmp_path, "stage", "build", "--root", str(root), "--no-cache")
    assert done.returncode == EXIT_INTERRUPTED, done.stderr
    assert done.stderr.splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr and "Process " not in done.stderr
    assert done.stdout == ""
    assert snapshot(root / "build") == before
    assert sorted(p.name for p in root.iterdir()) == listing  # no temporary folder left


def test_ctrl_c_after_the_command_ended_exits_130_without_a_traceback(make_project, tmp_path):
    root = make_project()
    done = _interrupt(tmp_path, "atexit", "build", "--root", str(root))
    assert done.returncode == EXIT_INTERRUPTED, done.stderr
    assert done.stderr.splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.stdout.startswith("built ")  # what was printed before stays


@pytest.mark.parametrize("name", ["analyze", "visualize"])
def test_ctrl_c_in_any_command_is_exit_130(name, monkeypatch, tmp_path):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt
    if name == "analyze":
        monkeypatch.setattr("cppcc_kg.cli.analyze.load_rdf", stop)
        args = ["analyze", "--graph", str(tmp_path / "any.ttl")]
    else:
        monkeypatch.setattr("cppcc_kg.cli.visualize.write_html", stop)
        args = ["visualize", str(REPO_ROOT / "tests" / "fixtures" / "visualize" / "small.ttl"),
                "--ontology", str(REPO_ROOT / "ontology.ttl"), "-o", str(tmp_path / "p.html")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == EXIT_INTERRUPTED, r.output
    assert r.output.splitlines()[-1] == INTERRUPTED and "Aborted" not in r.output
