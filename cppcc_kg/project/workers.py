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


def fork_pool(n: int, initializer=None):
    """A pool of *n* worker processes started by ``fork``, each running *initializer* first;
    they ignore Ctrl-C (SIGINT), which is for the parent (it stops them)."""
    return mp.get_context("fork").Pool(processes=n, initializer=_start_worker, initargs=(initializer,))
