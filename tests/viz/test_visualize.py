"""Tests of cppcc_kg.viz without a browser: the page's HTML, its embedded data, its safety.

The browser tests (tests/test_browser.py) open the same pages in headless Chromium.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from oracles.viz_display_orders import display_orders as oracle_display_orders
from rdflib import Graph, Literal, URIRef
from support import REPO_ROOT

from cppcc_kg import viz
from cppcc_kg.network import build_entity_graph
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.schema import Schema
from cppcc_kg.viz import render

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "visualize"
XSS = ['<img src=x onerror="window.__xss=1;alert(1)">', "</script><script>window.__xss=2;alert(2)</script>",
       "\"'><svg onload=\"window.__xss=3\">", '<iframe src="javascript:window.__xss=4"></iframe>',
       "{{data}}&lt;b&gt;&amp;"]

DATA_RE = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def page_json(page: str) -> dict:
    found = DATA_RE.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


def scripts(page: str) -> list[str]:
    """The code of the executable inline scripts (not the JSON data block)."""
    return re.findall(r"<script>(.*?)</script>", page, re.S)


@pytest.fixture(scope="module")
def xss():
    graph, texts, _ = viz.load_input(FIX / "xss.ttl", ontology=ROOT / "ontology.ttl")
    G = build_entity_graph(graph)
    return graph, texts, G, viz.render_html(G, sources=texts, orders=Schema.from_graph(graph).display_orders(), title=XSS[0])


@pytest.fixture(scope="module")
def small():
    graph, texts, _ = viz.load_input(FIX / "small.ttl", ontology=ROOT / "ontology.ttl")
    G = build_entity_graph(graph)
    return graph, texts, G


@pytest.fixture(scope="module")
def project():
    from cppcc_kg.project.load import load
    p = load(ROOT)
    G = build_entity_graph(p.graph)
    texts = {str(k): s.text for k, s in p.sources.items()}
    page = viz.render_html(G, sources=texts, orders=Schema.from_graph(p.graph).display_orders())
    return p, G, texts, page


# ---------------------------------------------------------------------------- the legend order

def test_the_schema_gives_the_display_orders_the_page_read_itself(xss, small, project):
    """``Schema.display_orders`` (the one reader of the ontology) gives what viz read itself before."""
    odd = Graph().parse(data="<x:a> <https://w3id.org/cppcc-kg/ontology#displayOrder> 3, \"x\" . "
                             "<x:b> <https://w3id.org/cppcc-kg/ontology#displayOrder> <x:c>, \"2.5\" .", format="turtle")
    for graph in (xss[0], small[0], project[0].graph, odd):
        assert Schema.from_graph(graph).display_orders() == oracle_display_orders(graph)
    assert oracle_display_orders(project[0].graph)


# ---------------------------------------------------------------------------- embedding and safety

def test_json_for_script_escapes_everything_that_could_end_the_element():
    value = {"a": XSS, "b": "line\u2028sep\u2029para", "c": "<!-- -->"}
    text = viz.json_for_script(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value


def test_xss_strings_appear_only_escaped_in_the_page(xss):
    _, _, G, page = xss
    markup = DATA_RE.sub("", page)
    for payload in XSS[:4]:
        assert payload not in page
    # the markup outside the data holds no element made from the data
    assert "<img" not in markup and "<iframe" not in markup and "<svg" not in markup
    assert "window.__xss" not in re.sub(r"<title>.*?</title>", "", markup)
    data = page_json(page)
    assert {n["zh"] for n in data["nodes"]} >= {XSS[0], XSS[1], XSS[2]}
    assert any(XSS[3] in n["al"] for n in data["nodes"])
    # the template placeholder in a label was not expanded
    assert any(n["zh"] == "会议" + XSS[4] for n in data["nodes"])
    # the title is escaped
    assert "<title>&lt;img src=x onerror=&quot;window.__xss=1;alert(1)&quot;&gt;</title>" in page


def test_javascript_iris_are_data_not_links(xss):
    _, _, _, page = xss
    data = page_json(page)
    assert "javascript:window.__xss=5" in {n["iri"] for n in data["nodes"]}
    assert "javascript:window.__xss=6" in {e["st"] for e in data["edges"]}
    js = scripts(page)[-1]
    # the page links only http(s) IRIs
    assert "/^https?:\\/\\//i.test(iri)" in js


def test_page_uses_no_innerHTML_and_no_other_origin(xss):
    _, _, _, page = xss
    js = render._read_asset("cppcc_kg.viz", "assets", "page.js")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "eval(" not in js and "new Function" not in js
    markup = DATA_RE.sub("", page)
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", markup, re.I)
    assert not re.search(r"<link\b", markup, re.I)
    for css in re.findall(r"<style>(.*?)</style>", markup, re.S):
        assert not re.search(r"@import|url\((?!\s*[\"']?data:)", css, re.I)
    assert not re.search(r"https?://|cdnjs|jsdelivr|bootstrap", re.sub(r"<script>.*?</script>", "", markup, flags=re.S))


ASSET_PROBE = """
import sys
from importlib import resources
from cppcc_kg.viz import render
got = render._read_asset("pyvis", *render.VIS_DIR, "vis-network.min.js")
print("pyvis" in sys.modules)
print(got == resources.files("pyvis").joinpath(*render.VIS_DIR, "vis-network.min.js").read_text(encoding="utf-8"))
"""


def test_vis_network_is_read_without_importing_pyvis():
    # pyvis imports jsonpickle and more (0.1 s): its file is read from its folder
    out = subprocess.run([sys.executable, "-c", ASSET_PROBE], capture_output=True, text=True, check=True,
                         cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT))).stdout.split()
    assert out == ["False", "True"]


def test_scripts_are_inlined_from_installed_packages_and_allowed_by_hash(xss):
    _, _, _, page = xss
    code = scripts(page)
    assert len(code) == 2
    from importlib import resources
    vis = resources.files("pyvis").joinpath(*viz.VIS_DIR, "vis-network.min.js").read_text(encoding="utf-8")
    assert code[0] == render._inline_script(vis)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page).group(1)
    for c in code:
        digest = base64.b64encode(hashlib.sha256(c.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp.replace("&#x27;", "'")
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "default-src 'none'" in csp.replace("&#x27;", "'")


def test_pyvis_lists_are_filled_in_bulk(monkeypatch, small):
    from pyvis.network import Network

    def refuse(*a, **k):
        raise AssertionError("add_node/add_edge scan pyvis's lists: fill them in bulk")
    monkeypatch.setattr(Network, "add_edge", refuse)
    monkeypatch.setattr(Network, "add_node", refuse)
    monkeypatch.setattr(Network, "add_edges", refuse)
    monkeypatch.setattr(Network, "add_nodes", refuse)
    _, _, G = small
    data = viz.page_data(G, metrics=False)
    assert len(data["vis"]["nodes"]) == G.number_of_nodes()
    assert len(data["vis"]["edges"]) == G.number_of_edges()


# ---------------------------------------------------------------------------- data of the page

def test_counts_classes_and_relations_match_the_entity_graph(small):
    graph, texts, G = small
    data = viz.page_data(G, metrics=None, sources=texts, orders=Schema.from_graph(graph).display_orders())
    assert len(data["nodes"]) == G.number_of_nodes() == data["counts"]["nodes"]
    assert len(data["edges"]) == G.number_of_edges() == data["counts"]["edges"]
    # colours, shapes and legend order are the ontology's display hints
    for c in data["classes"]:
        assert c["color"] == str(graph.value(URIRef(c["iri"]), CPPCC.displayColor))
        assert c["shape"] == str(graph.value(URIRef(c["iri"]), CPPCC.displayShape))
        assert c["count"] == sum(1 for _, d in G.nodes(data=True) if d["top_class_iri"] == c["iri"])
        assert (graph.value(URIRef(c["iri"]), CPPCC.topClass)).toPython() is True
        # the fine types inside it, most frequent first, count up to it
        inside = [data["types"][i] for i in c["types"]]
        assert all(data["types"][i]["c"] == data["classes"].index(c) for i in c["types"])
        assert sum(f["count"] for f in inside) == c["count"]
        assert [f["count"] for f in inside] == sorted((f["count"] for f in inside), reverse=True)
    for f in data["types"]:
        assert f["count"] == sum(1 for _, d in G.nodes(data=True) if d["class_iri"] == f["iri"])
    # every node row names its top class and its fine type
    by_iri = {n["iri"]: n for n in data["nodes"]}
    for n, d in G.nodes(data=True):
        row = by_iri[d["iri"]]
        assert data["classes"][row["c"]]["iri"] == d["top_class_iri"] and data["types"][row["f"]]["iri"] == d["class_iri"]
    orders = [c["order"] for c in data["classes"]]
    assert orders == sorted(orders)
    for r in data["relations"]:
        assert r["color"] == str(graph.value(URIRef(r["iri"]), CPPCC.displayColor))
        assert r["count"] == sum(1 for *_, d in G.edges(data=True) if d["property"] == r["iri"])
    assert [r["order"] for r in data["relations"]] == sorted(r["order"] for r in data["relations"])
    # every edge joins the nodes of the entity graph's edge
    iris = [n["iri"] for n in data["nodes"]]
    pairs = sorted((iris[e["f"]], data["relations"][e["p"]]["key"], iris[e["t"]]) for e in data["edges"])
    assert pairs == sorted((u, k, v) for u, v, k in G.edges(keys=True))


def test_dates_and_pinyin_are_in_the_data(small):
    _, texts, G = small
    data = viz.page_data(G, metrics=False, sources=texts)
    by = {n["iri"].rsplit("/", 1)[-1]: n for n in data["nodes"]}
    assert (by["jia-first-plenary"]["d0"], by["jia-first-plenary"]["d1"]) == ("2023-01-01", "2023-12-31")
    assert (by["jia-work-plan"]["d0"], by["jia-work-plan"]["d1"], by["jia-work-plan"]["dp"]) == \
        ("2023-05-01", "2023-05-31", "month")
    assert (by["jia-research-forum"]["d0"], by["jia-research-forum"]["d1"]) == ("2023-09-04", "2023-09-04")
    assert by["jia"]["d0"] == "" and by["jia"]["py"]
    assert by["jia-cppcc"]["al"] == ["甲政协"]


def test_quotes_come_with_their_sentence_from_the_source(small):
    _, texts, G = small
    text = next(iter(texts.values()))
    data = viz.page_data(G, metrics=False, sources=texts)
    assert data["evidence"]
    for src, start, end, exact, before, after, ok in data["evidence"]:
        assert ok == 1 and text[start:end] == exact
        sentence = before.lstrip("…") + exact + after.rstrip("…")
        assert sentence in text
        assert "\n" not in sentence
        assert before == "" or text[start - len(before) - 1] in "。\n" or before.startswith("…") or start == len(before)
    # without the source text the quote is still there, flagged
    bare = viz.page_data(G, metrics=False)
    assert all(e[6] == 0 and e[4] == e[5] == "" for e in bare["evidence"])


@pytest.mark.parametrize("text,start,end,expected", [
    ("一。二三四。五", 2, 3, ("", "三四。")),
    ("一。二三四。五", 3, 4, ("二", "四。")),
    ("甲说：“好。”乙", 4, 5, ("甲说：“", "。”")),
    ("第一行\n第二行", 5, 6, ("第", "行")),
    ("句子。", 0, 3, ("", "")),
])
def test_sentence_context(text, start, end, expected):
    assert viz.sentence_context(text, start, end) == expected


def test_sentence_context_is_cut_at_the_limit():
    text = "甲" * 500 + "乙" + "丙" * 500
    before, after = viz.sentence_context(text, 500, 501, limit=10)
    assert before == "…" + "甲" * 10 and after == "丙" * 10 + "…"


def test_metrics_are_used_and_community_kept(small):
    _, _, G = small
    import pandas as pd
    iris = sorted(G.nodes)
    df = pd.DataFrame({"iri": iris, "label_zh": "x", "degree": range(len(iris)),
                       "pagerank": [0.5 / (i + 1) for i in range(len(iris))], "community": [i % 2 for i in range(len(iris))]})
    data = viz.page_data(G, metrics=df)
    assert data["measures"][:2] == ["degree", "pagerank"] and "community" in data["measures"]
    k = data["measures"].index("degree")
    assert [n["m"][k] for n in data["nodes"]] == list(range(len(iris)))
    c = data["measures"].index("community")
    assert [n["m"][c] for n in data["nodes"]] == [i % 2 for i in range(len(iris))]


def test_metrics_from_graph_reads_the_measure_properties():
    g = Graph()
    a = URIRef("https://w3id.org/cppcc-kg/id/org/a")
    g.add((a, CPPCC.degree, Literal(3)))
    g.add((a, CPPCC.pagerank, Literal(0.25)))
    g.add((a, CPPCC.community, Literal(1)))
    df = viz.metrics_from_graph(g)
    assert df.to_dict("records") == [{"iri": str(a), "degree": 3, "pagerank": 0.25, "community": 1}]
    assert viz.metrics_from_graph(Graph()) is None


def test_large_graphs_show_the_top_nodes_and_say_so():
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_node(f"n{i:02d}", label_zh=f"节点{i}", class_iri="x#C")
    for i in range(1, 60):
        G.add_edge("n00", f"n{i:02d}", key="p", property="x#p")
        if i % 3 == 0:
            G.add_edge(f"n{i:02d}", f"n{i - 1:02d}", key="p", property="x#p")
    metrics = {f"n{i:02d}": {"pagerank": 1.0 / (i + 1)} for i in range(60)}
    data = viz.page_data(G, metrics=metrics, max_nodes=10, view_measure="pagerank")
    assert data["view"] == {"kind": "top", "measure": "pagerank", "limit": 10, "shown": 10, "total_nodes": 60,
                            "total_edges": G.number_of_edges()}
    assert [n["iri"] for n in data["nodes"]] == [f"n{i:02d}" for i in range(10)]
    kept = {f"n{i:02d}" for i in range(10)}
    assert len(data["edges"]) == sum(1 for u, v in G.edges() if u in kept and v in kept)
    assert data["physics"] is True
    assert viz.page_data(G, metrics=metrics)["view"] is None


def test_layout_is_seeded_and_spread():
    G = nx.barabasi_albert_graph(300, 2, seed=3)
    a = viz.layout_positions(G, seed=0)
    assert a == viz.layout_positions(G, seed=0)
    assert a != viz.layout_positions(G, seed=1)
    xs = sorted(p[0] for p in a.values())
    assert xs[-1] - xs[0] > 300                       # not collapsed to a point
    assert len(set(a.values())) == len(a)             # no two nodes on the same spot


def test_render_is_deterministic_and_physics_off_for_large_graphs(small):
    _, texts, G = small
    assert viz.render_html(G, sources=texts) == viz.render_html(G, sources=texts)
    data = viz.page_data(G, metrics=False, physics=False)
    assert data["physics"] is False and data["vis"]["options"]["physics"]["enabled"] is False
    big = nx.MultiDiGraph()
    big.add_nodes_from((f"n{i}", {"class_iri": "x#C"}) for i in range(viz.PHYSICS_MAX_NODES + 1))
    assert viz.page_data(big, metrics=False)["physics"] is False


def test_the_project_page_holds_the_whole_entity_graph(project):
    p, G, texts, page = project
    data = page_json(page)
    assert len(data["nodes"]) == G.number_of_nodes() > 0
    assert len(data["edges"]) == G.number_of_edges()
    assert data["view"] is None
    # every quote of the curated graph is found in its source, inside its sentence
    for src, start, end, exact, before, after, ok in data["evidence"]:
        text = texts[data["sources"][src]["iri"]]
        assert ok == 1, (start, end, exact)
        assert (before.lstrip("…") + exact + after.rstrip("…")) in text
    assert {"degree", "betweenness", "pagerank"} <= set(data["measures"])


# ---------------------------------------------------------------------------- files and command line

def test_write_html_is_utf8_and_atomic(tmp_path, small):
    _, texts, G = small
    out = viz.write_html(G, tmp_path / "sub" / "g.html", sources=texts)
    raw = out.read_bytes()
    raw.decode("utf-8")
    assert b'<meta charset="utf-8">' in raw
    assert [p.name for p in out.parent.iterdir()] == ["g.html"]
    assert out.stat().st_mode & 0o044 == 0o044        # readable like any other output


def test_cli_renders_a_turtle_file(tmp_path):
    from cppcc_kg.cli import main
    out = tmp_path / "small.html"
    res = CliRunner().invoke(main, ["visualize", str(FIX / "small.ttl"), "-o", str(out),
                                    "--ontology", str(ROOT / "ontology.ttl")])
    assert res.exit_code == 0, res.output
    assert "7 entities, 7 relations" in res.output
    data = page_json(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 7 and all(e[6] == 1 for e in data["evidence"])


def test_cli_renders_a_trig_file_with_metrics(tmp_path, small):
    graph, _, G = small
    from rdflib import Dataset
    ds = Dataset()
    g = ds.graph(URIRef("https://w3id.org/cppcc-kg/graph/test"))
    for t in graph:
        g.add(t)
    m = ds.graph(URIRef("https://w3id.org/cppcc-kg/graph/metrics"))
    for i, n in enumerate(sorted(G.nodes)):
        m.add((URIRef(n), CPPCC.degree, Literal(i + 100)))
    trig = tmp_path / "g.trig"
    ds.serialize(trig, format="trig")
    from cppcc_kg.cli import main
    out = tmp_path / "g.html"
    # the source text is not beside the file: quotes without context, and a warning
    res = CliRunner().invoke(main, ["visualize", str(trig), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "warning: the text of 1 source(s) was not found" in res.output
    data = page_json(out.read_text(encoding="utf-8"))
    assert data["measures"] == ["degree"]
    assert [n["m"][0] for n in data["nodes"]] == [i + 100 for i in range(G.number_of_nodes())]
    assert data["evidence"] and all(e[6] == 0 for e in data["evidence"])
    res = CliRunner().invoke(main, ["visualize", str(trig), "-o", str(out), "--sources-root", str(FIX)])
    assert res.exit_code == 0 and "warning" not in res.output
    assert all(e[6] == 1 for e in page_json(out.read_text(encoding="utf-8"))["evidence"])


@pytest.mark.parametrize("content,name,needle", [
    ("<https://e.org/a> <https://e.org/b> .\n", "bad.ttl", "bad.ttl:1:"),
    ("hello", "notes.txt", "not a Turtle, TriG"),
])
def test_cli_rejects_bad_input_without_writing(tmp_path, content, name, needle):
    from cppcc_kg.cli import main
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.html"
    res = CliRunner().invoke(main, ["visualize", str(bad), "-o", str(out), "--ontology", str(ROOT / "ontology.ttl")])
    assert res.exit_code == 2
    assert needle in res.output and "Traceback" not in res.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == [name]


def test_cli_explains_a_missing_input_and_a_missing_ontology(tmp_path):
    from cppcc_kg.cli import main
    res = CliRunner().invoke(main, ["visualize", str(tmp_path / "nope.ttl"), "-o", str(tmp_path / "o.html")])
    assert res.exit_code == 2 and "no such file" in res.output
    lone = tmp_path / "lone.ttl"
    lone.write_text("<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["visualize", str(lone), "-o", str(tmp_path / "o.html")])
    assert res.exit_code == 2 and "--ontology" in res.output
    assert not (tmp_path / "o.html").exists()


def test_the_build_writes_the_page(built, project):
    _, G, _, _ = project
    page = (built / "graph.html").read_text(encoding="utf-8")
    data = page_json(page)
    assert (len(data["nodes"]), len(data["edges"])) == (G.number_of_nodes(), G.number_of_edges())
    assert {"degree", "betweenness", "pagerank", "community"} <= set(data["measures"])
    assert all(e[6] == 1 for e in data["evidence"])


def test_same_input_gives_byte_identical_pages_across_processes(tmp_path):
    import os
    import subprocess
    import sys
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"p{seed}.html"
        subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "visualize", str(FIX / "small.ttl"), "-o", str(out),
                        "--ontology", str(ROOT / "ontology.ttl")], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def _star_of_stars():
    """A hub n00 with 59 neighbours; every third neighbour links to the one before it."""
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_node(f"n{i:02d}", label_zh=f"节点{i}", label_en=f"Node {i}", class_iri="x#C")
    for i in range(1, 60):
        G.add_edge("n00", f"n{i:02d}", key="p", property="x#p")
        if i % 3 == 0:
            G.add_edge(f"n{i:02d}", f"n{i - 1:02d}", key="p", property="x#p")
    G.add_node("far", label_zh="远处", label_en="Far away", class_iri="x#C")
    G.add_edge("n05", "far", key="p", property="x#p")
    return G


def test_a_community_or_a_neighbourhood_is_drawn_and_said():
    G = _star_of_stars()
    metrics = {n: {"pagerank": 1.0 / (i + 1), "community": i % 2} for i, n in enumerate(sorted(G.nodes))}
    data = viz.page_data(G, metrics=metrics, community=1)
    members = sorted(n for i, n in enumerate(sorted(G.nodes)) if i % 2 == 1)
    assert [n["iri"] for n in data["nodes"]] == members
    assert data["view"] == {"kind": "community", "community": 1, "shown": len(members), "total_nodes": 61,
                            "total_edges": G.number_of_edges()}
    # the neighbourhood: one relation away from n05 (either way), then two
    data = viz.page_data(G, metrics=metrics, around="Node 5")
    assert [n["iri"] for n in data["nodes"]] == ["far", "n00", "n05", "n06"]  # n06 -> n05 counts too
    assert data["view"]["kind"] == "around" and data["view"]["entity"] == "n05" and data["view"]["hops"] == 1
    assert data["view"]["label_zh"] == "节点5" and data["view"]["shown"] == 4
    assert len(viz.page_data(G, metrics=metrics, around="节点5", hops=2)["nodes"]) == 61
    # a view still too large keeps its top entities by the measure, and says both
    data = viz.page_data(G, metrics=metrics, around="n05", hops=2, max_nodes=5, view_measure="pagerank")
    assert data["view"]["kind"] == "around" and data["view"]["limit"] == 5 and len(data["nodes"]) == 5
    assert data["view"]["measure"] == "pagerank"


def test_a_view_of_nothing_is_a_clean_error(tmp_path):
    from cppcc_kg.cli import main
    from cppcc_kg.errors import KGError
    G = _star_of_stars()
    with pytest.raises(KGError, match="no entity is in community 7"):
        viz.page_data(G, metrics={"n00": {"community": 0}}, community=7)
    with pytest.raises(KGError, match="No entity is named"):
        viz.page_data(G, metrics=False, around="节点99x")
    out = tmp_path / "o.html"
    for args, needle in ((["--around", "不存在的机构"], "No entity is named"),
                         (["--community", "99"], "community 99"),
                         (["--community", "1", "--around", "x"], "not both")):
        res = CliRunner().invoke(main, ["visualize", str(FIX / "small.ttl"), "-o", str(out),
                                        "--ontology", str(ROOT / "ontology.ttl"), *args])
        assert res.exit_code == 2, res.output
        assert needle in res.output and "Traceback" not in res.output
        assert not out.exists()


def test_cli_draws_the_neighbourhood_of_an_entity(tmp_path, small):
    from cppcc_kg.cli import main
    _graph, _, G = small
    hub = max(sorted(G.nodes), key=lambda n: G.degree(n))
    out = tmp_path / "around.html"
    res = CliRunner().invoke(main, ["visualize", str(FIX / "small.ttl"), "-o", str(out),
                                    "--ontology", str(ROOT / "ontology.ttl"), "--around", G.nodes[hub]["label_en"]])
    assert res.exit_code == 0, res.output
    data = page_json(out.read_text(encoding="utf-8"))
    hood = {hub, *G.successors(hub), *G.predecessors(hub)}
    assert sorted(n["iri"] for n in data["nodes"]) == sorted(hood)
    assert data["view"]["entity"] == hub
