"""Tests of ``cppcc-kg ingest``: reading, normalising, mentions, links, relations, outputs, bad input."""
from __future__ import annotations

import codecs
import html.parser
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from cppcc_kg.cli.ingest import command as ingest_command
from cppcc_kg.ingest import pipeline as ingest_mod
from cppcc_kg.ingest.pipeline import Ingester, guess_title, ingest_file, source_id_for
from cppcc_kg.ingest.output import to_html, to_turtle
from cppcc_kg.ingest.text import (IngestInputError, decode_bytes, normalize, read_text_file,
                                  split_sentences)
from cppcc_kg.rdf.namespaces import CPPCC, OA

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures" / "ingest"
SHARED = Path(__file__).resolve().parents[2] / "shared"
IM_CPPCC = "https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc"
IM_PARTY_GROUP = "https://w3id.org/cppcc-kg/id/org/inner-mongolia-cppcc-party-group"
BEIJING_CPPCC = "https://w3id.org/cppcc-kg/id/org/beijing-cppcc"
PROPOSED = "https://w3id.org/cppcc-kg/id/proposed/"


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(REPO / "ontology.ttl")
    g.parse(FIX / "graph.ttl")
    return g


@pytest.fixture(scope="module")
def ingester(graph) -> Ingester:
    return Ingester(graph)


@pytest.fixture(scope="module")
def league(ingester) -> dict:
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    return ingester.run(text, source_id="league-report", path="tests/fixtures/ingest/league-report.txt")


@pytest.fixture()
def project(tmp_path) -> Path:
    """A project root with the ontology, the fixture graph and its source text."""
    root = tmp_path / "proj"
    (root / "graph").mkdir(parents=True)
    shutil.copy(REPO / "ontology.ttl", root / "ontology.ttl")
    shutil.copy(FIX / "graph.ttl", root / "graph" / "fixture.ttl")
    (root / "tests" / "fixtures" / "ingest").mkdir(parents=True)
    shutil.copy(FIX / "fixture-source.zh.txt", root / "tests" / "fixtures" / "ingest" / "fixture-source.zh.txt")
    (root / "sources").mkdir()
    return root


def _files(root: Path) -> set[str]:
    """The files of a project root, the loader's cache aside (``.cache/``, ignored by git: it only saves work)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and not p.relative_to(root).as_posix().startswith(".cache/")}


def _mention(result: dict, exact: str) -> dict:
    found = [m for m in result["mentions"] if m["exact"] == exact]
    assert found, f"no mention {exact!r} in {[m['exact'] for m in result['mentions']]}"
    return found[0]


# ---------------------------------------------------------------- reading

@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("gbk", b""), ("gb18030", b"")])
def test_decode_encodings(encoding, bom):
    text = "内蒙古自治区政协召开会议，北京市政协出席。"
    d = decode_bytes(bom + text.encode(encoding), "x.txt")
    assert d.text == text
    if encoding in ("gbk", "gb18030"):
        assert d.encoding == "gb18030" and any("GB18030" in n for n in d.notes)


def test_decode_utf16_without_bom_is_guessed():
    text = "内蒙古自治区政协二〇二三年度创新实践综述，政协委员。"
    d = decode_bytes(text.encode("utf-16-le"), "x.txt")
    assert d.text == text and d.encoding == "utf-16-le" and d.notes


@pytest.mark.parametrize("data,what", [(b"", "empty"), (b"  \n\t\n", "blank"), (b"\x00\x01\x02\x03abc", "binary"),
                                       (codecs.BOM_UTF8, "no text"), (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "no text"),
                                       (bytes(range(256)) * 4, "binary")])
def test_decode_refuses_bad_bytes(data, what):
    with pytest.raises(IngestInputError) as exc:
        decode_bytes(data, "bad.txt")
    msg = str(exc.value)
    assert msg.startswith("bad.txt:") and what in msg and "->" in msg


def test_decode_refuses_bytes_that_are_neither_utf8_nor_gb18030():
    with pytest.raises(IngestInputError) as exc:
        decode_bytes("政协".encode("utf-8") + b"\xff\xff\xff\n", "odd.txt")
    assert "line 1" in str(exc.value) and "UTF-8" in str(exc.value)


def test_read_text_file_limits_length(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("政协" * 600, encoding="utf-8")
    with pytest.raises(IngestInputError) as exc:
        read_text_file(p, max_chars=1000)
    assert "1,200 characters" in str(exc.value) and "--max-chars" in str(exc.value)
    assert read_text_file(p, max_chars=2000).text == "政协" * 600


# ---------------------------------------------------------------- normalising

def test_normalize_keeps_offsets():
    text = "內蒙古自治區政協 召開會議,北京市政協(北京)出席:\"京蒙協作\"　２０２３年"
    nt = normalize(text)
    assert "内蒙古自治区政协召开会议，北京市政协（北京）出席：“京蒙协作”" in nt.norm
    assert "2023年" in nt.norm
    for i in range(len(nt.norm)):
        s, e = nt.span(i, i + 1)
        assert e - s == 1 and nt.text[s] in text
    i = nt.norm.index("政协")
    s, e = nt.span(i, i + 2)
    assert text[s:e] == "政協"
    assert nt.traditional >= 8


def test_sentences_split_on_stops_and_lines():
    nt = normalize("第一句。第二句！\n第三句；第四句?\r\n  第五句")
    spans = split_sentences(nt)
    assert [nt.text[s:e] for s, e in spans] == ["第一句。", "第二句！", "第三句；", "第四句?", "第五句"]


def test_guess_title_and_source_id():
    assert guess_title("往期阅读\n\n凝心聚力促发展\n\n——呼和浩特市政协2023年工作回顾\n正文。") == \
        "凝心聚力促发展——呼和浩特市政协2023年工作回顾"
    assert source_id_for(Path("自治区政协报告.txt")).startswith("zi-zhi-qu")
    assert source_id_for(Path("Report 2024.TXT")) == "report-2024"


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
      ("“送法下乡”活动", "Event")], []),
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


# ---------------------------------------------------------------- outputs

def _validate(data: Graph, shapes: Graph) -> list:
    if importlib.util.find_spec("cppcc_kg.validate.shacl") is not None:
        from cppcc_kg.validate import shacl as fastshacl
        return fastshacl.validate(data, shapes)
    import pyshacl
    conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    return [] if conforms else [results]


def test_turtle_is_valid_against_the_shapes(league, graph):
    ttl = to_turtle(league)
    proposed = Graph().parse(data=ttl, format="turtle")
    assert not any(isinstance(t, BNode) for triple in proposed for t in triple)
    data = Graph()
    for t in graph:
        data.add(t)
    for t in proposed:
        data.add(t)
    shapes = Graph().parse(REPO / "ontology.ttl")
    assert _validate(data, shapes) == []


def test_turtle_annotations_hold_the_mentions(league):
    proposed = Graph().parse(data=to_turtle(league), format="turtle")
    text = league["text"]
    identifying = list(proposed.subjects(OA.motivatedBy, OA.identifying))
    assert len(identifying) >= len({(m["start"], m["end"]) for m in league["mentions"] if m["entity"]})
    for ann in identifying:
        assert (ann, CPPCC.proposed, Literal(True)) in proposed
        target = proposed.value(ann, OA.hasTarget)
        sels = list(proposed.objects(target, OA.hasSelector))
        start = next(int(proposed.value(s, OA.start)) for s in sels if proposed.value(s, OA.start) is not None)
        end = next(int(proposed.value(s, OA.end)) for s in sels if proposed.value(s, OA.end) is not None)
        exact = next(str(proposed.value(s, OA.exact)) for s in sels if proposed.value(s, OA.exact) is not None)
        assert text[start:end] == exact
        assert str(ann).endswith(f"/{start}-{end}")
    for e in league["entities"]:
        assert (URIRef(e["iri"]), CPPCC.proposed, Literal(True)) in proposed
    src = URIRef("https://w3id.org/cppcc-kg/id/source/league-report")
    assert (src, RDF.type, CPPCC.Source) in proposed
    assert int(proposed.value(src, CPPCC.characterCount)) == len(text)


def test_outputs_are_deterministic(graph):
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    a = Ingester(graph).run(text, source_id="league-report")
    b = Ingester(graph).run(text, source_id="league-report")
    assert to_turtle(a) == to_turtle(b)
    assert to_html(a) == to_html(b)


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_review_page_escapes_and_highlights(ingester):
    text = "内蒙古自治区政协印发《<script>alert(1)</script>&工作方案》。\n乌兰察布市政协召开会议。"
    r = ingester.run(text, source_id="t")
    page = to_html(r)
    assert "<script>" not in page and "&lt;script&gt;" in page
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert page.count('class="m linked"') >= 1 and page.count('class="m new"') >= 1
    assert "乌兰察布市政协" in page


# ---------------------------------------------------------------- the command

def test_command_writes_only_its_two_files(project, tmp_path):
    src = tmp_path / "report.txt"
    shutil.copy(FIX / "league-report.txt", src)
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 0, res.output
    after = _files(project)
    assert after - before == {"graph/proposed/report.ttl", "build/review/report.html"}
    assert "wrote graph/proposed/report.ttl" in res.output
    g = Graph().parse(project / "graph/proposed/report.ttl")
    assert (URIRef("https://w3id.org/cppcc-kg/id/source/report"), CPPCC.localPath, None) in g


@pytest.mark.parametrize("make,expect", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
    (lambda p: p.write_bytes(("政协" * 10).encode("utf-8") + b"\xff\xfe\xfa"), "not valid"),
])
def test_command_refuses_bad_files_without_writing(project, tmp_path, make, expect):
    src = tmp_path / "bad.txt"
    make(src)
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 2
    assert expect in res.output and "bad.txt" in res.output and "Traceback" not in res.output
    assert _files(project) == before


def test_command_refuses_a_10_mb_file_clearly(project, tmp_path):
    src = tmp_path / "big.txt"
    line = "内蒙古自治区政协召开会议，研究部署重点工作。\n".encode("utf-8")
    src.write_bytes(line * (10 * 1024 * 1024 // len(line) + 1))
    assert src.stat().st_size >= 10 * 1024 * 1024
    before = _files(project)
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 2 and "--max-chars" in res.output and "big.txt" in res.output
    assert _files(project) == before


@pytest.mark.parametrize("encoding,bom,charset", [("gbk", b"", "gb18030"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16")])
def test_command_reads_other_encodings(project, tmp_path, encoding, bom, charset):
    src = tmp_path / f"doc-{encoding}.txt"
    text = (FIX / "league-report.txt").read_text(encoding="utf-8")
    src.write_bytes(bom + text.encode(encoding))
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project)])
    assert res.exit_code == 0, res.output
    sid = source_id_for(src)
    g = Graph().parse(project / f"graph/proposed/{sid}.ttl")
    fmt = str(g.value(URIRef(f"https://w3id.org/cppcc-kg/id/source/{sid}"), URIRef("http://purl.org/dc/terms/format")))
    assert fmt == f"text/plain; charset={charset}"
    exacts = {str(o) for o in g.objects(None, OA.exact)}
    assert "乌兰察布市政协" in exacts


def test_command_refuses_a_source_of_the_graph(project):
    src = project / "tests/fixtures/ingest/fixture-source.zh.txt"
    res = CliRunner().invoke(ingest_command, [str(src), "--root", str(project), "--source-id", "ingest-fixture"])
    assert res.exit_code == 2 and "already a source" in res.output


def test_no_half_written_outputs(project, tmp_path, monkeypatch):
    src = tmp_path / "doc.txt"
    shutil.copy(FIX / "league-report.txt", src)

    def boom(result):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest_mod, "to_html", boom)
    before = _files(project)
    with pytest.raises(RuntimeError):
        ingest_file(src, root=project)
    assert _files(project) == before


# ---------------------------------------------------------------- quality on the development texts

@pytest.mark.skipif(not (SHARED / "ingest-dev" / "gold.json").exists(),
                    reason="../shared/ingest-dev (development texts with gold annotation) is not present")
def test_quality_on_development_texts():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import eval_ingest
    finally:
        sys.path.pop(0)
    from cppcc_kg.project.load import load_project
    result = eval_ingest.eval_dev(Ingester(load_project(REPO)), dev=SHARED / "ingest-dev")
    assert result["all"]["recall"] >= 0.85, result["all"]
    assert result["all"]["precision"] >= 0.80, result["all"]


@pytest.mark.parametrize("folder", ["unseen", "sealed", "final", "fresh"])
def test_quality_on_texts_written_for_the_tests(folder):
    """The synthetic texts of tests/fixtures/ingest/{unseen,sealed,final,fresh} with their gold (see their gold.json)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import eval_ingest
    finally:
        sys.path.pop(0)
    g = Graph()
    g.parse(REPO / "ontology.ttl")
    g.parse(FIX / "graph.ttl")
    result = eval_ingest.eval_gold(Ingester(g), FIX / folder)
    assert result["all"]["recall"] >= 0.85, result["all"]
    assert result["all"]["precision"] >= 0.80, result["all"]
