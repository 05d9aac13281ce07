"""Hostile review of issue 15: StoreLoader stopped by Ctrl-C while finish() waits."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from cppcc_kg.rdf.store import StoreLoader


def test_close_after_an_interrupted_finish_stops_the_thread():
    doc = b"".join(b'<http://e.org/s%d> <http://e.org/p> "v%d" .\n' % (i, i) for i in range(200_000))
    loader = StoreLoader(ox.Store())
    for g in range(5):
        loader.add(f"http://e.org/g{g}", doc)
    thread = loader._thread
    real_join = thread.join

    def interrupted_join(timeout=None):  # Ctrl-C arrives while finish() waits for the thread
        thread.join = real_join
        raise KeyboardInterrupt

    thread.join = interrupted_join
    with pytest.raises(KeyboardInterrupt):
        loader.finish()
    loader.close()  # what _read's finally does
    # BUG: finish() forgot the thread before joining it: close() neither drains the queue nor waits,
    # and the thread goes on loading every queued document into a store nobody reads
    assert not thread.is_alive(), "the loader thread outlives close()"
