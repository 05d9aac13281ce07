"""Validation with the per-file cache gives the report of a clean run, and the fast engine that of pySHACL.

A synthetic project of 2 sources is validated once with the cache (its entries kept, as a build
that succeeds keeps them); then one file is edited, with an edit that is valid or that breaks
each kind of check (a label in no text, a wrong quote, a wrong datatype, a type removed that
other files rely on, a reference to an undefined IRI, a second Chinese label written in another
file), and the report with the cache must equal the report without it. An entry made for another
ontology or another version of the code is not used.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_fastshacl import _both, assert_same

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.validate import file_cache, validate

DOC = "https://w3id.org/cppcc-kg/id/document/synth-0002-0"
ENTITIES = "graph/synth-0002/entities.ttl"
EVIDENCE = "graph/synth-0002/evidence.ttl"
RELATIONS = "graph/synth-0002/relations.ttl"


def _replace(old: str, new: str, rel: str):
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, rel)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def _append(text: str, rel: str):
    def edit(root: Path) -> None:
        with open(root / rel, "a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")
    return edit


#: edit -> (the edit, a check that must find a problem, or None for a valid edit)
EDITS = {
    "valid": (_replace('"Five-year work plan synth-0002-0"@en', '"Five-year plan synth-0002-0"@en', ENTITIES), None),
    "label in no text": (_replace('"关于德中北瑞的五年工作规划"@zh', '"关于并不存在的某某规划"@zh', ENTITIES), "labels"),
    "wrong quote": (_replace('cppcc:quoteExact "', 'cppcc:quoteExact "错', EVIDENCE), "evidence"),
    "wrong datatype": (_replace("^^xsd:nonNegativeInteger", "^^xsd:integer", EVIDENCE), "shacl"),
    "type removed": (_replace(f"<{DOC}> a cppcc:Plan ;", f"<{DOC}>", ENTITIES), "shacl"),
    "undefined IRI": (_append(f"<{DOC}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
                              "<https://w3id.org/cppcc-kg/id/org/no-such-body> .", RELATIONS), "rules"),
    "second label in another file": (_append(
        f'<{DOC}> <http://www.w3.org/2000/01/rdf-schema#label> "另一个并不存在的名字"@zh .',
        "graph/synth-0001/relations.ttl"), "labels"),
}


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """A synthetic project whose validation cache is warm (one validation kept)."""
    root = tmp_path_factory.mktemp("vcache") / "corpus"
    write_corpus(root, scale=2, seed=3)
    _validate(root, cache=True)
    return root


def _validate(root: Path, *, cache: bool) -> tuple[dict, set[str]]:
    """The report, and the validation entries read from the cache (used, not written by this run)."""
    project = load(root, cache=cache, write_cache=cache)
    project.finish_pinyin()
    report = validate(project)
    hits = {n for n in project.cache.used if n.startswith("validate-")} - set(project.cache.staged)
    project.save_cache()
    return report, hits


def _same(a: dict, b: dict) -> None:
    assert a["problems"] == b["problems"]
    assert a["counts"] == b["counts"] and a["conforms"] == b["conforms"]


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edited_file_gives_the_report_of_a_clean_run(warm, tmp_path, name):
    edit, check = EDITS[name]
    root = tmp_path / "p"
    shutil.copytree(warm, root)
    edit(root)
    cached, hits = _validate(root, cache=True)
    clean, _ = _validate(root, cache=False)
    _same(cached, clean)
    assert hits, "the unchanged files' entries were read"
    if check is None:
        assert clean["conforms"], clean["problems"][:3]
    else:
        assert clean["counts"][check] > 0, clean["counts"]
    again, _ = _validate(root, cache=True)  # every entry is there now
    _same(again, clean)


def test_an_entry_of_another_ontology_is_not_used(warm, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(warm, root)
    _replace("sh:path cppcc:quoteStart ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:nonNegativeInteger",
             "sh:path cppcc:quoteStart ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer", "ontology.ttl")(root)
    cached, _ = _validate(root, cache=True)
    clean, _ = _validate(root, cache=False)
    _same(cached, clean)
    assert clean["counts"]["shacl"] > 10  # every cppcc:quoteStart is an xsd:nonNegativeInteger


def test_an_entry_of_another_version_of_the_code_is_not_used(warm, tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(warm, root)
    _, hits = _validate(root, cache=True)
    # the datatype checks' results come from the SHACL record (read, then written again: not a hit); the
    # rules' verdicts, what each reads and the last build's record are read (validate-rule-..., validate-rule-reads-...,
    # validate-rule-state-...), and so is the index of the files' IRIs (validate-term-index-...)
    assert {h.split("-")[1] for h in hits} == {"labels", "rule", "term"}
    monkeypatch.setattr(file_cache, "CODE_DIGEST", "another version")
    _, hits = _validate(root, cache=True)
    assert not hits


def test_the_fast_engine_reports_what_pyshacl_reports_on_a_synthetic_project(warm, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(warm, root)
    slow, fast = _both(load(root, cache=False))
    assert slow == fast == []
    for name, (edit, _check) in sorted(EDITS.items()):
        edit(root)
    slow, fast = _both(load(root, cache=False))
    assert len(slow) >= 5
    assert_same(slow, fast)


def test_a_triple_that_two_files_hold_is_counted_for_both(warm, tmp_path):
    """The store holds a triple once, in the first file's graph: the second file's entry must see it too."""
    root = tmp_path / "p"
    shutil.copytree(warm, root)
    _replace('"关于德中北瑞的五年工作规划"@zh', '"关于并不存在的某某规划"@zh', ENTITIES)(root)
    line = f'<{DOC}> <http://www.w3.org/2000/01/rdf-schema#label> "关于并不存在的某某规划"@zh .'
    _append(line, "graph/synth-0001/relations.ttl")(root)  # loaded before graph/synth-0002/
    first, _ = _validate(root, cache=True)
    _replace(line, "", "graph/synth-0001/relations.ttl")(root)
    cached, hits = _validate(root, cache=True)
    clean, _ = _validate(root, cache=False)
    _same(cached, clean)
    assert hits and clean["counts"]["labels"] == first["counts"]["labels"] == 1


def test_the_code_digest_covers_the_modules_the_checks_read_the_data_through(tmp_path):
    """A kept verdict depends on how the loader makes the store (every file's graph complete for a rule with
    GRAPH, the graphs' names), on the query of the entities whose labels are checked: a change of that code
    is a change of every key, as one of :mod:`cppcc_kg.validate` is."""
    package = Path(file_cache.__file__).resolve().parents[1]
    files = file_cache.code_files(package)
    for rel in ("project/load.py", "project/files.py", "project/entities.py", "rdf/store.py", "validate/rules.py"):
        assert rel in files
    copy = tmp_path / "cppcc_kg"
    copy.mkdir()
    for part in file_cache.CODE_PARTS:
        (shutil.copytree if (package / part).is_dir() else shutil.copy2)(package / part, copy / part)
    before = file_cache._code_digest(copy)
    assert before == file_cache.CODE_DIGEST
    load_py = copy / "project" / "load.py"
    load_py.write_text(load_py.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert file_cache._code_digest(copy) != before
