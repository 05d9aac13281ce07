"""Tests of the span rules of issue 13's eighth pass (sentences written for these tests; names made up)."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from support import proposed_names

from cppcc_kg.ingest.pipeline import Ingester


def _names(ingester, text: str) -> dict[str, str]:
    return proposed_names(ingester, text, "span-rules-8")


def _of(ingester, text: str, cls: str) -> set[str]:
    schema = ingester.schema
    return {n for n, c in _names(ingester, text).items() if schema.is_a(c, cls)}


# ------------------------------------------------------------ mechanisms
@pytest.mark.parametrize(("text", "name"), [("强化委员联络服务机制,以作风转变赢得信任。", "委员联络服务机制"),
                                            ("各专委会强化提案督办协商机制。", "提案督办协商机制")])
def test_a_mechanism_strengthened_is_set_up_by_a_verb(ingester, text, name):
    assert name in _of(ingester, text, "Mechanism")


def test_a_generic_mechanism_strengthened_stays_a_description(ingester):
    assert not _of(ingester, "要强化民主监督机制,强化责任落实。", "Mechanism")


@pytest.mark.parametrize(("text", "name"), [("区政协建立提案“一张表”督办制度。", "提案“一张表”督办制度"),
                                            ("建立调研协商“三步走”工作机制,规范程序。", "调研协商“三步走”工作机制")])
def test_words_of_the_committees_work_before_a_quote_open_a_mechanism_s_name(ingester, text, name):
    assert name in _names(ingester, text)


# ------------------------------------------------------------ documents
def test_an_outline_of_a_plan_is_a_document_whole(ingester):
    names = _of(ingester, "全省“十四五”规划纲要提出,要加快建设。", "Document")
    assert names == {"全省“十四五”规划纲要"}


# ------------------------------------------------------------ organizations
@pytest.mark.parametrize(("text", "name"), [("市委督查室负责同志参加调研。", "市委督查室"),
                                            ("县委政研室、县政府研究室派员参加。", "县政府研究室")])
def test_an_office_of_inspection_or_research_is_a_unit_of_its_body(ingester, text, name):
    assert name in _of(ingester, text, "OrganizationalUnit")


# ------------------------------------------------------------ events
def test_a_verb_of_attending_is_no_part_of_a_meeting_s_name(ingester):
    names = _of(ingester, "委员们列席甲市第五届人民代表大会第二次会议。", "Event")
    assert names == {"甲市第五届人民代表大会第二次会议"}


@pytest.mark.parametrize("text", ["会议传达了丙山市委常委会(扩大)会议精神。", "会议传达了丙山市委常委会（扩大）会议精神。"])
def test_an_enlarged_meeting_in_brackets_is_named_with_its_body(ingester, text):
    names = _of(ingester, text, "Event")
    assert {n.replace("（", "(").replace("）", ")") for n in names} == {"丙山市委常委会(扩大)会议"}


# ------------------------------------------------------------ links
def test_a_congress_of_the_party_written_with_zhonggong_links_to_the_graph_s_name_with_dangde(graph):
    g = graph.__class__()
    for t in graph:
        g.add(t)
    congress = URIRef("https://w3id.org/cppcc-kg/id/event/test-party-congress")
    g.add((congress, RDF.type, URIRef("https://w3id.org/cppcc-kg/ontology#Meeting")))
    g.add((congress, RDFS.label, Literal("党的二十大", lang="zh")))
    g.add((congress, RDFS.label, Literal("20th Party Congress", lang="en")))
    r = Ingester(g).run("全面贯彻落实中共二十大精神。", source_id="span-rules-8")
    assert [(m["exact"], m["entity"]) for m in r["mentions"] if m["status"] == "linked"] == [("中共二十大", str(congress))]


def test_an_enlarged_meeting_joined_by_ji_to_another_is_one_name(ingester):
    names = _of(ingester, "县政协党组(扩大)会议暨十二届县政协第三十次主席会议召开", "Event")
    assert "县政协党组(扩大)会议暨十二届县政协第三十次主席会议" in names


# ------------------------------------------------------------ places
@pytest.mark.parametrize(("text", "name"), [("全体会议在成都锦江宾馆举行。", "成都锦江宾馆"),
                                            ("会议在青岛海天大酒店召开。", "青岛海天大酒店")])
def test_a_hotel_named_after_its_city_is_one_place(ingester, text, name):
    assert _of(ingester, text, "Place") == {name}


def test_a_body_s_democratic_life_meeting_is_a_meeting(ingester):
    assert _names(ingester, "学习甲省委常委班子在省委民主生活会上的讲话。").get("省委民主生活会") == "Meeting"


@pytest.mark.parametrize(("text", "name"), [("委员们到市第二十八中学调研。", "市第二十八中学"),
                                            ("调研组在县第三小学召开座谈会。", "县第三小学")])
def test_a_school_of_a_level_named_by_its_number_is_a_body(ingester, text, name):
    assert name in _names(ingester, text)


@pytest.mark.parametrize("text", ["组织机关干部及部分乡镇联络办、社区书记参加。", "考察组了解当地基层联络办工作情况。",
                                  "组织部分苏木镇联络办负责人参加。"])
def test_bodies_after_a_determiner_are_a_phrase_about_several_bodies(ingester, text):
    assert not _names(ingester, text)


@pytest.mark.parametrize("text", ["基地启动建设以来已经举办了十几场活动。", "今年以来共举办20余场委员履职活动。"])
def test_a_count_of_activities_is_no_name(ingester, text):
    assert not _of(ingester, text, "Event")


def test_a_body_a_verb_and_a_body_read_as_one_by_the_tagger_are_a_clause(ingester):
    assert not any("紧扣" in n for n in _names(ingester, "一年来,市政协紧扣党委政府中心任务履职尽责。"))
