"""Every measure of every entity: the table of ``build/metrics.csv`` and ``build/metrics.ttl``.

:func:`all_measures` makes the table; :func:`write_metrics` is the library function the
build runs as a stage (``cppcc-kg analyze`` prints the top entities per measure and writes
the same files).

``metrics.ttl`` is Turtle holding the measures as ``cppcc:degree``, ``cppcc:inDegree``,
``cppcc:outDegree``, ``cppcc:betweenness``, ``cppcc:closeness``, ``cppcc:eigenvector``,
``cppcc:pagerank``, ``cppcc:kcore`` and ``cppcc:community`` on each entity IRI. Turtle has no
graphs: load it into the named graph :data:`METRICS_GRAPH`
(``https://w3id.org/cppcc-kg/graph/metrics``), as the build's TriG and query store do.

>>> turtle_number(3), turtle_number(0.25), turtle_number(1e-05)
('3', '"0.25"^^xsd:double', '"1e-05"^^xsd:double')
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from rdflib import Dataset, Graph
from rdflib.util import guess_format

from cppcc_kg.errors import InputError
from cppcc_kg.network.centrality import (
    betweenness_values,
    closeness_values,
    degree_values,
    eigenvector_values,
    pagerank_values,
)
from cppcc_kg.network.communities import community_values
from cppcc_kg.network.entity_graph import build_entity_graph
from cppcc_kg.network.frames import BASE_COLUMNS, entity_columns, table_csv
from cppcc_kg.network.projections import shared_projection
from cppcc_kg.network.structure import kcore_values
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.rdf.namespaces import BASE, CPPCC

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MEASURES", "METRICS_GRAPH", "PROPERTIES", "AUTO_EXACT_LIMIT", "AUTO_K", "all_measures", "auto_k",
           "measure_columns", "frame_of_columns",
           "structure_digest", "kept_measures", "write_metrics", "metrics_csv", "metrics_turtle", "turtle_number", "load_rdf", "top_table"]

#: The measures of :func:`all_measures`, in the order of the columns of ``metrics.csv``.
MEASURES = ("degree", "in_degree", "out_degree", "betweenness", "closeness", "eigenvector",
            "pagerank", "kcore", "community")

#: the named graph that holds the measures
METRICS_GRAPH = BASE + "graph/metrics"
#: metrics.csv column -> property of metrics.ttl
PROPERTIES = {
    "degree": "degree", "in_degree": "inDegree", "out_degree": "outDegree",
    "betweenness": "betweenness", "closeness": "closeness", "eigenvector": "eigenvector",
    "pagerank": "pagerank", "kcore": "kcore", "community": "community",
}
#: above this many entities, betweenness is approximated from this many sampled sources
AUTO_EXACT_LIMIT = 10000
AUTO_K = 256


def all_measures(G: nx.Graph, *, betweenness_k: int | None = None, seed: int = 0,
                 community_method: str = "louvain") -> pd.DataFrame:
    """Every measure of :data:`MEASURES` for every entity: the table of ``metrics.csv``.

    Columns ``iri, label_zh, label_en, class`` (the fine type), ``top_class`` then :data:`MEASURES`,
    rows sorted by IRI.
    ``df.attrs`` holds ``modularity`` and ``community_method``. Closeness is sampled when
    betweenness is (*betweenness_k* sources, seeded by *seed*).

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> df = all_measures(G)
    >>> df.columns.tolist()[5:]
    ['degree', 'in_degree', 'out_degree', 'betweenness', 'closeness', 'eigenvector', 'pagerank', 'kcore', 'community']
    >>> df[["iri", "degree", "betweenness", "kcore"]].values.tolist()
    [['a', 1, 0.0, 1], ['b', 2, 1.0, 1], ['c', 1, 0.0, 1]]
    >>> all_measures(nx.MultiDiGraph()).shape
    (0, 14)
    """
    return frame_of_columns(*measure_columns(G, betweenness_k=betweenness_k, seed=seed,
                                             community_method=community_method))


#: the columns of metrics.csv that are integers
INTEGER_MEASURES = ("degree", "in_degree", "out_degree", "kcore", "community")


def measure_columns(G: nx.Graph, *, betweenness_k: int | None = None, seed: int = 0,
                    community_method: str = "louvain") -> tuple[dict[str, list], dict]:
    """The table of :func:`all_measures` as columns (name -> the value of each row, ``int`` or ``float`` for
    a measure; rows by IRI) and its ``attrs``, without pandas (the build: ``metrics.csv`` and ``metrics.ttl``
    are written from them).

    >>> cols, attrs = measure_columns(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    >>> cols["iri"], cols["degree"], cols["betweenness"], attrs["community_method"]
    (['a', 'b', 'c'], [1, 2, 1], [0.0, 1.0, 0.0], 'louvain')
    """
    with shared_projection():  # the undirected projection, made once for every measure
        values = degree_values(G)
        values["betweenness"] = betweenness_values(G, k=betweenness_k, seed=seed)[1]
        values["closeness"] = closeness_values(G, k=betweenness_k, seed=seed)[1]
        values["eigenvector"] = eigenvector_values(G)[1]
        values["pagerank"] = pagerank_values(G)[1]
        values["kcore"] = kcore_values(G)[1]
        _, values["community"], _, modularity = community_values(G, method=community_method, seed=seed)
    values.setdefault("in_degree", values["degree"])
    values.setdefault("out_degree", values["degree"])
    nodes, columns = entity_columns(G)
    order = sorted(range(len(nodes)), key=columns["iri"].__getitem__)  # by IRI (stable: as a merge sort)
    nodes = [nodes[i] for i in order]
    columns = {c: [columns[c][i] for i in order] for c in BASE_COLUMNS}
    for m in MEASURES:
        kind, vals = (int if m in INTEGER_MEASURES else float), values[m]
        columns[m] = [kind(vals[x]) for x in nodes]
    return columns, {"modularity": modularity, "community_method": community_method}


def frame_of_columns(columns: dict[str, list], attrs: dict) -> pd.DataFrame:
    """The DataFrame of :func:`all_measures` from :func:`measure_columns` (the integer measures as ``int64``,
    the others ``float64``)."""
    import pandas as pd  # heavy (0.25 s): the build writes the measures from their columns

    df = pd.DataFrame(columns, columns=list(BASE_COLUMNS) + list(MEASURES))
    df = df.astype({c: "int64" if c in INTEGER_MEASURES else "float64" for c in MEASURES})
    df.attrs.update(attrs)
    return df


def turtle_number(x) -> str:
    """A Turtle literal for a measure: an integer as is, a float as a typed xsd:double."""
    if isinstance(x, bool):
        raise TypeError("a measure is a number, not a boolean")
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f'"{float(x)!r}"^^xsd:double'


def metrics_csv(df: pd.DataFrame | dict) -> str:
    """The text of ``metrics.csv`` for a table of :func:`all_measures` (or its :func:`measure_columns`):
    what ``df.to_csv(index=False, lineterminator="\\n")`` writes (:func:`~cppcc_kg.network.frames.table_csv`)."""
    if isinstance(df, dict):
        return table_csv(df)
    return df.to_csv(index=False, lineterminator="\n")  # a DataFrame: pandas is there, and its text whatever the dtypes


def metrics_turtle(df: pd.DataFrame | dict) -> str:
    """The text of ``metrics.ttl``: one block per entity (by IRI), measures in a fixed order; *df* is a table
    of :func:`all_measures` or its :func:`measure_columns` (rows by IRI already).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"iri": ["https://w3id.org/cppcc-kg/id/org/a"], "degree": [2], "pagerank": [0.5]})
    >>> print(metrics_turtle(df).split("\\n\\n")[-1].strip())
    <https://w3id.org/cppcc-kg/id/org/a> cppcc:degree 2 ;
        cppcc:pagerank "0.5"^^xsd:double .
    """
    lines = [
        "# Network measures of the entities of cppcc-kg (cppcc-kg analyze).",
        f"# Named graph: <{METRICS_GRAPH}>",
        f"@prefix cppcc: <{CPPCC}> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    if not isinstance(df, dict):
        df = df.sort_values("iri", kind="mergesort")
        df = {c: df[c].tolist() for c in df.columns}
    cols = [c for c in PROPERTIES if c in df]
    pairs = [_turtle_column(c, df[c]) for c in cols]  # column by column: "cppcc:p value" or None
    for iri, values in zip(df["iri"], zip(*pairs) if pairs else [() for _ in range(len(df["iri"]))]):
        present = [v for v in values if v is not None]
        if present:
            lines.append("")
            lines.append(f"<{iri}> " + " ;\n    ".join(present) + " .")
    return "\n".join(lines) + "\n"


def _turtle_column(c: str, values: list) -> list:
    """``cppcc:p value`` (:func:`turtle_number`) of each of *values* of column *c*; None for a missing one."""
    head = f"cppcc:{PROPERTIES[c]} "
    integer = c in INTEGER_MEASURES
    kinds = set(map(type, values))
    if integer and kinds <= {int}:  # the build's columns: turtle_number of each, without a call per value
        return [head + t for t in map(str, values)]
    if not integer and kinds <= {float} and not any(map(math.isnan, values)):
        return [f'{head}"{v!r}"^^xsd:double' for v in values]
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        else:
            out.append(head + turtle_number(int(v) if integer else float(v)))
    return out


def auto_k(G: nx.Graph, betweenness_k):
    """The sampled sources of betweenness for *betweenness_k*: ``'auto'`` is None (exact) up to
    :data:`AUTO_EXACT_LIMIT` entities and :data:`AUTO_K` above; anything else is itself.

    >>> auto_k(nx.path_graph(3), "auto"), auto_k(nx.path_graph(3), 5)
    (None, 5)
    """
    if betweenness_k == "auto":
        return AUTO_K if G.number_of_nodes() > AUTO_EXACT_LIMIT else None
    return betweenness_k


def structure_digest(G: nx.Graph, **options) -> str:
    """The sha256 of what :func:`all_measures` reads of *G* besides the labels and classes it copies:
    each node (and its ``iri`` attribute) in the graph's order, each edge with its key in the order of
    its adjacency, and the *options* (the seed, the sampled sources, the method).

    The measures run on the nodes, the edges and their number between each pair, in these orders
    (Louvain's random order is over the nodes); an edit of a label or of an attribute changes none of
    them, and the measures computed for another graph of the same digest are the same numbers.

    >>> a = nx.MultiDiGraph([("a", "b")]); b = nx.MultiDiGraph([("a", "b")])
    >>> b.nodes["a"]["label_en"] = "A"
    >>> structure_digest(a, seed=0) == structure_digest(b, seed=0) != structure_digest(a, seed=1)
    True
    """
    h = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for n, d in G.nodes(data=True):
        h.update(f"n\0{n}\0{d.get('iri') or ''}\n".encode())
    keyed = G.is_multigraph()
    for u, nbrs in G.adjacency():
        for v, keys in nbrs.items():
            h.update(f"e\0{u}\0{v}\0{chr(0).join(map(str, keys)) if keyed else ''}\n".encode())
    return h.hexdigest()


def _measures_json(columns: dict[str, list], attrs: dict) -> bytes:
    """The measures of a table of :func:`measure_columns` (IRI and :data:`MEASURES`, by row, and the
    attributes) as JSON; floats are written by ``repr``, which reads back as the same float."""
    data = {"iri": columns["iri"], **{c: columns[c] for c in MEASURES}, "attrs": attrs}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def kept_measures(G: nx.Graph, raw: bytes) -> pd.DataFrame | None:
    """The table of :func:`all_measures` for *G* from the measures *raw* (:func:`_measures_json`) of a
    graph of the same :func:`structure_digest`: the labels and classes are *G*'s. None when *raw* is
    not such a table or does not have *G*'s entities."""
    kept = _kept_columns(G, raw)
    return None if kept is None else frame_of_columns(*kept)


def _kept_columns(G: nx.Graph, raw: bytes) -> tuple[dict[str, list], dict] | None:
    """:func:`kept_measures` as :func:`measure_columns` gives them."""
    try:
        data = json.loads(raw)
        nodes, columns = entity_columns(G)
        order = sorted(range(len(nodes)), key=columns["iri"].__getitem__)
        columns = {c: [columns[c][i] for i in order] for c in BASE_COLUMNS}
        if data["iri"] != columns["iri"]:
            return None
        for c in MEASURES:
            kind = int if c in INTEGER_MEASURES else float
            if len(data[c]) != len(nodes):
                return None
            columns[c] = [kind(v) for v in data[c]]
        attrs = dict(data["attrs"])
    except (ValueError, KeyError, TypeError):
        return None
    return columns, attrs


def write_metrics(graph, out_dir, *, entity_graph: nx.MultiDiGraph | None = None, seed: int = 0,
                  betweenness_k: int | str | None = "auto", community_method: str = "louvain",
                  cache=None, code: str = "", frame: bool = True) -> dict:
    """Compute every measure and write ``metrics.csv`` and ``metrics.ttl`` into *out_dir*.

    This is the build's analysis stage. Both files are written atomically (temporary file,
    then rename), and are byte-identical for the same graph and options.

    Parameters
    ----------
    graph : rdflib.Graph, pyoxigraph.Store or None
        The merged graph (ignored when *entity_graph* is given).
    out_dir : path
    entity_graph : networkx.MultiDiGraph, optional
        The entity graph, if the caller already built it.
    seed : int
        Seed of Louvain and of sampled betweenness.
    betweenness_k : int, None or 'auto'
        Sampled sources for betweenness; ``None`` exact; ``'auto'`` exact up to
        :data:`AUTO_EXACT_LIMIT` entities and :data:`AUTO_K` samples above.
    cache : cppcc_kg.project.cache.Cache, optional
        Where the measures are kept under the :func:`structure_digest` of the graph and *code* (the
        digest of the code that computes them): a graph of the same structure (an edit of a label)
        takes them from there (:func:`kept_measures`) instead of computing them again.
    frame : bool
        Also make the table as a DataFrame (``False``: the build, which imports no pandas).

    Returns
    -------
    dict
        ``{'metrics.csv': Path, 'metrics.ttl': Path, 'frame': DataFrame (None without *frame*),
        'measures': {iri: {measure: value}}, 'modularity': float, 'betweenness_k': int or None, 'kept': bool}``
    """
    G = entity_graph if entity_graph is not None else build_entity_graph(graph)
    k = auto_k(G, betweenness_k)
    name = table = None
    if cache is not None and getattr(cache, "enabled", True):  # (a disabled cache keeps nothing: no digest)
        digest = structure_digest(G, seed=seed, betweenness_k=k, community_method=community_method, code=code)
        name = f"metrics-{digest}.json"
        raw = cache.get(name)
        table = _kept_columns(G, raw) if raw is not None else None
    kept = table is not None
    if table is None:
        table = measure_columns(G, betweenness_k=k, seed=seed, community_method=community_method)
    columns, attrs = table
    if name is not None and not kept:
        cache.put(name, _measures_json(columns, attrs))
    out_dir = Path(out_dir)
    csv_path, ttl_path = out_dir / "metrics.csv", out_dir / "metrics.ttl"
    write_atomic(csv_path, metrics_csv(columns))
    write_atomic(ttl_path, metrics_turtle(columns))
    measures = {iri: {m: columns[m][i] for m in MEASURES} for i, iri in enumerate(columns["iri"])}
    return {"metrics.csv": csv_path, "metrics.ttl": ttl_path, "frame": frame_of_columns(columns, attrs) if frame else None,
            "measures": measures, "modularity": attrs.get("modularity"), "betweenness_k": k, "kept": kept}


def load_rdf(path) -> Graph:
    """Read an RDF file (Turtle, N-Triples, TriG, N-Quads, JSON-LD by extension) as one graph.

    Raises :class:`cppcc_kg.errors.InputError` naming the file when it is missing or does not
    parse, or when it lacks the ontology (no class has ``cppcc:displayAsNode``).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", "build first (cppcc-kg build) or pass another --graph.")
    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in ("trig", "nquads"):
            g = Dataset(default_union=True)
            g.parse(path, format=fmt)
        else:
            g = Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds; report them all the same way
        raise InputError(f"{path}: not valid {fmt}: {exc}", "rebuild it with cppcc-kg build.") from exc
    if next(iter(g.triples((None, CPPCC.displayAsNode, None))), None) is None:
        raise InputError(f"{path}: holds no ontology (no class has cppcc:displayAsNode)",
                         "give a graph that includes ontology.ttl, such as build/graph.ttl.")
    return g


def top_table(df: pd.DataFrame, measure: str, top: int = 10) -> pd.DataFrame:
    """The *top* entities by *measure* (ties by IRI), numbered from 1.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"iri": ["b", "a"], "label_zh": ["乙", "甲"], "label_en": ["B", "A"],
    ...                    "class": ["X", "X"], "degree": [1, 1]})
    >>> top_table(df, "degree")["label_en"].tolist()
    ['A', 'B']
    """
    t = df.sort_values([measure, "iri"], ascending=[False, True], kind="mergesort").head(top)
    t = t[["label_zh", "label_en", "class", measure]].reset_index(drop=True)
    t.index = t.index + 1
    return t
