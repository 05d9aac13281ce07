"""The summary's parts kept in the loader's cache (``build.summary.kept_parts``): each query reads only the
triples of the properties written in it, so a part is kept by the digest of those of its queries; an
edited label runs only the query that reads labels again, and the summary is that of a clean build."""
from __future__ import annotations

import pytest
from support import repository_or_synthetic, store_of_properties

from cppcc_kg.build import summary as summary_module
from cppcc_kg.build.pipeline import build
from cppcc_kg.build.summary import _summary_queries
from cppcc_kg.network import query_predicates
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.store import graph_view, values
from cppcc_kg.schema import Schema


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def project(request, tmp_path_factory):
    root = repository_or_synthetic(request.param, tmp_path_factory)
    return load(root, cache=False)


def test_each_summary_query_reads_only_the_properties_written_in_it(project):
    """Run on a store that holds only the triples of its properties, each query has the solutions it has
    on the whole store (the pinyin included)."""
    queries = {k: q for k, q in _summary_queries(Schema(graph_view(project.store)).edge_properties).items() if q}
    assert {"per_class", "edges", "firsts", "sources", "with_evidence"} <= set(queries)
    assert project.pinyin_nt
    for name, query in queries.items():
        part = store_of_properties(project.graphs(), query_predicates(query))
        assert len(part) < len(project.store)
        whole = values(project.store, query)
        assert sorted(values(part, query)) == sorted(whole), name
        assert whole, name


def test_an_edited_label_of_a_first_claim_runs_only_the_query_that_reads_labels(tmp_path, monkeypatch):
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    ran = []

    def spy(store, query, **kw):
        ran.append(query)
        return values(store, query, **kw)
    monkeypatch.setattr(summary_module, "values", spy)
    path = root / "graph" / "synth-0001" / "entities.ttl"
    _edit_label(path, "en", first=True)
    result = build(root)
    queries = _summary_queries(Schema(graph_view(load(root, cache=False).store)).edge_properties)
    assert ran == [queries["firsts"]]
    monkeypatch.setattr(summary_module, "values", values)
    clean = build(root, tmp_path / "clean", cache=False)
    assert (root / "build" / "summary.json").read_bytes() == (tmp_path / "clean" / "summary.json").read_bytes()
    assert result["summary"] == clean["summary"]


def _edit_label(path, lang: str, *, first: bool = False) -> None:
    """Append " (edited)" to the first label tagged *lang* of *path* (of a first claim's block: *first*)."""
    text = path.read_text(encoding="utf-8")
    start = text.index("a cppcc:FirstClaim") if first else 0
    at = text.index(f'"@{lang}', start)
    path.write_text(text[:at] + " (edited)" + text[at:], encoding="utf-8")


@pytest.mark.parametrize("edit", ["entity label en", "first label zh", "first label en", "no record"])
def test_the_firsts_are_kept_unless_a_triple_of_a_first_claim_changed(edit, tmp_path, monkeypatch):
    """``kept_by_subject``: after an edit of a label that is not a first claim's, the firsts' query does not
    run (nor any other); after an edit of a first claim's triples (or without a record) it runs; each time
    the summary is a clean build's."""
    root = tmp_path / "s"
    write_corpus(root, scale=3, seed=0)
    build(root)
    entities = root / "graph" / "synth-0001" / "entities.ttl"
    assert "a cppcc:FirstClaim" in entities.read_text(encoding="utf-8")
    if edit.startswith("first"):  # (a Chinese label edited stays valid only on a first claim: any text may be one)
        _edit_label(entities, edit[-2:], first=True)
    else:
        _edit_label(entities, "en")
    if edit == "no record":  # the records of the parts gone: the query runs
        for entry in (root / ".cache" / "cppcc-kg").glob("summary-*"):
            entry.unlink()
    ran = []

    def spy(store, query, **kw):
        ran.append(query)
        return values(store, query, **kw)
    monkeypatch.setattr(summary_module, "values", spy)
    result = build(root, tmp_path / "edited")
    monkeypatch.setattr(summary_module, "values", values)
    queries = _summary_queries(Schema(graph_view(load(root, cache=False).store)).edge_properties)
    if edit == "entity label en":
        assert ran == []
    else:
        assert queries["firsts"] in ran
    clean = build(root, tmp_path / "clean", cache=False)
    assert (tmp_path / "edited" / "summary.json").read_bytes() == (tmp_path / "clean" / "summary.json").read_bytes()
    assert result["summary"] == clean["summary"]


def test_each_part_by_subject_is_what_its_query_reads():
    """``BY_SUBJECT``'s class and properties are those of its part's one query (the proof of
    ``kept_by_subject`` holds for it): ``?s a C`` with C exactly, and only the properties listed besides."""
    queries = _summary_queries([])
    for part, (cls, reads, _subjects, _key) in summary_module.BY_SUBJECT.items():
        (name,) = summary_module.PARTS[part]
        assert f"a <{cls}>" in queries[name] and "subClassOf" not in queries[name], part
        read = query_predicates(queries[name])  # (the class of a ``?s a C`` pattern is among them)
        assert set(reads) <= read <= {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", cls, *reads}, part


class _Cache(dict):
    def get(self, name, keep=True):
        return dict.get(self, name)


class _Project:
    """What ``kept_by_subject`` reads of a project: the cache (the earlier N-Triples), the keys, the N-Triples."""

    def __init__(self, old: bytes, new: bytes):
        self.cache = _Cache({"k1.nt": old})
        self.keys, self.nt = {"g.ttl": "k2"}, {"g.ttl": new}


_FIRST = "<https://w3id.org/cppcc-kg/id/first/f1>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_CLAIM = "<https://w3id.org/cppcc-kg/ontology#FirstClaim>"
_OLD = (f'{_FIRST} {_TYPE} {_CLAIM} .\n{_FIRST} {_LABEL} "x"@zh .\n'
        f'<https://e.org/a> {_LABEL} "a"@en .\n').encode("utf-8")
_VALUE = {"firsts": 1, "first_claims": [{"iri": _FIRST[1:-1], "label_zh": "x", "label_en": "", "kind": ""}]}


@pytest.mark.parametrize("new, kept", [
    (_OLD, True),
    (_OLD.replace(b'"a"@en', b'"b"@en'), True),  # a label of another subject
    (_OLD + f'<https://e.org/a> {_TYPE} <https://e.org/C> .\n'.encode(), True),  # a type of another class
    (_OLD + f'{_FIRST} <https://e.org/other> "o" .\n'.encode(), True),  # a property the query does not read
    (_OLD.replace(b'"x"@zh', b'"y"@zh'), False),  # the first claim's label
    (_OLD + f'{_FIRST} {_LABEL} "x"@en .\n'.encode(), False),
    (_OLD + f'{_FIRST} <https://w3id.org/cppcc-kg/ontology#firstKind> "k" .\n'.encode(), False),
    (_OLD + f'<https://e.org/a> {_TYPE} {_CLAIM} .\n'.encode(), False),  # a new first claim
    (_OLD.replace(f'{_FIRST} {_TYPE} {_CLAIM} .\n'.encode(), b""), False),  # a first claim no more
    (_OLD + f'_:b1 {_LABEL} "z"@zh .\n'.encode(), False),  # a blank node's label: it may be typed elsewhere
])
def test_kept_by_subject_on_crafted_lines(new, kept):
    project = _Project(_OLD, new)
    state = {"keys": {"g.ttl": "k1"}, "value": _VALUE}
    assert (summary_module.kept_by_subject(project, "firsts", state) == _VALUE) is kept


def test_kept_by_subject_without_what_it_compares_with():
    project = _Project(_OLD, _OLD)
    assert summary_module.kept_by_subject(project, "firsts", {"keys": {"g.ttl": "k0"}, "value": _VALUE}) is None
    assert summary_module.kept_by_subject(project, "firsts", None) is None
    assert summary_module.kept_by_subject(project, "firsts", {"keys": {"g.ttl": "k1"}, "value": {}}) is None
    assert summary_module.kept_by_subject(project, "firsts", {"keys": [], "value": _VALUE}) is None
