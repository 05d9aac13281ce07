"""The review without HTTP: decisions, the curated Turtle it writes, IRIs, a new ingest, bad input."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from review_project import (
    BEILING,
    CITY,
    CITY_IRI,
    LIAISON,
    QINGSHAN,
    RELATION,
    TEXT,
    make_project,
)

from cppcc_kg.cli.build import command as build_command
from cppcc_kg.ingest.files import REVIEW_MARK
from cppcc_kg.ingest.pipeline import ingest_file
from cppcc_kg.ingest.text import IngestInputError
from cppcc_kg.review.decisions import DecisionError, decisions_path
from cppcc_kg.review.proposals import ReviewInputError, resolve_source_id
from cppcc_kg.review.session import open_review
from cppcc_kg.review.writer import allocate, slug_of


@pytest.fixture()
def project(tmp_path):
    """A copy of the minimal project with the test text ingested."""
    return make_project(tmp_path / "proj")


ORG = "https://w3id.org/cppcc-kg/id/org/"
MECH = "https://w3id.org/cppcc-kg/id/mechanism/"


def decide_all(session):
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling County CPPCC Committee",
                    "label_zh": "北岭县政协", "class": "CPPCCCommittee"})
    session.decide({"key": LIAISON, "action": "accept", "label_en": 'Members\' "liaison" mechanism'})
    session.decide({"key": CITY, "action": "merge", "target": CITY_IRI})
    session.decide({"key": QINGSHAN, "action": "reject"})
    return session.decide({"key": RELATION, "action": "accept"})


def test_accepted_proposals_become_curated_turtle_that_builds(project):
    state = decide_all(open_review(project, "doc"))
    assert state["written"] == ["graph/doc/entities.ttl", "graph/doc/evidence.ttl", "graph/doc/relations.ttl",
                                "sources/doc.ttl"]
    g = Graph()
    for rel in state["written"]:
        text = (project / rel).read_text(encoding="utf-8")
        assert text.startswith(REVIEW_MARK) and "proposed" not in text.split("\n", 2)[2]
        g.parse(data=text, format="turtle")
    beiling, liaison = URIRef(ORG + "beiling-county-cppcc-committee"), URIRef(MECH + "members-liaison-mechanism")
    assert (beiling, RDFS.label, Literal("Beiling County CPPCC Committee", lang="en")) in g
    assert (liaison, RDFS.label, Literal('Members\' "liaison" mechanism', lang="en")) in g  # escaped, read back
    assert (beiling, URIRef("https://w3id.org/cppcc-kg/ontology#established"), liaison) in g
    assert not list(g.subjects(None, URIRef(ORG + "qing-shan-qu-ren-min-zheng-fu")))
    # the merged mention: only evidence, whose body is the existing entity; it is not defined again
    assert (None, RDFS.label, Literal("测试市政协", lang="zh")) not in g
    ev = (project / "graph/doc/evidence.ttl").read_text(encoding="utf-8")
    assert f"<{CITY_IRI}>" in ev and ev.index("/doc/0-5>") < ev.index("/doc/51-56>") < ev.index("/doc/58-64>")
    res = CliRunner().invoke(build_command, ["--root", str(project), "--quiet", "--no-cache"])
    assert res.exit_code == 0, res.output
    nodes = (project / "build" / "nodes.csv").read_text(encoding="utf-8")
    assert "北岭县政协" in nodes and "委员联络机制" in nodes


def test_same_decisions_give_the_same_bytes(tmp_path):
    outs = []
    for name in ("a", "b"):
        root = make_project(tmp_path / name)
        decide_all(open_review(root, "doc"))
        outs.append({p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
                     if p.is_file() and (p.parts[-2] == "doc" or p.name == "doc.ttl" or p.suffix == ".json")})
    assert outs[0] == outs[1] and len(outs[0]) >= 5


def test_iris_from_the_english_name_collision_free():
    assert slug_of("Zhèngxié of Běilǐng: the 2nd “Forum”") == "zhengxie-of-beiling-the-2nd-forum"
    taken = {ORG + "a", ORG + "a-2"}
    assert allocate(ORG, "a", taken) == ORG + "a-3" and allocate(ORG, "b", taken) == ORG + "b"


def test_an_english_name_taken_in_the_graph_gets_another_iri(project):
    session = open_review(project, "doc")
    session.decide({"key": BEILING, "action": "accept", "label_en": "Test City CPPCC"})
    ttl = (project / "graph/doc/entities.ttl").read_text(encoding="utf-8")
    assert f"<{ORG}test-city-cppcc-2>" in ttl


def test_a_new_ingest_of_the_same_text_keeps_the_decisions(project):
    decide_all(open_review(project, "doc"))
    before = decisions_path(project, "doc").read_bytes()
    ingest_file(project / "sources" / "doc.txt", root=project)  # the reviewed source is in the graph now
    session = open_review(project, "doc")
    decided = {p["key"]: p["decision"]["action"] for p in session.state()["proposals"] if p["decision"]}
    assert decided == {BEILING: "accept", LIAISON: "accept", CITY: "merge", QINGSHAN: "reject", RELATION: "accept"}
    assert session.state()["notices"] == [] and decisions_path(project, "doc").read_bytes() == before
    session.write_all()
    assert decisions_path(project, "doc").read_bytes() == before


def test_a_changed_text_keeps_only_decisions_whose_span_still_holds(project):
    decide_all(open_review(project, "doc"))
    (project / "graph/proposed/doc.ttl").unlink()
    for rel in ("graph/doc/entities.ttl", "graph/doc/evidence.ttl", "graph/doc/relations.ttl", "sources/doc.ttl"):
        (project / rel).unlink()
    (project / "sources/doc.txt").write_text(TEXT.replace("青山区", "青山县"), encoding="utf-8")  # same length
    ingest_file(project / "sources" / "doc.txt", root=project)
    session = open_review(project, "doc")
    assert "changed" in session.state()["notices"][0] and "kept 4 of 5" in session.state()["notices"][0]
    assert QINGSHAN not in session.decisions.items and BEILING in session.decisions.items


def test_bad_decisions_are_refused_and_nothing_is_written(project):
    session = open_review(project, "doc")
    bad = [({"key": "mention 1-2 x", "action": "accept"}, 404),
           ({"key": BEILING, "action": "accept"}, 400),  # no English label
           ({"key": BEILING, "action": "accept", "label_en": "Bei\nling"}, 400),
           ({"key": BEILING, "action": "accept", "label_en": "Bei\x07ling"}, 400),
           ({"key": BEILING, "action": "accept", "label_en": "B", "start": 70, "end": 500}, 400),
           ({"key": BEILING, "action": "accept", "label_en": "B", "start": 5, "end": 2}, 400),
           ({"key": BEILING, "action": "accept", "label_en": "B", "label_zh": "不在文中的名字"}, 400),
           ({"key": BEILING, "action": "accept", "label_en": "B", "class": "NotAClass"}, 400),
           ({"key": BEILING, "action": "merge", "target": "https://example.org/x"}, 400),
           ({"key": BEILING, "action": "delete"}, 400)]
    for body, status in bad:
        with pytest.raises(DecisionError) as err:
            session.decide(body)
        assert err.value.status == status, body
    assert not decisions_path(project, "doc").exists() and not (project / "graph" / "doc").exists()


def test_span_edit_and_label_follow(project):
    session = open_review(project, "doc")
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling County", "start": 51, "end": 54,
                    "class": "Place"})
    ttl = (project / "graph/doc/entities.ttl").read_text(encoding="utf-8")
    assert '"北岭县"@zh' in ttl and "id/place/beiling-county" in ttl
    assert "/doc/51-54>" in (project / "graph/doc/evidence.ttl").read_text(encoding="utf-8")


def test_a_curated_file_not_written_by_the_review_is_never_overwritten(project):
    session = open_review(project, "doc")
    (project / "graph" / "doc").mkdir()
    (project / "graph" / "doc" / "entities.ttl").write_text("# by hand\n", encoding="utf-8")
    with pytest.raises(DecisionError) as err:
        session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    assert err.value.status == 409 and "not written by cppcc-kg review" in err.value.message
    assert (project / "graph/doc/entities.ttl").read_text(encoding="utf-8") == "# by hand\n"
    assert not decisions_path(project, "doc").exists()
    assert "never move a curated file" in err.value.message
    with pytest.raises(ReviewInputError, match="names a section of the graph"):  # refused up front (F16)
        open_review(project, "doc")


def test_undoing_every_decision_removes_the_reviews_files(project):
    session = open_review(project, "doc")
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    assert (project / "sources/doc.ttl").exists()
    session.decide({"key": BEILING, "action": "undo"})
    assert not (project / "graph" / "doc").exists() and not (project / "sources/doc.ttl").exists()


def test_a_text_in_another_encoding_gets_a_utf8_copy(tmp_path):
    root = make_project(tmp_path / "p", name="gbk-doc.txt", encoding="gbk")
    session = open_review(root, "gbk-doc")
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    copy = root / "sources" / "gbk-doc.zh.txt"
    assert copy.read_text(encoding="utf-8") == TEXT
    assert 'cppcc:localPath "sources/gbk-doc.zh.txt"' in (root / "sources/gbk-doc.ttl").read_text(encoding="utf-8")
    res = CliRunner().invoke(build_command, ["--root", str(root), "--quiet", "--no-cache"])
    assert res.exit_code == 0, res.output
    ingest_file(root / "sources" / "gbk-doc.txt", root=root)  # the original again: its decisions are kept
    assert open_review(root, "gbk-doc").decisions.items[BEILING]["label_en"] == "Beiling"


def test_a_corrupt_decisions_file_is_named(project):
    path = decisions_path(project, "doc")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReviewInputError, match=r"review/doc\.decisions\.json: corrupt"):
        open_review(project, "doc")
    path.write_text(json.dumps({"sha256": "x", "decisions": {"k": 3}}), encoding="utf-8")
    with pytest.raises(ReviewInputError, match="corrupt"):
        open_review(project, "doc")


def test_source_ids_and_paths(project):
    assert resolve_source_id(project, "doc") == "doc"
    assert resolve_source_id(project, str(project / "sources" / "doc.txt")) == "doc"
    with pytest.raises(ReviewInputError, match="no proposals"):
        resolve_source_id(project, "nothing-here")
    shutil.copy(project / "sources/doc.txt", project / "sources/other.txt")
    with pytest.raises(ReviewInputError, match="ingest"):
        resolve_source_id(project, str(project / "sources/other.txt"))


def test_a_figure_needs_its_english_and_its_end(tmp_path):
    root = make_project(tmp_path / "p", TEXT.rstrip("\n") + "2024年，北岭县政协建成委员工作站15家。\n")
    session = open_review(root, "doc")
    figure = next(p["key"] for p in session.props.figures)
    with pytest.raises(DecisionError, match="English label"):
        session.decide({"key": figure, "action": "accept"})  # ingest's English is a placeholder
    state = session.decide({"key": figure, "action": "accept", "label_en": "15 members' workstations",
                            "measured_en": "members' workstations built"})
    assert "what it is about" in next(p for p in state["proposals"] if p["key"] == figure)["waiting"]
    session.decide({"key": "mention 92-97 委员工作站", "action": "accept"})  # its end, in its sentence
    state = session.decide({"key": figure, "action": "accept", "label_en": "15 members' workstations",
                            "measured_en": "members' workstations built"})
    obs = (root / "graph/doc/observations.ttl").read_text(encoding="utf-8")
    assert "[proposed" not in obs and "id/observation/15-members-workstations" in obs
    assert '"members\' workstations built"@en' in obs and "test-members-workstations" in obs
    assert "graph/doc/observations.ttl" in state["written"]
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling County CPPCC Committee"})
    res = CliRunner().invoke(build_command, ["--root", str(root), "--quiet", "--no-cache"])
    assert res.exit_code == 0, res.output


def test_a_relation_waits_for_its_ends(project):
    session = open_review(project, "doc")
    state = session.decide({"key": RELATION, "action": "accept"})
    rel = next(p for p in state["proposals"] if p["key"] == RELATION)
    assert rel["ready"] is False and "not accepted" in rel["waiting"]
    assert not (project / "graph" / "doc").exists()  # nothing accepted that can be written
    session.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    state = session.decide({"key": LIAISON, "action": "merge",
                            "target": "https://w3id.org/cppcc-kg/id/mechanism/test-members-workstations"})
    rel = next(p for p in state["proposals"] if p["key"] == RELATION)
    assert rel["ready"] is True and "waiting" not in rel
    assert "test-members-workstations" in (project / "graph/doc/relations.ttl").read_text(encoding="utf-8")


def test_a_new_entity_may_not_take_a_label_of_the_graph(project):
    session = open_review(project, "doc")
    with pytest.raises(DecisionError, match="merge with .* instead"):
        session.decide({"key": BEILING, "action": "accept", "label_en": "X", "label_zh": "测试市政协"})
    assert not decisions_path(project, "doc").exists()


def test_another_text_under_a_reviewed_id_is_refused_by_ingest(project):
    decide_all(open_review(project, "doc"))
    (project / "graph/proposed/doc.ttl").unlink()
    other = project / "sources" / "doc-2.txt"
    other.write_text(TEXT + "另一段文字。\n", encoding="utf-8")
    with pytest.raises(IngestInputError, match="already a source of the graph"):
        ingest_file(other, root=project, source_id="doc")
    assert (project / "graph/doc/entities.ttl").read_text(encoding="utf-8").startswith(REVIEW_MARK)
