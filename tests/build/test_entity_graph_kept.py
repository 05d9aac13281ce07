"""The entity graph kept in the loader's cache (``build.graph_rows``): after an edited label the build patches
the last build's graph and rewrites only the changed pieces of the entity files; after a change of the
nodes or edges it makes the graph again; every output is that of a clean build of the same tree."""
from __future__ import annotations

import os
import re

import pytest
from support import assert_same_graph

from cppcc_kg.build import entity_files, graph_rows
from cppcc_kg.build.pipeline import build
from cppcc_kg.network import build_entity_graph
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


def _same_as_clean(root, tmp_path) -> None:
    clean = build(root, tmp_path / "clean", cache=False)
    names = sorted(p.name for p in (root / "build").iterdir() if p.is_file() and p.name != ".cppcc-kg-build")
    assert "entities.graphml" in names
    for name in names:
        assert (root / "build" / name).read_bytes() == (clean["out"] / name).read_bytes(), name


@pytest.fixture
def recorded(monkeypatch):
    """What the build did: the patches of the graph (None: not patched) and of the files."""
    seen: dict[str, list] = {"graph": [], "files": [], "lines": []}
    patch, files = graph_rows.patch_entity_graph, entity_files.patched_files

    def patching(*args, **kwargs):
        seen["lines"].append(kwargs.get("literals") is not None)  # the subjects told by the changed lines
        seen["graph"].append(patch(*args, **kwargs))
        return seen["graph"][-1]

    def patching_files(*args):
        seen["files"].append(files(*args))
        return seen["files"][-1]
    monkeypatch.setattr(graph_rows, "patch_entity_graph", patching)
    monkeypatch.setattr(entity_files, "patched_files", patching_files)
    return seen


def _replace(path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited, n = re.subn(pattern, new, text, count=1)
    assert n == 1, pattern
    path.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize("label", ["en", "zh"])
def test_an_edited_label_is_patched_and_the_outputs_are_a_clean_builds(tmp_path, recorded, label):
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    assert recorded == {"graph": [], "files": [], "lines": []}  # nothing kept yet
    build(root, force=True)
    assert recorded["graph"] == [] and len(recorded["files"]) == 1  # kept as it is: nothing to patch
    path = root / "graph" / "synth-0002" / "entities.ttl"
    # an English label; a Chinese one (shorter: still in the source) has new pinyin, read into the graph
    # after it was patched
    if label == "en":
        _replace(path, r'"([^"\\]+)"@en', r'"\1 (edited)"@en')
    else:
        _replace(path, r'"关于([^"\\]+)"@zh', r'"\1"@zh')
    build(root)
    assert len(recorded["graph"]) == 1 and recorded["graph"][0]
    assert recorded["lines"] == [True]
    assert recorded["files"][-1] is not None
    _same_as_clean(root, tmp_path)


def test_a_changed_class_makes_the_graph_again(tmp_path, recorded):
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    build(root, force=True)
    _replace(root / "graph" / "synth-0002" / "entities.ttl",
             r"(<https://w3id.org/cppcc-kg/id/document/synth-0002-0> a )cppcc:Plan ;", r"\1cppcc:Measures ;")
    build(root)
    assert recorded["graph"] == [] and len(recorded["files"]) == 1  # made again, the files whole
    _same_as_clean(root, tmp_path)


def test_the_subjects_of_the_changed_lines(tmp_path):
    """The subjects whose literals may have changed: those of the changed lines of the properties read (the
    earlier version of a changed file from the loader's cache); None without that version."""
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    build(root)
    first = load(root, cache=True)
    keys, pinyin = dict(first.keys), first.pinyin_nt
    label = ["http://www.w3.org/2000/01/rdf-schema#label"]
    _replace(root / "graph" / "synth-0002" / "entities.ttl",
             r'("[^"\\]+)("@en)', r"\1 (edited)\2")
    again = load(root, cache=True)
    again.finish_pinyin()
    subjects = graph_rows._changed_subjects(again, again.cache, keys, pinyin, label)
    assert subjects == {"https://w3id.org/cppcc-kg/id/document/synth-0002-0"}
    assert graph_rows._changed_subjects(again, again.cache, keys, pinyin, ["http://e.org/other"]) == set()
    again.cache.dir.joinpath(f"{keys['graph/synth-0002/entities.ttl']}.nt").unlink()
    assert graph_rows._changed_subjects(again, again.cache, keys, pinyin, label) is None


def _state_parts(root):
    """(the pickled graph, the patched nodes and edges, the graph read back) of the kept state of *root*."""
    project = load(root, cache=True)
    data = project.cache.get(graph_rows.STATE_ENTRY, keep=False)
    key = data[len(graph_rows.STATE_VERSION):data.index(b"\n", len(graph_rows.STATE_VERSION))]
    state = graph_rows._read_state(project.cache, key)
    assert state is not None
    base = state[5]
    return bytes(base.graph), base.patched, state[1]


def test_a_patched_graph_is_kept_as_the_earlier_pickle_and_a_patch(tmp_path, monkeypatch):
    """After a patch the kept state holds the pickle of the graph as it was first kept and the attributes of the
    nodes patched since (not the graph pickled again); read back, it is the graph made afresh. Above
    PATCH_LIMIT nodes and edges patched, the graph is pickled whole again."""
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    first, patched, _ = _state_parts(root)
    assert patched == set()
    path = root / "graph" / "synth-0002" / "entities.ttl"
    _replace(path, r'"([^"\\]+)"@en', r'"\1 (edited)"@en')
    build(root)
    graph, patched, _ = _state_parts(root)
    assert graph == first and patched == {"https://w3id.org/cppcc-kg/id/document/synth-0002-0"}
    _replace(path, r'"关于([^"\\]+)"@zh', r'"\1"@zh')  # its Chinese label: a new pinyin
    build(root)
    graph, patched, kept = _state_parts(root)
    assert graph == first and patched == {"https://w3id.org/cppcc-kg/id/document/synth-0002-0"}
    rebuilt = build_entity_graph(load(root, cache=False).store)
    assert_same_graph(kept, rebuilt)
    _same_as_clean(root, tmp_path)
    monkeypatch.setattr(graph_rows, "PATCH_LIMIT", 0)
    _replace(path, r'"([^"\\]+) \(edited\)"@en', r'"\1 (edited again)"@en')
    build(root)
    graph, patched, kept = _state_parts(root)
    assert graph != first and patched == set()
    assert_same_graph(kept, build_entity_graph(load(root, cache=False).store))


def test_the_kept_state_holds_the_stamps_of_the_files_not_their_texts(tmp_path, recorded):
    """The entity files are not copied into the loader's cache: the next build reads them from the output folder
    it replaces, when each has the stamp of the file the kept state was made with."""
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    entry = (root / ".cache" / "cppcc-kg" / graph_rows.STATE_ENTRY).read_bytes()
    nodes = (root / "build" / "nodes.csv").read_bytes()
    assert len(nodes) > 1000 and nodes[:1000] not in entry
    path = root / "graph" / "synth-0002" / "entities.ttl"
    _replace(path, r'"([^"\\]+)"@en', r'"\1 (edited)"@en')
    build(root)
    assert recorded["files"][-1] is not None  # patched from the files of the folder replaced
    _same_as_clean(root, tmp_path / "clean1")


@pytest.mark.parametrize("change", ["edited in place", "removed", "another output folder"])
def test_entity_files_not_as_the_last_build_left_them_are_made_whole(tmp_path, recorded, change):
    """A file of the output folder edited in place (its size and mtime put back: the ctime tells), removed, or
    a build into another folder (which holds an older build): the graph is patched, its files made whole, and
    every output is a clean build's."""
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    out = root / "build"
    if change == "another output folder":
        build(root, tmp_path / "other", force=True)  # the cache's state is now that of this folder's files
        _replace(root / "graph" / "synth-0002" / "entities.ttl", r'"([^"\\]+)"@en', r'"\1 (edited)"@en')
        build(root)  # into root/build, which holds the first build's files
    else:
        target = out / "edges.csv"
        if change == "removed":
            target.unlink()
        else:
            st = target.stat()
            data = bytearray(target.read_bytes())
            data[-3:-1] = b"ZZ"  # the same size
            target.write_bytes(bytes(data))
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
        _replace(root / "graph" / "synth-0002" / "entities.ttl", r'"([^"\\]+)"@en', r'"\1 (edited)"@en')
        build(root)
    assert len(recorded["graph"]) == 1 and recorded["graph"][0]  # patched
    assert recorded["files"] == []  # the files made whole: none patched
    _same_as_clean(root, tmp_path / "clean")
    _replace(root / "graph" / "synth-0002" / "entities.ttl", r'"([^"\\]+) \(edited\)"@en', r'"\1 (again)"@en')
    build(root)  # the state kept by the build before: its files are those of root/build
    assert len(recorded["files"]) == 1 and recorded["files"][0] is not None
    _same_as_clean(root, tmp_path / "clean again")
