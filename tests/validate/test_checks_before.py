"""The evidence and label checks give the problems of their versions before issue 15, session 8, in the same order.

The earlier versions are kept in ``tests/oracles/checks_before.py``; they are compared here with the build's
checks (:func:`cppcc_kg.validate.evidence.evidence_problems`, :func:`cppcc_kg.validate.labels.label_problems`)
on the repository, a synthetic project, the broken fixtures and crafted graphs that make every branch fire:
several rows for one target (two sources, two selectors of a kind, two starts, two quotes), a start that is
not an integer, an unbound or an empty quote, a blank node as target, and IRIs holding a comma (which
Oxigraph's CSV writes unquoted: the rows are read again one by one).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from oracles import checks_before as before
from rdflib import Graph, URIRef
from support import copy_project, repository_or_synthetic

from cppcc_kg.project.load import load
from cppcc_kg.project.sources import SourceText
from cppcc_kg.rdf.results import csv_values
from cppcc_kg.rdf.store import store_of_quads, values
from cppcc_kg.validate import where_in
from cppcc_kg.validate.evidence import EVIDENCE_QUERY, evidence_problems
from cppcc_kg.validate.labels import QUOTED_SOURCES, label_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fastshacl"
TEXT = "测试市政协2023年5月首次印发《测试市政协协商工作规划》。"

# every branch of the evidence check; the labels of the entities are in the text, in no text, or in a text the
# entity's evidence does not quote
CRAFTED = """
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <http://e.org/> .
cppcc:Organization rdfs:subClassOf cppcc:Entity .
cppcc:Person rdfs:subClassOf cppcc:Agent . cppcc:Agent rdfs:subClassOf cppcc:Entity .

e:ok oa:hasSource e:src ; oa:hasSelector e:ok-p, e:ok-q .
e:ok-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:ok-q a oa:TextQuoteSelector ; oa:exact "测试市" .

e:wrong oa:hasSource e:src ; oa:hasSelector e:wrong-p, e:wrong-q .
e:wrong-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:wrong-q a oa:TextQuoteSelector ; oa:exact "测试县" .

e:empty oa:hasSource e:src ; oa:hasSelector e:empty-p, e:empty-q .
e:empty-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:empty-q a oa:TextQuoteSelector ; oa:exact "" .

e:unbound oa:hasSource e:src ; oa:hasSelector e:unbound-p, e:unbound-q .
e:unbound-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:unbound-q a oa:TextQuoteSelector .

e:outside oa:hasSource e:src ; oa:hasSelector e:outside-p, e:outside-q .
e:outside-p a oa:TextPositionSelector ; oa:start 20 ; oa:end 900 .
e:outside-q a oa:TextQuoteSelector ; oa:exact "x" .

e:reversed oa:hasSource e:src ; oa:hasSelector e:reversed-p, e:reversed-q .
e:reversed-p a oa:TextPositionSelector ; oa:start 5 ; oa:end 2 .
e:reversed-q a oa:TextQuoteSelector ; oa:exact "x" .

e:negative oa:hasSource e:src ; oa:hasSelector e:negative-p, e:negative-q .
e:negative-p a oa:TextPositionSelector ; oa:start -1 ; oa:end 2 .
e:negative-q a oa:TextQuoteSelector ; oa:exact "x" .

e:nosource oa:hasSource e:not-a-source ; oa:hasSelector e:nosource-p, e:nosource-q .
e:nosource-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:nosource-q a oa:TextQuoteSelector ; oa:exact "测试市" .

e:literal-source oa:hasSource "a literal" ; oa:hasSelector e:ls-p, e:ls-q .
e:ls-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:ls-q a oa:TextQuoteSelector ; oa:exact "测试市" .

e:two-sources oa:hasSource e:src, e:src2 ; oa:hasSelector e:ts-p, e:ts-q .
e:ts-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:ts-q a oa:TextQuoteSelector ; oa:exact "错" .

e:two-positions oa:hasSource e:src ; oa:hasSelector e:tp-p1, e:tp-p2, e:tp-q .
e:tp-p1 a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:tp-p2 a oa:TextPositionSelector ; oa:start 1 ; oa:end 3 .
e:tp-q a oa:TextQuoteSelector ; oa:exact "错" .

e:two-quotes oa:hasSource e:src ; oa:hasSelector e:tq-p, e:tq-q1, e:tq-q2 .
e:tq-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:tq-q1 a oa:TextQuoteSelector ; oa:exact "错" .
e:tq-q2 a oa:TextQuoteSelector ; oa:exact "测试市" .

e:two-starts oa:hasSource e:src ; oa:hasSelector e:tst-p, e:tst-q .
e:tst-p a oa:TextPositionSelector ; oa:start 2, 0, "x" ; oa:end 3, "4.0"^^xsd:decimal, "07"^^xsd:integer .
e:tst-q a oa:TextQuoteSelector ; oa:exact "测试市", "错误", "乙, \\"丙\\"\\n丁" .

e:no-int oa:hasSource e:src ; oa:hasSelector e:ni-p, e:ni-q .
e:ni-p a oa:TextPositionSelector ; oa:start "zero" ; oa:end 3 .
e:ni-q a oa:TextQuoteSelector ; oa:exact "错" .

e:no-end oa:hasSource e:src ; oa:hasSelector e:ne-p, e:ne-q .
e:ne-p a oa:TextPositionSelector ; oa:start 0 .
e:ne-q a oa:TextQuoteSelector ; oa:exact "错" .

e:no-quote oa:hasSource e:src ; oa:hasSelector e:nq-p .
e:nq-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .

<http://e.org/comma,target> oa:hasSource e:src ; oa:hasSelector <http://e.org/comma,p>, e:comma-q .
<http://e.org/comma,p> a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
e:comma-q a oa:TextQuoteSelector ; oa:exact "测试, 县" .

_:blank oa:hasSource e:src ; oa:hasSelector _:blank-p, _:blank-q .
_:blank-p a oa:TextPositionSelector ; oa:start 0 ; oa:end 3 .
_:blank-q a oa:TextQuoteSelector ; oa:exact "不对" .

e:a1 oa:hasBody e:org1, e:person ; oa:hasTarget e:ok . e:a2 oa:hasBody e:org1 ; oa:hasTarget e:wrong .
e:a3 oa:hasBody e:org2 ; oa:hasTarget e:two-quotes . e:a0 oa:hasTarget e:wrong .
e:org1 a cppcc:Organization ; rdfs:label "测试市政协"@zh, "无此名"@zh-Hans, "Test"@en .
e:org2 a cppcc:Organization ; rdfs:label "协商工作"@zh .
e:person a cppcc:Person ; rdfs:label "别的文本"@zh, "测试"@zh .
e:lonely a cppcc:Organization ; rdfs:label "另一篇"@zh .
e:nolabel a cppcc:Organization .
"""


def _crafted_store():
    g = Graph().parse(data=CRAFTED, format="turtle")
    return store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)


def _texts():
    return {"http://e.org/src": TEXT, URIRef("http://e.org/src2"): "别的文本与另一篇"}


def test_crafted_graphs_give_the_problems_of_before():
    store, texts = _crafted_store(), _texts()
    assert csv_values(store, EVIDENCE_QUERY) == values(store, EVIDENCE_QUERY)  # (the comma: read by values)
    old, new = before.evidence_problems(store, texts), evidence_problems(store, texts)
    assert new == old
    messages = " ".join(p["message"] for p in new)
    for part in ("测试县", "''", "outside", "5-2", "-1-2", "e.org/not-a-source", "a literal", "错误",
                 '乙, "丙"\\n丁', "测试, 县", "不对"):
        assert part in messages, part
    assert "测试市政协" not in messages and "'错'" not in messages  # (the targets with extra parts: SHACL's)
    assert label_problems(store, texts) == before.label_problems(store, texts)
    assert [p["message"].split("'")[1] for p in label_problems(store, texts)] == ["无此名"]


def test_texts_as_source_texts_give_the_problems_of_before():
    """Texts given as :class:`~cppcc_kg.project.sources.SourceText` (the messages name their path)."""
    store = _crafted_store()
    texts = {k: SourceText(URIRef(k), f"sources/{i}.zh.txt", v) for i, (k, v) in enumerate(_texts().items())}
    new = evidence_problems(store, texts)
    assert new == before.evidence_problems(store, texts) and "sources/0.zh.txt" in new[0]["message"]
    assert label_problems(store, texts) == before.label_problems(store, texts)


def test_csv_values_equals_values_on_the_checks_queries():
    store = _crafted_store()
    for query in (EVIDENCE_QUERY, QUOTED_SOURCES, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        assert sorted(csv_values(store, query)) == sorted(values(store, query))
    assert csv_values(store, "SELECT ?s WHERE { ?s ?p ?o }") == values(store, "SELECT ?s WHERE { ?s ?p ?o }")


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def project(request, tmp_path_factory):
    return load(repository_or_synthetic(request.param, tmp_path_factory), cache=False)


def test_the_checks_give_the_problems_of_before(project):
    where = where_in(project)
    assert evidence_problems(project.store, project.sources, where=where) \
        == before.evidence_problems(project.store, project.sources, where=where) == []
    assert label_problems(project.store, project.sources, where=where, graph=project.view) \
        == before.label_problems(project.store, project.sources, where=where, graph=project.view) == []
    assert len(values(project.store, EVIDENCE_QUERY)) > 100


def test_the_broken_fixtures_give_the_problems_of_before(tmp_path):
    root = copy_project(tmp_path / "p", "bad-evidence")
    for name in ("mutations.ttl", "evidence-mutations.ttl"):
        shutil.copy(FIXTURES / name, root / "graph" / name)
    project = load(root, cache=False)
    where = where_in(project)
    new = evidence_problems(project.store, project.sources, where=where)
    assert len(new) >= 4 and new == before.evidence_problems(project.store, project.sources, where=where)
    new = label_problems(project.store, project.sources, where=where, graph=project.view)
    assert len(new) >= 2 and new == before.label_problems(project.store, project.sources, where=where,
                                                          graph=project.view)
