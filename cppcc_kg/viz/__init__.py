"""The interactive HTML page of the entity graph (``build/graph.html``, ``cppcc-kg visualize``).

One self-contained UTF-8 file that works offline, made in five steps, one module each:

* :mod:`~cppcc_kg.viz.inputs`: what the page is made from (any graph that follows the
  ontology, its source texts, its stored measures);
* :mod:`~cppcc_kg.viz.select`: which entities it draws (all, one community, a neighbourhood,
  at most :data:`MAX_NODES`);
* :mod:`~cppcc_kg.viz.layout`: where (a seeded layout computed in Python);
* :mod:`~cppcc_kg.viz.payload`: the data of the page (legend, rows, measures, evidence in its
  sentence, the vis-network model);
* :mod:`~cppcc_kg.viz.render`: the HTML (template, inlined vis-network, CSP hashes), written
  atomically; :func:`write_project_page` is the build stage.

The build keeps the page's data in pieces in the loader's cache (:mod:`~cppcc_kg.viz.kept_page`,
:mod:`~cppcc_kg.viz.script_json`): an edit that changes attributes only makes again the rows of the
entities and relations it changed.

The legend order is the ontology's ``cppcc:displayOrder``:
``orders=Schema.from_graph(graph).display_orders()`` (:class:`cppcc_kg.schema.Schema`).
"""
from cppcc_kg.viz.evidence import CONTEXT_LIMIT, EvidenceTable, sentence_context
from cppcc_kg.viz.inputs import (
    RDF_FORMATS,
    load_input,
    load_metrics,
    metrics_from_graph,
    parse_rdf_file,
    source_texts,
    unread_sources,
)
from cppcc_kg.viz.layout import PHYSICS_MAX_NODES, layout_positions
from cppcc_kg.viz.payload import SIZE_MEASURES, measure_table, page_data
from cppcc_kg.viz.render import (
    VIS_DIR,
    json_for_script,
    render_html,
    write_html,
    write_project_page,
)
from cppcc_kg.viz.select import MAX_NODES, focus_nodes, select_view, view_of

__all__ = [
    "CONTEXT_LIMIT", "MAX_NODES", "PHYSICS_MAX_NODES", "RDF_FORMATS", "SIZE_MEASURES", "VIS_DIR",
    "EvidenceTable", "focus_nodes", "json_for_script", "layout_positions", "load_input", "load_metrics", "measure_table",
    "metrics_from_graph", "page_data", "parse_rdf_file", "render_html", "select_view", "sentence_context",
    "source_texts", "unread_sources", "view_of", "write_html", "write_project_page",
]
