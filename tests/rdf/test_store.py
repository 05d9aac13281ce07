"""The Oxigraph store of a project (cppcc_kg.rdf.store.load_store, cppcc_kg.project.load): fast
loading gives the quads a strict load gives, on the repository, a synthetic project and the fixtures."""
from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from support import REPO_ROOT, copy_project

from cppcc_kg.project.files import PINYIN_GRAPH, graph_iri, iter_files, project_files
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import StoreLoader, load_store


def strict_store(graphs: dict[str, bytes]) -> ox.Store:
    """The oracle: each N-Triples document parsed strictly (IRIs and language tags checked), quad by quad."""
    store = ox.Store()
    for iri, nt in graphs.items():
        g = ox.NamedNode(iri)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return store


def root_of(which: str, tmp_path):
    if which == "repository":
        return REPO_ROOT
    if which == "synthetic":
        write_corpus(tmp_path / "synth", scale=10, seed=0)
        return tmp_path / "synth"
    return copy_project(tmp_path / "fixture")


@pytest.mark.parametrize("which", ["repository", "synthetic", "fixture"])
def test_load_store_holds_the_quads_of_a_strict_load(which, tmp_path):
    root = root_of(which, tmp_path)
    graphs = {str(graph_iri(rel)): nt for rel, nt in iter_files(root, project_files(root))}
    assert set(load_store(graphs)) == set(strict_store(graphs))


@pytest.mark.parametrize("which", ["repository", "synthetic"])
def test_the_project_store_is_each_file_once_without_the_triples_held_before(which, tmp_path):
    """What the loader stores: each file in its graph, less the lines an earlier file holds."""
    project = load(root_of(which, tmp_path), cache=False)
    seen: set[bytes] = set()
    want = {}
    for rel, nt in project.nt.items():
        lines = set(nt.splitlines()) - {b""}
        want[str(graph_iri(rel))] = b"".join(line + b"\n" for line in sorted(lines - seen))
        seen |= lines
    want[str(PINYIN_GRAPH)] = project.pinyin_nt
    assert set(project.store) == set(strict_store(want))


def test_files_of_names_every_file_that_holds_a_triple(make_project):
    root = make_project()
    shutil.copy(root / "graph" / "entities.ttl", root / "graph" / "entities-again.ttl")
    project = load(root, cache=False)
    assert project.duplicates["graph/entities.ttl"]  # ("entities-again" sorts first)
    subject = next(iter(project.files["graph/entities.ttl"]))[0]
    assert project.defined_in(subject) == ["graph/entities-again.ttl", "graph/entities.ttl"]
    s, p, o = next(t for t in project.files["graph/entities.ttl"] if t[0] == subject)
    assert project.files_of(s, p, o) == ["graph/entities-again.ttl", "graph/entities.ttl"]
    assert project.files_of(s, p, subject) == []


def test_the_loader_thread_loads_in_order_and_raises_its_error_in_the_caller():
    loader = StoreLoader(ox.Store())
    assert loader._thread is None  # no thread before the first document (processes forked before: none)
    docs = {f"https://e.org/g{i}": f'<http://e.org/a> <http://e.org/p> "{i}" .\n'.encode() for i in range(50)}
    for iri, nt in docs.items():
        loader.add(iri, nt)
    assert set(loader.finish()) == set(strict_store(docs))
    bad = StoreLoader(ox.Store())
    bad.add("https://e.org/g", b"<http://e.org/a> <http://e.org/p> .\n")
    with pytest.raises(SyntaxError):
        bad.finish()
    stopped = StoreLoader(ox.Store())
    for iri, nt in docs.items():
        stopped.add(iri, nt)
    thread = stopped._thread
    stopped.close()
    stopped.close()
    assert not thread.is_alive()
