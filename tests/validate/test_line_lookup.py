"""The lookups of the SHACL restriction answered from the files' lines (cppcc_kg.validate.line_lookup): the same
answers as the whole store's, and the same restriction (test_shacl_incremental.py compares them at every edit
of its own tests too)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import REPO_ROOT
from test_shacl_incremental import _block, assert_same_restriction

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import load_store
from cppcc_kg.validate import shacl as fastshacl
from cppcc_kg.validate import shacl_incremental
from cppcc_kg.validate import term_index as ti
from cppcc_kg.validate.line_lookup import LineLookup, NotCovered, token_pattern
from cppcc_kg.validate.run import graph_keys
from cppcc_kg.validate.shapes import shapes_of

E = "http://e.org/"
DOCS = {
    "http://g/1": (f'<{E}a> <{E}p> <{E}b> .\n<{E}c> <{E}p> "see <{E}a> and <{E}b>"@en .\n'
                   f'<{E}b> <{E}q> _:x .\n_:x <{E}p> <{E}a> .\n<{E}机构> <{E}p> <{E}a> .\n').encode(),
    "http://g/2": f'<{E}a> <{E}p> <{E}b> .\n<{E}d> <{E}p> <{E}only-object> .\n<{E}ab> <{E}p> <{E}a> .\n'.encode(),
    "http://g/3": b"",
}
NODES = [ox.NamedNode(E + n) for n in ("a", "b", "c", "d", "ab", "only-object", "机构", "p", "q", "none")]


def _quads(quads) -> set:
    return {ox.Quad(q.subject, q.predicate, q.object) for q in quads}


def test_token_pattern_matches_every_token_and_no_other():
    tokens = [f"<{E}{n}>".encode() for n in ("a", "ab", "abc", "b", "机构")]
    text = b" ".join(tokens + [f"<{E}abd>".encode(), f"<{E}x>".encode()])
    assert [m.group() for m in token_pattern(tokens).finditer(text)] == tokens


@pytest.mark.parametrize("node", NODES, ids=lambda n: n.value)
def test_a_covered_node_has_the_whole_stores_triples(node):
    store = load_store(DOCS)
    anywhere, subject = LineLookup(DOCS), LineLookup(DOCS)
    assert anywhere.cover(anywhere=[node]) and subject.cover(subjects=[node])
    for pattern in [(node, None, None), (None, None, node), (None, node, None)]:
        assert _quads(anywhere.quads_for_pattern(*pattern)) == _quads(store.quads_for_pattern(*pattern, None))
    assert _quads(subject.quads_for_pattern(node, None, None)) == \
        _quads(store.quads_for_pattern(node, None, None, None))
    with pytest.raises(NotCovered):  # the lines that begin with it do not tell where it is the object
        subject.quads_for_pattern(None, None, node)
    with pytest.raises(NotCovered):
        anywhere.quads_for_pattern(None, None, ox.NamedNode(E + "other"))


@pytest.mark.parametrize("node", NODES, ids=lambda n: n.value)
def test_a_covered_node_has_the_whole_stores_triples_with_the_index(node):
    """With an index of two documents of three (the third, empty, always read), the same answers; only the
    documents that hold the node as a term are read (the index may name more: none here)."""
    store = load_store(DOCS)
    index = ti.term_index(None, DOCS, {"http://g/1": "k1", "http://g/2": "k2"})
    anywhere, subject = LineLookup(DOCS, index), LineLookup(DOCS, index)
    assert anywhere.cover(anywhere=[node]) and subject.cover(subjects=[node])
    for pattern in [(node, None, None), (None, None, node), (None, node, None)]:
        assert _quads(anywhere.quads_for_pattern(*pattern)) == _quads(store.quads_for_pattern(*pattern, None))
    assert _quads(subject.quads_for_pattern(node, None, None)) == \
        _quads(store.quads_for_pattern(node, None, None, None))
    holders = {g for g, nt in DOCS.items() for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
               if node in (t.subject, t.predicate, t.object)}
    assert holders <= set(anywhere.scanned) <= {g for g, nt in DOCS.items() if f"<{node.value}>".encode() in nt}


def test_a_blank_node_or_a_literal_is_not_covered():
    lookup = LineLookup(DOCS)
    assert not lookup.cover(anywhere=[ox.NamedNode(E + "a"), ox.BlankNode("x")])
    assert not lookup.cover(subjects=[ox.Literal("a")])
    assert lookup.passes == 0 and len(lookup.store) == 0


# --------------------------------------------------------------------------- the restriction, edit after edit
ID = "https://w3id.org/cppcc-kg/id/"
PREFIXES = ("@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")


def _record(root: Path) -> None:
    """Validate the project (restricted, as a build) and keep the record."""
    project = load(root, cache=True, write_cache=True)
    try:
        fastshacl.validate(None, shapes_of(project), store=project.store, ntriples=project.graphs(),
                           keys=graph_keys(project), cache=project.cache)
        project.save_cache()
    finally:
        project.close()


def _compare(root: Path, *, no_store: bool = False):
    """Assert that the restriction of the project now is the same from its lines as from its store; record it."""
    project = load(root, cache=True, write_cache=True)
    try:
        r = assert_same_restriction(project, NoStore() if no_store else None)
    finally:
        project.close()
    _record(root)
    return r


class NoStore:
    """A store that must not be read: any use fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was read ({name})")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lines") / "p"
    write_corpus(root, scale=2, seed=0)
    _record(root)
    return root


def test_crafted_edits_give_the_stores_restriction(synthetic):
    root = synthetic
    g1 = root / "graph" / "synth-0001"
    org = f"{ID}org/synth-0001-cppcc"
    # an English label: read without the store
    text = (g1 / "entities.ttl").read_text(encoding="utf-8")
    i = text.index('"@en')
    (g1 / "entities.ttl").write_text(text[:i] + " (edited)" + text[i:], encoding="utf-8")
    assert _compare(root, no_store=True).focus
    # a relation added, to a node that appears only as an object
    _append(g1 / "relations.ttl", f"{PREFIXES}<{org}> cppcc:reportsTo <{ID}org/only-an-object> .\n")
    assert _compare(root).focus
    # a literal that holds the text of IRIs, on a node pointing to the organisation
    _append(g1 / "entities.ttl", f'{PREFIXES}<{ID}org/quoting> rdfs:comment "<{org}> <{ID}org/synth-0002-cppcc>"@en ;\n'
                                 f"    cppcc:reportsTo <{org}> .\n")
    _compare(root)
    # an object IRI changed
    _append(g1 / "relations.ttl", "")
    rel = (g1 / "relations.ttl").read_text(encoding="utf-8")
    (g1 / "relations.ttl").write_text(rel.replace(f"<{ID}org/only-an-object>", f"<{ID}org/synth-0002-cppcc>"),
                                      encoding="utf-8")
    _compare(root)
    # a type changed
    ent = (g1 / "entities.ttl").read_text(encoding="utf-8")
    (g1 / "entities.ttl").write_text(ent.replace(f"<{ID}org/quoting> rdfs:comment",
                                                 f"<{ID}org/quoting> a cppcc:Organization ;\n    rdfs:comment"),
                                     encoding="utf-8")
    _compare(root)
    # the organisation's label edited, after all that
    ent = (g1 / "entities.ttl").read_text(encoding="utf-8")
    i = ent.index('"@en')
    (g1 / "entities.ttl").write_text(ent[:i] + " (again)" + ent[i:], encoding="utf-8")
    assert _compare(root, no_store=True).focus


def test_the_repositorys_label_edit_gives_the_stores_restriction(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    for name in ("ontology.ttl", "sources", "graph", "rules"):
        copy = shutil.copytree if (REPO_ROOT / name).is_dir() else shutil.copy2
        copy(REPO_ROOT / name, root / name)
    _record(root)
    path = sorted((root / "graph").rglob("entities*.ttl"))[-1] if list((root / "graph").rglob("entities*.ttl")) \
        else sorted((root / "graph").rglob("*.ttl"))[-1]
    text = path.read_text(encoding="utf-8")
    i = text.index('"@en')
    path.write_text(text[:i] + " (edited)" + text[i:], encoding="utf-8")
    assert _compare(root).reason == ""


# --------------------------------------------------------------------------- the restriction with the index of the files
class _Watch:
    """Each LineLookup that the restriction makes, and the N-Triples whose keys the index makes."""

    def __init__(self, monkeypatch):
        self.lookups: list[LineLookup] = []
        self.made: list[bytes] = []
        watch = self

        class Watched(LineLookup):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                watch.lookups.append(self)

        real = ti.file_keys
        monkeypatch.setattr(shacl_incremental, "LineLookup", Watched)
        monkeypatch.setattr(ti, "file_keys", lambda nt: self.made.append(nt) or real(nt))

    def assert_read_only_the_files_of_the_nodes(self) -> None:
        """Every document read holds the text of a term covered (or is not indexed): no other file is read."""
        assert self.lookups
        for lookup in self.lookups:
            tokens = lookup.anywhere | lookup.subjects
            for name in lookup.scanned:
                assert name in lookup.index.unindexed or any(t in lookup.documents[name] for t in tokens), name
            assert len(lookup.scanned) < lookup.passes * len(lookup.documents)


def _entry(root: Path) -> Path:
    return root / ".cache" / "cppcc-kg" / ti.index_entry()


def _label_edit(path: Path, tag: str) -> None:
    text = path.read_text(encoding="utf-8")
    i = text.index('"@en')
    path.write_text(text[:i] + f" ({tag})" + text[i:], encoding="utf-8")


def test_files_moved_added_removed_and_the_index_lost_give_the_stores_restriction(tmp_path, monkeypatch):
    root = tmp_path / "p"
    write_corpus(root, scale=3, seed=0)
    _record(root)
    assert _entry(root).is_file()  # made by the first validation (no record: everything ran)
    g1, g2 = root / "graph" / "synth-0001", root / "graph" / "synth-0002"
    # a node moving between files: its block from one file to another
    doc = f"{ID}document/synth-0001-1"
    block = _block(g1 / "entities.ttl", doc)
    (g1 / "entities.ttl").write_text((g1 / "entities.ttl").read_text(encoding="utf-8").replace(block, ""),
                                     encoding="utf-8")
    _append(g2 / "entities.ttl", block)
    _compare(root)
    # a file added, that points to a node of another file, and a node only there as an object
    extra = g1 / "extra.ttl"
    extra.write_text(f"{PREFIXES}<{ID}org/synth-0002-cppcc> cppcc:reportsTo <{ID}org/only-in-extra> .\n"
                     f'<{ID}org/extra> rdfs:label "extra"@en ; cppcc:reportsTo <{ID}org/synth-0001-cppcc> .\n',
                     encoding="utf-8")
    assert _compare(root).focus
    # the file removed
    extra.unlink()
    assert _compare(root).focus
    # the index's entry lost, then broken: made again, the same restriction (and still no read of the store)
    for broken in (None, b"00000000\ngarbage", _entry(root).read_bytes()[:-7]):
        if broken is None:
            _entry(root).unlink()
        else:
            _entry(root).write_bytes(broken)
        _label_edit(g2 / "entities.ttl", f"edited {len(str(broken))}")
        watch = _Watch(monkeypatch)
        assert _compare(root, no_store=True).focus
        assert len(watch.made) >= len(list((root / "graph").rglob("*.ttl")))  # every file indexed again
        monkeypatch.undo()


def test_a_label_edit_reads_only_the_files_of_its_nodes_and_indexes_only_the_edited_file(tmp_path, monkeypatch):
    root = tmp_path / "p"
    write_corpus(root, scale=3, seed=0)
    _record(root)
    _label_edit(root / "graph" / "synth-0002" / "entities.ttl", "edited")
    _record(root)  # (a record with the index of the edited file: the next edit is that of one file after a build)
    _label_edit(root / "graph" / "synth-0002" / "entities.ttl", "again")
    watch = _Watch(monkeypatch)
    r = _compare(root, no_store=True)
    assert r.focus and r.reason == "" and r.scanned
    assert watch.made and all(b"(again)" in nt for nt in watch.made)  # only the edited file's keys made
    watch.assert_read_only_the_files_of_the_nodes()
