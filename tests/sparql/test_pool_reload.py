"""After a rebuild the pool answers from the new build only, as a whole generation (issue 12, item 4)."""
from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
from support import copy_project

from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES
from cppcc_kg.sparql.dataset import built_files
from cppcc_kg.sparql.guard import check_query
from cppcc_kg.sparql.pool import (
    PoolUnavailable,
    QueryCancelled,
    QueryTimeout,
    StoreSpec,
    WorkerPool,
)

FAST_STAGES = [s for s in STAGES if not s.optional]
LABEL = ("SELECT ?l WHERE { <https://w3id.org/cppcc-kg/id/org/test-city-cppcc> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (lang(?l) = 'en') }")
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
OLD, NEW = "Test City CPPCC Committee", "Renamed Test City Committee"


def job(text: str) -> dict:
    return {"text": text, "info": check_query(text), "format": "json", "max_rows": 10_000}


def label(pool) -> str:
    reply = pool.run(job(LABEL), 10.0)
    assert reply[0] == "ok", reply
    return json.loads(reply[1])["results"]["bindings"][0]["l"]["value"]


def wait_for(condition, timeout: float = 25.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "project")
    out = tmp_path / "build"
    build(root, out, stages=FAST_STAGES, cache=False)
    return root, out


def start(out, size=2, **options) -> WorkerPool:
    files = [(str(p), fmt, g) for p, fmt, g in built_files(out)]
    pool = WorkerPool(StoreSpec("memory", files), size=size, check_every=0.0, **options)
    pool.start()
    return pool


def test_a_rebuild_switches_every_query_to_the_new_build(project):
    root, out = project
    pool = start(out, heavy_after=60.0)  # the scheduling policy is not what this test is about
    try:
        assert label(pool) == OLD
        # a query that runs on an old worker across the switch (cancelled after it)
        across: dict = {}
        cancel = threading.Event()
        runner = threading.Thread(target=lambda: across.setdefault("r", _run_catching(pool, HEAVY, 60.0, cancel)))
        runner.start()
        wait_for(lambda: pool.idle_count() == 1, what="the old worker to be busy")
        old_pids = set(pool.pids)
        entities = root / "graph" / "entities.ttl"
        entities.write_text(entities.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
        build(root, out, stages=FAST_STAGES, cache=False)
        answers = []
        wait_for(lambda: answers.append(label(pool)) or pool.generation == 1, what="the new generation")
        assert set(answers[:-1]) <= {OLD} and answers[-1] in (OLD, NEW)  # never a mix before the switch
        after = [label(pool) for _ in range(12)]
        assert after == [NEW] * 12  # every answer after the switch is new
        assert pool.reloads == 1 and pool.worker_count() == 2
        assert runner.is_alive()  # still running on its old worker
        cancel.set()
        runner.join(30)
        assert isinstance(across["r"], QueryCancelled)
        wait_for(lambda: not (old_pids & set(pool.pids)), what="the old workers to stop")
    finally:
        pool.close()


def _run_catching(pool, text, timeout, cancel=None):
    try:
        return pool.run(job(text), timeout, cancel=cancel)
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        return exc


def test_a_broken_rebuild_keeps_the_previous_build(project):
    out = project[1]
    pool = start(out, heavy_after=60.0)  # the scheduling policy is not what this test is about
    try:
        assert label(pool) == OLD
        graph = out / "graph.nt"
        graph.write_text(graph.read_text(encoding="utf-8") + "this is not N-Triples\n", encoding="utf-8")
        wait_for(lambda: label(pool) == OLD and pool.problem is not None, what="the failed reload")
        assert "cannot be loaded" in pool.problem and str(out) in pool.problem
        assert pool.generation == 0 and label(pool) == OLD
    finally:
        pool.close()


def test_a_build_folder_gone_is_a_503_naming_the_cause(project):
    """Before: the pool stayed at 0 workers and said "every query worker stayed busy"."""
    out = project[1]
    pool = start(out, size=1, spares=0)
    try:
        assert label(pool) == OLD
        shutil.rmtree(out)
        wait_for(lambda: label(pool) == OLD and pool.problem is not None, what="the pool to notice")
        assert "is gone" in pool.problem  # the worker it has keeps serving the build it loaded
        assert isinstance(_run_catching(pool, HEAVY, 0.5), QueryTimeout)  # its only worker is stopped
        t0 = time.monotonic()
        with pytest.raises(PoolUnavailable) as err:
            pool.run(job(LABEL), 10.0)
        assert time.monotonic() - t0 < 5
        assert err.value.status == 503
        assert f"the build folder {out} is gone" in str(err.value) and "cppcc-kg build" in str(err.value)
    finally:
        pool.close()
