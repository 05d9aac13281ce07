"""Content negotiation: the result format for an HTTP ``Accept`` header and a query form.

>>> negotiate("application/sparql-results+xml;q=0.5, text/csv", "SELECT")
'csv'
"""
from __future__ import annotations

from cppcc_kg.sparql.results import OFFERED, NotAcceptable

#: media types accepted in Accept headers, per format (first is canonical)
ACCEPTED: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle", "application/x-turtle"),
    "nt": ("application/n-triples", "text/plain"),
    "jsonld": ("application/ld+json",),
}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``(media type, quality)`` of each part of an ``Accept`` header.

    >>> parse_accept("text/csv;q=0.5, */*")
    [('text/csv', 0.5), ('*/*', 1.0)]
    """
    out = []
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def negotiate(accept: str | None, form: str) -> str:
    """The result format for an ``Accept`` header and a query form; raise :class:`NotAcceptable`.

    >>> negotiate(None, "CONSTRUCT")
    'turtle'
    >>> negotiate("text/html,*/*;q=0.8", "ASK")
    'json'
    """
    offered = OFFERED[form]
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int] | None = None
    choice = None
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        for rank, fmt in enumerate(offered):
            types = ACCEPTED[fmt]
            major = types[0].split("/")[0]
            if media in types or media == "*/*" or media == f"{major}/*":
                specific = 0 if "*" in media else 1
                key = (q, specific, -rank)
                if best is None or key > best:
                    best, choice = key, fmt
    if choice is None:
        wanted = ", ".join(ACCEPTED[f][0] for f in offered)
        raise NotAcceptable(f"none of the media types in Accept ({accept}) can carry the result of a {form} query; use one of: {wanted}")
    return choice
