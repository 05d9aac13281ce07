"""The HTTP side of the SPARQL protocol: reading a request's parameters and body.

The pieces every local server of the project shares (error answers, the ``Host`` check, ``Content-Type``,
``Content-Length``) are in :mod:`cppcc_kg.web.http`.
"""
from __future__ import annotations

import urllib.parse

from cppcc_kg.sparql.results import MEDIA_TYPES
from cppcc_kg.web.http import HttpError, content_type

#: the methods the endpoint answers (any other gets 405 with this list)
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


def response_type(fmt: str) -> str:
    """The Content-Type of an answer in *fmt*: the media type, with the charset for text types.

    >>> response_type("csv"), response_type("json")
    ('text/csv; charset=utf-8', 'application/sparql-results+json')
    """
    media = MEDIA_TYPES[fmt]
    return media if media.endswith("json") else media + "; charset=utf-8"


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
