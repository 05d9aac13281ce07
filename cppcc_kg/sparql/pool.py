"""The query workers of ``cppcc-kg serve``: processes that can be killed, a queue, and reloads of the build.

Each query runs in a worker process (:mod:`cppcc_kg.sparql.worker`) that holds its own copy of
the dataset. :meth:`WorkerPool.run` queues the query until :mod:`cppcc_kg.sparql.scheduler`
gives it an idle worker (a bounded queue; one worker kept for light queries while heavy ones
run), then waits at most the time limit for the answer, counted from the moment the worker got
the query. A query that runs past it, or whose caller sets ``cancel``, is stopped by killing
its worker (the query really stops, its CPU and memory are freed); a spare worker takes its
place at once and a new spare is forked from the generation's template worker.

Generations: the workers of a pool all hold the same build. The pool looks at the build files
(their inode, size and modification time, and ``summary.json``'s) at most every
``check_every`` seconds, when a query comes; when they changed, it starts a whole new
generation of workers on the new build, and once all of them are ready it switches at once:
every query that starts after the switch runs on the new build, queries running on the old
workers finish there, and the old workers then stop. Answers never mix two builds. While the
build folder is gone or broken, the pool keeps serving the generation it has (a consistent
build, the last good one) and says why it cannot reload; only when no worker of that generation
is left does it refuse queries, with a 503 naming the cause.
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path

from cppcc_kg.errors import KGError
from cppcc_kg.sparql.dataset import built_files
from cppcc_kg.sparql.scheduler import (
    POLL,
    PoolBusy,
    PoolError,
    PoolUnavailable,
    QueryCancelled,
    Scheduler,
    Ticket,
)
from cppcc_kg.sparql.worker import StoreSpec, Worker

__all__ = ["PoolBusy", "PoolError", "PoolUnavailable", "QueryCancelled", "QueryTimeout", "StoreSpec", "WorkerPool",
           "build_signature"]


class QueryTimeout(PoolError):
    """The query ran past the time limit and was stopped."""

    status = 503


def build_signature(files) -> tuple[tuple | None, str | None]:
    """``(signature, None)`` of the build *files* (and the ``summary.json`` beside them), or ``(None, why)``.

    The signature is the inode, size and modification time of each file: a build replaces its
    folder as a whole, so any rebuild changes it.
    """
    paths = [Path(p) for p, _, _ in files]
    if paths:
        paths.append(paths[0].parent / "summary.json")
    out = []
    for p in paths:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if p.name == "summary.json":
                continue
            folder = "gone" if not p.parent.exists() else "incomplete"
            return None, f"the build folder {p.parent} is {folder} ({p.name} is missing)"
        except OSError as exc:
            return None, f"cannot read {p}: {exc.strerror or exc}"
        out.append((str(p), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out), None


def _cost_key(job: dict) -> str | None:
    text = job.get("text")
    if not isinstance(text, str):
        return None
    return " ".join(text.split()) + f"|{job.get('default_graphs')}|{job.get('named_graphs')}"


class WorkerPool:
    """Worker processes that run queries; :meth:`run` queues a job and returns its worker's reply.

    Parameters
    ----------
    spec : StoreSpec
        What each worker loads, and its limits.
    size : int
        Number of worker processes (each holds a copy of the dataset).
    start_timeout : float
        Seconds a worker may take to load the dataset.
    max_queue, queue_wait, heavy_after :
        The scheduling policy (:class:`~cppcc_kg.sparql.scheduler.Scheduler`); ``max_queue``
        defaults to 128 queries.
    spares : int
        Workers kept loaded but idle, to replace at once a worker that was stopped (time
        limit, cancel, a heavy query without a slot, recycling); a new spare is started
        in the background. Each holds a copy of the dataset too.
    recycle_mb : int or None
        A worker whose resident memory grew by more than this past its size once loaded is
        replaced after its job (None: never).
    check_every : float or None
        Least seconds between two looks at the build files (None: never reload).
    """

    def __init__(self, spec: StoreSpec, size: int = 3, start_timeout: float = 300.0, *, max_queue: int | None = None,
                 queue_wait: float = 30.0, heavy_after: float = 0.5, recycle_mb: int | None = 256,
                 check_every: float | None = 1.0, spares: int = 1):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.spec, self.size, self.start_timeout = spec, size, start_timeout
        self.recycle_mb, self.check_every, self.spares = recycle_mb, check_every, spares
        self._spares: list[Worker] = []
        self._template: Worker | None = None  # a loaded worker that runs no query: new workers are its forks
        self._template_lock = threading.Lock()
        self.scheduler = Scheduler(size, max_queue=max_queue or 128, queue_wait=queue_wait,
                                   heavy_after=heavy_after)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._all: set[Worker] = set()
        self._gen = 0
        self._signature: tuple | None = None
        self._starting = 0
        self._reloading = False
        self._failed_signature: tuple | None = None
        self._last_check = 0.0
        #: why the pool cannot (re)load the build now, or None
        self.problem: str | None = None
        self.info: dict = {}
        self.restarts = 0
        self.reloads = 0

    # ------------------------------------------------------------ state

    @property
    def _closed(self) -> bool:
        return self._stopping.is_set()

    @property
    def generation(self) -> int:
        """Number of the generation that new queries run on (0 at start, +1 at each reload)."""
        return self._gen

    def idle_count(self) -> int:
        """Number of workers waiting for a job."""
        return len(self.scheduler.idle)

    def worker_count(self) -> int:
        """Number of live workers (busy or idle) of the current generation, not counting those being started."""
        with self._lock:
            return sum(1 for w in self._all if w.gen == self._gen)

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _sync(self) -> None:
        """Tell the scheduler how many workers of the current generation live."""
        self.scheduler.wake(self.worker_count())

    def _unavailable(self) -> str | None:
        """Why no query can run now (closed, or no worker left and none can load), else None."""
        if self._closed:
            return "the query pool is closed"
        with self._lock:
            if any(w.gen == self._gen for w in self._all) or (self._starting and self.problem is None):
                return None
            return None if self.problem is None else f"no query worker is available: {self.problem}"

    # ------------------------------------------------------------ start, replace, reload

    def _spawn_ready(self, spec: StoreSpec, gen: int, n: int) -> list[Worker]:
        workers = [Worker(spec, gen) for _ in range(n)]
        try:
            for w in workers:
                w.wait_ready(self.start_timeout)
        except PoolError:
            for w in workers:
                w.kill()
            raise
        return workers

    def start(self) -> dict:
        """Start the workers and wait until all have loaded the dataset; return what the first reported."""
        self._signature, _ = build_signature(self.spec.files)
        self._last_check = time.monotonic()
        workers = self._spawn_ready(self.spec, 0, self.size + self.spares + 1)
        self.info = workers[0].info
        self._template = workers.pop()
        workers, self._spares = workers[:self.size], workers[self.size:]
        with self._lock:
            self._all.update(workers)
        for w in workers:
            self.scheduler.add(w)
        self._sync()
        return self.info

    def _replace(self, dead: Worker) -> None:
        """Forget *dead* (killed) and start a worker of the current generation in the background."""
        with self._lock:
            self._all.discard(dead)
            if self._closed or dead.gen != self._gen:
                return
            self.restarts += 1
            self._starting += 1
            spare = next((w for w in self._spares if w.gen == self._gen), None)
            if spare is not None:  # in service at once; the new worker becomes the spare
                self._spares.remove(spare)
                self._all.add(spare)
        if spare is not None:
            self.scheduler.add(spare)
        self._sync()
        threading.Thread(target=self._respawn, args=(dead.gen,), name="cppcc-kg-sparql-respawn", daemon=True).start()

    def _respawn(self, gen: int) -> None:
        delay = 1.0
        try:
            while not self._closed and gen == self._gen:
                signature, why = build_signature(self.spec.files)
                if signature != self._signature:  # never start a worker of this generation on other files
                    self.problem = why or self.problem
                    self._check_build(force=True)
                    if self._stopping.wait(delay) or gen != self._gen:
                        return
                    delay = min(delay * 2, 30.0)
                    continue
                try:
                    w = self._new_worker(gen)
                except PoolError as exc:
                    self.problem = f"a query worker could not be started on the build in {self._folder()}: {exc}"
                    self.scheduler.wake()
                    if self._stopping.wait(delay):
                        return
                    delay = min(delay * 2, 30.0)
                    continue
                with self._lock:
                    keep = not self._closed and gen == self._gen and build_signature(self.spec.files)[0] == self._signature
                    serve = keep and sum(1 for x in self._all if x.gen == gen) < self.size
                    if serve:
                        self._all.add(w)
                    elif keep and len(self._spares) < self.spares:
                        self._spares.append(w)
                        return
                if serve and self.scheduler.add(w):
                    self._sync()
                    return
                self._retire(w)
                if keep:
                    return
        finally:
            with self._lock:
                self._starting -= 1
            self.scheduler.wake()

    def _new_worker(self, gen: int) -> Worker:
        """A ready worker of generation *gen*: a fork of the template (milliseconds), else a new process."""
        with self._template_lock:
            template = self._template
            if template is not None and template.gen == gen:
                try:
                    w = Worker(self.spec, gen, template)
                    w.wait_ready(30)
                    return w
                except PoolError:
                    if self._template is template:
                        self._template = None
                    template.kill()
        return self._spawn_ready(self.spec, gen, 1)[0]

    def _folder(self) -> Path | None:
        return Path(self.spec.files[0][0]).parent if self.spec.files else None

    def _check_build(self, force: bool = False) -> None:
        """Look at the build files (at most every ``check_every`` s) and start a reload when they changed."""
        if self.check_every is None or self._closed:
            return
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_check < self.check_every:
                return
            self._last_check = now
        signature, why = build_signature(self.spec.files)
        if signature == self._signature:
            if why is None and self.problem is not None and not self._starting:
                self.problem = None  # the build we serve is back
            return
        if signature is None:
            self.problem = why  # the workers we have keep serving the build they loaded
            self.scheduler.wake()
            return
        with self._lock:
            if self._reloading or signature == self._failed_signature:
                return
            self._reloading = True
        threading.Thread(target=self._reload, args=(signature,), name="cppcc-kg-sparql-reload", daemon=True).start()

    def _reload(self, signature: tuple) -> None:
        folder = self._folder()
        try:
            files = [(str(p), fmt, g) for p, fmt, g in built_files(folder)] if folder else self.spec.files
            spec = dataclasses.replace(self.spec, files=files)
            workers = self._spawn_ready(spec, self._gen + 1, self.size + self.spares + 1)
        except KGError as exc:
            self._failed_signature = signature
            self.problem = f"the build in {folder} changed but cannot be loaded ({exc}); the previous build is served"
            with self._lock:
                self._reloading = False
            self.scheduler.wake()
            return
        if build_signature(files)[0] != signature:  # changed again while loading: the next look reloads
            for w in workers:
                w.kill()
            with self._lock:
                self._reloading = False
            return
        with self._lock:
            if self._closed:
                self._reloading = False
                for w in workers:
                    w.kill()
                return
            self.spec, self._signature, self._gen = spec, signature, self._gen + 1
            old_spares = self._spares + ([self._template] if self._template is not None else [])
            self._template = workers.pop()
            self._spares, workers = workers[self.size:], workers[:self.size]
            self._all.update(workers)
            self.info, self.problem, self._reloading = workers[0].info, None, False
            self.reloads += 1
        for w in self.scheduler.switch(self._gen, workers) + old_spares:  # the old idle workers
            self._retire(w)
        self._sync()

    def _retire(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        worker.kill()

    # ------------------------------------------------------------ queries

    def _lost(self, worker: Worker, ticket: Ticket) -> None:
        worker.kill()
        self._replace(worker)  # first, so that the scheduler counts one worker fewer when the slot frees
        self.scheduler.done(ticket)

    def _wait_reply(self, worker: Worker, ticket: Ticket, timeout: float | None, cancel) -> tuple | None:
        """The worker's reply; None if the query became heavy without a heavy slot (it was stopped)."""
        start = time.monotonic()
        deadline = None if timeout is None else start + timeout
        heavy_at = None if ticket.heavy else start + self.scheduler.heavy_after
        while True:
            marks = [t - time.monotonic() for t in (deadline, heavy_at) if t is not None]
            step = min(marks) if marks else None
            if cancel is not None:
                step = POLL if step is None else min(step, POLL)
            if worker.conn.poll(None if step is None else max(0.0, step)):
                return worker.conn.recv()
            now = time.monotonic()
            if cancel is not None and cancel.is_set():
                self._lost(worker, ticket)
                raise QueryCancelled("the query was cancelled (its client went away) and was stopped")
            if deadline is not None and now >= deadline:
                self._lost(worker, ticket)
                raise QueryTimeout(f"the query did not finish within the time limit of {timeout:g} s and was stopped",
                                   "make it more selective, or add LIMIT.")
            if heavy_at is not None and now >= heavy_at:
                heavy_at = None
                if not self.scheduler.became_heavy(ticket):
                    self._lost(worker, ticket)
                    return None

    def run(self, job: dict, timeout: float | None, *, cancel: threading.Event | None = None) -> tuple:
        """Run *job* on a worker; return its reply (``("ok", body)`` or ``("error", status, message)``).

        The time limit counts the query's own run on a worker, not its wait in the queue.
        A worker still busy at the deadline, or when *cancel* is set, is killed and replaced.
        Raises :class:`QueryTimeout`, :class:`PoolBusy`, :class:`PoolUnavailable`,
        :class:`QueryCancelled` or :class:`PoolError`; each has ``status`` 503.
        """
        if self._closed:
            raise PoolError("the query pool is closed")
        self._check_build()
        key = _cost_key(job)
        ticket = Ticket(key, heavy=self.scheduler.known_heavy(key))
        while True:
            worker = self.scheduler.acquire(ticket, cancel, self._unavailable)
            try:
                started = time.monotonic()
                worker.conn.send(job)
                reply = self._wait_reply(worker, ticket, timeout, cancel)
            except (EOFError, OSError):
                self._lost(worker, ticket)
                limit = f" (a worker may use {self.spec.memory_mb} MB past the dataset)" if self.spec.memory_mb else ""
                raise PoolError(f"the query worker stopped while running the query; was it out of memory{limit}? "
                                "It is being replaced.", "make the query more selective, then retry.") from None
            if reply is None:
                self.scheduler.requeue_first(ticket)
                continue
            *body, rss = reply
            grown = rss - worker.info.get("rss", 0)
            if self.recycle_mb is not None and grown > self.recycle_mb * 2**20:
                self._lost(worker, ticket)  # Python keeps what it freed: a fresh worker is back to the baseline
            elif not self.scheduler.done(ticket, worker, ran=time.monotonic() - started):
                self._retire(worker)  # of an older generation
            return tuple(body)

    def close(self) -> None:
        """Stop every worker."""
        self._stopping.set()
        with self._lock:
            workers = list(self._all) + self._spares + ([self._template] if self._template is not None else [])
            self._all.clear()
            self._spares, self._template = [], None
        for w in workers:
            w.stop()
        deadline = time.monotonic() + 2
        for w in workers:
            w.wait(max(0.0, deadline - time.monotonic()))
            w.kill()  # if still running
        self.scheduler.wake()
