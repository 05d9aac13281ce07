"""The review end to end in headless Chromium (Debian's ``chromium`` and ``chromium-driver``, Selenium):
ingest a short text of our own → ``cppcc-kg review`` → in the page accept two new entities (typing their
English labels), merge a mention with an entity of the graph through the search, reject one, accept a
relation → ``cppcc-kg build`` passes → the new entities are in build/graph.html and answer a
``cppcc-kg query``; then a new ingest of the same text, and the page shows them decided.

Without Chromium the module is skipped; install it with
``apt-get install -y chromium chromium-driver fonts-noto-cjk``.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import HAVE_CHROMIUM, NO_CHROMIUM, chromium_driver

if not HAVE_CHROMIUM:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from review_project import (
    BEILING,
    CITY,
    CITY_AGAIN,
    CITY_IRI,
    LIAISON,
    QINGSHAN,
    RELATION,
    make_project,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from cppcc_kg.cli.build import command as build_command
from cppcc_kg.cli.query import command as query_command
from cppcc_kg.ingest.pipeline import ingest_file

REPO = Path(__file__).resolve().parents[2]
BEILING_IRI = "https://w3id.org/cppcc-kg/id/org/beiling-county-cppcc-committee"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    d = chromium_driver(tmp_path_factory.mktemp("chromium-profile"), "--window-size=1400,1000", "--lang=zh-CN")
    yield d
    d.quit()


class Review:
    """``cppcc-kg review`` run as a command, and its page in the browser."""

    def __init__(self, driver, root: Path):
        self.d = driver
        self.proc = subprocess.Popen([sys.executable, "-m", "cppcc_kg.cli", "review", "doc", "--root", str(root),
                                      "--port", "0", "--no-browser"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, cwd=REPO)
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url
        driver.get_log("browser")
        driver.get_log("performance")
        driver.get(self.url)
        self.wait("document.body.getAttribute('data-ready') === '1'")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def wait(self, condition: str, timeout: float = 30) -> None:
        WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: d.execute_script("return " + condition))

    def card(self, key: str):
        return next(c for c in self.d.find_elements(By.CSS_SELECTOR, ".card") if c.get_attribute("data-key") == key)

    def decided(self, key: str, action: str) -> None:
        self.wait(f"Array.from(document.querySelectorAll('.card')).some(c => c.dataset.key === {json.dumps(key)} "
                  f"&& c.classList.contains('decided-{action}'))")

    def requests(self) -> list[str]:
        urls = []
        for entry in self.d.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                urls.append(msg["params"]["request"]["url"])
        return urls


def test_ingest_review_build_query_and_review_again(driver, tmp_path):
    root = make_project(tmp_path / "proj")
    review = Review(driver, root)
    try:
        for key, english in ((BEILING, "Beiling County CPPCC Committee"), (LIAISON, "Members' liaison mechanism")):
            review.card(key).find_element(By.CSS_SELECTOR, ".label-en").send_keys(english)
            review.card(key).find_element(By.CSS_SELECTOR, ".accept").click()
            review.decided(key, "accept")
        box = review.card(CITY).find_element(By.CSS_SELECTOR, ".merge-search")
        box.send_keys("ceshi shi")  # pinyin, without tones
        option = next(o for o in review.card(CITY).find_elements(By.CSS_SELECTOR, ".merge-option")
                      if o.get_attribute("data-iri") == CITY_IRI)
        option.click()
        review.card(CITY).find_element(By.CSS_SELECTOR, ".merge").click()
        review.decided(CITY, "merge")
        review.card(CITY).find_element(By.CSS_SELECTOR, ".apply-same").click()  # its other mention, 23-28
        review.decided(CITY_AGAIN, "merge")
        review.card(QINGSHAN).find_element(By.CSS_SELECTOR, ".reject").click()
        review.decided(QINGSHAN, "reject")
        accept = review.card(RELATION).find_element(By.CSS_SELECTOR, ".accept")
        assert accept.is_enabled()
        accept.click()
        review.decided(RELATION, "accept")
        status = driver.find_element(By.ID, "status")
        assert status.get_attribute("class") == "ok" and "graph/doc/relations.ttl" in status.text
        port = review.url.split("/")[2]
        assert all(u.startswith(f"http://{port}/") for u in review.requests())  # nothing but its own files
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
    finally:
        review.close()

    res = CliRunner().invoke(build_command, ["--root", str(root), "--quiet", "--no-cache"])
    assert res.exit_code == 0, res.output
    page = (root / "build" / "graph.html").read_text(encoding="utf-8")
    assert "北岭县政协" in page and "Beiling County CPPCC Committee" in page and "委员联络机制" in page
    res = CliRunner().invoke(query_command, ["--build-dir", str(root / "build"), "--format", "csv", "-e",
                                             f"SELECT ?o WHERE {{ <{BEILING_IRI}> "
                                             "<https://w3id.org/cppcc-kg/ontology#established> ?o }"])
    assert res.exit_code == 0 and "members-liaison-mechanism" in res.output, res.output

    ingest_file(root / "sources" / "doc.txt", root=root)
    review = Review(driver, root)
    try:
        for key, action in ((BEILING, "accept"), (LIAISON, "accept"), (CITY, "merge"), (CITY_AGAIN, "merge"),
                            (QINGSHAN, "reject"), (RELATION, "accept")):
            review.decided(key, action)
        assert "accepted as 北岭县政协 / Beiling County CPPCC Committee" in review.card(BEILING).text
        assert "5 of 6 decided" in driver.find_element(By.ID, "count-mentions").text
    finally:
        review.close()


FIG_TEXT = "测试市政协召开“协商在基层”工作推进会。北岭县政协建立委员联络机制。截至2023年底，北岭县政协共建成委员工作站120个。\n"
ONT = "https://w3id.org/cppcc-kg/ontology#"


def test_the_page_sends_class_span_chinese_label_and_figures(driver, tmp_path):
    """Every field of the page reaches the files: a page that sent only the English label fails here."""
    root = make_project(tmp_path / "proj", text=FIG_TEXT)
    review = Review(driver, root)
    try:
        card = review.card("mention 20-25 北岭县政协")
        for name, value in (("start", "20"), ("end", "23")):  # the span 北岭县: the Chinese label follows it
            box = card.find_element(By.CSS_SELECTOR, "." + name)
            box.clear()
            box.send_keys(value)
        assert card.find_element(By.CSS_SELECTOR, ".label-zh").get_attribute("value") == "北岭县"
        Select(card.find_element(By.CSS_SELECTOR, ".cls")).select_by_value("BannerOrCounty")
        card.find_element(By.CSS_SELECTOR, ".label-en").send_keys("Beiling County")
        card.find_element(By.CSS_SELECTOR, ".accept").click()
        review.decided("mention 20-25 北岭县政协", "accept")
        card = review.card("mention 27-33 委员联络机制")
        zh = card.find_element(By.CSS_SELECTOR, ".label-zh")
        zh.clear()
        zh.send_keys("联络机制")  # a Chinese label of our choosing, in the text
        card.find_element(By.CSS_SELECTOR, ".label-en").send_keys("Liaison mechanism")
        card.find_element(By.CSS_SELECTOR, ".accept").click()
        review.decided("mention 27-33 委员联络机制", "accept")
        review.card("mention 51-56 委员工作站").find_element(By.CSS_SELECTOR, ".accept").click()  # the figure's end
        review.decided("mention 51-56 委员工作站", "merge")
        figure = next(c.get_attribute("data-key") for c in driver.find_elements(By.CSS_SELECTOR, ".card")
                      if (c.get_attribute("data-key") or "").startswith("figure "))
        card = review.card(figure)
        for name, value in (("label-en", "Members' workstations, end of 2023"), ("measured-en", "workstations")):
            box = card.find_element(By.CSS_SELECTOR, "." + name)
            box.clear()
            box.send_keys(value)
        card.find_element(By.CSS_SELECTOR, ".accept").click()
        review.decided(figure, "accept")
    finally:
        review.close()
    g = Graph()
    for name in ("entities", "evidence", "observations"):
        g.parse(root / "graph" / "doc" / f"{name}.ttl", format="turtle")
    county = URIRef("https://w3id.org/cppcc-kg/id/place/beiling-county")
    assert (county, RDF.type, URIRef(ONT + "BannerOrCounty")) in g, sorted(g.subjects(RDF.type, None))
    assert (county, RDFS.label, Literal("北岭县", lang="zh")) in g
    assert "/doc/20-23>" in (root / "graph/doc/evidence.ttl").read_text(encoding="utf-8")
    assert (None, RDFS.label, Literal("联络机制", lang="zh")) in g
    assert (None, RDFS.label, Literal("Members' workstations, end of 2023", lang="en")) in g
    assert (None, URIRef(ONT + "measuredProperty"), Literal("workstations", lang="en")) in g
    res = CliRunner().invoke(build_command, ["--root", str(root), "--quiet", "--no-cache"])
    assert res.exit_code == 0, res.output
