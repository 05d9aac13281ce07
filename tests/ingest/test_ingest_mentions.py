"""Tests of ingest's mentions, links and relations."""
from __future__ import annotations

import pytest

IM_CPPCC = "https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc"
IM_PARTY_GROUP = "https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc-party-group"
BEIJING_CPPCC = "https://w3id.org/cppcc-kg/id/org/beijing-cppcc"
PROPOSED = "https://w3id.org/cppcc-kg/id/proposed/"


def _mention(result: dict, exact: str) -> dict:
    found = [m for m in result["mentions"] if m["exact"] == exact]
    assert found, f"no mention {exact!r} in {[m['exact'] for m in result['mentions']]}"
    return found[0]

# ---------------------------------------------------------------- mentions

def test_mentions_have_exact_offsets(league):
    text = league["text"]
    assert league["mentions"]
    for m in league["mentions"]:
        assert text[m["start"]:m["end"]] == m["exact"]
        assert m["status"] in ("linked", "new", "dropped")


def test_mention_forms_and_classes(league):
    assert _mention(league, "乌兰察布市政协")["class"] == "CPPCCCommittee"
    assert _mention(league, "《关于加强委员履职管理的实施办法》")["class"] == "Measures"
    assert _mention(league, "《关于推进乡村振兴的调研报告》")["class"] == "Report"
    assert _mention(league, "察哈尔右翼前旗")["class"] == "BannerOrCounty"
    assert _mention(league, "五届三次会议")["class"] == "PlenarySession"
    assert _mention(league, "“全区文明单位”")["class"] == "Honour"
    assert _mention(league, "“草原书香 政协助力”")["class"] in ("Program", "Collaboration")


def test_figures_with_qualifiers(league):
    figs = {(f["value"], f["qualifier"], f["unit"]) for f in league["figures"]}
    assert (120, "MoreThan", "家") in figs
    assert (3000, "AtLeast", "人次") in figs
    assert not any(f["unit"] == "年" for f in league["figures"])


def test_titles_quotes_and_events_in_other_texts(ingester):
    r = ingester.run("7月28日,盟政协党组召开2023年第9次会议,专题研究《锡林郭勒盟政协\"京蒙协作 政协助力\"工作方案》。",
                     source_id="t")
    names = {m["exact"]: m for m in r["mentions"]}
    assert names["盟政协党组"]["class"] == "PartyGroup"
    assert names["2023年第9次会议"]["class"] == "Meeting"
    title = names["《锡林郭勒盟政协\"京蒙协作 政协助力\"工作方案》"]
    assert title["class"] == "Plan" and not title["nested"]
    inner = names["锡林郭勒盟政协"]
    assert inner["nested"] and inner["class"] == "CPPCCCommittee"


@pytest.mark.parametrize("text,found,not_found", [
    # places listed after 赴 (each item), a venue after 在 … 开幕
    ("旗政协组织委员赴巴雅尔图胡硕镇、格日朝鲁苏木、香山农场开展“送法下乡”活动。",
     [("巴雅尔图胡硕镇", "SumuOrTownship"), ("格日朝鲁苏木", "SumuOrTownship"), ("香山农场", "Place"),
      ("“送法下乡”", "Program")], ["“送法下乡”活动"]),
    ("全旗会议在鲁北镇隆重开幕。", [("鲁北镇", "SumuOrTownship")], ["北镇"]),
    # a quoted brand is the quote; a quoted way of working is a mechanism
    ("打造“扎鲁特草原书屋”履职品牌，采取“师傅带徒弟”的方法。",
     [("“扎鲁特草原书屋”", "Program"), ("“师傅带徒弟”", "Mechanism")], ["“扎鲁特草原书屋”履职品牌"]),
    # bodies named by their level, joined by 和, sent to another (驻), of several levels (各级, 三级)
    ("市发展改革委、市工业和信息化局、县住房和城乡建设局负责同志参加。",
     [("市发展改革委", "StateOrgan"), ("市工业和信息化局", "StateOrgan"), ("县住房和城乡建设局", "StateOrgan")],
     ["信息化局"]),
    ("驻政协机关纪检监察组、市政协办公室、内蒙古各级政协、自治区三级政协。",
     [("驻政协机关纪检监察组", "OrganizationalUnit"), ("市政协办公室", "GeneralOffice"),
      ("内蒙古各级政协", "CPPCCCommittee"), ("自治区三级政协", "CPPCCCommittee")], []),
    # honours without quotes, and with a year and a place before the quote
    ("命名138个地区和单位为第九批全区民族团结进步示范区示范单位。",
     [("第九批全区民族团结进步示范区示范单位", "Honour")], []),
    ("被评为2023年度内蒙古“十大法治事件”。", [("2023年度内蒙古“十大法治事件”", "Honour")], []),
    # set forms of policy language; an idiom of the dictionary is not one
    ("完成六个一履职任务，一题一团队专项推进，推进一乡一品示范创建工作，做到一心一意。",
     [("六个一履职任务", "Mechanism"), ("一题一团队", "Mechanism"), ("一乡一品示范创建", "Mechanism")], ["一心一意"]),
    ("落实中央八项规定，学习贯彻习近平总书记考察内蒙古时的重要讲话，以习近平新时代中国特色社会主义思想为指引，"
     "深化京津冀协同发展，贯彻党的二十大和二十届三中全会精神。",
     [("中央八项规定", "Rule"), ("习近平总书记考察内蒙古", "InspectionTour"),
      ("习近平新时代中国特色社会主义思想", "Concept"), ("京津冀", "Region"), ("党的二十大", "Meeting"),
      ("二十届三中全会", "Meeting")], []),
    # what comes before a quoted event's name belongs to it; quotes listed with 、 before 等活动
    ("在内蒙古自治区2023年度全区“十大法治事件”评选活动中。市政协第二届“湘江论坛”、“政协委员读书月”等活动反响良好。",
     [("内蒙古自治区2023年度全区“十大法治事件”评选活动", "Selection"), ("市政协第二届“湘江论坛”", "Conference"),
      ("“政协委员读书月”", "Event")], []),
    # the session that begins an event's name is a (nested) mention of its own
    ("共同召开自治区政协十三届一次会议提案交办会。",
     [("自治区政协十三届一次会议提案交办会", "Conference"), ("自治区政协十三届一次会议", "PlenarySession")], []),
    # the idea a brand is named after, found again wherever it recurs (inside a quote: nested)
    ("提出打造北疆文化品牌后，举办“政协主席谈北疆文化”专题研讨会。",
     [("北疆文化品牌", "Program"), ("“政协主席谈北疆文化”专题研讨会", "Seminar")], []),
    # places listed after 在 before what was set up there; a special committee of a CPPCC named by its field
    ("旗政协在城川镇、敖勒召其镇设立委员联络组。盟政协文化文史和学习委员会、县政协提案委员会。",
     [("城川镇", "SumuOrTownship"), ("敖勒召其镇", "SumuOrTownship"), ("盟政协文化文史和学习委员会", "SpecialCommittee"),
      ("县政协提案委员会", "SpecialCommittee")], ["政协提案委员会"]),
    # quoted names with the words of their kind (对接 is no preposition 对; 建设 inside a name), a report without
    # 《》 and the body that begins its name, the thinking of a leader on a subject
    ("健全“订单+基地+农户”产销对接模式，实施“甘味”农产品品牌建设行动，打造“协商在一线”基层协商议事品牌。",
     [("“订单+基地+农户”产销对接模式", "Mechanism"), ("“甘味”农产品品牌建设行动", "Program"), ("“协商在一线”", "Program")],
     []),
    ("审议通过了政协鄂托克前旗第十一届委员会常务委员会工作报告。深入学习贯彻习近平总书记关于加强和改进人民政协工作的重要思想。",
     [("政协鄂托克前旗第十一届委员会常务委员会工作报告", "Report"), ("政协鄂托克前旗第十一届委员会常务委员会", "StandingCommittee"),
      ("习近平总书记关于加强和改进人民政协工作的重要思想", "Concept")], []),
    # not names: a common word that ends like a name (发展 is no exhibition, 展), kinds of events and
    # activities, a description (新平台)
    ("聚焦“生态优先、绿色发展”，举办各类专题讲座、讲堂、分享会等。组织开展学习培训活动，搭建委员参与社会治理新平台。",
     [], ["“生态优先、绿色发展”", "分享会", "讲堂", "学习培训活动", "委员参与社会治理新平台"]),
])
def test_general_forms_of_names(ingester, text, found, not_found):
    r = ingester.run(text, source_id="t")
    got = {(m["exact"], m["class"]) for m in r["mentions"] if m["status"] in ("linked", "new")}
    exacts = {m["exact"] for m in r["mentions"]}
    for item in found:
        assert item in got, (item, sorted(got))
    for exact in not_found:
        assert exact not in exacts, (exact, sorted(got))
    for m in r["mentions"]:
        assert text[m["start"]:m["end"]] == m["exact"]


def test_a_name_found_once_is_found_where_it_recurs(ingester):
    r = ingester.run("提出打造北疆文化品牌后，举办“政协主席谈北疆文化”专题研讨会、政协“北疆文化”书画笔会。", source_id="t")
    spans = [(m["start"], m["end"]) for m in r["mentions"] if m["exact"] == "北疆文化"]
    assert len(spans) == 3
    assert all(m["nested"] and m["class"] == "Concept" for m in r["mentions"] if m["exact"] == "北疆文化")
    # one entity for the three mentions
    assert len({m["entity"] for m in r["mentions"] if m["exact"] == "北疆文化"}) == 1


def test_full_name_of_a_committee_is_the_committee(ingester):
    r = ingester.run("政协岳阳市第九届委员会第四次会议召开。岳阳市政协成立40周年。", source_id="t")
    full = _mention(r, "政协岳阳市第九届委员会")
    assert full["nested"] and full["entity"] == _mention(r, "岳阳市政协")["entity"]
    linked = ingester.run("政协内蒙古自治区委员会召开会议。", source_id="t")
    assert _mention(linked, "政协内蒙古自治区委员会")["entity"] == IM_CPPCC


# ---------------------------------------------------------------- links

def test_relative_name_links_by_the_document_place(league):
    m = _mention(league, "自治区政协")
    assert m["status"] == "linked" and m["entity"] == IM_CPPCC
    assert "内蒙古自治区政协" in m["note"]


def test_relative_name_does_not_link_in_another_region(ingester):
    r = ingester.run("广西壮族自治区政协召开会议。自治区政协主席出席。", source_id="t")
    m = _mention(r, "自治区政协")
    assert m["status"] == "new" and m["entity"].startswith(PROPOSED)
    assert m["entity"] == _mention(r, "广西壮族自治区政协")["entity"]


def test_unit_without_place_belongs_to_the_documents_committee(ingester):
    other = ingester.run("锡林郭勒盟政协召开会议，政协党组成员出席。", source_id="t")
    m = _mention(other, "政协党组")
    assert m["entity"] != IM_PARTY_GROUP and m["status"] == "new"
    same = ingester.run("内蒙古自治区政协召开会议，政协党组成员出席。", source_id="t")
    assert _mention(same, "政协党组")["entity"] == IM_PARTY_GROUP


def test_traditional_text_links(ingester):
    r = ingester.run("內蒙古自治區政協召開會議，北京市政協出席。", source_id="t")
    assert _mention(r, "內蒙古自治區政協")["entity"] == IM_CPPCC
    assert _mention(r, "北京市政協")["entity"] == BEIJING_CPPCC


def test_relative_city_names_are_one_new_entity(league):
    a = _mention(league, "乌兰察布市政协")
    b = [m for m in league["mentions"] if m["exact"] == "市政协"]
    assert b and all(m["entity"] == a["entity"] for m in b)
    ent = next(e for e in league["entities"] if e["iri"] == a["entity"])
    assert ent["label_zh"] == "乌兰察布市政协" and ent["iri"].startswith(PROPOSED + "org/")
    assert "review" in ent["label_en"]


# ---------------------------------------------------------------- relations

def _rels(result: dict) -> set[tuple[str, str, str]]:
    lab = result["labels"]
    return {(lab[r["subject"]], r["property"], lab[r["object"]]) for r in result["relations"]}


def test_sentence_patterns(league):
    rels = _rels(league)
    assert ("乌兰察布市政协", "organized", "五届三次会议") in rels
    assert ("乌兰察布市政协", "issued", "关于加强委员履职管理的实施办法") not in rels  # the party group issued it
    assert any(s.endswith("党组") and p == "issued" for s, p, _o in rels)
    assert ("内蒙古自治区政协", "launched", "草原书香 政协助力") in rels
    assert ("乌兰察布市政协", "launched", "草原书香 政协助力") in rels
    assert ("乌兰察布市政协", "visited", "察哈尔右翼前旗") in rels
    assert ("关于推进乡村振兴的调研报告", "submittedTo", "市委") in rels
    assert any(p == "awarded" and o == "全区文明单位" for _s, p, o in rels)
    assert any(p == "subOrganizationOf" and o == "乌兰察布市政协" for _s, p, o in rels)
    for r in league["relations"]:
        assert league["text"][r["start"]:r["end"]].strip()  # evidence: the sentence


def test_relations_respect_domain_and_range(league, ingester):
    schema = ingester.schema
    classes = {e["iri"]: e["class"] for e in league["entities"]}
    classes.update({iri: e.cls for iri, e in ingester.known.items()})
    for r in league["relations"]:
        assert schema.allowed(r["property"], classes[r["subject"]], classes[r["object"]]), r
