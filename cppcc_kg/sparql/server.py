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
message, unsupported media types 406/415. Each query runs in a worker process
(:mod:`cppcc_kg.sparql.pool`) that is killed at the time limit (503). No CORS
header is sent unless ``--cors-origin`` allows an origin.
"""
from __future__ import annotations

import json
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.sparql.dataset import built_files
from cppcc_kg.sparql.description import service_description
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS, QueryError, check_query
from cppcc_kg.sparql.library import query_library
from cppcc_kg.sparql.negotiation import negotiate
from cppcc_kg.sparql.pool import PoolError, QueryTimeout, StoreSpec, WorkerPool
from cppcc_kg.sparql.results import MEDIA_TYPES, NotAcceptable, graph_bytes

ASSET_DIR = Path(__file__).resolve().parent / "assets"
#: files of the query page, served from the package folder
ASSETS = {"/": ("page.html", "text/html; charset=utf-8"),
          "/sparql_page.js": ("page.js", "text/javascript; charset=utf-8"),
          "/sparql_page.css": ("page.css", "text/css; charset=utf-8")}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def response_type(fmt: str) -> str:
    """The Content-Type of an answer in *fmt*: the media type, with the charset for text types.

    >>> response_type("csv"), response_type("json")
    ('text/csv; charset=utf-8', 'application/sparql-results+json')
    """
    media = MEDIA_TYPES[fmt]
    return media if media.endswith("json") else media + "; charset=utf-8"


class HttpError(Exception):
    """An error answer: status and message (sent as text/plain)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class SparqlService:
    """What the request handler needs: the worker pool, limits, page and library."""

    def __init__(self, pool: WorkerPool, *, timeout: float = 10.0, max_rows: int | None = 10_000,
                 max_query_chars: int = DEFAULT_MAX_QUERY_CHARS, cors_origins=(), library: list | None = None,
                 quiet: bool = False):
        self.pool, self.timeout, self.max_rows = pool, timeout, max_rows
        self.max_query_chars, self.quiet = max_query_chars, quiet
        self.cors_origins = frozenset(cors_origins)
        self.library = library or []
        self.allowed_graphs = frozenset(pool.info.get("graphs", ()))

    def cors_headers(self, origin: str | None) -> dict:
        if origin and ("*" in self.cors_origins or origin in self.cors_origins):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    # ------------------------------------------------------------ queries

    def answer(self, text: str, params: dict, accept: str | None) -> tuple[str, bytes]:
        """(content type, body) of the answer to a query, or raise :class:`HttpError`."""
        try:
            info = check_query(text, allowed_graphs=self.allowed_graphs, max_chars=self.max_query_chars)
        except QueryError as exc:
            raise HttpError(exc.status, str(exc)) from None
        default_graphs = params.get("default-graph-uri", [])
        named_graphs = params.get("named-graph-uri", [])
        for g in default_graphs + named_graphs:
            if g not in self.allowed_graphs:
                ours = ", ".join(sorted(self.allowed_graphs)) or "none"
                raise HttpError(403, f"the graph <{g}> is not one of this service's graphs ({ours}): "
                                "nothing is loaded from elsewhere.")
        try:
            fmt = negotiate(accept, info.form)
        except NotAcceptable as exc:
            raise HttpError(406, str(exc)) from None
        job = {"text": text, "info": info, "format": fmt, "max_rows": self.max_rows,
               "default_graphs": default_graphs or None, "named_graphs": named_graphs or None}
        try:
            reply = self.pool.run(job, self.timeout)
        except (QueryTimeout, PoolError) as exc:
            raise HttpError(exc.status, str(exc), {"Retry-After": "5"} if exc.status == 503 else None) from None
        if reply[0] != "ok":
            raise HttpError(reply[1], reply[2])
        return response_type(fmt), reply[1]

    # ------------------------------------------------------------ service description

    def description(self, endpoint: str, accept: str | None) -> tuple[str, bytes]:
        """(content type, body) of the service description, in the format *accept* asks for."""
        g = service_description(endpoint, graphs=self.allowed_graphs, triples=self.pool.info.get("triples"),
                                timeout=self.timeout, max_rows=self.max_rows, max_query_chars=self.max_query_chars)
        try:
            fmt = negotiate(accept, "CONSTRUCT")
        except NotAcceptable as exc:
            raise HttpError(406, str(exc)) from None
        return response_type(fmt), graph_bytes(g, fmt)

    def library_json(self) -> bytes:
        doc = {"queries": [{k: e[k] for k in ("name", "en", "zh", "note", "text")} for e in self.library],
               "prefixes": PREFIXES}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _one(params: dict, name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise HttpError(400, f"the request has {len(values)} '{name}' parameters; the protocol allows one")
    return values[0] if values else None


def _parse_params(data: str, where: str) -> dict:
    try:
        pairs = urllib.parse.parse_qsl(data, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, f"the {where} is not valid UTF-8 percent-encoding: {exc}") from None
    params: dict[str, list[str]] = {}
    for k, v in pairs:
        params.setdefault(k, []).append(v)
    return params


def _content_type(header: str | None) -> tuple[str, dict]:
    if not header:
        return "", {}
    media, _, rest = header.partition(";")
    options = {}
    for part in rest.split(";"):
        k, sep, v = part.strip().partition("=")
        if sep:
            options[k.strip().lower()] = v.strip().strip('"').lower()
    return media.strip().lower(), options


class Handler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol request handler; ``self.server.service`` is a :class:`SparqlService`."""

    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "cppcc-kg"

    @property
    def service(self) -> SparqlService:
        return self.server.service  # type: ignore[attr-defined]

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if not self.service.quiet:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    # ------------------------------------------------------------ plumbing

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        for k, v in self.service.cors_headers(self.headers.get("Origin")).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, err: HttpError) -> None:
        phrase = HTTPStatus(err.status).phrase if err.status in HTTPStatus._value2member_map_ else ""
        body = f"{err.status} {phrase}\n{err.message}\n".encode("utf-8")
        headers = dict(err.headers)
        if err.status in (411, 413):  # the body was not read: this connection cannot carry another request
            self.close_connection = True
            headers["Connection"] = "close"
        self._send(err.status, body, "text/plain; charset=utf-8", headers)

    def _path(self) -> tuple[str, str]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, parts.query

    def _endpoint_iri(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}/sparql"

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise HttpError(411, "send the body with a Content-Length (chunked transfer is not accepted)")
        length = self.headers.get("Content-Length")
        try:
            n = int(length) if length is not None else 0
        except ValueError:
            raise HttpError(400, f"Content-Length {length!r} is not a number") from None
        limit = self.service.max_query_chars * 4 + 65536
        if n > limit:
            raise HttpError(413, f"the request body has {n} bytes, more than the limit of {limit}")
        return self.rfile.read(n) if n > 0 else b""

    # ------------------------------------------------------------ methods

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_HEAD(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def _not_allowed(self):
        try:
            self._read_body()
        except HttpError:
            pass
        self._error(HttpError(405, f"{self.command} is not allowed here: use GET or POST (this service is read-only)",
                              {"Allow": "GET, HEAD, POST, OPTIONS"}))

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815

    def do_OPTIONS(self):  # noqa: N802
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.service.cors_headers(self.headers.get("Origin")):
            headers.update({"Access-Control-Allow-Methods": "GET, POST",
                            "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"})
        self._send(204, b"", "text/plain; charset=utf-8", headers)

    def _dispatch(self, method: str) -> None:
        try:
            path, query_string = self._path()
            if path in ("/sparql", "/sparql/"):
                self._sparql(method, query_string)
            elif method == "GET" and path in ASSETS:
                name, ctype = ASSETS[path]
                body = (ASSET_DIR / name).read_bytes()
                self._send(200, body, ctype, {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer"})
            elif method == "GET" and path == "/favicon.ico":
                self._send(204, b"", "image/x-icon")
            elif method == "GET" and path == "/queries.json":
                self._send(200, self.service.library_json(), "application/json")
            elif method == "POST":
                self._read_body()
                raise HttpError(404, f"no such resource: {path} (the SPARQL endpoint is /sparql)")
            else:
                raise HttpError(404, f"no such resource: {path} (the SPARQL endpoint is /sparql, the query page is /)")
        except HttpError as err:
            self._error(err)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # never a bare traceback to the client
            self._error(HttpError(500, f"internal error: {type(exc).__name__}: {exc}"))

    def _sparql(self, method: str, query_string: str) -> None:
        params = _parse_params(query_string, "query string")
        if method == "POST":
            media, options = _content_type(self.headers.get("Content-Type"))
            body = self._read_body()
            charset = options.get("charset", "utf-8")
            if media == "application/x-www-form-urlencoded":
                if charset not in ("utf-8", "utf8"):
                    raise HttpError(415, f"the form must be UTF-8, not {charset}")
                try:
                    form = _parse_params(body.decode("utf-8"), "form body")
                except UnicodeDecodeError:
                    raise HttpError(400, "the form body is not UTF-8") from None
                for key in ("query", "update"):
                    if key in params and key in form:
                        raise HttpError(400, f"'{key}' is given both in the URL and in the form body")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif media == "application/sparql-query":
                if charset not in ("utf-8", "utf8"):
                    raise HttpError(415, f"the query must be sent in UTF-8, not {charset}")
                if "query" in params:
                    raise HttpError(400, "a direct POST carries the query in the body: remove 'query' from the URL")
                try:
                    params["query"] = [body.decode("utf-8")]
                except UnicodeDecodeError:
                    raise HttpError(400, "the query is not valid UTF-8") from None
            elif media == "application/sparql-update":
                raise HttpError(403, "SPARQL Update is not accepted: this service is read-only")
            elif not media:
                raise HttpError(415, "a POST needs a Content-Type: application/x-www-form-urlencoded "
                                "(query=…) or application/sparql-query (the query as the body)")
            else:
                raise HttpError(415, f"unsupported Content-Type {media}: use application/x-www-form-urlencoded "
                                "or application/sparql-query")
        if "update" in params:
            _one(params, "update")
            raise HttpError(403, "SPARQL Update is not accepted: this service is read-only")
        text = _one(params, "query")
        accept = self.headers.get("Accept")
        if text is None:
            if method == "POST":
                raise HttpError(400, "the request has no 'query'")
            ctype, body = self.service.description(self._endpoint_iri(), accept)
            self._send(200, body, ctype, {"Vary": "Accept"})
            return
        ctype, body = self.service.answer(text, params, accept)
        self._send(200, body, ctype, {"Vary": "Accept"})


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server bound to a :class:`SparqlService`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, service: SparqlService):
        self.service = service
        super().__init__(address, Handler)


def make_server(build_dir: str | Path = "build", *, host: str = "127.0.0.1", port: int = 8000,
                store: str = "memory", workers: int = 3, timeout: float = 10.0, max_rows: int | None = 10_000,
                max_query_chars: int = DEFAULT_MAX_QUERY_CHARS, cors_origins=(), queries_dir: str | Path | None = None,
                quiet: bool = False) -> SparqlServer:
    """Start the workers (they load the build) and return a server ready for ``serve_forever()``.

    ``port=0`` picks a free port (see ``server.server_address``). Close with
    :func:`shutdown`.
    """
    if store not in ("memory", "oxigraph"):
        raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")
    files = [(str(p), fmt, g) for p, fmt, g in built_files(build_dir)]
    pool = WorkerPool(StoreSpec(store, files), size=workers)
    pool.start()
    folder = Path(queries_dir) if queries_dir is not None else Path("queries")
    library = query_library(folder) if folder.is_dir() else []
    service = SparqlService(pool, timeout=timeout, max_rows=max_rows, max_query_chars=max_query_chars,
                            cors_origins=cors_origins, library=library, quiet=quiet)
    try:
        return SparqlServer((host, port), service)
    except OSError as exc:
        pool.close()
        raise QueryError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         "choose another --port (0 picks a free one).") from None


def shutdown(server: SparqlServer) -> None:
    """Stop serving, close the socket and stop the workers."""
    server.shutdown()
    server.server_close()
    server.service.pool.close()


def serve_in_thread(server: SparqlServer) -> threading.Thread:
    """Run ``server.serve_forever()`` in a daemon thread (for tests and notebooks)."""
    t = threading.Thread(target=server.serve_forever, name="cppcc-kg-sparql-server", daemon=True)
    t.start()
    return t
