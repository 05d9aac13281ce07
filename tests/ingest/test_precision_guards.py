"""Tests of the precision guards of issue 13, seventh pass (c): spans no careful reader would mark (a half-closed
quote, a count before a name, a particle inside a name, a fragment of a word, generic phrases); sentences written
for these tests."""
from __future__ import annotations

from support import proposed_names


def _names(ingester, text: str) -> dict[str, str]:
    return proposed_names(ingester, text, "precision-guards")


def test_a_quoted_slogan_keeps_its_opening_quote(ingester):
    names = _names(ingester, "全县实现村、组“三个全覆盖”,成效明显。")
    assert "“三个全覆盖”" in names
    assert not any(n.endswith("”") and not n.startswith("“") for n in names)


def test_a_count_in_digits_is_not_part_of_a_quoted_plan(ingester):
    names = _names(ingester, "省政协围绕3个“十五五”规划开展协商。")
    assert "3个“十五五”规划" not in names
    assert "“十五五”规划" in names


def test_a_count_in_words_stays_in_a_set_phrase(ingester):
    names = _names(ingester, "全面落实四个“倍增计划”实施方案。")
    assert "四个“倍增计划”实施方案" in names


def test_a_particle_ends_the_words_after_a_quote(ingester):
    names = _names(ingester, "各村按照“五有”要求建立了协商议事室。")
    assert not any("建立了" in n for n in names)


def test_the_countryside_is_no_place(ingester):
    names = _names(ingester, "两地围绕文旅融合、和美乡村建设开展联合调研。")
    assert not any(n.endswith("乡村") for n in names)


def test_places_before_the_kind_of_a_region_are_its_name(ingester):
    names = _names(ingester, "两地政协共同推动成渝地区双城经济圈建设。")
    assert names.get("成渝地区双城经济圈") is not None
    assert "双城" not in names and "成渝地区" not in names


def test_plural_levels_and_the_nation_are_no_places(ingester):
    names = _names(ingester, "守好“中华水塔”的第一道防线，各镇街要建立委员工作室，全市镇街全覆盖。")
    assert "中华" not in names and "镇街" not in names


def test_activities_named_by_their_kind_are_no_events(ingester):
    names = _names(ingester, "工作室定期开展公益活动，深入开展基层协商民主活动。")
    assert "公益活动" not in names and "基层协商民主活动" not in names


def test_groups_and_mechanisms_named_by_kinds_are_descriptions(ingester):
    names = _names(ingester, "省政协成立专项调研组，围绕构建现代化物流体系开展调研，形成新型工作推进机制。")
    assert not {"专项调研组", "现代化物流体系", "新型工作推进机制"} & set(names)


def test_no_body_ends_inside_central_work(ingester):
    names = _names(ingester, "委员们围绕省委省政府中心工作，聚焦群众关注的热点难点问题作大会发言。")
    assert not any(n.endswith("中心") for n in names)


def test_kinds_of_meetings_groups_and_complements_are_no_names(ingester):
    names = _names(ingester, "本次常委会会议期间，要搭建好协商平台，探索由委员联络组提出议题。")
    assert not {"常委会会议", "好协商平台", "委员联络组"} & set(names)
