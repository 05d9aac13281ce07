"""Worker processes for the loader: how many, and a pool of them.

Parsing many files and computing the pinyin of many labels run in worker processes
started by ``fork`` (they share what the parent has loaded); below
:data:`PARALLEL_MIN_FILES` files or :data:`PARALLEL_MIN_LABELS` labels, none are
started. ``CPPCC_KG_WORKERS=0`` turns them off.

A worker that dies (the kernel's out-of-memory killer sends SIGKILL) stops the build with
:class:`WorkerDied` instead of hanging it: the pool (:class:`Workers`) is a
:class:`concurrent.futures.ProcessPoolExecutor`, whose thread watches each worker's end and fails every
job not done (``BrokenProcessPool``), where ``multiprocessing.Pool`` starts a new worker and waits
forever for the lost job (and its ``terminate`` can block on a queue's lock that the dead worker held:
the executor never takes the lock of the queue its workers read).

The workers of a pool forked by the main thread are killed by the kernel as the process ends (Linux,
:func:`die_with_parent`): a command killed outright (SIGKILL) leaves none of them running alone. A pool forked by
another thread is not tied to it (the kernel's signal follows the thread that forked, which may end first).
"""
from __future__ import annotations

import atexit
import ctypes
import functools
import multiprocessing as mp
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait

from cppcc_kg.errors import EXIT_STAGE, KGError

#: below this many files (or labels) to do, no worker processes are started
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_LABELS = 4000


class WorkerDied(KGError):
    """A worker process ended while it had jobs (killed, or out of memory): the command stopped (exit code 3).

    >>> print(WorkerDied("parsing the files", -9).message)
    parsing the files: a worker process died (killed by signal 9, SIGKILL); the command stopped
    >>> print(WorkerDied("parsing the files", -9).hint)  # doctest: +NORMALIZE_WHITESPACE
    the system's out-of-memory killer sends SIGKILL: free some memory (or set CPPCC_KG_WORKERS=0: no worker
    processes) and run it again.
    >>> print(WorkerDied("parsing the files", 1).hint)
    run it again; if it happens again, report it (a bug, not a problem of the data).
    """

    exit_code = EXIT_STAGE

    def __init__(self, step: str, exitcode: int | None):
        self.step, self.exitcode = step, exitcode
        how = "exit code unknown" if exitcode is None else ended_how(exitcode)
        hint = ("the system's out-of-memory killer sends SIGKILL: free some memory (or set CPPCC_KG_WORKERS=0: "
                "no worker processes) and run it again." if exitcode in (None, -signal.SIGKILL) else
                "run it again; if it happens again, report it (a bug, not a problem of the data).")
        super().__init__(f"{step}: a worker process died ({how}); the command stopped", hint)


def ended_how(exitcode: int) -> str:
    """How a process ended, in words, from its exit code (negative: the signal that killed it).

    >>> ended_how(-9), ended_how(1)
    ('killed by signal 9, SIGKILL', 'exit code 1')
    """
    if exitcode >= 0:
        return f"exit code {exitcode}"
    try:
        return f"killed by signal {-exitcode}, {signal.Signals(-exitcode).name}"
    except ValueError:
        return f"killed by signal {-exitcode}"


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


def _start_worker(initializer=None, parent: int | None = None) -> None:
    # Ctrl-C reaches the whole process group: it is for the parent, which stops its workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:  # (a parent killed outright leaves no worker running alone)
        die_with_parent(parent)
    if initializer is not None:
        initializer()


def die_with_parent(parent: int) -> None:
    """In a child forked by *parent*'s main thread, or by a thread that waits for the child: on Linux the kernel
    kills the child when that thread ends (``PR_SET_PDEATHSIG``: the parent killed with SIGKILL, by the
    out-of-memory killer say), and if *parent* is already gone the child ends now. Elsewhere: nothing.
    :func:`find_prctl` is called by the parent before it forks, so that the child looks nothing up."""
    prctl = find_prctl()
    if prctl is None or prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:
        os._exit(1)


@functools.cache
def find_prctl():
    """Linux's ``prctl``, or None (found once)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PR_SET_PDEATHSIG = 1


#: what the helper worker does (the step a :class:`WorkerDied` of the helper names), and the pinyin's step
HELPER_STEP = "the helper worker (the pinyin of the labels, the Turtle and JSON-LD of the files)"
PINYIN_STEP = "computing the pinyin of the labels"

#: the helper worker started before the build's imports (:func:`start_helper`), until the loader takes it
_HELPER: list = []
_HELPER_STOPPED_AT_EXIT: list = []


def start_helper(initializer=None) -> None:
    """Start the loader's helper worker now (:func:`fork_pool` of one, running *initializer*), before this
    process imports the pipeline: the worker's imports and dictionaries then load beside this process's
    imports instead of after them. The loader takes it (:func:`take_helper`, through
    ``pinyin.pinyin_pool``); one not taken is stopped as the process exits (:func:`_stop_helper`)."""
    if worker_count() and not _HELPER:
        _HELPER.append(fork_pool(1, initializer, step=HELPER_STEP))
        if not _HELPER_STOPPED_AT_EXIT:  # before the executors' own exit hook (which waits for their jobs):
            _HELPER_STOPPED_AT_EXIT.append(True)  # these hooks run in the reverse order
            getattr(threading, "_register_atexit", atexit.register)(_stop_helper)


def _stop_helper() -> None:
    """As the process exits: stop the helper worker not taken (an error before the load), at once rather than
    once its initializer (the pinyin's dictionaries) has ended."""
    helper = take_helper()
    if helper is not None:
        helper.terminate()


def take_helper():
    """The worker of :func:`start_helper` (then no longer kept here), or None."""
    return _HELPER.pop() if _HELPER else None


def fork_pool(n: int, initializer=None, *, step: str = "the worker processes") -> Workers:
    """A pool of *n* worker processes started by ``fork`` now, each running *initializer* first;
    they ignore Ctrl-C (SIGINT), which is for the parent (it stops them). *step* names what they do in
    the :class:`WorkerDied` raised if one dies."""
    return Workers(n, initializer, step)


class Job:
    """The result of :meth:`Workers.map_async` (the list of results, in order) or :meth:`Workers.apply_async`
    (the one result): :meth:`get` waits for it."""

    def __init__(self, pool: Workers, wait, step: str | None):
        self._pool, self._wait, self._step = pool, wait, step

    def get(self):
        return self._pool._checked(self._wait, self._step)


class Workers:
    """*n* worker processes forked now (a :class:`~concurrent.futures.ProcessPoolExecutor`), with the calls
    of ``multiprocessing.Pool`` that the loader makes (``imap``, ``map``, ``map_async``, ``apply``,
    ``apply_async``, ``close``, ``terminate``, ``join``, ``with``); a worker that dies raises
    :class:`WorkerDied` from the call that waits for a result (or gives a job) of the pool, which then has
    no process left.

    The executor forks its workers at the first job: an empty one is given at once, so that they start
    (and run *initializer*) now, in the caller's thread, as ``multiprocessing.Pool`` does; with ``fork``
    it never forks one later (none replaces a dead worker), so no fork happens beside the store's loading
    thread unless the caller makes this pool then.

    This process closes its end of the pipe of the results: once the workers are dead, a result that one
    was writing as it died is read to its end (EOF) instead of waited for: the executor's thread then
    fails the pool instead of waiting forever (:meth:`terminate` stops a worker at any point).

    >>> with fork_pool(2, step="squaring") as pool:
    ...     list(pool.imap(abs, [-1, 2, -3], chunksize=2)), pool.map(abs, [-4]), pool.apply(abs, (-5,))
    ([1, 2, 3], [4], 5)
    """

    def __init__(self, n: int, initializer=None, step: str = "the worker processes"):
        self.step = step
        # forked by the main thread, they die with the process; a pool started by another thread (which may end
        # before it) is not tied to that thread's life
        parent = os.getpid() if threading.current_thread() is threading.main_thread() else None
        if parent is not None:
            find_prctl()
        executor = self._executor = ProcessPoolExecutor(n, mp_context=mp.get_context("fork"),
                                                        initializer=_start_worker, initargs=(initializer, parent))
        executor.submit(int)  # the workers forked now
        # the processes, to tell how one ended (the executor forgets them as it breaks), and its thread, which
        # reaps them (:meth:`join` waits for it: the executor forgets it as it is shut down)
        self._processes = list(getattr(executor, "_processes", {}).values())
        self._thread = getattr(executor, "_executor_manager_thread", None)
        writer = getattr(getattr(executor, "_result_queue", None), "_writer", None)
        if writer is not None:  # the workers' own ends are the only ones (see above)
            writer.close()
        self._stopping, self._first = False, None
        threading.Thread(target=self._watch, name="cppcc-kg-workers-watch", daemon=True).start()

    # ----------------------------------------------------------------- jobs
    def imap(self, fn, items, chunksize: int = 1, *, step: str | None = None):
        """The results of *fn* on each of *items*, in order, as they come (the jobs all given now)."""
        results = self._given(lambda: self._executor.map(fn, items, chunksize=chunksize), step)
        return self._yielded(results, step)

    def map(self, fn, items, chunksize: int = 1, *, step: str | None = None) -> list:
        """The list of the results of *fn* on each of *items*."""
        return self.map_async(fn, items, chunksize, step=step).get()

    def map_async(self, fn, items, chunksize: int = 1, *, step: str | None = None) -> Job:
        """The jobs of *fn* on each of *items*, given now; ``.get()`` is the list of their results."""
        results = self._given(lambda: self._executor.map(fn, items, chunksize=chunksize), step)
        return Job(self, lambda: list(results), step)

    def apply_async(self, fn, args=(), *, step: str | None = None) -> Job:
        """The job ``fn(*args)``, given now; ``.get()`` is its result."""
        future = self._given(lambda: self._executor.submit(fn, *args), step)
        return Job(self, future.result, step)

    def apply(self, fn, args=(), *, step: str | None = None):
        """``fn(*args)``, run by a worker."""
        return self.apply_async(fn, args, step=step).get()

    # ------------------------------------------------------------- its end
    def close(self) -> None:
        """No more jobs: the workers end once those given are done (:meth:`join` waits for them)."""
        self._stopping = True
        self._executor.shutdown(wait=False)

    def terminate(self) -> None:
        """Stop the workers now (SIGKILL) and the jobs not done (:meth:`join` waits for the workers' end)."""
        self._stopping = True
        self._kill_alive()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _kill_alive(self) -> None:
        ended = self._ended()
        for p in self._processes:
            if p not in ended:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def join(self) -> None:
        """Wait for the end of the workers (after :meth:`close` or :meth:`terminate`)."""
        self._executor.shutdown(wait=True)
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.terminate()
        self.join()

    # ----------------------------------------------------------- its death
    def _given(self, give, step: str | None):
        """``give()`` (which gives jobs to the executor); :class:`WorkerDied` if a worker died before."""
        try:
            return give()
        except BrokenProcessPool:
            raise self._died(step) from None

    def _checked(self, wait, step: str | None):
        """``wait()``, a worker's death as :class:`WorkerDied`."""
        try:
            return wait()
        except BrokenProcessPool:
            raise self._died(step) from None

    def _yielded(self, results, step: str | None):
        """What *results* yields, a worker's death as :class:`WorkerDied`."""
        try:
            yield from results
        except BrokenProcessPool:
            raise self._died(step) from None

    def _ended(self) -> list:
        """The workers that have ended, told by their sentinels (not reaped here: the executor's thread does)."""
        sentinels = {p.sentinel: p for p in self._processes}
        return [sentinels[s] for s in wait(list(sentinels), timeout=0)] if sentinels else []

    def _died(self, step: str | None) -> WorkerDied:
        """The error of a worker that died, with how the first one ended (the workers ended now); then
        every worker is stopped and waited for."""
        ended = self._ended()
        self.terminate()
        self.join()
        if self._first is not None:
            ended = [self._first]
        codes = [p.exitcode for p in ended]
        # the executor stops the other workers (SIGTERM) as soon as one died: those are not the first
        code = next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else None)
        return WorkerDied(step or self.step, code)

    def _watch(self) -> None:
        """In a thread of its own: when a worker was killed or failed (not stopped by :meth:`terminate`, nor
        ended by :meth:`close`), kill the others. The executor's thread may be reading a result that the dead
        one was writing (more than a pipe writes at once): the rest never comes, and the other workers wait
        for the lock of the results that it held; once they are dead too, the read ends (EOF) and the executor
        fails the pool. The worker is looked at without being reaped (``WNOWAIT``: the executor reaps it)."""
        left = {p.sentinel: p for p in self._processes}
        while left and not self._stopping:
            for sentinel in wait(list(left)):
                p = left.pop(sentinel)
                if not self._stopping and _failed(p.pid):
                    if self._first is None:
                        self._first = p
                    self._kill_alive()


def _failed(pid: int) -> bool:
    """Whether the ended child *pid* was killed by a signal or exited with a code other than 0; False once it
    is reaped (the executor saw its end). Its sentinel is closed a moment before it becomes a zombie: the call
    waits for that (without ``WNOHANG``), and leaves it to be reaped (``WNOWAIT``)."""
    try:
        status = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    except ChildProcessError:
        return False
    return status is not None and (status.si_code != os.CLD_EXITED or status.si_status != 0)
