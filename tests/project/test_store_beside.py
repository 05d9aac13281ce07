"""The store loaded beside the caller (``load(..., store_beside=True)``): the first reader waits, an error of the
loader is a clean :class:`InputError` naming the file, a stopped loading leaves no thread, and a build whose
stages run while the store loads gives the outputs of a clean build."""
from __future__ import annotations

import filecmp
import threading

import pyoxigraph as ox
import pytest

import cppcc_kg.rdf.store as store_module
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import STAGES, Stage
from cppcc_kg.errors import InputError
from cppcc_kg.project.load import load


def _threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


@pytest.fixture
def held_loader(monkeypatch):
    """The loader's thread waits at its first batch until the event is set (a slow store)."""
    release = threading.Event()
    real = store_module._load_graphs

    def held(graphs, store):
        if threading.current_thread().name == "cppcc-kg-store-loader":
            release.wait()
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", held)
    yield release
    release.set()


def _quads(store: ox.Store) -> set:
    return set(store)


def test_the_first_reader_waits_for_the_store(make_project, held_loader):
    root = make_project()
    project = load(root, cache=False, store_beside=True)
    assert project.store_loading and project.sources and project.facts is not None
    got = {}
    reader = threading.Thread(target=lambda: got.setdefault("store", project.store))
    reader.start()
    reader.join(0.2)
    assert reader.is_alive() and not got  # waiting for the loader
    held_loader.set()
    reader.join()
    assert _quads(got["store"]) == _quads(load(root, cache=False).store)
    assert not project.store_loading and not _threads("cppcc-kg-store-loader")


def test_the_pinyin_set_while_the_store_loads_is_in_it_once_loaded(make_project, held_loader):
    root = make_project()
    project = load(root, cache=False, background=True, store_beside=True)
    project.finish_pinyin()  # the main thread goes on: the pinyin waits for the store
    assert project.store_loading and project.pinyin
    held_loader.set()
    assert _quads(project.store) == _quads(load(root, cache=False).store)
    project.close()


def test_an_error_of_the_loader_is_an_input_error_naming_the_file(make_project, monkeypatch):
    root = make_project()
    real = store_module._load_graphs

    def broken(graphs, store):
        graphs = list(graphs)
        if threading.current_thread().name == "cppcc-kg-store-loader" and any(iri.endswith("graph/relations.ttl") for iri, _ in graphs):
            raise ValueError("boom")
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", broken)
    project = load(root, cache=False, store_beside=True)
    errors = []
    other = threading.Thread(target=lambda: errors.append(pytest.raises(InputError, lambda: project.store).value))
    other.start()
    with pytest.raises(InputError) as caught:
        project.store
    other.join()
    assert str(caught.value).startswith("graph/relations.ttl: Oxigraph could not load") and "boom" in str(caught.value)
    assert "cache" in caught.value.hint and errors == [caught.value]  # the same error in every reader
    with pytest.raises(InputError) as caught:  # a clean load too
        load(root, cache=False)
    assert str(caught.value).startswith("graph/relations.ttl:")


def test_a_build_whose_loader_fails_exits_2_and_writes_nothing(make_project, monkeypatch):
    root = make_project()
    out = root / "build"
    real = store_module._load_graphs

    def broken(graphs, store):
        graphs = list(graphs)
        if threading.current_thread().name == "cppcc-kg-store-loader" and any(iri.endswith("graph/relations.ttl") for iri, _ in graphs):
            raise ValueError("boom")
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", broken)
    with pytest.raises(InputError) as caught:
        build(root, out)
    assert caught.value.exit_code == 2 and "graph/relations.ttl" in str(caught.value)
    assert not out.exists() and not (root / ".cache").exists()
    assert not [p for p in root.iterdir() if p.name.startswith(".build.tmp")]
    assert not _threads("cppcc-kg-store-loader") and not _threads("cppcc-kg-validate")


def test_a_stopped_loading_gives_an_error_to_its_readers(make_project, held_loader, monkeypatch):
    monkeypatch.setattr(store_module, "LOADER_BATCH", 1)  # a file at a time: the others are still queued
    project = load(make_project(), cache=False, store_beside=True)
    stopper = threading.Thread(target=project.stop_loading)
    stopper.start()
    held_loader.set()  # (the batch being loaded ends; nothing after it is)
    stopper.join()
    with pytest.raises(InputError, match="not loaded"):
        project.store
    assert not _threads("cppcc-kg-store-loader")


def test_the_first_stages_run_while_the_store_loads_and_the_outputs_are_a_clean_builds(make_project, monkeypatch):
    root = make_project()
    build(root, root / "build")  # the cache (the facts of each file)
    release = threading.Event()
    real = store_module._load_graphs

    def held(graphs, store):
        if threading.current_thread().name == "cppcc-kg-store-loader":
            release.wait()
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", held)
    seen = {}

    def first(ctx):  # before any stage reads the store: the schema is there, the store still loading
        seen["loading"] = ctx.project.store_loading
        seen["schema"] = len(ctx.schema.classes)
        release.set()

    stages = [Stage("first", first), *STAGES]
    result = build(root, root / "build", stages=stages, force=True)
    assert seen["loading"] and seen["schema"] and result["load"]["cached"]
    monkeypatch.setattr(store_module, "_load_graphs", real)
    build(root, root / "clean", cache=False, stages=stages)
    names = sorted(p.name for p in (root / "clean").iterdir() if p.name != ".cppcc-kg-build")
    match, mismatch, errors = filecmp.cmpfiles(root / "build", root / "clean", names, shallow=False)
    assert not mismatch and not errors, mismatch + errors


def test_ctrl_c_in_a_stage_while_the_store_loads_stops_the_build_cleanly(make_project, monkeypatch):
    root = make_project()
    build(root, root / "build")
    before = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    release = threading.Event()
    real = store_module._load_graphs

    def held(graphs, store):
        if threading.current_thread().name == "cppcc-kg-store-loader":
            release.wait()
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", held)

    def interrupted(ctx):
        assert ctx.project.store_loading  # the validation thread waits for the store meanwhile
        release.set()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(root, root / "build", stages=[Stage("interrupted", interrupted), *STAGES], force=True)
    assert {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()} == before
    assert not [p for p in root.iterdir() if p.name.startswith(".build.tmp")]
    assert not _threads("cppcc-kg-store-loader") and not _threads("cppcc-kg-validate")


def test_no_worker_process_is_forked_while_the_store_loads(make_project, held_loader, monkeypatch):
    """Many new labels are made into pinyin by forked workers: the loader waits for the store first (a fork beside
    a thread inside Oxigraph could copy a lock it holds)."""
    import cppcc_kg.project.pinyin as pinyin_module

    real, loading_at_fork = pinyin_module.fork_pool, []

    def recording(*args, **kwargs):
        loading_at_fork.append(bool(_threads("cppcc-kg-store-loader")))
        return real(*args, **kwargs)
    monkeypatch.setattr(pinyin_module, "fork_pool", recording)
    finish = store_module.StoreLoader.finish

    def released(self):  # the loading held until someone waits for it
        held_loader.set()
        return finish(self)
    monkeypatch.setattr(store_module.StoreLoader, "finish", released)
    monkeypatch.setattr(pinyin_module, "PARALLEL_MIN_LABELS", 1)
    monkeypatch.setattr(pinyin_module, "worker_count", lambda: 2)
    project = load(make_project(), cache=False, store_beside=True)
    assert loading_at_fork and not any(loading_at_fork) and project.pinyin
