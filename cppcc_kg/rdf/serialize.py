"""The project's RDF syntaxes: canonical N-Triples, and Turtle, JSON-LD and TriG with the project prefixes.

Every writer is deterministic (same triples, same bytes, whatever ``PYTHONHASHSEED``) and
made by Oxigraph's serializers from sorted N-Triples. The build writes its graph files with
these functions (:mod:`cppcc_kg.build.rdf_files`); :func:`turtle`, :func:`ntriples`,
:func:`jsonld` and :func:`trig` give the same syntaxes for an rdflib graph.

>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='<http://e.org/b> <http://e.org/p> "2" . <http://e.org/a> <http://e.org/p> "1" .')
>>> print(ntriples(g), end="")
<http://e.org/a> <http://e.org/p> "1" .
<http://e.org/b> <http://e.org/p> "2" .
"""
from __future__ import annotations

import json
import re
from itertools import groupby
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.rdf.ntriples import NT, ntriples_of


def merged_lines(docs: Iterable[bytes]) -> list[bytes]:
    """The sorted, unique lines (without their newline) of N-Triples documents.

    The lines of canonical N-Triples are sorted already: one sort of all of them merges those
    runs (Timsort), four times faster than sorting a set at a million lines; equal lines are
    then next to each other.

    >>> merged_lines([b"a .\\nc .\\n", b"b .\\nc .\\n"])
    [b'a .', b'b .', b'c .']
    """
    lines: list[bytes] = []
    for doc in docs:
        lines += doc.split(b"\n")
    lines.sort()
    out = [line for line, _ in groupby(lines)]
    return out[1:] if out and out[0] == b"" else out


def prefix_header() -> bytes:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode("utf-8")


def turtle_body(nt: bytes) -> bytes:
    """Turtle of the N-Triples *nt*, in their order, without the @prefix lines (those of
    :data:`cppcc_kg.rdf.namespaces.PREFIXES` are used)."""
    if not nt:
        return b""
    out = ox.serialize(ox.parse(nt, format=NT), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    while out.startswith(b"@prefix "):
        out = out[out.index(b"\n") + 1:]
    return out.lstrip(b"\n")


_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda x: (-len(x[1]), x[0]))


_ODD_IRI = re.compile(rb"<(?!https?://)[^<>\s]*>")  # an IRI whose scheme is not http(s)
_SLASHES = re.compile(rb"<[^<>\s]*?(?:/|#)//[^<>\s]*>")


def misread_prefixes(nt: bytes) -> set[str]:
    """Prefixes that must not be used for the IRIs of *nt*: an IRI whose scheme is the prefix
    (``<kgorg:x>``) would be misread as a compact IRI, and so would a local name that starts
    with ``//``. (A literal holding such text only makes this cautious.)

    >>> sorted(misread_prefixes(b'<kgorg:x> <http://www.w3.org/ns/oa#//y> "z" .'))
    ['kgorg', 'oa']
    """
    out = set()
    for m in _ODD_IRI.finditer(nt):
        scheme = m.group(0)[1:].split(b":", 1)[0].decode("utf-8", "replace")
        if scheme in PREFIXES:
            out.add(scheme)
    if b"///" in nt or b"#//" in nt:
        for m in _SLASHES.finditer(nt):
            iri = m.group(0)[1:-1].decode("utf-8", "replace")
            out.update(p for p, ns in PREFIXES.items() if iri.startswith(ns + "//"))
    return out


def compact_json_iris(data: bytes, skip: set[str] = frozenset()) -> bytes:
    """Write the IRIs of Oxigraph's expanded JSON-LD *data* with the project prefixes.

    An IRI string starts right after ``{``, ``,``, ``:`` or ``[``; a literal starts after
    ``"@value":`` and any quote inside it is escaped, so a namespace is replaced
    wherever it starts a string that is not a literal. The prefixes of *skip* are not
    used (see :func:`misread_prefixes`).

    >>> compact_json_iris(b'[{"@id":"http://www.w3.org/ns/oa#x","@value":"http://www.w3.org/ns/oa#"}]')
    b'[{"@id":"oa:x","@value":"http://www.w3.org/ns/oa#"}]'
    """
    for prefix, ns in _PREFIX_ORDER:
        needle = b'"' + ns.encode("utf-8")
        if prefix in skip or needle not in data:
            continue
        p = prefix.encode("utf-8")
        # literal text that starts with the namespace is set aside under a marker (a NUL
        # byte never occurs in Oxigraph's JSON: control characters are escaped)
        marker = b"\x00" + p + b"\x01"
        kept = [(b'"@value":' + needle, b'"@value":"' + marker), (b"\\" + needle, b'\\"' + marker)]
        kept = [(x, y) for x, y in kept if x in data]
        for x, y in kept:
            data = data.replace(x, y)
        data = data.replace(needle, b'"' + p + b":")
        if kept:
            data = data.replace(marker, ns.encode("utf-8"))
    return data


def jsonld_body(nt: bytes, skip: set[str] | None = None) -> bytes:
    """The JSON-LD node objects of the N-Triples *nt* (one per subject, in their order,
    one per line, comma-separated, IRIs with the project prefixes but those of *skip*),
    without ``[ ]``."""
    if not nt:
        return b""
    body = ox.serialize(ox.parse(nt, format=NT), format=ox.RdfFormat.JSON_LD).strip()
    body = compact_json_iris(body[1:-1], misread_prefixes(nt) if skip is None else skip)
    return body.replace(b'},{"@id":', b'},\n{"@id":')


def turtle(graph: Graph) -> str:
    """*graph* as Turtle: the project prefixes, then the triples sorted."""
    return (prefix_header() + b"\n" + turtle_body(ntriples_of(graph))).decode("utf-8")


def ntriples(graph: Graph) -> str:
    """*graph* as N-Triples, lines sorted."""
    return ntriples_of(graph).decode("utf-8")


def jsonld(graph: Graph) -> str:
    """*graph* as JSON-LD with the project prefixes (as ``graph.jsonld``).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<https://w3id.org/cppcc-kg/id/org/a> a <https://w3id.org/cppcc-kg/ontology#Organization> .')
    >>> json.loads(jsonld(g))["@graph"][0]["rdf:type"]
    [{'@id': 'cppcc:Organization'}]
    """
    nt = ntriples_of(graph)
    skip = misread_prefixes(nt)
    context = json.dumps({p: ns for p, ns in sorted(PREFIXES.items()) if p not in skip},
                         ensure_ascii=False, indent=1)
    body = jsonld_body(nt, skip)
    return ('{\n"@context": ' + context + ',\n"@graph": [' + ("\n" + body.decode("utf-8") if body else "")
            + "\n]\n}\n")


def trig(named_graphs: Iterable[tuple]) -> str:
    """TriG of *named_graphs*, pairs ``(graph IRI, triples)``, in IRI order.

    >>> from rdflib import URIRef
    >>> t = [(URIRef("http://e.org/s"), URIRef("http://e.org/p"), URIRef("http://e.org/o"))]
    >>> "<http://e.org/g> {" in trig([(URIRef("http://e.org/g"), t)])
    True
    """
    parts = [prefix_header()]
    for iri, triples in sorted(((str(i), t) for i, t in named_graphs), key=lambda x: x[0]):
        ttl = turtle_body(ntriples_of(triples))
        block = (b"\t" + ttl.rstrip(b"\n").replace(b"\n", b"\n\t") + b"\n") if ttl else b""
        parts.append(f"\n<{iri}> {{\n".encode("utf-8") + block + b"}\n")
    return b"".join(parts).decode("utf-8")
