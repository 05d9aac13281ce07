"""The entity graph's query solutions kept in the loader's cache (``build.graph_rows``): each query reads
only the triples of the properties written in it, so its solutions are kept by the digest of those; an
edited label runs only the query of the labels again, and the build is that of a clean build."""
from __future__ import annotations

import pytest
from support import repository_or_synthetic, store_of_properties

from cppcc_kg.build import graph_rows
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.summary import PARTS, PARTS_VERSION, _summary_queries, kept_parts
from cppcc_kg.network import entity_graph_queries, query_predicates, run_queries
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import graph_view
from cppcc_kg.schema import Schema


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def project(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return load(root, cache=False)


def test_each_query_reads_only_the_properties_written_in_it(project):
    """Run on a store that holds only the triples of its properties, each query has the solutions it has
    on the whole store (the pinyin included)."""
    schema = Schema(graph_view(project.store))
    queries = entity_graph_queries(schema)
    assert {"evidence", "literals", "types", "edges"} <= set(queries)
    whole = run_queries(project.store, queries)
    assert project.pinyin_nt
    for name, query in queries.items():
        part = store_of_properties(project.graphs(), query_predicates(query))
        assert len(part) < len(project.store) or name == "literals"
        got = run_queries(part, {name: query})[name]
        assert sorted(got) == sorted(whole[name]), name
        assert whole[name] or name in ("notations", "about", "statements"), name


def _edit_label(path, suffix):
    text = path.read_text(encoding="utf-8")
    at = text.index('"@en')
    path.write_text(text[:at] + suffix + text[at:], encoding="utf-8")


@pytest.mark.parametrize("kept", [True, False])
def test_an_edited_label_runs_only_the_query_of_the_labels(tmp_path, monkeypatch, kept):
    """Without the kept graph, only the query of the labels runs; with it, none runs (the graph is patched
    from the labels of the subjects of the changed lines)."""
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    if not kept:
        (root / ".cache" / "cppcc-kg" / graph_rows.STATE_ENTRY).unlink()
    ran: list[set] = []

    def recording(store, queries):
        ran.append({n for n, q in queries.items() if q})
        return run_queries(store, queries)
    monkeypatch.setattr(graph_rows, "run_queries", recording)
    _edit_label(root / "graph" / "synth-0002" / "entities.ttl", " (edited)")
    entries = root / ".cache" / "cppcc-kg"
    before = {p.name for p in entries.glob("entity-graph-*.json")}
    build(root)
    assert ran == ([] if kept else [{"literals"}])
    after = {p.name for p in entries.glob("entity-graph-*.json")}
    # the solutions of the other queries are kept for the next build; those of the labels made again, or
    # (patched) not made: the next build that needs them runs the query
    assert len(before - after) == 1 and len(after - before) == (0 if kept else 1)
    clean = build(root, tmp_path / "clean", cache=False)
    names = sorted(p.name for p in (root / "build").iterdir() if p.is_file() and p.name != ".cppcc-kg-build")
    for name in names:
        assert (root / "build" / name).read_bytes() == (clean["out"] / name).read_bytes(), name
    assert "(edited)" in (root / "build" / "nodes.csv").read_text(encoding="utf-8")


def test_the_digest_follows_the_triples_of_the_properties(tmp_path):
    """``Project.predicate_digest``: an edited label changes the digest of ``rdfs:label`` and no other; the
    digests kept in the loader's cache are those computed afresh; the pinyin counts once it is loaded."""
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    label, evidence = ["http://www.w3.org/2000/01/rdf-schema#label"], ["http://www.w3.org/ns/oa#hasBody"]
    pinyin = ["https://w3id.org/cppcc-kg/ontology#pinyin"]
    first = load(root, cache=True, write_cache=True)
    before = [first.predicate_digest(p) for p in (label, evidence, pinyin)]
    first.save_cache()
    _edit_label(root / "graph" / "synth-0001" / "entities.ttl", " (edited)")
    for cached in (True, False):
        again = load(root, cache=cached, write_cache=cached, background=True)
        try:
            assert again.pinyin_pending and again.pinyin_computing is not cached  # from the cache: nothing computed
            pending = again.predicate_digest(pinyin)
            again.finish_pinyin()
            now = [again.predicate_digest(p) for p in (label, evidence, pinyin)]
        finally:
            again.close()
        assert now[0] != before[0] and now[1:] == before[1:] and pending != now[2]


def test_one_entry_name_for_the_solutions_kept_by_the_properties_they_read(tmp_path):
    # graph_rows.kept_entry names the entity graph's and the summary's kept solutions alike: the same name
    # while the triples of the properties the queries read are the same, another when one of them changes
    root = tmp_path / "s"
    write_corpus(root, scale=1, seed=0)
    project = load(root)
    queries = _summary_queries(Schema(graph_view(project.store)).edge_properties)
    _known, names = kept_parts(project, queries, "code")
    assert names == {part: graph_rows.kept_entry(project, f"summary-{part}", [PARTS_VERSION, "code", part],
                                                 [queries[k] or "" for k in keys]) for part, keys in PARTS.items()}
    labels = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    types = "SELECT ?s ?c WHERE { ?s a ?c }"
    before = {q: graph_rows.kept_entry(project, "x", ["1"], [q]) for q in (labels, types)}
    path = next((root / "graph").rglob("entities.ttl"))
    text = path.read_text(encoding="utf-8")
    at = text.index('"@en')
    path.write_text(text[:at] + " (edited)" + text[at:], encoding="utf-8")
    edited = load(root)
    assert graph_rows.kept_entry(edited, "x", ["1"], [types]) == before[types]
    assert graph_rows.kept_entry(edited, "x", ["1"], [labels]) != before[labels]
    assert graph_rows.kept_entry(edited, "x", ["2"], [types]) != before[types]
