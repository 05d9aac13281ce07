"""``StoreLoader.close(wait=False)``: the thread told to stop and left to end on its own (the process ends right
after: ``Project.close(process_ends=True)``); a reader after it still waits for its end and gets the verdict."""
from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

import cppcc_kg.rdf.store as store_module
from cppcc_kg.rdf.store import LoadingStopped, StoreLoader

DOC = b'<http://e.org/a> <http://e.org/p> "x" .\n'


@pytest.fixture
def gate(monkeypatch):
    """The loader's thread waits at each batch until the event is set; one document a batch."""
    event = threading.Event()
    event.entered = threading.Event()  # the thread is in its first batch
    event.fail = False
    real = store_module._load_graphs

    def held(graphs, store):
        if threading.current_thread().name == "cppcc-kg-store-loader":
            event.entered.set()
            assert event.wait(60)
        real(graphs, store)
        if event.fail:
            raise ValueError("boom")
    monkeypatch.setattr(store_module, "_load_graphs", held)
    monkeypatch.setattr(store_module, "LOADER_BATCH", 1)
    yield event
    event.set()


def _loader_threads():
    return [t for t in threading.enumerate() if t.name == "cppcc-kg-store-loader" and t.is_alive()]


@pytest.mark.parametrize("sealed", [True, False])
def test_close_without_waiting_returns_while_the_batch_loads_and_the_thread_ends_after_it(gate, sealed):
    loader = StoreLoader(ox.Store())
    for i in range(3):
        loader.add(f"http://e.org/g{i}", DOC)
    if sealed:
        loader.seal()
    thread = _loader_threads()[-1]
    assert gate.entered.wait(60)
    assert thread.daemon  # (the process's end stops it: it only fills the store in memory)
    loader.close(wait=False)  # the thread is held in its first batch: a close that waited would never return
    assert loader.stopped and thread.is_alive() and loader.done
    got = {}

    def read():
        try:
            loader.finish()
        except LoadingStopped as exc:
            got["error"] = exc
    reader = threading.Thread(target=read)
    reader.start()
    gate.set()
    reader.join(60)
    thread.join(60)
    assert not reader.is_alive() and not thread.is_alive()
    assert isinstance(got.get("error"), LoadingStopped)
    assert len(loader.store) == 1  # the batch being loaded, not the two dropped
    loader.close()  # (idempotent)
    loader.close(wait=False)


def test_a_failing_batch_is_still_reported_after_a_close_without_waiting(gate):
    gate.fail = True
    loader = StoreLoader(ox.Store())
    loader.add("http://e.org/g0", DOC)
    loader.seal()
    assert gate.entered.wait(60)
    loader.close(wait=False)
    gate.set()
    with pytest.raises(ValueError, match="boom"):
        loader.finish()
    assert loader.error_graph == "http://e.org/g0"
