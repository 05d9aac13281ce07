"""bench/bench_clean_floor.py: its idealized compact copy of a synthetic corpus is what it says.

The copy must build with its shapes, rules and the build's queries of evidence told of the one-node form, with every
annotation rewritten (13 triples a quote become 7), and give the same entity files, measures and page as the
corpus; its queries of evidence give the rows the originals give on the corpus, and each check it was told of
still finds what it finds on the full form: the same work on fewer triples. A corpus whose layout the script does
not know is refused by name.
"""
from __future__ import annotations

import importlib
import re
import shutil
import sys
from pathlib import Path

import pytest
from support import REPO_ROOT

from cppcc_kg.build.pipeline import build
from cppcc_kg.errors import ValidationError
from cppcc_kg.network.records import evidence_query
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.evidence import EVIDENCE_QUERY
from cppcc_kg.validate.labels import ENTITY_LABELS_AND_SOURCES, QUOTED_SOURCES

sys.path.insert(0, str(REPO_ROOT))
from bench.bench_clean_floor import STAMP, compact_copy, compact_queries  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("floor") / "s2"
    write_corpus(root, scale=2, seed=5)
    return root


def _quotes(root: Path) -> int:
    return sum(t.count("a oa:Annotation") for t in (p.read_text(encoding="utf-8") for p in root.rglob("*.ttl")))


def test_the_compact_copy_does_the_same_work_on_seven_triples_a_quote(corpus, tmp_path, monkeypatch):
    full = build(corpus, tmp_path / "full", cache=False)
    copy = compact_copy(corpus, tmp_path)
    for (module, name), value in compact_queries().items():
        monkeypatch.setattr(importlib.import_module(module), name, value)
    compact = build(copy, tmp_path / "compact", cache=False)
    quotes = _quotes(corpus)
    assert quotes > 10 and _quotes(copy) == quotes
    # 6 triples fewer a quote; and of the shapes, the annotation's oa:hasTarget property (the link and its node's 5
    # triples) and the target's two oa:hasSelector properties (7 each: the link, the node's 5, its qualified shape's 1)
    assert compact["summary"]["triples"] == full["summary"]["triples"] - 6 * quotes - 6 - 2 * 7
    for name in ("nodes.csv", "edges.csv", "entities.graphml", "metrics.csv", "graph.html"):
        assert (tmp_path / "compact" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    evidence = (copy / "graph").rglob("evidence.ttl")
    assert not any(re.search(r"oa:has(Target|Selector)|TextQuoteSelector", p.read_text(encoding="utf-8"))
                   for p in evidence)


def test_the_copy_is_made_again_when_its_corpus_changes(corpus, tmp_path):
    copy = compact_copy(corpus, tmp_path)
    made = (copy / STAMP).stat().st_mtime_ns
    assert compact_copy(corpus, tmp_path) == copy and (copy / STAMP).stat().st_mtime_ns == made
    other = tmp_path / "other" / corpus.name
    shutil.copytree(corpus, other)
    (other / ".cppcc-kg-synth.json").write_text("{}", encoding="utf-8")
    (copy / "graph" / "mine.ttl").write_text("", encoding="utf-8")
    again = compact_copy(other, tmp_path)
    assert again == copy and not (copy / "graph" / "mine.ttl").exists()


def test_a_corpus_of_another_layout_is_refused_by_name(corpus, tmp_path):
    root = tmp_path / "other"
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns("build", ".cache"))
    evidence = next((root / "graph").rglob("evidence.ttl"))
    evidence.write_text(evidence.read_text(encoding="utf-8").replace("    oa:motivatedBy oa:describing ;\n", "", 1),
                        encoding="utf-8")
    with pytest.raises(SystemExit, match=re.escape(str(evidence.name))):
        compact_copy(root, tmp_path / "work")


def test_the_compact_quote_check_still_finds_a_wrong_quote(corpus, tmp_path, monkeypatch):
    copy = compact_copy(corpus, tmp_path)
    evidence = sorted((copy / "graph").rglob("evidence.ttl"))[0]
    text = evidence.read_text(encoding="utf-8")
    m = re.search(r'oa:exact "([^"\\]+)"', text)
    evidence.write_text(text[:m.start(1)] + m.group(1)[::-1] + "乙" + text[m.end(1):], encoding="utf-8")
    for (module, name), value in compact_queries().items():
        monkeypatch.setattr(importlib.import_module(module), name, value)
    with pytest.raises(ValidationError) as failed:
        build(copy, tmp_path / "out", cache=False)
    assert [p["check"] for p in failed.value.problems] == ["evidence"]


def test_the_one_node_queries_give_the_rows_of_the_originals(corpus, tmp_path):
    full = load(corpus, cache=False, write_cache=False).store
    one = load(compact_copy(corpus, tmp_path), cache=False, write_cache=False).store
    queries = {name: value for (_module, name), value in compact_queries().items()}
    annotation = dict(values(full, f"SELECT ?t ?a WHERE {{ ?a <{OA}hasTarget> ?t }}"))
    # the quote check: the target (and its selectors) is the annotation itself
    rows = [(annotation[t], src, start, end, exact, has) for t, src, _p, start, end, _q, exact, has
            in values(full, EVIDENCE_QUERY)]
    compact = [(t, src, start, end, exact, has) for t, src, pos, start, end, quote, exact, has
               in values(one, queries["EVIDENCE_QUERY"]) if t == pos == quote]
    assert len(rows) > 100 and sorted(rows) == sorted(compact)
    for name, original in (("ENTITY_LABELS_AND_SOURCES", ENTITY_LABELS_AND_SOURCES), ("QUOTED_SOURCES", QUOTED_SOURCES)):
        rows = sorted(values(full, original))
        assert rows and any(r[-1] for r in rows) and rows == sorted(values(one, queries[name])), name
    rows = sorted((b, a, src, st, en, x) for b, a, _t, src, st, en, x in values(full, evidence_query()))
    compact = sorted((b, a, src, st, en, x) for b, a, t, src, st, en, x in values(one, queries["evidence_query"]())
                     if t == a)
    assert len(rows) > 100 and rows == compact


@pytest.mark.parametrize("mutation, check", [
    # the position selector's shape, retargeted at the annotation: a start that is not a nonNegativeInteger
    (lambda text: text.replace('"^^xsd:nonNegativeInteger ;\n    oa:end', '"^^xsd:integer ;\n    oa:end', 1), "shacl"),
    # the rule evidence-iri.rq, told of the one-node form: an annotation whose IRI does not say its offsets
    (lambda text: re.sub(r"(<[^>]+/evidence/[^>]+/\d+-)(\d+)> a oa:Annotation", r"\g<1>9\2> a oa:Annotation", text,
                         count=1), "rule"),
])
def test_the_checks_told_of_the_one_node_form_still_find_their_problems(corpus, tmp_path, monkeypatch, mutation,
                                                                        check):
    copy = compact_copy(corpus, tmp_path)
    evidence = sorted((copy / "graph").rglob("evidence.ttl"))[0]
    text = evidence.read_text(encoding="utf-8")
    assert mutation(text) != text
    evidence.write_text(mutation(text), encoding="utf-8")
    for (module, name), value in compact_queries().items():
        monkeypatch.setattr(importlib.import_module(module), name, value)
    with pytest.raises(ValidationError) as failed:
        build(copy, tmp_path / "out", cache=False)
    assert [p["check"] for p in failed.value.problems] == [check]
    assert check != "rule" or "evidence-iri" in failed.value.problems[0]["rule"]
