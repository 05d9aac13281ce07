"""Query results in one shape for every store, and their standard serializations.

:class:`QueryResult` holds what a query returned, as rdflib terms, whichever
store ran it (rdflib, Oxigraph or a remote endpoint). The serializers write the
W3C formats: SPARQL 1.1 Query Results JSON, XML, CSV and TSV for ``SELECT`` and
``ASK``; Turtle, N-Triples and JSON-LD for ``CONSTRUCT`` and ``DESCRIBE``. They
are our own, so the two stores give byte-identical answers for the same rows.

>>> from rdflib import URIRef, Literal
>>> r = QueryResult("SELECT", ["s", "n"], [(URIRef("https://w3id.org/cppcc-kg/id/org/a"), Literal(3))])
>>> serialize(r, "csv").decode().splitlines()
['s,n', 'https://w3id.org/cppcc-kg/id/org/a,3']
>>> negotiate("application/sparql-results+xml;q=0.5, text/csv", "SELECT")
'csv'
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef

#: xsd:string, the datatype of simple literals
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")

#: format name -> media type of the response
MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
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
#: formats offered per query form, the default first
OFFERED: dict[str, tuple[str, ...]] = {
    "SELECT": ("json", "xml", "csv", "tsv"),
    "ASK": ("json", "xml"),
    "CONSTRUCT": ("turtle", "nt", "jsonld"),
    "DESCRIBE": ("turtle", "nt", "jsonld"),
}


class NotAcceptable(Exception):
    """No result format that the client accepts fits the query form."""

    status = 406


@dataclass
class QueryResult:
    """The answer of a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.triples) if self.form in ("CONSTRUCT", "DESCRIBE") else len(self.rows)


# ---------------------------------------------------------------- content negotiation


def _parse_accept(header: str) -> list[tuple[str, float, int]]:
    out = []
    for i, part in enumerate(header.split(",")):
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
        out.append((bits[0].lower(), q, i))
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
    for media, q, order in _parse_accept(accept):
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


# ---------------------------------------------------------------- terms


def _is_plain_string(lit: Literal) -> bool:
    return lit.language is None and (lit.datatype is None or lit.datatype == XSD_STRING)


def turtle_term(term) -> str:
    """A term in Turtle / N-Triples syntax (IRIs in full).

    >>> turtle_term(Literal("a\\tb", lang="zh"))
    '"a\\\\tb"@zh'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        s = str(term)
        s = (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
             .replace("\r", "\\r").replace("\t", "\\t"))
        if term.language:
            return f'"{s}"@{term.language}'
        if term.datatype is None or term.datatype == XSD_STRING:
            return f'"{s}"'
        return f'"{s}"^^<{term.datatype}>'
    return str(term)


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def term_from_json(d: dict):
    """The rdflib term of a SPARQL JSON results binding."""
    kind = d.get("type")
    if kind == "uri":
        return URIRef(d["value"])
    if kind == "bnode":
        return BNode(d["value"])
    lang = d.get("xml:lang")
    dt = d.get("datatype")
    return Literal(d["value"], lang=lang, datatype=URIRef(dt) if dt and not lang else None)


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype is not None and term.datatype != XSD_STRING:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


# ---------------------------------------------------------------- serializers


def _results_json(r: QueryResult) -> bytes:
    if r.form == "ASK":
        doc = {"head": {}, "boolean": bool(r.boolean)}
    else:
        bindings = []
        for row in r.rows:
            bindings.append({v: _json_term(t) for v, t in zip(r.variables, row) if t is not None})
        doc = {"head": {"vars": list(r.variables)}, "results": {"bindings": bindings}}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _results_xml(r: QueryResult) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if r.form == "ASK":
        out += ["</head>", f"<boolean>{'true' if r.boolean else 'false'}</boolean>"]
    else:
        out += [f"<variable name={quoteattr(v)}/>" for v in r.variables]
        out += ["</head>", "<results>"]
        for row in r.rows:
            out.append("<result>")
            for v, t in zip(r.variables, row):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _results_csv(r: QueryResult) -> bytes:
    if r.form == "ASK":
        raise NotAcceptable("CSV cannot carry the result of an ASK query: use JSON or XML")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(r.variables)
    for row in r.rows:
        w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return buf.getvalue().encode("utf-8")


def _results_tsv(r: QueryResult) -> bytes:
    if r.form == "ASK":
        raise NotAcceptable("TSV cannot carry the result of an ASK query: use JSON or XML")
    lines = ["\t".join(f"?{v}" for v in r.variables)]
    for row in r.rows:
        lines.append("\t".join("" if t is None else turtle_term(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def result_graph(r: QueryResult) -> Graph:
    """The triples of a CONSTRUCT or DESCRIBE result as an rdflib graph with our prefixes."""
    from cppcc_kg.rdf.namespaces import bind_prefixes

    g = Graph()
    bind_prefixes(g)
    for t in r.triples:
        g.add(t)
    return g


def _ntriples(triples) -> bytes:
    lines = sorted({f"{turtle_term(s)} {turtle_term(p)} {turtle_term(o)} ." for s, p, o in triples})
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")


def graph_bytes(graph: Graph, fmt: str) -> bytes:
    """An rdflib graph as Turtle, N-Triples (sorted) or JSON-LD."""
    if fmt == "nt":
        return _ntriples(graph)
    if fmt == "turtle":
        return graph.serialize(format="turtle").encode("utf-8")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", indent=1, sort_keys=True).encode("utf-8")
    raise NotAcceptable(f"{fmt} cannot carry a graph: use turtle, nt or jsonld")


def serialize(r: QueryResult, fmt: str) -> bytes:
    """*r* in format *fmt* (a key of :data:`MEDIA_TYPES`); raise :class:`NotAcceptable` if it does not fit."""
    if r.form in ("SELECT", "ASK"):
        writers = {"json": _results_json, "xml": _results_xml, "csv": _results_csv, "tsv": _results_tsv}
        if fmt not in writers:
            raise NotAcceptable(f"{fmt} cannot carry the result of a {r.form} query: use one of {', '.join(OFFERED[r.form])}")
        return writers[fmt](r)
    if fmt == "nt":
        return _ntriples(r.triples)
    if fmt in ("turtle", "jsonld"):
        return graph_bytes(result_graph(r), fmt)
    raise NotAcceptable(f"{fmt} cannot carry the result of a {r.form} query: use one of {', '.join(OFFERED[r.form])}")


def parse_results_json(data: bytes | str, form: str = "SELECT") -> QueryResult:
    """A :class:`QueryResult` from SPARQL 1.1 Query Results JSON."""
    doc = json.loads(data)
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]))
    variables = list(doc.get("head", {}).get("vars", []))
    rows = []
    for b in doc.get("results", {}).get("bindings", []):
        rows.append(tuple(term_from_json(b[v]) if v in b else None for v in variables))
    return QueryResult(form, variables, rows)

