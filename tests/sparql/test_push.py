"""`cppcc-kg push` into a real Oxigraph server, and `cppcc-kg query --endpoint` against it."""
from __future__ import annotations

import http.client
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from support import RawServer, free_port, stop_process, wait_for_endpoint

from cppcc_kg.cli.push import command as push_command
from cppcc_kg.cli.query import command as query_command
from cppcc_kg.sparql.engines import EndpointEngine
from cppcc_kg.sparql.push import (
    PushError,
    PushMismatch,
    dataset_lines,
    plan_batches,
    push,
    query_url_of,
    server_counts,
)
from cppcc_kg.sparql.query import METRICS_GRAPH, query

pytestmark = pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]


def oxigraph_binary() -> str:
    exe = Path(sys.executable).parent / "oxigraph"
    found = str(exe) if exe.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` command is missing: install the test extras (pip install -e '.[test]')")
    return found


class Oxigraph:
    """A real Oxigraph server on 127.0.0.1, on a free port, with its data in a temporary folder
    (or in memory when *location* is None)."""

    def __init__(self, location: Path | None, port: int | None = None, options: tuple = ()):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        where = ["--location", str(location)] if location is not None else []
        where += list(options)
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", *where, "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_endpoint(self.proc, f"{self.base}/query", seconds=30, pause=0.05,
                          stopped=lambda: f"oxigraph stopped: {self.proc.stderr.read().decode()}")

    @property
    def store(self) -> str:
        return f"{self.base}/store"

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        df = query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", endpoint=self.query, labels=False)
        return int(df.iloc[0, 0])

    def restart_in_memory(self) -> None:
        """Stop the server and start an empty one, in memory, on the same port (what a restart does to it)."""
        self.stop()
        deadline = time.monotonic() + 30
        while True:
            try:
                self.__init__(None, self.port)
                return
            except RuntimeError:  # the port is not free yet
                if time.monotonic() > deadline:
                    raise

    def stop(self):
        stop_process(self.proc, timeout=10)


@pytest.fixture()
def oxigraph(tmp_path):
    server = Oxigraph(tmp_path / "oxigraph-data")
    yield server
    server.stop()


def expected_counts(built) -> dict:
    return {g: len(lines) for g, lines in dataset_lines(built)}


def test_push_then_query_every_library_query(built, oxigraph, tmp_path):
    out = push(built, oxigraph.store, batch_size=2000, state_file=tmp_path / "state.json")
    counts = expected_counts(built)
    assert out["done"] and out["sent"] == out["batches"] and out["triples"] == sum(counts.values())
    assert oxigraph.count() == counts[None]
    assert oxigraph.count(METRICS_GRAPH) == counts.get(METRICS_GRAPH, 0)
    for path in sorted((ROOT / "queries").glob("*.rq")):
        local = query(path, build_dir=built)
        remote = query(path, endpoint=oxigraph.query)
        pd.testing.assert_frame_equal(local, remote, obj=path.name)


class _Proxy:
    """A local HTTP server in a thread that forwards PUT and POST to the Graph Store *target* unless
    :meth:`refuse` answers them; ``url`` is its own Graph Store path."""

    def __init__(self, target: str):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                refused = proxy.refuse(self.headers)
                if refused is not None:
                    status, headers = refused
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                req = urllib.request.Request(target + self.path.removeprefix("/store"), data=body, method=self.command,
                                             headers={"Content-Type": self.headers["Content-Type"]})
                with urllib.request.urlopen(req) as resp:
                    data = resp.read()
                    self.send_response(resp.status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_PUT = do_POST = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"

    def refuse(self, headers) -> tuple[int, dict[str, str]] | None:
        """``(status, headers)`` to answer instead of forwarding; None: forward."""
        return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FlakyProxy(_Proxy):
    """Forwards requests to a server, but answers 503 once more than *allow* requests went through."""

    def __init__(self, target: str, allow: int):
        self.allow, self.seen = allow, 0
        super().__init__(target)

    def refuse(self, headers):
        self.seen += 1
        return (503, {}) if self.seen > self.allow else None


def test_push_resumes_after_an_interruption(built, oxigraph, tmp_path):
    state = tmp_path / "state.json"
    batches = plan_batches(dataset_lines(built), 1500)
    assert len(batches) > 4
    proxy = FlakyProxy(oxigraph.store, allow=4)
    try:
        with pytest.raises(PushError) as info:
            push(built, proxy.url, batch_size=1500, state_file=state, query_url=oxigraph.query)
        assert "503" in str(info.value) and "resume" in str(info.value)
        assert proxy.seen == 5  # the empty first request and three batches went through, the fourth failed
        proxy.allow = 10_000
        out = push(built, proxy.url, batch_size=1500, state_file=state, query_url=oxigraph.query)
        assert out["skipped"] == 3 and out["sent"] == len(batches) - 3 and out["done"]
        again = push(built, proxy.url, batch_size=1500, state_file=state, query_url=oxigraph.query)
        assert again["sent"] == 0 and again["done"]
    finally:
        proxy.close()
    counts = expected_counts(built)
    assert oxigraph.count() == counts[None]
    for g, n in counts.items():
        if g is not None:
            assert oxigraph.count(g) == n, g


def test_push_stop_and_resume_and_blank_nodes(built, oxigraph, tmp_path):
    state = tmp_path / "state.json"
    first = push(built, oxigraph.store, batch_size=1000, state_file=state, stop_after=2)
    assert first["sent"] == 2 and not first["done"]
    rest = push(built, oxigraph.store, batch_size=1000, state_file=state)
    assert rest["skipped"] == 2 and rest["done"]
    # blank nodes (the SHACL shapes of the ontology) are not duplicated, even when a batch is sent twice
    push(built, oxigraph.store, batch_size=1000, state_file=state, restart=True)
    counts = expected_counts(built)
    assert oxigraph.count() == counts[None]
    q = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?s <http://www.w3.org/ns/shacl#property> ?b }"
    local = query(q, build_dir=built, labels=False).iloc[0, 0]
    assert query(q, endpoint=oxigraph.query, labels=False).iloc[0, 0] == local


def test_push_and_query_commands(built, oxigraph, tmp_path):
    state = tmp_path / "state.json"
    runner = CliRunner()
    r = runner.invoke(push_command, [oxigraph.store, "--build-dir", str(built), "--batch-size", "3000",
                                     "--state", str(state)])
    assert r.exit_code == 0, r.output
    assert "pushed" in r.output and "batch 1/" in r.output
    r = runner.invoke(push_command, [oxigraph.store, "--build-dir", str(built), "--batch-size", "3000",
                                     "--state", str(state)])
    assert r.exit_code == 0 and "(0 sent now)" in r.output
    path = str(ROOT / "queries" / "06-firsts.rq")
    local = runner.invoke(query_command, [path, "--build-dir", str(built)])
    remote = runner.invoke(query_command, [path, "--endpoint", oxigraph.query])
    assert remote.exit_code == 0, remote.output
    assert local.output == remote.output
    r = runner.invoke(query_command, ["-e", "SELECT * WHERE { ?s ?p }", "--endpoint", oxigraph.query])
    assert r.exit_code == 2 and "SPARQL syntax error" in r.output


def test_push_errors(built, tmp_path):
    r = CliRunner().invoke(push_command, [f"http://127.0.0.1:{free_port()}/store", "--build-dir", str(built),
                                          "--state", str(tmp_path / "s.json")])
    assert r.exit_code == 1 and "cannot reach" in r.output and "resume" in r.output
    r = CliRunner().invoke(push_command, ["ftp://example.org/store", "--build-dir", str(built)])
    assert r.exit_code == 1 and "not an http(s) URL" in r.output
    for url, what in [("http://127.0.0.1:port/store", "its port is not a number"), ("http://", "names no host"),
                      ("http://[::1/store", "not a URL (Invalid IPv6 URL)"),
                      ("http://kg:s3cret@127.0.0.1:1/store", "it holds a user name and a password")]:
        r = CliRunner().invoke(push_command, [url, "--build-dir", str(built), "--state", str(tmp_path / "s.json")])
        assert r.exit_code == 1 and what in r.output and "Traceback" not in r.output, r.output
        assert "s3cret" not in r.output
        r = CliRunner().invoke(query_command, ["-e", "ASK {}", "--endpoint", url])
        assert r.exit_code == 2 and what in r.output and "s3cret" not in r.output, r.output
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        r = CliRunner().invoke(push_command, [f"http://127.0.0.1:{silent.getsockname()[1]}/store", "--timeout", "1",
                                              "--build-dir", str(built), "--state", str(tmp_path / "s.json")])
    assert r.exit_code == 1 and "no answer within 1 s" in r.output and "--timeout SECONDS" in r.output, r.output
    with RawServer(b"SSH-2.0-OpenSSH_9.2\r\n") as server:  # not an HTTP server
        r = CliRunner().invoke(push_command, [f"{server.url}/store", "--build-dir", str(built),
                                              "--state", str(tmp_path / "s.json")])
        assert r.exit_code == 1 and "its answer cannot be read" in r.output and "Traceback" not in r.output, r.output
        r = CliRunner().invoke(query_command, ["-e", "ASK {}", "--endpoint", f"{server.url}/query"])
        assert r.exit_code == 2 and "its answer cannot be read" in r.output and "Traceback" not in r.output, r.output
    r = CliRunner().invoke(push_command, [f"http://127.0.0.1:{free_port()}/store", "--build-dir", str(built),
                                          "--query-url", "http://kg:s3cret@h/query"])
    assert r.exit_code == 1 and "--query-url http://***@h/query" in r.output and "s3cret" not in r.output
    r = CliRunner().invoke(query_command, ["-e", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert r.exit_code == 2 and "cannot reach" in r.output


def test_plan_keeps_blank_nodes_in_the_first_batch():
    lines = ['<a> <p> "x _:y" .', "_:b <p> <a> .", "<a> <p> _:c .", "<a> <p> <b> .", "<a> <q> <b> ."]
    batches = plan_batches([(None, sorted(lines)), ("urn:g", ["<a> <p> <c> ."])], batch_size=2)
    assert [b.method for b in batches] == ["PUT", "POST", "POST", "PUT"]
    assert set(batches[0].lines) == {"_:b <p> <a> .", "<a> <p> _:c ."}
    assert sorted(sum((b.lines for b in batches[:3]), [])) == sorted(lines)


# ---------------------------------------------------------------- the server holds what was pushed


@pytest.fixture()
def memory_oxigraph():
    server = Oxigraph(None)
    yield server
    server.stop()


def test_push_checks_the_counts_at_the_end_after_a_restart_between_batches(built, memory_oxigraph, tmp_path):
    server = memory_oxigraph
    batches = plan_batches(dataset_lines(built), 3000)
    assert len(batches) > 3

    def restart_before_the_third(batch, total):
        if batch.index == 2:
            server.restart_in_memory()  # the first two batches are gone

    with pytest.raises(PushMismatch) as info:
        push(built, server.store, batch_size=3000, state_file=tmp_path / "state.json", progress=restart_before_the_third)
    message = str(info.value)
    counts = expected_counts(built)
    held = server.count()
    assert held < counts[None]
    assert f"holds {held} triples" in message and f"{counts[None]} were pushed" in message and "default graph" in message
    assert "--restart" in message and info.value.exit_code == PushMismatch.exit_code == 4
    # the same command again: the state says every batch was acknowledged, the server says otherwise
    r = CliRunner().invoke(push_command, [server.store, "--build-dir", str(built), "--batch-size", "3000",
                                          "--state", str(tmp_path / "state.json")])
    assert r.exit_code == 4 and f"holds {held} triples" in r.output and "pushed 0" not in r.output
    r = CliRunner().invoke(push_command, [server.store, "--build-dir", str(built), "--batch-size", "3000",
                                          "--state", str(tmp_path / "state.json"), "--restart"])
    assert r.exit_code == 0, r.output
    assert f"the server holds the {sum(counts.values())} triples of the {len(counts)} graphs pushed" in r.output
    assert server.count() == counts[None]


def test_push_checks_the_counts_before_resuming(built, memory_oxigraph, tmp_path):
    server = memory_oxigraph
    state = tmp_path / "state.json"
    first = push(built, server.store, batch_size=3000, state_file=state, stop_after=2)
    assert first["sent"] == 2 and not first["done"]
    server.restart_in_memory()
    sent = []
    with pytest.raises(PushMismatch) as info:
        push(built, server.store, batch_size=3000, state_file=state, progress=lambda b, t: sent.append(b))
    assert sent == []  # nothing is sent on top of a server that lost what it acknowledged
    assert "before resuming" in str(info.value) and "holds 0 triples" in str(info.value)
    out = push(built, server.store, batch_size=3000, state_file=state, restart=True)
    assert out["done"] and out["skipped"] == 0


def test_a_union_default_graph_is_named_and_no_restart_is_suggested(built, tmp_path):
    """Its default graph holds more than was pushed into it: pushing again cannot help."""
    server = Oxigraph(None, options=("--union-default-graph",))
    try:
        with pytest.raises(PushMismatch) as info:
            push(built, server.store, batch_size=3000, state_file=tmp_path / "state.json")
    finally:
        server.stop()
    assert "union of its graphs" in str(info.value) and "--restart" not in str(info.value)


def test_push_check_needs_a_query_endpoint(built, tmp_path):
    with pytest.raises(PushError) as info:
        push(built, "http://127.0.0.1:9/graphs", state_file=tmp_path / "s.json")
    assert "--query-url" in str(info.value)
    assert query_url_of("http://h:7878/store") == "http://h:7878/query"
    assert query_url_of("http://h:3030/ds/data") == "http://h:3030/ds/query"
    assert query_url_of("http://h/graphs") is None


def test_push_help_describes_every_option():
    r = CliRunner().invoke(push_command, ["--help"])
    assert r.exit_code == 0
    assert "Folder of the built graph" in r.output and "--query-url" in r.output


# ---------------------------------------------------------------- options for other servers (generic, on Oxigraph)

DEFAULT_GRAPH = "https://w3id.org/cppcc-kg/graph/default"


def test_push_the_default_graph_into_a_named_graph_and_query_it_as_the_default(built, oxigraph, tmp_path):
    out = push(built, oxigraph.store, batch_size=3000, state_file=tmp_path / "state.json", default_graph=DEFAULT_GRAPH)
    counts = expected_counts(built)
    assert out["done"] and out["held"][DEFAULT_GRAPH] == counts[None] and None not in out["held"]
    assert oxigraph.count() == 0 and oxigraph.count(DEFAULT_GRAPH) == counts[None]
    named = [g for g in counts if g is not None]
    for name in ("06-firsts.rq", "12-centrality-ranking.rq"):  # 12 reads the metrics graph with GRAPH <…>
        path = ROOT / "queries" / name
        local = query(path, build_dir=built)
        remote = query(path, endpoint=oxigraph.query, default_graphs=[DEFAULT_GRAPH], named_graphs=named)
        pd.testing.assert_frame_equal(local, remote, obj=name)
    assert len(query(ROOT / "queries" / "06-firsts.rq", endpoint=oxigraph.query)) == 0  # the server's default graph
    r = CliRunner().invoke(query_command, ["-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--no-labels",
                                           "--endpoint", oxigraph.query, "--default-graph-uri", DEFAULT_GRAPH,
                                           "--format", "csv"])
    assert r.exit_code == 0 and r.output.split() == ["n", str(counts[None])]
    r = CliRunner().invoke(query_command, ["-e", "ASK {}", "--build-dir", str(built), "--default-graph-uri", DEFAULT_GRAPH])
    assert r.exit_code == 2 and "--endpoint" in r.output


def test_default_graph_must_be_a_new_absolute_iri(built, tmp_path):
    for bad, words in (("graph", "not an absolute IRI"), ("http://x/a b", "not an absolute IRI"),
                       ("https://w3id.org/cppcc-kg/graph/metrics", "already has a named graph")):
        with pytest.raises(PushError) as info:
            push(built, "http://127.0.0.1:9/store", default_graph=bad, state_file=tmp_path / "s.json")
        assert words in str(info.value)


class AuthProxy(_Proxy):
    """Forwards requests to a server, and asks for HTTP Basic authentication as user ``kg``, password ``secret``."""

    def __init__(self, target: str):
        self.seen: list[str | None] = []
        super().__init__(target)

    def refuse(self, headers):
        self.seen.append(headers.get("Authorization"))
        if headers.get("Authorization") != "Basic a2c6c2VjcmV0":  # kg:secret
            return 401, {"WWW-Authenticate": 'Basic realm="kg"'}
        return None


def test_push_authenticates_when_the_server_asks(built, oxigraph, tmp_path):
    proxy = AuthProxy(oxigraph.store)
    try:
        with pytest.raises(PushError) as info:
            push(built, proxy.url, batch_size=5000, state_file=tmp_path / "s.json", query_url=oxigraph.query)
        assert "401" in str(info.value) and "--user NAME" in str(info.value) and "CPPCC_KG_PUSH_PASSWORD" in str(info.value)
        with pytest.raises(PushError):
            push(built, proxy.url, batch_size=5000, state_file=tmp_path / "s.json", query_url=oxigraph.query,
                 user="kg", password="wrong")
        out = push(built, proxy.url, batch_size=5000, state_file=tmp_path / "s.json", query_url=oxigraph.query,
                   user="kg", password="secret")
    finally:
        proxy.close()
    assert out["done"] and oxigraph.count() == expected_counts(built)[None]
    assert "Basic a2c6c2VjcmV0" in proxy.seen


def test_push_command_reads_the_password_from_the_environment_only(built, tmp_path, monkeypatch):
    monkeypatch.delenv("CPPCC_KG_PUSH_PASSWORD", raising=False)
    r = CliRunner().invoke(push_command, [f"http://127.0.0.1:{free_port()}/store", "--build-dir", str(built),
                                          "--user", "kg", "--state", str(tmp_path / "s.json")])
    assert r.exit_code == 1 and "CPPCC_KG_PUSH_PASSWORD" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(push_command, ["--help"])
    assert "--default-graph IRI" in r.output and "--user NAME" in r.output and "Virtuoso" in r.output


def test_counts_of_many_graphs_take_one_query(built, oxigraph, tmp_path, monkeypatch):
    """Counting graph by graph (100 per query) scans the whole store for each query on Virtuoso: 122 s for the
    4 004 graphs of scale 1000. Past 100 graphs the push counts every graph of the server in one query."""
    push(built, oxigraph.store, batch_size=5000, state_file=tmp_path / "s.json")
    counts = expected_counts(built)
    absent = [f"urn:absent:{i}" for i in range(150)]  # graphs the server does not hold count 0
    sent = []
    execute = EndpointEngine.execute
    monkeypatch.setattr(EndpointEngine, "execute", lambda self, text, *a, **k: sent.append(text) or execute(
        self, text, *a, **k))
    held = server_counts(oxigraph.query, [*counts, *absent])
    assert held == {**counts, **dict.fromkeys(absent, 0)}
    assert len(sent) == 2 and "VALUES" not in sent[1] and "GRAPH ?g" in sent[1]  # the default graph, then all
    sent.clear()
    few = [g for g in counts if g is not None][:3]
    assert server_counts(oxigraph.query, few) == {g: counts[g] for g in few}
    assert len(sent) == 1 and "VALUES" in sent[0]  # a few graphs: only they are read
