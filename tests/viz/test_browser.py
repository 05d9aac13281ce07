"""The interactive page in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium opens the pages from ``file://``.

Checks: no console errors, no request leaves the file, the drawn node and edge counts equal
the entity graph's, search (Chinese, English, pinyin) selects the Chifeng node, the details
panel shows quotes that are substrings of the source, legend toggles hide a class or a
relation type, the date filter, the language switch, and that the XSS fixture runs no script
and shows its strings literally. Screenshots go to ``.cache/screenshots/``.

Without Chromium the module is skipped; install it with
``apt-get install -y chromium chromium-driver fonts-noto-cjk``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import HAVE_CHROMIUM, NO_CHROMIUM, chromium_driver

if not HAVE_CHROMIUM:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from cppcc_kg import viz  # noqa: E402
from cppcc_kg.network import build_entity_graph  # noqa: E402
from cppcc_kg.schema import Schema  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "visualize"
SHOTS = ROOT / ".cache" / "screenshots"  # not build/: the build replaces only a folder that is a build
XSS = ['<img src=x onerror="window.__xss=1;alert(1)">', "</script><script>window.__xss=2;alert(2)</script>",
       "\"'><svg onload=\"window.__xss=3\">", '<iframe src="javascript:window.__xss=4"></iframe>',
       "{{data}}&lt;b&gt;&amp;"]
HOOK = """
window.__dialogs = [];
['alert', 'confirm', 'prompt', 'print'].forEach(function (f) {
  window[f] = function (x) { window.__dialogs.push(f + ':' + x); };
});
"""


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    d = chromium_driver(tmp_path_factory.mktemp("chromium-profile"), "--window-size=1600,1000", "--lang=zh-CN",
                        page_load_timeout=120)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    d.get("about:blank")
    yield d
    d.quit()


class Page:
    """A page opened in the browser, with what it logged and requested while it loaded."""

    def __init__(self, driver, path: Path):
        self.d = driver
        driver.get_log("browser")
        driver.get_log("performance")
        driver.get(path.as_uri())
        WebDriverWait(driver, 120, poll_frequency=0.05).until(
            lambda d: d.execute_script("return !!(window.cppccKg && window.cppccKg.ready)"))
        self.logs: list[dict] = []
        self.requests: list[str] = []
        self.collect()

    def collect(self) -> None:
        self.logs += self.d.get_log("browser")
        for entry in self.d.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
                self.requests.append(msg["params"].get("request", {}).get("url") or msg["params"].get("url", ""))

    def js(self, script: str, *args):
        return self.d.execute_script(script, *args)

    def errors(self) -> list[dict]:
        self.collect()
        return [e for e in self.logs if e["level"] in ("SEVERE", "ERROR")]

    def stats(self) -> dict:
        return self.js("return cppccKg.stats()")

    def search(self, query: str) -> None:
        box = self.d.find_element(By.ID, "search")
        box.clear()
        box.send_keys(query)
        WebDriverWait(self.d, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#suggestions li"))
        box.send_keys(Keys.ENTER)

    def wait(self, condition: str, timeout: float = 20):
        WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: d.execute_script("return " + condition))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from cppcc_kg.project.load import load
    p = load(ROOT)
    G = build_entity_graph(p.graph)
    out = tmp_path_factory.mktemp("page")
    path = viz.write_project_page(p.graph, out, root=ROOT, entity_graph=G)
    texts = {str(k): s.text for k, s in p.sources.items()}
    return G, texts, path


@pytest.fixture(scope="module")
def chifeng(project):
    G, _, _ = project
    found = [n for n, d in G.nodes(data=True)
             if d.get("label_en") == "Chifeng" or d.get("label_zh") in ("赤峰市", "赤峰")]
    assert len(found) == 1, f"the curated graph should hold one Chifeng entity, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def page(driver, project):
    return Page(driver, project[2])


def test_page_loads_offline_without_errors(page):
    assert page.errors() == []
    outside = [u for u in page.requests if not (u.startswith("file:") or u.startswith("data:"))]
    assert outside == [], f"requests that leave the file: {outside}"
    assert page.requests and all(u.startswith(("file:", "data:")) for u in page.requests)
    # the page's own view of what it fetched: nothing but itself
    resources = page.js("return performance.getEntriesByType('resource').map(function (r) { return r.name; })")
    assert [u for u in resources if not u.startswith("data:")] == []
    assert page.js("return typeof network === 'object' && network === window.network && !!network.body")


def test_drawn_counts_equal_the_entity_graph(page, project):
    G, _, _ = project
    stats = page.stats()
    assert (stats["nodes"], stats["edges"]) == (G.number_of_nodes(), G.number_of_edges())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.d.save_screenshot(str(SHOTS / "graph.png"))


@pytest.mark.parametrize("query", ["赤峰", "Chifeng", "chifeng"])
def test_search_selects_chifeng(page, chifeng, query):
    page.js("cppccKg.clear()")
    assert page.stats()["selected"] == []
    page.search(query)
    page.wait("cppccKg.stats().selected.length === 1")
    selected = page.stats()["selected"][0]
    assert page.js("return cppccKg.data.nodes[arguments[0]].iri", selected) == chifeng
    assert page.d.find_element(By.CSS_SELECTOR, "#details .names .zh").text.startswith("赤峰")
    assert page.errors() == []


def test_details_show_quotes_from_the_source(page, project, chifeng):
    G, texts, _ = project
    page.js("cppccKg.select(arguments[0])", chifeng)
    page.wait("!cppccKg.animating")
    marks = page.d.find_elements(By.CSS_SELECTOR, "#details .evidence mark")
    assert len(marks) == len(G.nodes[chifeng]["evidence"]) > 0
    text = "\n".join(texts.values())
    for m in marks:
        assert m.text and m.text in text
    for ctx in page.d.find_elements(By.CSS_SELECTOR, "#details .evidence .ctx"):
        sentence = ctx.get_attribute("textContent").strip("…")
        assert sentence in text and len(sentence) > len(marks[0].text) - 1
    pinyin = page.d.find_element(By.CSS_SELECTOR, "#details .names .py").text
    assert pinyin == G.nodes[chifeng]["pinyin"] != ""
    # the neighbourhood is highlighted, the rest faded
    faded = page.js("return Object.values(network.body.nodes).filter(function (n) {"
                    " return n.options.color && n.options.color.background === '#e3e5e8'; }).length")
    assert 0 < faded < G.number_of_nodes() - 1
    page.js("document.querySelector('#details .evidence').scrollIntoView({block: 'center'})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.d.save_screenshot(str(SHOTS / "graph-chifeng.png"))


def test_two_hops_highlight_more_than_one(page, project, chifeng):
    G, _, _ = project
    faded_js = ("return Object.values(network.body.nodes).filter(function (n) {"
                " return n.options.color && n.options.color.background === '#e3e5e8'; }).length")
    Select(page.d.find_element(By.ID, "hops")).select_by_value("1")
    page.js("cppccKg.select(arguments[0])", chifeng)
    one = page.js(faded_js)
    Select(page.d.find_element(By.ID, "hops")).select_by_value("2")
    two = page.js(faded_js)
    U = G.to_undirected()
    import networkx as nx
    within = nx.single_source_shortest_path_length(U, chifeng, cutoff=2)
    assert two == G.number_of_nodes() - len(within) < one
    Select(page.d.find_element(By.ID, "hops")).select_by_value("1")


def test_legend_groups_the_fine_types_under_about_a_dozen_top_classes(page, project):
    G, _, _ = project
    tops = {d["top_class"] for _, d in G.nodes(data=True)}
    fines = {d["class"] for _, d in G.nodes(data=True)}
    assert 8 <= len(tops) <= 15 < len(fines)
    groups = page.d.find_elements(By.CSS_SELECTOR, "#legend-classes > .group")
    assert len(groups) == len(tops)
    shown = [b.get_attribute("data-class") for b in page.d.find_elements(By.CSS_SELECTOR, "#legend-classes button[data-class]")]
    assert sorted(shown) == sorted(tops)
    # each group holds the fine types of its top class, with their counts (none when the top class is
    # its only type)
    for g in groups:
        top = g.find_element(By.CSS_SELECTOR, "button[data-class]").get_attribute("data-class")
        inside = {b.get_attribute("data-type"): int(b.find_element(By.CSS_SELECTOR, ".count").text)
                  for b in g.find_elements(By.CSS_SELECTOR, "button[data-type]")}
        expected = {}
        for _, d in G.nodes(data=True):
            if d["top_class"] == top:
                expected[d["class"]] = expected.get(d["class"], 0) + 1
        assert inside == ({} if list(expected) == [top] else expected), top
    # the legend draws each top class in its own shape
    swatches = page.js("return Array.from(document.querySelectorAll('#legend-classes button[data-class] .swatch'))"
                       ".map(function (s) { return s.className; })")
    assert len(set(swatches)) == len(tops)


def test_a_fine_type_toggle_and_the_show_filter(page, project):
    G, _, _ = project
    counts: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        counts[d["class"]] = counts.get(d["class"], 0) + 1
    fine = next(c for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
                if G.nodes[next(n for n, d in G.nodes(data=True) if d["class"] == c)]["top_class"] != c)
    members = sorted(n for n, d in G.nodes(data=True) if d["class"] == fine)
    top = G.nodes[members[0]]["top_class"]
    siblings = [n for n, d in G.nodes(data=True) if d["top_class"] == top and d["class"] != fine]
    before = page.stats()
    # the legend's fine-type button hides that type only: its top class's other types stay
    button = page.d.find_element(By.CSS_SELECTOR, f'#legend-classes button[data-type="{fine}"]')
    button.click()
    visible = set(page.js("return cppccKg.visible()"))
    assert page.stats()["nodes"] == before["nodes"] - len(members)
    assert not visible & set(members) and set(siblings) <= visible
    top_count = page.d.find_element(By.CSS_SELECTOR, f'#legend-classes button[data-class="{top}"] .count').text
    assert top_count == f"{len(siblings)}/{len(siblings) + len(members)}"
    button.click()
    assert page.stats()["nodes"] == before["nodes"]
    # "show" one fine type: every other entity is hidden; then its top class: the whole group
    index = page.js("var k = arguments[0]; return cppccKg.data.types.findIndex(function (f) { return f.key === k; })", fine)
    Select(page.d.find_element(By.ID, "class-filter")).select_by_value(f"f{index}")
    assert page.js("return cppccKg.visible()") == members
    top_index = page.js("var k = arguments[0]; return cppccKg.data.classes.findIndex(function (c) { return c.key === k; })", top)
    Select(page.d.find_element(By.ID, "class-filter")).select_by_value(f"c{top_index}")
    assert page.js("return cppccKg.visible()") == sorted(members + siblings)
    Select(page.d.find_element(By.ID, "class-filter")).select_by_value("")
    assert page.stats()["nodes"] == before["nodes"]
    assert page.errors() == []


def test_relation_details_show_their_evidence(page, project):
    G, texts, _ = project
    data_edges = page.js("return cppccKg.data.edges.length")
    assert data_edges == G.number_of_edges()
    page.js("cppccKg.selectEdge(0)")
    marks = page.d.find_elements(By.CSS_SELECTOR, "#details .evidence mark")
    text = "\n".join(texts.values())
    assert marks and all(m.text in text for m in marks)
    assert page.stats()["selectedEdges"] == [0]


def test_legend_toggles_hide_a_class_and_a_relation(page, project, chifeng):
    G, _, _ = project
    cls = G.nodes[chifeng]["top_class"]
    count = sum(1 for _, d in G.nodes(data=True) if d["top_class"] == cls)
    before = page.stats()
    button = page.d.find_element(By.CSS_SELECTOR, f'#legend-classes button[data-class="{cls}"]')
    button.click()
    after = page.stats()
    assert after["nodes"] == before["nodes"] - count
    assert chifeng not in page.js("return cppccKg.visible()")
    cut = sum(1 for u, v in G.edges() if G.nodes[u]["top_class"] == cls or G.nodes[v]["top_class"] == cls)
    assert after["edges"] == before["edges"] - cut
    button.click()
    assert page.stats()["nodes"] == before["nodes"] and chifeng in page.js("return cppccKg.visible()")

    key = sorted({k for *_, k in G.edges(keys=True)})[0]
    n_rel = sum(1 for *_, kk in G.edges(keys=True) if kk == key)
    rb = page.d.find_element(By.CSS_SELECTOR, f'#legend-relations button[data-relation="{key}"]')
    rb.click()
    assert page.stats()["edges"] == before["edges"] - n_rel
    rb.click()
    assert page.stats()["edges"] == before["edges"]
    assert page.errors() == []


def test_language_switch_relabels_nodes(page, chifeng):
    idx = page.js("return cppccKg.idOf(arguments[0])", chifeng)
    label = "return network.body.nodes[arguments[0]].options.label"
    Select(page.d.find_element(By.ID, "lang")).select_by_value("en")
    assert page.js(label, idx) == "Chifeng"
    Select(page.d.find_element(By.ID, "lang")).select_by_value("both")
    assert page.js(label, idx).split("\n") == ["赤峰市", "Chifeng"]
    Select(page.d.find_element(By.ID, "lang")).select_by_value("zh")
    assert page.js(label, idx) == "赤峰市"


def test_size_by_measure(page, project):
    G, _, _ = project
    Select(page.d.find_element(By.ID, "size-by")).select_by_value("degree")
    sizes = page.js("return cppccKg.data.nodes.map(function (n, i) { return network.body.nodes[i].options.size; })")
    iris = page.js("return cppccKg.data.nodes.map(function (n) { return n.iri; })")
    deg = dict(G.degree())
    hub = max(iris, key=lambda n: (deg[n], n))
    leaf = min(iris, key=lambda n: (deg[n], n))
    assert sizes[iris.index(hub)] > sizes[iris.index(leaf)]
    Select(page.d.find_element(By.ID, "colour-by")).select_by_value("community")
    assert page.d.find_element(By.ID, "legend-communities-box").is_displayed()
    Select(page.d.find_element(By.ID, "colour-by")).select_by_value("class")
    assert page.errors() == []


def test_no_request_left_the_file_while_it_was_used(page):
    # runs after the interactions above (search, selection, legend, language, size, colour)
    page.collect()
    assert len(page.requests) >= 1
    assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    assert page.errors() == []


def test_date_filter(driver, tmp_path):
    graph, texts, _ = viz.load_input(FIX / "small.ttl", ontology=ROOT / "ontology.ttl")
    G = build_entity_graph(graph)
    path = viz.write_html(G, tmp_path / "small.html", sources=texts, orders=Schema.from_graph(graph).display_orders())
    p = Page(driver, path)
    everything = sorted(G.nodes)
    assert p.js("return cppccKg.visible()") == everything
    Select(driver.find_element(By.ID, "date-from")).select_by_visible_text("2023-09-04")
    dated_out = {n for n in G if G.nodes[n]["date"] in ("2023-05",)}
    assert p.js("return cppccKg.visible()") == sorted(set(everything) - dated_out)
    driver.find_element(By.ID, "hide-undated").click()
    shown = p.js("return cppccKg.visible()")
    assert shown == sorted(n for n in G if G.nodes[n]["date"] in ("2023", "2023-09-04"))
    assert p.stats()["edges"] == sum(1 for u, v in G.edges() if u in shown and v in shown)
    assert p.errors() == []


def test_xss_fixture_runs_no_script_and_shows_strings_literally(driver, tmp_path):
    graph, texts, _ = viz.load_input(FIX / "xss.ttl", ontology=ROOT / "ontology.ttl")
    G = build_entity_graph(graph)
    path = viz.write_html(G, tmp_path / "xss.html", sources=texts, orders=Schema.from_graph(graph).display_orders(), title=XSS[1])
    p = Page(driver, path)
    assert p.js("return Array.isArray(window.__dialogs)"), "the dialog hook is installed"
    assert p.stats()["nodes"] == G.number_of_nodes()
    assert driver.title == XSS[1]
    seen = []
    for i in range(G.number_of_nodes()):
        p.js("cppccKg.select(cppccKg.data.nodes[arguments[0]].iri)", i)
        seen.append(driver.find_element(By.ID, "details").get_attribute("textContent"))
    for j in range(G.number_of_edges()):
        p.js("cppccKg.selectEdge(arguments[0])", j)
        seen.append(driver.find_element(By.ID, "details").get_attribute("textContent"))
    for q in ("img", "script", "svg", "iframe", "{{data}}", "javascript"):
        p.search(q)
        seen.append(driver.find_element(By.ID, "suggestions").get_attribute("textContent"))
    Select(driver.find_element(By.ID, "lang")).select_by_value("both")
    seen.append(driver.find_element(By.ID, "side").get_attribute("textContent"))
    text = "\n".join(seen)
    for payload in XSS:
        assert payload in text, payload
    assert "javascript:window.__xss=5" in text and "javascript:window.__xss=6" in text
    assert p.js("return window.__xss") is None
    assert p.js("return window.__dialogs") == []
    assert p.js("return document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert p.js("return document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text
    assert p.errors() == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "graph-xss.png"))


def test_an_empty_graph_gives_a_working_page(driver, tmp_path):
    import networkx as nx
    p = Page(driver, viz.write_html(nx.MultiDiGraph(), tmp_path / "empty.html"))
    assert (p.stats()["nodes"], p.stats()["edges"]) == (0, 0)
    assert p.errors() == []


def test_a_large_graph_shows_its_top_nodes_and_says_so(driver, tmp_path):
    import networkx as nx
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_node(f"https://e.org/n{i}", label_zh=f"节点{i}", label_en=f"Node {i}", class_iri="x#C", **{"class": "C"})
    for i in range(1, 60):
        G.add_edge("https://e.org/n0", f"https://e.org/n{i}", key="p", property="x#p")
    p = Page(driver, viz.write_html(G, tmp_path / "top.html", max_nodes=10, view_measure="degree"))
    assert p.stats()["nodes"] == 10 and p.stats()["edges"] == 9
    note = driver.find_element(By.ID, "view-note")
    assert note.is_displayed() and "10" in note.text and "60" in note.text
    assert p.errors() == []


def test_a_neighbourhood_view_says_so(driver, tmp_path):
    import networkx as nx
    G = nx.MultiDiGraph()
    for i in range(8):
        G.add_node(f"https://e.org/n{i}", label_zh=f"节点{i}", label_en=f"Node {i}", class_iri="x#C", **{"class": "C"})
    for i in range(1, 8):
        G.add_edge(f"https://e.org/n{i - 1}", f"https://e.org/n{i}", key="p", property="x#p")
    p = Page(driver, viz.write_html(G, tmp_path / "around.html", metrics=False, around="Node 3", hops=2))
    assert p.stats()["nodes"] == 5 and p.stats()["edges"] == 4
    note = driver.find_element(By.ID, "view-note")
    assert note.is_displayed() and "5" in note.text and "8" in note.text
    assert "节点3" in note.text or "Node 3" in note.text
    assert p.errors() == []
