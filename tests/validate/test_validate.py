"""Validation (cppcc_kg.validate): SHACL, evidence, labels and the data rules of rules/."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from cppcc_kg.errors import InputError, ValidationError
from cppcc_kg.project.load import load
from cppcc_kg.validate import raise_for_problems, validate
from cppcc_kg.validate.rules import read_rule, rule_problems
from cppcc_kg.validate.shapes import PreparedQueries, shacl_problems

REPO_RULES = Path(__file__).resolve().parents[2] / "rules"
COURT = "https://w3id.org/cppcc-kg/id/org/test-city-court"
PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kgorg: <https://w3id.org/cppcc-kg/id/org/> .
@prefix kgdoc: <https://w3id.org/cppcc-kg/id/document/> .
@prefix kgplace: <https://w3id.org/cppcc-kg/id/place/> .
@prefix kgfirst: <https://w3id.org/cppcc-kg/id/first/> .
@prefix kgobs: <https://w3id.org/cppcc-kg/id/observation/> .
@prefix kgrel: <https://w3id.org/cppcc-kg/id/relation/> .
@prefix ev: <https://w3id.org/cppcc-kg/id/evidence/> .
"""


def _with_file(root: Path, name: str, body: str) -> Path:
    (root / "graph" / name).write_text(PREFIXES + body, encoding="utf-8")
    return root


def test_minimal_project_conforms(make_project):
    report = validate(load(make_project()))
    assert report["conforms"], report["problems"]
    assert set(report["counts"]) == {"evidence", "labels", "shacl", "rules"}
    assert report["rules"] == sorted(p.name for p in REPO_RULES.glob("*.rq"))


def test_shacl_violation_names_entity_rule_and_file(make_project):
    project = load(make_project("bad-shacl"))
    report = validate(project)
    shacl = [p for p in report["problems"] if p["check"] == "shacl"]
    assert len(shacl) == 1, shacl
    (p,) = shacl
    assert p["focus"] == COURT
    assert p["files"] == ["graph/court.ttl"]
    assert "测试市法院" in p["labels"]
    assert p["rule"].startswith("cppcc:EntityShape") and p["path"] == "rdfs:label"
    assert "English (@en)" in p["message"]  # the sh:message of the shape
    with pytest.raises(ValidationError) as info:
        raise_for_problems(report, project.graph)
    text = str(info.value)
    assert info.value.exit_code == 1
    assert "graph/court.ttl: kgorg:test-city-court (测试市法院)" in text
    assert "cppcc:EntityShape" in text and "rdfs:label" in text and "English (@en)" in text


def test_evidence_mismatch_names_annotation_file_expected_and_actual(make_project):
    report = validate(load(make_project("bad-evidence")))
    (p,) = [p for p in report["problems"] if p["check"] == "evidence"]
    assert p["focus"] == "https://w3id.org/cppcc-kg/id/evidence/tiny/75-78"
    assert p["files"] == ["graph/wrong-quote.ttl"]
    assert "'协商会'" in p["message"] and "'座谈会'" in p["message"] and "sources/tiny.zh.txt" in p["message"]
    assert not report["conforms"]


def test_evidence_outside_the_text(make_project):
    root = make_project()
    path = root / "graph" / "evidence.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('cppcc:quoteEnd "5"^^', 'cppcc:quoteEnd "500"^^'), encoding="utf-8")
    report = validate(load(root))
    assert any(p["check"] == "evidence" and "outside the text" in p["message"] for p in report["problems"])


def test_label_that_is_not_in_any_source(make_project):
    root = make_project()
    path = root / "graph" / "entities.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"委员工作站"@zh', '"委员之家"@zh'), encoding="utf-8")
    report = validate(load(root))
    (p,) = [p for p in report["problems"] if p["check"] == "label"]
    assert p["focus"] == "https://w3id.org/cppcc-kg/id/mechanism/test-members-workstations"
    assert "'委员之家'" in p["message"] and p["files"] == ["graph/entities.ttl"]


# ---------------------------------------------------------------- data rules: one case per rule

#: a quote in the full form of the W3C Web Annotation model (as the exports write it), right but for its form
FULL_FORM = """<https://w3id.org/cppcc-kg/id/evidence/tiny/0-2> a oa:Annotation ;
    oa:motivatedBy oa:describing ;
    oa:hasBody kgorg:test-city-cppcc ;
    oa:hasTarget <https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-target> .
<https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-target> a oa:SpecificResource ;
    oa:hasSource <https://w3id.org/cppcc-kg/id/source/tiny> ;
    oa:hasSelector <https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-position>,
        <https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-quote> .
<https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-position> a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ;
    oa:end "2"^^xsd:nonNegativeInteger .
<https://w3id.org/cppcc-kg/id/evidence/tiny/0-2-quote> a oa:TextQuoteSelector ;
    oa:exact "测试" .
"""

RULE_CASES = {
    "entity-defined-in-several-files.rq": (
        'kgorg:test-city-cppcc rdfs:comment "Defined a second time."@en .',
        "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"),
    "duplicate-chinese-label.rq": (
        'kgorg:test-city-court a cppcc:Court ; rdfs:label "测试市法院"@zh, "Test court"@en ;\n'
        '    skos:altLabel "测试市政协"@zh .',
        "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"),
    "reference-to-undefined-iri.rq": (
        "kgorg:test-city-cppcc rdfs:seeAlso kgorg:no-such-body .",
        "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"),
    "iri-kind-matches-class.rq": (
        'kgplace:test-city-court a cppcc:Court ; rdfs:label "测试市法院"@zh, "Test court"@en .',
        "https://w3id.org/cppcc-kg/id/place/test-city-court"),
    "statement-iri.rq": (
        "kgrel:wrong a rdf:Statement ; rdf:subject kgorg:test-city-cppcc ; rdf:predicate cppcc:issued ;\n"
        "    rdf:object kgdoc:test-consultation-plan .",
        "https://w3id.org/cppcc-kg/id/relation/wrong"),
    "evidence-iri.rq": (
        "<https://w3id.org/cppcc-kg/id/evidence/tiny/1-5> a oa:Annotation ; oa:motivatedBy oa:describing ;\n"
        "    oa:hasBody kgorg:test-city-cppcc ; cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/tiny> ;\n"
        '    cppcc:quoteStart "0"^^xsd:nonNegativeInteger ; cppcc:quoteEnd "5"^^xsd:nonNegativeInteger ;\n'
        '    cppcc:quoteExact "测试市政协" .',
        "https://w3id.org/cppcc-kg/id/evidence/tiny/1-5"),
    "evidence-in-full-form.rq": (FULL_FORM, "https://w3id.org/cppcc-kg/id/evidence/tiny/0-2"),
    "quote-outside-an-annotation.rq": (
        "<https://w3id.org/cppcc-kg/id/evidence/tiny/0-5> oa:motivatedBy oa:describing ;\n"
        "    oa:hasBody kgorg:test-city-cppcc ; cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/tiny> ;\n"
        '    cppcc:quoteEnd "5"^^xsd:nonNegativeInteger ; cppcc:quoteExact "测试市政协" .\n'
        "ev:untyped cppcc:quoteStart 0 .",
        "https://w3id.org/cppcc-kg/id/evidence/untyped"),
    "pinyin-written-by-hand.rq": (
        'kgorg:test-city-cppcc cppcc:pinyin "cèshìshì zhèngxié" .',
        "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"),
    "first-without-its-word.rq": (
        'kgfirst:test-workstations-first a cppcc:FirstClaim ; rdfs:label "率先建成委员工作站"@zh, "First workstations"@en ;\n'
        '    cppcc:firstKind "率先" ; cppcc:firstAbout kgorg:test-city-cppcc .\n'
        "<https://w3id.org/cppcc-kg/id/evidence/tiny/0-5> oa:hasBody kgfirst:test-workstations-first .",
        "https://w3id.org/cppcc-kg/id/first/test-workstations-first"),
    "figure-per-period-without-date.rq": (
        ('kgobs:test-proposals-per-year a cppcc:Observation ; rdfs:label "每年提交1件提案"@zh, "1 proposal a year"@en ;\n'
        '    cppcc:measuredProperty "每位委员每年须提交的提案"@zh, "proposals each member must submit each year"@en ;\n'
        '    cppcc:observationAbout kgorg:test-city-cppcc ; cppcc:value 1 ; cppcc:qualifier cppcc:Exact ;\n'
        '    cppcc:observationDate "2023"^^xsd:gYear ; cppcc:datePrecision cppcc:YearPrecision .'),
        "https://w3id.org/cppcc-kg/id/observation/test-proposals-per-year"),
    "figure-in-a-name-without-date.rq": (
        ('kgobs:test-city-in-name a cppcc:Observation ; rdfs:label "测试市"@zh, "one test city"@en ;\n'
        '    cppcc:measuredProperty "城市"@zh, "cities"@en ; cppcc:observationAbout kgorg:test-city-cppcc ;\n'
        '    cppcc:value 1 ; cppcc:qualifier cppcc:Exact ;\n'
        '    cppcc:observationDate "2023"^^xsd:gYear ; cppcc:datePrecision cppcc:YearPrecision .'),
        "https://w3id.org/cppcc-kg/id/observation/test-city-in-name"),
    "date-precision-matches-datatype.rq": (
        'kgdoc:test-consultation-plan schema:startDate "2023"^^xsd:gYear .',
        "https://w3id.org/cppcc-kg/id/document/test-consultation-plan"),
}


def test_every_rule_has_a_case():
    assert set(RULE_CASES) == {p.name for p in REPO_RULES.glob("*.rq")}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_rule_fires_on_its_case(make_project, rule):
    body, focus = RULE_CASES[rule]
    project = load(_with_file(make_project(), "case.ttl", body))
    report = validate(project, shacl=False)
    found = [p for p in report["problems"] if p["check"] == "rule" and p["rule"] == f"rules/{rule}"]
    assert found, report["problems"]
    assert focus in {p["focus"] for p in found}
    p = next(p for p in found if p["focus"] == focus)
    assert p["files"], p  # the file that defines the focus
    description, hint, _query = read_rule(REPO_RULES / rule)
    assert p["message"].startswith(description) and p["message"].endswith(hint)


def test_evidence_in_full_form_is_found_node_by_node_and_not_once_compacted(make_project):
    """Each node of a quote in the full form (the annotation, its target, its selectors) is reported, with the
    file and the command that rewrites it; each piece of the full form alone is found; the same file rewritten
    in the compact form (the minimal project's form) gives no row."""
    from cppcc_kg.rdf.evidence_turtle import compact_turtle

    ev = "https://w3id.org/cppcc-kg/id/evidence/tiny/0-2"
    root = _with_file(make_project(), "full.ttl", FULL_FORM)
    project = load(root, cache=False)
    found = rule_problems(project.store, root / "rules", graph=project.graph, project=project,
                          where=lambda node, pred=None: project.defined_in(node), only="evidence-in-full-form.rq")
    assert sorted(p["focus"] for p in found) == sorted(ev + s for s in ("", "-target", "-position", "-quote"))
    assert all(p["files"] == ["graph/full.ttl"] and "cppcc-kg compact-evidence FILE" in p["message"]
               and "docs/curation.md" in p["message"] for p in found)
    # each property and class of the full form, alone in a file
    pieces = [f"ev:x oa:{p} ev:y ." for p in ("hasTarget", "hasSource", "hasSelector")]
    pieces += [f'ev:x oa:{p} "1" .' for p in ("start", "end", "exact")]
    pieces += [f"ev:x a oa:{c} ." for c in ("SpecificResource", "TextPositionSelector", "TextQuoteSelector")]
    for piece in pieces:
        (root / "graph" / "full.ttl").write_text(PREFIXES + piece, encoding="utf-8")
        project = load(root, cache=False)
        found = rule_problems(project.store, root / "rules", project=project, only="evidence-in-full-form.rq")
        assert [p["focus"] for p in found] == ["https://w3id.org/cppcc-kg/id/evidence/x"], piece
    # the compact form: the minimal project's evidence, and the case rewritten
    (root / "graph" / "full.ttl").write_text(compact_turtle(PREFIXES + FULL_FORM, "full.ttl"), encoding="utf-8")
    assert "cppcc:quoteExact" in (root / "graph" / "full.ttl").read_text(encoding="utf-8")
    project = load(root, cache=False)
    assert rule_problems(project.store, root / "rules", project=project, only="evidence-in-full-form.rq") == []
    assert validate(project)["conforms"]


def test_a_quote_outside_an_annotation_iri_is_found(make_project):
    """The quote's properties on a node that is not an ``oa:Annotation`` (which the shapes, targeting the
    annotations, do not check), or on a blank node (which the exports could not give in the W3C form), are
    found; on a typed annotation named by an IRI, they are not."""
    rule = "quote-outside-an-annotation.rq"
    quote = ('cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/tiny> ; cppcc:quoteStart "0"^^xsd:nonNegativeInteger ;'
             ' cppcc:quoteEnd "5"^^xsd:nonNegativeInteger ; cppcc:quoteExact "测试市政协"')
    root = make_project()
    (root / "sources" / "extra.ttl").write_text(
        PREFIXES + f"[] a oa:Annotation ; oa:motivatedBy oa:describing ; oa:hasBody kgorg:test-city-cppcc ; {quote} .\n",
        encoding="utf-8")
    _with_file(root, "case.ttl", f"ev:untyped oa:hasBody kgorg:test-city-cppcc ; {quote} .\n"
                                 f"ev:typed a oa:Annotation ; oa:hasBody kgorg:test-city-cppcc ; {quote} .\n")
    project = load(root, cache=False)
    found = rule_problems(project.store, root / "rules", project=project, only=rule)
    untyped = "https://w3id.org/cppcc-kg/id/evidence/untyped"
    foci = sorted(p["focus"] for p in found)
    assert len(foci) == 2 and untyped in foci, foci
    assert [f for f in foci if f != untyped][0].startswith("sources_extra_b"), foci  # the blank node
    (root / "sources" / "extra.ttl").unlink()
    _with_file(root, "case.ttl", f"ev:typed a oa:Annotation ; oa:hasBody kgorg:test-city-cppcc ; {quote} .\n")
    project = load(root, cache=False)
    assert rule_problems(project.store, root / "rules", project=project, only=rule) == []


def _quote_of_a_first(iri_span: str, start: int, end: int, quote: str) -> str:
    """A first (首次) and an annotation of it, of IRI ``.../evidence/tiny/{iri_span}``, on *quote* at start-end."""
    return ('kgfirst:test-plan-first a cppcc:FirstClaim ; rdfs:label "首次印发规划"@zh, "First plan"@en ;\n'
            '    cppcc:firstKind "首次" ; cppcc:firstAbout kgorg:test-city-cppcc .\n'
            f"<https://w3id.org/cppcc-kg/id/evidence/tiny/{iri_span}> a oa:Annotation ; oa:motivatedBy oa:describing ;\n"
            "    oa:hasBody kgfirst:test-plan-first ; cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/tiny> ;\n"
            f'    cppcc:quoteStart "{start}"^^xsd:nonNegativeInteger ; cppcc:quoteEnd "{end}"^^xsd:nonNegativeInteger ;\n'
            f'    cppcc:quoteExact "{quote}" .\n')


def test_the_rules_on_the_evidence_read_its_compact_form(make_project):
    """evidence-iri.rq reads the source and offsets on the annotation, first-without-its-word.rq its quote: an
    annotation whose IRI says other offsets, a first whose evidence does not quote its word, are found."""
    def run(body: str, rule: str) -> list[dict]:
        root = _with_file(make_project(), "case.ttl", body)
        project = load(root, cache=False)
        return rule_problems(project.store, root / "rules", project=project, only=rule)

    first = "https://w3id.org/cppcc-kg/id/first/test-plan-first"
    assert run(_quote_of_a_first("12-14", 12, 14, "首次"), "first-without-its-word.rq") == []
    (p,) = run(_quote_of_a_first("0-2", 0, 2, "测试"), "first-without-its-word.rq")
    assert p["focus"] == first and "kind=首次" in p["message"]
    assert run(_quote_of_a_first("12-14", 12, 14, "首次"), "evidence-iri.rq") == []
    (p,) = run(_quote_of_a_first("12-14", 11, 14, "月首次"), "evidence-iri.rq")
    assert p["focus"] == "https://w3id.org/cppcc-kg/id/evidence/tiny/12-14"
    assert "https://w3id.org/cppcc-kg/id/evidence/tiny/11-14" in p["message"]
    # another source's prefix: the IRI names that source
    (p,) = run(_quote_of_a_first("12-14", 12, 14, "首次").replace("source/tiny>", "source/other>"), "evidence-iri.rq")
    assert "evidence/other/12-14" in p["message"]


def test_rule_reports_the_files(make_project):
    body, _ = RULE_CASES["entity-defined-in-several-files.rq"]
    project = load(_with_file(make_project(), "case.ttl", body))
    report = validate(project, shacl=False)
    (p,) = [p for p in report["problems"] if p["rule"] == "rules/entity-defined-in-several-files.rq"]
    assert "file=graph/case.ttl" in p["message"] and "otherFile=graph/entities.ttl" in p["message"]


def test_entity_defined_in_several_files_finds_each_pair_once(make_project):
    """Each pair of files that define an entity is reported once, the files in order: whichever of the four
    properties each file uses (each of them alone in the earlier and in the later file of a pair), an entity of
    a class at any depth under cppcc:Entity or of cppcc:Entity itself, typed in either file, the same triple in
    two files; not another property, not a thing that is no entity."""
    id_ = "https://w3id.org/cppcc-kg/id/"
    city, plan = f"{id_}org/test-city-cppcc", f"{id_}document/test-consultation-plan"
    station, direct, elsewhere = f"{id_}mechanism/test-members-workstations", f"{id_}event/direct", f"{id_}org/elsewhere"
    files = {
        "a.ttl": f'<{city}> skos:altLabel "测试政协"@zh .',  # altLabel alone, the earlier file
        "b.ttl": f'<{plan}> rdfs:comment "Defined again."@en .',  # rdfs:comment alone, the earlier file
        "c.ttl": f'<{station}> a cppcc:Platform .',  # rdf:type alone, the earlier file; the triple of entities.ttl
        "d.ttl": f'<{station}> rdfs:label "工作站"@zh .',  # rdfs:label alone; a third file of the same entity
        "e.ttl": f'<{direct}> a cppcc:Entity ; rdfs:label "直接"@zh .\n<{elsewhere}> rdfs:label "别处"@zh .',
        "f.ttl": f'<{direct}> rdfs:label "Direct"@en .\n<{elsewhere}> a cppcc:Organization .',  # typed here only
        "g.ttl": (f'<{plan}> dcterms:title "又一个"@zh ; rdfs:seeAlso <{city}> .\n'  # not a defining property
                  '<https://w3id.org/cppcc-kg/id/source/tiny> rdfs:comment "A source."@en .\n'  # not an entity
                  'cppcc:Entity rdfs:comment "A class."@en .'),  # a class, defined in ontology.ttl
        "x.ttl": f'<{plan}> a cppcc:Plan .',  # rdf:type alone, the later file; the triple of entities.ttl
        "y.ttl": f'<{elsewhere}> skos:altLabel "又别处"@zh .',  # altLabel alone, the later file
        "z.ttl": f'<{direct}> rdfs:comment "Later."@en .',  # rdfs:comment alone, the later file
    }
    root = make_project()
    for name, body in files.items():
        _with_file(root, name, body)
    project = load(root, cache=False)
    problems = rule_problems(project.store, root / "rules", graph=project.graph, project=project,
                             only="entity-defined-in-several-files.rq")
    found = [(p["focus"], p["message"].split(" [")[1].split("]")[0]) for p in problems]
    pairs = {(city, "a", "entities"), (plan, "b", "entities"), (plan, "b", "x"), (plan, "entities", "x"),
             (station, "c", "d"), (station, "c", "entities"), (station, "d", "entities"),
             (direct, "e", "f"), (direct, "e", "z"), (direct, "f", "z"),
             (elsewhere, "e", "f"), (elsewhere, "e", "y"), (elsewhere, "f", "y")}
    assert sorted(found) == sorted((focus, f"file=graph/{a}.ttl, otherFile=graph/{b}.ttl") for focus, a, b in pairs)


def test_a_rule_that_is_not_sparql(make_project, tmp_path):
    project = load(make_project())
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.rq").write_text("# A broken rule.\nSELECT ?focus WHERE { ?focus ?p }\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        rule_problems(project.store, rules, graph=project.graph)
    assert str(info.value).startswith("bad.rq:")


# ---------------------------------------------------------------- SHACL engine

def _results(graph: Graph, shapes: Graph) -> set:
    import pyshacl
    _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True, inplace=False)
    return {(results.value(r, SH.focusNode), results.value(r, SH.sourceConstraintComponent),
             str(results.value(r, SH.resultMessage)))
            for r in results.subjects(RDF.type, SH.ValidationResult)}


def test_prepared_queries_give_the_same_results_as_plain_pyshacl(make_project):
    body = ("kgorg:test-city-cppcc cppcc:issued kgorg:test-city-cppcc .\n"   # range and missing statement
            "kgplace:nowhere cppcc:locatedIn kgorg:test-city-cppcc .\n")
    project = load(_with_file(make_project("bad-shacl"), "case.ttl", body))
    shapes = Graph()
    for t in project.files["ontology.ttl"]:
        shapes.add(t)
    plain = _results(project.graph, shapes)
    prepared = _results(PreparedQueries(project.graph), shapes)
    assert plain == prepared
    assert any(c == SH.SPARQLConstraintComponent for _, c, _ in plain)  # the SPARQL constraints did fire
    problems = shacl_problems(project.graph, shapes)
    assert {p["focus"] for p in problems} == {str(f) for f, _, _ in plain}


def test_real_repository_is_valid(repo_root):
    project = load(repo_root)
    report = validate(project)
    assert report["conforms"], "\n".join(f"{p['files']} {p['focus']} {p['message']}" for p in report["problems"][:20])
    assert report["seconds"]["shacl"] < 120
