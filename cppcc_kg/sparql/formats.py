"""What ``cppcc-kg query`` prints: a result as a terminal table, CSV or TSV with labels, JSON or Turtle.

In the terminal the result is a table, IRIs shortened with our prefixes and each
IRI column followed by its Chinese and English labels (:func:`format_table`, aligned
for wide CJK characters). CSV and TSV are the same table with full IRIs, written by
pandas. Every value is printed as written in the result: a literal's lexical form
(``16``, ``0.5``, ``12345678901234567891``, ``true``), never a number converted and
printed again. JSON is the SPARQL 1.1 Query Results JSON of :func:`~cppcc_kg.sparql.results.serialize`
(JSON-LD for ``CONSTRUCT`` and ``DESCRIBE``), indented for reading; Turtle is for
``CONSTRUCT`` and ``DESCRIBE``.

>>> import pandas as pd
>>> print(format_table(pd.DataFrame({"名称": ["赤峰市", None], "n": [1, 22]})))
名称    n
------  --
赤峰市  1
        22
"""
from __future__ import annotations

import json

from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.sparql.query import to_frame
from cppcc_kg.sparql.results import NotAcceptable, QueryResult, serialize
from cppcc_kg.sparql.text import char_width, display_width

#: the formats of ``cppcc-kg query --format``
FORMATS = ("table", "csv", "tsv", "json", "turtle")


def prefixed(iri: str) -> str:
    """The shortest prefixed name of *iri* with our prefixes, or the IRI itself.

    >>> prefixed("https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc")
    'kgorg:inner-mongolia-cppcc'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def clip(text: str, limit: int) -> str:
    """*text* cut to *limit* terminal columns, with ``…`` where it was cut.

    >>> clip("内蒙古自治区政协", 9)
    '内蒙古自…'
    """
    if display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    if text.startswith(("http://", "https://")):
        text = prefixed(text)
    return " ".join(text.split())


def format_table(df, max_width: int = 48) -> str:
    """A plain-text table of a data frame, aligned for wide (CJK) characters."""
    columns = [str(c) for c in df.columns]
    rows = [[clip(_cell(v), max_width) for v in row] for row in df.itertuples(index=False, name=None)]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in rows]) for i, c in enumerate(columns)]

    def line(cells):
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths).rstrip()]
    out += [line(r) for r in rows]
    return "\n".join(out)


def render(result: QueryResult, fmt: str, labels: dict | None) -> bytes:
    """The bytes to print for a result in *fmt* (one of :data:`FORMATS`); *labels* as
    :meth:`~cppcc_kg.sparql.engines.Engine.labels` gives them, or None for no label columns.

    Raises :class:`~cppcc_kg.sparql.results.NotAcceptable` for ``turtle`` and a
    ``SELECT`` or ``ASK`` result.
    """
    graph_form = result.form in ("CONSTRUCT", "DESCRIBE")
    if fmt == "turtle":
        return serialize(result, "turtle")
    if fmt == "json":
        if graph_form:
            return serialize(result, "jsonld")
        doc = json.loads(serialize(result, "json"))
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt not in FORMATS:
        raise NotAcceptable(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    df = to_frame(result, labels, lexical=True)  # every value as written: no number goes through pandas
    if fmt in ("csv", "tsv"):
        return df.to_csv(index=False, sep="," if fmt == "csv" else "\t", lineterminator="\n").encode("utf-8")
    text = format_table(df)
    footer = f"\n({len(df)} row{'s' if len(df) != 1 else ''})\n" if not result.form == "ASK" else "\n"
    return (text + footer).encode("utf-8")
