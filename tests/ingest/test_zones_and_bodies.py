"""Tests of issue 13's seventh pass (b): zones and regions named by a region and a kind, places in brackets inside a
zone's name, outlets of datelines, words the tagger reads as places that name no place, and bodies in short forms
(texts written for these tests)."""
from __future__ import annotations

import pytest


def _names(ingester, text: str) -> dict[str, str]:
    r = ingester.run(text, source_id="zones-bodies")
    return {m["exact"]: m["class"] for m in r["mentions"] if m["status"] in ("linked", "new")}


@pytest.mark.parametrize("text, zone, parts", [
    ("会议提出,要加快建设关中平原城市群。", "关中平原城市群", ["关中平原"]),
    ("会议提出,要推动海南自由贸易港全域封关。", "海南自由贸易港", ["海南"]),
    ("委员们建议加快推动成渝地区双城经济圈建设,共谋发展。", "成渝地区双城经济圈", ["成渝地区", "双城"]),
    ("政协委员助推大运河国家文化公园建设。", "大运河国家文化公园", ["国家文化公园"]),
])
def test_a_zone_is_named_by_its_region_and_its_kind(ingester, text, zone, parts):
    names = _names(ingester, text)
    assert names.get(zone) == "Place"
    assert not any(p in names for p in parts)


def test_a_place_in_brackets_inside_a_zones_name(ingester):
    names = _names(ingester, "调研组先后走访了中国(福建)自由贸易试验区和东部(杭州)科学城。")
    assert "中国(福建)自由贸易试验区" in names and "东部(杭州)科学城" in names
    assert "福建" not in names and "杭州" not in names


def test_the_outlet_of_a_dateline_is_a_website_not_a_place(ingester):
    names = _names(ingester, "中国甘肃网讯 3月2日,市政协召开主席会议。")
    assert names.get("中国甘肃网") == "Website"
    assert "中国" not in names


@pytest.mark.parametrize("text, wrong", [
    ("守护好“中华水塔”。", "中华"),
    ("委员们走进镇街和村居,倾听群众心声。", "镇街"),
    ("推进宜居宜业和美乡村建设。", "美乡村"),
])
def test_words_that_name_no_place(ingester, text, wrong):
    assert wrong not in _names(ingester, text)


def test_the_whole_of_a_place_is_not_part_of_its_name(ingester):
    names = _names(ingester, "推进横琴全岛封关运作。")
    assert "横琴全岛" not in names and "横琴" in names
