"""The Starlette answers that the project's local servers share (``cppcc-kg serve``, ``cppcc-kg review``): an
error as text/plain, the files of a page, an empty favicon, and endpoints that never answer a traceback.

>>> error_response(HttpError(404, "no such resource: /x")).status_code
404
"""
from __future__ import annotations

import functools
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from cppcc_kg.web.http import PAGE_CSP, HttpError, error_body


def error_response(err: HttpError) -> Response:
    """The text/plain answer of an :class:`HttpError`."""
    return Response(error_body(err.status, err.message), err.status, headers=err.headers,
                    media_type="text/plain; charset=utf-8")


async def http_error(request: Request, err: HttpError) -> Response:
    """Exception handler: an :class:`HttpError` raised by a route becomes its answer."""
    return error_response(err)


def asset_endpoint(folder: Path, name: str, ctype: str):
    """The endpoint of one file of a page, read from *folder* (the package's ``assets/``), with the pages' CSP."""
    async def asset(request: Request) -> Response:
        return Response((folder / name).read_bytes(), 200, media_type=ctype,
                        headers={"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer"})
    return asset


async def favicon_endpoint(request: Request) -> Response:
    """No icon (204), so that browsers do not log a 404 for it."""
    return Response(b"", 204, media_type="image/x-icon")


def guarded(endpoint):
    """*endpoint* with any unexpected error answered as a 500 with its message (never a traceback)."""
    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except HttpError:
            raise
        except Exception as exc:  # noqa: BLE001 - never a bare traceback to the client
            raise HttpError(500, f"internal error: {type(exc).__name__}: {exc}") from None
    return run
