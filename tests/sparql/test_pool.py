"""The query worker pool: the queue, the time limit of a query's own run, cancel, heavy queries (issue 12, item 3)."""
from __future__ import annotations

import os
import threading
import time

import pytest

from cppcc_kg.sparql.guard import check_query
from cppcc_kg.sparql.pool import (
    PoolBusy,
    QueryCancelled,
    QueryTimeout,
    StoreSpec,
    WorkerPool,
)

#: runs for minutes on the memory store (a 4-way cross product of 60 triples); the comment makes texts differ
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} # {}"
LIGHT = "ASK { ?s ?p ?o }"


def write_graph(path, n: int = 60, label: str = "x") -> None:
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{label}{i}" .' for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def job(text: str) -> dict:
    return {"text": text, "info": check_query(text), "format": "json", "max_rows": 10_000}


def wait_for(condition, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def start_pool(tmp_path, size: int, limits: dict | None = None, **options) -> WorkerPool:
    """A pool on a graph of 60 triples; *limits*: fields of its :class:`StoreSpec`."""
    graph = tmp_path / "graph.nt"
    if not graph.exists():
        write_graph(graph)
    pool = WorkerPool(StoreSpec("memory", [(str(graph), "nt", None)], **(limits or {})), size=size, **options)
    pool.start()
    return pool


class Background:
    """Run ``pool.run`` in a thread; ``outcome`` is the reply or the exception."""

    def __init__(self, pool, text, timeout=None, cancel=None):
        self.cancel = cancel if cancel is not None else threading.Event()
        self.outcome = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(pool, text, timeout), daemon=True)
        self.thread.start()

    def _run(self, pool, text, timeout):
        try:
            self.outcome = pool.run(job(text), timeout, cancel=self.cancel)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            self.outcome = exc
        self.done.set()

    def result(self, timeout=30.0):
        assert self.done.wait(timeout), "the job did not end"
        return self.outcome


@pytest.fixture
def pool1(tmp_path):
    pool = start_pool(tmp_path, 1, queue_wait=60)
    yield pool
    pool.close()


def test_the_time_limit_counts_the_run_not_the_wait(pool1):
    """A quick query queued behind a slow one is answered; before, its wait used up its time limit."""
    slow = Background(pool1, HEAVY.format(1), timeout=2.0)
    wait_for(lambda: pool1.idle_count() == 0, what="the slow query to take the worker")
    quick = Background(pool1, LIGHT, timeout=1.0)
    assert isinstance(slow.result(), QueryTimeout)
    reply = quick.result()
    assert reply[0] == "ok" and b'"boolean":true' in reply[1].replace(b" ", b"")
    assert pool1.restarts == 1  # only the slow query's worker was stopped


def test_a_full_queue_answers_busy_at_once(tmp_path):
    pool = start_pool(tmp_path, 1, max_queue=2)
    try:
        running = Background(pool, HEAVY.format(1))
        wait_for(lambda: pool.idle_count() == 0, what="the heavy query to run")
        queued = [Background(pool, LIGHT) for _ in range(2)]
        wait_for(lambda: len(pool.scheduler.waiting) == 2, what="two queued queries")
        t0 = time.monotonic()
        with pytest.raises(PoolBusy) as err:
            pool.run(job(LIGHT), 5.0)
        assert time.monotonic() - t0 < 1.0
        assert err.value.status == 503 and "busy" in str(err.value) and "retry" in str(err.value)
        running.cancel.set()
        for q in queued:
            assert q.result()[0] == "ok"
        assert isinstance(running.result(), QueryCancelled)
    finally:
        pool.close()


def test_a_long_wait_in_the_queue_is_busy_not_a_timeout(tmp_path):
    pool = start_pool(tmp_path, 1, queue_wait=0.5)
    try:
        running = Background(pool, HEAVY.format(1))
        wait_for(lambda: pool.idle_count() == 0, what="the heavy query to run")
        with pytest.raises(PoolBusy, match="no query worker was free for 0.5 s"):
            pool.run(job(LIGHT), 10.0)
        running.cancel.set()
        assert isinstance(running.result(), QueryCancelled)
    finally:
        pool.close()


def test_cancel_drops_a_queued_job_and_stops_a_running_one(pool1):
    running = Background(pool1, HEAVY.format(1))
    wait_for(lambda: pool1.idle_count() == 0, what="the heavy query to run")
    pid = pool1.pids[0]
    queued = Background(pool1, LIGHT)
    wait_for(lambda: len(pool1.scheduler.waiting) == 1, what="a queued query")
    queued.cancel.set()
    assert isinstance(queued.result(), QueryCancelled)
    assert pool1.pids == [pid] and pool1.restarts == 0  # the queued job never reached a worker
    running.cancel.set()
    err = running.result()
    assert isinstance(err, QueryCancelled) and err.status == 503
    with pytest.raises(ProcessLookupError):  # the worker that ran it is gone: the query really stopped
        os.kill(pid, 0)
    assert pool1.run(job(LIGHT), 10.0)[0] == "ok"  # on the replacement
    assert pool1.restarts == 1


def test_light_queries_are_answered_while_heavy_ones_run(tmp_path):
    """Five heavy queries on three workers: at most two run, one worker stays free for light queries."""
    pool = start_pool(tmp_path, 3, heavy_after=0.3)
    heavy = []
    try:
        heavy = [Background(pool, HEAVY.format(i)) for i in range(5)]
        wait_for(lambda: pool.scheduler.heavy_running == 2 and len(pool.scheduler.waiting) == 3,
                 what="two heavy queries running, three waiting")
        wait_for(lambda: pool.worker_count() == 3 and pool.idle_count() == 1, what="the light worker")
        latencies = []
        for _ in range(20):
            t0 = time.monotonic()
            assert pool.run(job(LIGHT), 5.0)[0] == "ok"
            latencies.append(time.monotonic() - t0)
        assert max(latencies) < 1.0, latencies
        assert pool.scheduler.heavy_running == 2
        restarts = pool.restarts
        # a heavy text is remembered: the next time it waits for a heavy slot instead of being started and stopped
        again = Background(pool, HEAVY.format(0))
        wait_for(lambda: len(pool.scheduler.waiting) == 4, what="the known heavy query to wait")
        assert pool.idle_count() == 1 and pool.restarts == restarts
        again.cancel.set()
        assert isinstance(again.result(), QueryCancelled)
    finally:
        for h in heavy:
            h.cancel.set()
        for h in heavy:
            assert isinstance(h.result(), QueryCancelled)
        pool.close()


def test_every_error_of_the_pool_is_a_503_kgerror(pool1):
    from cppcc_kg.errors import KGError
    from cppcc_kg.sparql.pool import PoolError, PoolUnavailable

    for cls in (PoolBusy, QueryCancelled, QueryTimeout, PoolError, PoolUnavailable):
        assert issubclass(cls, KGError) and cls.status == 503
