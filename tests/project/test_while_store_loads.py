"""``load(..., while_store_loads=...)``: once every file is parsed, and before the store's loading is waited
for, the caller gets the files (their N-Triples, keys, cache and the helper worker) to start work that needs no
store; and the build gives the helper the graph files' Turtle and JSON-LD to make then, in a clean build."""
from __future__ import annotations

import filecmp

import pytest

from cppcc_kg.build import pipeline
from cppcc_kg.project import file_store
from cppcc_kg.project.file_store import ParsedFiles
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.project.workers import worker_count


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("wsl") / "s"
    write_corpus(root, scale=2, seed=0)
    return root


def _recording_finish(monkeypatch, events: list) -> None:
    finish = file_store.StoreLoader.finish

    def recorded(self):
        events.append("store waited for")
        return finish(self)
    monkeypatch.setattr(file_store.StoreLoader, "finish", recorded)


def test_called_once_with_every_file_before_the_store_is_waited_for(corpus, monkeypatch):
    events: list = []
    _recording_finish(monkeypatch, events)
    got: list[ParsedFiles] = []

    def parsed(files):
        events.append("parsed")
        got.append(files)
    project = load(corpus, cache=False, background=True, while_store_loads=parsed)
    try:
        assert events == ["parsed", "store waited for"]
        (files,) = got
        assert files.nt is project.nt and sorted(files.nt) == sorted(project.nt) and len(files.nt) > 2
        assert files.keys == project.keys and files.cache is project.cache
        assert files.helper is project.helper
        assert (files.helper is not None) == (worker_count() > 0)
    finally:
        project.close()


def test_no_helper_without_background(corpus):
    got: list[ParsedFiles] = []
    project = load(corpus, cache=False, while_store_loads=got.append)
    try:
        assert [f.helper for f in got] == [None] and got[0].nt is project.nt
    finally:
        project.close()


def test_not_called_when_the_store_loads_beside(corpus):
    got: list = []
    project = load(corpus, cache=True, store_beside=True, while_store_loads=got.append)
    try:
        assert got == []
    finally:
        project.discard_cache()
        project.close()


def test_a_clean_build_starts_the_bodies_before_the_store_is_loaded(corpus, tmp_path, monkeypatch):
    """(Where there are no worker processes, there is no helper: the bodies are made in the process.)"""
    events: list = []
    _recording_finish(monkeypatch, events)
    start = pipeline.start_bodies

    def recorded(project, pool):
        events.append(type(project).__name__)
        return start(project, pool)
    monkeypatch.setattr(pipeline, "start_bodies", recorded)
    early = pipeline.build(corpus, tmp_path / "early", cache=False)
    assert events == (["ParsedFiles", "store waited for"] if worker_count() else ["store waited for"])
    monkeypatch.setenv("CPPCC_KG_WORKERS", "0")  # no helper: the graph files are made in this process
    events.clear()
    late = pipeline.build(corpus, tmp_path / "late", cache=False)
    assert events == ["store waited for"]
    names = sorted(p.name for p in early["out"].iterdir() if p.is_file() and p.name != ".cppcc-kg-build")
    assert "graph.ttl" in names and "graph.jsonld" in names
    _, mismatch, errors = filecmp.cmpfiles(early["out"], late["out"], names, shallow=False)
    assert mismatch == [] and errors == []
