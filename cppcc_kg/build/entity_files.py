"""The entity graph as files: ``entities.graphml``, ``nodes.csv`` and ``edges.csv``."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import Graph

from cppcc_kg.network import (
    build_entity_graph,
    edge_rows,
    node_rows,
    shared_rows,
    write_graphml,
)
from cppcc_kg.rdf.files import write_atomic


def csv_text(cols: list[str], rows: list[list]) -> str:
    """The CSV text pandas writes for the table (``DataFrame(rows, columns=cols).to_csv(index=False,
    lineterminator="\\n")``): by the csv module when every value is text, else by pandas.

    >>> print(csv_text(["a", "b"], [["x", 'a "b" c'], ["", "1,2"]]), end="")
    a,b
    x,"a ""b"" c"
    ,"1,2"
    """
    if all(type(v) is str for r in rows for v in r) and all(type(c) is str for c in cols):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")  # what pandas writes with: minimal quoting, '"' doubled
        w.writerow(cols)
        w.writerows(rows)
        return out.getvalue()
    import pandas as pd  # heavy (0.25 s): only for a table of other values than text (not the project's)

    return pd.DataFrame(rows, columns=cols).to_csv(index=False, lineterminator="\n")


def write_entity_files(graph: Graph, out_dir: Path, *, entity_graph=None) -> list[Path]:
    """Write ``entities.graphml``, ``nodes.csv`` and ``edges.csv`` into *out_dir*.

    ``nodes.csv`` starts with the columns ``Id`` (the IRI) and ``Label`` (the
    English label) that Gephi's spreadsheet import expects; ``edges.csv`` has
    ``source`` and ``target``.
    """
    G = entity_graph if entity_graph is not None else build_entity_graph(graph)
    out_dir = Path(out_dir)
    with shared_rows():  # the node and edge rows, made once for the GraphML and the CSV
        write_graphml(G, out_dir / "entities.graphml")
        cols, rows, _missing = node_rows(G)
        iri, label = cols.index("iri"), cols.index("label_en")
        nodes = csv_text(["Id", "Label", *cols], [[r[iri], r[label], *r] for r in rows])
        edges = csv_text(*edge_rows(G))
    return [out_dir / "entities.graphml",
            write_atomic(out_dir / "nodes.csv", nodes),
            write_atomic(out_dir / "edges.csv", edges)]
