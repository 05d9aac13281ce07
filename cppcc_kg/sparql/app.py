"""The web application of ``cppcc-kg serve`` (Starlette, ASGI): the routes, the request gate, the endpoints.

* :class:`RequestGate` sees every request first: it refuses a malformed ``Host`` (400)
  and any method but GET, HEAD, POST and OPTIONS (405 with ``Allow``), answers OPTIONS,
  adds the common headers (no sniffing, no caching, CORS when allowed) and logs.
* ``/sparql`` reads the protocol parameters (:mod:`cppcc_kg.sparql.http`) and hands the
  query to :meth:`SparqlService.answer` in a thread, while it watches the connection: when
  the client goes, the ``cancel`` event given to the worker pool is set.
* ``/``, ``/sparql_page.js``, ``/sparql_page.css``, ``/queries.json``: the query page.

Every error is a text/plain answer with a message (:func:`error_response`).
"""
from __future__ import annotations

import functools
import sys
import threading
from pathlib import Path

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from cppcc_kg.sparql.http import ALLOWED_METHODS, endpoint_iri, one, sparql_params
from cppcc_kg.sparql.service import SparqlService
from cppcc_kg.web.http import (
    COMMON_HEADERS,
    HttpError,
    body_length,
    checked_host,
)
from cppcc_kg.web.responses import (
    asset_endpoint,
    error_response,
    favicon_endpoint,
    guarded,
    http_error,
)

ASSET_DIR = Path(__file__).resolve().parent / "assets"
#: files of the query page, served from the package folder
ASSETS = {"/": ("page.html", "text/html; charset=utf-8"),
          "/sparql_page.js": ("page.js", "text/javascript; charset=utf-8"),
          "/sparql_page.css": ("page.css", "text/css; charset=utf-8")}


class RequestGate:
    """ASGI middleware before the routes: Host, methods, OPTIONS, common headers, the log."""

    def __init__(self, app, service: SparqlService):
        self.app, self.service = app, service

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        send = self.decorated(send, scope, headers.get("origin"))
        try:
            scope.setdefault("state", {})["host"] = checked_host(headers.get("host"))
            method = scope["method"]
            if method == "OPTIONS":
                await self.options(headers.get("origin"))(scope, receive, send)
                return
            if method not in ("GET", "HEAD", "POST"):
                raise HttpError(405, f"{method} is not allowed here: use GET or POST (this service is read-only)",
                                {"Allow": ALLOWED_METHODS, "Connection": "close"})
        except HttpError as err:
            await error_response(err)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def options(self, origin: str | None) -> Response:
        headers = {"Allow": ALLOWED_METHODS}
        if self.service.cors_headers(origin):
            headers.update({"Access-Control-Allow-Methods": "GET, POST",
                            "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"})
        return Response(b"", 204, headers=headers, media_type="text/plain; charset=utf-8")

    def decorated(self, send, scope, origin: str | None):
        """*send* that adds the common and CORS headers to the answer, and logs it."""
        extra = COMMON_HEADERS + [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                  for k, v in self.service.cors_headers(origin).items()]
        seen = {"status": 0, "size": 0}

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + extra}
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["size"] += len(message.get("body", b""))
                if not message.get("more_body") and not self.service.quiet:
                    self.log(scope, seen["status"], seen["size"])
            await send(message)

        return send_with_headers

    @staticmethod
    def log(scope, status: int, size: int) -> None:
        client = (scope.get("client") or ("-",))[0]
        target = scope.get("raw_path", b"").decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        sys.stderr.write(f'{client} - "{scope["method"]} {target} HTTP/{scope["http_version"]}" {status} {size}\n')


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, at most *limit* bytes (413 above); 400 if the client has gone while sending it."""
    if not body_length(request.headers, limit):
        return b""
    try:
        return await request.body()
    except ClientDisconnect:
        raise HttpError(400, "the client closed the connection before the end of its request") from None


async def answer_watched(request: Request, call, *args) -> tuple[str, bytes]:
    """``call(*args, cancel=event)`` in a thread, while watching the connection: *event* is set once the
    client has gone (or this request is cancelled), so that the worker pool drops or stops the query."""
    cancel = threading.Event()

    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        cancel.set()

    limiter = request.app.state.query_threads
    outcome: dict = {}
    try:
        async with anyio.create_task_group() as tasks:  # errors are kept out of it (it would group them)
            tasks.start_soon(watch)
            try:
                outcome["reply"] = await anyio.to_thread.run_sync(functools.partial(call, *args, cancel=cancel),
                                                                  abandon_on_cancel=True, limiter=limiter)
            except Exception as exc:  # noqa: BLE001 - raised again below, out of the task group
                outcome["error"] = exc
            tasks.cancel_scope.cancel()
    finally:
        if "reply" not in outcome:  # an error, or this request was cancelled (the server stops): drop the job
            cancel.set()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["reply"]


async def sparql_endpoint(request: Request) -> Response:
    """The SPARQL 1.1 Protocol: GET or POST; the service description without a query."""
    service: SparqlService = request.app.state.service
    method = request.method if request.method != "HEAD" else "GET"
    body = await read_body(request, service.max_body_bytes) if method == "POST" else b""
    params = sparql_params(method, request.scope["query_string"].decode("latin-1"),
                           request.headers.get("content-type"), body)
    if "update" in params:
        one(params, "update")
        raise HttpError(403, "SPARQL Update is not accepted: this service is read-only")
    text = one(params, "query")
    accept = request.headers.get("accept")
    if text is None:
        if method == "POST":
            raise HttpError(400, "the request has no 'query'")
        endpoint = endpoint_iri(request.scope["state"].get("host"), request.scope.get("server"))
        ctype, data = await anyio.to_thread.run_sync(service.description, endpoint, accept)
    else:
        ctype, data = await answer_watched(request, service.answer, text, params, accept)
    return Response(data, 200, headers={"Vary": "Accept"}, media_type=ctype)


async def library_endpoint(request: Request) -> Response:
    return Response(request.app.state.service.library_json(), 200, media_type="application/json")


async def not_found(request: Request, exc: HTTPException) -> Response:
    """Starlette's routing errors (no route; a method a route does not take) as our messages."""
    path, method = request.url.path, request.method
    if exc.status_code == 405:
        return error_response(HttpError(405, f"{method} is not allowed on {path}: the query page and its files "
                                        "take GET; the SPARQL endpoint /sparql takes GET and POST",
                                        {"Allow": "GET, HEAD"}))
    where = "the SPARQL endpoint is /sparql" + (", the query page is /" if method != "POST" else "")
    return error_response(HttpError(exc.status_code, f"no such resource: {path} ({where})"))


def build_app(service: SparqlService) -> Starlette:
    """The ASGI application of *service*."""
    sparql = guarded(sparql_endpoint)
    routes = [Route("/sparql", sparql, methods=["GET", "POST"]), Route("/sparql/", sparql, methods=["GET", "POST"]),
              Route("/queries.json", guarded(library_endpoint), methods=["GET"]),
              Route("/favicon.ico", favicon_endpoint, methods=["GET"])]
    routes += [Route(path, asset_endpoint(ASSET_DIR, name, ctype), methods=["GET"]) for path, (name, ctype) in ASSETS.items()]
    app = Starlette(routes=routes, middleware=[Middleware(RequestGate, service=service)],
                    exception_handlers={HttpError: http_error, HTTPException: not_found})
    app.router.redirect_slashes = False
    app.state.service = service
    app.state.query_threads = anyio.CapacityLimiter(max(service.max_connections, 1))
    return app
