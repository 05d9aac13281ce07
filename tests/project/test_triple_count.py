"""The number of distinct triples of a project (``len(project)``) is counted from the loader's lines, without
the store, where that is exact (:func:`cppcc_kg.project.file_facts.distinct_triples`): it equals the store's count
on the repository, a synthetic project and crafted cases; where literals kept by value may make two lines one
triple, the store counts."""
from __future__ import annotations

import pytest
from support import CRAFTED_PREFIXES as PREFIXES
from support import crafted_project as crafted
from support import repository_or_synthetic

from cppcc_kg.project.file_facts import distinct_triples
from cppcc_kg.project.load import Project, load


def counts(project) -> tuple[int | None, int, int]:
    """(the count of the lines, ``len(project)``, the store's count)."""
    lines = distinct_triples(project.nt, project.stats["distinct_lines"], project.pinyin_nt)
    return lines, len(project), len(project.view)


@pytest.mark.parametrize("kind", ["repository", "synthetic"])
def test_the_lines_give_the_store_s_count_on_real_and_synthetic_projects(kind, tmp_path_factory, monkeypatch):
    project = load(repository_or_synthetic(kind, tmp_path_factory), cache=False)
    try:
        monkeypatch.setattr(Project, "view", property(lambda self: pytest.fail("the store was counted")))
        n = len(project)
        monkeypatch.undo()
        assert n == len(project.view) > 1000
    finally:
        project.close()


def test_a_triple_in_two_files_and_a_generated_pinyin_written_in_a_file_count_once(make_project):
    plain = crafted(make_project, {})
    pinyin = next(line for line in plain.pinyin_nt.decode().splitlines() if line)
    project = crafted(make_project, {
        "graph/aa.ttl": PREFIXES + 'kgorg:two rdfs:label "Two"@en ; cppcc:value 5 .\n',
        "graph/zz.ttl": PREFIXES + 'kgorg:two rdfs:label "Two"@en ; cppcc:value 5 .\n',
        "graph/zz-pinyin.ttl": pinyin + "\n",
    })
    try:
        assert project.duplicates and pinyin.encode() in project.pinyin_nt
        lines, n, store = counts(project)
        assert lines == n == store
        assert store == len(plain.view) + 2  # (the label and the value; the pinyin was there)
    finally:
        project.close()
        plain.close()


def test_literals_kept_by_value_are_counted_by_the_store(make_project):
    project = crafted(make_project, {
        "graph/aa.ttl": PREFIXES + 'kgorg:n cppcc:value "05"^^xsd:integer .\n',
        "graph/zz.ttl": PREFIXES + 'kgorg:n cppcc:value "5"^^xsd:nonNegativeInteger, 5 .\n',
    })
    try:
        lines, n, store = counts(project)
        assert lines is None and n == store
        assert store == project.stats["distinct_lines"] + project.pinyin_nt.count(b"\n") - 2  # (three lines, one triple)
    finally:
        project.close()
