"""``cppcc-kg serve``: a read-only SPARQL 1.1 endpoint for the built graph, and a query page.

* ``/sparql`` speaks the SPARQL 1.1 Protocol: ``GET ?query=…``, ``POST`` with a
  form (``application/x-www-form-urlencoded``) or the query as the body
  (``application/sparql-query``), ``default-graph-uri`` / ``named-graph-uri``
  for our own graphs. Results are negotiated (``Accept``): SPARQL results JSON,
  XML, CSV, TSV; Turtle, N-Triples, JSON-LD for CONSTRUCT and DESCRIBE.
  Without a query it returns its service description (Turtle by default).
* ``/`` is a query page (editor, the queries of ``queries/`` as examples, result
  table, downloads) made only of files served here: it works offline.

Closed and read-only: updates, ``SERVICE``, and ``FROM``/``FROM NAMED``/protocol
graphs other than ours are refused (403) before anything runs, so no request
leaves the server and no local file is read. Malformed requests get 400 with a
message, unsupported media types 406/415, other methods 405. Each query runs in a
worker process (:mod:`cppcc_kg.sparql.pool`) that is killed at the time limit (503).
No CORS header is sent unless ``--cors-origin`` allows an origin.

The application is Starlette (:mod:`cppcc_kg.sparql.app`) on uvicorn's HTTP/1.1
protocol with a read time limit and a cap on connections (:mod:`cppcc_kg.web.transport`), run by
:class:`cppcc_kg.web.server.WebServer`, which ``cppcc-kg review`` shares.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

from cppcc_kg.sparql.app import build_app
from cppcc_kg.sparql.dataset import built_files
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS, QueryError
from cppcc_kg.sparql.library import query_library
from cppcc_kg.sparql.pool import StoreSpec, WorkerPool
from cppcc_kg.sparql.service import (
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_READ_TIMEOUT,
    SparqlService,
)
from cppcc_kg.web.server import WebServer, bind
from cppcc_kg.web.server import serve_in_thread as web_serve_in_thread

__all__ = ["SparqlServer", "SparqlService", "make_server", "serve_in_thread", "shutdown"]


class SparqlServer(WebServer):
    """The endpoint of a :class:`SparqlService`, bound to *address* ``(host, port)`` when made.

    A :class:`~cppcc_kg.web.server.WebServer` of the application :func:`~cppcc_kg.sparql.app.build_app`
    with the limits of *service*. *sock* is a socket already bound by :func:`bind` (else it binds *address*).
    """

    def __init__(self, address: tuple, service: SparqlService, sock: socket.socket | None = None):
        self.service = service
        super().__init__(build_app(service), sock if sock is not None else bind(address),
                         read_timeout=service.read_timeout, max_connections=service.max_connections,
                         max_body_bytes=service.max_body_bytes, keep_alive=service.keep_alive)


def make_server(build_dir: str | Path = "build", *, host: str = "127.0.0.1", port: int = 8000,
                store: str = "memory", workers: int = 3, timeout: float = 10.0, max_rows: int | None = 10_000,
                max_query_chars: int = DEFAULT_MAX_QUERY_CHARS, cors_origins=(), queries_dir: str | Path | None = None,
                quiet: bool = False, read_timeout: float = DEFAULT_READ_TIMEOUT,
                max_connections: int = DEFAULT_MAX_CONNECTIONS, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                keep_alive: int = DEFAULT_KEEP_ALIVE, max_reply_bytes: int | None = 64 * 2**20,
                worker_memory_mb: int | None = 1024, max_queue: int = 128) -> SparqlServer:
    """Start the workers (they load the build) and return a server ready for ``serve_forever()``.

    ``port=0`` picks a free port (see ``server.server_address``). Close with
    :func:`shutdown`. The limits are those of :class:`SparqlService`, and of the workers:
    ``max_reply_bytes`` (largest serialized answer), ``worker_memory_mb`` (how much a
    worker may grow past its loaded size), ``max_queue`` (queries waiting for a worker);
    None or 0 for no limit on the first two.
    """
    if store not in ("memory", "oxigraph"):
        raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")
    files = [(str(p), fmt, g) for p, fmt, g in built_files(build_dir)]
    try:
        sock = bind((host, port))  # before the workers start: a busy port fails at once
    except OSError as exc:
        raise QueryError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         "choose another --port (0 picks a free one).") from None
    spec = StoreSpec(store, files, memory_mb=worker_memory_mb or None, max_reply_bytes=max_reply_bytes or None)
    pool = WorkerPool(spec, size=workers, max_queue=max_queue)
    try:
        pool.start()
    except BaseException:
        sock.close()
        raise
    folder = Path(queries_dir) if queries_dir is not None else Path("queries")
    library = query_library(folder) if folder.is_dir() else []
    service = SparqlService(pool, timeout=timeout, max_rows=max_rows, max_query_chars=max_query_chars,
                            cors_origins=cors_origins, library=library, quiet=quiet, read_timeout=read_timeout,
                            max_connections=max_connections, max_body_bytes=max_body_bytes, keep_alive=keep_alive)
    return SparqlServer((host, port), service, sock)


def shutdown(server: SparqlServer) -> None:
    """Stop serving, close the socket and stop the workers."""
    server.shutdown()
    server.server_close()
    server.service.pool.close()


def serve_in_thread(server: SparqlServer) -> threading.Thread:
    """Run ``server.serve_forever()`` in a daemon thread (for tests and notebooks)."""
    return web_serve_in_thread(server, "cppcc-kg-sparql-server")
