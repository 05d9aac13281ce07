"""The loader's timeline (``stats["store timeline"]``, shown by ``bench/bench_store_timeline.py``): when the first
document was queued and when each batch was loaded, every document once."""
from __future__ import annotations

import pyoxigraph as ox

from cppcc_kg.project.load import load
from cppcc_kg.rdf.store import StoreLoader


def test_the_loader_notes_its_first_document_and_each_batch():
    loader = StoreLoader(ox.Store())
    assert loader.first_add is None and loader.timeline == []
    docs = {f"https://e.org/g{i}": f'<http://e.org/a{i}> <http://e.org/p> "x" .\n'.encode() for i in range(5)}
    for iri, nt in docs.items():
        loader.add(iri, nt)
    assert len(loader.finish()) == 5
    assert sum(n for _a, _b, n, _size in loader.timeline) == 5
    assert sum(size for _a, _b, _n, size in loader.timeline) == sum(map(len, docs.values()))
    assert all(loader.first_add <= a <= b for a, b, _n, _size in loader.timeline)


def test_the_project_s_stats_give_the_timeline_since_the_load_started(make_project):
    project = load(make_project(), cache=False, store_beside=True)
    try:
        store = project.store
        timeline = project.stats["store timeline"]
        assert 0 <= timeline["first add"] <= timeline["batches"][0][0] <= project.stats["store ready"]
        assert sum(n for _a, _b, n, _mib in timeline["batches"]) == len(project.nt)  # (each file once)
        assert len(store) > 0
    finally:
        project.close()
