"""Where the page draws each node: a seeded layout computed in Python.

Fruchterman-Reingold of igraph from seeded starting points, so that the same graph gives
the same picture and byte-identical pages. Up to :data:`PHYSICS_MAX_NODES` nodes the browser
refines it with a short, deterministic physics run and then freezes it; larger graphs are
drawn without physics.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import math
import random

import networkx as nx

from cppcc_kg.network.kernels import import_igraph
from cppcc_kg.project.cache import get_json, put_json

__all__ = ["PHYSICS_MAX_NODES", "kept_cache", "kept_json", "kept_layouts", "layout_positions"]

#: bump when the form of the kept layouts changes
LAYOUT_VERSION = "1"
#: (cache, code) while :func:`kept_layouts` is active
_KEPT: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("_KEPT_LAYOUTS", default=None)

#: Up to this many nodes the browser refines the Python layout with physics, then freezes it.
PHYSICS_MAX_NODES = 400


def _fruchterman_reingold(n: int, pairs: list[tuple[int, int]], *, seed: int) -> list[list[float]]:
    """igraph's layout of *n* nodes and the edges *pairs* (exact below 1,000 nodes,
    grid-accelerated above), from seeded random starting points."""
    rng = random.Random(seed)
    side = math.sqrt(n) / 2  # igraph's own scale: a wider start makes the grid variant very slow
    start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in range(n)]
    igraph = import_igraph()
    g = igraph.Graph(n=n, edges=pairs)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if n == 1:
            return [[0.0, 0.0]]
        if n < 1000:
            return g.layout_fruchterman_reingold(seed=start, niter=1000, grid=False).coords
        return g.layout_fruchterman_reingold(seed=start, niter=300, grid=True).coords
    finally:
        igraph.set_random_number_generator(random)


@contextlib.contextmanager
def kept_layouts(cache, code: str = ""):
    """Within the block, igraph's layouts are kept in *cache* (``get(name)``, ``put(name, data)``: the
    loader's cache) under the digest of what they are made of (the number of nodes, the edges, the seed)
    and *code* (the digest of the code and the installed packages), and taken from there when the same
    comes again: an edited label leaves the page's graph and its layout as they were, and igraph is not
    even imported. The coordinates are kept as JSON (``repr`` of each float: the same floats back)."""
    token = _KEPT.set((cache, code))
    try:
        yield
    finally:
        _KEPT.reset(token)


def kept_cache() -> tuple | None:
    """(the cache, the digest of the code) while :func:`kept_layouts` is active, else None."""
    return _KEPT.get()


def kept_json(kind: str, key, make):
    """``make()`` (JSON-able), kept like the layouts within :func:`kept_layouts`: in the loader's cache under the
    digest of *kind*, *key* (JSON-able) and the code, and taken from there when the same comes again."""
    kept = _KEPT.get()
    if kept is None:
        return make()
    cache, code = kept
    name = f"{kind}-{hashlib.sha256(json.dumps([LAYOUT_VERSION, code, kind, key]).encode()).hexdigest()}.json"
    value = get_json(cache, name)
    if value is None:
        value = make()
        put_json(cache, name, value)
    return value


def _coordinates(n: int, pairs: list[tuple[int, int]], *, seed: int) -> list[list[float]]:
    """:func:`_fruchterman_reingold`, or the layout kept for the same input (:func:`kept_layouts`)."""
    kept = _KEPT.get()
    if kept is None:
        return _fruchterman_reingold(n, pairs, seed=seed)
    cache, code = kept
    h = hashlib.sha256(json.dumps([LAYOUT_VERSION, code, n, seed]).encode())
    h.update(json.dumps(pairs).encode())
    name = f"layout-{h.hexdigest()}.json"
    coords = get_json(cache, name)
    try:
        if coords is not None and len(coords) == n and all(len(c) == 2 for c in coords):
            return coords
    except TypeError:
        pass
    coords = [[float(x), float(y)] for x, y in _fruchterman_reingold(n, pairs, seed=seed)]
    put_json(cache, name, coords)
    return coords


def layout_positions(G: nx.Graph, *, seed: int = 0, spacing: float | None = None) -> dict:
    """Seeded Fruchterman-Reingold positions of the nodes of *G*, in vis-network pixels.

    igraph's layout (exact below 1,000 nodes, grid-accelerated above) from seeded random
    starting points, scaled so that each node has about *spacing* pixels square (110 for
    graphs drawn with physics, 90 for larger ones). The same graph and seed give the same
    positions.

    >>> pos = layout_positions(nx.path_graph(3), seed=1)
    >>> sorted(pos) == [0, 1, 2], pos == layout_positions(nx.path_graph(3), seed=1)
    (True, True)
    """
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v})
    coords = _coordinates(n, pairs, seed=seed)
    if spacing is None:
        spacing = 110.0 if n <= PHYSICS_MAX_NODES else 90.0
    # scale by density, robust to far-off isolated nodes: the 90th-percentile radius around
    # the median point spans sqrt(n) * spacing
    cx = sorted(c[0] for c in coords)[n // 2]
    cy = sorted(c[1] for c in coords)[n // 2]
    radii = sorted(math.hypot(c[0] - cx, c[1] - cy) for c in coords)
    radius = radii[min(n - 1, int(0.9 * n))] or 1.0
    factor = spacing * math.sqrt(n) / (2 * radius)
    return {v: (round(coords[i][0] * factor, 1), round(coords[i][1] * factor, 1)) for i, v in enumerate(nodes)}
