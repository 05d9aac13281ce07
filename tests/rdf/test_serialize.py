"""cppcc_kg.rdf.serialize.merged_lines: the lines of graph.nt, as sorting a set of them gives."""
from __future__ import annotations

from support import REPO_ROOT

from cppcc_kg.project.files import iter_files, project_files
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.serialize import merged_lines


def set_sorted(docs) -> list[bytes]:
    """The oracle (the implementation before issue 15): a set of all the lines, sorted."""
    lines = set()
    for doc in docs:
        lines.update(doc.split(b"\n"))
    lines.discard(b"")
    return sorted(lines)


def test_merged_lines_of_the_repository_and_a_synthetic_project(tmp_path):
    write_corpus(tmp_path / "synth", scale=10, seed=0)
    for root in (REPO_ROOT, tmp_path / "synth"):
        docs = [nt for _rel, nt in iter_files(root, project_files(root))]
        docs.append(docs[-1])  # every line twice
        assert merged_lines(docs) == set_sorted(docs)


def test_merged_lines_of_unsorted_documents_without_final_newlines():
    docs = [b"c .\nb .\nc .", b"", b"\n\na .\nb .\n", b"b ."]
    assert merged_lines(docs) == set_sorted(docs) == [b"a .", b"b .", b"c ."]
    assert merged_lines([]) == [] and merged_lines([b"\n"]) == []
