"""Test oracle: the Turtle and JSON-LD bodies as Oxigraph's serializers make them.

This is :mod:`cppcc_kg.rdf.serialize` before issue 15, session 8 (the build's graph files were
made this way): parse the N-Triples with pyoxigraph, serialize them as Turtle with the project
prefixes, or as expanded JSON-LD whose IRIs are then written with the prefixes by replacing
the namespaces where a string starts. ``turtle_and_jsonld`` (one pass over the lines) must give
the same bytes.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from cppcc_kg.rdf.namespaces import PREFIXES

NT = ox.RdfFormat.N_TRIPLES
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda x: (-len(x[1]), x[0]))


def turtle_body(nt: bytes) -> bytes:
    if not nt:
        return b""
    out = ox.serialize(ox.parse(nt, format=NT), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    while out.startswith(b"@prefix "):
        out = out[out.index(b"\n") + 1:]
    return out.lstrip(b"\n")


def compact_json_iris(data: bytes, skip=frozenset()) -> bytes:
    for prefix, ns in _PREFIX_ORDER:
        needle = b'"' + ns.encode("utf-8")
        if prefix in skip or needle not in data:
            continue
        p = prefix.encode("utf-8")
        marker = b"\x00" + p + b"\x01"
        kept = [(b'"@value":' + needle, b'"@value":"' + marker), (b"\\" + needle, b'\\"' + marker)]
        kept = [(x, y) for x, y in kept if x in data]
        for x, y in kept:
            data = data.replace(x, y)
        data = data.replace(needle, b'"' + p + b":")
        if kept:
            data = data.replace(marker, ns.encode("utf-8"))
    return data


def jsonld_body(nt: bytes, skip) -> bytes:
    if not nt:
        return b""
    body = ox.serialize(ox.parse(nt, format=NT), format=ox.RdfFormat.JSON_LD).strip()
    body = compact_json_iris(body[1:-1], skip)
    return body.replace(b'},{"@id":', b'},\n{"@id":')


def misread_prefixes(nt: bytes) -> set[str]:
    """The prefixes that the JSON-LD of *nt* must not use, found over the whole document (as before)."""
    out = set()
    for m in re.finditer(rb"<(?!https?://)[^<>\s]*>", nt):
        scheme = m.group(0)[1:].split(b":", 1)[0].decode("utf-8", "replace")
        if scheme in PREFIXES:
            out.add(scheme)
    if b"///" in nt or b"#//" in nt:
        for m in re.finditer(rb"<[^<>\s]*?(?:/|#)//[^<>\s]*>", nt):
            iri = m.group(0)[1:-1].decode("utf-8", "replace")
            out.update(p for p, ns in PREFIXES.items() if iri.startswith(ns + "//"))
    return out
