"""Values made once per graph within a block: the memo of :func:`cppcc_kg.network.projections.shared_projection`
and of :func:`cppcc_kg.network.frames.shared_rows`.

>>> import contextvars, networkx as nx
>>> var = contextvars.ContextVar("var", default=None); G = nx.Graph(); made = []
>>> with memo_block(var):
...     a = made_once(var, "n", G, lambda g: made.append(1) or len(made))
...     b = made_once(var, "n", G, lambda g: made.append(1) or len(made))
>>> a, b, made_once(var, "n", G, lambda g: 7)
(1, 1, 7)
"""
from __future__ import annotations

import contextlib
import contextvars

__all__ = ["made_once", "memo_block"]


@contextlib.contextmanager
def memo_block(var: contextvars.ContextVar):
    """Within the block, :func:`made_once` with *var* keeps what it makes."""
    token = var.set({})
    try:
        yield
    finally:
        var.reset(token)


def made_once(var: contextvars.ContextVar, kind: str, G, make):
    """``make(G)``, made once per graph *G* (which must not change meanwhile) and *kind* within
    :func:`memo_block` of *var*; else made each time."""
    memo = var.get()
    if memo is None:
        return make(G)
    key = (kind, id(G))
    if key not in memo:
        memo[key] = (G, make(G))  # G kept alive, so that its id is not reused
    return memo[key][1]
