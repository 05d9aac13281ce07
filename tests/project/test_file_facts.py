"""The reads the loader answers before the store is loaded (:mod:`cppcc_kg.project.file_facts`): each equals the
whole store's answer, on the repository's graph, a synthetic project and crafted cases."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import REPO_ROOT, repository_or_synthetic

from cppcc_kg.project.entities import entity_zh_labels, entity_zh_labels_of
from cppcc_kg.project.file_facts import FileFacts, file_facts, read_facts
from cppcc_kg.project.load import load
from cppcc_kg.project.pinyin import entity_pinyin_styles, entity_pinyin_styles_of
from cppcc_kg.project.sources import check_sources
from cppcc_kg.schema import SCHEMA_PROPERTIES, TERM_PROPERTIES, Schema

PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kgorg: <https://w3id.org/cppcc-kg/id/org/> .
@prefix kgsrc: <https://w3id.org/cppcc-kg/id/source/> .
"""


def _schema_state(schema: Schema):
    return (list(schema.classes.items()), list(schema.properties.items()), sorted(schema._orders.items()),
            sorted(schema.node_classes), schema.edge_properties)


def early_and_whole(root: Path) -> tuple[dict, dict]:
    """What the loader reads early (the store loading beside) and the same reads on the whole store."""
    project = load(root, cache=False, store_beside=True)
    facts = project.facts
    early = {"labels": entity_zh_labels_of(facts), "styles": entity_pinyin_styles_of(facts),
             "schema": _schema_state(Schema(project.schema_graph())) if project.store_loading else None,
             "schema (facts)": _schema_state(Schema(graph_view_of(facts.schema_store(project.nt)))),
             "sources": project.sources}
    store = project.store  # waits for the loader
    whole = {"labels": entity_zh_labels(store), "styles": entity_pinyin_styles(store),
             "schema": _schema_state(Schema(project.view)),
             "sources": check_sources(project.view, project.root, where=project.defined_in)}
    whole["schema (facts)"] = whole["schema"]
    if early["schema"] is None:  # the store was loaded before the schema was asked for: the view itself
        early["schema"] = whole["schema"]
    return early, whole


def graph_view_of(store):
    from cppcc_kg.rdf.store import graph_view
    return graph_view(store)


@pytest.mark.parametrize("kind", ["repository", "synthetic"])
def test_the_early_reads_equal_the_whole_store_on_real_and_synthetic_projects(kind, tmp_path_factory):
    root = repository_or_synthetic(kind, tmp_path_factory)
    early, whole = early_and_whole(root)
    assert early["labels"] and early["styles"] and early["sources"]
    for key in whole:
        assert early[key] == whole[key], key
    assert [s.defined_in for s in early["sources"].values()] == [s.defined_in for s in whole["sources"].values()]


CRAFTED = {
    "class in another file": {  # an entity whose class (and its style) is declared in another file
        "graph/classes.ttl": "cppcc:TestBody rdfs:subClassOf cppcc:Organization .\n"
                             "cppcc:TestGroup rdfs:subClassOf cppcc:TestBody ; cppcc:pinyinStyle \"person\" .\n",
        "graph/zz-instances.ttl": 'kgorg:t1 a cppcc:TestGroup ; rdfs:label "测试甲"@zh, "测试甲"@zh-cn, "T1"@en .\n'
                                  'kgorg:t2 a cppcc:TestBody ; rdfs:label "测试乙"@zh-Hans .\n'
                                  'kgorg:t3 a rdfs:Resource ; rdfs:label "不是实体"@zh .\n',
    },
    "a subclass outside the ontology, typed before it is declared": {
        "graph/aa-first.ttl": 'kgorg:t4 a cppcc:LateClass ; rdfs:label "晚类"@zh ; rdfs:label "晚类"@zh .\n',
        "graph/zz-late.ttl": "cppcc:LateClass rdfs:subClassOf cppcc:Person .\n",
    },
    "triples about ontology terms in a data file": {
        "graph/terms.ttl": 'cppcc:Organization rdfs:label "组织机构"@zh, "body"@en ; cppcc:displayOrder 3 ;\n'
                           '    cppcc:displayColor "#000000" ; rdfs:comment "Another comment (机构)."@en .\n'
                           'cppcc:launched rdfs:label "开展"@zh ; rdfs:range cppcc:Organization .\n'
                           'cppcc:NewTop cppcc:topClass true ; cppcc:displayAsNode true ; cppcc:displayOrder "07"^^xsd:integer ;\n'
                           '    rdfs:subClassOf cppcc:Entity ; rdfs:label "新类"@zh ; cppcc:iriPattern "https://w3id.org/cppcc-kg/id/new/" .\n'
                           'cppcc:newEdge cppcc:displayAsEdge true ; rdfs:label "新边"@zh, "new edge"@en ; rdfs:domain cppcc:NewTop .\n',
    },
    "a source described in two files, a style of an odd datatype": {
        "sources/tiny-more.ttl": 'kgsrc:tiny cppcc:characterCount "080"^^xsd:integer ; a cppcc:Source .\n',
        "graph/styles.ttl": 'cppcc:Plan cppcc:pinyinStyle "01"^^xsd:integer .\n',
    },
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_the_early_reads_equal_the_whole_store_on_crafted_cases(case, make_project):
    root = make_project()
    for rel, text in CRAFTED[case].items():
        (root / rel).write_text(PREFIXES + text, encoding="utf-8")
    early, whole = early_and_whole(root)
    for key in whole:
        assert early[key] == whole[key], key
    assert [s.defined_in for s in early["sources"].values()] == [s.defined_in for s in whole["sources"].values()]


def test_the_crafted_cases_do_change_the_answers(make_project):
    """(The cases above are not vacuous: each changes what the whole store answers.)"""
    base = early_and_whole(make_project())[1]
    for case, files in CRAFTED.items():
        root = make_project()
        for rel, text in files.items():
            (root / rel).write_text(PREFIXES + text, encoding="utf-8")
        whole = early_and_whole(root)[1]
        changed = {k for k in whole if whole[k] != base[k]
                   or (k == "sources" and [s.defined_in for s in whole[k].values()]
                       != [s.defined_in for s in base[k].values()])}
        assert changed - {"schema (facts)"}, case


def test_a_source_described_in_two_files_is_defined_in_both(make_project):
    root = make_project()
    (root / "sources" / "tiny-more.ttl").write_text(PREFIXES + "kgsrc:tiny a cppcc:Source .\n", encoding="utf-8")
    project = load(root, cache=False, store_beside=True)
    assert [s.defined_in for s in project.sources.values()] == [["sources/tiny-more.ttl", "sources/tiny.ttl"]]


def test_the_schema_reads_only_the_properties_it_declares():
    """Every lookup :class:`Schema` makes is of SCHEMA_PROPERTIES (any subject) or of TERM_PROPERTIES (a term):
    what :meth:`FileFacts.schema_store` keeps."""
    from rdflib import Graph

    asked = []

    class Recording(Graph):
        def triples(self, triple):
            asked.append(triple)
            return super().triples(triple)

    g = Recording()
    g.parse(REPO_ROOT / "ontology.ttl")
    Schema(g)
    assert asked
    for s, p, o in asked:
        assert o is None and p is not None
        assert p in SCHEMA_PROPERTIES if s is None else p in TERM_PROPERTIES, (s, p)


def test_facts_are_kept_in_the_cache_by_the_file_key(make_project):
    from cppcc_kg.project.cache import Cache

    root = make_project()
    nt = load(root, cache=False).nt["graph/entities.ttl"]
    cache = Cache(root)
    made = read_facts(cache, "k1", nt)
    assert made == file_facts(nt) and made["zh"] and made["types"]
    assert read_facts(cache, "k1", b"") == made  # from the cache: not made again from these (other) bytes
    assert read_facts(cache, "k2", b"") == file_facts(b"")


def test_an_edited_file_gives_new_facts_after_a_cached_load(make_project):
    root = make_project()
    first = load(root, write_cache=True, store_beside=True)
    first.store
    first.save_cache()
    path = root / "graph" / "entities.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"测试市政协"@zh', '"测试市政治协商会议"@zh'),
                    encoding="utf-8")
    again = load(root, store_beside=True)
    assert again.stats["cached"] and again.stats["parsed"] == 1
    labels = entity_zh_labels_of(again.facts)
    assert labels == entity_zh_labels(again.store)
    assert "测试市政治协商会议" in labels["https://w3id.org/cppcc-kg/id/org/test-city-cppcc"]


def test_blank_nodes_of_one_label_are_one_node_as_in_the_store(make_project):
    """A blank-node class in the ontology: the key of a blank node is its label, as the store joins them."""
    root = make_project()
    onto = root / "ontology.ttl"
    onto.write_text(onto.read_text(encoding="utf-8")
                    + '\n[] rdfs:subClassOf cppcc:Organization ; cppcc:pinyinStyle "person" .\n', encoding="utf-8")
    shutil.copy(root / "sources" / "tiny.ttl", root / "sources" / "tiny-copy.ttl")
    early, whole = early_and_whole(root)
    for key in whole:
        assert early[key] == whole[key], key
    assert isinstance(FileFacts({}).subjects_of(["x"]), set)
