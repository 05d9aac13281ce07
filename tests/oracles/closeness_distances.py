"""Test oracle: the sampled closeness as it was computed before the bit-parallel search (issue 15,
session 8): igraph's matrix of distances from the pivots, summed by numpy.

``tests/network/test_kernels.py`` checks that :func:`cppcc_kg.network.kernels.sampled_closeness`
gives the same floats, bit for bit.
"""
from __future__ import annotations

import numpy as np

from cppcc_kg.network import kernels


def sampled_closeness(g, *, k: int, seed: int = 0, exact_below: int = 2000) -> np.ndarray:
    n = g.vcount()
    out = np.zeros(n)
    if n <= 1:
        return out
    labels = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(labels)
    small = np.flatnonzero(np.isin(labels, np.flatnonzero((sizes > 1) & (sizes < exact_below))))
    if len(small):
        out[small] = kernels.closeness(g, small)
    large = [c for c in range(len(sizes)) if sizes[c] >= exact_below]
    total_large = int(sizes[large].sum()) if large else 0
    rng = np.random.default_rng(seed)
    for c in large:
        members = np.flatnonzero(labels == c)
        kc = max(1, min(len(members), round(k * len(members) / total_large)))
        pivots = np.sort(rng.choice(members, size=kc, replace=False))
        D = np.asarray(g.distances(source=pivots.tolist(), target=members.tolist()), dtype=float)
        d = D.sum(axis=0) * (len(members) - 1) / kc
        r = len(members) - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            out[members] = np.where(d > 0, (r / d) * (r / (n - 1)), 0.0)
    return out
