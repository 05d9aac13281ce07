"""An entity graph patched in place where only node and edge attributes changed.

:func:`cppcc_kg.network.build_entity_graph` reads the graph from the solutions of the queries of
:func:`cppcc_kg.network.entity_graph_queries`. When, between two versions of a project, only the
solutions of the queries in :data:`PATCHABLE` changed (the literal attributes of nodes and
observations, the evidence of nodes and relations), the nodes, edges and classes are the same:
:func:`patch_entity_graph` makes the graph of the new solutions from the old graph by reading again
the attributes of the nodes and edges whose solutions changed, with the same functions as
:func:`~cppcc_kg.network.build_entity_graph` (the tests compare the patched graph with a rebuilt one:
nodes, edges, every attribute and their order). Any other change (a node, an edge, a class, a
statement, a title, a notation) is for a rebuild.

The caller tells what it patched with :func:`cppcc_kg.network.changes.track_changes`.

>>> from rdflib import Graph
>>> from cppcc_kg.network.entity_graph import EXAMPLE_TTL, build_entity_graph, entity_graph_queries, run_queries
>>> from cppcc_kg.network.entity_graph import store_of
>>> from cppcc_kg.schema import Schema
>>> g = Graph().parse(data=EXAMPLE_TTL, format="turtle"); schema = Schema.from_graph(g)
>>> queries = entity_graph_queries(schema)
>>> before = run_queries(store_of(g), queries); G = build_entity_graph(g, rows=before)
>>> g2 = Graph().parse(data=EXAMPLE_TTL.replace('"B"@en', '"Bee"@en'), format="turtle")
>>> after = run_queries(store_of(g2), queries)
>>> sorted(patch_entity_graph(G, schema, before, after, ["literals"]))
['https://w3id.org/cppcc-kg/id/program/p']
>>> G.nodes["https://w3id.org/cppcc-kg/id/program/p"]["label_en"]
'Bee'
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import networkx as nx

from cppcc_kg.network.entity_graph import _edge_evidence, _nodes, _observations
from cppcc_kg.network.records import Literals, evidence_by_body, source_titles
from cppcc_kg.schema import Schema, local_name

__all__ = ["PATCHABLE", "patch_entity_graph"]

#: the queries whose solutions set node and edge attributes only: a change of them alone is patched
PATCHABLE = frozenset({"literals", "evidence"})


def patch_entity_graph(G: nx.MultiDiGraph, schema: Schema, before: Mapping, after: Mapping, changed, *,
                       literals: tuple[set[str], Callable] | None = None) -> set | None:
    """Make *G*, the graph of the solutions *before* (by query name), the graph of *after*, in place,
    where the queries *changed* are all in :data:`PATCHABLE` (the others have the same solutions in
    both); return the nodes whose attributes were read again and, as ``(source, target, key)``, the
    edges (one set); None (and *G* untouched) when a change is not for a patch.

    *before* and *after* are read only for the queries needed: the changed ones, and ``about`` and
    ``notations`` (``literals``) or ``titles`` and ``statements`` (``evidence``). *literals*, when given,
    is (the subjects whose ``literals`` solutions may have changed, a superset; a function giving the
    solutions of some subjects now): then neither *before* nor *after* is read for ``literals``.
    """
    changed = set(changed)
    if not changed <= PATCHABLE or len({local_name(p) for p in schema.edge_properties}) < len(schema.edge_properties):
        return None  # two properties of one local name share the edges' keys: a rebuild says which one wins
    touched: set = set()
    if "literals" in changed:
        if literals is None:
            old, new = before["literals"], after["literals"]
            literals = (_changed_firsts(old, new), lambda wanted: [r for r in new if r[0] in wanted])
        touched |= _patch_literals(G, schema, *literals, after)
    if "evidence" in changed:
        touched |= _patch_evidence(G, before["evidence"], after["evidence"], after)
    return touched


def _changed_firsts(old, new) -> set:
    """The first values of the rows in one of *old* and *new* but not both."""
    a, b = set(map(tuple, old)), set(map(tuple, new))
    return {r[0] for r in a.symmetric_difference(b)}


def _patch_literals(G, schema: Schema, subjects: set[str], rows_of: Callable, rows: Mapping) -> set[str]:
    if not subjects:
        return set()
    about = rows["about"]
    nodes = {s for s in subjects if s in G} | {a for o, a in about if o in subjects and a in G}
    if not nodes:
        return set()
    wanted = nodes | {o for o, a in about if a in nodes}
    literals = Literals(rows_of(wanted))
    notations = dict(rows["notations"])
    observations = _observations({"about": about}, nodes, literals, notations)
    attrs = G.nodes
    node_class = {n: attrs[n]["class_iri"] for n in nodes}
    evidence = {n: attrs[n]["evidence"] for n in nodes}
    for n, made in _nodes(sorted(nodes), node_class, schema, literals, notations, observations, evidence):
        attrs[n].update(made)
    return nodes


def _patch_evidence(G, old, new, rows: Mapping) -> set:
    bodies = _changed_firsts(old, new)
    if not bodies:
        return set()
    nodes = {b for b in bodies if b in G}
    of_triple: dict[tuple, list[str]] = defaultdict(list)
    triples = set()
    for st, s, p, o in rows["statements"]:
        of_triple[(s, p, o)].append(st)
        if st in bodies:
            triples.add((s, p, o))
    edges = [(s, o, local_name(p), p) for s, p, o in triples if G.has_edge(s, o, local_name(p))]
    edges = [(s, o, k, p) for s, o, k, p in edges if G.edges[s, o, k]["property"] == p]
    sts = {(s, o, k): sorted(set(of_triple[(s, p, o)])) for s, o, k, p in edges}
    wanted = nodes | {st for group in sts.values() for st in group}
    evidence = evidence_by_body([r for r in new if r[0] in wanted], source_titles(rows["titles"]))
    for n in nodes:
        G.nodes[n]["evidence"] = evidence.get(n, [])
    for edge, group in sts.items():
        G.edges[edge]["evidence"] = _edge_evidence(group, evidence)
    return nodes | set(sts)
