"""The evidence and label checks give the problems of their versions before issue 15, session 8, in the same order.

The earlier versions are kept in ``tests/oracles/checks_before.py``; they are compared here with the build's
checks (:func:`cppcc_kg.validate.evidence.evidence_problems`, :func:`cppcc_kg.validate.labels.label_problems`)
on the repository, a synthetic project, the broken fixtures and crafted graphs that make every branch fire:
several rows for one annotation (two sources, two starts, two quotes), a start that is not an integer, a
missing source, end or quote, an empty quote, a blank node as annotation, and IRIs holding a comma (which
Oxigraph's CSV writes unquoted: the rows are read again one by one). The evidence is in its compact form (the
source, offsets and quote on the annotation), as the store holds it.
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

e:ok oa:hasBody e:org1, e:person ;
    cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "测试市" .

e:wrong oa:hasBody e:org1 ;
    cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "测试县" .

e:empty cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "" .

e:unbound cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 .

e:outside cppcc:quoteSource e:src ;
    cppcc:quoteStart 20 ;
    cppcc:quoteEnd 900 ;
    cppcc:quoteExact "x" .

e:reversed cppcc:quoteSource e:src ;
    cppcc:quoteStart 5 ;
    cppcc:quoteEnd 2 ;
    cppcc:quoteExact "x" .

e:negative cppcc:quoteSource e:src ;
    cppcc:quoteStart -1 ;
    cppcc:quoteEnd 2 ;
    cppcc:quoteExact "x" .

e:nosource cppcc:quoteSource e:not-a-source ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "测试市" .

e:literal-source cppcc:quoteSource "a literal" ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "测试市" .

e:two-sources cppcc:quoteSource e:src, e:src2 ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "两源" .

e:two-quotes oa:hasBody e:org2 ;
    cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "错", "测试市" .

e:two-starts cppcc:quoteSource e:src ;
    cppcc:quoteStart 2, 0, "x" ;
    cppcc:quoteEnd 3, "4.0"^^xsd:decimal, "07"^^xsd:integer ;
    cppcc:quoteExact "测试市", "错误", "乙, \\"丙\\"\\n丁" .

e:no-int cppcc:quoteSource e:src ;
    cppcc:quoteStart "zero" ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "非整" .

e:no-end cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteExact "无终" .

e:no-source cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "无源" .

e:no-quote cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 .

<http://e.org/comma,annotation> cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "测试, 县" .

_:blank cppcc:quoteSource e:src ;
    cppcc:quoteStart 0 ;
    cppcc:quoteEnd 3 ;
    cppcc:quoteExact "不对" .

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
    assert "错" in messages  # (every quote of an annotation with several, compared with the same span)
    # (an annotation with two sources, or without a source, an integer start or an end: SHACL's)
    assert not any(q in messages for q in ("测试市政协", "两源", "无源", "非整", "无终"))
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
