"""The evidence check after a cached build (cppcc_kg.validate.evidence.cached_evidence_problems): only the
annotations whose evidence triples changed are checked again, and the report is the whole check's, edit after
edit (the evidence in its compact form: cppcc:quoteSource, quoteStart, quoteEnd, quoteExact on the annotation)."""
from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.validate import evidence
from cppcc_kg.validate.run import graph_keys, where_in

EV = "https://w3id.org/cppcc-kg/id/evidence/synth-0001/"


class NoStore:
    """A store that must not be read (the check after a label edit): any use fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was read ({name})")


def _check(root: Path, monkeypatch, store=None) -> tuple[list, list, bool]:
    """(the cached check's problems, the whole check's, whether the cached one ran the whole check); *store*
    (default: the project's) is the one the cached check is given."""
    whole_runs = []
    original = evidence.evidence_problems

    def counted(*args, **kwargs):
        whole_runs.append(1)
        return original(*args, **kwargs)

    project = load(root, cache=True, write_cache=True)
    try:
        where = where_in(project)
        with monkeypatch.context() as m:
            m.setattr(evidence, "evidence_problems", counted)
            cached = evidence.cached_evidence_problems(
                project.store if store is None else store, project.sources, ntriples=project.graphs(), keys=graph_keys(project),
                cache=project.cache, where=where)
        whole = original(project.store, project.sources, where=where)
        project.save_cache()
    finally:
        project.close()
    return cached, whole, bool(whole_runs)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def root(tmp_path) -> Path:
    root = tmp_path / "p"
    write_corpus(root, scale=3)
    return root


def test_an_unrelated_edit_checks_no_annotation_again(root, monkeypatch):
    assert _check(root, monkeypatch) == ([], [], True)  # no record yet: the whole check
    assert _check(root, monkeypatch) == ([], [], False)  # nothing changed
    _edit(root / "graph" / "synth-0001" / "entities.ttl", "Five-year work plan synth-0001-0", "A plan (edited)")
    assert _check(root, monkeypatch) == ([], [], False)


def test_a_label_edit_reads_no_store(root, monkeypatch):
    _check(root, monkeypatch)
    _edit(root / "graph" / "synth-0001" / "entities.ttl", "Five-year work plan synth-0001-0", "A plan (edited)")
    assert _check(root, monkeypatch, store=NoStore()) == ([], [], False)
    # a file added without an evidence property, and one removed
    extra = root / "graph" / "synth-0002" / "extra.ttl"
    extra.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     f'<{EV}0-5> rdfs:comment "a note" .\n', encoding="utf-8")
    assert _check(root, monkeypatch, store=NoStore()) == ([], [], False)
    extra.unlink()
    assert _check(root, monkeypatch, store=NoStore()) == ([], [], False)


@pytest.mark.parametrize("prop", sorted(evidence.EVIDENCE_PROPERTIES))
def test_an_edit_of_an_evidence_property_reads_the_store(root, monkeypatch, prop):
    """A changed triple of any property of the query (here, one that changes no verdict) is looked at."""
    _check(root, monkeypatch)
    extra = root / "graph" / "synth-0002" / "extra.ttl"
    extra.write_text(f'<{EV}0-5-note> <{prop}> "x" .\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="the store was read"):
        _check(root, monkeypatch, store=NoStore())


def test_a_type_edit_reads_no_store(root, monkeypatch):
    """The check reads no type: an annotation's type removed, or a source's, reads no store (SHACL's)."""
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    _check(root, monkeypatch)
    _edit(ev, f"<{EV}0-5> a oa:Annotation ;", f"<{EV}0-5> a oa:Motivation ;")
    assert _check(root, monkeypatch, store=NoStore()) == ([], [], False)


def test_a_wrong_quote_is_found_and_its_repair_seen(root, monkeypatch):
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    where = ["graph/synth-0001/evidence.ttl"]
    _check(root, monkeypatch)
    _edit(ev, 'cppcc:quoteExact "通祥市政协"', 'cppcc:quoteExact "通祥市政府"')
    cached, whole, ran = _check(root, monkeypatch)
    assert cached == whole and ran and len(whole) == 1 and "通祥市政府" in whole[0]["message"]
    assert whole[0]["focus"] == EV + "0-5" and whole[0]["files"] == where  # the annotation and its file
    _edit(ev, 'cppcc:quoteExact "通祥市政府"', 'cppcc:quoteExact "通祥市政协"')
    # the last clean record (the files before the wrong quote) is still the one compared with
    assert _check(root, monkeypatch) == ([], [], False)


def _quote_of(root: Path, annotation: str) -> tuple[Path, str]:
    """The file and Turtle block of *annotation* (a synthetic project's: the first of its file)."""
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    text = ev.read_text(encoding="utf-8")
    start = text.index(f"<{annotation}> a oa:Annotation")
    return ev, text[start:text.index(" .\n", start) + 3]


def test_moved_offsets_and_another_source_are_checked_again(root, monkeypatch):
    ev, block = _quote_of(root, EV + "0-5")
    _check(root, monkeypatch)
    for old, new, part in [
        ('cppcc:quoteStart "0"', 'cppcc:quoteStart "1"', "text[1:5]"),
        ('cppcc:quoteEnd "5"', 'cppcc:quoteEnd "4"', "text[0:4]"),
        ('cppcc:quoteEnd "5"', 'cppcc:quoteEnd "99999"', "the span 0-99999 is outside"),
        ("source/synth-0001>", "source/synth-0002>", "sources/synth-0002.zh.txt"),
        ("source/synth-0001>", "org/synth-0001-cppcc>", "which is not a cppcc:Source with a text"),
    ]:
        _edit(ev, block, block.replace(old, new, 1))
        cached, whole, ran = _check(root, monkeypatch)
        assert cached == whole and ran and len(whole) == 1 and part in whole[0]["message"], (new, whole)
        assert whole[0]["focus"] == EV + "0-5" and whole[0]["files"] == ["graph/synth-0001/evidence.ttl"]
        _edit(ev, block.replace(old, new, 1), block)
        _check(root, monkeypatch)
        assert _check(root, monkeypatch) == ([], [], False)


def test_missing_pieces_are_left_to_shacl_and_their_return_checked(root, monkeypatch):
    """An annotation without its quote, start or end has no verdict here (SHACL's); a wrong piece given back is
    checked again."""
    ev, block = _quote_of(root, EV + "0-5")
    _check(root, monkeypatch)
    for prop, wrong in [("quoteExact", '"通祥市政府"'), ("quoteStart", '"1"^^xsd:nonNegativeInteger'),
                        ("quoteEnd", '"4"^^xsd:nonNegativeInteger')]:
        line = next(x for x in block.splitlines(True) if f"cppcc:{prop} " in x)
        without = block.replace(line, "" if not line.endswith(" .\n") else "", 1)
        if line.endswith(" .\n"):  # (the last line: the one before it ends the block)
            without = without.rstrip(" ;\n") + " .\n"
        _edit(ev, block, without)
        assert _check(root, monkeypatch)[:2] == ([], [])
        given_back = block.replace(line, line.split(f"cppcc:{prop} ")[0] + f"cppcc:{prop} {wrong}"
                                   + (" .\n" if line.endswith(" .\n") else " ;\n"), 1)
        _edit(ev, without, given_back)
        cached, whole, ran = _check(root, monkeypatch)
        assert cached == whole and ran and len(whole) == 1 and whole[0]["focus"] == EV + "0-5", (prop, whole)
        _edit(ev, given_back, block)
        _check(root, monkeypatch)


def test_a_right_quote_added_is_judged_alone(root, monkeypatch):
    """A new annotation with the right quote: only it is judged (the store read, the whole check not run)."""
    _check(root, monkeypatch)
    extra = root / "graph" / "synth-0002" / "extra.ttl"
    extra.write_text('@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n'
                     '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                     f'<{EV}6-8> cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/synth-0001> ;\n'
                     '    cppcc:quoteStart "6"^^xsd:nonNegativeInteger ; cppcc:quoteEnd "8"^^xsd:nonNegativeInteger ;\n'
                     '    cppcc:quoteExact "通祥" .\n', encoding="utf-8")
    assert _check(root, monkeypatch) == ([], [], False)
    _edit(extra, 'cppcc:quoteEnd "8"', 'cppcc:quoteEnd "9"')
    _edit(extra, '"通祥" .', '"通祥市" .')
    with pytest.raises(AssertionError, match="the store was read"):  # (its rows are read in the store)
        _check(root, monkeypatch, store=NoStore())
    assert _check(root, monkeypatch) == ([], [], False)


def test_a_quote_added_in_another_file_is_seen(root, monkeypatch):
    _check(root, monkeypatch)
    extra = root / "graph" / "synth-0002" / "extra.ttl"
    extra.write_text('@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n'
                     f'<{EV}0-5> cppcc:quoteExact "不对" .\n', encoding="utf-8")
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1 and "不对" in whole[0]["message"]
    # the files of the annotation's quotes: the wrong one's among them
    assert whole[0]["files"] == ["graph/synth-0001/evidence.ttl", "graph/synth-0002/extra.ttl"]
    extra.unlink()
    _check(root, monkeypatch)
    assert _check(root, monkeypatch) == ([], [], False)


def test_other_texts_or_code_run_the_whole_check(root, monkeypatch):
    from cppcc_kg.validate import file_cache

    _check(root, monkeypatch)
    monkeypatch.setattr(evidence, "texts_digest", lambda texts: "other texts")
    assert _check(root, monkeypatch)[2]
    assert not _check(root, monkeypatch)[2]
    monkeypatch.setattr(evidence, "STATE", file_cache.entry_name("evidence-state", "another version"))
    assert _check(root, monkeypatch)[2]


def test_without_a_cache_it_is_the_whole_check(root):
    project = load(root, cache=False)
    try:
        assert evidence.cached_evidence_problems(project.store, project.sources, ntriples=project.graphs(),
                                                 keys=graph_keys(project), cache=project.cache) == []
    finally:
        project.close()
