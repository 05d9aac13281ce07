"""Figures of the analysis notebooks: bar charts of the top entities and community drawings,
with Chinese and English names set in a CJK font.

The font is Noto Sans CJK SC, taken at run time from an installed package: the PyPI
package ``mplfonts`` (a test/notebook dependency) ships it; a system installation
(Debian's ``fonts-noto-cjk``) is used when that package is absent. Nothing is downloaded.

>>> missing_glyphs("内蒙古自治区政协 CPPCC “京蒙协作”")
set()
"""
from __future__ import annotations

import importlib.util
import warnings
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pandas as pd

from cppcc_kg.network.projections import to_undirected_weighted

#: font files looked for, in order, inside the ``mplfonts`` package
PACKAGE_FONTS = ("NotoSansCJKsc-Regular.otf",)


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of a CJK font file: Noto Sans CJK SC from ``mplfonts``, else one of the system.

    Raises
    ------
    RuntimeError
        When no CJK font is installed, saying how to install one.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            for name in PACKAGE_FONTS:
                p = Path(loc) / "fonts" / name
                if p.is_file():
                    return p
    from matplotlib import font_manager

    for f in sorted(font_manager.findSystemFonts()):
        if "NotoSansCJK" in Path(f).name.replace("-", "").replace(" ", "") or "SourceHanSans" in f:
            return Path(f)
    raise RuntimeError("no CJK font found: install the notebook dependencies "
                       "(pip install -e '.[test]', which brings mplfonts) or Debian's fonts-noto-cjk.")


def use_cjk_font() -> str:
    """Register the CJK font with matplotlib and make it the default; return its family name.

    >>> use_cjk_font()
    'Noto Sans CJK SC'
    """
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = "cppcc-kg"  # deterministic SVG ids
    return name


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def missing_glyphs(text: str, font_path: str | Path | None = None) -> set[str]:
    """Characters of *text* (other than spaces) that the CJK font cannot draw: an empty set
    means no empty boxes."""
    cmap = _cmap(str(font_path or cjk_font_path()))
    return {ch for ch in str(text) if not ch.isspace() and ord(ch) not in cmap}


def short(text: str, width: int) -> str:
    """*text* cut to *width* characters with an ellipsis.

    >>> short("Inner Mongolia", 8)
    'Inner M…'
    """
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def entity_label(row, zh_width: int = 14, en_width: int = 34) -> str:
    """Two-line label: the Chinese name over the English name, both shortened."""
    return f"{short(row['label_zh'], zh_width)}\n{short(row['label_en'], en_width)}"


def plot_top(df: pd.DataFrame, measure: str, n: int = 15, ax=None, colors: dict | None = None):
    """Horizontal bars of the *n* entities with the largest *measure* (ties by IRI), largest on top.

    *colors* maps IRI -> colour (the class colour of the ontology); default one colour.
    Returns the axes.
    """
    import matplotlib.pyplot as plt

    top = df.sort_values([measure, "iri"], ascending=[False, True], kind="mergesort").head(n)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * max(len(top), 1) + 1))
    labels = [entity_label(r) for _, r in top.iterrows()][::-1]
    values = top[measure].tolist()[::-1]
    col = [(colors or {}).get(i, "#4c72b0") for i in top["iri"]][::-1]
    ax.barh(range(len(top)), values, color=col, edgecolor="#333333", linewidth=0.3)
    ax.set_yticks(range(len(top)), labels, fontsize=7)
    ax.set_title(f"top {len(top)} by {measure}", fontsize=10)
    ax.tick_params(axis="x", labelsize=7)
    return ax


def plot_top_grid(df: pd.DataFrame, measures, n: int = 15, colors: dict | None = None, ncols: int = 2):
    """One :func:`plot_top` panel per measure; returns the figure."""
    import matplotlib.pyplot as plt

    measures = list(measures)
    nrows = -(-len(measures) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.5 * ncols, (0.42 * n + 1.2) * nrows), squeeze=False)
    for ax, m in zip(axes.flat, measures):
        plot_top(df, m, n=n, ax=ax, colors=colors)
    for ax in list(axes.flat)[len(measures):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def draw_communities(G: nx.Graph, comm: pd.DataFrame, *, seed: int = 0, label_top: int = 25, ax=None,
                     min_component: int = 3):
    """Draw the undirected entity graph coloured by community (a ``communities`` table),
    node size by degree, the *label_top* entities of highest degree named in Chinese.

    Components smaller than *min_component* entities are left out (the title says how many
    entities that leaves out). The layout is Kamada–Kawai from a seeded spring layout, so the
    drawing is the same each run. Returns the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib import colormaps

    U = to_undirected_weighted(G) if (G.is_directed() or G.is_multigraph()) else G
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 10))
    ax.set_axis_off()
    keep = sorted((x for c in nx.connected_components(U) if len(c) >= min_component for x in c), key=str)
    if not keep:
        ax.set_title("no component to draw")
        return ax
    H = nx.Graph()
    H.add_nodes_from(keep)
    H.add_edges_from((u, v) for u, v in sorted(U.subgraph(keep).edges, key=lambda e: (str(e[0]), str(e[1]))))
    start = nx.spring_layout(H, seed=seed)
    pos = nx.kamada_kawai_layout(H, pos=start) if len(H) <= 2000 else start
    community = dict(zip(comm["iri"], comm["community"]))
    cmap = colormaps["tab20"]
    deg = dict(H.degree())
    colors = [cmap(community.get(str(U.nodes[x].get("iri") or x), 0) % 20) for x in keep]
    sizes = [25 + 12 * deg[x] for x in keep]
    nx.draw_networkx_edges(H, pos, ax=ax, alpha=0.25, width=0.6)
    nx.draw_networkx_nodes(H, pos, nodelist=keep, node_color=colors, node_size=sizes, ax=ax,
                           edgecolors="#333333", linewidths=0.3)
    top = sorted(keep, key=lambda x: (-deg[x], str(x)))[:label_top]
    labels = {x: short(U.nodes[x].get("label_zh") or x, 12) for x in top}
    nx.draw_networkx_labels(H, pos, labels=labels, font_size=7, ax=ax, font_family=_family(),
                            bbox={"facecolor": "white", "alpha": 0.6, "linewidth": 0, "pad": 0.5})
    left = len(U) - len(keep)
    ax.set_title(f"{comm['community'].nunique()} communities (modularity {comm.attrs.get('modularity', float('nan')):.3f});"
                 f" {left} entities in components of fewer than {min_component} not drawn", fontsize=10)
    return ax


def _family() -> str:
    import matplotlib

    return matplotlib.rcParams["font.sans-serif"][0]


def render_warnings(fig) -> list[str]:
    """Draw *fig* and return matplotlib's warnings (a missing glyph warns)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught]
