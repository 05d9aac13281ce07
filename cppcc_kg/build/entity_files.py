"""The entity graph as files: ``entities.graphml``, ``nodes.csv`` and ``edges.csv``."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from cppcc_kg.network import (
    build_entity_graph,
    edges_frame,
    nodes_frame,
    shared_rows,
    write_graphml,
)
from cppcc_kg.rdf.files import write_atomic


def _csv(df) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def write_entity_files(graph: Graph, out_dir: Path, *, entity_graph=None) -> list[Path]:
    """Write ``entities.graphml``, ``nodes.csv`` and ``edges.csv`` into *out_dir*.

    ``nodes.csv`` starts with the columns ``Id`` (the IRI) and ``Label`` (the
    English label) that Gephi's spreadsheet import expects; ``edges.csv`` has
    ``source`` and ``target``.
    """
    G = entity_graph if entity_graph is not None else build_entity_graph(graph)
    out_dir = Path(out_dir)
    with shared_rows():  # the edge rows, made once for the GraphML and the CSV
        write_graphml(G, out_dir / "entities.graphml")
        nodes = nodes_frame(G)
        nodes.insert(0, "Label", nodes["label_en"] if "label_en" in nodes else "")
        nodes.insert(0, "Id", nodes["iri"] if "iri" in nodes else "")
        edges = edges_frame(G)
    return [out_dir / "entities.graphml",
            write_atomic(out_dir / "nodes.csv", _csv(nodes)),
            write_atomic(out_dir / "edges.csv", _csv(edges))]
