"""One query worker: a process that loads the built dataset once and runs the queries it is sent.

A Python thread cannot be stopped, and neither rdflib nor pyoxigraph can cancel a running
query, so each query runs in a worker *process* that :mod:`cppcc_kg.sparql.pool` kills when
the query runs past its time limit (or its client gave up). Workers are fresh interpreters
(``python -m cppcc_kg.sparql.worker FD``, never a fork of the threaded server, and without
re-importing the caller's ``__main__`` as multiprocessing's ``spawn`` would); each loads the
dataset from the build files itself and talks to the pool over a socket pair. To replace a
stopped worker at once, the pool keeps one loaded worker that runs no query, the *template*,
and asks it to fork: the copy is ready in milliseconds (loading takes a second or more) and
shares the template's memory until it writes to it.

Untrusted query text is parsed here too (rdflib's or Oxigraph's parser); if a parser ever
crashed, only this process would die, and the pool answers 503 and starts another.

Limits a worker keeps by itself:

* its memory: once loaded, its address space may grow by at most ``memory_mb``
  (``RLIMIT_AS``); a query that needs more fails with ``MemoryError`` (503) or kills the
  worker, which the pool replaces;
* the size of a reply: a serialized result larger than ``max_reply_bytes`` is refused (403,
  like too many rows: never cut);
* each reply carries the worker's resident memory, so that the pool can recycle a worker
  that grew past its threshold (Python does not give freed memory back to the system).
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle

import rdflib.plugins.sparql

from cppcc_kg.project.workers import pid_alive
from cppcc_kg.sparql.engines import ResultTooLarge, engine_of_files
from cppcc_kg.sparql.guard import QueryError, QueryInfo, check_syntax
from cppcc_kg.sparql.results import NotAcceptable, serialize
from cppcc_kg.sparql.scheduler import PoolError

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class StoreSpec:
    """What a worker loads and the limits it keeps.

    ``store``: memory or oxigraph; ``files``: the build files ``(path, format, graph)`` of
    :func:`~cppcc_kg.sparql.dataset.built_files`; ``memory_mb``: how much a worker's address
    space may grow past its size once loaded (None: no limit); ``max_reply_bytes``: the
    largest serialized result (None: no limit).
    """

    store: str
    files: list
    memory_mb: int | None = 1024
    max_reply_bytes: int | None = 64 * 2**20


def memory_of(pid: int | str = "self") -> tuple[int, int]:
    """``(virtual, resident)`` bytes of process *pid* (Linux ``/proc``; ``(0, 0)`` elsewhere)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            size, resident = f.read().split()[:2]
    except (OSError, ValueError):
        return 0, 0
    return int(size) * _PAGE, int(resident) * _PAGE


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    virtual, _ = memory_of()
    if virtual:
        limit = virtual + memory_mb * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _answer(engine, job: dict, spec: StoreSpec) -> tuple:
    try:
        if job.get("check_syntax"):  # the server checked everything but the parse (guard.check_query)
            check_syntax(job["text"])
        result = engine.execute(job["text"], job["info"], max_rows=job.get("max_rows"),
                                default_graphs=job.get("default_graphs"), named_graphs=job.get("named_graphs"))
        body = serialize(result, job["format"])
        del result
        limit = job.get("max_reply_bytes", spec.max_reply_bytes)
        if limit is not None and len(body) > limit:
            raise ResultTooLarge(
                f"the result is refused: serialized it has {len(body):,} bytes, more than the limit of "
                f"{limit:,} bytes of this service (a larger result is never cut)",
                "narrow the query, add LIMIT (and OFFSET to page through it), or select fewer columns.")
        return ("ok", body)
    except MemoryError:
        return ("error", 503, (f"the query needed more memory than a query worker may use "
                               f"({spec.memory_mb} MB past the dataset) and was stopped; "
                               "make it more selective, or add LIMIT."))
    except QueryError as exc:
        return ("error", exc.status, str(exc))
    except NotAcceptable as exc:
        return ("error", 406, str(exc))
    except Exception as exc:  # noqa: BLE001 - a real failure of the store: 500 with its message
        return ("error", 500, f"the query failed: {type(exc).__name__}: {exc}")


def worker_main(conn, spec: StoreSpec) -> None:
    """The loop of a worker process: load, report ``ready``, then answer each job until ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    try:
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches anything
        engine = engine_of_files(spec.files, spec.store)
        # warm up the evaluator so that the first real query is not slower than the others
        engine.execute("ASK { ?s ?p ?o FILTER (isIRI(?s)) }", QueryInfo("ASK"))
        engine.execute("SELECT ?s ?l WHERE { ?s a ?c OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
                       "FILTER (?c != ?s) } LIMIT 5", QueryInfo("SELECT"))
        _limit_memory(spec.memory_mb)
        conn.send(_ready(engine))
    except BaseException as exc:  # noqa: BLE001 - report why, then stop
        with contextlib.suppress(OSError):  # the pool may be gone already
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    _serve(conn, engine, spec)


def _ready(engine) -> tuple:
    return ("ready", {"triples": engine.triple_count(), "graphs": sorted(engine.allowed_graphs),
                      "pid": os.getpid(), "rss": memory_of()[1]})


def _fork(conn, engine, spec: StoreSpec) -> None:
    """Start a copy of this loaded worker on the socket that follows a ``"fork"`` request; reply its pid."""
    fd = recv_handle(conn)
    pid = os.fork()
    if pid:
        os.close(fd)
        conn.send(("forked", pid))
        return
    try:  # the copy: it answers on its own socket, and never returns into the template's loop
        conn.close()
        child = Connection(fd)
        child.send(_ready(engine))
        _serve(child, engine, spec)
    finally:
        os._exit(0)


def _serve(conn, engine, spec: StoreSpec) -> None:
    # the copies this worker forks are reaped by the system (the pool kills them by pid)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if job == "fork":
            _fork(conn, engine, spec)
            continue
        reply = _answer(engine, job, spec)
        try:
            conn.send(reply + (memory_of()[1],))  # the pool reads the resident memory last
        except (EOFError, OSError):
            return


class Worker:
    """The pool's handle on one worker process, of generation *gen*.

    A new interpreter that loads the dataset, or, with *template* (a loaded worker that runs
    no query), a fork of it: ready in milliseconds instead of seconds.
    """

    def __init__(self, spec: StoreSpec, gen: int = 0, template: Worker | None = None):
        ours, theirs = socket.socketpair()
        self.process: subprocess.Popen | None = None
        self.gen = gen
        self.info: dict = {}
        try:
            if template is None:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "cppcc_kg.sparql.worker", str(theirs.fileno())],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
                self._pid = self.process.pid
            else:
                template.conn.send("fork")
                send_handle(template.conn, theirs.fileno(), template.pid)
                if not template.conn.poll(30):
                    raise PoolError("the template worker did not fork")
                self._pid = template.conn.recv()[1]
        except (OSError, EOFError) as exc:
            ours.close()
            raise PoolError(f"cannot start a query worker: {exc}") from None
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        if template is None:
            self.conn.send(spec)

    @property
    def pid(self) -> int:
        return self._pid

    def wait(self, timeout: float) -> None:
        """Wait at most *timeout* seconds for the process to end."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(max(0.0, deadline - time.monotonic()))
                return
            if not pid_alive(self._pid):
                return
            time.sleep(0.005)

    def wait_ready(self, timeout: float) -> dict:
        """Wait until the worker loaded the dataset; return what it reported, or raise :class:`PoolError`."""
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

    def stop(self) -> None:
        """Ask the worker to stop after its current job (it exits when it reads ``None``)."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass

    def kill(self) -> None:
        """Kill the process and wait until it is gone (the query really stops)."""
        with contextlib.suppress(OSError):
            if self.process is not None:
                self.process.kill()
            else:
                os.kill(self._pid, signal.SIGKILL)
        self.wait(5)
        self.conn.close()


if __name__ == "__main__":  # a worker: python -m cppcc_kg.sparql.worker FD
    _conn = Connection(int(sys.argv[1]))
    worker_main(_conn, _conn.recv())
