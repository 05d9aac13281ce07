"""The endpoint (`cppcc-kg serve`) against hostile or careless clients: raw HTTP, slow sockets, clients that leave.

Every answer to client input is 4xx with a text/plain message (never 5xx, never a stock
HTML page); slow clients are dropped; a client that has gone stops its query.
"""
from __future__ import annotations

import re
import resource
import socket
import threading
import time
import urllib.parse

import pytest
import rdflib
from click.testing import CliRunner

from cppcc_kg.errors import KGError
from cppcc_kg.sparql.guard import QueryError, QueryRefused
from cppcc_kg.sparql.pool import PoolError, QueryTimeout
from cppcc_kg.sparql.server import (
    SparqlServer,
    SparqlService,
    make_server,
    serve_in_thread,
    shutdown,
)

pytestmark = [pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")]

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def server(built):
    srv = make_server(built, port=0, workers=1, timeout=10, quiet=True)
    serve_in_thread(srv)
    yield srv
    shutdown(srv)


def start(service: SparqlService) -> SparqlServer:
    srv = SparqlServer(("127.0.0.1", 0), service)
    serve_in_thread(srv)
    return srv


def stop(srv: SparqlServer) -> None:
    srv.shutdown()
    srv.server_close()


def variant(server, **options) -> SparqlServer:
    """Another server on the same worker, with other settings."""
    return start(SparqlService(server.service.pool, quiet=True, **options))


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def raw(server, data: bytes, timeout: float = 15.0) -> tuple[int, dict, bytes]:
    """(status, headers, body) of the answer to the bytes *data* (which should ask to close the connection)."""
    with socket.create_connection(server.server_address[:2], timeout=timeout) as s:
        s.sendall(data)
        reply = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


def request(method: str, target: str, host: str | None = "127.0.0.1", extra: str = "") -> bytes:
    host_line = f"Host: {host}\r\n" if host is not None else ""
    return f"{method} {target} HTTP/1.1\r\n{host_line}{extra}Connection: close\r\n\r\n".encode("latin-1")


def closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """True once the server closes *sock* (EOF or reset) within *timeout* seconds."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


# ---------------------------------------------------------------- item 2: client input never gives 5xx


@pytest.mark.parametrize("host", ["evil.example/x> <urn:a", "a b", "[::1", "host:99999", "host:port", "<x>",
                                  "h\"ost", "example.org:8080/sparql#", "user@example.org", "a..b", ".a", "a.-b"])
def test_malformed_host_is_400(server, host):
    status, h, body = raw(server, request("GET", "/sparql", host))
    assert status == 400, body
    assert h["content-type"] == "text/plain; charset=utf-8"
    assert b"Host" in body
    status, _, body = raw(server, request("GET", "/sparql?query=ASK%7B%7D", host))
    assert status == 400, body


@pytest.mark.parametrize("host,endpoint", [("example.org:8080", "http://example.org:8080/sparql"),
                                           ("Example.ORG", "http://Example.ORG/sparql"),
                                           ("[::1]:8000", "http://[::1]:8000/sparql"),
                                           ("10.0.0.1", "http://10.0.0.1/sparql"),
                                           ("localhost.:8000", "http://localhost.:8000/sparql")])
def test_service_description_names_a_valid_host(server, host, endpoint):
    status, _, body = raw(server, request("GET", "/sparql", host))
    assert status == 200, body
    g = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert [str(o) for o in g.objects(None, SD.endpoint)] == [endpoint]


def test_service_description_without_host_names_the_bound_address(server):
    status, _, body = raw(server, b"GET /sparql HTTP/1.0\r\n\r\n")
    assert status == 200, body
    g = rdflib.Graph().parse(data=body.decode("utf-8"), format="turtle")
    host, port = server.server_address[:2]
    assert [str(o) for o in g.objects(None, SD.endpoint)] == [f"http://{host}:{port}/sparql"]


@pytest.mark.parametrize("method,target", [("TRACE", "/sparql"), ("CONNECT", "example.com:443"),
                                           ("PROPFIND", "/"), ("FOO", "/sparql"), ("TRACE", "/nothing"),
                                           ("get", "/sparql")])
def test_unknown_methods_are_405(server, method, target):
    status, h, body = raw(server, request(method, target))
    assert status == 405, body
    assert h["allow"] == "GET, HEAD, POST, OPTIONS"
    assert h["content-type"] == "text/plain; charset=utf-8"
    assert f"{method} is not allowed".encode() in body and b"<html" not in body.lower()


def test_invalid_regex_is_400(server):
    """An invalid regular expression is the client's error (the memory store raised a 500)."""
    q = 'SELECT * WHERE { ?s ?p ?o FILTER(regex(str(?o), "(")) } LIMIT 1'
    status, h, body = raw(server, request("GET", "/sparql?" + urllib.parse.urlencode({"query": q})))
    assert status == 400, body
    assert h["content-type"] == "text/plain; charset=utf-8"


def test_garbage_request_lines_are_400(server):
    for data in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", b"GET /sparql\xff HTTP/1.1\r\n\r\n",
                 b"GET /sparql HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"GET /sparql HTTP/1.1\r\n\r\n"):
        status, h, body = raw(server, data)
        assert status == 400, (data, body)
        assert h["content-type"].startswith("text/plain")


def test_too_large_results_say_why_and_the_limit(server):
    srv = variant(server, max_rows=5)
    try:
        for q in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE { ?s ?p ?o }"):
            status, _, body = raw(srv, request("GET", "/sparql?" + urllib.parse.urlencode({"query": q})))
            assert status == 403, (q, body)
            text = body.decode("utf-8")
            assert re.search(r"\b5\b", text) and ("maximum" in text or "limit" in text), (q, text)
    finally:
        stop(srv)


# ---------------------------------------------------------------- item 3: slow clients, many sockets, clients gone


def test_slow_clients_are_dropped(server):
    srv = variant(server, read_timeout=1.0)
    try:
        address = srv.server_address[:2]
        idle = socket.create_connection(address)  # sends nothing at all
        headers = socket.create_connection(address)  # never finishes its headers
        headers.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/")
        body = socket.create_connection(address)  # never finishes its body
        body.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK {")
        t0 = time.monotonic()
        for s in (idle, headers, body):
            assert closed_by_peer(s, 8.0), "a slow client was not dropped"
            s.close()
        assert time.monotonic() - t0 < 6.0
        status, _, _ = raw(srv, request("GET", "/sparql?query=ASK%7B%7D"))  # and the server still answers
        assert status == 200
    finally:
        stop(srv)


def test_many_slow_sockets_once_closed_leave_the_endpoint_answering(server):
    """2000 sockets send part of a query's headers, then close: nothing runs, the next query is answered at once.

    (The standard library's server took each cut request for a whole one and queued 2000 queries.)
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 6000:  # both ends of each socket are in this process
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(6000, hard), hard))
    address = server.server_address[:2]
    socks = []
    try:
        for _ in range(2000):
            s = socket.socket()
            s.settimeout(5)
            s.connect(address)
            try:
                s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            except OSError:
                pass  # refused at once: over the connection limit
            socks.append(s)
        # over the limit, a new client gets a clean 503 at once (never a hang)
        during = raw(server, request("GET", "/sparql?query=ASK%7B%7D"), timeout=5)
        for s in socks:
            s.close()
        t0 = time.monotonic()
        while True:
            status, _, body = raw(server, request("GET", "/sparql?query=ASK%7B%7D"), timeout=5)
            if status == 200:
                break
            assert status == 503 and time.monotonic() - t0 < 1.0, (status, body)
        status, h, body = during
        assert status == 503 and "retry-after" in h and b"connections" in body, body
    finally:
        for s in socks:
            s.close()


class FakePool:
    """A pool whose job waits until the request is cancelled (or raises what it is given)."""

    size = 1

    def __init__(self, error: Exception | None = None):
        self.info = {"graphs": [], "triples": 0}
        self.error = error
        self.started = threading.Event()
        self.cancel: threading.Event | None = None
        self.cancelled = threading.Event()

    def run(self, job, timeout, cancel=None):
        self.cancel = cancel
        self.started.set()
        if self.error is not None:
            raise self.error
        if cancel is not None and cancel.wait(20):
            self.cancelled.set()
            raise QueryTimeout("stopped: the client has gone")
        return ("ok", b'{"head": {}, "boolean": true}')

    def idle_count(self):
        return 1


def test_a_request_whose_client_has_gone_is_cancelled():
    pool = FakePool()
    srv = start(SparqlService(pool, quiet=True))
    try:
        s = socket.create_connection(srv.server_address[:2])
        s.sendall(request("GET", "/sparql?query=ASK%7B%7D"))
        assert pool.started.wait(10)
        # while the job waits, the server answers others (its event loop is not blocked)
        status, _, _ = raw(srv, request("GET", "/queries.json"), timeout=5)
        assert status == 200
        assert not pool.cancelled.is_set()
        s.close()
        assert pool.cancelled.wait(10), "the job of a client that has gone was not cancelled"
        assert isinstance(pool.cancel, threading.Event)
    finally:
        stop(srv)


@pytest.mark.parametrize("error,status", [
    (QueryTimeout("every query worker stayed busy", "try again later."), 503),
    (PoolError("the query pool is closed"), 503),
    (KGError("something the pool says"), 500),
    (QueryRefused("refused by the engine"), 403),
])
def test_pool_errors_keep_their_status_and_message(error, status):
    srv = start(SparqlService(FakePool(error), quiet=True))
    try:
        got, h, body = raw(srv, request("GET", "/sparql?query=ASK%7B%7D"))
        assert got == status, body
        assert h["content-type"] == "text/plain; charset=utf-8"
        assert error.message.encode() in body
        assert ("retry-after" in h) == (status == 503)
    finally:
        stop(srv)


# ---------------------------------------------------------------- binding and the command


def test_binding_error_is_a_clean_message(built):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        with pytest.raises(QueryError, match="cannot listen on 127.0.0.1"):
            make_server(built, port=taken.getsockname()[1], workers=1, quiet=True)
    finally:
        taken.close()


def test_serve_options_have_help():
    from cppcc_kg.cli.serve import command

    out = CliRunner().invoke(command, ["--help"]).output
    options = {p.opts[0]: p for p in command.params}
    for name in ("--store", "--build-dir", "--read-timeout", "--max-connections", "--max-body-bytes", "--keep-alive"):
        assert options[name].help and options[name].show_default, name
        assert name in out
    assert all(p.help for p in command.params), [p.opts for p in command.params if not p.help]


def test_a_client_that_stops_reading_its_answer_is_dropped(server):
    """Before, the server held the whole reply of a client that never read it, for as long as it stayed."""
    srv = variant(server, read_timeout=1.0, max_rows=None)
    try:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a reader that takes almost nothing
        s.connect(srv.server_address[:2])
        big = "SELECT * WHERE { ?s ?p ?o VALUES ?k { 1 2 3 4 } }"
        s.sendall(request("GET", "/sparql?" + urllib.parse.urlencode({"query": big})))
        connections = srv.uvicorn.server_state.connections
        wait_for(lambda: len(connections) == 1, what="the connection")
        wait_for(lambda: len(connections) == 0, timeout=60, what="the connection of a client that reads nothing "
                                                                   "to be dropped")
        s.close()
        assert raw(srv, request("GET", "/sparql?query=ASK%7B%7D"))[0] == 200
    finally:
        stop(srv)
