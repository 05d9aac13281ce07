"""Links of names that do not say their place (issue 13, sixth pass (a)): a context word that the graph keeps as
an alias (全区 for the region of the first source) links only in a text about that entity's place, and a
publication named by ordinary words (工作交流) links only when the text writes it as a title (sentences written
for these tests)."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cppcc_kg.ingest.link import context_word
from cppcc_kg.ingest.pipeline import Ingester

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "ingest"
ID = "https://w3id.org/cppcc-kg/id/"
EXTRA = f"""
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ID}place/inner-mongolia> skos:altLabel "全区"@zh .
<{ID}publication/work-exchange> a cppcc:Magazine ;
    rdfs:label "工作交流"@zh, "Work Exchange (a periodical)"@en .
"""


@pytest.fixture(scope="module")
def linker_ingester() -> Ingester:
    g = Graph()
    g.parse(REPO / "ontology.ttl")
    g.parse(FIX / "graph.ttl")
    g.parse(data=EXTRA, format="turtle")
    return Ingester(g)


def _links(ingester: Ingester, text: str) -> dict[str, str]:
    r = ingester.run(text, source_id="context-links")
    return {m["exact"]: m["entity"] for m in r["mentions"] if m["status"] == "linked"}


@pytest.mark.parametrize("name, expected", [
    ("全区", True), ("全市", True), ("本县", True), ("我区", True), ("该市", True), ("全自治区", True),
    ("内蒙古", False), ("区政协", False), ("全国", False), ("北京", False)])
def test_context_words(name, expected):
    assert context_word(name) is expected


def test_a_context_word_alias_does_not_link_in_another_province_s_text(linker_ingester):
    links = _links(linker_ingester, "济南市历城区政协召开常委会议,围绕全区中心工作建言献策。")
    assert "全区" not in links


def test_a_context_word_alias_links_in_a_text_about_its_place(linker_ingester):
    links = _links(linker_ingester, "内蒙古自治区政协召开常委会议,围绕全区中心工作建言献策。")
    assert links.get("全区") == f"{ID}place/inner-mongolia"
    leagues = _links(linker_ingester, "锡林郭勒盟和乌兰察布市的委员们围绕全区中心工作建言献策。")
    assert leagues.get("全区") == f"{ID}place/inner-mongolia"  # leagues exist only in Inner Mongolia


def test_a_context_word_alias_gives_no_place_to_the_text(linker_ingester):
    """全区 does not make the text one about Inner Mongolia: 自治区政协 in a text about Guangxi stays new."""
    r = linker_ingester.run("全区政协系统干部参加培训。广西壮族自治区政协召开会议,自治区政协主席出席。",
                            source_id="t")
    m = next(m for m in r["mentions"] if m["exact"] == "自治区政协")
    assert m["status"] == "new"


def test_a_publication_named_by_ordinary_words_links_only_as_a_title(linker_ingester):
    assert "工作交流" not in "".join(_links(linker_ingester, "两地政协开展港澳台侨和外事工作交流,互学互鉴。"))
    titled = _links(linker_ingester, "该刊物《工作交流》第9期刊发了市政协的经验。")
    assert f"{ID}publication/work-exchange" in titled.values()


def test_a_graph_word_that_does_not_link_is_not_proposed(linker_ingester):
    """全区 in another province's text and 工作交流 without 《》 are phrases: neither linked nor new entities."""
    r = linker_ingester.run("济南市历城区政协围绕全区中心工作开展工作交流。", source_id="t")
    names = {m["exact"]: m["status"] for m in r["mentions"]}
    assert names.get("全区") in (None, "dropped") and names.get("工作交流") in (None, "dropped")
