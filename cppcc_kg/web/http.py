"""The HTTP pieces that the project's local servers share (``cppcc-kg serve``, ``cppcc-kg review``):
error answers, the ``Host`` check, reading ``Content-Type`` and ``Content-Length``.

>>> checked_host("example.org:8080"), checked_host(None)
('example.org:8080', None)
>>> checked_host("evil.example/x")
Traceback (most recent call last):
...
cppcc_kg.web.http.HttpError: the Host header 'evil.example/x' is not a host name or address with an optional port
"""
from __future__ import annotations

import ipaddress
import re
from http import HTTPStatus

#: the Content-Security-Policy of the pages: only their own files, from this server
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: headers of every answer
COMMON_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]
#: a host name (letters, digits, '-', '_', '.') or an IPv4 address, or an IPv6 address in brackets; then ':port'
#: ``host[:port]``: an IPv6 address in brackets, or dot-separated labels of letters, digits and inner
#: hyphens (RFC 1123; IPv4 addresses are such labels), with an optional final dot (an absolute name)
HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]"
                  r"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)"
                  r"(?::(?P<port>[0-9]{1,5}))?")


class HttpError(Exception):
    """An error answer: status and message (sent as text/plain), and extra headers."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_body(status: int, message: str) -> bytes:
    """The text/plain body of an error answer: the status line, then the message.

    >>> error_body(405, "PUT is not allowed")
    b'405 Method Not Allowed\\nPUT is not allowed\\n'
    """
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    return f"{status} {phrase}\n{message}\n".encode()


def checked_host(value: str | None) -> str | None:
    """*value* (a ``Host`` header) if it is ``host[:port]``; ``None`` if absent; else raise :class:`HttpError` 400.

    >>> checked_host("localhost."), checked_host("127.0.0.1:8000"), checked_host("[::1]:80")
    ('localhost.', '127.0.0.1:8000', '[::1]:80')
    >>> checked_host("a..b")
    Traceback (most recent call last):
    ...
    cppcc_kg.web.http.HttpError: the Host header 'a..b' is not a host name or address with an optional port
    """
    if value is None:
        return None
    m = HOST.fullmatch(value)
    ok = m is not None and (m["port"] is None or int(m["port"]) <= 65535)
    if ok and m["name"].startswith("["):
        try:
            ipaddress.IPv6Address(m["name"][1:-1])
        except ValueError:
            ok = False
    if not ok:
        raise HttpError(400, f"the Host header {value!r} is not a host name or address with an optional port")
    return value


def content_type(header: str | None) -> tuple[str, dict]:
    """(media type, {option: value}) of a ``Content-Type`` header, lower-cased.

    >>> content_type('application/sparql-query; Charset="UTF-8"')
    ('application/sparql-query', {'charset': 'utf-8'})
    """
    if not header:
        return "", {}
    media, _, rest = header.partition(";")
    options = {}
    for part in rest.split(";"):
        k, sep, v = part.strip().partition("=")
        if sep:
            options[k.strip().lower()] = v.strip().strip('"').lower()
    return media.strip().lower(), options


def body_length(headers, limit: int, option: str = "--max-body-bytes") -> int:
    """The announced length of a request body (0 without one); 411, 400 or 413 if it cannot be read.

    *option* is the command's option that sets the limit (named in the 413 message; "" when there is none)."""
    if "chunked" in (headers.get("transfer-encoding") or "").lower():
        raise HttpError(411, "send the body with a Content-Length (chunked transfer is not accepted)",
                        {"Connection": "close"})
    length = headers.get("content-length")
    try:
        n = int(length) if length is not None else 0
    except ValueError:
        raise HttpError(400, f"Content-Length {length!r} is not a number") from None
    if n > limit:
        raise HttpError(413, f"the request body has {n} bytes, more than the limit of {limit}"
                        + (f" ({option})" if option else ""),
                        {"Connection": "close"})
    return n
