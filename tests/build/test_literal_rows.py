"""The entity graph of an edit reads the store only where it queries it. The literals patch of the kept entity graph reads the changed subjects from the files' N-Triples while the
store loads (:func:`cppcc_kg.build.graph_rows.literal_rows`): the same solutions as the project's store, on the
repository, a synthetic project and crafted cases (a subject stated in two files, a pinyin triple also written
in a file, numbers the store keeps by value)."""
from __future__ import annotations

import pytest
from support import CRAFTED_PREFIXES as PREFIXES
from support import crafted_project as crafted
from support import repository_or_synthetic

from cppcc_kg.build.graph_rows import (
    FILE_SUBJECTS,
    entity_graph_of_project,
    literal_rows,
)
from cppcc_kg.network.entity_graph import literals_of
from cppcc_kg.project.file_facts import subject_lines, subject_store
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import values
from cppcc_kg.schema import Schema

ORG = "https://w3id.org/cppcc-kg/id/org/"


def from_files(project, subjects) -> list[tuple]:
    return sorted(literals_of(subject_store(project.nt, project.pinyin_nt, subjects), subjects))


def from_store(project, subjects) -> list[tuple]:
    return sorted(literals_of(project.store, subjects))


def subjects_of(project) -> list[str]:
    """Every IRI that is the subject of a triple (the rows of the literals query read some of them)."""
    return sorted({s for (s,) in values(project.store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER isIRI(?s) }")})


@pytest.mark.parametrize("kind", ["repository", "synthetic"])
def test_the_files_give_the_store_s_literals_on_real_and_synthetic_projects(kind, tmp_path_factory):
    project = load(repository_or_synthetic(kind, tmp_path_factory), cache=False)
    try:
        subjects = subjects_of(project)
        got = from_files(project, subjects)
        assert got == from_store(project, subjects)
        assert len(got) > 100 and project.pinyin_nt
        assert any(r[1].endswith("#pinyin") for r in got)
        for few in (subjects[:1], subjects[::97][:FILE_SUBJECTS], subjects[-3:]):  # as the patch asks
            assert from_files(project, few) == from_store(project, few)
    finally:
        project.close()


def test_a_subject_in_two_files_a_pinyin_also_in_a_file_and_numbers_by_value(make_project):
    first = crafted(make_project, {})
    pinyin = [line for line in first.pinyin_nt.decode().splitlines() if line]
    assert pinyin
    subject = pinyin[0].split(" ", 1)[0][1:-1]
    project = crafted(make_project, {
        "graph/aa.ttl": PREFIXES + 'kgorg:two a cppcc:Organization ; rdfs:label "两个"@zh, "Two"@en ; '
                                   'rdfs:comment "said twice"@en .\n',
        "graph/zz.ttl": PREFIXES + 'kgorg:two rdfs:label "Two"@en, "Zwei"@de ; rdfs:comment "said twice"@en .\n'
                                   'kgorg:obs a cppcc:Observation ; cppcc:observationAbout kgorg:two ; '
                                   'cppcc:value "05"^^xsd:integer .\n'
                                   'kgorg:obs cppcc:value "5"^^xsd:nonNegativeInteger, "5"^^xsd:integer .\n',
        "graph/zz-pinyin.ttl": pinyin[0] + "\n",  # the generated pinyin of an entity, written in a file too
    })
    try:
        assert project.duplicates  # (the line said twice is held once by the store)
        assert pinyin[0].encode() in project.pinyin_nt
        subjects = [ORG + "two", ORG + "obs", subject, ORG + "nothing"]
        got = from_files(project, subjects)
        assert got == from_store(project, subjects)
        assert sum(r[0] == subject and r[1].endswith("#pinyin") for r in got) == 2  # the file's and the pinyin's
        assert sum(r[0] == ORG + "two" and r[2] == "Two" for r in got) == 1
        for s in subjects:
            assert from_files(project, [s]) == from_store(project, [s])
    finally:
        project.close()
        first.close()


class Loading:
    """A project whose store is still being loaded: reading it fails the test."""

    store_loading = True
    pinyin_pending = False

    def __init__(self, project):
        self.nt, self.pinyin_nt = project.nt, project.pinyin_nt

    @property
    def store(self):
        raise AssertionError("the store was read while it loads")


def test_while_the_store_loads_a_few_subjects_are_read_from_the_files(make_project):
    project = load(make_project(), cache=False)
    try:
        subjects = subjects_of(project)[:FILE_SUBJECTS]
        assert sorted(literal_rows(Loading(project), subjects)) == from_store(project, subjects)
        with pytest.raises(AssertionError, match="while it loads"):
            literal_rows(Loading(project), subjects_of(project)[:FILE_SUBJECTS + 1])
        pending = Loading(project)
        pending.pinyin_pending, pending.pinyin_nt = True, b"<x> <y> <z> .\n"  # not in the store yet: not read
        assert all(not r[1].endswith("#pinyin") for r in literal_rows(pending, subjects))
    finally:
        project.close()


def test_subject_lines_are_those_of_the_subject_not_of_an_object():
    nt = b'<a> <p> <b> .\n<b> <p> "x" .\n<b> <q> <a> .\n<ba> <p> <b> .\n<c> <p> <b> .\n'
    assert subject_lines(nt, ["b"]) == [b'<b> <p> "x" .\n<b> <q> <a> .\n']
    assert subject_lines(nt, ["a", "c", "d"]) == [b"<a> <p> <b> .\n", b"<c> <p> <b> .\n"]
    assert subject_lines(b'<a> <p> "no end"', ["a"]) == [b'<a> <p> "no end"']


class NoStore:
    """A project whose store may not be read."""

    def __init__(self, project):
        self._project = project

    def __getattr__(self, name):
        if name == "store":
            raise AssertionError("the store was read")
        return getattr(self._project, name)


def test_the_entity_graph_of_solutions_all_in_the_cache_does_not_read_the_store(tmp_path):
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    first = load(root, cache=True, write_cache=True)
    made = entity_graph_of_project(first, Schema(first.view), "code")  # every query runs: kept in the cache
    first.save_cache()
    first.close()
    again = load(root, cache=True, write_cache=True)
    try:
        G = entity_graph_of_project(NoStore(again), Schema(again.view), "code")
        assert G.number_of_nodes() > 10
        assert list(G.nodes(data=True)) == list(made.nodes(data=True))
        assert list(G.edges(keys=True, data=True)) == list(made.edges(keys=True, data=True))
        with pytest.raises(AssertionError, match="store was read"):
            entity_graph_of_project(NoStore(again), Schema(again.view), "other code")  # (none in the cache)
    finally:
        again.close()
