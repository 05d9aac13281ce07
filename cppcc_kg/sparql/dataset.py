"""The dataset that every store queries, read from the files of a build.

* the **default graph** holds every triple of ``build/graph.nt`` (or ``graph.ttl``);
* the **named graphs** are those of ``build/graph.trig`` (one per input file) and
  :data:`METRICS_GRAPH`, loaded from ``build/metrics.ttl``.

:func:`built_files` names the files, :func:`rdflib_dataset` and :func:`oxigraph_dataset`
load them (rdflib for the memory store, Oxigraph for the other), and
:func:`read_quads` parses one of them with Oxigraph (:mod:`cppcc_kg.sparql.push` sends
the same quads to a server).
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from cppcc_kg.rdf.namespaces import BASE, bind_prefixes
from cppcc_kg.rdf.store import TermCache
from cppcc_kg.sparql.guard import QueryError

#: the named graph of the network measures (``build/metrics.ttl``)
METRICS_GRAPH = BASE + "graph/metrics"
#: the syntaxes of the build files, by the names :func:`built_files` gives
RDF_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
               "nq": ox.RdfFormat.N_QUADS}


class BuildMissing(QueryError):
    """The built graph is not there."""

    status = 500


def built_files(build_dir: str | Path = "build") -> list[tuple[Path, str, str | None]]:
    """The files of a build that make up the dataset: ``(path, format, graph)``.

    *graph* is None for the default graph, ``"named"`` for the named graphs of a
    TriG file (its default graph is left out: ``graph.ttl`` holds every triple),
    or the IRI of the named graph to load the file into.
    """
    build_dir = Path(build_dir)
    main = next((build_dir / n for n in ("graph.nt", "graph.ttl") if (build_dir / n).is_file()), None)
    if main is None:
        raise BuildMissing(
            f"{build_dir / 'graph.ttl'}: the built graph is missing",
            "run `cppcc-kg build` first (or give the build folder with --build-dir).",
        )
    files = [(main, "nt" if main.suffix == ".nt" else "turtle", None)]
    if (build_dir / "graph.trig").is_file():
        files.append((build_dir / "graph.trig", "trig", "named"))
    if (build_dir / "metrics.ttl").is_file():
        files.append((build_dir / "metrics.ttl", "turtle", METRICS_GRAPH))
    return files


def read_quads(path: Path, fmt: str):
    """The quads of a build file (*fmt*: a key of :data:`RDF_FORMATS`), parsed by Oxigraph."""
    try:
        yield from ox.parse(path=str(path), format=RDF_FORMATS[fmt])
    except SyntaxError as exc:
        raise QueryError(f"{path}: {exc}", "rebuild with `cppcc-kg build`.") from None


def load_built(build_dir: str | Path = "build", store: str = "memory"):
    """The built dataset: an rdflib ``Dataset`` (``store="memory"``) or a ``pyoxigraph.Store``.

    Default graph: ``graph.nt`` (or ``graph.ttl``); named graphs: those of
    ``graph.trig`` and :data:`METRICS_GRAPH` from ``metrics.ttl``.
    """
    files = built_files(build_dir)
    if store == "oxigraph":
        return oxigraph_dataset(files)
    if store == "memory":
        return rdflib_dataset(files)
    raise QueryError(f"unknown store {store!r}", "use memory or oxigraph.")


def rdflib_dataset(files) -> Dataset:
    """An rdflib ``Dataset`` of the files of :func:`built_files`."""
    ds = Dataset()  # default_union is False: the default graph is only the default graph
    bind_prefixes(ds)
    cache = TermCache()
    for path, fmt, graph in files:
        contexts: dict = {}
        for q in read_quads(path, fmt):
            name = q.graph_name
            if graph is None:
                ctx = ds.default_graph
            elif graph == "named":
                if isinstance(name, ox.DefaultGraph):  # the TriG default graph
                    continue
                ctx = contexts.get(name.value)
                if ctx is None:
                    ctx = contexts[name.value] = ds.graph(URIRef(name.value))
            else:
                ctx = contexts.get(graph) or contexts.setdefault(graph, ds.graph(URIRef(graph)))
            ctx.add((cache[q.subject], cache[q.predicate], cache[q.object]))
    return ds


def oxigraph_dataset(files) -> ox.Store:
    """A ``pyoxigraph.Store`` of the files of :func:`built_files`."""
    st = ox.Store()
    for path, fmt, graph in files:
        if graph is None:
            st.bulk_load(path=str(path), format=RDF_FORMATS[fmt], to_graph=ox.DefaultGraph())
        elif graph == "named":
            st.extend(q for q in read_quads(path, fmt) if not isinstance(q.graph_name, ox.DefaultGraph))
        else:
            st.bulk_load(path=str(path), format=RDF_FORMATS[fmt], to_graph=ox.NamedNode(graph))
    return st
