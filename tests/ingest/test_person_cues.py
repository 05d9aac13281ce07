"""Tests of the persons read by the words around them (issue 13, seventh pass (c)): titles of office and the
lists after them, names before 委员 and an act, names written with a middle dot, the tagger's persons mended
(sentences written for these tests; the names are made up)."""
from __future__ import annotations

from support import proposed_names


def _persons(ingester, text: str) -> set[str]:
    r = ingester.run(text, source_id="person-cues")
    return {m["exact"] for m in r["mentions"] if m["status"] in ("linked", "new") and m["class"] == "Person"}


def _names(ingester, text: str) -> dict[str, str]:
    return proposed_names(ingester, text, "person-cues")


def test_a_dotted_name_is_one_person(ingester):
    persons = _persons(ingester, "州政协副主席木合塔尔·买买提、热依汗·吐尔逊,秘书长李红参加会议。")
    assert {"木合塔尔·买买提", "热依汗·吐尔逊"} <= persons
    assert not persons & {"木合塔尔", "买买提", "热依汗", "吐尔逊"}


def test_a_dotted_name_after_a_title_without_a_mark(ingester):
    persons = _persons(ingester, "市政协党组书记、主席人选努尔兰别克·叶尔江带领调研组深入企业开展调研。")
    assert "努尔兰别克·叶尔江" in persons and "叶尔江" not in persons


def test_names_after_a_title_and_in_its_list(ingester):
    persons = _persons(ingester, "州政协主席索朗多吉,副主席卞渝、格桑旺堆、伍洁,秘书长曾荣在主席台就座。")
    assert {"索朗多吉", "卞渝", "格桑旺堆", "伍洁", "曾荣"} <= persons


def test_a_name_before_an_act_after_a_title(ingester):
    persons = _persons(ingester, "县政协主席宁栋出席会议并讲话,县委常委、统战部部长达娃到会指导。")
    assert {"宁栋", "达娃"} <= persons


def test_a_name_before_member_and_an_act(ingester):
    persons = _persons(ingester, "会上,涂敏委员代表民盟市委会作大会发言;匡顺委员在发言中说,要加快发展。")
    assert {"涂敏", "匡顺"} <= persons


def test_no_person_in_common_words_after_a_title(ingester):
    names = _names(ingester, "会议审议了市政协常委会议议程,委员沙龙、主席团会议等工作稳步推进,在党委领导下推进工作。")
    assert not {n for n, c in names.items() if c == "Person"}


def test_a_name_read_whole_keeps_other_names_out(ingester):
    # 谭顺|和工作室: no platform begins inside the chairman's name
    names = _names(ingester, "县政协主席谭顺和工作室领衔委员一起为工作室揭牌。")
    assert names.get("谭顺") == "Person"
    assert "顺和工作室" not in names


def test_a_surname_that_is_also_a_preposition_after_a_title(ingester):
    persons = _persons(ingester, "县政协副主席向崇林带领调研组，省政协民宗委副主任和丽芳出席会议。")
    assert {"向崇林", "和丽芳"} <= persons


def test_no_person_from_a_preposition_and_a_word(ingester):
    names = _names(ingester, "县政协主席和专家一起调研，政协委员向社会公开征集意见。")
    assert not {n for n, c in names.items() if c == "Person"}


def test_a_name_before_a_title_and_an_act(ingester):
    persons = _persons(ingester, "会议由主席主持；龙定新副主席作常务委员会工作报告。")
    assert "龙定新" in persons and not any(p.endswith("副") for p in persons)
