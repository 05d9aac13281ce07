"""A worker's memory and the size of its replies are capped; a grown worker is replaced (issue 12, item 6)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_pool import job, start_pool

import cppcc_kg.cli.serve as serve_cli
from cppcc_kg.errors import KGError
from cppcc_kg.sparql.worker import memory_of

#: 216,000 rows sorted: rdflib holds them all (and the reply is 24 MB of JSON)
BIG = "SELECT ?c ?f ?i WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i"


def unlimited(text: str) -> dict:
    j = job(text)
    j["max_rows"] = None
    return j


def test_a_reply_larger_than_the_limit_is_refused_with_the_limit(tmp_path):
    pool = start_pool(tmp_path, 1, {"max_reply_bytes": 2000}, spares=0)
    try:
        status, message = pool.run(job("SELECT * WHERE { ?s ?p ?o }"), 10.0)[1:]
        assert status == 403
        assert "more than the limit of 2,000 bytes" in message and "never cut" in message
        assert pool.run(job("SELECT * WHERE { ?s ?p ?o } LIMIT 3"), 10.0)[0] == "ok"
    finally:
        pool.close()


def test_a_query_past_the_memory_limit_is_stopped_and_the_worker_stays_small(tmp_path):
    """Before, the worker grew as far as the query took it (835 MB on a big CONSTRUCT)."""
    pool = start_pool(tmp_path, 1, {"memory_mb": 100}, spares=0, recycle_mb=None)
    try:
        (pid,) = pool.pids
        base = memory_of(pid)[1]
        reply = pool.run(unlimited(BIG), 60.0)
        assert reply[:2] == ("error", 503), reply
        assert "more memory than a query worker may use (100 MB past the dataset)" in reply[2]
        assert memory_of(pid)[1] < base + 150 * 2**20
        assert pool.run(job("ASK { ?s ?p ?o }"), 10.0)[0] == "ok"  # the pool still answers
    finally:
        pool.close()


@pytest.mark.parametrize("recycle_mb, replaced", [(None, False), (1, True)])
def test_a_worker_that_grew_past_the_threshold_is_replaced_after_its_job(tmp_path, recycle_mb, replaced):
    pool = start_pool(tmp_path, 1, spares=0, recycle_mb=recycle_mb)
    try:
        (pid,) = pool.pids
        reply = pool.run(unlimited("SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f"), 60.0)
        assert reply[0] == "ok" and len(reply) == 2  # the worker's memory is not part of the reply
        assert (pool.pids != [pid]) == replaced
        assert pool.run(job("ASK { ?s ?p ?o }"), 30.0)[0] == "ok"
    finally:
        pool.close()


def test_serve_passes_its_worker_limits_to_the_pool(monkeypatch):
    """--max-reply-mb, --worker-memory-mb and --max-queue reach the pool (0: no limit)."""
    seen = {}

    def fake_make_server(build_dir, **kw):
        seen.update(kw)
        raise KGError("stop here")

    monkeypatch.setattr(serve_cli, "make_server", fake_make_server)
    res = CliRunner().invoke(serve_cli.command, ["--max-reply-mb", "2", "--worker-memory-mb", "0", "--max-queue", "7"])
    assert res.exit_code == 2, res.output
    assert (seen["max_reply_bytes"], seen["worker_memory_mb"], seen["max_queue"]) == (2 * 2**20, 0, 7)
