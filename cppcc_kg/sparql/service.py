"""What the endpoint answers, apart from HTTP: queries through the worker pool, the service description,
the library of example queries; and the settings (limits) of one endpoint.

Its methods are plain blocking functions; the web application (:mod:`cppcc_kg.sparql.app`) calls them in
threads so that its event loop never waits on a query.
"""
from __future__ import annotations

import json
import threading

from cppcc_kg.errors import KGError
from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.sparql.description import service_description
from cppcc_kg.sparql.guard import DEFAULT_MAX_QUERY_CHARS, QueryError, check_query
from cppcc_kg.sparql.http import response_type
from cppcc_kg.sparql.negotiation import negotiate
from cppcc_kg.sparql.results import NotAcceptable, graph_bytes
from cppcc_kg.web.http import HttpError

#: seconds a client has to send a whole request (headers and body), from connecting or from the previous answer
DEFAULT_READ_TIMEOUT = 10.0
#: connections open at once; a client beyond it gets 503 at once
DEFAULT_MAX_CONNECTIONS = 500
#: largest request body (a form or a query), and largest request head (request line and headers)
DEFAULT_MAX_BODY_BYTES = 1_048_576
#: seconds an idle keep-alive connection is kept open between two requests
DEFAULT_KEEP_ALIVE = 5


class SparqlService:
    """What the request handlers need: the worker pool, the limits, the library of example queries.

    Parameters
    ----------
    pool : WorkerPool
        Runs the queries (``pool.run(job, timeout, cancel=event)``; ``pool.info`` has the graphs).
    timeout, max_rows, max_query_chars
        Limits of a query: seconds, result rows, characters.
    read_timeout, max_connections, max_body_bytes, keep_alive
        Limits of the transport (see the module constants).
    cors_origins : iterable of str
        Origins sent CORS headers (``*`` for any).
    """

    def __init__(self, pool, *, timeout: float = 10.0, max_rows: int | None = 10_000,
                 max_query_chars: int = DEFAULT_MAX_QUERY_CHARS, cors_origins=(), library: list | None = None,
                 quiet: bool = False, read_timeout: float = DEFAULT_READ_TIMEOUT,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 keep_alive: int = DEFAULT_KEEP_ALIVE):
        self.pool, self.timeout, self.max_rows = pool, timeout, max_rows
        self.max_query_chars, self.quiet = max_query_chars, quiet
        self.read_timeout, self.max_connections = read_timeout, max_connections
        self.max_body_bytes, self.keep_alive = max_body_bytes, keep_alive
        self.cors_origins = frozenset(cors_origins)
        self.library = library or []
        self.allowed_graphs = frozenset(pool.info.get("graphs", ()))

    def cors_headers(self, origin: str | None) -> dict:
        """The CORS headers for a request from *origin* (none unless the origin is allowed)."""
        if origin and ("*" in self.cors_origins or origin in self.cors_origins):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    def answer(self, text: str, params: dict, accept: str | None,
               cancel: threading.Event | None = None) -> tuple[str, bytes]:
        """(content type, body) of the answer to a query, or raise :class:`HttpError`.

        *cancel* is set when the client has gone: the pool then drops or stops the job.
        """
        try:
            info = check_query(text, allowed_graphs=self.allowed_graphs, max_chars=self.max_query_chars,
                               syntax=False)  # the worker parses: under the time limit, out of this process
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
        job = {"text": text, "info": info, "format": fmt, "max_rows": self.max_rows, "check_syntax": True,
               "default_graphs": default_graphs or None, "named_graphs": named_graphs or None}
        try:
            reply = self.pool.run(job, self.timeout, cancel=cancel)
        except KGError as exc:
            status = getattr(exc, "status", 500)
            status = status if isinstance(status, int) and 400 <= status <= 599 else 500
            raise HttpError(status, str(exc), {"Retry-After": "5"} if status == 503 else None) from None
        if reply[0] != "ok":
            raise HttpError(reply[1], reply[2])
        return response_type(fmt), reply[1]

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
        """The example queries and the prefixes, for the query page."""
        doc = {"queries": [{k: e[k] for k in ("name", "en", "zh", "note", "text")} for e in self.library],
               "prefixes": PREFIXES}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
