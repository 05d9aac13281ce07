"""The build's page kept in pieces (``viz.kept_page``): the pieces join into the page's JSON; after a change
of attributes only the rows of the changed entities and relations are made again, and the page is the one
made whole; a change the kept page cannot take (evidence renumbered, other measures, another version of the
graph, a broken entry) makes it whole."""
from __future__ import annotations

import re

import pytest
from support import DictCache, repository_or_synthetic

from cppcc_kg.build.pipeline import build
from cppcc_kg.network import build_entity_graph
from cppcc_kg.network.changes import track_changes
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.schema import Schema
from cppcc_kg.viz import kept_page, page_data
from cppcc_kg.viz.layout import kept_layouts
from cppcc_kg.viz.script_json import data_pieces, json_for_script


class _Cache(DictCache):
    def get(self, name, keep=True):
        return self.entries.get(name)


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def made(request, tmp_path_factory):
    """(entity graph, measures, source texts, display orders) of the repository or a synthetic project."""
    project = load(repository_or_synthetic(request.param, tmp_path_factory))
    schema = Schema(project.view)
    G = build_entity_graph(project.store, schema=schema)
    metrics = {n: {"degree": G.degree(n), "pagerank": (i % 7) / 7} for i, n in enumerate(sorted(G))}
    texts = {str(iri): s.text for iri, s in project.sources.items()}
    return G, metrics, texts, schema.display_orders()


def _options(made) -> dict:
    _, _, texts, orders = made
    return {"sources": texts, "orders": orders, "title": "cppcc-kg"}


def _whole(G, made, metrics=None) -> str:
    return json_for_script(page_data(G, made[1] if metrics is None else metrics, **_options(made)))


def _kept(G, made, cache, *, changed=(), since="v0", version="v1", metrics=None) -> str:
    tracked = track_changes(G, None, changed, since=since)
    tracked.version = version
    with kept_layouts(cache, "code"):
        return kept_page.kept_page_data(G, made[1] if metrics is None else metrics, **_options(made))


@pytest.fixture
def calls(monkeypatch):
    """The pages made whole (page_data_of) and the patches tried (their result: None when refused)."""
    seen = {"whole": 0, "patched": []}
    whole, patched = kept_page.page_data_of, kept_page._patched

    def whole_(*args, **kwargs):
        seen["whole"] += 1
        return whole(*args, **kwargs)

    def patched_(*args, **kwargs):
        seen["patched"].append(patched(*args, **kwargs))
        return seen["patched"][-1]
    monkeypatch.setattr(kept_page, "page_data_of", whole_)
    monkeypatch.setattr(kept_page, "_patched", patched_)
    return seen


def test_the_pieces_join_into_the_pages_json(made):
    data = page_data(made[0], made[1], **_options(made))
    pieces, sizes = data_pieces(data)
    assert "".join(pieces) == json_for_script(data)
    assert sizes == [len(data["edges"]), len(data["evidence"]), len(data["nodes"]), len(data["vis"]["edges"]),
                     len(data["vis"]["nodes"])]


def _shown_with_evidence(G, count: int = 2) -> list:
    return [n for n in sorted(G) if G.nodes[n].get("evidence")][:count]


def test_changed_attributes_remake_only_their_rows(made, calls):
    G, cache = made[0].copy(), _Cache()
    assert _kept(G, made, cache, since=None) == _whole(G, made) and calls["whole"] == 1
    assert _kept(G, made, cache, since="v1", version="v2") == _whole(G, made)  # nothing changed
    a, b = _shown_with_evidence(G)
    G.nodes[a]["label_en"] = "An <edited> & label"
    G.nodes[b]["label_zh"] = "改过的"
    G.nodes[b]["pinyin"] = "gǎiguò de"
    u, v, k = min(G.edges(keys=True))
    G.edges[u, v, k]["statement"] = "https://example.org/another-statement"
    changed = {a, b, (u, v, k)}
    assert _kept(G, made, cache, changed=changed, since="v2", version="v3") == _whole(G, made)
    assert calls["whole"] == 1 and all(p is not None for p in calls["patched"]) and len(calls["patched"]) == 2
    G.nodes[a]["label_en"] = "again"  # patched twice
    assert _kept(G, made, cache, changed={a}, since="v3", version="v4") == _whole(G, made)
    assert calls["whole"] == 1


def test_renumbered_evidence_other_measures_or_versions_make_it_whole(made, calls):
    G, cache = made[0].copy(), _Cache()
    _kept(G, made, cache, since=None)
    a = _shown_with_evidence(G, 1)[0]
    G.nodes[a]["evidence"] = G.nodes[a]["evidence"][1:] + [{"source": "s", "start": 0, "end": 1, "exact": "x"}]
    assert _kept(G, made, cache, changed={a}, since="v1", version="v2") == _whole(G, made)
    assert calls["patched"] == [None] and calls["whole"] == 2
    assert _kept(G, made, cache, since="v1", version="v3") == _whole(G, made)  # not the version kept
    assert len(calls["patched"]) == 1 and calls["whole"] == 3
    other = {n: dict(m, pagerank=1.0) for n, m in made[1].items()}
    assert _kept(G, made, cache, since="v3", version="v4", metrics=other) == _whole(G, made, other)
    assert len(calls["patched"]) == 1 and calls["whole"] == 4


def test_a_broken_entry_makes_it_whole(made, calls):
    G, cache = made[0].copy(), _Cache()
    _kept(G, made, cache, since=None)
    entry = cache.entries[kept_page.PAGE_ENTRY]
    a = _shown_with_evidence(G, 1)[0]
    G.nodes[a]["label_en"] = "edited"
    # (a piece copied as it is is not read: the loader's cache checks each entry's checksum)
    for broken in (entry[:-10], entry.replace(b'"sizes":[', b'"sizes":{', 1), entry[:40] + b"x" + entry[41:],
                   entry.replace(b'"sizes":[', b'"sizes":[1,', 1)):
        cache.entries[kept_page.PAGE_ENTRY] = broken
        assert _kept(G, made, cache, changed={a}, since="v1", version="v1") == _whole(G, made)
    assert calls["whole"] == 5


def _replace(path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited, n = re.subn(pattern, new, text, count=1)
    assert n == 1, pattern
    path.write_text(edited, encoding="utf-8")


def test_an_edited_build_patches_the_kept_page(tmp_path, calls):
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    assert calls["whole"] == 1 and calls["patched"] == []
    _replace(root / "graph" / "synth-0002" / "entities.ttl", r'"([^"\\]+)"@en', r'"\1 <edited>"@en')
    build(root)
    assert calls["whole"] == 1 and len(calls["patched"]) == 1 and calls["patched"][0] is not None
    clean = build(root, tmp_path / "clean", cache=False)
    assert (root / "build" / "graph.html").read_bytes() == (clean["out"] / "graph.html").read_bytes()
