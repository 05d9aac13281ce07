"""What changed in an entity graph since a caller kept something made of it (the pieces of its files).

The build patches a kept graph (:mod:`cppcc_kg.network.graph_patch`) and says which nodes and edges it
read again (:func:`track_changes`); :func:`cppcc_kg.network.read_node_attribute` adds the nodes whose
attribute it changes (:func:`note_changes`); the entity files rewrite only the pieces of those
(:func:`changes_of`). A graph that is not tracked has no kept pieces.

>>> import networkx as nx
>>> G = nx.MultiDiGraph(); changes_of(G) is None
True
>>> _ = track_changes(G, "pieces", {"a"}); note_changes(G, ["b"]); sorted(changes_of(G).changed)
['a', 'b']
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["Changes", "changes_of", "note_changes", "track_changes"]


@dataclass
class Changes:
    """The nodes and edges (``(source, target, key)``) of a graph changed since *base* was made of it."""

    base: object
    changed: set = field(default_factory=set)
    #: the version of the graph the changes are counted from (None: unknown, e.g. a graph made afresh)
    since: str | None = None
    #: the version of the graph as it is now, once the caller recorded it (None: not recorded)
    version: str | None = None


_TRACKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def track_changes(G: nx.Graph, base, changed=(), since: str | None = None) -> Changes:
    """Start telling what changes in *G* from now on (and *changed* so far) against *base* (what the caller
    keeps of the graph as it was: e.g. the pieces of its files), the graph of version *since* (a name the
    caller gives the graph it kept: what else was made of that version, the page, may be patched too)."""
    _TRACKED[G] = found = Changes(base, set(changed), since)
    return found


def changes_of(G: nx.Graph) -> Changes | None:
    """What changed in *G* since :func:`track_changes`; None when it is not tracked."""
    return _TRACKED.get(G)


def note_changes(G: nx.Graph, changed) -> None:
    """Add *changed* (nodes or edges) to what changed in *G*, if it is tracked."""
    found = _TRACKED.get(G)
    if found is not None:
        found.changed.update(changed)
