"""The fast SHACL engine's plan reports what each constraint's query as written reports.

The plan that runs (classes without a subclass read as one triple, the ``FILTER NOT EXISTS`` of the
SPARQL constraints taken out as anti-joins, with the range or domain substituted value by value, the
count constraints grouped) against the reference: each constraint's query alone, as the shapes write it
(``compile_shapes(...).queries``: the SPARQL constraints with their ``FILTER NOT EXISTS``, the classes as
``rdf:type/rdfs:subClassOf*``), on the repository, synthetic projects and broken fixtures.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, SH
from support import REPO_ROOT, copy_project

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.validate import shacl as fastshacl
from cppcc_kg.validate.shapes import shapes_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fastshacl"


def _reference(project) -> set[fastshacl.Violation]:
    """The violations of every constraint's query as written, each alone (datatype checks aside)."""
    compiled = fastshacl.compile_shapes(shapes_of(project))
    out = set()
    for query, shape, path, message, component in compiled.queries:
        for sol in project.store.query(query, use_default_graph_as_union=True):
            out.add(fastshacl._violation(sol, shape, path, message, component))
    return out


def _planned(project) -> set[fastshacl.Violation]:
    """The violations the engine reports (the plan), datatype checks aside."""
    shapes = shapes_of(project)
    datatype = {c[-1] for c in fastshacl.compile_shapes(shapes).datatype_checks}
    found = fastshacl.validate(None, shapes, store=project.store, ntriples=project.graphs())
    return {v for v in found if v.component not in datatype}


def _narrow(text: str) -> str:
    """Narrower domains and ranges, so that the SPARQL domain and range constraints fire."""
    text = text.replace("rdfs:domain cppcc:Entity ; rdfs:range cppcc:Document",
                        "rdfs:domain cppcc:Organization ; rdfs:range cppcc:Document", 1)
    return text.replace("rdfs:domain cppcc:Entity ; rdfs:range cppcc:Place ;",
                        "rdfs:domain cppcc:Person ; rdfs:range cppcc:Organization ;", 1)


def _broken(tmp_path: Path, *extra: str, schema: str = "") -> Path:
    """The broken fixtures, with the narrowed ontology (plus *schema*) and *extra* files in graph/."""
    root = copy_project(tmp_path / "project")
    shutil.copy(FIXTURES / "mutations.ttl", root / "graph" / "mutations.ttl")
    for i, text in enumerate(extra):
        (root / "graph" / f"extra{i}.ttl").write_text(_PREFIXES + text, encoding="utf-8")
    path = root / "ontology.ttl"
    path.write_text(_narrow(path.read_text(encoding="utf-8")) + schema, encoding="utf-8")
    return root


_PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/not-the-ontology#> .
"""


def test_the_plan_finds_what_the_constraints_as_written_find_on_the_repository(tmp_path):
    project = load(REPO_ROOT, cache=False)
    assert _planned(project) == _reference(project) == set()
    root = tmp_path / "real"
    root.mkdir()
    path = root / "ontology.ttl"
    path.write_text(_narrow((REPO_ROOT / "ontology.ttl").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(REPO_ROOT / "sources", root / "sources")
    for rel, nt in project.nt.items():  # every 5th triple of each graph/ file removed
        if rel.startswith("graph/"):
            lines = nt.decode("utf-8").splitlines(keepends=True)
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text("".join(x for i, x in enumerate(lines) if i % 5 != 2), encoding="utf-8")
    broken = load(root, cache=False)
    reference = _reference(broken)
    assert len(reference) > 100 and {v.component for v in reference} >= {"SPARQL", "MinCount", "class"}
    assert _planned(broken) == reference


@pytest.mark.parametrize("narrow", [False, True])
def test_the_plan_finds_what_the_constraints_as_written_find_on_a_synthetic_project(tmp_path, narrow):
    ontology = None
    if narrow:
        ontology = tmp_path / "ontology.ttl"
        ontology.write_text(_narrow((REPO_ROOT / "ontology.ttl").read_text(encoding="utf-8")), encoding="utf-8")
    write_corpus(tmp_path / "synth", scale=3, ontology=ontology)
    project = load(tmp_path / "synth", cache=False)
    reference = _reference(project)
    assert _planned(project) == reference
    # the domain and range constraints fire on the narrowed ontology, by the substituted anti-joins
    domain = [v for v in reference if v.message.endswith("but is not an instance of it.")]
    range_ = [v for v in reference if "is not an instance of the property's range" in v.message]
    assert bool(reference) == narrow and (not narrow or (len(domain) > 5 and len(range_) > 5))


def test_the_plan_finds_what_the_constraints_as_written_find_on_broken_fixtures(tmp_path):
    project = load(_broken(tmp_path), cache=False)
    reference = _reference(project)
    assert len(reference) > 80
    assert {v.component for v in reference} >= {"MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount",
                                                 "class", "languageIn", "In", "MinLength", "NodeKind", "SPARQL"}
    assert _planned(project) == reference


def test_a_value_that_cannot_be_substituted_or_too_many_run_the_plan_without_substitution(tmp_path, monkeypatch):
    # a blank node among the ranges of an edge property: its anti-join cannot write it in a query
    blank = "\ncppcc:issued rdfs:range [ a owl:Class ] .\n"
    project = load(_broken(tmp_path, schema=blank), cache=False)
    reference = _reference(project)
    assert any("property's range _:" in v.message for v in reference)
    assert _planned(project) == reference
    monkeypatch.setattr(fastshacl, "MAX_SUBSTITUTIONS", 0)
    project = load(_broken(tmp_path / "again"), cache=False)
    assert _planned(project) == _reference(project)


def test_a_class_given_a_subclass_in_the_data_is_read_with_its_subclasses(tmp_path):
    # oa:Annotation (the target of AnnotationShape) and cppcc:Source (the sh:class of its cppcc:quoteSource) have
    # no subclass in the ontology: a data file gives each one; an instance of the first has no quote (MinCount),
    # its source is an instance of the second (no class violation), another's is not (one)
    extra = """ex:MyAnnotation rdfs:subClassOf oa:Annotation .
ex:MySource rdfs:subClassOf cppcc:Source .
ex:s a ex:MySource .
ex:q a ex:MyAnnotation ; oa:motivatedBy oa:describing ; oa:hasBody ex:b ; cppcc:quoteSource ex:s ;
    cppcc:quoteStart 0 ; cppcc:quoteEnd 1 .
ex:r a oa:Annotation ; cppcc:quoteSource ex:b .
"""
    project = load(_broken(tmp_path, extra), cache=False)
    reference = _reference(project)
    q, r = "https://example.org/not-the-ontology#q", "https://example.org/not-the-ontology#r"
    quote = "https://w3id.org/cppcc-kg/ontology#quoteExact"
    assert any(v.focus == q and v.component == "MinCount" and v.path == quote for v in reference)
    assert not any(v.focus == q and v.component == "class" for v in reference)
    assert any(v.focus == r and v.component == "class" for v in reference)
    assert _planned(project) == reference


@pytest.mark.parametrize("select", [
    ("SELECT $this (<http://www.w3.org/2000/01/rdf-schema#label> AS ?path) ?value WHERE { "
     "$this <http://www.w3.org/2000/01/rdf-schema#label> ?value }"),
    "SELECT $this (STR(?l) AS ?value) WHERE { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "SELECT * WHERE { $this <http://www.w3.org/2000/01/rdf-schema#label> ?value }",
])
def test_a_sparql_constraint_reports_what_it_projects(select):
    # the variables of ``(expression AS ?name)`` and of ``SELECT *`` are in the report (the SHACL spec's
    # own example projects ``(rdfs:label AS ?path)``), as the query as written reports them
    ex = Namespace("https://example.org/")
    data = Graph()
    data.add((ex.a, RDF.type, ex.C))
    data.add((ex.a, RDFS.label, Literal("x", lang="en")))
    shapes = Graph()
    constraint = ex.constraint
    shapes.add((ex.S, RDF.type, SH.NodeShape))
    shapes.add((ex.S, SH.targetClass, ex.C))
    shapes.add((ex.S, SH.sparql, constraint))
    shapes.add((constraint, SH.select, Literal(select)))
    shapes.add((constraint, SH.message, Literal("the value {?value}")))
    compiled = fastshacl.compile_shapes(shapes)
    store, _values = fastshacl._data_store(data, set())
    reference = {fastshacl._violation(sol, shape, path, message, component)  # each query as written
                 for query, shape, path, message, component in compiled.queries for sol in store.query(query)}
    got = set(fastshacl.validate(data, shapes))
    assert got == reference and len(got) == 1
    (v,) = got
    assert v.focus == str(ex.a) and v.value == "x" and v.message == "the value x"
    assert v.path == (str(RDFS.label) if "AS ?path" in select else "")


def test_a_focus_node_targeted_twice_gives_its_violations_once_and_counts_once():
    # the plan reads a shape's target as a plain group (no SELECT DISTINCT): ex:a is an instance of two
    # subclasses of the target class, ex:b a subject of both target properties, so both come twice
    ex = Namespace("https://example.org/")
    data = Graph().parse(data="""@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:C1 rdfs:subClassOf ex:C . ex:C2 rdfs:subClassOf ex:C .
ex:a a ex:C1, ex:C2 ; ex:p "not an IRI", ex:z ; ex:q "one" ; ex:r ex:z .
ex:b ex:s 1 ; ex:t 2 .
""", format="turtle")
    shapes = Graph().parse(data="""@prefix ex: <https://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:nodeKind sh:IRI ; sh:class ex:D ] ;
  sh:property [ sh:path ex:missing ; sh:minCount 1 ] ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ex:q ?x } GROUP BY $this HAVING (COUNT(?x) > 1)" ;
              sh:prefixes ex:prefixes ; sh:message "counted twice" ] ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this ex:r ?value }" ; sh:prefixes ex:prefixes ] .
ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:s, ex:t ; sh:property [ sh:path ex:u ; sh:minCount 1 ] .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
""", format="turtle")
    compiled = fastshacl.compile_shapes(shapes)
    # the plain groups ran, but for the constraint that counts its solutions
    as_written = [compiled.queries[i][3] for q, i in compiled.plan if isinstance(i, int) and q == compiled.queries[i][0]]
    assert as_written == ["counted twice"]
    store, _values = fastshacl._data_store(data, set())
    reference = {fastshacl._violation(sol, shape, path, message, component)
                 for query, shape, path, message, component in compiled.queries for sol in store.query(query)}
    got = fastshacl.validate(data, shapes)
    assert set(got) == reference and len(got) == len(reference)
    assert {(v.focus, v.component) for v in got} == {
        (str(ex.a), "MaxCount"), (str(ex.a), "NodeKind"), (str(ex.a), "class"), (str(ex.a), "MinCount"),
        (str(ex.a), "SPARQL"), (str(ex.b), "MinCount")}
    assert not any(v.message == "counted twice" for v in got)
