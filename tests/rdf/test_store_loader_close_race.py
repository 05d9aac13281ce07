"""Hostile review of issue 15: a reader waiting in StoreLoader.finish() while another thread closes the loader."""
from __future__ import annotations

import queue
import threading

import pyoxigraph as ox

from cppcc_kg.rdf.store import LoadingStopped, StoreLoader


class _Queue:
    """The loader's queue, with the closing thread held in its drain and the loader thread held before its get."""

    def __init__(self):
        self.inner = queue.SimpleQueue()
        self.go, self.in_drain, self.release = threading.Event(), threading.Event(), threading.Event()

        self.closed = threading.Event()  # the closer has drained and queued its end

    def put(self, item):
        self.inner.put(item)
        if item is None and threading.current_thread().name == "closer":
            self.closed.set()

    def get(self):
        self.go.wait(10)
        return self.inner.get()

    def get_nowait(self):
        if threading.current_thread().name == "closer":
            self.in_drain.set()
            self.release.wait(10)
        return self.inner.get_nowait()


class _Ended(threading.Event):
    """The loader's end, telling when a reader starts waiting for it."""

    def __init__(self):
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, timeout=None):
        self.waiting.set()
        return super().wait(timeout)


def test_a_reader_during_close_gets_the_stop_not_a_half_loaded_store():
    loader = StoreLoader(ox.Store())
    q = loader._queue = _Queue()
    ended = loader._ended = _Ended()
    loader.add("http://e.org/g1", b'<http://e.org/s> <http://e.org/p> "1" .\n')
    loader.add("http://e.org/g2", b'<http://e.org/s> <http://e.org/p> "2" .\n')
    loader.seal()  # what _read does with store_beside
    closer = threading.Thread(target=loader.close, name="closer")  # a failed build's stop_loading
    closer.start()
    assert q.in_drain.wait(10)  # close() has already forgotten the thread, and drains
    got = {}

    def read():
        try:
            got["store"] = loader.finish()
        except LoadingStopped as exc:
            got["error"] = exc

    reader = threading.Thread(target=read)  # the validation thread's first read of Project.store
    reader.start()
    assert ended.waiting.wait(10)  # the reader waits for the end of the thread that close() took
    q.release.set()
    assert q.closed.wait(10)  # every document dropped before the loader thread could take one
    q.go.set()
    closer.join(10)
    reader.join(10)
    assert not reader.is_alive() and not closer.is_alive()
    # BUG: finish() saw no thread and no `stopped` yet, and gave the store without its documents
    assert "error" in got, f"a reader got a store of {len(got['store'])} quads while the loading was stopped"
