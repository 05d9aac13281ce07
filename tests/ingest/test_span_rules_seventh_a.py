"""Tests of the span rules of issue 13's seventh pass (a): mechanisms, events, documents, concepts, programmes,
honours and publications (sentences written for these tests)."""
from __future__ import annotations

import pytest
from rdflib import Graph
from support import proposed_names

from cppcc_kg.ingest.pipeline import Ingester


def _names(ingester, text: str) -> dict[str, str]:
    return proposed_names(ingester, text, "span-rules-7a")


def _mechanisms(ingester, text: str) -> set[str]:
    schema = ingester.schema
    return {n for n, c in _names(ingester, text).items() if schema.is_a(c, "Mechanism")}


# ------------------------------------------------------------ mechanisms: what makes a generic phrase no name
def test_a_complement_after_the_verb_is_not_the_first_word_of_a_mechanism(ingester):
    # 搭建好|协商平台: 好 completes the verb; what is left is a kind of platform
    assert not _mechanisms(ingester, "区政协要搭建好协商平台,规范协商形式。")


def test_a_quote_s_kind_does_not_run_across_a_verb_and_le(ingester):
    names = _names(ingester, "我们按照“六有”标准建立了委员工作室,服务群众。")
    assert not any("建立了" in n for n in names)


@pytest.mark.parametrize("text", ["各部门形成新型工作推进机制。", "区政协构建常态化工作落实机制。"])
def test_a_mechanism_named_by_words_of_manner_is_a_description(ingester, text):
    assert not _mechanisms(ingester, text)


@pytest.mark.parametrize("text", ["要加快构建现代化物流体系。", "探索创新生产经营模式,拓宽渠道。",
                                  "围绕推进养老服务体系建设开展调研。"])
def test_a_system_of_the_economy_is_no_mechanism_of_the_committee(ingester, text):
    # 体系, 模式, 格局 after a verb name a mechanism of the committee's work only with a word of that work
    assert not _mechanisms(ingester, text)


def test_a_system_of_the_committees_work_is_a_mechanism(ingester):
    assert "提案质量评价体系" in _mechanisms(ingester, "市政协完善提案质量评价体系,提升提案质量。")


def test_an_item_of_a_list_of_mechanisms_keeps_its_first_word(ingester):
    mech = _mechanisms(ingester, "两地建立信息通报机制、项目合作机制、创新共享机制。")
    assert "共享机制" not in mech
    assert {"信息通报机制", "项目合作机制"} <= mech


def test_rooms_named_by_the_kind_of_their_members_are_a_common_noun(ingester):
    assert not _mechanisms(ingester, "市政协以7个专委会委员工作室为依托,开展活动。")


@pytest.fixture(scope="module")
def rooms_ingester(graph):
    """The fixture graph with a platform named by a common noun (as the curated graph's members' workstations)."""
    g = Graph()
    for t in graph:
        g.add(t)
    g.parse(data="""@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/cppcc-kg/id/mechanism/test-rooms> a cppcc:Platform ;
    rdfs:label "委员工作室"@zh, "Members' rooms (test)"@en .
""", format="turtle")
    return Ingester(g)


@pytest.mark.parametrize("text", ["县政协领导调研并对接委员工作室工作。", "委员工作室是近年来政协工作的创新。"])
def test_the_graphs_common_noun_platform_is_no_mention_in_passing(rooms_ingester, text):
    assert "委员工作室" not in _names(rooms_ingester, text)


@pytest.mark.parametrize("text", ["县政协在社区设立委员工作室,服务群众。", "全县共建成委员工作室15个。"])
def test_the_graphs_common_noun_platform_set_up_or_counted_stays(rooms_ingester, text):
    assert "委员工作室" in _names(rooms_ingester, text)


# ------------------------------------------------------------ events
def test_two_meetings_joined_by_he_are_two_and_the_first_begins_with_its_body(ingester):
    names = _names(ingester, "会议传达学习了自治区党委九届十四次全委会议和市委十一届八次全委会议精神。")
    assert "自治区党委九届十四次全委会议" in names and "市委十一届八次全委会议" in names
    assert not any("和市委" in n for n in names)


def test_a_meeting_begins_with_its_ordinal_after_words_that_are_no_body(ingester):
    names = _names(ingester, "与相关区县协商第二届联席协作会议筹备会议召开时间及地点。")
    assert "第二届联席协作会议" in names
    assert not any(n.startswith("区县") for n in names)


def test_a_work_meeting_of_a_party_committee_with_its_ordinal(ingester):
    names = _names(ingester, "在日前举行的中共张掖市甘州区委第三次政协工作会上,区政协主席讲话。")
    assert "中共张掖市甘州区委第三次政协工作会" in names


# ------------------------------------------------------------ honours
@pytest.mark.parametrize("text, name", [
    ("常委会会议期间将表彰十三届市政协优秀提案和先进承办单位。", "十三届市政协优秀提案"),
    ("会议听取了关于表彰2020—2021年度县政协提案办理先进单位的情况汇报。", "2020—2021年度县政协提案办理先进单位"),
])
def test_an_honour_conferred_by_a_commendation(ingester, text, name):
    assert _names(ingester, text).get(name) == "Honour"


@pytest.mark.parametrize("text, name", [
    ("会议表彰了一批优秀提案。", "优秀提案"),
    ("大会表彰了30件优秀提案，", "优秀提案"),
    ("会议表彰了若干先进集体、先进个人。", "先进集体"),
    ("会上表彰了12个提案承办先进单位。", "提案承办先进单位"),
])
def test_the_count_of_what_a_meeting_commends_is_not_in_the_honours_name(ingester, text, name):
    """(review 6) 一批, 30件, 若干, 12个 count the things commended: the honour's name begins after them."""
    names = _names(ingester, text)
    assert names.get(name) == "Honour" and not any(n.endswith(name) and n != name for n in names), names


@pytest.mark.parametrize("text, name", [("结合全国文明城市创建工作,深入社区。", "全国文明城市"),
                                        ("全力创建国家卫生城市。", "国家卫生城市")])
def test_a_national_title_of_a_city_is_an_honour(ingester, text, name):
    assert _names(ingester, text).get(name) == "Honour"


# ------------------------------------------------------------ documents
def _documents(ingester, text: str) -> set[str]:
    schema = ingester.schema
    return {n for n, c in _names(ingester, text).items() if schema.is_a(c, "Document")}


def test_the_work_points_a_plan_is_put_into_are_a_document(ingester):
    assert "区委常委会年度工作要点" in _documents(ingester, "协商计划将列入区委常委会年度工作要点,增强权威性。")


def test_a_bodys_plan_of_the_year_is_a_document(ingester):
    assert "区政协协商年度计划" in _documents(ingester, "区委办牵头制定实施区政协协商年度计划。")


def test_a_verb_inside_the_words_after_another_verb_sets_up_a_name_too(ingester):
    # 制定…计划|将|列入…工作要点: the words after 制定 hold 列入, which sets up the second document
    docs = _documents(ingester, "区委办制定实施区政协协商年度计划将列入区委常委会年度工作要点。")
    assert {"区政协协商年度计划", "区委常委会年度工作要点"} <= docs


# ------------------------------------------------------------ concepts
@pytest.mark.parametrize("text, name", [("初步形成“四提升、两拓展”的改革创新新格局。", "“四提升、两拓展”"),
                                        ("各社区按照“七有”标准建设阵地。", "“七有”")])
def test_a_quoted_formula_of_parts_or_of_two_characters_is_a_concept(ingester, text, name):
    assert _names(ingester, text).get(name) == "Concept"


@pytest.mark.parametrize("text", ["活动持续“两天”。", "他们提出“三个”问题。"])
def test_a_quoted_count_of_days_or_things_is_no_formula(ingester, text):
    assert not any(c == "Concept" for c in _names(ingester, text).values())


def test_a_strategy_named_by_an_epithet_of_china_is_a_concept(ingester):
    assert _names(ingester, "主动融入服务健康中国战略,推动产业发展。").get("健康中国战略") == "Concept"


def test_a_nationally_known_doctrine_without_quotes_is_a_concept(ingester):
    assert _names(ingester, "深入践行全过程人民民主,助推经济圈建设。").get("全过程人民民主") == "Concept"


def test_the_two_sessions_in_quotes_are_an_event_with_their_level(ingester):
    names = _names(ingester, "认真贯彻全国“两会”精神,结合实际。")
    assert any(n.startswith("全国“两会") and c == "Meeting" for n, c in names.items())


def test_the_group_activities_of_a_session_are_the_session(ingester):
    names = _names(ingester, "会议听取了政协包头市第十二届委员会第四次会议界别小组活动安排。")
    assert not any(n.endswith("活动") for n in names)


# ------------------------------------------------------------ publications
@pytest.mark.parametrize("text, name", [("某某网讯(记者 张三)近日,省政协召开会议。", "某某网"),
                                        ("  中国西藏网讯 1月11日,政协会议开幕。", "中国西藏网"),
                                        ("会议召开 杜某主持 香格里拉网讯 (记者 和某) 会议召开。", "香格里拉网")])
def test_the_outlet_of_a_dateline_is_a_publication(ingester, text, name):
    names = _names(ingester, text)
    assert ingester.schema.is_a(names.get(name, "Thing"), "Publication")


def test_a_meeting_that_reviews_is_an_event(ingester):
    # 经X会议复审: the meeting that reviews (an enlarged meeting of the chairpersons), without 经
    names = _names(ingester, "提案经市政协主席扩大会议复审后,交有关单位办理。")
    assert names.get("市政协主席扩大会议") == "Meeting"


def test_a_long_list_of_names_set_up_by_verbs_gives_each_name_once():
    """(review 6) Each verb of a list (建立A机制、建立B机制、…) reads the items after it: an item read already by an
    earlier verb of the list is not proposed again (a list of n items gave n²/2 candidates, and ingest took minutes
    on a line of a few thousand characters)."""
    from cppcc_kg.ingest.context import demo_context
    from cppcc_kg.ingest.forms import Tokens
    from cppcc_kg.ingest.phrases import mechanisms

    ctx = demo_context()
    n = 40
    norm = "会议要求建立" + "、".join(["建立协商机制", "完善监督制度"] * (n // 2)) + "。"
    found = mechanisms(ctx, norm, Tokens(ctx.seg.tokens(norm), len(norm)))
    spans = {(c.i, c.j) for c in found}
    assert len(spans) == n and {norm[a:b] for a, b in spans} == {"协商机制", "完善监督制度"}  # each item's name
    assert len(found) <= 2 * n  # (an item after a verb of its own is read by that verb too)
