"""Names and paths: the entity a name means, and the shortest paths between two entities.

>>> G = nx.MultiDiGraph()
>>> G.add_node("o", label_en="Org"); G.add_node("p", label_zh="项目")
>>> _ = G.add_edge("o", "p", key="launched")
>>> find_entity(G, "org"), shortest_paths(G, "Org", "项目")["via"].tolist()
('o', ['', 'launched'])
"""
from __future__ import annotations

import difflib
import unicodedata
from itertools import islice
from typing import TYPE_CHECKING

import networkx as nx

from cppcc_kg.errors import EXIT_INPUT, KGError
from cppcc_kg.network.frames import BASE_COLUMNS
from cppcc_kg.network.projections import simple_graph

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["find_entity", "shortest_paths", "EntityNotFoundError", "AmbiguousEntityError", "PATH_LIMIT"]

#: at most this many shortest paths are enumerated between two entities
PATH_LIMIT = 10000


class EntityNotFoundError(KGError, LookupError):
    """A name that matches no entity of the graph; the message lists close matches."""

    exit_code = EXIT_INPUT

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, list(suggestions)
        if suggestions:
            hint = "did you mean: " + "; ".join(suggestions) + "?"
        else:
            hint = "give the entity's Chinese or English label, an alias, its pinyin or its IRI."
        super().__init__(f"No entity is named {name!r}.", hint)


class AmbiguousEntityError(KGError, LookupError):
    """A name shared by several entities (for example an alias of two bodies)."""

    exit_code = EXIT_INPUT

    def __init__(self, name: str, candidates: list[str]):
        self.name, self.candidates = name, list(candidates)
        super().__init__(f"{name!r} names {len(candidates)} entities: " + "; ".join(candidates) + ".",
                         "give the full label or the IRI of the one you mean.")


# ---------------------------------------------------------------------------- names and paths

def _fold(s: str) -> str:
    """Case-, space- and accent-insensitive form (pinyin tone marks dropped)."""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(s.casefold().split())


def _tokens(s: str) -> set[str]:
    """Words of Latin text and single characters of Chinese text, folded."""
    out, word = set(), []
    for ch in unicodedata.normalize("NFKD", str(s).casefold()):
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            word.append(ch)
            continue
        if word:
            out.add("".join(word))
            word = []
        if ch.isalnum():
            out.add(ch)
    if word:
        out.add("".join(word))
    return out


def _names(d: dict, node) -> list[str]:
    out = [str(d.get("iri") or node), d.get("label_zh", ""), d.get("label_en", ""), d.get("pinyin", "")]
    out += list(d.get("aliases") or [])
    return [x for x in out if x]


def _describe(G: nx.Graph, n) -> str:
    d = G.nodes[n]
    labels = " / ".join(x for x in (d.get("label_zh", ""), d.get("label_en", "")) if x)
    return f"{labels} <{d.get('iri') or n}>" if labels else str(n)


def find_entity(G: nx.Graph, name: str) -> str:
    """The node named *name*: its IRI, Chinese or English label, an alias or its pinyin.

    Matching ignores case, spaces and tone marks. A name that matches nothing raises
    :class:`EntityNotFoundError` listing close matches (labels that contain the name, then
    :mod:`difflib` matches); one shared by several entities raises :class:`AmbiguousEntityError`.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("kg:a", label_zh="内蒙古自治区政协", label_en="Inner Mongolia CPPCC", aliases=["自治区政协"])
    >>> find_entity(G, "自治区政协"), find_entity(G, "inner mongolia cppcc")
    ('kg:a', 'kg:a')
    >>> find_entity(G, "内蒙古政协")
    Traceback (most recent call last):
    ...
    cppcc_kg.network.paths.EntityNotFoundError: No entity is named '内蒙古政协'.
      -> did you mean: 内蒙古自治区政协 / Inner Mongolia CPPCC <kg:a>?
    """
    if name in G:
        return name
    key = _fold(name)
    index: dict[str, set] = {}
    for n, d in G.nodes(data=True):
        for x in _names(d, n):
            index.setdefault(_fold(x), set()).add(n)
    hits = index.get(key, set())
    if len(hits) == 1:
        return next(iter(hits))
    if len(hits) > 1:
        raise AmbiguousEntityError(name, [_describe(G, n) for n in sorted(hits, key=str)])
    # close matches, best first: shared words (Latin) or characters (Chinese), containment, difflib
    q_tokens = _tokens(name)
    best: dict = {}
    for k, nodes in index.items():
        score = difflib.SequenceMatcher(None, key, k, autojunk=False).ratio()
        if key and (key in k or k in key):
            score += 0.3
        if q_tokens:
            score += 0.5 * len(q_tokens & _tokens(k)) / len(q_tokens)
        if score >= 0.6:
            for n in nodes:
                best[n] = max(best.get(n, 0.0), score)
    ranked = sorted(best, key=lambda n: (-best[n], str(n)))
    out = [_describe(G, n) for n in ranked]
    raise EntityNotFoundError(name, out[:5])


def shortest_paths(G: nx.Graph, source: str, target: str, *, all_paths: bool = False,
                   max_paths: int = 20) -> pd.DataFrame:
    """Shortest path(s) between two entities named in zh or en (or alias, pinyin, IRI).

    Paths run over the undirected projection, so a relation can be read either way.

    Parameters
    ----------
    G : networkx graph
    source, target : str
        Names of the two entities (see :func:`find_entity`).
    all_paths : bool
        Every shortest path (up to *max_paths*, in IRI order) instead of the first in IRI order.
        At most :data:`PATH_LIMIT` paths are enumerated.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``path, step, iri, label_zh, label_en, class, top_class, via`` where ``via``
        names the relations from the previous step (``launched`` when the previous entity is
        the subject, ``^launched`` when it is the object). Empty (same columns) when the two
        are not connected.

    Raises
    ------
    EntityNotFoundError, AmbiguousEntityError
        When a name matches no entity, or several.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("o", label_en="Org"); G.add_node("p", label_en="Programme"); G.add_node("d", label_en="Doc")
    >>> _ = G.add_edge("o", "p", key="launched"); _ = G.add_edge("d", "p", key="about")
    >>> shortest_paths(G, "Org", "Doc")[["step", "iri", "via"]].values.tolist()
    [[0, 'o', ''], [1, 'p', 'launched'], [2, 'd', '^about']]
    """
    import pandas as pd  # heavy (0.25 s): the build makes no DataFrame

    s, t = find_entity(G, source), find_entity(G, target)
    U = simple_graph(G)
    cols = ["path", "step", *BASE_COLUMNS, "via"]
    try:
        # the first PATH_LIMIT shortest paths (their number can grow exponentially), in IRI order
        found = list(islice(nx.all_shortest_paths(U, s, t), PATH_LIMIT))
        found.sort(key=lambda p: [str(x) for x in p])
        paths = found[:max_paths] if all_paths else found[:1]
    except nx.NetworkXNoPath:
        return pd.DataFrame(columns=cols)
    rows = []
    for i, path in enumerate(paths):
        for j, n in enumerate(path):
            d = G.nodes[n]
            via = "" if j == 0 else _via(G, path[j - 1], n)
            rows.append((i, j, str(d.get("iri") or n), d.get("label_zh", ""), d.get("label_en", ""),
                         d.get("class", ""), d.get("top_class", ""), via))
    return pd.DataFrame(rows, columns=cols)


def _via(G: nx.Graph, u, v) -> str:
    keys = []
    if G.is_multigraph():
        if G.has_edge(u, v):
            keys += [str(k) for k in G[u][v]]
        if G.is_directed() and G.has_edge(v, u):
            keys += ["^" + str(k) for k in G[v][u]]
    else:
        if G.has_edge(u, v):
            keys += [", ".join(G.edges[u, v].get("properties", [])) or "—"]
        if G.is_directed() and G.has_edge(v, u):
            keys += ["^" + (", ".join(G.edges[v, u].get("properties", [])) or "—")]
    return ", ".join(sorted(keys, key=lambda k: (k.lstrip("^"), k)))


