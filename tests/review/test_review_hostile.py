"""Hostile-review tests (rev13): each fails today and shows one finding of the hostile review of issue 13."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from review_project import BEILING, CITY, CITY_AGAIN, LIAISON, make_project

from cppcc_kg.cli.build import command as build_command
from cppcc_kg.ingest.files import written_by_review
from cppcc_kg.ingest.pipeline import ingest_file
from cppcc_kg.ingest.text import IngestInputError
from cppcc_kg.review.decisions import DecisionError
from cppcc_kg.review.proposals import ReviewInputError, resolve_source_id
from cppcc_kg.review.server import make_review_server
from cppcc_kg.review.session import open_review

FIG_TEXT = "测试市政协召开“协商在基层”工作推进会。北岭县政协建立委员联络机制。截至2023年底，北岭县政协共建成委员工作站120个。\n"


def build_ok(root) -> bool:
    res = CliRunner().invoke(build_command, ["--root", str(root), "--quiet", "--no-cache"])
    return res.exit_code == 0


def test_f1_figure_iri_never_an_existing_observation(tmp_path):
    root = make_project(tmp_path / "p", text=FIG_TEXT)
    s = open_review(root, "doc")
    fig = s.props.figures[0]["key"]
    s.decide({"key": fig, "action": "accept", "label_en": "Test workstations 2023-12", "measured_en": "workstations"})
    assert build_ok(root)


def test_f2_two_accepted_entities_with_one_chinese_label(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    s.decide({"key": CITY, "action": "accept", "label_zh": "北岭县政协", "start": 51, "end": 56,
              "class": "CPPCCCommittee", "label_en": "Beiling A"})
    with pytest.raises(DecisionError):
        s.decide({"key": BEILING, "action": "accept", "class": "Place", "label_en": "Beiling B"})


def test_f3_alias_equal_to_a_graph_label_is_refused(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    try:
        s.decide({"key": CITY, "action": "accept", "label_zh": "北岭县政协", "class": "CPPCCCommittee",
                  "label_en": "Beiling"})
    except DecisionError:
        return
    assert build_ok(root)


def test_f5_relation_with_rejected_ends_is_not_written(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    s.decide({"key": CITY_AGAIN, "action": "reject"})
    s.decide({"key": "mention 45-50 委员工作站", "action": "reject"})
    st = s.decide({"key": "relation 20-51 测试市政协 established 委员工作站", "action": "accept"})
    assert not (root / "graph/doc/relations.ttl").exists()
    assert any(p.get("waiting") for p in st["proposals"] if p["kind"] == "relation")


def test_f6_hand_edited_decision_is_checked(tmp_path):
    root = make_project(tmp_path / "p")
    open_review(root, "doc").decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    path = root / "review/doc.decisions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["decisions"][BEILING] |= {"class": "Source"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReviewInputError):
        open_review(root, "doc")


def test_f7_two_sessions_do_not_lose_decisions(tmp_path):
    root = make_project(tmp_path / "p")
    a, b = open_review(root, "doc"), open_review(root, "doc")
    a.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    try:
        b.decide({"key": LIAISON, "action": "accept", "label_en": "Liaison"})
    except DecisionError:
        return  # refusing the second writer is fine too
    kept = json.loads((root / "review/doc.decisions.json").read_text(encoding="utf-8"))["decisions"]
    assert BEILING in kept and LIAISON in kept


ORG = "https://w3id.org/cppcc-kg/id/org/"
DOC2 = "北岭县政协建立委员联络机制，推动协商议政。\n"


def second_source(root, text=DOC2, name="doc2"):
    (root / f"sources/{name}.txt").write_text(text, encoding="utf-8")
    ingest_file(root / f"sources/{name}.txt", root=root)
    return open_review(root, name)


def test_f4_one_entity_has_one_english_label(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    s.decide({"key": CITY, "action": "accept", "label_zh": "北岭县政协", "start": 51, "end": 56,
              "class": "CPPCCCommittee", "label_en": "First name"})
    with pytest.raises(DecisionError, match="two English labels"):
        s.decide({"key": BEILING, "action": "accept", "class": "CPPCCCommittee", "label_en": "Second name"})


def test_f8_two_reviews_at_once_never_mint_one_iri_twice(tmp_path):
    root = make_project(tmp_path / "p")
    a = open_review(root, "doc")
    b = second_source(root, "南山县政协建立委员联络机制，推动协商议政。\n")
    a.decide({"key": BEILING, "action": "accept", "label_en": "County CPPCC"})
    key = next(m["key"] for m in b.props.mentions if "南山县政协" in m["key"])
    b.decide({"key": key, "action": "accept", "label_en": "County CPPCC"})
    assert "id/org/county-cppcc-2" in (root / "graph/doc2/entities.ttl").read_text(encoding="utf-8")
    assert build_ok(root)


def test_f9_an_iri_used_by_another_source_is_not_renamed_or_removed(tmp_path):
    root = make_project(tmp_path / "p")
    a = open_review(root, "doc")
    a.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    b = second_source(root)
    key = next(m["key"] for m in b.props.mentions if "北岭县政协" in m["key"])
    b.decide({"key": key, "action": "merge", "target": ORG + "beiling"})
    for body in ({"key": BEILING, "action": "accept", "label_en": "Beiling County CPPCC"},
                 {"key": BEILING, "action": "undo"}):
        with pytest.raises(DecisionError, match="graph/doc2/evidence.ttl") as err:
            a.decide(body)
        assert err.value.status == 409
    assert build_ok(root)


def test_f25_a_hand_file_beside_the_review_files_builds_and_keeps_its_entity(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    (root / "graph/doc/firsts.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{ORG}beiling> skos:note \"Hand-curated note.\"@en .\n", encoding="utf-8")
    assert build_ok(root)
    with pytest.raises(DecisionError, match="graph/doc/firsts.ttl"):
        s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling County CPPCC"})


def test_f10_a_mention_linked_to_an_entity_of_this_review_joins_it(tmp_path):
    root = make_project(tmp_path / "p", text=FIG_TEXT)
    s = open_review(root, "doc")
    s.decide({"key": "mention 20-25 北岭县政协", "action": "accept", "label_en": "Beiling"})
    ingest_file(root / "sources/doc.txt", root=root)
    s = open_review(root, "doc")
    item = next(p for p in s.state()["proposals"] if p["key"] == "mention 43-48 北岭县政协")
    assert item["status"] == "linked" and item["class"] and "北岭县政协" in item["link_label"]
    s.decide({"key": "mention 43-48 北岭县政协", "action": "accept", "start": 43})
    assert "/doc/43-48>" in (root / "graph/doc/evidence.ttl").read_text(encoding="utf-8")
    s.decide({"key": "mention 43-48 北岭县政协", "action": "merge", "target": ORG + "beiling"})
    assert build_ok(root)


def test_f12_no_write_or_removal_through_a_link_outside_the_project(tmp_path):
    root = make_project(tmp_path / "p")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "graph/doc").symlink_to(outside)
    s = open_review(root, "doc")
    with pytest.raises(DecisionError, match="leads outside the project") as err:
        s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    assert err.value.status == 409 and not list(outside.iterdir())


def test_f13_undo_removes_the_utf8_copy(tmp_path):
    root = make_project(tmp_path / "p", encoding="gb18030")
    s = open_review(root, "doc")
    s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    assert (root / "sources/doc.zh.txt").exists()
    s.decide({"key": BEILING, "action": "undo"})
    assert not (root / "sources/doc.zh.txt").exists() and (root / "sources/doc.txt").exists()


@pytest.mark.parametrize("body,match", [
    ({"label_en": "Bei\u202eling"}, "U\\+202E"),
    ({"label_en": "\ufeffBeiling"}, "U\\+FEFF"),
    ({"label_en": "1"}, "Latin letters"),
    ({"label_en": "B", "class": ["Place"]}, "class must be a string"),
    ({"label_en": 5}, "must be a string"),
    ({"label_en": "B", "start": 0, "end": 79}, "more than 60"),
])
def test_f18_f24_labels_and_types(tmp_path, body, match):
    root = make_project(tmp_path / "p")
    with pytest.raises(DecisionError, match=match) as err:
        open_review(root, "doc").decide({"key": BEILING, "action": "accept"} | body)
    assert err.value.status == 400


def test_f11_a_changed_text_can_be_ingested_and_reviewed_again(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    s.decide({"key": CITY, "action": "accept"})
    with (root / "sources/doc.txt").open("a", encoding="utf-8") as f:
        f.write("北岭县政协还开展了调研。\n")
    (root / "graph/proposed/doc.ttl").unlink()
    with pytest.raises(IngestInputError, match="changed since cppcc-kg review") as err:
        ingest_file(root / "sources/doc.txt", root=root)
    assert "sources/doc.ttl" in err.value.hint
    for path in [root / "sources/doc.ttl", *(root / "graph/doc").glob("*.ttl")]:
        assert written_by_review(path)
        path.unlink()
    ingest_file(root / "sources/doc.txt", root=root)
    review = make_review_server(root, "doc", port=0)  # writes the files of the decisions kept
    try:
        assert review.session.decisions.notices and BEILING in review.session.decisions.items
    finally:
        review.release()
        review.server.server_close()
    assert "id/org/beiling" in (root / "graph/doc/entities.ttl").read_text(encoding="utf-8")
    assert build_ok(root)


def test_f17_f21_one_text_one_source_id(tmp_path):
    root = make_project(tmp_path / "p")
    (root / "sources/x.txt").write_text(DOC2, encoding="utf-8")
    ingest_file(root / "sources/x.txt", root=root, source_id="beiling-2024")
    assert resolve_source_id(root, str(root / "sources/x.txt")) == "beiling-2024"  # F21
    open_review(root, "doc").decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    ingest_file(root / "sources/doc.txt", root=root, source_id="doc2")
    for sid in ("doc2", "doc"):
        with pytest.raises(ReviewInputError, match="one text, one source id"):
            open_review(root, sid)


def test_f10_the_entities_of_this_review_can_be_found_for_a_merge(tmp_path):
    root = make_project(tmp_path / "p")
    s = open_review(root, "doc")
    state = s.decide({"key": BEILING, "action": "accept", "label_en": "Beiling"})
    assert any(e["iri"] == ORG + "beiling" and e["zh"] == "北岭县政协" for e in state["entities"])
