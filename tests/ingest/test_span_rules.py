"""Tests of the span rules of issue 13's third pass: quoted programme names, counts before quotes, clauses
listed after a verb, adjectives made of a last word, generic mechanisms, sessions and reports (texts written
for these tests)."""
from __future__ import annotations

import pytest

from cppcc_kg.ingest.phrases import generic_mechanism
from cppcc_kg.ingest.quoted import quoted_alone


def _names(ingester, text: str) -> dict[str, str]:
    r = ingester.run(text, source_id="span-rules")
    return {m["exact"]: m["class"] for m in r["mentions"] if m["status"] in ("linked", "new")}


def test_quoted_programme_before_a_bare_head_is_the_quoted_words(ingester):
    names = _names(ingester, "县政协深入开展“清风护河”行动,取得实效。")
    assert names.get("“清风护河”") == "Program"
    assert "“清风护河”行动" not in names


def test_two_part_slogan_before_activity_is_the_programme_name(ingester):
    names = _names(ingester, "市政协持续开展“小事大家议·周周有协商”活动,效果明显。")
    assert names.get("“小事大家议·周周有协商”") == "Program"
    assert not any(n.endswith("”活动") for n in names)


def test_one_part_quote_keeps_its_activity_word(ingester):
    names = _names(ingester, "县政协开展“送医下乡”活动。")
    assert "“送医下乡”活动" in names


@pytest.mark.parametrize("content, tail, expected", [
    ("清风护河", "行动", True), ("小事大家议·周周有协商", "活动", True), ("小事大家议 周周有协商", "活动", True),
    ("送医下乡", "活动", False), ("清风", "品牌建设行动", False)])
def test_quoted_alone(content, tail, expected):
    assert quoted_alone(content, tail) is expected


def test_count_before_a_wholly_quoted_name_is_left_out(ingester):
    names = _names(ingester, "区政协扎实推进三个“万人助企行动”,成效显著。")
    assert "“万人助企行动”" in names
    assert not any(n.startswith("三个") for n in names)


def test_last_word_before_hua_is_not_a_name_end(ingester):
    names = _names(ingester, "要不断推进基层协商议事规范制度化发展。")
    assert not any(n.endswith("制度") for n in names)


def test_clauses_after_a_verb_are_not_listed_mechanisms(ingester):
    names = _names(ingester, "要健全常态沟通联络、广泛汇聚各方智慧、完善提案质量评价机制。")
    assert "常态沟通联络" not in names and "广泛汇聚各方智慧" not in names
    assert "提案质量评价机制" in names


def test_generic_mechanism_phrase_is_not_a_name(ingester):
    names = _names(ingester, "各级政协要建立民主监督机制,健全委员联系群众长效机制。")
    assert "民主监督机制" not in names
    assert "委员联系群众长效机制" in names


@pytest.mark.parametrize("name, last, expected", [
    ("民主监督机制", "机制", True), ("协商监督长效机制", "机制", True), ("履职服务平台", "平台", True),
    ("提案质量评价机制", "机制", False), ("界别协商会议制度", "制度", False), ("机制", "机制", False)])
def test_generic_mechanism(name, last, expected):
    assert generic_mechanism(name, last) is expected
