"""The evidence check after a cached build (cppcc_kg.validate.evidence.cached_evidence_problems): only the
targets whose triples changed are checked again, and the report is the whole check's, edit after edit."""
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


def test_an_unrelated_edit_checks_no_target_again(root, monkeypatch):
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
                     f'<{EV}0-5-quote> rdfs:comment "a note" .\n', encoding="utf-8")
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


def test_a_type_edit_alone_finds_the_wrong_quote(root, monkeypatch):
    """A wrong quote on a selector that is not typed oa:TextQuoteSelector is no row (clean); typing it is the
    only change of the next build, which finds it."""
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    _check(root, monkeypatch)
    quote = f'<{EV}0-5-quote> a oa:TextQuoteSelector ;\n    oa:exact "通祥市政协"'
    _edit(ev, quote, quote.replace("oa:TextQuoteSelector", "oa:CssSelector").replace("政协", "政府"))
    assert _check(root, monkeypatch)[:2] == ([], [])
    _edit(ev, "oa:CssSelector", "oa:TextQuoteSelector")
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1 and "通祥市政府" in whole[0]["message"]


def test_a_selector_pointed_to_another_quote_is_found(root, monkeypatch):
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    _check(root, monkeypatch)
    _edit(ev, f"<{EV}0-5-position>, <{EV}0-5-quote> .", f"<{EV}0-5-position>, <{EV}6-9-quote> .")
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1 and "'通祥市'" in whole[0]["message"]


def test_a_wrong_quote_is_found_and_its_repair_seen(root, monkeypatch):
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    _check(root, monkeypatch)
    _edit(ev, 'oa:exact "通祥市政协"', 'oa:exact "通祥市政府"')  # a quote selector: its target points to it
    cached, whole, ran = _check(root, monkeypatch)
    assert cached == whole and ran and len(whole) == 1 and "通祥市政府" in whole[0]["message"]
    assert whole[0]["focus"] == EV + "0-5"  # the annotation, found as the whole check finds it
    _edit(ev, 'oa:exact "通祥市政府"', 'oa:exact "通祥市政协"')
    # the last clean record (the files before the wrong quote) is still the one compared with
    assert _check(root, monkeypatch) == ([], [], False)


def test_a_moved_span_and_another_source_are_checked_again(root, monkeypatch):
    ev = root / "graph" / "synth-0001" / "evidence.ttl"
    _check(root, monkeypatch)
    _edit(ev, 'oa:start "0"^^xsd:nonNegativeInteger', 'oa:start "1"^^xsd:nonNegativeInteger')  # a position selector
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1
    _edit(ev, 'oa:start "1"^^xsd:nonNegativeInteger', 'oa:start "0"^^xsd:nonNegativeInteger')
    _check(root, monkeypatch)
    assert _check(root, monkeypatch) == ([], [], False)
    # the target itself: its quote now read in the text of another source
    target = f"<{EV}0-5-target> a oa:SpecificResource ;\n    oa:hasSource <https://w3id.org/cppcc-kg/id/source/synth-0001>"
    _edit(ev, target, target.replace("source/synth-0001>", "source/synth-0002>"))
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1


def test_a_selector_changed_in_another_file_is_seen(root, monkeypatch):
    _check(root, monkeypatch)
    extra = root / "graph" / "synth-0002" / "extra.ttl"
    extra.write_text('@prefix oa: <http://www.w3.org/ns/oa#> .\n'
                     f'<{EV}0-5-quote> oa:exact "不对" .\n', encoding="utf-8")
    cached, whole, _ran = _check(root, monkeypatch)
    assert cached == whole and len(whole) == 1 and "不对" in whole[0]["message"]
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
