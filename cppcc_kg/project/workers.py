"""Worker processes for the loader: how many, and a pool of them.

Parsing many files and computing the pinyin of many labels run in worker processes
started by ``fork`` (they share what the parent has loaded); below
:data:`PARALLEL_MIN_FILES` files or :data:`PARALLEL_MIN_LABELS` labels, none are
started. ``CPPCC_KG_WORKERS=0`` turns them off.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal

#: below this many files (or labels) to do, no worker processes are started
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_LABELS = 4000


def pid_alive(pid: int) -> bool:
    """Whether process *pid* exists on this machine and is not a zombie (one of another user counts).

    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's (PermissionError), or cannot tell: alive
    try:  # an orphan whose parent does not reap it stays as a zombie: gone all the same
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def worker_count() -> int:
    """Worker processes for parsing and pinyin: the CPUs, when ``fork`` is available (0: none)."""
    n = os.cpu_count() or 1
    if n < 2 or "fork" not in mp.get_all_start_methods() or os.environ.get("CPPCC_KG_WORKERS") == "0":
        return 0
    return n


def _start_worker(initializer=None) -> None:
    # Ctrl-C reaches the whole process group: it is for the parent, which stops its workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


#: the helper worker started before the build's imports (:func:`start_helper`), until the loader takes it
_HELPER: list = []


def start_helper(initializer=None) -> None:
    """Start the loader's helper worker now (:func:`fork_pool` of one, running *initializer*), before this
    process imports the pipeline: the worker's imports and dictionaries then load beside this process's
    imports instead of after them. The loader takes it (:func:`take_helper`, through
    ``pinyin.pinyin_pool``); one not taken is stopped as the process exits, as every pool is."""
    if worker_count() and not _HELPER:
        _HELPER.append(fork_pool(1, initializer))


def take_helper():
    """The worker of :func:`start_helper` (then no longer kept here), or None."""
    return _HELPER.pop() if _HELPER else None


def fork_pool(n: int, initializer=None):
    """A pool of *n* worker processes started by ``fork``, each running *initializer* first;
    they ignore Ctrl-C (SIGINT), which is for the parent (it stops them)."""
    return mp.get_context("fork").Pool(processes=n, initializer=_start_worker, initargs=(initializer,))
