"""What the page is made from: any graph that follows the ontology, its source texts, its measures.

:func:`load_input` reads a project root, a folder of RDF files or one Turtle/TriG/N-Triples/N-Quads
file (:func:`parse_rdf_file`); :func:`source_texts` reads the texts of the sources (for the
sentence around each quote); :func:`metrics_from_graph` reads measures stored as RDF
(``build/metrics.ttl``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cppcc_kg.errors import InputError
from cppcc_kg.network.metrics import PROPERTIES
from cppcc_kg.project.files import find_upwards
from cppcc_kg.project.load import load
from cppcc_kg.project.pinyin import pinyin_triples
from cppcc_kg.rdf.namespaces import CPPCC, bind_prefixes
from cppcc_kg.rdf.syntax import to_rdflib

__all__ = ["RDF_FORMATS", "load_input", "load_metrics", "metrics_from_graph", "parse_rdf_file", "source_texts",
           "unread_sources"]

#: file extension -> pyoxigraph format of the files :func:`load_input` reads
RDF_FORMATS = {".ttl": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES", ".nq": "N_QUADS"}


def source_texts(graph, roots) -> dict[str, str]:
    """Source IRI -> its text, read from ``cppcc:localPath`` under the first of *roots* that has it.

    Sources whose file is found nowhere are left out (their quotes are shown without context).
    """
    out = {}
    roots = [Path(r) for r in roots]
    for src, path in sorted(graph.subject_objects(CPPCC.localPath), key=lambda x: str(x[0])):
        for root in roots:
            full = root / str(path)
            if full.is_file():
                try:
                    out[str(src)] = full.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                break
    return out


def metrics_from_graph(graph):
    """The measures stored in *graph* (``build/metrics.ttl``) as a DataFrame, or ``None``.

    One row per entity IRI (column ``iri``), one column per measure of
    :data:`cppcc_kg.network.metrics.PROPERTIES` found.
    """
    rows: dict[str, dict] = defaultdict(dict)
    for column, local in PROPERTIES.items():
        for s, o in graph.subject_objects(CPPCC[local]):
            try:
                rows[str(s)][column] = o.toPython()
            except (TypeError, ValueError):
                continue
    if not rows:
        return None
    import pandas as pd  # heavy (0.25 s): the build, which imports this module, makes no DataFrame

    return pd.DataFrame([{"iri": iri, **vals} for iri, vals in sorted(rows.items())])


def parse_rdf_file(path: Path, graph) -> None:
    """Add the triples of the RDF file *path* to *graph* (its format from its extension, see
    :data:`RDF_FORMATS`; blank nodes named after the file). Raises :class:`InputError` with the
    line and column of a syntax error."""
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: not a Turtle, TriG, N-Triples or N-Quads file (by its extension)",
                         "pass a .ttl, .trig, .nt or .nq file, or a folder of them.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        quads = ox.parse(data, format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri())
        bnodes: dict = {}
        prefix = re.sub(r"[^A-Za-z0-9]+", "_", path.name) + "_b"
        for q in quads:
            graph.add(tuple(to_rdflib(t, bnodes, prefix) for t in (q.subject, q.predicate, q.object)))
    except SyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno or 1}:{exc.offset or 1}: {exc.msg or exc}",
                         "fix the file at that position (it must be valid RDF in the format of its extension).") \
            from None
    except (TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as {fmt.replace('_', '-').lower()}: {exc}") from None


def _is_project(path: Path) -> bool:
    return path.is_dir() and (path / "ontology.ttl").is_file() and ((path / "graph").is_dir() or (path / "sources").is_dir())


def _parse_inputs(path: Path, base: Path, ontology: Path | str | None) -> Graph:
    """The graph of the RDF files at *path*, with the ontology and the pinyin of the labels."""
    graph = Graph()
    bind_prefixes(graph)
    files = ([p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in RDF_FORMATS]
             if path.is_dir() else [path])
    if not files:
        raise InputError(f"{path}: the folder holds no .ttl, .trig, .nt or .nq file")
    for f in files:
        parse_rdf_file(f, graph)
    if ontology is not None:
        parse_rdf_file(Path(ontology), graph)
    elif (None, CPPCC.displayAsNode, None) not in graph:
        found = find_upwards(base.resolve(), "ontology.ttl")
        if found is None:
            raise InputError(f"{path}: the graph has no ontology (no cppcc:displayAsNode) and no ontology.ttl "
                             "was found beside it or above", "pass --ontology ontology.ttl")
        parse_rdf_file(found, graph)
    if (None, CPPCC.pinyin, None) not in graph:
        for t in pinyin_triples(graph):
            graph.add(t)
    return graph


def load_input(path: Path | str, *, ontology: Path | str | None = None, sources_root: Path | str | None = None):
    """Read *path* (a project root, a folder of RDF files, or one Turtle/TriG file).

    Returns ``(graph, texts, roots)``: the merged rdflib graph (with the ontology and pinyin),
    source IRI -> text, and the folders searched for source texts. A project root (with
    ``ontology.ttl`` and ``graph/`` or ``sources/``) is loaded with its checks
    (:func:`cppcc_kg.project.load.load`); other inputs are parsed as they are, with the ontology
    from *ontology*, else from the input, else from ``ontology.ttl`` in the input's folder or above.
    Source texts (``cppcc:localPath``) are looked for under *sources_root*, else the input's
    folder and the folders above it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", "pass a Turtle or TriG file, or a folder of them.")
    base = path if path.is_dir() else path.parent
    if _is_project(path):
        project = load(path)
        texts = {str(iri): s.text for iri, s in project.sources.items()}
        return project.view, texts, [path]
    graph = _parse_inputs(path, base, ontology)
    roots = [Path(sources_root)] if sources_root is not None else [base.resolve(), *base.resolve().parents]
    return graph, source_texts(graph, roots), roots


def load_metrics(path: Path | None, graph):
    """The measures to draw: *path* (a ``metrics.csv`` with an ``iri`` column, or RDF such as
    ``metrics.ttl``), else those stored in *graph* (None when it has none: the page computes them).

    Raises :class:`~cppcc_kg.errors.InputError` for a file that is not such a table.
    """
    if path is None:
        return metrics_from_graph(graph)
    path = Path(path)
    if path.suffix.lower() != ".csv":
        stored = Graph()
        parse_rdf_file(path, stored)
        return metrics_from_graph(stored)
    import pandas as pd  # heavy (0.25 s): the build, which imports this module, makes no DataFrame

    try:
        metrics = pd.read_csv(path)
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot read it as CSV: {exc}") from None
    if "iri" not in metrics.columns:
        raise InputError(f"{path}: no 'iri' column", "pass the metrics.csv of the build.")
    return metrics


def unread_sources(graph, texts: dict[str, str]) -> list[str]:
    """The sources of *graph* whose text was not found (their quotes are shown without context)."""
    return sorted(str(s) for s in set(graph.subjects(CPPCC.localPath, None)) if str(s) not in texts)
