"""The web application of ``cppcc-kg review`` (Starlette): the page, its data, and decisions.

Routes: ``/`` (the page), ``/review.js``, ``/review.css`` (its own files: nothing else is loaded,
CSP ``default-src 'none'``), ``GET /api/state`` (the data of the page) and ``POST /api/decide``
(one decision; the curated files are written again).

The page is local and writes files, so every request passes :class:`ReviewGate` first:

* ``Host`` must name this server (``127.0.0.1``, ``localhost``, ``[::1]`` or the bound address, with
  the bound port): a page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets 403;
* GET, HEAD and POST only (405 otherwise; OPTIONS too: there is no CORS, no preflight succeeds);
* ``/api/`` requests carry the secret of this run (``X-Review-Token``; printed in the URL of the page,
  compared in constant time): 403 without it;
* a POST must come from this page: ``Origin`` equal to ``http://HOST`` (403 otherwise, or if absent),
  ``Content-Type: application/json`` (415), a body of at most ``max_body_bytes`` (413), valid JSON (400).

Errors are text/plain with a message (:func:`cppcc_kg.web.http.error_body`), never a traceback.
"""
from __future__ import annotations

import hmac
import json
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

from cppcc_kg.review.decisions import DecisionError
from cppcc_kg.review.session import ReviewSession
from cppcc_kg.web.http import (
    COMMON_HEADERS,
    HttpError,
    body_length,
    checked_host,
    content_type,
)
from cppcc_kg.web.responses import (
    asset_endpoint,
    error_response,
    favicon_endpoint,
    guarded,
    http_error,
)

__all__ = ["TOKEN_HEADER", "build_app"]

ASSET_DIR = Path(__file__).resolve().parent / "assets"
ASSETS = {"/": ("review.html", "text/html; charset=utf-8"),
          "/review.js": ("review.js", "text/javascript; charset=utf-8"),
          "/review.css": ("review.css", "text/css; charset=utf-8")}
TOKEN_HEADER = "x-review-token"
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


class ReviewGate:
    """ASGI middleware: Host, methods, the token on ``/api/``, the Origin of writes, common headers."""

    def __init__(self, app, token: str, port: int, bound_host: str):
        self.app, self.token = app, token
        names = set(LOCAL_NAMES) | {f"[{bound_host}]" if ":" in bound_host else bound_host}
        self.hosts = {f"{n}:{port}" for n in names}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + COMMON_HEADERS}
            await send(message)

        try:
            self.check(scope, headers)
        except HttpError as err:
            await error_response(err)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def check(self, scope, headers: Headers) -> None:
        host = checked_host(headers.get("host"))
        if host is None or host.lower() not in self.hosts:
            raise HttpError(403, f"the Host header {host!r} does not name this review server "
                                 f"(one of {', '.join(sorted(self.hosts))})")
        method = scope["method"]
        if method not in ("GET", "HEAD", "POST"):
            raise HttpError(405, f"{method} is not allowed here: the review page takes GET, and POST for decisions "
                                 "(no CORS)", {"Allow": "GET, HEAD, POST", "Connection": "close"})
        if scope["path"].startswith("/api/"):
            given = headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode("utf-8", "replace"), self.token.encode()):
                raise HttpError(403, "the request does not carry this review's token (X-Review-Token): "
                                     "open the page from the URL that cppcc-kg review printed")
        if method == "POST":
            origin = headers.get("origin")
            if origin != f"http://{host}":
                raise HttpError(403, f"the Origin {origin!r} is not this review page (http://{host}): "
                                     "decisions are taken on the page only")


async def read_json(request: Request, limit: int) -> dict:
    media, _ = content_type(request.headers.get("content-type"))
    if media != "application/json":
        raise HttpError(415, f"the body must be JSON (Content-Type: application/json), not {media or 'none'!r}")
    if not body_length(request.headers, limit, option=""):
        raise HttpError(400, "the request has no body: send the decision as a JSON object")
    try:
        data = await request.body()
    except ClientDisconnect:
        raise HttpError(400, "the client closed the connection before the end of its request") from None
    if len(data) > limit:
        raise HttpError(413, f"the request body has more than {limit} bytes (a decision is a small object)")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise HttpError(400, "the body is JSON nested too deeply: a decision is a flat object") from None
    if not isinstance(body, dict):
        raise HttpError(400, "the body must be a JSON object: {\"key\": …, \"action\": …}")
    return body


def _json(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, sort_keys=True), 200, media_type="application/json")


async def state_endpoint(request: Request) -> Response:
    session: ReviewSession = request.app.state.session
    return _json(await anyio.to_thread.run_sync(session.state))


async def decide_endpoint(request: Request) -> Response:
    session: ReviewSession = request.app.state.session
    body = await read_json(request, request.app.state.max_body_bytes)
    try:
        return _json(await anyio.to_thread.run_sync(session.decide, body))
    except DecisionError as exc:
        raise HttpError(exc.status, exc.message) from None


async def routing_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 405:
        return error_response(HttpError(405, f"{request.method} is not allowed on {request.url.path}",
                                        {"Allow": "POST" if request.url.path == "/api/decide" else "GET, HEAD"}))
    return error_response(HttpError(exc.status_code, f"no such resource: {request.url.path} (the review page is /)"))


def build_app(session: ReviewSession, token: str, port: int, bound_host: str = "127.0.0.1",
              max_body_bytes: int = 64 * 1024) -> Starlette:
    """The ASGI application of the review *session*, for a server on *bound_host*:*port*."""
    routes = [Route("/api/state", guarded(state_endpoint), methods=["GET"]),
              Route("/api/decide", guarded(decide_endpoint), methods=["POST"]),
              Route("/favicon.ico", favicon_endpoint, methods=["GET"])]
    routes += [Route(path, asset_endpoint(ASSET_DIR, name, ctype), methods=["GET"]) for path, (name, ctype) in ASSETS.items()]
    app = Starlette(routes=routes,
                    middleware=[Middleware(ReviewGate, token=token, port=port, bound_host=bound_host)],
                    exception_handlers={HttpError: http_error, HTTPException: routing_error})
    app.router.redirect_slashes = False
    app.state.session = session
    app.state.max_body_bytes = max_body_bytes
    return app
