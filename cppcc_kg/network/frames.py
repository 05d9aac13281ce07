"""Tables of a graph: the rows of ``nodes.csv`` and ``edges.csv``, and the entity columns of the measures.

:func:`nodes_frame` and :func:`edges_frame` flatten the attributes (lists and dicts become
canonical JSON), as the GraphML writer does (:mod:`cppcc_kg.network.graphml`);
:func:`entity_frame` and :func:`measure_frame` make the tables of the measures, whose first
columns are :data:`BASE_COLUMNS`.

>>> G = nx.MultiDiGraph()
>>> G.add_node("a", label_zh="甲", aliases=["x", "y"]); G.add_node("b")
>>> _ = G.add_edge("a", "b", key="launched", evidence=[])
>>> nodes_frame(G)[["iri", "label_zh", "aliases"]].values.tolist()
[['a', '甲', '["x","y"]'], ['b', '', '']]
>>> edges_frame(G)[["source", "target", "key", "evidence"]].values.tolist()
[['a', 'b', 'launched', '[]']]
"""
from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import networkx as nx

from cppcc_kg.network.memo import made_once, memo_block

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NODE_COLUMNS", "EDGE_COLUMNS", "BASE_COLUMNS", "SIGNIFICANT", "flat", "ordered_keys",
           "nodes_frame", "node_rows", "edges_frame", "edge_rows", "shared_rows", "entity_frame", "entity_columns",
           "measure_frame", "round_all", "round_significant", "table_csv", "text_csv_lines"]

#: Node attributes, in the order of the columns of :func:`nodes_frame`.
NODE_COLUMNS = (
    "iri", "label_zh", "label_en", "pinyin", "aliases", "class", "class_iri",
    "class_label_en", "class_label_zh", "top_class", "top_class_iri", "top_class_label_en",
    "top_class_label_zh", "color", "shape", "date", "date_precision",
    "comment", "observations", "evidence",
)
#: Edge attributes, after ``source, target, key``, in the order of :func:`edges_frame`.
EDGE_COLUMNS = ("property", "label_en", "label_zh", "color", "statement", "evidence")
#: The first columns of every table of measures.
BASE_COLUMNS = ("iri", "label_zh", "label_en", "class", "top_class")
#: Significant digits the measures are rounded to.
SIGNIFICANT = 10

#: canonical JSON (what ``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``
#: writes), made once: ``json.dumps`` with options makes an encoder at every call
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _json_of_containers():
    """:data:`_JSON` of a list or dict: json's C encoder made once (``JSONEncoder.encode`` makes one at every
    call, a third of its time for the short lists of evidence), without the check for circular references
    (the attributes read from RDF hold none). ``None`` without the C encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    encoder = make(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(encoder(value, 0))


_JSON_CONTAINER = _json_of_containers() or _JSON
_SCALARS = frozenset((bool, int, float, str))


def flat(value):
    """A GraphML/CSV-safe scalar: lists and dicts become canonical JSON, None becomes ''.

    >>> flat({"b": 1, "a": [1, 2]}), flat(None), flat(2.5)
    ('{"a":[1,2],"b":1}', '', 2.5)
    """
    t = type(value)
    if t in _SCALARS:
        return value
    if value is None:
        return ""
    if t is list and not value:
        return "[]"
    if t is list or t is dict:
        return _JSON_CONTAINER(value)
    if isinstance(value, (list, tuple, dict, set)):
        if isinstance(value, set):
            value = sorted(value, key=str)
        return _JSON(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def ordered_keys(records: Iterable[dict], first: Iterable[str]) -> list[str]:
    """The keys *first*, then the other keys of *records*, sorted."""
    first = list(first)
    extra = sorted({k for r in records for k in r} - set(first))
    return first + extra


def nodes_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per node, sorted by IRI; columns :data:`NODE_COLUMNS` then any others sorted.

    Lists and dicts (``aliases``, ``observations``, ``evidence``) are canonical JSON strings.

    >>> nodes_frame(nx.MultiDiGraph()).shape
    (0, 20)
    """
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    cols, data, _missing = node_rows(G)
    return pd.DataFrame(data, columns=cols)


def node_rows(G: nx.Graph) -> tuple[list[str], list[list], list]:
    """The columns and flattened rows of :func:`nodes_frame` (shared within :func:`shared_rows`),
    and for each row the set of the columns its node lacks (None when it has them all; ``iri``
    is then the node's name in the row).

    >>> G = nx.Graph(); G.add_node("a", label_zh="甲")
    >>> cols, rows, missing = node_rows(G)
    >>> rows[0][:3], sorted(missing[0])[:2]
    (['a', '甲', ''], ['aliases', 'class'])
    """
    return made_once(_ROWS_MEMO, "nodes", G, _make_node_rows)


def _make_node_rows(G: nx.Graph) -> tuple[list[str], list[list], list]:
    nodes = sorted(G.nodes(data=True), key=lambda x: str(x[0]))
    cols = ordered_keys((d for _, d in nodes), NODE_COLUMNS)
    width, same = len(cols), tuple(cols)
    data, missing = [], []
    for n, d in nodes:  # a value that is text is itself flattened (most are)
        data.append([v if type(v) is str else flat(v) for v in (d.values() if tuple(d) == same else map(d.get, cols))])
        if len(d) == width:
            missing.append(None)
        else:
            missing.append(set(cols).difference(d))
            if "iri" not in d:
                data[-1][cols.index("iri")] = flat(n)
    return cols, data, missing


#: while :func:`shared_rows` is active: graph id -> (graph, edge rows), made once for several writers
_ROWS_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("_ROWS_MEMO", default=None)


@contextlib.contextmanager
def shared_rows():
    """Within the block, the GraphML and CSV writers share the flattened node and edge rows of a graph
    (which must not change meanwhile) instead of making them each."""
    with memo_block(_ROWS_MEMO):
        yield


def edge_rows(G: nx.Graph) -> tuple[list[str], list[list]]:
    """The columns and flattened rows of :func:`edges_frame` (shared within :func:`shared_rows`)."""
    return made_once(_ROWS_MEMO, "edges", G, _make_edge_rows)


def _make_edge_rows(G: nx.Graph) -> tuple[list[str], list[list]]:
    if G.is_multigraph():
        triples = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
    else:
        triples = [(u, v, "", d) for u, v, d in G.edges(data=True)]
    triples.sort(key=lambda t: (str(t[0]), str(t[2]), str(t[1])))
    ends = ("source", "target", "key")
    names = set().union(*(d.keys() for *_, d in triples))
    if names.intersection(ends):  # an attribute named as an end replaces it in the row
        rows = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in triples]
        cols = ordered_keys(rows, ends + EDGE_COLUMNS)
        return cols, [[flat(r.get(c)) for c in cols] for r in rows]
    cols = ordered_keys([names], ends + EDGE_COLUMNS)
    attrs, same = cols[3:], tuple(cols[3:])
    return cols, [[flat(u), flat(v), flat(k), *[x if type(x) is str else flat(x)
                                                for x in (d.values() if tuple(d) == same else map(d.get, attrs))]]
                  for u, v, k, d in triples]


def edges_frame(G: nx.Graph) -> pd.DataFrame:
    """One row per edge, sorted by (source, key, target); columns ``source, target, key``,
    :data:`EDGE_COLUMNS`, then any others sorted. Lists become canonical JSON strings.

    >>> edges_frame(nx.MultiDiGraph()).shape
    (0, 9)
    """
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    cols, data = edge_rows(G)
    return pd.DataFrame(data, columns=cols)


# ---------------------------------------------------------------- tables of measures

def round_significant(x: float) -> float:
    """Round to :data:`SIGNIFICANT` significant digits (deterministic text in CSV and RDF).

    >>> round_significant(2 / 3), round_significant(-0.0)
    (0.6666666667, 0.0)
    """
    if x is None or not math.isfinite(x):
        return x
    return float(f"{float(x):.{SIGNIFICANT}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


_DIGITS = f"{{:.{SIGNIFICANT}g}}".format


def round_all(values) -> list:
    """:func:`round_significant` of each of *values* (numbers, or a NumPy array), in one pass.

    >>> round_all([2 / 3, -0.0, 1e-20, float("inf")])
    [0.6666666667, 0.0, 1e-20, inf]
    """
    values = values.tolist() if hasattr(values, "tolist") else list(values)
    if not all(type(v) is float for v in values) or not all(map(math.isfinite, values)):
        return [round_significant(v) for v in values]
    return [float(t) + 0.0 for t in map(_DIGITS, values)]


def entity_columns(G: nx.Graph, nodes=None) -> tuple[list, dict[str, list]]:
    """*nodes* (default: all) sorted by ``str``, and the columns :data:`BASE_COLUMNS` of :func:`entity_frame`
    as lists (column -> the value of each node), without pandas.

    >>> entity_columns(nx.path_graph(["y", "x"]))
    (['x', 'y'], {'iri': ['x', 'y'], 'label_zh': ['', ''], 'label_en': ['', ''], 'class': ['', ''], 'top_class': ['', '']})
    """
    nodes = sorted(G.nodes if nodes is None else nodes, key=str)
    attrs = dict(G.nodes(data=True))
    data = [attrs[n] for n in nodes]
    return nodes, {"iri": [str(d.get("iri") or n) for n, d in zip(nodes, data)],
                   **{c: [d.get(c, "") for d in data] for c in BASE_COLUMNS[1:]}}


def entity_frame(G: nx.Graph, nodes=None) -> pd.DataFrame:
    """The identifying columns ``iri, label_zh, label_en, class, top_class`` of *nodes* (default: all), by IRI.

    Nodes without these attributes (a plain networkx graph) get their name as IRI and ''.

    >>> entity_frame(nx.path_graph(["x", "y"])).values.tolist()
    [['x', '', '', '', ''], ['y', '', '', '', '']]
    """
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    nodes, columns = entity_columns(G, nodes)
    df = pd.DataFrame(columns, columns=list(BASE_COLUMNS))
    df.index = pd.Index(nodes, name=None)
    return df


def measure_frame(G: nx.Graph, values: dict[str, dict], sort_by: str | None, ascending=False) -> pd.DataFrame:
    """The entity columns of *G* joined with measures (column -> {node: value}), sorted by
    *sort_by* (then IRI) when given.

    >>> measure_frame(nx.path_graph(["x", "y"]), {"m": {"x": 1, "y": 2}}, "m")[["iri", "m"]].values.tolist()
    [['y', 2], ['x', 1]]
    """
    df = entity_frame(G)
    nodes = df.index.tolist()
    for col, vals in values.items():
        df[col] = [vals.get(n) for n in nodes]
    if sort_by is not None and len(df):
        df = df.sort_values([sort_by, "iri"], ascending=[ascending, True], kind="mergesort")
    return df.reset_index(drop=True)


#: characters tried for :data:`_QUOTED`: those the csv module might quote a field for
_QUOTE_CANDIDATES = ',"\n\r\t ;\'\\\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'


def _quoting_characters() -> str:
    """The characters for which the csv module (as pandas uses it: minimal quoting, lines ending in
    a line feed) quotes a field, asked of the module itself (a comma, a double quote and a line feed in
    CPython 3.11)."""
    quoted = []
    for c in _QUOTE_CANDIDATES:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([f"a{c}b", "x"])
        if out.getvalue().startswith('"'):
            quoted.append(c)
    return "".join(quoted)


_NEEDS_QUOTES = re.compile("[" + re.escape(_quoting_characters()) + "]").search


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES(value) else value


def text_csv_lines(rows) -> list[str]:
    """The line the csv module writes (minimal quoting, ``"`` doubled, ending in a line feed) of each of *rows*
    (lists of ``str``), made with string methods: twice as fast for rows of JSON (the tests compare both).

    >>> text_csv_lines([["a", "b,c"], ['x"y', "p q"], [""]])
    ['a,"b,c"\\n', '"x""y",p q\\n', '""\\n']
    """
    return [",".join(map(_quoted, r)) + "\n" if len(r) != 1 or r[0] else '""\n' for r in rows]


def table_csv(columns: dict[str, list]) -> str:
    """The CSV text pandas writes for the table *columns* (name -> values, a column of ``str``, ``int`` or
    ``float`` (or ``None``) each: ``DataFrame(columns).to_csv(index=False, lineterminator="\\n")``), without
    pandas: the csv module as pandas uses it, a float by its ``repr`` (numpy's text of a float64), NaN and
    None as '', the ints of a column with floats or None as floats (pandas makes it a column of floats).

    >>> print(table_csv({"iri": ["a", "b,c"], "n": [1, 2], "x": [0.5, float("nan")]}), end="")
    iri,n,x
    a,1,0.5
    "b,c",2,
    """
    cells = [_csv_cells(_as_pandas_types(col)) for col in columns.values()]
    if all(type(c) is str for c in columns) and all(set(map(type, col)) <= {str} for col in cells):
        return "".join(text_csv_lines([list(columns), *map(list, zip(*cells))]))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")  # what pandas writes with: minimal quoting, '"' doubled
    w.writerow(list(columns))
    w.writerows(zip(*cells))
    return out.getvalue()


def _csv_cells(col: list) -> list:
    """The cells of *col* for the csv writer: a float by its ``repr`` (NaN as ''), anything else as it is."""
    kinds = set(map(type, col))
    if float not in kinds:
        return col
    if kinds == {float} and not any(map(math.isnan, col)):  # a column of measures: one call per column
        return list(map(repr, col))
    return [("" if math.isnan(v) else repr(v)) if type(v) is float else v for v in col]


def _as_pandas_types(col: list) -> list:
    """*col* with its ints as floats where pandas makes it a column of floats (ints with floats or None)."""
    kinds = {type(v) for v in col}
    if int in kinds and kinds & {float, type(None)} and kinds <= {int, float, type(None)}:
        return [float(v) if type(v) is int else v for v in col]
    return col
