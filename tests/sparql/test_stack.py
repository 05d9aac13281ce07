"""Oxigraph parses and runs on a thread with a large stack: long chains cannot crash a process (issue 12, item 1)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from rdflib import Graph, Literal, URIRef
from support import REPO_ROOT
from test_pool_serve import CHAINS

from cppcc_kg.sparql.stack import on_big_stack


def test_the_thread_hands_back_a_value_or_an_exception():
    assert on_big_stack(lambda a, b=0: a + b, 1, b=2) == 3
    with pytest.raises(KeyError):
        on_big_stack({}.__getitem__, "x")


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_the_guard_survives_long_chains(name):
    """Before the fix check_query overflowed the stack of this very process (SIGSEGV)."""
    code = ("from cppcc_kg.sparql.guard import check_query, QueryError\n"
            "import sys\ntext = sys.stdin.read()\n"
            "try:\n    check_query(text)\n    print('accepted')\nexcept QueryError as e:\n    print('refused')\n")
    done = subprocess.run([sys.executable, "-c", code], input=CHAINS[name], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)), timeout=120, check=False)
    assert done.returncode == 0, (done.returncode, done.stderr[-1000:])
    assert done.stdout.strip() in ("accepted", "refused")


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    g = Graph()
    for i in range(200):
        g.add((URIRef(f"http://example.org/{i}"), URIRef("http://example.org/p"), Literal(i)))
    (folder / "graph.ttl").write_text(g.serialize(format="turtle"), encoding="utf-8")
    return folder


def cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "cppcc_kg.cli", "query", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
                            start_new_session=True, **kw)


@pytest.mark.parametrize("name", ["union", "not"])
def test_the_query_command_runs_long_chains_on_oxigraph(tiny_build, tmp_path, name):
    """Before the fix `cppcc-kg query --store oxigraph` died of a segmentation fault (exit -11)."""
    rq = tmp_path / "q.rq"
    rq.write_text(CHAINS[name], encoding="utf-8")
    proc = cli(str(rq), "--store", "oxigraph", "--build-dir", str(tiny_build))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 2), (proc.returncode, err[-1000:])


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux /proc to see the query running")
def test_ctrl_c_stops_an_oxigraph_query(tiny_build):
    """Oxigraph ran on the main thread, where SIGINT waited for it to finish (minutes)."""
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    proc = cli("-e", cross, "--store", "oxigraph", "--build-dir", str(tiny_build))
    try:
        deadline = time.monotonic() + 60
        while cpu_seconds(proc.pid) < 3.0:  # imports and loading take about 1 s: then it is querying
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (proc.returncode, err[-1000:])
    assert "Traceback" not in err
