"""Benchmark of the interactive page: writing it, and the time until it is interactive in
headless Chromium, for the curated graph and for synthetic graphs.

Synthetic graphs come from ``cppcc_kg.project.synth`` (a corpus that follows the ontology, loaded and
turned into the entity graph like the real one), scaled to about the requested number of
entities. Every figure is the median of ``--runs`` runs.

* write: ``render_html`` + the atomic write of ``graph.html`` (measures given, as the build
  gives them), with its two largest parts: the layout (igraph) and the page data;
* ready: from navigation start to the first drawing of the network (after the physics run and
  freeze for small graphs), from ``window.cppccKg.timings``; ``create`` is the
  ``new vis.Network`` call alone;
* select: choosing the highest-degree entity (highlight of its neighbourhood, details panel)
  until the next drawing;
* zoom: one redraw of the whole view after zooming out by 10 % (what every pan and zoom costs).

Usage::

    .venv/bin/python bench/bench_visualize.py                       # real, 1000, 10000, 50000
    .venv/bin/python bench/bench_visualize.py --sizes 1000 --runs 5 --no-browser
"""
from __future__ import annotations

import argparse
import json
import math
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg import viz  # noqa: E402
from cppcc_kg.network import build_entity_graph  # noqa: E402
from cppcc_kg.schema import Schema  # noqa: E402
from cppcc_kg.viz import payload, render  # noqa: E402

#: entities per synthetic source of cppcc_kg.project.synth (measured: scale 10 gives 844)
ENTITIES_PER_SOURCE = 84.4
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1600,1000"]


def real_graph():
    from cppcc_kg.project.load import load
    p = load(ROOT)
    schema = Schema.from_graph(p.view)
    return build_entity_graph(p.store, schema=schema), {str(k): s.text for k, s in p.sources.items()}, schema.display_orders()


def synthetic_graph(n: int, cache: Path, seed: int = 0):
    """The entity graph of a synthetic corpus of about *n* entities (cached as a pickle)."""
    from cppcc_kg.project.load import load
    from cppcc_kg.project.synth import write_corpus

    scale = max(1, math.ceil(n / ENTITIES_PER_SOURCE))
    pick = cache / f"synth-{scale}-{seed}.pickle"
    if pick.is_file():
        return pickle.loads(pick.read_bytes())
    root = cache / f"synth-{scale}-{seed}"
    t = time.perf_counter()
    write_corpus(root, scale=scale, seed=seed)
    p = load(root)
    schema = Schema.from_graph(p.view)
    G = build_entity_graph(p.store, schema=schema)
    out = (G, {str(k): s.text for k, s in p.sources.items()}, schema.display_orders())
    print(f"  (synthetic corpus of scale {scale}: {G.number_of_nodes()} entities, {G.number_of_edges()} relations, "
          f"made and loaded in {time.perf_counter() - t:.0f} s)", flush=True)
    pick.write_bytes(pickle.dumps(out))
    shutil.rmtree(root)
    return out


def cheap_metrics(G):
    from cppcc_kg.network import degree, pagerank
    return degree(G)[["iri", "degree"]].merge(pagerank(G)[["iri", "pagerank"]], on="iri")


def time_write(G, texts, orders, metrics, out: Path, runs: int, max_nodes: int) -> dict:
    totals, layouts, datas = [], [], []
    real_layout, real_page_data = payload.layout_positions, render.page_data
    spent = {}

    def timed_layout(*a, **k):
        t = time.perf_counter()
        try:
            return real_layout(*a, **k)
        finally:
            spent["layout"] = time.perf_counter() - t

    def timed_data(*a, **k):
        t = time.perf_counter()
        try:
            return real_page_data(*a, **k)
        finally:
            spent["data"] = time.perf_counter() - t

    payload.layout_positions, render.page_data = timed_layout, timed_data
    try:
        viz.write_html(G, out, metrics, sources=texts, orders=orders, max_nodes=max_nodes)  # warm-up: imports
        for _ in range(runs):
            t = time.perf_counter()
            viz.write_html(G, out, metrics, sources=texts, orders=orders, max_nodes=max_nodes)
            totals.append(time.perf_counter() - t)
            layouts.append(spent["layout"])
            datas.append(spent["data"] - spent["layout"])
    finally:
        payload.layout_positions, render.page_data = real_layout, real_page_data
    return {"write": statistics.median(totals), "layout": statistics.median(layouts),
            "data": statistics.median(datas), "bytes": out.stat().st_size}


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for f in FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='bench-chromium-')}")
    d = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(600)
    d.set_script_timeout(600)
    return d


def time_browser(d, page: Path, runs: int) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    ready, create, select, zoom, wall = [], [], [], [], []
    for _ in range(runs):
        d.get("about:blank")
        t = time.perf_counter()
        d.get(page.as_uri())
        WebDriverWait(d, 600, poll_frequency=0.05).until(
            lambda d: d.execute_script("return !!(window.cppccKg && window.cppccKg.ready)"))
        wall.append(time.perf_counter() - t)
        tm = d.execute_script("return cppccKg.timings")
        ready.append(tm["ready"] / 1000)
        create.append(tm["create"] / 1000)
        ms = d.execute_async_script("""
            var done = arguments[arguments.length - 1], data = cppccKg.data, best = 0, deg = {};
            data.edges.forEach(function (e) { deg[e.f] = (deg[e.f] || 0) + 1; deg[e.t] = (deg[e.t] || 0) + 1; });
            for (var i = 0; i < data.nodes.length; i++) if ((deg[i] || 0) > (deg[best] || 0)) best = i;
            var t = performance.now();
            network.once('afterDrawing', function () { done(performance.now() - t); });
            cppccKg.select(data.nodes[best].iri);
        """)
        select.append(ms / 1000)
        ms = d.execute_async_script("""
            var done = arguments[arguments.length - 1];
            network.fit({animation: false});
            network.once('afterDrawing', function () {
                var t = performance.now();
                network.once('afterDrawing', function () { done(performance.now() - t); });
                network.moveTo({scale: network.getScale() * 0.9, animation: false});
            });
        """)
        zoom.append(ms / 1000)
    return {"ready": statistics.median(ready), "create": statistics.median(create),
            "select": statistics.median(select), "zoom": statistics.median(zoom), "wall": statistics.median(wall)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="*", type=int, default=[1000, 10000, 50000])
    ap.add_argument("--no-real", action="store_true", help="skip the curated graph")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--whole-50k", action="store_true",
                    help="also draw the largest graph whole (no top-N view), to see why the threshold is there")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-bench")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    out_dir = Path(tempfile.mkdtemp(prefix="bench-visualize-"))
    cases = [] if args.no_real else [("real", None)]
    cases += [(f"synth {n}", n) for n in args.sizes]
    d = None if args.no_browser else browser()
    rows = []
    try:
        for name, n in cases:
            print(f"{name} ...", flush=True)
            G, texts, orders = real_graph() if n is None else synthetic_graph(n, args.cache)
            metrics = cheap_metrics(G)
            variants = [(name, viz.MAX_NODES)]
            if args.whole_50k and n is not None and G.number_of_nodes() > viz.MAX_NODES:
                variants.append((name + " whole", G.number_of_nodes()))
            for label, max_nodes in variants:
                page = out_dir / f"{label.replace(' ', '-')}.html"
                w = time_write(G, texts, orders, metrics, page, args.runs, max_nodes)
                row = {"graph": label, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                       "drawn": min(G.number_of_nodes(), max_nodes), **w}
                if d is not None:
                    row.update(time_browser(d, page, args.runs))
                rows.append(row)
                print("  " + json.dumps(row), flush=True)
    finally:
        if d is not None:
            d.quit()
    print()
    print(f"medians of {args.runs} runs; times in seconds")
    head = ["graph", "nodes", "edges", "drawn", "MB", "write", "layout", "data", "ready", "create", "select", "zoom"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["graph"], f"{r['nodes']:,}", f"{r['edges']:,}", f"{r['drawn']:,}", f"{r['bytes'] / 1e6:.1f}",
                 f"{r['write']:.2f}", f"{r['layout']:.2f}", f"{r['data']:.2f}"]
        cells += [f"{r[k]:.2f}" if k in r else "–" for k in ("ready", "create", "select", "zoom")]
        print("| " + " | ".join(cells) + " |")
    shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
