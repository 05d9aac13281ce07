"""Canonical N-Triples: the form every step of the build reads the project's files in.

A Turtle file becomes its triples as N-Triples lines, sorted and unique, with its blank
nodes named ``{file}_b{n}`` in the order they first appear (the names of
:func:`cppcc_kg.rdf.syntax.parse_turtle`), so that the same file always gives the same bytes.

>>> canonical_ntriples(b'<http://e.org/b> <http://e.org/p> "2" .\\n<http://e.org/a> <http://e.org/p> "1" .', "x.ttl")
b'<http://e.org/a> <http://e.org/p> "1" .\\n<http://e.org/b> <http://e.org/p> "2" .\\n'
>>> canonical_ntriples(b'<http://e.org/a> <http://e.org/p> [] .', "graph/a b.ttl")
b'<http://e.org/a> <http://e.org/p> _:graph_a_b_b0 .\\n'
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import islice
from operator import eq

import pyoxigraph as ox

from cppcc_kg.errors import TurtleSyntaxError
from cppcc_kg.rdf.store import from_ox, to_ox
from cppcc_kg.rdf.syntax import (
    check_no_blank_nodes,
    decode_utf8,
    might_be_rdf12,
    parse_turtle,
    rdf12_features,
)

NT = ox.RdfFormat.N_TRIPLES
TTL = ox.RdfFormat.TURTLE

Triple = tuple  # (subject, predicate, object) of rdflib terms


def sorted_lines(nt: bytes) -> bytes:
    """The lines of the N-Triples *nt*, sorted and unique, each ended by a newline.

    >>> sorted_lines(b"b .\\na .\\n\\nb .")
    b'a .\\nb .\\n'
    >>> sorted_lines(b""), sorted_lines(b"\\n\\n")
    (b'', b'')
    """
    lines = nt.split(b"\n")
    lines.sort()  # (a sort, then equal neighbours dropped: cheaper than a set of a million lines)
    del lines[:bisect_right(lines, b"")]  # the empty lines, first once sorted
    if not lines:
        return b""
    if any(map(eq, lines, islice(lines, 1, None))):  # rare: a triple written twice
        lines = list(dict.fromkeys(lines))
    lines.append(b"")
    return b"\n".join(lines)


def line_set(nt: bytes) -> set[bytes]:
    """The lines of the N-Triples *nt* as a set, each without its newline (no empty line).

    >>> sorted(line_set(b"b .\\na .\\n\\nb .\\n"))
    [b'a .', b'b .']
    """
    lines = set(nt.split(b"\n"))
    lines.discard(b"")
    return lines


def canonical_lines(lines) -> bytes:
    """Canonical N-Triples of a set of lines (each without its newline): sorted, one a line.

    >>> canonical_lines({b"b", b"a"})
    b'a\\nb\\n'
    """
    return b"".join(line + b"\n" for line in sorted(lines))


def holds_line(nt: bytes, line: bytes) -> bool:
    """Whether the N-Triples *nt* (each line ended by a newline) hold the whole *line* (without its newline).

    >>> holds_line(b"a b\\nb\\n", b"b"), holds_line(b"a b\\n", b"b")
    (True, False)
    """
    return nt.startswith(line + b"\n") or b"\n" + line + b"\n" in nt


def bnode_prefix(rel: str) -> str:
    """The prefix of the blank node names of the file *rel*.

    >>> bnode_prefix("sources/nmg.ttl")
    'sources_nmg_b'
    """
    return re.sub(r"[^A-Za-z0-9]+", "_", rel.removesuffix(".ttl")).strip("_") + "_b"


def renamed(quads, prefix: str):
    """The triples of *quads* (pyoxigraph) with blank nodes named ``{prefix}{n}`` in order of first appearance."""
    names: dict[str, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            b = names.get(t.value)
            if b is None:
                b = names[t.value] = ox.BlankNode(f"{prefix}{len(names)}")
            return b
        return t
    for q in quads:
        yield ox.Triple(term(q.subject), q.predicate, term(q.object))


def canonical_ntriples(data: bytes | str, rel: str = "<string>", *, allow_blank_nodes: bool = True) -> bytes:
    """Check *data* as strict Turtle 1.1 and return its triples as canonical N-Triples.

    Lines are sorted and unique; blank nodes are named ``{file}_b{n}`` in the order
    they first appear (the names of :func:`cppcc_kg.rdf.syntax.parse_turtle`).

    Raises
    ------
    TurtleSyntaxError
        ``rel:line:column`` of the first error: Turtle syntax, invalid UTF-8, RDF 1.2
        syntax, or (unless *allow_blank_nodes*) a blank node.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    text = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        decode_utf8(data, rel)  # raises with the position
    try:
        nt = ox.serialize(ox.parse(data, format=TTL), format=NT)
    except SyntaxError:
        parse_turtle(data, rel)  # raises the same error, with its position and hint
        raise  # pragma: no cover - parse_turtle always raises here
    if might_be_rdf12(data):
        text = data.decode("utf-8")
        features = rdf12_features(text)
        if features:
            line, col, what = features[0]
            raise TurtleSyntaxError(rel, line, col, what,
                                    "write it as Turtle 1.1 (use an rdf:Statement node instead of triple terms).")
    if b"_:" in nt:  # blank nodes (or a literal holding "_:")
        if not allow_blank_nodes:
            check_no_blank_nodes(text if text is not None else data, rel)
        nt = ox.serialize(renamed(ox.parse(data, format=TTL), bnode_prefix(rel)), format=NT)
    return sorted_lines(nt)


def triples_of(nt: bytes) -> list[Triple]:
    """The triples of N-Triples bytes as rdflib terms, in order.

    >>> [str(t) for t in triples_of(b'<http://e.org/a> <http://e.org/p> "x" .\\n')[0]]
    ['http://e.org/a', 'http://e.org/p', 'x']
    """
    return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in ox.parse(nt, format=NT)]


def ntriples_of(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples of rdflib *triples* (the inverse of :func:`triples_of`, lines sorted).

    >>> from rdflib import Literal, URIRef
    >>> ntriples_of([(URIRef("http://e.org/a"), URIRef("http://e.org/p"), Literal("x"))])
    b'<http://e.org/a> <http://e.org/p> "x" .\\n'
    """
    return sorted_lines(ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples], format=NT))
