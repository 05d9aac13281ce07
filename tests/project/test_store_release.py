"""The store loading beside a build that nobody read: its thread at the lowest priority until a reader waits,
stopped at the end of the build (:meth:`Project.close`, :meth:`Project.release_store`) with what it loaded freed,
and a later reader gets the whole store (the same quads as a store loaded in full), or the loading's error."""
from __future__ import annotations

import os
import threading

import pytest

import cppcc_kg.rdf.store as store_module
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.stages import Stage
from cppcc_kg.errors import InputError
from cppcc_kg.project.load import load


def _threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


@pytest.fixture
def held(monkeypatch):
    """The loader's thread loads one file a batch and waits at its first batch until the event is set; the
    loaders made are in ``held.loaders`` and the nice value of the thread at each batch in ``held.nice``."""
    release = threading.Event()
    release.loaders, release.nice = [], []
    real, init = store_module._load_graphs, store_module.StoreLoader.__init__

    def slow(graphs, store):
        if threading.current_thread().name == "cppcc-kg-store-loader":
            release.nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            release.wait()
        return real(graphs, store)

    def made(self, *args, **kwargs):
        init(self, *args, **kwargs)
        release.loaders.append(self)
    monkeypatch.setattr(store_module, "_load_graphs", slow)
    monkeypatch.setattr(store_module.StoreLoader, "__init__", made)
    monkeypatch.setattr(store_module, "LOADER_BATCH", 1)
    yield release
    release.set()


def test_a_store_nobody_read_is_stopped_by_close_freed_and_loaded_whole_by_a_later_reader(make_project, held):
    root = make_project()
    project = load(root, cache=False, store_beside=True, idle_store=True)
    assert project.store_loading and project.pinyin
    closer = threading.Thread(target=project.close)
    closer.start()
    held.set()  # (the batch being loaded ends; the thread stops before the next)
    closer.join()
    loader = held.loaders[0]
    assert loader.stopped and loader.store is None and not project.store_loading
    assert loader._urgent  # (the batch that close() waited for was loaded at the normal priority)
    assert not _threads("cppcc-kg-store-loader")
    whole = set(project.store)
    assert whole == set(load(root, cache=False).store)  # the files (duplicates once) and the pinyin
    assert project.store is project.store and len(project) == len(load(root, cache=False))


def test_a_store_loaded_to_its_end_is_kept_by_close(make_project, held):
    project = load(make_project(), cache=False, store_beside=True, idle_store=True)
    held.set()
    store = project.store
    project.close()
    assert project.store is store and not held.loaders[0].stopped


def test_a_reader_waiting_when_the_store_is_released_gets_the_whole_store(make_project, held):
    root = make_project()
    project = load(root, cache=False, store_beside=True, idle_store=True)
    got = {}
    reader = threading.Thread(target=lambda: got.setdefault("quads", set(project.store)))
    reader.start()
    reader.join(0.1)
    assert reader.is_alive()  # waiting for the loader
    releaser = threading.Thread(target=project.release_store)  # (waits for the batch being loaded)
    releaser.start()
    while not held.loaders[0].stopped:
        threading.Event().wait(0.01)
    held.set()
    releaser.join()
    reader.join()
    assert got["quads"] == set(load(root, cache=False).store)
    assert not _threads("cppcc-kg-store-loader")


def test_an_error_of_the_loading_is_still_reported_after_close(make_project, monkeypatch):
    """Whether the loader met the bad file before it was stopped or not, the reader gets the clean error naming it."""
    root = make_project()
    real = store_module._load_graphs
    gate, whole = threading.Event(), threading.Event()

    def broken(graphs, store):
        graphs = list(graphs)
        loader = threading.current_thread().name == "cppcc-kg-store-loader"
        if loader:
            gate.wait()
        if (loader or whole.is_set()) and any(iri.endswith("graph/relations.ttl") for iri, _ in graphs):
            raise ValueError("boom")
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", broken)
    monkeypatch.setattr(store_module, "LOADER_BATCH", 1)
    for met in (True, False):
        gate.clear()
        project = load(root, cache=False, store_beside=True, idle_store=True)
        if met:  # the loader's thread fails, then the build ends
            gate.set()
            while project._loader.error is None:
                threading.Event().wait(0.01)
            project.close()
        else:  # stopped at its first file: the whole store, loaded by the reader, fails on the file
            closer = threading.Thread(target=project.close)
            closer.start()
            gate.set()
            closer.join()
            assert project._loader is None
            whole.set()
        assert not _threads("cppcc-kg-store-loader")
        with pytest.raises(InputError) as caught:
            project.store
        assert str(caught.value).startswith("graph/relations.ttl: Oxigraph could not load") and "boom" in str(caught.value)


def test_the_loader_runs_at_the_lowest_priority_until_a_reader_waits(make_project, held, monkeypatch):
    calls = []
    real = store_module.renice
    monkeypatch.setattr(store_module, "renice", lambda tid, nice, **kw: calls.append((tid, nice)) or real(tid, nice, **kw))
    project = load(make_project(), cache=False, store_beside=True, idle_store=True)
    reader = threading.Thread(target=lambda: project.store)
    while not held.nice:  # the thread is at its first batch
        threading.Event().wait(0.01)
    reader.start()
    while len(calls) < 2:  # the reader gave the thread its priority back
        threading.Event().wait(0.01)
    held.set()
    reader.join()
    before = os.getpriority(os.PRIO_PROCESS, 0)
    assert held.nice[0] == max(before, store_module.LOW_PRIORITY)
    tid = calls[0][0]
    assert calls == [(tid, store_module.LOW_PRIORITY), (tid, before)] and tid != threading.get_native_id()
    if os.geteuid() == 0:  # (the privilege to lower a nice value again)
        assert set(held.nice[1:]) == {before}


def test_without_the_privilege_to_give_the_priority_back_the_loader_keeps_its_priority(make_project, held, monkeypatch):
    monkeypatch.setattr(store_module, "may_lower_nice", lambda nice: False)
    project = load(make_project(), cache=False, store_beside=True, idle_store=True)
    while not held.nice:
        threading.Event().wait(0.01)
    held.set()
    assert len(project.store) and held.nice[0] == os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.parametrize(("limit", "caps", "expected"), [
    ((20, 20), "0000000000000000", True),  # RLIMIT_NICE 20: down to nice 0
    ((19, 19), "0000000000000000", False),
    ((0, 0), "0000000000800000", True),  # CAP_SYS_NICE
    ((0, 0), "00000000007fffff", False),
])
def test_may_lower_nice_asks_what_the_kernel_asks(tmp_path, monkeypatch, limit, caps, expected):
    status = tmp_path / "status"
    status.write_text(f"Name:\tpython\nCapEff:\t{caps}\n", encoding="ascii")
    monkeypatch.setattr(store_module, "_STATUS", str(status))
    monkeypatch.setattr(store_module.resource, "getrlimit", lambda what: limit)
    assert store_module.may_lower_nice(0) is expected


@pytest.mark.parametrize("beside", [False, True])
def test_the_store_is_loaded_at_the_normal_priority_unless_asked(make_project, monkeypatch, beside):
    calls = []
    monkeypatch.setattr(store_module, "renice", lambda tid, nice, **kw: calls.append((tid, nice)))
    project = load(make_project(), cache=False, store_beside=beside)
    assert len(project.store) and not calls
    project = load(make_project(), cache=False, idle_store=True)  # (only beside the caller)
    assert len(project.store) and not calls


def test_a_build_leaves_no_loader_thread_and_its_project_store_is_whole(make_project, held, monkeypatch):
    """A build whose stages never read the store (held to the end of the build): its close() stops the loading."""
    import cppcc_kg.build.pipeline as pipeline

    root = make_project()
    held.set()
    build(root, root / "build")  # the cache: the next build loads the store beside
    held.clear()
    kept = {}

    def stages_reading_no_store(project, *args, **kwargs):
        kept["project"] = project
        project.finish_pinyin()  # (set while the store loads: in it once loaded)
        return {"seconds": {}, "loading": project.store_loading}
    monkeypatch.setattr(pipeline, "_build_loaded", stages_reading_no_store)
    builder = threading.Thread(target=lambda: kept.setdefault("result", build(root, root / "build", force=True)))
    builder.start()
    while not held.loaders[-1].stopped:  # the build's close() stops the loader (after the batch held here)
        threading.Event().wait(0.01)
    held.set()
    builder.join()
    project, result = kept["project"], kept["result"]
    assert result["loading"] and held.loaders[-1].stopped and not _threads("cppcc-kg-store-loader")
    assert set(project.store) == set(load(root, cache=False).store)


@pytest.fixture
def left():
    """The projects that ``close(process_ends=True)`` kept to the process's end, forgotten after the test."""
    from cppcc_kg.project import load as load_module
    yield load_module._LEFT_TO_THE_END
    load_module._LEFT_TO_THE_END.clear()


def test_close_as_the_process_ends_leaves_the_loading_to_end_alone_and_frees_nothing(make_project, held, left):
    """``close(process_ends=True)`` (``cppcc-kg build`` as the process): the loader is told to stop and not waited for
    (held in its batch here: a close that waited would not return), its store is not dropped, the project is kept;
    the helper worker is stopped all the same; a later reader still gets the whole store."""
    root = make_project()
    project = load(root, cache=False, background=True, store_beside=True, idle_store=True)
    project.finish_pinyin()
    helper = project.helper
    while not held.nice:  # the thread is in its first batch
        threading.Event().wait(0.01)
    closer = threading.Thread(target=lambda: project.close(process_ends=True))
    closer.start()
    closer.join(60)
    assert not closer.is_alive()
    loader = held.loaders[0]
    assert loader.stopped and loader.store is not None and project._store is loader.store
    assert left == [project] and _threads("cppcc-kg-store-loader") and not project.store_loading
    assert helper is not None and project.helper is None
    held.set()
    assert set(project.store) == set(load(root, cache=False).store)  # (waits for the thread's end, loads whole)
    assert not _threads("cppcc-kg-store-loader")


def test_close_as_the_process_ends_keeps_a_loaded_store_and_an_error(make_project, held, left, monkeypatch):
    root = make_project()
    project = load(root, cache=False, store_beside=True, idle_store=True)
    held.set()
    store = project.store
    project.close(process_ends=True)
    assert project.store is store and not left  # (nothing was loading: nothing kept)
    real = store_module._load_graphs

    def broken(graphs, store):
        graphs = list(graphs)
        if threading.current_thread().name == "cppcc-kg-store-loader" and \
                any(iri.endswith("graph/relations.ttl") for iri, _ in graphs):
            raise ValueError("boom")
        return real(graphs, store)
    monkeypatch.setattr(store_module, "_load_graphs", broken)
    project = load(root, cache=False, store_beside=True, idle_store=True)
    while project._loader.error is None:
        threading.Event().wait(0.01)
    project.close(process_ends=True)
    with pytest.raises(InputError, match="boom") as caught:
        project.store
    assert str(caught.value).startswith("graph/relations.ttl: Oxigraph could not load")


def test_a_build_told_the_process_ends_gives_the_same_outputs_and_a_library_build_leaves_nothing(make_project, left):
    """``build(process_ends=True)`` (what ``cppcc-kg build`` asks as the process's entry) and a library caller's build:
    the same outputs and result; the library caller's build leaves no loader thread, no child process, no project
    kept."""
    import multiprocessing

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and p.name != ".cppcc-kg-build"}
    roots = [make_project(), make_project()]
    for root in roots:
        build(root, root / "build")  # (the cache: the next builds load the store beside)
    library = build(roots[0], roots[0] / "build", force=True)
    assert not _threads("cppcc-kg-store-loader") and not multiprocessing.active_children() and not left
    ending = build(roots[1], roots[1] / "build", force=True, process_ends=True)
    assert files(roots[0] / "build") == files(roots[1] / "build")
    assert library["stages"] == ending["stages"] and library["report"]["problems"] == ending["report"]["problems"]
    assert not multiprocessing.active_children()
