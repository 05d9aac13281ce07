"""The project's RDF syntaxes: canonical N-Triples, and Turtle, JSON-LD and TriG with the project prefixes.

Every writer is deterministic (same triples, same bytes, whatever ``PYTHONHASHSEED``) and
works from sorted, canonical N-Triples: the Turtle and JSON-LD are the bytes that Oxigraph's
serializers give (with the project prefixes), written straight from the lines
(:func:`cppcc_kg.rdf.bodies.bodies_of`). The build writes its graph files with
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
from itertools import groupby
from typing import Iterable

from rdflib import Graph

from cppcc_kg.rdf.bodies import bodies_of, misread_in
from cppcc_kg.rdf.namespaces import PREFIXES
from cppcc_kg.rdf.ntriples import ntriples_of


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
    """Turtle of the canonical N-Triples *nt*, in their order, without the @prefix lines (those of
    :data:`cppcc_kg.rdf.namespaces.PREFIXES` are used).

    >>> turtle_body(b'<https://schema.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/T> .\\n'
    ...             b'<https://schema.org/a> <https://schema.org/n> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n')
    b'schema:a a schema:T ;\\n\\tschema:n 1 .\\n'
    """
    return bodies_of(nt)[0]


def misread_prefixes(nt: bytes) -> set[str]:
    """Prefixes that must not be used for the IRIs of the N-Triples *nt* (:func:`cppcc_kg.rdf.bodies.misread_in`).

    >>> sorted(misread_prefixes(b'<kgorg:x> <http://www.w3.org/ns/oa#//y> "z" .'))
    ['kgorg', 'oa']
    """
    return misread_in(nt)


def jsonld_body(nt: bytes, skip: set[str] | None = None) -> bytes:
    """The JSON-LD node objects of the canonical N-Triples *nt* (one per subject, in their order,
    each on a line, comma-separated, IRIs with the project prefixes but those of *skip*, by default
    those of :func:`misread_prefixes`), without ``[ ]``, as Oxigraph's JSON-LD writer gives them.

    >>> print(jsonld_body(b'<https://schema.org/a> <https://schema.org/n> "x"@en .\\n'
    ...                   b'<https://schema.org/b> <https://schema.org/n> <https://schema.org/a> .\\n').decode())
    {"@id":"schema:a","schema:n":[{"@language":"en","@value":"x"}]},
    {"@id":"schema:b","schema:n":[{"@id":"schema:a"}]}
    """
    if skip is not None:
        return bodies_of(nt, skip)[1]
    _ttl, js, misread = bodies_of(nt)
    return bodies_of(nt, misread)[1] if misread else js


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
