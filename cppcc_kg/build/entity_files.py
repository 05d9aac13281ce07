"""The entity graph as files: ``entities.graphml``, ``nodes.csv`` and ``edges.csv``.

The build's entity graph may come with the files of the graph it was patched from
(:mod:`cppcc_kg.build.graph_rows`, :mod:`cppcc_kg.network.changes`): then only the pieces of the nodes
and edges that changed are written again (:func:`cppcc_kg.build.entity_pieces.patched_files`), and the
files made are kept for the next build.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from cppcc_kg.build.entity_pieces import FILES, csv_text, patched_files, whole_files
from cppcc_kg.network import build_entity_graph
from cppcc_kg.network.changes import changes_of
from cppcc_kg.rdf.files import write_atomic

__all__ = ["csv_text", "write_entity_files"]


def write_entity_files(graph: Graph, out_dir: Path, *, entity_graph=None) -> list[Path]:
    """Write ``entities.graphml``, ``nodes.csv`` and ``edges.csv`` into *out_dir*.

    ``nodes.csv`` starts with the columns ``Id`` (the IRI) and ``Label`` (the
    English label) that Gephi's spreadsheet import expects; ``edges.csv`` has
    ``source`` and ``target``.
    """
    G = entity_graph if entity_graph is not None else build_entity_graph(graph)
    out_dir = Path(out_dir)
    tracked = changes_of(G)
    base = getattr(tracked, "base", None)
    made = None
    if getattr(base, "files", None) is not None:
        made = patched_files(G, base.files, tracked.changed)
    texts, kept = made if made is not None else whole_files(G, pieces=base is not None)  # kept: in pieces
    paths = [write_atomic(out_dir / name, text if isinstance(text, (str, bytes)) else [text])
             for name, text in zip(FILES, texts)]
    if base is not None and kept is not None:
        tracked.version = base.keep(G, kept, paths)  # what is made of the graph now may be patched next time
    return paths
