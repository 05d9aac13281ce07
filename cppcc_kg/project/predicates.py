"""The triples of some properties in a project's files, by digest: what a query that reads only those
properties depends on.

The build keeps the solutions of the entity graph's queries in the loader's cache under the digest of
the triples of the properties each reads (:meth:`cppcc_kg.project.load.Project.predicate_digest`): an
edited label changes the triples of ``rdfs:label`` only, and the queries that do not read them are not
run again. The digest of each property's lines in a file is kept per file (by the file's cache key).

>>> d = predicate_digests(b'<http://e.org/a> <http://e.org/p> "x" .\\n<http://e.org/a> <http://e.org/q> _:b .\\n')
>>> sorted(d)
['http://e.org/p', 'http://e.org/q']
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

__all__ = ["PREDICATES_ENTRY", "digest_of", "predicate_digests"]

#: the loader's cache entry holding the digests of the files of the last build (file key -> :func:`predicate_digests`; JSON)
PREDICATES_ENTRY = "predicates-v1.json"


def predicate_digests(nt: bytes) -> dict[str, str]:
    """Property IRI -> the sha256 of the lines of the canonical N-Triples *nt* whose predicate it is (in order).

    In canonical N-Triples neither the subject (an IRI or a blank node) nor the predicate holds a space.
    """
    lines: dict[bytes, list[bytes]] = defaultdict(list)
    for line in nt.split(b"\n"):
        if line:
            lines[line.split(b" ", 2)[1]].append(line)
    return {p[1:-1].decode("utf-8"): hashlib.sha256(b"\n".join(ls)).hexdigest() for p, ls in lines.items()}


def digest_of(graphs: list[tuple[str, dict[str, str] | None]], predicates) -> str:
    """The sha256 of the lines of *predicates* in *graphs*: (name, :func:`predicate_digests` of the graph,
    or None for a graph whose triples are not there yet), in order.

    >>> a = [("f", predicate_digests(b'<http://e.org/a> <http://e.org/p> "x" .\\n'))]
    >>> b = [("f", predicate_digests(b'<http://e.org/a> <http://e.org/p> "y" .\\n'))]
    >>> digest_of(a, ["http://e.org/q"]) == digest_of(b, ["http://e.org/q"]), digest_of(a, ["http://e.org/p"]) == digest_of(b, ["http://e.org/p"])
    (True, False)
    """
    wanted = sorted(set(predicates))
    h = hashlib.sha256("\0".join(wanted).encode("utf-8") + b"\n")
    for name, digests in graphs:
        if digests is None:
            h.update(f"{name}\0pending\n".encode())
            continue
        for p in wanted:
            d = digests.get(p)
            if d is not None:
                h.update(f"{name}\0{p}\0{d}\n".encode())
    return h.hexdigest()
