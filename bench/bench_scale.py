"""Benchmark the whole pipeline at several scales: build stages, queries, analysis, endpoint.

For the real repository and for synthetic corpora of ``cppcc-kg synth --scale N``
(written once into ``--work``), it measures

* ``cppcc-kg build`` end to end in a child process (wall time and peak memory, median
  of ``--runs``): a clean build (``--no-cache``) and a rebuild with nothing changed
  (the incremental path: unchanged files come from ``ROOT/.cache``);
* the seconds of each step of an in-process build (parse, store, sources, pinyin,
  evidence, labels, SHACL, rules, each output stage, summary), median of ``--runs``;
* each query of ``queries/`` on the Oxigraph store of the built graph (the store
  that ``cppcc-kg query --store oxigraph`` and ``cppcc-kg serve --store oxigraph``
  load), median of 3, and the time to load that store;
* PageRank and approximate betweenness (256 sampled sources) on the entity graph;
* the endpoint (``cppcc-kg serve --store oxigraph --workers 1``): time until it
  answers, and the latency of each query of ``queries/`` over HTTP;

and states the growth of each step between scales as the exponent *b* of
``time ~ triples^b`` (1: linear; 2: quadratic).

    python bench/bench_scale.py --scales 1 10 100 --runs 3
    python bench/bench_scale.py --scales 1000 --runs 1 --json /tmp/scale1000.json
    python bench/bench_scale.py --queries /tmp/b1000        # the queries alone, on one build
"""
from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]



def child_build(root: Path, out: Path, *, cache: bool) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of ``cppcc-kg build`` in a child process."""
    cmd = [sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root), "--out", str(out), "--quiet"]
    if not cache:
        cmd.append("--no-cache")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build of {root} failed")
    return wall, usage.ru_maxrss / 1024


def step_seconds(result: dict) -> dict:
    """The seconds of each step of a build's *result* (as :func:`cppcc_kg.build.pipeline.build` returns);
    ``total``: the wall time (validation overlaps the output stages)."""
    sec = dict(result.get("load", {}).get("seconds", {}))  # (an up-to-date build loads nothing)
    sec.update({f"validate:{k}": v for k, v in result.get("report", {}).get("seconds", {}).items()})
    if result.get("report", {}).get("after_store") is not None:  # the validation once it first read the store
        sec["validate:after store"] = result["report"]["after_store"]
    sec.update({k: v for k, v in result.get("seconds", {}).items() if k not in ("load", "validate")})
    sec["total"] = result["wall"]
    return sec


def stage_seconds(root: Path, out: Path, *, cache: bool) -> dict:
    """Seconds of each step of one in-process build, and its summary."""
    from cppcc_kg.build.pipeline import build
    result = build(root, out, cache=cache)
    return step_seconds(result), result["summary"]


def bench_queries(build_dir: Path, *, evaluation: dict | None = None) -> dict:
    """Seconds of each query of ``queries/`` on the Oxigraph store of a build (median of 3), rows
    converted to Python as ``cppcc-kg query`` does; with *evaluation* (a dict), also the
    evaluation alone (the solutions consumed as Oxigraph terms) and the number of rows, there."""
    from cppcc_kg.sparql.query import OxigraphEngine, load_built, run
    t0 = time.perf_counter()
    store = load_built(build_dir, store="oxigraph")
    load_s = time.perf_counter() - t0
    engine = OxigraphEngine(store)
    out = {"load_store": load_s}
    for path in sorted((REPO / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            run(text, engine, max_rows=None)
            times.append(time.perf_counter() - t0)
        out[path.stem] = statistics.median(times)
        if evaluation is not None:
            alone = []
            for _ in range(3):
                t0 = time.perf_counter()
                n = sum(1 for _ in store.query(text))
                alone.append(time.perf_counter() - t0)
            evaluation[path.stem] = (statistics.median(alone), n)
    return out


def bench_analysis(build_dir: Path, root: Path) -> dict:
    import cppcc_kg.network as analyze
    from cppcc_kg.network import build_entity_graph
    from cppcc_kg.project.load import load
    project = load(root)
    G = build_entity_graph(project.store)
    out = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    for name, func in (("pagerank", lambda: analyze.pagerank(G)),
                       ("betweenness_k256", lambda: analyze.betweenness(G, k=min(256, max(1, len(G))), seed=0))):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            func()
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_endpoint(build_dir: Path) -> dict:
    port = _free_port()
    cmd = [sys.executable, "-m", "cppcc_kg.cli", "serve", "--store", "oxigraph", "--workers", "1",
           "--port", str(port), "--build-dir", str(build_dir), "--timeout", "120", "--max-rows", "1000000"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    out = {}
    try:
        ask = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
        deadline = time.time() + 600
        while True:
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=ask), timeout=5) as r:
                    r.read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise SystemExit("the endpoint did not start")
                time.sleep(0.2)
        out["ready"] = time.perf_counter() - t0
        for path in sorted((REPO / "queries").glob("*.rq")):
            body = urllib.parse.urlencode({"query": path.read_text(encoding="utf-8")}).encode()
            times = []
            for _ in range(3):
                t1 = time.perf_counter()
                req = urllib.request.Request(url, data=body, headers={
                    "Accept": "application/sparql-results+json, text/turtle;q=0.9"})
                try:
                    with urllib.request.urlopen(req, timeout=300) as r:
                        r.read()
                except OSError as exc:  # a refused or failed query is reported, not fatal
                    out[path.stem + ":error"] = str(exc)
                times.append(time.perf_counter() - t1)
            out[path.stem] = statistics.median(times)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return out


def synth_root(work: Path, scale: int) -> Path:
    """The synthetic project of *scale* in ``WORK/sSCALE``, written by ``cppcc-kg synth`` when it is not there."""
    root = work / f"s{scale}"
    if not (root / "ontology.ttl").is_file():
        subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "synth", "--scale", str(scale), "--out", str(root)],
                       check=True)
    return root


def machine_speed() -> float:
    """Seconds of a fixed pure-Python loop (median of 3): the host's speed when a row was measured.

    Shared machines vary; a row measured while this took 1.5 times as long is slower by about as much.
    """
    def loop() -> float:
        t0 = time.perf_counter()
        x = 0
        for i in range(10_000_000):
            x += i
        return time.perf_counter() - t0
    return statistics.median(loop() for _ in range(3))


def growth(rows: list[dict], key_path: tuple[str, ...]) -> str:
    """The exponent b of time ~ triples^b between the two largest synthetic scales that have the value."""
    pts = []
    for r in rows:
        if r["name"] == "real":
            continue
        v = r
        for k in key_path:
            v = v.get(k) if isinstance(v, dict) else None
        if isinstance(v, (int, float)) and v > 0.02 and r.get("triples"):
            pts.append((r["triples"], v))
    if len(pts) < 2:
        return ""
    (n1, t1), (n2, t2) = sorted(pts)[-2:]
    if n2 <= n1:
        return ""
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def _fmt(v) -> str:
    if not isinstance(v, (int, float)):
        return "–"
    return f"{v:.3f}" if v < 0.1 else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def markdown(rows: list[dict]) -> str:
    """The tables of bench/README.md from the rows of a run (``--json``)."""
    head = "| | " + " | ".join(r["name"] for r in rows) + " | growth *b* |\n"
    rule = "|---|" + "---:|" * len(rows) + "---:|\n"
    out = ["### Sizes\n\n", head, rule]
    for k in ("triples", "entities", "relations", "evidence"):
        out.append(f"| {k} | " + " | ".join(f"{r.get(k, 0):,}".replace(",", " ") for r in rows) + " | |\n")
    if all("speed" in r for r in rows):
        out.append("| machine: a fixed Python loop (s) | " + " | ".join(f"{r['speed']:.2f}" for r in rows) + " | |\n")
    out += ["\n### `cppcc-kg build`, end to end (child process; seconds, peak MiB)\n\n", head, rule]
    for k, label in (("build_clean", "clean build (`--no-cache`)"), ("build_clean_peak_mib", "peak memory, clean (MiB)"),
                     ("build_unchanged", "nothing changed (cache)"), ("build_unchanged_peak_mib", "peak memory, nothing changed (MiB)")):
        out.append(f"| {label} | " + " | ".join(_fmt(r.get(k)) if "mib" not in k else f"{r.get(k, 0):.0f}" for r in rows)
                   + f" | {growth(rows, (k,)) if 'mib' not in k else ''} |\n")

    def timings(title: str, group: str) -> None:
        """A table of seconds: one row per key of *group* in the rows."""
        if not all(group in r for r in rows):
            return
        out.extend([f"\n### {title}\n\n", head, rule])
        for k in rows[-1][group]:
            out.append(f"| {k} | " + " | ".join(_fmt(r[group].get(k)) for r in rows) + f" | {growth(rows, (group, k))} |\n")

    timings("Steps of a clean build (in-process, seconds)", "stages")
    timings("Queries on the Oxigraph store (`cppcc-kg query --store oxigraph`, seconds, median of 3)", "queries")
    if all("analysis" in r for r in rows):
        out += ["\n### Analysis of the entity graph (seconds, median of 3)\n\n", head, rule]
        for k in ("nodes", "edges", "pagerank", "betweenness_k256"):
            out.append(f"| {k} | " + " | ".join(str(r["analysis"][k]) if k in ("nodes", "edges")
                                                 else _fmt(r["analysis"][k]) for r in rows)
                       + f" | {growth(rows, ('analysis', k)) if k not in ('nodes', 'edges') else ''} |\n")
    timings("The endpoint (`cppcc-kg serve --store oxigraph`, seconds over HTTP, median of 3)", "endpoint")
    return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--real", action=argparse.BooleanOptionalAction, default=True,
                        help="also the real repository (default: yes)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-scale")
    parser.add_argument("--skip", nargs="*", default=[], choices=["queries", "analysis", "endpoint", "child"])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    parser.add_argument("--from-json", type=Path, help="print the Markdown tables of an earlier --json run")
    parser.add_argument("--queries", type=Path, metavar="BUILD_DIR",
                        help="only time the queries on this build: evaluation alone and with the rows converted")
    args = parser.parse_args()
    if args.queries:
        evaluation: dict = {}
        timed = bench_queries(args.queries, evaluation=evaluation)
        print(f"loading the store: {timed.pop('load_store'):.2f} s\n\n| query | rows | evaluation (s) | "
              f"with rows converted (s) |\n|---|---:|---:|---:|")
        for name, seconds in timed.items():
            alone, n = evaluation[name]
            print(f"| {name} | {n} | {alone:.3f} | {seconds:.3f} |")
        return
    if args.from_json:
        print(markdown(json.loads(args.from_json.read_text(encoding="utf-8"))), end="")
        return
    from cppcc_kg.project.synth import (
        write_corpus,  # the package installed (pip install -e .)
    )

    roots = ([("real", REPO)] if args.real else []) + [(f"scale {n}", args.work / f"scale-{n}") for n in args.scales]
    rows = []
    for name, root in roots:
        row = {"name": name, "speed": machine_speed()}
        if root != REPO and not (root / "ontology.ttl").is_file():
            t0 = time.perf_counter()
            write_corpus(root, scale=int(name.split()[1]), seed=0)
            print(f"[{name}] corpus written in {time.perf_counter() - t0:.1f} s", flush=True)
        out = Path(tempfile.mkdtemp(prefix="bench-scale-")) / "build"
        if "child" not in args.skip:
            clean = [child_build(root, out, cache=False) for _ in range(args.runs)]
            child_build(root, out, cache=True)  # fills the cache
            warm = [child_build(root, out, cache=True) for _ in range(args.runs)]
            row["build_clean"] = statistics.median(w for w, _ in clean)
            row["build_clean_peak_mib"] = max(m for _, m in clean)
            row["build_unchanged"] = statistics.median(w for w, _ in warm)
            row["build_unchanged_peak_mib"] = max(m for _, m in warm)
            print(f"[{name}] build clean {row['build_clean']:.2f} s ({row['build_clean_peak_mib']:.0f} MiB), "
                  f"unchanged {row['build_unchanged']:.2f} s", flush=True)
        runs = []
        for _ in range(args.runs):
            sec, summary = stage_seconds(root, out, cache=False)
            runs.append(sec)
        row["stages"] = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in runs[0]}
        row["triples"] = summary["triples"]
        row["entities"] = summary["entities"]
        row["relations"] = summary["relations"]
        row["evidence"] = summary["evidence"]
        print(f"[{name}] {row['triples']} triples; stages: " +
              ", ".join(f"{k} {v:.2f}" for k, v in row["stages"].items()), flush=True)
        if "queries" not in args.skip:
            row["queries"] = bench_queries(out)
            print(f"[{name}] queries: " + ", ".join(f"{k[:6]} {v:.3f}" for k, v in row["queries"].items()), flush=True)
        if "analysis" not in args.skip:
            row["analysis"] = bench_analysis(out, root)
            print(f"[{name}] analysis: {row['analysis']}", flush=True)
        if "endpoint" not in args.skip:
            row["endpoint"] = bench_endpoint(out)
            print(f"[{name}] endpoint: " + ", ".join(f"{k[:6]} {v if isinstance(v, str) else round(v, 3)}"
                                                     for k, v in row["endpoint"].items()), flush=True)
        rows.append(row)
    print("\nstep                         " + "".join(f"{r['name']:>12}" for r in rows) + "   growth b")
    keys = list(rows[-1]["stages"])
    for k in keys:
        print(f"{k:<29}" + "".join(f"{r['stages'].get(k, float('nan')):12.2f}" for r in rows)
              + f"   {growth(rows, ('stages', k))}")
    for k in ("build_clean", "build_unchanged"):
        if k in rows[-1]:
            print(f"{k:<29}" + "".join(f"{r.get(k, float('nan')):12.2f}" for r in rows) + f"   {growth(rows, (k,))}")
    print(f"{'triples':<29}" + "".join(f"{r['triples']:12d}" for r in rows))
    print(f"{'machine (s, fixed loop)':<29}" + "".join(f"{r['speed']:12.2f}" for r in rows))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if args.markdown:
        print("\n" + markdown(rows), end="")


if __name__ == "__main__":
    main()
