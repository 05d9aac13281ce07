"""The page: one self-contained UTF-8 HTML file that works offline.

:func:`render_html` fills the template ``assets/page.html`` with the data of
:func:`cppcc_kg.viz.payload.page_data`, the page's script and style (``assets/page.js``,
``assets/page.css``) and vis-network, read at build time from the *installed* pyvis package
(:data:`VIS_DIR`) and inlined. pyvis's own template loads vis-network, Bootstrap and
tom-select from CDNs, does not escape its heading and turns on an ``innerHTML`` popup; this
page makes no request to any other origin, and a Content-Security-Policy allows only its two
scripts (by hash). The data is embedded as JSON in ``<script type="application/json">`` with
``<``, ``>``, ``&``, U+2028 and U+2029 escaped (:func:`json_for_script`), and the page shows
every text of the data with ``textContent``, never as HTML.

>>> G = nx.MultiDiGraph()
>>> G.add_node("https://e.org/a", label_zh="甲", label_en="<b>A</b>", class_iri="x#C", color="#ff0000")
>>> page = render_html(G, metrics=False)
>>> page.startswith("<!DOCTYPE html>"), "<b>A</b>" in page, "\\\\u003cb\\\\u003eA" in page
(True, False, True)
"""
from __future__ import annotations

import base64
import gc
import hashlib
import html
import importlib.util
import re
from importlib import resources
from pathlib import Path

import networkx as nx

from cppcc_kg.errors import KGError
from cppcc_kg.network import build_entity_graph
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.schema import Schema
from cppcc_kg.viz.inputs import source_texts
from cppcc_kg.viz.kept_page import kept_page_data
from cppcc_kg.viz.payload import page_data
from cppcc_kg.viz.script_json import json_for_script
from cppcc_kg.viz.select import MAX_NODES

__all__ = ["VIS_DIR", "json_for_script", "render_html", "write_html", "write_project_page"]

#: Where vis-network lives inside the installed pyvis package.
VIS_DIR = ("templates", "lib", "vis-9.1.2")

_SLOT = re.compile(r"\{\{(\w+)\}\}")
#: the title of the build's page
_TITLE = "cppcc-kg"


# ---------------------------------------------------------------------------- safe embedding

def _inline_script(code: str) -> str:
    """Script text that cannot end its ``<script>`` element early (``</`` and ``<!--`` escaped)."""
    code = re.sub(r"</(?=script)", r"<\\/", code, flags=re.IGNORECASE)
    return code.replace("<!--", "<\\!--")


def _inline_style(css: str) -> str:
    return re.sub(r"</(?=style)", r"<\\/", css, flags=re.IGNORECASE)


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _read_asset(package: str, *parts: str) -> str:
    try:  # the package's folder found without importing it (pyvis imports jsonpickle and more: 0.1 s)
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        if folders and Path(folders[0], *parts).is_file():
            return Path(folders[0], *parts).read_text(encoding="utf-8")
        return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise KGError(f"cannot read {'/'.join(parts)} from the installed package {package}: {exc}",
                      f"reinstall it: pip install -e . (and {package} for vis-network)") from None


def _fill(template: str, title: str, data: str) -> str:
    """*template* with its slots filled: the scripts and styles inlined, the CSP of the scripts, the JSON
    of the page's data *data* (:func:`json_for_script`)."""
    vis_js = _inline_script(_read_asset("pyvis", *VIS_DIR, "vis-network.min.js"))
    vis_css = _inline_style(_read_asset("pyvis", *VIS_DIR, "vis-network.css"))
    page_js = _inline_script(_read_asset("cppcc_kg.viz", "assets", "page.js"))
    page_css = _inline_style(_read_asset("cppcc_kg.viz", "assets", "page.css"))
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    parts = {
        "title": html.escape(title), "csp": html.escape(csp), "vis_css": vis_css, "page_css": page_css,
        "data": data, "vis_js": vis_js, "page_js": page_js,
    }
    return _SLOT.sub(lambda m: parts[m.group(1)], template)


# ---------------------------------------------------------------------------- the page

def render_html(entity_graph: nx.MultiDiGraph, metrics=None, *, sources: dict[str, str] | None = None,
                orders: dict[str, float] | None = None, title: str = "cppcc-kg", max_nodes: int = MAX_NODES,
                view_measure: str = "pagerank", seed: int = 0, physics: bool | None = None,
                community: int | None = None, around: str | None = None, hops: int = 1) -> str:
    """The interactive page of *entity_graph* as one self-contained HTML string.

    Parameters
    ----------
    entity_graph : networkx.MultiDiGraph
        The entity graph (:func:`cppcc_kg.network.entity_graph.build_entity_graph`).
    metrics : DataFrame, dict, None or False
        Measures per entity: a DataFrame with an ``iri`` column (``build/metrics.csv``), a dict
        ``iri -> {measure: value}``; ``None`` computes them (:mod:`cppcc_kg.network`);
        ``False`` draws without measures.
    sources : dict, optional
        Source IRI -> text, to show each quote inside its sentence
        (:func:`cppcc_kg.viz.inputs.source_texts`).
    orders : dict, optional
        IRI -> ``cppcc:displayOrder`` of classes and properties, for the legend
        (:meth:`cppcc_kg.schema.Schema.display_orders`).
    title : str
        The page title (escaped).
    max_nodes : int
        Above this many entities only the top *max_nodes* by *view_measure* are drawn.
    community, around, hops : optional
        Draw only one community, or the entities at most *hops* relations from the entity
        *around* (an IRI or a name); see :func:`cppcc_kg.viz.select.focus_nodes`. The page
        says which view it shows.
    seed : int
        Seed of the layout.
    physics : bool, optional
        Refine the layout with physics in the browser; default: up to
        :data:`cppcc_kg.viz.layout.PHYSICS_MAX_NODES` nodes.

    Returns
    -------
    str
        The HTML page. Same inputs, same string.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("https://e.org/a", "https://e.org/b", key="p", property="x#p")
    'p'
    >>> page = render_html(G, metrics=False, title="<t>")
    >>> "<title>&lt;t&gt;</title>" in page, "https://cdn" in page, page == render_html(G, metrics=False, title="<t>")
    (True, False, True)
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()   # building many small objects: the cyclic collector alone costs a quarter of the time
    try:
        data = page_data(entity_graph, metrics, sources=sources, orders=orders, title=title, max_nodes=max_nodes,
                         view_measure=view_measure, seed=seed, physics=physics, community=community,
                         around=around, hops=hops)
    finally:
        if gc_was_enabled:
            gc.enable()
    return _fill(_read_asset("cppcc_kg.viz", "assets", "page.html"), title, json_for_script(data))


def write_html(entity_graph: nx.MultiDiGraph, path, metrics=None, **options) -> Path:
    """Write :func:`render_html` of *entity_graph* to *path* (UTF-8, atomically) and return the path.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_html(nx.MultiDiGraph(), pathlib.Path(d) / "g.html", metrics=False)
    ...     p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    write_atomic(path, render_html(entity_graph, metrics, **options))
    return path


def write_project_page(graph, out, *, metrics=None, root: Path | str = Path("."), project=None,
                       entity_graph: nx.MultiDiGraph | None = None, schema: Schema | None = None) -> Path:
    """The build stage: ``out/graph.html`` from the merged graph of the project at *root*.

    *metrics* is the table of ``metrics.csv`` (computed when ``None``); the source texts are
    those of *project* (:class:`cppcc_kg.project.load.Project`), else read under *root*; *schema* is
    the ontology of *graph*, read from it when not given.
    """
    schema = schema if schema is not None else Schema.from_graph(graph)
    G = entity_graph if entity_graph is not None else build_entity_graph(graph, schema=schema)
    if project is not None and getattr(project, "sources", None):
        texts = {str(iri): s.text for iri, s in project.sources.items()}
    else:
        texts = source_texts(graph, [root])
    orders = schema.display_orders()
    path = Path(out) / "graph.html"
    data = kept_page_data(G, metrics, sources=texts, orders=orders, title=_TITLE)
    if data is None:  # no cache (or a graph of unknown origin): made whole
        return write_html(G, path, metrics, sources=texts, orders=orders, title=_TITLE)
    write_atomic(path, _fill(_read_asset("cppcc_kg.viz", "assets", "page.html"), _TITLE, data))
    return path
