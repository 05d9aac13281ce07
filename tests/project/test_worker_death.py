"""A worker process that dies (the out-of-memory killer's SIGKILL) stops ``cppcc-kg build`` with a clean error
(``workers.WorkerDied``: the step, the signal, what to do; exit code 3, no traceback) instead of hanging it:
the output folder is left as it was and no process is left behind. Each worker kills itself at its first job
(a function of this module, monkeypatched before the fork: the forked worker runs it, never this process),
so nothing depends on timing; ``multiprocessing.Pool`` waited forever for the job of the dead worker."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cppcc_kg.build.rdf_files as rdf_files
import cppcc_kg.project.files as files
import cppcc_kg.project.pinyin as pinyin
import cppcc_kg.project.workers as workers
from cppcc_kg.build.pipeline import build
from cppcc_kg.cli import main
from support import children_of

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="no fork here")

#: this test's process: the functions below kill any other (a worker forked from it)
PARENT = os.getpid()


def _die_in_a_worker() -> None:
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)


def parse_and_die(folder, rel):  # files.check_file_into
    _die_in_a_worker()
    raise AssertionError("parsed in the test's process")


def pinyin_and_die(key):  # pinyin._pinyin_of_key
    _die_in_a_worker()
    return "pinyin of the test's process"


def bodies_and_die(item):  # rdf_files._bodies_of
    _die_in_a_worker()
    raise AssertionError("made in the test's process")


def _children() -> set[int]:
    """The processes whose parent is this one (zombies too: a child not waited for)."""
    return children_of(os.getpid())


@pytest.fixture
def built_once(make_project, monkeypatch):
    """A project built once (its output folder's files and their bytes), then two worker processes for
    every step, however few the files and labels."""
    root = make_project()
    build(root, root / "build")
    before = {p.relative_to(root): p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    for module in (workers, files, pinyin):
        monkeypatch.setattr(module, "worker_count", lambda: 2)
    monkeypatch.setattr(files, "PARALLEL_MIN_FILES", 1)
    return root, before


def _build_dies(root: Path, before: dict, *steps: str) -> None:
    """A clean build of *root* stops with the death of a worker (in one of *steps*), its output as *before*."""
    children = _children()
    r = CliRunner().invoke(main, ["build", "--root", str(root), "--no-cache", "--quiet"])
    assert r.exit_code == 3, r.output
    assert any(f"{step}: a worker process died (killed by signal 9, SIGKILL); the command stopped" in r.output
               for step in steps), r.output
    assert "out-of-memory" in r.output and "Traceback" not in r.output
    assert {p.relative_to(root): p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()} == before
    assert not [p for p in root.iterdir() if p.name.startswith(".build.tmp")]
    assert not mp.active_children() and _children() <= children
    assert workers.take_helper() is None


def test_a_parse_worker_killed(built_once, monkeypatch):
    monkeypatch.setattr(files, "check_file_into", parse_and_die)
    monkeypatch.setattr(files, "check_file", lambda rel: parse_and_die(None, rel))
    _build_dies(*built_once, "parsing the files")


def test_the_helper_killed_computing_the_pinyin(built_once, monkeypatch):
    monkeypatch.setattr(pinyin, "_pinyin_of_key", pinyin_and_die)
    # the pinyin's job tells it (under the helper's step, as the bodies' would)
    _build_dies(*built_once, workers.PINYIN_STEP, workers.HELPER_STEP)


def test_the_helper_killed_making_the_bodies(built_once, monkeypatch):
    monkeypatch.setattr(rdf_files, "_bodies_of", bodies_and_die)
    # (a clean build gives the helper the bodies before the pinyin: the pinyin's job, waited for first, tells it,
    # as the helper's step)
    _build_dies(*built_once, workers.HELPER_STEP)


def test_a_worker_that_exits_is_told_by_its_exit_code():
    with workers.fork_pool(2, step="squaring") as pool:
        with pytest.raises(workers.WorkerDied) as died:
            pool.map(os._exit, [5] * 8)
    assert died.value.exitcode == 5 and died.value.exit_code == 3
    assert str(died.value).startswith("squaring: a worker process died (exit code 5); the command stopped")
    with pytest.raises(workers.WorkerDied):  # the pool is dead: no more jobs
        pool.apply(abs, (-1,))
    assert not mp.active_children()


def test_a_helper_not_taken_is_stopped_as_the_process_exits():
    """An error before the load takes the helper: the process exits at once, not once the helper's
    initializer has ended (this one never does; the executor's own exit hook would wait for it)."""
    code = ("import threading, sys\n"
            "from cppcc_kg.project import workers\n"
            "workers.worker_count = lambda: 2\n"
            "workers.start_helper(threading.Event().wait)\n"
            "sys.exit(7)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(workers.__file__).parents[2])}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 7


def write_half_and_die(x):
    """In a worker: take the lock of the results (the executor's ``_process_worker`` holds them), write the
    start of a result of 1 MiB, and die holding it."""
    if os.getpid() != PARENT:
        frame = sys._getframe()
        while frame.f_code.co_name != "_process_worker":
            frame = frame.f_back
        results = frame.f_locals["result_queue"]
        results._wlock.acquire()
        os.write(results._writer.fileno(), struct.pack("!i", 2**20) + b"x" * 100)
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def test_a_worker_killed_writing_a_result():
    """The executor's thread reads the half-written result, and the other worker waits for the lock the dead one
    held: the other is killed too (the pool's watch), the read ends and the pool fails."""
    with workers.fork_pool(2, step="writing") as pool:
        with pytest.raises(workers.WorkerDied) as died:
            pool.map(write_half_and_die, range(8))
    assert died.value.exitcode == -signal.SIGKILL
    assert not mp.active_children()
