"""Tests of the span rules of issue 13's third pass: quoted programme names, counts before quotes, clauses
listed after a verb, adjectives made of a last word, generic mechanisms, sessions and reports (texts written
for these tests)."""
from __future__ import annotations

import pytest
from rdflib import Graph
from support import proposed_names

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.descriptions import generic_mechanism
from cppcc_kg.ingest.pipeline import Ingester
from cppcc_kg.ingest.quoted import quoted_alone


def _names(ingester, text: str) -> dict[str, str]:
    return proposed_names(ingester, text, "span-rules")


def test_quoted_programme_before_a_bare_head_is_the_quoted_words(ingester):
    names = _names(ingester, "县政协深入开展“清风护河”行动,取得实效。")
    assert names.get("“清风护河”") == "Program"
    assert "“清风护河”行动" not in names


def test_two_part_slogan_before_activity_is_the_programme_name(ingester):
    names = _names(ingester, "市政协持续开展“小事大家议·周周有协商”活动,效果明显。")
    assert names.get("“小事大家议·周周有协商”") == "Program"
    assert not any(n.endswith("”活动") for n in names)


def test_one_part_quote_before_a_bare_activity_is_the_programme(ingester):
    # issue 13, sixth pass: the real sets' guidelines (“委员活动日”活动 → 委员活动日); a kind of activity between the
    # quote and 活动 keeps the whole (“岭上议事”协商活动)
    names = _names(ingester, "县政协开展“送医下乡”活动和“岭上议事”协商活动。")
    assert names.get("“送医下乡”") == "Program" and "“送医下乡”活动" not in names
    assert "“岭上议事”协商活动" in names


@pytest.mark.parametrize("content, tail, expected", [
    ("清风护河", "行动", True), ("小事大家议·周周有协商", "活动", True), ("小事大家议 周周有协商", "活动", True),
    ("送医下乡", "活动", True), ("送医下乡", "协商活动", False), ("清风", "品牌建设行动", False)])
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


def test_meeting_whose_spirit_is_studied_is_an_event_without_the_verb(ingester):
    names = _names(ingester, "会议传达学习省政协常委会会议和全省政协秘书长工作交流会精神,认真领会全省政协秘书长工作交流会精神。")
    assert "省政协常委会会议" in names and "全省政协秘书长工作交流会" in names
    assert not any(n.startswith(("领会", "传达")) for n in names)


def test_enlarged_meeting_with_an_ordinal_is_one_event(ingester):
    names = _names(ingester, "6月3日,七届市政协党组第12次(扩大)会议在市里召开。")
    assert any(n.endswith("第12次(扩大)会议") and n.startswith("七届市政协党组") for n in names), names


def test_description_before_de_is_not_a_meeting_name(ingester):
    names = _names(ingester, "在为期3天的会议期间,委员们认真履职。")
    assert not any("的会议" in n for n in names)


def test_session_named_after_the_full_name_of_a_committee(ingester):
    text = "中国人民政治协商会议通辽市科尔沁区第九届委员会第二次会议隆重开幕。"
    names = _names(ingester, text)
    assert names.get("中国人民政治协商会议通辽市科尔沁区第九届委员会第二次会议") == "PlenarySession"


def test_reports_named_after_a_standing_committee_are_documents(ingester, graph):
    schema = LocalSchema.from_graph(graph)
    text = ("会议审议政协通辽市科尔沁区第九届委员会常务委员会工作报告;审议政协通辽市科尔沁区第九届委员会常务委员会"
            "关于九届一次会议以来提案工作情况的报告。")
    names = _names(ingester, text)
    reports = [n for n, c in names.items() if n.endswith("报告")]
    assert "政协通辽市科尔沁区第九届委员会常务委员会工作报告" in reports
    assert "政协通辽市科尔沁区第九届委员会常务委员会关于九届一次会议以来提案工作情况的报告" in reports
    assert all(schema.is_a(names[n], "Document") for n in reports)


def test_graph_name_does_not_end_inside_a_word(graph):
    g = Graph()
    for t in graph:
        g.add(t)
    g.parse(data='@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> . '
                 '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . '
                 '<https://w3id.org/cppcc-kg/id/org/test-standing-committee> a cppcc:StandingCommittee ; '
                 'rdfs:label "青山县政协常委会"@zh, "Standing Committee (test)"@en .', format="turtle")
    ing = Ingester(g)  # (a bare 常委会 is a generic word: sixth pass)
    assert "青山县政协常委会" in _names(ing, "会议听取了青山县政协常委会的报告。")
    assert "青山县政协常委会" not in _names(ing, "会议审议了青山县政协常委会议议程。")  # 常委|会议


def test_pronoun_and_level_word_are_not_part_of_a_place(ingester):
    names = _names(ingester, "委员们来到该县红旗镇苹果种植基地调研。")
    assert not any(n.startswith("该县") for n in names), names


def test_short_form_of_a_special_committee(ingester):
    names = _names(ingester, "近日,扎兰屯市政协文卫委带领委员调研;市政协机关党委书记参加。")
    assert names.get("扎兰屯市政协文卫委") == "SpecialCommittee"
    assert not any(n.endswith("机关党委") and n.startswith("市政协") and names[n] == "SpecialCommittee" for n in names)


def test_verb_after_a_quote_is_not_its_kind(ingester):
    names = _names(ingester, "委员们围绕“推进智慧农业发展”开展调研。")
    assert not any(n.endswith("开展调研") for n in names)


def test_count_of_places_is_not_a_place(ingester):
    names = _names(ingester, "加快全县“三区两带”建设,推动三区协调发展。")
    assert "三区" not in names


def test_clause_joined_by_bing_is_not_a_mechanism(ingester):
    names = _names(ingester, "委员们深入社区开展走访并对接委员联络站工作。")
    assert not any(n.startswith("走访") for n in names)


def test_a_kind_of_zone_alone_is_not_a_place(ingester):
    names = _names(ingester, "调研组来到自由贸易区,了解通关情况。")
    assert "自由贸易区" not in names


def test_a_kind_of_meeting_is_not_its_name(ingester):
    names = _names(ingester, "委员们出席表彰大会并参加工作会议。")
    assert "表彰大会" not in names and "工作会议" not in names


# ---- fourth pass (issue 13, dev2): texts written for these tests

def test_a_person_who_acts_is_not_part_of_a_bodys_name():
    from cppcc_kg.ingest.context import demo_context
    from cppcc_kg.ingest.forms import Candidate
    from cppcc_kg.ingest.merge import refine
    text = "主席王建华代表政协云南省第九届委员会常务委员会"
    words = [(0, 2, "主席", "n"), (2, 5, "王建华", "PER"), (5, 7, "代表", "v"), (7, 9, "政协", "ORG"),
             (9, 12, "云南省", "LOC"), (12, 16, "第九届", "m"), (16, 24, "委员会常务委员会", "n")]
    out = refine(demo_context(), text, [Candidate(0, len(text), "StandingCommittee", "cppcc full name", 70)], words)
    assert [text[c.i:c.j] for c in out] == ["政协云南省第九届委员会常务委员会"]


def test_a_clause_between_an_ordinal_and_a_meeting_is_no_event(ingester):
    names = _names(ingester, "会上,主席王建华代表政协云南省第九届委员会常务委员会向大会报告工作。")
    assert "政协云南省第九届委员会常务委员会" in names
    assert not any(n.endswith("向大会") for n in names)


@pytest.mark.parametrize("text, name", [
    ("会议听取提案委主任张文关于提案办理的汇报。", "提案委"),
    ("会议听取教文委副主任李红的汇报。", "教文委"),
    ("今年,文史资料委将重点编写一部史料。", "文史资料委"),
])
def test_short_form_of_a_special_committee_alone(ingester, text, name):
    assert _names(ingester, text).get(name) in ("SpecialCommittee", "OrganizationalUnit")


@pytest.mark.parametrize("text", ["会议听取党委主任的汇报。", "会上,市委书记讲话。", "今年,常委将深入调研。"])
def test_party_and_level_committees_are_not_short_special_committees(ingester, text):
    from cppcc_kg.ingest.context import demo_context
    from cppcc_kg.ingest.forms import Tokens
    from cppcc_kg.ingest.named import short_committees
    ctx = demo_context()
    assert short_committees(ctx, text, Tokens(ctx.seg.tokens(text), len(text))) == []


def test_two_meetings_joined_by_ji_are_one_event(ingester):
    names = _names(ingester, "5月8日,全县政协提案工作推进会暨经验交流会举行。")
    assert "全县政协提案工作推进会暨经验交流会" in names
    assert "经验交流会" not in names


def test_events_named_in_quotes_joined_by_ji_stay_two(ingester):
    names = _names(ingester, "旗政协举办“三好一满意”表彰大会暨“同心向前”文艺演出。")
    assert not any("暨" in n for n in names)


def test_a_town_after_a_persons_name_is_not_cut():
    from cppcc_kg.ingest.context import demo_context
    from cppcc_kg.ingest.forms import Candidate
    from cppcc_kg.ingest.merge import refine
    text = "敖勒召其镇"
    words = [(0, 2, "敖勒", "PER"), (2, 3, "召", "v"), (3, 5, "其镇", "r")]
    out = refine(demo_context(), text, [Candidate(0, 5, "SumuOrTownship", "venue", 60)], words)
    assert [text[c.i:c.j] for c in out] == ["敖勒召其镇"]


def test_the_verb_before_a_list_is_not_in_its_first_item():
    from cppcc_kg.ingest.context import demo_context
    from cppcc_kg.ingest.forms import Candidate, Tokens
    from cppcc_kg.ingest.phrases import lists
    ctx = demo_context()
    text = "开展了青年委员沙龙、共建书画院、主题联组学习等联动活动。"
    toks = Tokens(ctx.seg.tokens(text), len(text))
    named = [Candidate(11, 14, "Organization", "org form", 60)]
    spans = [text[c.i:c.j] for c in lists(ctx, text, toks, named)]
    assert "青年委员沙龙" in spans and not any(s.startswith("开展") for s in spans)


def test_report_of_a_standing_committee_by_its_short_form(ingester):
    names = _names(ingester, "委员们认真审议了省政协常委会工作报告和提案工作情况报告。")
    assert "省政协常委会工作报告" in names


def test_quotes_in_a_row_after_a_verb_are_named_as_the_first(ingester):
    names = _names(ingester, "会议要求统筹推进“同心聚力”“协商为民”“数字赋能”工作,推动高质量发展。")
    assert names.get("“同心聚力”") == "Program"
    assert names.get("“协商为民”") == "Program" and names.get("“数字赋能”") == "Program"


@pytest.mark.parametrize("text, bad", [
    ("县政协积极开展调研协商、视察考察等活动,助力发展。", "视察考察等活动"),
    ("代表团开展分主题考察活动10批次。", "分主题考察活动"),
    ("市政协召开调研座谈会,听取意见。", "调研座谈会"),
])
def test_kinds_of_activities_are_not_event_names(ingester, text, bad):
    assert bad not in _names(ingester, text)


def test_a_determiner_after_a_quote_is_not_part_of_its_name(ingester):
    names = _names(ingester, "按照“政协委员助力乡村振兴行动”有关要求,委员们深入调研。")
    assert "“政协委员助力乡村振兴行动”" in names
    assert not any(n.endswith("有关要求") for n in names)


def test_a_kind_of_meeting_where_something_is_said_is_no_name(ingester):
    assert "调研座谈会" not in _names(ingester, "在调研座谈会上,大家畅所欲言。")


@pytest.mark.parametrize("text, name", [
    ("县委副书记、政法委书记王明出席。", "政法委"), ("县委常委、统战部部长李强主持会议。", "统战部")])
def test_a_body_named_in_a_title_after_a_list_mark(ingester, text, name):
    assert name in _names(ingester, text)


def test_bodies_of_several_levels_are_not_one_name(ingester):
    names = _names(ingester, "总结市、区两级政协探索建立的履职新机制。")
    assert not any(n.endswith("两级政协") for n in names)


# ------------------------------------------------------------ fifth pass (issue 13)
@pytest.mark.parametrize("text, name", [
    ("市委提出“2468”发展战略,全市上下认真落实。", "“2468”"),
    ("县政协围绕“三城两区”工作思路建言献策。", "“三城两区”"),
    ("奋力绘就“四强两高”美好蓝图。", "“四强两高”"),
])
def test_a_quote_before_the_kind_of_a_concept_is_the_concept(ingester, text, name):
    names = _names(ingester, text)
    assert names.get(name) == "Concept"
    assert not any(n.startswith(name) and n != name for n in names)


def test_a_name_does_not_run_across_a_space_between_phrases(ingester):
    names = _names(ingester, "守正创新擦亮品牌 打造议事平台更加规范")
    assert not any(" " in n or "品牌打造" in n for n in names)


def test_a_quoted_name_keeps_its_space(ingester):
    names = _names(ingester, "市政协持续开展“小事大家议 周周有协商”活动。")
    assert "“小事大家议 周周有协商”" in names


def test_the_topic_built_before_a_meeting_is_part_of_its_name(ingester):
    names = _names(ingester, "全县政协协商阵地建设推进会暨观摩交流会举行。")
    assert "全县政协协商阵地建设推进会" in names
    assert not any(n.startswith("推进会") or n == "平台建设推进会" for n in names)


def test_a_year_written_as_two_words_begins_a_meetings_name(ingester):
    names = _names(ingester, "区政协承办了2025年东部地区政协文史工作座谈会。")
    assert "2025年东部地区政协文史工作座谈会" in names


@pytest.mark.parametrize("text, name", [
    ("会议审议了县政协2025年度调研工作计划。", "县政协2025年度调研工作计划"),
    ("常委会议审议2024年全区政协委员履职积分管理方案等事项。", "2024年全区政协委员履职积分管理方案"),
])
def test_a_plan_that_a_meeting_deliberates_is_a_document(ingester, text, name):
    cls = _names(ingester, text).get(name)
    assert cls is not None and ingester.schema.is_a(cls, "Document")


def test_a_meeting_named_after_speaking_to_the_assembly_begins_at_its_ordinal(ingester):
    names = _names(ingester, "受县政协常务委员会委托,向大会报告八届二次会议以来的工作。")
    assert "八届二次会议" in names
    assert not any(n.startswith("大会") for n in names)


def test_the_centre_of_serving_the_overall_situation_is_no_body(ingester):
    names = _names(ingester, "县政协将紧紧围绕服务中心大局,更加有效服务中心任务。")
    assert not any(n.endswith("中心") for n in names)


@pytest.mark.parametrize("text, bad", [
    ("要认真贯彻省市委全会精神。", "省市委"),
    ("余杭、德清、安吉三地政协共同推动协商。", "安吉三地政协"),
])
def test_bodies_of_several_places_with_a_shared_head_are_no_name(ingester, text, bad):
    assert bad not in _names(ingester, text)


@pytest.mark.parametrize("text, place", [
    ("要讲好中国故事,传播好湖南声音。", "中国"),
    ("共同建设美丽中国,守护绿水青山。", "中国"),
])
def test_a_place_in_a_slogan_about_it_is_no_mention(ingester, text, place):
    assert place not in _names(ingester, text)


@pytest.mark.parametrize("text, name", [
    ("县政协围绕“五城一区”建设,深入调研。", "“五城一区”"),
    ("委员们要发挥“双重桥梁作用”,广泛凝聚共识。", "“双重桥梁作用”"),
    ("通过“三学联促”,强化理论武装。", "“三学联促”"),
])
def test_a_quoted_formula_that_begins_with_a_number_is_a_concept(ingester, text, name):
    assert _names(ingester, text).get(name) == "Concept"


@pytest.mark.parametrize("text, bad", [("迎接“七一”到来。", "“七一”"), ("确保“十五五”开好局。", "“十五五”"),
                                       ("加强“两支队伍”建设。", "“两支队伍”"), ("以“双第一”的成绩获评。", "“双第一”")])
def test_a_date_or_a_plan_period_in_quotes_is_no_formula(ingester, text, bad):
    assert _names(ingester, text).get(bad) != "Concept"


def test_a_slogan_of_listed_parts_before_a_kind_of_activity_is_the_programme(ingester):
    names = _names(ingester, "县政协开展“解民忧、暖民心、促发展”专题实践活动。")
    assert names.get("“解民忧、暖民心、促发展”") == "Program"
    assert not any(n.endswith("实践活动") for n in names)


@pytest.mark.parametrize("content, tail, expected", [
    ("解民忧、暖民心", "专题实践活动", True), ("解民忧、暖民心", "活动", True), ("送医下乡", "专题实践活动", False)])
def test_quoted_alone_after_a_kind_of_activity(content, tail, expected):
    assert quoted_alone(content, tail) is expected


def test_a_plan_of_a_quoted_campaign_holds_the_campaign_and_its_year(ingester):
    names = _names(ingester, "会议听取了关于2024年“委员服务月”活动方案的汇报。")
    assert "2024年“委员服务月”活动方案" in names
    assert names.get("“委员服务月”") == "Program"


@pytest.mark.parametrize("text, body, bad", [
    ("组织住鄂全国政协委员开展视察。", "全国政协", "鄂全国政协"),
    ("市政协主席率住锡省政协委员赴南京考察。", "省政协", "锡省政协"),
])
def test_the_place_where_members_reside_is_not_part_of_their_body(ingester, text, body, bad):
    names = _names(ingester, text)
    assert body in names and bad not in names


def test_a_mechanism_named_by_its_scope_and_generic_words_is_a_description(ingester):
    names = _names(ingester, "要持续深入推进全县政协协商平台建设。")
    assert not any(n.endswith("平台") for n in names)


def test_quotes_that_a_body_holds_are_events(ingester):
    names = _names(ingester, "县政协精心筹办“乡贤回归汇”“千名学子返乡行”“侨商恳谈周”,反响热烈。")
    assert names.get("“乡贤回归汇”") and ingester.schema.is_a(names["“乡贤回归汇”"], "Event")
    assert names.get("“千名学子返乡行”") and ingester.schema.is_a(names["“千名学子返乡行”"], "Event")


def test_development_is_no_exhibition(ingester):
    names = _names(ingester, "委员们在推动县域经济高质量发展中积极作为。")
    assert not any(n.endswith("发展") for n in names)


@pytest.mark.parametrize("text, bad", [
    ("会议听取了县政协部分专委会年度工作计划的汇报。", "县政协部分专委会"),
    ("要加强与上海相关区政协的交流合作。", "上海相关区政协"),
])
def test_a_determiner_inside_a_body_makes_it_no_name(ingester, text, bad):
    assert bad not in _names(ingester, text)


@pytest.mark.parametrize("text, bad", [
    ("县政协成立三个界别组,分别开展调研。", "三个界别组"),
    ("推动市政协委员联系界别群众常态化。", "市政协委员联系界别"),
])
def test_a_count_of_bodies_or_the_masses_of_a_sector_are_no_body(ingester, text, bad):
    assert bad not in _names(ingester, text)


def test_a_quoted_consultation_room_is_named_with_its_kind(ingester):
    names = _names(ingester, "走进“百姓议事”协商议事室,与群众面对面协商。")
    assert "“百姓议事”协商议事室" in names


# ---------------------------------------------------------------- sixth pass (a): places

def _places(ingester, text: str) -> set[str]:
    r = ingester.run(text, source_id="span-rules")
    return {m["exact"] for m in r["mentions"] if m["status"] in ("linked", "new") and not m["nested"]
            and ingester.schema.is_a(m["class"], "Place")}


@pytest.mark.parametrize("text, group", [
    ("两地政协将深化沪苏协作,共同推动沪苏同城化发展。", "沪苏"),
    ("会议围绕推动粤港澳合作和湘鄂赣协作交流了意见。", "湘鄂赣"),
    ("双方就深化中俄经贸往来进行了交流。", "中俄"),
    ("2023年以来,京蒙两地党委、政府密切协作,京蒙两地政协搭建平台。", "京蒙"),
])
def test_a_group_of_one_character_short_forms_is_no_place(ingester, text, group):
    """京津冀, 沪港澳, 中俄: one-character short forms of provinces or countries in a row name several places
    together (a grouping or a cooperation), not one place."""
    assert group not in _places(ingester, text)


def test_two_short_forms_that_are_one_place_s_name_stay_a_place(ingester):
    """辽宁 is 辽 and 宁, and one province: two short forms are a group only before a word of a group."""
    assert "辽宁" in _places(ingester, "今年是辽宁加快实现全面振兴的关键之年。")


def test_a_rank_before_a_kind_of_zone_is_no_name(ingester):
    """国家级高新区, 省级开发区: a rank and a kind of zone, no zone's name."""
    assert not _places(ingester, "调研组从东湖镇到国家级高新区金沙街道,实地察看项目建设。") & {"国家级高新区"}
    assert not _places(ingester, "委员们走访了省级经济开发区的多家企业。") & {"省级经济开发区"}


def test_a_city_before_the_words_of_several_levels_is_the_city(ingester):
    """甲市县(区)政协: 市县 are two levels; the place is the city before them, not 甲市县."""
    places = _places(ingester, "调研组详细了解桂平市县(区)政协机关建设情况。")
    assert "桂平市县" not in places


def test_a_place_that_begins_the_name_of_a_website_or_paper_is_no_mention(ingester):
    """X网讯, X日报: the place is the first word of the outlet's name (a dateline), not a place of the text."""
    assert "丽江" not in _places(ingester, "丽江网讯 (记者 王某)近日,市政协召开主席会议。")
    assert "丽江" in _places(ingester, "委员们到丽江开展调研。")


def test_a_place_without_its_level_word_begins_the_name_of_its_site(ingester):
    """东湖|新材料|产业园: a place written without a level word, then nouns, then the last word of a site is one
    name, the site's; the bare place alone is no mention there."""
    places = _places(ingester, "调研组一行察看了东湖新材料产业园和项目现场。")
    assert "东湖新材料产业园" in places and "东湖" not in places


def test_a_place_with_its_level_word_before_a_site_stays_a_place_of_its_own(ingester):
    """永乐镇|黄桃种植基地: a place with its level word is a name of its own (chains of places are split)."""
    places = _places(ingester, "委员们在永乐镇黄桃种植基地调研。")
    assert "永乐镇" in places and "永乐镇黄桃种植基地" not in places


def test_a_one_level_word_of_two_characters_is_not_two_levels(ingester):
    """苏木 and 嘎查 are one level each (not 苏|木): a sumu's name keeps its last word."""
    assert "格日朝鲁苏木" in _places(ingester, "旗政协委员赴巴雅尔图胡硕镇、格日朝鲁苏木开展调研。")


def test_a_count_of_places_is_no_place(ingester):
    assert "五大洲" not in _places(ingester, "论坛邀请五大洲30多个国家的嘉宾参加。")


def test_one_character_and_sheng_end_the_name_of_a_province(ingester):
    """No province is named by one character: 甲乙丙|丁省 cut by the tagger is one province, 甲乙丙丁省."""
    places = _places(ingester, "代表团访问了老挝丰沙里省、南塔省、乌多姆赛省。")
    assert "乌多姆赛省" in places and "赛省" not in places
    assert "浙江全省" not in _places(ingester, "浙江全省政协系统干部参加培训。")  # 全省: the whole province
    assert "河北两省" not in _places(ingester, "会议邀请了山东、河北两省的代表。")  # 两省: a count


def test_a_place_before_a_level_word_and_a_body_s_head_names_the_body(ingester):
    """曹妃甸|区委书记: the place without its level word, then 区委, is the district's Party committee."""
    r = ingester.run("市委常委、曹妃甸区委书记侯旭出席会议。", source_id="span-rules")
    names = {m["exact"]: m["class"] for m in r["mentions"] if m["status"] in ("linked", "new")}
    assert "曹妃甸区委" in names and ingester.schema.is_any(names["曹妃甸区委"], "body")
    assert "曹妃甸" not in names


def test_a_named_division_before_an_attribute_word_is_still_a_place(ingester):
    """中国特色 is an attribute; 甲古镇特色街区 names the town: the attribute rule is for places without a level word."""
    assert "西塘古镇" in _places(ingester, "委员们察看了西塘古镇特色主题街区建设。")


def test_a_village_that_begins_the_name_of_a_centre_is_the_village(ingester):
    """东风村为民服务|中心 (the tagger's place before 中心): the village is the place."""
    places = _places(ingester, "(李强在城关镇东风村为民服务中心了解产业发展)")
    assert "东风村" in places and "东风村为民服务" not in places


def test_a_place_after_xin_is_an_epithet_not_a_mention(ingester):
    """新中国, 新江西: 新 before a place makes an epithet (the new China, the new Jiangxi), as 美丽中国 is a slogan."""
    assert "江西" not in _places(ingester, "为建设产业优、生态美的新江西做出了新贡献。")
    assert "江西" in _places(ingester, "委员们在江西开展调研。")


# ------------------------------------------------------------ sixth pass: organizations and events (issue 13)
def test_a_platform_named_by_generic_words_is_a_common_noun(ingester):
    names = _names(ingester, "县政协新建了一批区域型委员工作室和委员个人工作室,政协委员工作室是委员之家。")
    assert not any(n.endswith(("工作室", "委员之家")) for n in names)


def test_a_quoted_platform_stays_a_name(ingester):
    names = _names(ingester, "全县建成“委员之家”12个。")
    assert "“委员之家”" in names


@pytest.mark.parametrize("text, name", [
    ("主席会议听取了秘书处、文史委、社法工作委的年度工作汇报。", "文史委"),
    ("主席会议听取了秘书处、文史委、社法工作委的年度工作汇报。", "社法工作委"),
    ("县政协组织经济科技委、妇女青年委等专委会开展调研。", "妇女青年委"),
    ("会议强调,港澳台侨和外事委将牵头做好联谊工作。", "港澳台侨和外事委"),
    ("原来的提案委员会、学习委员会调整为两个新的委员会。", "提案委员会"),
])
def test_a_special_committee_named_by_its_fields_alone(ingester, text, name):
    assert name in _names(ingester, text)


def test_committees_of_parties_of_a_level_in_a_list(ingester):
    names = _names(ingester, "县民进、县民建、县侨联负责人列席了会议。")
    assert {"县民进", "县民建", "县侨联"} <= set(names)


def test_a_partys_committee_of_a_place_is_one_name(ingester):
    names = _names(ingester, "李明委员代表民进某州市委会作了大会发言。")
    assert "民进某州市委会" in names
    assert "民进" not in names


@pytest.mark.parametrize("text", [
    "县政协领导班子成员开展下基层实践活动,听取意见。",
    "副主席到乡镇开展下基层宣传暨界别联合走访活动。",
    "区政协开展专项集体民主监督和民主评议活动。",
])
def test_an_activity_named_by_its_kinds_is_a_description(ingester, text):
    names = _names(ingester, text)
    assert not any(n.endswith(("活动", "界别")) for n in names)


def test_an_activity_with_a_topic_keeps_its_name(ingester):
    names = _names(ingester, "县政协组织开展民营经济发展交流活动。")
    assert "民营经济发展交流活动" in names


def test_a_generic_word_of_the_graph_is_no_body_of_another_committee(graph):
    g = Graph()
    for t in graph:
        g.add(t)
    g.parse(data="""@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/cppcc-kg/id/org/test-council> a cppcc:ChairpersonsCouncil ;
    rdfs:label "内蒙古自治区政协主席会议"@zh, "Chairpersons' Council (test)"@en ; skos:altLabel "主席会议"@zh ;
    cppcc:subOrganizationOf <https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc> .
""", format="turtle")
    ing = Ingester(g)
    r = ing.run("广州市政协召开会议,审议了主席会议协商议题。", source_id="span-rules")
    assert not any(m["exact"] == "主席会议" and m["status"] in ("linked", "new") for m in r["mentions"])
    r = ing.run("内蒙古自治区政协召开会议,审议了主席会议协商议题。", source_id="span-rules")
    assert any(m["exact"] == "主席会议" and m["status"] == "linked" for m in r["mentions"])


def test_a_verb_after_a_body_is_not_its_last_word(ingester):
    names = _names(ingester, "由市政协文史委员会主办,某某新区政协协办,系列活动在本市举办。")
    assert not any(n.endswith("协办") for n in names)


def test_a_joint_meeting_without_a_name_is_a_kind(ingester):
    names = _names(ingester, "三地政协文史委员会召开联席会议,研究了工作。")
    assert "联席会议" not in names


@pytest.mark.parametrize("text, name", [
    ("各部门要全面实施乡村振兴战略,做好衔接。", "乡村振兴战略"),
    ("积极服务长江经济带发展重大国家战略。", "长江经济带发展重大国家战略"),
    ("随着粤港澳大湾区协同发展战略的深入推进。", "粤港澳大湾区协同发展战略"),
])
def test_a_strategy_named_by_its_goal_is_a_concept(ingester, text, name):
    names = _names(ingester, text)
    assert names.get(name) == "Concept"


def test_a_strategy_named_by_no_goal_is_no_name(ingester):
    names = _names(ingester, "全省上下实施赶超战略,经济运行稳中有进。")
    assert "赶超战略" not in names


def test_the_thought_of_a_person_begins_with_the_person(ingester):
    names = _names(ingester, "要深入学习贯彻习近平生态文明思想。")
    assert names.get("习近平生态文明思想") == "Concept"


def test_a_party_congress_named_by_the_party(ingester):
    names = _names(ingester, "深入学习贯彻中共十七大和十七届三中全会精神。")
    assert "中共十七大" in names


def test_a_room_named_after_a_member(ingester):
    names = _names(ingester, "副主席为新成立的李建国委员工作室、王芳委员调解室揭牌。")
    assert {"李建国委员工作室", "王芳委员调解室"} <= set(names)


def test_a_body_named_by_its_level_alone(ingester):
    names = _names(ingester, "会议在州府召开。州政协主席李明主持会议,州政府副州长王刚出席,120位州政协委员参加。")
    assert {"州政协", "州政府"} <= set(names)


def test_bodies_of_counted_places_are_no_name(ingester):
    names = _names(ingester, "贵州省六自治州政协负责人参加会议,五自治州政协在当地党委领导下工作。")
    assert not any(n.endswith("自治州政协") for n in names)


def test_the_report_of_a_government_named_by_its_level(ingester):
    names = _names(ingester, "会议听取了县政府办公室主任所作的县政府工作报告起草情况的说明。")
    assert "县政府工作报告" in names and "县政府" not in names


@pytest.mark.parametrize("text", ["为打造区域中心城市建言献策。", "在服务中心服务大局中发挥作用。", "开创北部中心城区建设新局面。"])
def test_a_centre_inside_a_phrase_is_no_body(ingester, text):
    assert not any(n.endswith("中心") for n in _names(ingester, text))


def test_the_term_of_a_committee_is_not_part_of_the_body(ingester):
    names = _names(ingester, "过去一年,九届县政协常委会坚持团结和民主两大主题。")
    assert "县政协常委会" in names and "九届县政协常委会" not in names


def test_the_owner_of_a_quoted_plan_is_part_of_its_name(ingester):
    names = _names(ingester, "重点提案主要围绕自治区“十五五”规划,建言献策。")
    assert "自治区“十五五”规划" in names


def test_a_party_committee_named_in_a_title(ingester):
    names = _names(ingester, "市委常委、鲅鱼圈区委书记王刚出席会议。")
    assert names.get("鲅鱼圈区委") == "PartyOrgan" and "鲅鱼圈" not in names


def test_a_company_that_holds_its_group_in_brackets(ingester):
    names = _names(ingester, "委员们走访了产业园、青禾数据科技（集团）股份有限公司等企业。")
    assert any(n.startswith("青禾数据科技") and n.endswith("股份有限公司") for n in names)


def test_a_clause_with_its_own_verb_is_not_in_an_events_name(ingester):
    names = _names(ingester, "近日,县政协组织部分政协委员开展美丽乡村建设专题视察活动。")
    assert not any(n.startswith(("部分", "组织")) for n in names)


def test_the_set_form_of_a_hundred_members_is_a_programme(ingester):
    names = _names(ingester, "县政协启动千名委员联千企、百名委员进百校以来,成效明显。")
    assert names.get("千名委员联千企") == "Program" and names.get("百名委员进百校") == "Program"


def test_a_set_form_begins_at_its_count(ingester):
    """三百名委员进百村 counts three hundred members: no name begins inside the number (百名委员进百村)."""
    names = _names(ingester, "县政协组织三百名委员进百村开展调研。")
    assert "百名委员进百村" not in names
