"""Worker processes that run SPARQL queries and can be killed when a query takes too long.

A Python thread cannot be stopped, and neither rdflib nor pyoxigraph can cancel
a running query. So each query runs in a worker *process* that holds its own
copy of the dataset: the server hands a checked query to an idle worker and
waits at most the time limit; if no answer came, it kills the worker (the query
really stops, its CPU is freed), answers 503, and starts a fresh worker in the
background. A slow query holds one worker; the others keep answering.

Workers are fresh interpreters (``python -m cppcc_kg.sparql.pool``, never a fork of
the threaded server, and without re-importing the caller's ``__main__`` as
multiprocessing's ``spawn`` would); each loads the dataset from the build files
itself and talks to the server over a socket pair.
"""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

import rdflib.plugins.sparql

from cppcc_kg.errors import KGError
from cppcc_kg.sparql.engines import engine_of_files
from cppcc_kg.sparql.guard import QueryError, QueryInfo
from cppcc_kg.sparql.results import NotAcceptable, serialize


class PoolError(KGError):
    """The workers cannot start (bad build files) or the pool is closed."""

    status = 500


class QueryTimeout(KGError):
    """The query ran past the time limit and was stopped."""

    status = 503


@dataclass
class StoreSpec:
    """What a worker loads: ``store`` (memory or oxigraph) and the build files ``(path, format, graph)``."""

    store: str
    files: list


def _worker_main(conn, spec: StoreSpec) -> None:  # runs in the worker process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    try:
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches anything
        engine = engine_of_files(spec.files, spec.store)
        # warm up the evaluator so that the first real query is not slower than the others
        engine.execute("ASK { ?s ?p ?o FILTER (isIRI(?s)) }", QueryInfo("ASK"))
        engine.execute("SELECT ?s ?l WHERE { ?s a ?c OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
                       "FILTER (?c != ?s) } LIMIT 5", QueryInfo("SELECT"))
        conn.send(("ready", {"triples": engine.triple_count(), "graphs": sorted(engine.allowed_graphs),
                             "pid": os.getpid()}))
    except BaseException as exc:  # report why, then stop
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = engine.execute(job["text"], job["info"], max_rows=job.get("max_rows"),
                                    default_graphs=job.get("default_graphs"), named_graphs=job.get("named_graphs"))
            reply = ("ok", serialize(result, job["format"]))
        except QueryError as exc:
            reply = ("error", exc.status, str(exc))
        except NotAcceptable as exc:
            reply = ("error", 406, str(exc))
        except Exception as exc:
            reply = ("error", 500, f"the query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


class _Worker:
    def __init__(self, spec: StoreSpec):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-m", "cppcc_kg.sparql.pool", str(theirs.fileno())],
                                        pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send(spec)
        self.info: dict = {}

    def wait_ready(self, timeout: float) -> dict:
        if not self.conn.poll(timeout):
            self.kill()
            raise PoolError(f"a query worker did not load the graph within {timeout:.0f} s")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise PoolError("a query worker stopped while loading the graph") from None
        if msg[0] != "ready":
            self.kill()
            raise PoolError(f"a query worker could not load the graph: {msg[1]}")
        self.info = msg[1]
        return self.info

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.conn.close()


class WorkerPool:
    """A fixed number of worker processes; :meth:`run` gives a job to an idle one.

    Parameters
    ----------
    spec : StoreSpec
    size : int
        Number of worker processes (each holds a copy of the dataset).
    start_timeout : float
        Seconds a worker may take to load the dataset.
    """

    def __init__(self, spec: StoreSpec, size: int = 3, start_timeout: float = 300.0):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.spec, self.size, self.start_timeout = spec, size, start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.info: dict = {}
        self.restarts = 0

    def start(self) -> dict:
        """Start the workers and wait until all have loaded the dataset; return what the first reported."""
        workers = [_Worker(self.spec) for _ in range(self.size)]
        try:
            for w in workers:
                info = w.wait_ready(self.start_timeout)
                self.info = self.info or info
        except PoolError:
            for w in workers:
                w.kill()
            raise
        with self._lock:
            self._all.update(workers)
        for w in workers:
            self._idle.put(w)
        return self.info

    def idle_count(self) -> int:
        """Number of workers waiting for a job."""
        return self._idle.qsize()

    def worker_count(self) -> int:
        """Number of live workers (busy or idle), not counting those being started."""
        with self._lock:
            return len(self._all)

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return
            self.restarts += 1

        def spawn():
            delay = 1.0
            while not self._closed:
                w = _Worker(self.spec)
                try:
                    w.wait_ready(self.start_timeout)
                except PoolError:
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                with self._lock:
                    if self._closed:
                        w.kill()
                        return
                    self._all.add(w)
                self._idle.put(w)
                return

        threading.Thread(target=spawn, name="cppcc-kg-sparql-respawn", daemon=True).start()

    def run(self, job: dict, timeout: float | None, cancel=None) -> tuple:
        """Run *job* on an idle worker; return its reply, or raise :class:`QueryTimeout`.

        The time limit covers the wait for a free worker and the query itself.
        A worker still busy at the deadline is killed and replaced.
        """
        if self._closed:
            raise PoolError("the query pool is closed")
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for the whole time limit ({timeout:g} s)",
                               "try again later.") from None
        try:
            worker.conn.send(job)
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if worker.conn.poll(remaining):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            self._replace(worker)
            raise PoolError("the query worker stopped unexpectedly (was it out of memory?)") from None
        worker.kill()
        self._replace(worker)
        raise QueryTimeout(f"the query did not finish within the time limit of {timeout:g} s and was stopped",
                           "make it more selective, or add LIMIT.")

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        for w in workers:
            try:
                w.process.wait(2)
            except subprocess.TimeoutExpired:
                pass
            w.kill()


if __name__ == "__main__":  # a worker: python -m cppcc_kg.sparql.pool FD
    _conn = Connection(int(sys.argv[1]))
    _worker_main(_conn, _conn.recv())
