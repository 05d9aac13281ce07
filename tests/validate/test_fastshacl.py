"""The fast SHACL engine (cppcc_kg.validate.shacl) reports exactly what pySHACL reports.

On broken fixtures that break every constraint of the shapes of ontology.ttl, and on
the real graph with part of its triples removed, both engines give the same list of
problems (focus, shape, component, path, value, message, files, labels).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from support import REPO_ROOT, copy_project

from cppcc_kg.project.load import load
from cppcc_kg.validate import shacl as fastshacl
from cppcc_kg.validate import validate
from cppcc_kg.validate.shapes import fast_shacl_problems, shacl_problems, shapes_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fastshacl"


def _mutated_project(tmp_path: Path, *, ontology_edit=None) -> Path:
    root = copy_project(tmp_path / "project")
    shutil.copy(FIXTURES / "mutations.ttl", root / "graph" / "mutations.ttl")
    if ontology_edit:
        path = root / "ontology.ttl"
        path.write_text(ontology_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def _both(project):
    shapes = shapes_of(project)

    def where(node, pred=None):
        return project.defined_in(node)
    slow = shacl_problems(project.graph, shapes, where=where)
    fast = fast_shacl_problems(project.store, shapes, list(project.graphs().values()), graph=project.view,
                               where=where)
    return slow, fast


def _key(p: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in p.items()))


def assert_same(slow: list[dict], fast: list[dict]) -> None:
    a, b = sorted(map(_key, slow)), sorted(map(_key, fast))
    only_slow = [x for x in a if x not in b]
    only_fast = [x for x in b if x not in a]
    assert not only_slow and not only_fast, (only_slow[:5], only_fast[:5])
    assert a == b


def test_same_problems_as_pyshacl_on_broken_fixtures(tmp_path):
    project = load(_mutated_project(tmp_path), cache=False)
    slow, fast = _both(project)
    assert len(slow) > 100
    assert_same(slow, fast)
    components = {p["rule"].rsplit("(", 1)[-1].rstrip(")") for p in fast}
    assert components >= {f"{c}ConstraintComponent" for c in (
        "MinCount", "MaxCount", "Datatype", "Class", "LanguageIn", "In", "MinLength", "NodeKind", "Or",
        "QualifiedMinCount", "QualifiedMaxCount", "SPARQL")}


def _matches(v: fastshacl.Violation, shape: str, path: str, message: str, component: str) -> bool:
    pattern = "^" + re.sub(r"\\\{\\?[?$]\w+\\\}", ".*", re.escape(message)) + "$"
    return (v.shape == shape and v.component == component and (component == "SPARQL" or v.path == path)
            and re.match(pattern, v.message, re.S) is not None)


def _narrow_domain(text: str) -> str:
    # every edge property has the domain cppcc:Entity, which the focus of EntityShape always has;
    # with a narrower domain the SPARQL domain constraint can fire, and is checked too
    return text.replace("rdfs:domain cppcc:Entity ; rdfs:range cppcc:Document",
                        "rdfs:domain cppcc:Organization ; rdfs:range cppcc:Document", 1)


def test_the_fixtures_break_every_constraint_of_the_shapes(tmp_path):
    project = load(_mutated_project(tmp_path, ontology_edit=_narrow_domain), cache=False)
    shapes = shapes_of(project)
    compiled = fastshacl.compile_shapes(shapes)
    constraints = [(s, path, msg, comp) for _q, s, path, msg, comp in compiled.queries]
    constraints += [(s, readable, msg, comp) for _q, _p, _a, s, readable, msg, comp in compiled.datatype_checks]
    assert len(constraints) >= 80
    # the evidence's compact form: each of its four properties checked on the annotation
    annotation = {path for s, path, _m, _c in constraints if s.endswith("#AnnotationShape")}
    assert {f"https://w3id.org/cppcc-kg/ontology#quote{p}" for p in ("Source", "Start", "End", "Exact")} <= annotation
    found = fastshacl.validate(None, shapes, store=project.store, ntriples=list(project.graphs().values()))
    missed = [c for c in constraints if not any(_matches(v, *c) for v in found)]
    assert not missed, missed
    slow, fast = _both(project)
    assert_same(slow, fast)


def test_same_problems_on_the_real_graph_with_triples_removed(tmp_path):
    """The real graph (valid), then with every 7th triple of each graph/ file removed (many problems)."""
    project = load(REPO_ROOT, cache=False)
    slow, fast = _both(project)
    assert slow == fast == []
    root = tmp_path / "real"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "ontology.ttl", root / "ontology.ttl")
    shutil.copytree(REPO_ROOT / "sources", root / "sources")
    for rel, nt in project.nt.items():
        if not rel.startswith("graph/"):
            continue
        lines = nt.decode("utf-8").splitlines(keepends=True)
        kept = "".join(line for i, line in enumerate(lines) if i % 7 != 3)
        out = root / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(kept, encoding="utf-8")
    broken = load(root, cache=False)
    slow, fast = _both(broken)
    assert len(slow) > 50
    assert_same(slow, fast)


def test_engines_give_the_same_report(tmp_path):
    project = load(_mutated_project(tmp_path), cache=False)
    fast = validate(project, shacl_engine="fast")
    slow = validate(project, shacl_engine="pyshacl")
    auto = validate(project)
    assert (fast["shacl_engine"], slow["shacl_engine"], auto["shacl_engine"]) == ("fast", "pyshacl", "fast")
    assert fast["problems"] == slow["problems"] == auto["problems"]
    assert fast["counts"] == slow["counts"] and fast["counts"]["shacl"] > 100
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate(project, shacl_engine="other")


def test_auto_falls_back_to_pyshacl_for_shapes_it_cannot_compile(tmp_path):
    def closed(text: str) -> str:
        return text.replace("cppcc:FirstClaimShape a sh:NodeShape ;",
                            "cppcc:FirstClaimShape a sh:NodeShape ;\n    sh:closed false ;", 1)
    project = load(_mutated_project(tmp_path, ontology_edit=closed), cache=False)
    with pytest.raises(fastshacl.UnsupportedShape):
        fastshacl.compile_shapes(shapes_of(project))
    report = validate(project)
    assert report["shacl_engine"] == "pyshacl" and report["counts"]["shacl"] > 100


def test_datatypes_are_checked_as_written_not_as_oxigraph_stores_them():
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
          sh:property [ sh:path ex:n ; sh:datatype xsd:nonNegativeInteger ; sh:message "bad" ] .""")
    data = Graph().parse(format="turtle", data="""
        @prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:ok ex:n "5"^^xsd:nonNegativeInteger .
        ex:int ex:n "5"^^xsd:integer .
        ex:negative ex:n "-5"^^xsd:nonNegativeInteger .
        ex:iri ex:n ex:x .""")
    bad = {v.focus for v in fastshacl.validate(data, shapes)}
    assert bad == {"http://example.org/int", "http://example.org/negative", "http://example.org/iri"}
    import pyshacl
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes)
    from rdflib.namespace import SH
    assert {str(f) for f in results.objects(None, SH.focusNode)} == bad


def test_the_grouped_queries_find_what_each_constraint_alone_finds(tmp_path):
    """The plan (count constraints grouped per shape) against each constraint's own query, on the broken fixtures."""
    project = load(_mutated_project(tmp_path, ontology_edit=_narrow_domain), cache=False)
    shapes = shapes_of(project)
    compiled = fastshacl.compile_shapes(shapes)
    assert len(compiled.plan) < len(compiled.queries)
    alone = set()
    for i, (query, shape, path, message, component) in enumerate(compiled.queries):
        sols = list(project.store.query(query, use_default_graph_as_union=True))
        alone.update(fastshacl._violation(s, shape, path, message, component) for s in sols)
    found = fastshacl.validate(None, shapes, store=project.store, ntriples=project.graphs())
    datatype = {c[-1] for c in compiled.datatype_checks}
    grouped = {v for v in found if v.component not in datatype}
    assert len(alone) > 80 and grouped == alone
    assert {v.component for v in alone} >= {"MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount"}


def test_digits_and_plain_strings_are_judged_as_rdflib_judges_them(monkeypatch):
    # well_typed takes ASCII digits as well typed for xsd:integer and xsd:nonNegativeInteger without rdflib;
    # _bad_values skips a plain literal where every check of its property allows xsd:string
    x = "http://www.w3.org/2001/XMLSchema#"
    lexicals = ["0", "00", "007", "5", "123456789012345678901234567890", "٣", "-1", "+1", " 1", "1.0", ""]
    datatypes = [x + "integer", x + "nonNegativeInteger", x + "positiveInteger", x + "decimal"]
    fast = {(lex, dt): fastshacl.well_typed(lex, dt) for lex in lexicals for dt in datatypes}
    fastshacl._WELL_TYPED.clear()
    monkeypatch.setattr(fastshacl, "_DIGITS_ONLY", frozenset())
    assert fast == {(lex, dt): fastshacl.well_typed(lex, dt) for lex in lexicals for dt in datatypes}
    assert not fast[("0", x + "positiveInteger")] and not fast[("-1", x + "nonNegativeInteger")]
    doc = (b'<http://e.org/a> <http://e.org/p> "plain" .\n<http://e.org/b> <http://e.org/p> "t\\"q" .\n'
           b'<http://e.org/c> <http://e.org/p> "5"^^<' + x.encode() + b'integer> .\n')
    strings = [("http://e.org/p", frozenset({x + "string"}))]
    assert fastshacl._bad_values([doc], strings, {}) == [[0, "http://e.org/c", "5", "literal"]]
    both = strings + [("http://e.org/p", frozenset({x + "integer"}))]
    assert fastshacl._bad_values([doc], both, {}) == [
        [1, "http://e.org/a", "plain", "literal"], [0, "http://e.org/c", "5", "literal"],
        [1, "http://e.org/b", 't"q', "literal"]]
