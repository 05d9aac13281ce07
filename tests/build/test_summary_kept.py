"""The summary's parts kept in the loader's cache (``build.summary.kept_parts``): each query reads only the
triples of the properties written in it, so a part is kept by the digest of those of its queries; an
edited label runs only the query that reads labels again, and the summary is that of a clean build."""
from __future__ import annotations

import pytest
from support import repository_or_synthetic, store_of_properties

from cppcc_kg.build import summary as summary_module
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.summary import _summary_queries
from cppcc_kg.network import query_predicates
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import graph_view, values
from cppcc_kg.schema import Schema


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def project(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return load(root, cache=False)


def test_each_summary_query_reads_only_the_properties_written_in_it(project):
    """Run on a store that holds only the triples of its properties, each query has the solutions it has
    on the whole store (the pinyin included)."""
    queries = {k: q for k, q in _summary_queries(Schema(graph_view(project.store)).edge_properties).items() if q}
    assert {"per_class", "edges", "firsts", "sources", "with_evidence"} <= set(queries)
    assert project.pinyin_nt
    for name, query in queries.items():
        part = store_of_properties(project.graphs(), query_predicates(query))
        assert len(part) < len(project.store)
        whole = values(project.store, query)
        assert sorted(values(part, query)) == sorted(whole), name
        assert whole, name


def test_an_edited_label_runs_only_the_query_that_reads_labels(tmp_path, monkeypatch):
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    ran = []

    def spy(store, query, **kw):
        ran.append(query)
        return values(store, query, **kw)
    monkeypatch.setattr(summary_module, "values", spy)
    path = root / "graph" / "synth-0001" / "entities.ttl"
    text = path.read_text(encoding="utf-8")
    at = text.index('"@en')
    path.write_text(text[:at] + " (edited)" + text[at:], encoding="utf-8")
    result = build(root)
    queries = _summary_queries(Schema(graph_view(load(root, cache=False).store)).edge_properties)
    assert ran == [queries["firsts"]]
    monkeypatch.setattr(summary_module, "values", values)
    clean = build(root, tmp_path / "clean", cache=False)
    assert (root / "build" / "summary.json").read_bytes() == (tmp_path / "clean" / "summary.json").read_bytes()
    assert result["summary"] == clean["summary"]
