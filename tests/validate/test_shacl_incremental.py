"""SHACL after a cached build (cppcc_kg.validate.shacl_incremental): the local constraints re-checked
where the graph changed give exactly the report of the whole run, edit after edit."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO_ROOT

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.validate import shacl as fastshacl
from cppcc_kg.validate.run import graph_keys
from cppcc_kg.validate import shacl_incremental
from cppcc_kg.validate.line_lookup import LineLookup
from cppcc_kg.validate.shacl_incremental import Restriction, plan_locality, restriction
from cppcc_kg.validate.shapes import shapes_of

ID = "https://w3id.org/cppcc-kg/id/"


def _check(root: Path, *, save: bool = True) -> tuple[list, list, dict]:
    """(restricted violations, whole-run violations, what the restricted run said) of the project as it is."""
    project = load(root, cache=True, write_cache=True)
    try:
        shapes = shapes_of(project)
        assert_same_restriction(project)
        args = {"store": project.store, "ntriples": project.graphs(), "keys": graph_keys(project), "cache": project.cache}
        about: dict = {}
        restricted = fastshacl.validate(None, shapes, about=about, **args)
        whole = fastshacl.validate(None, shapes, restrict=False, **args)
        if save:
            project.save_cache()
        else:
            project.discard_cache()
    finally:
        project.close()
    return restricted, whole, about


class _StoreOnly(LineLookup):
    """A lookup that covers nothing: the restriction reads every triple from the store, as it did before."""

    def cover(self, anywhere=(), subjects=()) -> bool:
        return False


def restrictions(project, store=None) -> tuple[Restriction, Restriction]:
    """The restriction of the project's validation now ``(from the files' lines, from the store)``; the first
    reads *store* (default: the project's) where it reads the store."""
    compiled = fastshacl.compile_shapes(shapes_of(project))
    nt = project.graphs()
    keys = {k: v for k, v in graph_keys(project).items() if k in nt}
    lines = restriction(compiled, project.store if store is None else store, nt, keys, project.cache, fastshacl._text)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(shacl_incremental, "LineLookup", _StoreOnly)
        whole = restriction(compiled, project.store, nt, keys, project.cache, fastshacl._text)
    return lines, whole


def assert_same_restriction(project, store=None) -> Restriction:
    """Assert that the restriction made from the files' lines is the one made from the store; return it."""
    lines, whole = restrictions(project, store)
    assert (lines.local, lines.focus, lines.kept, lines.reason, lines.datatypes) == \
        (whole.local, whole.focus, whole.kept, whole.reason, whole.datatypes)
    assert (lines.store is None) == (whole.store is None)
    if whole.store is not None:
        assert set(lines.store) == set(whole.store)
        assert lines.passes > 0 or not lines.focus
    return lines


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _block(path: Path, subject: str) -> str:
    """The Turtle block (up to the next blank line) that starts with the IRI *subject*."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^<" + re.escape(subject) + r">.*?(?:\n\n|\Z)", text, re.DOTALL | re.MULTILINE)
    assert m, subject
    return m.group(0)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "p"
    write_corpus(root, scale=3)
    return root


def _same(root: Path, *, fails: bool | None = None, save: bool = True) -> list:
    restricted, whole, about = _check(root, save=save)
    assert "focus" in about, about  # the restricted run ran, not the whole one
    assert restricted == whole
    if fails is not None:
        assert bool(whole) == fails, whole
    return whole


def test_every_constraint_of_the_ontology_is_local():
    from support import REPO_ROOT

    from cppcc_kg.project.load import load as load_repo

    project = load_repo(REPO_ROOT, cache=False)
    try:
        compiled = fastshacl.compile_shapes(shapes_of(project))
    finally:
        project.close()
    local, schema, _reads = plan_locality(compiled)
    assert local == list(range(len(compiled.plan)))
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in schema


def test_the_record_has_the_same_name_in_every_process():
    code = ("from cppcc_kg.project.load import load; from cppcc_kg.validate.shapes import shapes_of; "
            "from cppcc_kg.validate.shacl import compile_shapes; "
            "from cppcc_kg.validate.shacl_incremental import state_entry; "
            f"p = load({str(REPO_ROOT)!r}, cache=False); print(state_entry(compile_shapes(shapes_of(p)))); p.close()")
    names = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT,
                            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO_ROOT)}).stdout
             for seed in ("1", "2", "3")}
    assert len(names) == 1 and next(iter(names)).startswith("validate-shacl-state-")


def test_the_record_of_another_version_of_the_code_is_not_read(tmp_path, monkeypatch):
    from cppcc_kg.validate import file_cache

    root = tmp_path / "p"
    write_corpus(root, scale=1)
    _check(root)
    assert "focus" in _check(root)[2]
    monkeypatch.setattr(file_cache, "CODE_DIGEST", "another version")
    assert _check(root)[2] == {"reason": "no record of an earlier validation"}


def test_restricted_report_equals_the_whole_one_edit_after_edit(project):
    root = project
    first, whole, about = _check(root)
    assert about["reason"] == "no record of an earlier validation" and first == whole == []
    g1, g2 = root / "graph" / "synth-0001", root / "graph" / "synth-0002"
    # a label
    _edit(g1 / "entities.ttl", "Five-year work plan synth-0001-0", "Five-year work plan (edited)")
    assert _same(root, fails=False) == []
    # an edit that makes a shape fail: a removed triple (the annotation's oa:motivatedBy)
    _edit(g1 / "evidence.ttl", "    oa:motivatedBy oa:describing ;\n", "", 1)
    broken = _same(root, fails=True)
    assert {v.component for v in broken} == {"MinCount"}
    # the repair
    _edit(g1 / "evidence.ttl", "a oa:Annotation ;\n    oa:hasBody", "a oa:Annotation ;\n    oa:motivatedBy oa:describing ;\n    oa:hasBody", 1)
    assert _same(root, fails=False) == []
    # a value of the wrong datatype: still reported after an edit elsewhere (from the record), then repaired
    _edit(g1 / "evidence.ttl", 'cppcc:quoteStart "0"^^xsd:nonNegativeInteger', 'cppcc:quoteStart "-1"^^xsd:nonNegativeInteger')
    assert {v.component for v in _same(root, fails=True)} == {"Datatype"}
    _edit(g2 / "entities.ttl", '"@en', ' (edited)"@en')
    assert {v.component for v in _same(root, fails=True)} == {"Datatype"}
    _edit(g1 / "evidence.ttl", 'cppcc:quoteStart "-1"^^xsd:nonNegativeInteger', 'cppcc:quoteStart "0"^^xsd:nonNegativeInteger')
    assert _same(root, fails=False) == []
    # a new entity, without evidence (fails), then with its evidence
    new = f"<{ID}org/synth-0002-new> a cppcc:Organization ;\n    rdfs:label \"新机构\"@zh, \"New body\"@en .\n"
    (g2 / "entities.ttl").write_text((g2 / "entities.ttl").read_text(encoding="utf-8") + "\n" + new, encoding="utf-8")
    assert {v.focus for v in _same(root, fails=True)} == {f"{ID}org/synth-0002-new"}
    _edit(g2 / "evidence.ttl", "oa:hasBody <", f"oa:hasBody <{ID}org/synth-0002-new>, <", 1)
    assert _same(root, fails=False) == []


def test_the_evidence_constraints_edit_after_edit(project):
    """The compact form's constraints on the annotation (cppcc:quoteSource, quoteStart, quoteEnd, quoteExact and
    the SPARQL end > start): each broken by an edit of the annotation's own triples, or of its source's type (a
    neighbour's triple), found by the restricted run as by the whole one, then repaired."""
    root = project
    _check(root)
    g1 = root / "graph" / "synth-0001"
    ev = g1 / "evidence.ttl"
    cases = [  # (old, new, the components reported)
        ('cppcc:quoteEnd "5"^^xsd:nonNegativeInteger', 'cppcc:quoteEnd "0"^^xsd:nonNegativeInteger', {"SPARQL"}),
        ('cppcc:quoteStart "0"^^xsd:nonNegativeInteger', 'cppcc:quoteStart "zero"', {"Datatype"}),
        ('    cppcc:quoteExact "通祥市政协" .', '    cppcc:quoteExact "通祥市政协"@zh .', {"Datatype"}),
        ('    cppcc:quoteEnd "5"^^xsd:nonNegativeInteger ;\n', "    # (no end)\n", {"MinCount"}),
        ('cppcc:quoteSource <https://w3id.org/cppcc-kg/id/source/synth-0001> ;\n    cppcc:quoteStart "0"',
         'cppcc:quoteSource <https://w3id.org/cppcc-kg/id/org/synth-0001-cppcc> ;\n    cppcc:quoteStart "0"', {"class"}),
    ]
    for old, new, components in cases:
        _edit(ev, old, new)
        broken = _same(root, fails=True)
        assert {v.component for v in broken} == components, (new, broken)
        assert {v.focus for v in broken} == {f"{ID}evidence/synth-0001/0-5"}
        _edit(ev, new, old)
        assert _same(root, fails=False) == []
    # the quoted node's type (a neighbour's triple, in another file) makes the annotation's verdict: the annotation
    # quotes a body (class), which another file then types cppcc:Source (no class violation), then not again
    annotation, body = f"{ID}evidence/synth-0001/0-5", f"{ID}org/synth-0001-cppcc"
    old, new = (f"cppcc:quoteSource <{ID}source/synth-0001> ;\n    cppcc:quoteStart \"0\"",
                f"cppcc:quoteSource <{body}> ;\n    cppcc:quoteStart \"0\"")
    _edit(ev, old, new)
    assert ("class", annotation) in {(v.component, v.focus) for v in _same(root, fails=True)}
    extra = root / "graph" / "synth-0002" / "typed.ttl"
    source = root / "sources" / "synth-0001.ttl"  # (a source of the same text: the loader checks it)
    head = "".join(line for line in source.read_text(encoding="utf-8").splitlines(True) if line.startswith("@prefix"))
    extra.write_text(head + _block(source, f"{ID}source/synth-0001").replace(f"<{ID}source/synth-0001>", f"<{body}>", 1),
                     encoding="utf-8")
    assert ("class", annotation) not in {(v.component, v.focus) for v in _same(root)}
    extra.unlink()
    assert ("class", annotation) in {(v.component, v.focus) for v in _same(root, fails=True)}
    _edit(ev, new, old)
    assert _same(root, fails=False) == []


def test_edits_seen_from_other_nodes_and_files(project):
    root = project
    _check(root)
    g1 = root / "graph" / "synth-0001"
    relations = (g1 / "relations.ttl").read_text(encoding="utf-8")
    m = re.search(r"^<([^>]+)> cppcc:approvedBy <([^>]+)> \.$", relations, re.MULTILINE)
    subject, organ = m.group(1), m.group(2)
    # a changed type: the object of a relation no longer in the property's range (the subject's verdict)
    block = _block(g1 / "entities.ttl", organ)
    _edit(g1 / "entities.ttl", block, re.sub(r"^(<[^>]+>) a \S+ ;", r"\1 a cppcc:DatePrecision ;", block, flags=re.MULTILINE))
    broken = _same(root, fails=True)
    assert subject in {v.focus for v in broken}
    _edit(g1 / "entities.ttl", re.sub(r"^(<[^>]+>) a \S+ ;", r"\1 a cppcc:DatePrecision ;", block, flags=re.MULTILINE), block)
    assert _same(root, fails=False) == []
    # the annotation of a relation's statement removed: the relation's subject fails, two steps away
    statement = re.search(r"^<(" + re.escape(ID) + r"relation/[^>]+)> a rdf:Statement", relations, re.MULTILINE).group(1)
    evidence = (g1 / "evidence.ttl").read_text(encoding="utf-8")
    assert f"<{statement}>" in evidence
    (g1 / "evidence.ttl").write_text(evidence.replace(f"<{statement}>", f"<{ID}org/nothing-here>"), encoding="utf-8")
    broken = _same(root, fails=True, save=False)  # a failed build keeps no record: the next compares with the last
    assert any(v.component == "SPARQL" for v in broken)
    (g1 / "evidence.ttl").write_text(evidence, encoding="utf-8")
    assert _same(root, fails=False) == []
    # a relation asserted no more while its statement stays
    line = f"<{subject}> cppcc:approvedBy <{organ}> .\n"
    _edit(g1 / "relations.ttl", line, "")
    assert _same(root, fails=True)
    _edit(g1 / "relations.ttl", "\n<", "\n" + line + "<", 1)
    assert _same(root, fails=False) == []


def test_a_schema_triple_or_the_ontology_changed_runs_everything(project):
    root = project
    _check(root)
    extra = "\n<https://w3id.org/cppcc-kg/ontology#Organization> rdfs:subClassOf <https://w3id.org/cppcc-kg/ontology#Entity> .\n"
    path = root / "graph" / "synth-0003" / "entities.ttl"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + extra, encoding="utf-8")
    restricted, whole, about = _check(root)
    assert about == {"reason": "a schema triple changed"} and restricted == whole
    path.write_text(original, encoding="utf-8")
    _check(root)
    _edit(root / "ontology.ttl", '"entity shape"@en', '"the entity shape"@en')
    restricted, whole, about = _check(root)
    assert about == {"reason": "the ontology changed"} and restricted == whole


def test_a_build_after_an_edit_checks_few_nodes_and_equals_a_clean_build(tmp_path):
    from cppcc_kg.build.pipeline import build
    from cppcc_kg.rdf.files import sha256_of_file

    root = tmp_path / "p"
    write_corpus(root, scale=2)
    build(root, cache=True)
    _edit(root / "graph" / "synth-0002" / "entities.ttl", '"@en', ' (edited)"@en')
    lines: list[str] = []
    edited = build(root, cache=True, echo=lines.append)
    assert edited["report"]["shacl_restricted"]["focus"] > 0
    assert any(line.startswith("validate") and "node(s) checked again" in line for line in lines), lines
    clean = build(root, tmp_path / "clean", cache=False)
    assert "reason" in clean["report"]["shacl_restricted"]

    def digests(folder: Path) -> dict:
        return {p.relative_to(folder).as_posix(): sha256_of_file(p) for p in sorted(folder.rglob("*"))
                if p.is_file() and p.name != ".cppcc-kg-build"}
    assert digests(root / "build") == digests(tmp_path / "clean")


_PREFIXES = {"ex": "http://e.org/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


@pytest.mark.parametrize("compact, spaced", [
    ("$this ex:v 1011. ?other ex:v 2022.", "$this ex:v 1011 . ?other ex:v 2022 ."),
    ("$this ex:p ?a.?a ex:q ?b.?b rdfs:label \"x\"@en", "$this ex:p ?a . ?a ex:q ?b . ?b rdfs:label \"x\"@en"),
    ("$this ex:p/ex:q ?o;ex:v 2.5.", "$this ex:p / ex:q ?o ; ex:v 2.5 ."),
])
def test_compact_sparql_is_read_as_its_spaced_form(compact, spaced):
    """A number's final dot, ``?a.?a`` and a spaced path end or join terms as SPARQL says: the compact text of a
    constraint reads what its spaced text reads (a misreading kept stale verdicts, found in review)."""
    from cppcc_kg.validate.shacl_local import sparql_locality

    a = sparql_locality("SELECT $this WHERE { " + compact + " }", _PREFIXES)
    b = sparql_locality("SELECT $this WHERE { " + spaced + " }", _PREFIXES)
    assert (a.local, a.schema, a.reads) == (b.local, b.schema, b.reads)
    assert a.schema  # each reads triples far from $this: schema predicates


@pytest.mark.parametrize("where", ["$this ex:p ?o ?z", "$this ex:p|ex:q ?o", "$this !ex:p ?o", "$this ex:p ?o ; ; ex:q ?z"])
def test_sparql_this_does_not_read_is_not_local(where):
    from cppcc_kg.validate.shacl_local import sparql_locality

    assert not sparql_locality("SELECT $this WHERE { " + where + " }", _PREFIXES).local


def test_a_compact_constraint_on_other_nodes_is_checked_again(tmp_path):
    """A constraint written without spaces before its dots (``1011.``) that reads another node's value: an edit of
    that other node gives the whole run's verdict (the restricted run once kept the old one)."""
    root = tmp_path / "p"
    write_corpus(root, scale=1)
    ontology = root / "ontology.ttl"
    head = "cppcc:ObservationShape a sh:NodeShape ;\n"
    _edit(ontology, head, head + '    sh:sparql [ a sh:SPARQLConstraint ; sh:message "1011 while another holds 2022." ;\n'
          '        sh:prefixes cppcc:PrefixDeclarations ;\n'
          '        sh:select """SELECT $this ?other WHERE { $this cppcc:value 1011. ?other cppcc:value 2022. }""" ] ;\n')
    path = next(p for p in sorted((root / "graph").rglob("*.ttl")) if len(re.findall(r"cppcc:value \d+ ;", p.read_text("utf-8"))) > 1)

    def set_value(which: int, value: int) -> None:  # one observation's value, the first or the last of the file
        text = path.read_text(encoding="utf-8")
        m = list(re.finditer(r"cppcc:value \d+ ;", text))[which]
        path.write_text(text[:m.start()] + f"cppcc:value {value} ;" + text[m.end():], encoding="utf-8")

    set_value(0, 1011)
    assert _check(root)[1] == []  # the ontology changed: a whole run, saved
    set_value(-1, 2022)
    restricted, whole, _about = _check(root)
    assert whole and restricted == whole
