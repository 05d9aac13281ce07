"""The HTTP side of the SPARQL protocol: reading a request's parameters, headers and body; error answers.

>>> checked_host("example.org:8080"), checked_host(None)
('example.org:8080', None)
>>> checked_host("evil.example/x")
Traceback (most recent call last):
...
cppcc_kg.sparql.http.HttpError: the Host header 'evil.example/x' is not a host name or address with an optional port
"""
from __future__ import annotations

import ipaddress
import re
import urllib.parse
from http import HTTPStatus

from cppcc_kg.sparql.results import MEDIA_TYPES

#: the methods the endpoint answers (any other gets 405 with this list)
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
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


def response_type(fmt: str) -> str:
    """The Content-Type of an answer in *fmt*: the media type, with the charset for text types.

    >>> response_type("csv"), response_type("json")
    ('text/csv; charset=utf-8', 'application/sparql-results+json')
    """
    media = MEDIA_TYPES[fmt]
    return media if media.endswith("json") else media + "; charset=utf-8"


def checked_host(value: str | None) -> str | None:
    """*value* (a ``Host`` header) if it is ``host[:port]``; ``None`` if absent; else raise :class:`HttpError` 400.

    >>> checked_host("localhost."), checked_host("127.0.0.1:8000"), checked_host("[::1]:80")
    ('localhost.', '127.0.0.1:8000', '[::1]:80')
    >>> checked_host("a..b")
    Traceback (most recent call last):
    ...
    cppcc_kg.sparql.http.HttpError: the Host header 'a..b' is not a host name or address with an optional port
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


def endpoint_iri(host: str | None, bound: tuple | None) -> str:
    """The IRI of the endpoint: from a checked ``Host`` header, else from the bound address.

    >>> endpoint_iri(None, ("127.0.0.1", 8000)), endpoint_iri(None, ("::1", 80))
    ('http://127.0.0.1:8000/sparql', 'http://[::1]:80/sparql')
    """
    if host is None:
        addr, port = (bound or ("127.0.0.1", 80))[:2]
        host = f"[{addr}]:{port}" if ":" in str(addr) else f"{addr}:{port}"
    return f"http://{host}/sparql"


def one(params: dict, name: str) -> str | None:
    """The one value of parameter *name*, or ``None``; 400 if it is given more than once."""
    values = params.get(name, [])
    if len(values) > 1:
        raise HttpError(400, f"the request has {len(values)} '{name}' parameters; the protocol allows one")
    return values[0] if values else None


def parse_params(data: str, where: str) -> dict[str, list[str]]:
    """``{name: [values]}`` of a query string or form body (strict UTF-8 percent-encoding).

    >>> parse_params("query=ASK%20%7B%7D&x=1&x=2", "query string")
    {'query': ['ASK {}'], 'x': ['1', '2']}
    """
    try:
        pairs = urllib.parse.parse_qsl(data, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, f"the {where} is not valid UTF-8 percent-encoding: {exc}") from None
    params: dict[str, list[str]] = {}
    for k, v in pairs:
        params.setdefault(k, []).append(v)
    return params


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


def body_length(headers, limit: int) -> int:
    """The announced length of a request body (0 without one); 411, 400 or 413 if it cannot be read."""
    if "chunked" in (headers.get("transfer-encoding") or "").lower():
        raise HttpError(411, "send the body with a Content-Length (chunked transfer is not accepted)",
                        {"Connection": "close"})
    length = headers.get("content-length")
    try:
        n = int(length) if length is not None else 0
    except ValueError:
        raise HttpError(400, f"Content-Length {length!r} is not a number") from None
    if n > limit:
        raise HttpError(413, f"the request body has {n} bytes, more than the limit of {limit} (--max-body-bytes)",
                        {"Connection": "close"})
    return n


def sparql_params(method: str, query_string: str, ctype: str | None, body: bytes) -> dict[str, list[str]]:
    """The protocol parameters of a request: from the query string and, for a POST, the body."""
    params = parse_params(query_string, "query string")
    if method != "POST":
        return params
    media, options = content_type(ctype)
    charset = options.get("charset", "utf-8")
    if media == "application/x-www-form-urlencoded":
        if charset not in ("utf-8", "utf8"):
            raise HttpError(415, f"the form must be UTF-8, not {charset}")
        try:
            form = parse_params(body.decode("utf-8"), "form body")
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
    return params
