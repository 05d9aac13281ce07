"""The solutions of the entity graph's queries, kept in the loader's cache by the triples they read.

Each query of :func:`cppcc_kg.network.entity_graph_queries` reads only the triples of the properties
written in it (:func:`cppcc_kg.network.query_predicates`; tested on the repository and a synthetic
project). Its solutions are kept in the loader's cache under the digest of the query, the code and
those triples in the store (:meth:`cppcc_kg.project.load.Project.predicate_digest`): after an edit of a
label, only the queries that read labels run again; the others are read from the cache. A clean build
(no cache) runs them all and computes no digest.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox

from cppcc_kg.network import (
    build_entity_graph,
    entity_graph_queries,
    query_predicates,
    run_queries,
)
from cppcc_kg.project.cache import get_json, put_json

__all__ = ["entity_graph_of_project"]

#: bump when the form of the kept solutions changes
ROWS_VERSION = "1"


def entity_graph_of_project(project, schema, code: str = ""):
    """The entity graph of *project* (:func:`cppcc_kg.network.build_entity_graph` of its store), its
    queries' solutions taken from the loader's cache where the triples they read did not change, and
    the others kept there for the next build. *code* is the digest of the code (part of the key)."""
    cache = getattr(project, "cache", None)
    if cache is None or not cache.enabled:
        return build_entity_graph(project.store, schema=schema)
    queries = entity_graph_queries(schema)
    names = {n: _entry_name(project, q, code) for n, q in queries.items() if q}
    known: dict[str, list[tuple]] = {}
    for n, name in names.items():
        rows = _read(get_json(cache, name))
        if rows is not None:
            known[n] = rows
    made = run_queries(project.store, {n: q for n, q in queries.items() if n not in known})
    for n, rows in made.items():
        if n in names:
            put_json(cache, names[n], rows)
    return build_entity_graph(project.store, schema=schema, rows={**known, **made})


def _entry_name(project, query: str, code: str) -> str:
    h = hashlib.sha256(f"{ROWS_VERSION}\0{ox.__version__}\0{code}\0{query}\0".encode())
    h.update(project.predicate_digest(query_predicates(query)).encode("ascii"))
    return f"entity-graph-{h.hexdigest()}.json"


def _read(rows) -> list[tuple] | None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return None
    return [tuple(r) for r in rows]
