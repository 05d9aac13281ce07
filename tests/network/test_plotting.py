"""Figures with Chinese and English names: a CJK font from an installed package, no empty boxes."""
from __future__ import annotations

from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is a test dependency")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from rdflib import Graph  # noqa: E402

import cppcc_kg.network as A  # noqa: E402
from cppcc_kg.network import build_entity_graph, plotting  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def G():
    g = Graph()
    g.parse(ROOT / "ontology.ttl")
    g.parse(ROOT / "tests" / "fixtures" / "analysis" / "small.ttl")
    return build_entity_graph(g)


def test_font_comes_from_an_installed_file():
    path = plotting.cjk_font_path()
    assert path.is_file() and path.suffix in (".otf", ".ttf", ".ttc")
    assert "CJK" in plotting.use_cjk_font()


def test_every_name_of_the_curated_graph_has_glyphs(built):
    G = build_entity_graph(Graph().parse(built / "graph.ttl"))
    text = "".join(d["label_zh"] + d["label_en"] + "".join(d["aliases"]) for _, d in G.nodes(data=True))
    assert plotting.missing_glyphs(text) == set()
    # the check can fail: a character outside the font is reported
    assert plotting.missing_glyphs("政协\U0001F600") == {"\U0001F600"}


def test_plot_top_draws_names_without_missing_glyphs(G):
    plotting.use_cjk_font()
    df = A.all_measures(G)
    fig, ax = plt.subplots()
    plotting.plot_top(df, "degree", n=5, ax=ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    expected = df.sort_values(["degree", "iri"], ascending=[False, True]).head(5)
    assert labels == [plotting.entity_label(r) for _, r in expected.iterrows()][::-1]
    assert len(ax.patches) == 5
    assert not [w for w in plotting.render_warnings(fig) if "missing" in w.lower()]
    plt.close(fig)


def test_missing_glyphs_are_noticed_in_a_drawing():
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    fig, ax = plt.subplots()
    ax.set_title("内蒙古")
    warnings = plotting.render_warnings(fig)
    plt.close(fig)
    plotting.use_cjk_font()
    assert any("missing" in w.lower() for w in warnings)


def test_grid_and_communities(G):
    plotting.use_cjk_font()
    df = A.all_measures(G)
    fig = plotting.plot_top_grid(df, ["degree", "pagerank", "kcore"], n=4)
    assert sum(ax.get_visible() for ax in fig.axes) == 3
    plt.close(fig)
    comm = A.communities(G)
    ax = plotting.draw_communities(G, comm, label_top=3)
    assert "communities" in ax.get_title()
    drawn = {t.get_text() for t in ax.texts}
    assert "甲市政协" in drawn
    plt.close(ax.figure)
    ax = plotting.draw_communities(nx.MultiDiGraph(), A.communities(nx.MultiDiGraph()))
    assert ax.get_title() == "no component to draw"
    plt.close(ax.figure)
