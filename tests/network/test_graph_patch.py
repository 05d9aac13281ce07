"""A kept entity graph patched where only attributes changed is the graph rebuilt from the new triples:
the same nodes, edges, attributes and their order, on the repository's graph and a synthetic project,
after a label, an observation, a piece of evidence, an edge, a node or a class was changed; a change of
the nodes, edges or classes is not patched (the caller rebuilds)."""
from __future__ import annotations

import pickle

import pyoxigraph as ox
import pytest
from support import assert_same_graph, repository_or_synthetic

from cppcc_kg.network import build_entity_graph, entity_graph_queries, run_queries
from cppcc_kg.network.changes import changes_of, note_changes, track_changes
from cppcc_kg.network.entity_graph import read_node_attribute
from cppcc_kg.network.graph_patch import PATCHABLE, patch_entity_graph
from cppcc_kg.project.load import load
from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.store import graph_view
from cppcc_kg.schema import Schema

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def project(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return load(root, cache=False)


def _quads(store, s=None, p=None, o=None):
    return list(store.quads_for_pattern(s, ox.NamedNode(p) if isinstance(p, str) else p, o, None))


def _copy(store: ox.Store) -> ox.Store:
    copy = ox.Store()
    copy.extend(store)
    return copy


def _nodes(schema, store):
    return sorted(build_entity_graph(store, schema=schema).nodes)


# each edit changes a copy of the store, and says whether the change is one for a patch
def _label(store, schema, G):
    n = next(n for n in G.nodes if G.nodes[n]["label_en"])
    q = next(q for q in _quads(store, ox.NamedNode(n), LABEL) if q.object.language == "en")
    store.remove(q)
    store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value + " (edited)", language="en"), q.graph_name))
    return True


def _observation(store, schema, G):
    o = next(q for q in _quads(store, None, str(CPPCC.observationAbout)))
    store.add(ox.Quad(o.subject, ox.NamedNode(LABEL), ox.Literal("an observation", language="en"), o.graph_name))
    return True


def _evidence(store, schema, G):
    """The quote of an annotation of a relation's statement (or else of a node) shortened."""
    bodies = {q.object.value: q for q in _quads(store, None, str(OA.hasBody))}
    statements = {e["statement"] for *_, e in G.edges(data=True) if e["statement"]}
    body = next((b for b in sorted(bodies) if b in statements), None) or next(b for b in sorted(bodies) if b in G)
    quotes = _quads(store, bodies[body].subject, str(CPPCC.quoteExact))  # the compact form of the project
    assert quotes
    for q in quotes:
        store.remove(q)
        store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value[:1]), q.graph_name))
    return True


def _edge_added(store, schema, G):
    a, b = sorted(G.nodes)[:2]
    g = _quads(store, ox.NamedNode(a))[0].graph_name
    store.add(ox.Quad(ox.NamedNode(a), ox.NamedNode(schema.edge_properties[0]), ox.NamedNode(b), g))
    return False


def _edge_removed(store, schema, G):
    u, v, d = next(iter(G.edges(data=True)))
    for q in _quads(store, ox.NamedNode(u), d["property"], ox.NamedNode(v)):
        store.remove(q)
    return False


def _node_added(store, schema, G):
    c = G.nodes[min(G.nodes)]["class_iri"]
    g = _quads(store, ox.NamedNode(min(G.nodes)))[0].graph_name
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/cppcc-kg/id/test/new"), ox.NamedNode(RDF_TYPE), ox.NamedNode(c), g))
    return False


def _node_removed(store, schema, G):
    n = max(G.nodes)
    for q in _quads(store, ox.NamedNode(n), RDF_TYPE):
        store.remove(q)
    return False


def _class_changed(store, schema, G):
    n = min(G.nodes)
    other = next(c for c in sorted(schema.node_classes) if not schema.is_a(G.nodes[n]["class_iri"], c)
                 and not schema.is_a(c, G.nodes[n]["class_iri"]))
    for q in _quads(store, ox.NamedNode(n), RDF_TYPE):
        store.remove(q)
        store.add(ox.Quad(q.subject, q.predicate, ox.NamedNode(other), q.graph_name))
    return False


EDITS = [_label, _observation, _evidence, _edge_added, _edge_removed, _node_added, _node_removed, _class_changed]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__.strip("_") for e in EDITS])
def test_a_patched_graph_is_the_rebuilt_graph(project, edit):
    schema = Schema(graph_view(project.store))
    queries = entity_graph_queries(schema)
    before = run_queries(project.store, queries)
    G = build_entity_graph(project.store, schema=schema, rows=before)
    G = pickle.loads(pickle.dumps(G))  # as the build keeps it
    store = _copy(project.store)
    patchable = edit(store, schema, G)
    after = run_queries(store, queries)
    differ = {n for n in queries if sorted(before[n]) != sorted(after[n])}
    rebuilt = build_entity_graph(store, schema=schema)
    assert differ and (differ <= PATCHABLE) is patchable, differ
    if not patchable:
        assert patch_entity_graph(G, schema, before, after, differ) is None
        return
    changed = patch_entity_graph(G, schema, before, after, differ)
    assert changed  # what was read again
    assert_same_graph(G, rebuilt)
    if edit is _evidence:
        assert any(isinstance(x, tuple) for x in changed) or not any(e["statement"] for *_, e in G.edges(data=True))


def test_unchanged_solutions_change_nothing(project):
    schema = Schema(graph_view(project.store))
    rows = run_queries(project.store, entity_graph_queries(schema))
    G = build_entity_graph(project.store, schema=schema, rows=rows)
    assert patch_entity_graph(G, schema, rows, rows, sorted(PATCHABLE)) == set()
    assert_same_graph(G, build_entity_graph(project.store, schema=schema))


def test_the_pinyin_read_again_is_noted_as_changed(project):
    schema = Schema(graph_view(project.store))
    G = build_entity_graph(project.store, schema=schema)
    n = next(n for n in G.nodes if G.nodes[n]["pinyin"])
    G.nodes[n]["pinyin"] = "x"
    track_changes(G, "kept")
    read_node_attribute(G, project.store, "pinyin")
    assert changes_of(G).changed == {n} and changes_of(G).base == "kept"
    note_changes(G, ["other"])
    assert changes_of(G).changed == {n, "other"}
