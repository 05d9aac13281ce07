"""The worker processes of a command killed outright (SIGKILL, the out-of-memory killer) do not run on alone
(``workers.die_with_parent``: Linux's ``PR_SET_PDEATHSIG``), and a pool started by a thread that then ends keeps
its workers (the kernel's signal follows the thread that forked, so such a pool is not tied to it)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cppcc_kg.project.workers import die_with_parent, find_prctl, fork_pool, pid_alive, worker_count

REPO = Path(__file__).resolve().parents[2]
GUARD = 60  # seconds: only a guard against a hang, never what a test's result depends on

pytestmark = pytest.mark.skipif(not worker_count() or find_prctl() is None,
                                reason="needs worker processes (fork, 2 CPUs) and Linux's prctl")

#: a process that starts a pool of one worker from its main thread, prints the worker's pid, and waits forever
WAITING_PARENT = """
import os, threading
from cppcc_kg.project.workers import fork_pool
pool = fork_pool(1, step="waiting")
print(pool.apply(os.getpid), flush=True)
threading.Event().wait()
"""


def test_a_worker_dies_with_its_parent_killed_outright():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    parent = subprocess.Popen([sys.executable, "-c", WAITING_PARENT], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              text=True)
    try:
        worker = int(parent.stdout.readline())
        assert worker != parent.pid and pid_alive(worker)
    finally:
        parent.kill()
        parent.wait(GUARD)
        parent.stdout.close()
    end = time.monotonic() + GUARD
    try:
        while pid_alive(worker):
            assert time.monotonic() < end, "the worker outlived its killed parent"
            time.sleep(0.01)
    finally:
        if pid_alive(worker):  # (the test failed: not left running)
            os.kill(worker, signal.SIGKILL)


def test_a_pool_started_by_a_thread_that_ends_keeps_its_workers():
    started: list = []

    def start() -> None:
        pool = fork_pool(1, step="the thread's pool")
        started.append((pool, pool.apply(os.getpid), threading.get_native_id()))  # (the worker has started)

    thread = threading.Thread(target=start)
    thread.start()
    thread.join(GUARD)
    pool, worker, tid = started[0]
    end = time.monotonic() + GUARD
    while Path(f"/proc/self/task/{tid}").exists():  # the thread's end, as the kernel sees it (join returns before)
        assert time.monotonic() < end, "the thread never ended"
        time.sleep(0.01)
    with pool:
        assert pool.apply(os.getpid) == worker != os.getpid()
        assert pool.apply(abs, (-2,)) == 2


@pytest.mark.parametrize("told", ["its parent", "another process"])
def test_a_child_whose_parent_is_already_gone_ends_at_once(told):
    """``die_with_parent`` in a child told of a parent that is not its own (as when the parent died before the
    child asked the kernel): the child ends at once, with exit code 1; told of its parent, it goes on."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: whatever happens, it ends here
        try:
            die_with_parent(parent if told == "its parent" else parent + 1_000_000)
            os._exit(0)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == (0 if told == "its parent" else 1)
