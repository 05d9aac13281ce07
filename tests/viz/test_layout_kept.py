"""The page's layouts kept in the loader's cache (``viz.layout.kept_layouts``): the same nodes, edges and
seed take the kept coordinates, which are the ones igraph computes; anything else computes them."""
from __future__ import annotations

import networkx as nx
import pytest
from support import DictCache

from cppcc_kg.viz import layout


def _refuse(*args, **kwargs):
    raise AssertionError("the layout would have been computed")


@pytest.mark.parametrize("n", [30, 1200])  # the exact and the grid variants
def test_a_kept_layout_is_the_one_computed(n, monkeypatch):
    G = nx.gnm_random_graph(n, 2 * n, seed=3)
    want = layout.layout_positions(G, seed=1)
    cache = DictCache()
    with layout.kept_layouts(cache, "code"):
        assert layout.layout_positions(G, seed=1) == want
    assert len(cache.entries) == 1
    with monkeypatch.context() as m:
        m.setattr(layout, "_fruchterman_reingold", _refuse)
        with layout.kept_layouts(cache, "code"):
            assert layout.layout_positions(G, seed=1) == want
        with pytest.raises(AssertionError), layout.kept_layouts(cache, "other code"):
            layout.layout_positions(G, seed=1)
        with pytest.raises(AssertionError), layout.kept_layouts(cache, "code"):
            layout.layout_positions(G, seed=2)
        H = G.copy()
        H.add_edge(0, n - 1) if not H.has_edge(0, n - 1) else H.remove_edge(0, n - 1)
        with pytest.raises(AssertionError), layout.kept_layouts(cache, "code"):
            layout.layout_positions(H, seed=1)
        with pytest.raises(AssertionError):  # outside the block: computed
            layout.layout_positions(G, seed=1)


def test_a_broken_entry_is_computed_again():
    G = nx.path_graph(5)
    cache = DictCache()
    with layout.kept_layouts(cache, ""):
        want = layout.layout_positions(G, seed=0)
    (name,) = cache.entries
    cache.entries[name] = b"[[1.0]]"
    with layout.kept_layouts(cache, ""):
        assert layout.layout_positions(G, seed=0) == want
