"""Benchmark of the analysis: RDF -> entity graph, and each measure, on the real graph and
on a synthetic graph about 100 times larger (``cppcc_kg.project.synth``, which follows the ontology).

Reports the median of several runs of each step (seconds), as a Markdown table.

    python bench/bench_analysis.py                 # real graph and synthetic x100
    python bench/bench_analysis.py --repeat 5 --factor 100 --json bench-analysis.json
    python bench/bench_analysis.py --build-steps --scale 1000   # the build's three network steps only

``--build-steps`` times what the build does with the network (issue 15): the entity graph from
the store, the entity files (``entities.graphml``, ``nodes.csv``, ``edges.csv``) and the metrics
(``metrics.csv``, ``metrics.ttl``), plus a fixed Python loop (``bench_scale.machine_speed``) that
says how busy the machine was. Run it with ``PYTHONPATH`` on another checkout to time that one
(the "before" figures of ``bench/README.md``).

The synthetic corpus is written to a temporary folder and loaded with
``cppcc_kg.project.load.load`` like the real one; its scale (number of synthetic sources) is
chosen so that it has about FACTOR times the entities of the real graph.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the steps of the build that --build-steps times (after "store -> entity graph")
BUILD_STEPS = ("entity files (graphml, nodes.csv, edges.csv)", "write_metrics (all measures, csv + ttl)")


def machine_speed() -> float:
    """``bench_scale.machine_speed``: seconds of a fixed Python loop (how busy the machine was)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import machine_speed as speed

    return speed()


def timed(fn, repeat: int) -> tuple[float, list[float], object]:
    """Median wall time of *repeat* runs of *fn*, the times, the last result; the median CPU time
    of the process (all threads) is kept in ``CPU[-1]``: on a shared, busy machine it moves less."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), times, result


#: the median CPU time of each call of :func:`timed`, in order
CPU: list[float] = []


def steps(G, out_dir: Path):
    """(name, function) of every measured step on the entity graph *G*."""
    import cppcc_kg.network as A
    from cppcc_kg.build.entity_files import write_entity_files
    from cppcc_kg.network import (
        organization_program_graph,
        to_undirected_weighted,
        write_metrics,
    )

    top = sorted(G.nodes, key=lambda n: (-G.degree(n), n))
    a, b = (top[0], top[-1]) if len(top) > 1 else (None, None)
    return [
        ("undirected projection", lambda: to_undirected_weighted(G)),
        ("organization–programme bipartite", lambda: organization_program_graph(G)),
        ("degree", lambda: A.degree(G)),
        ("betweenness (exact)", lambda: A.betweenness(G)),
        ("betweenness (k=500, seed 0)", lambda: A.betweenness(G, k=500, seed=0)),
        ("closeness", lambda: A.closeness(G)),
        ("eigenvector (per component)", lambda: A.eigenvector(G)),
        ("pagerank", lambda: A.pagerank(G)),
        ("k-core", lambda: A.kcore(G)),
        ("articulation points", lambda: A.articulation_points(G)),
        ("bridges", lambda: A.bridges(G)),
        ("communities (Louvain, seed 0)", lambda: A.communities(G, seed=0)),
        ("communities (greedy modularity)", lambda: A.communities(G, method="greedy")),
        ("brokerage party/state/CPPCC", lambda: A.brokerage(G)),
        ("shortest paths (hub to a leaf)", lambda: A.shortest_paths(G, a, b) if a else None),
        ("write_metrics (all measures, csv + ttl)", lambda: write_metrics(None, out_dir, entity_graph=G)),
        ("entity files (graphml, nodes.csv, edges.csv)", lambda: write_entity_files(None, out_dir, entity_graph=G)),
    ]


def bench_graph(label: str, root: Path, repeat: int, out: dict, only: set[str] | None) -> int:
    from cppcc_kg.network import build_entity_graph
    from cppcc_kg.project.load import load
    from cppcc_kg.rdf.store import graph_view
    from cppcc_kg.schema import Schema

    t0 = time.perf_counter()
    project = load(root)
    load_s = time.perf_counter() - t0
    schema = Schema.from_graph(graph_view(project.store))  # the build reads it once, before this step
    med, runs, G = timed(lambda: build_entity_graph(project.store, schema=schema), repeat)
    res = {"triples": len(project), "entities": G.number_of_nodes(), "relations": G.number_of_edges(),
           "machine: a fixed Python loop (s)": machine_speed(), "load (once)": load_s, "store -> entity graph": med,
           "store -> entity graph (CPU)": CPU[-1]}
    print(f"[{label}] {len(project)} triples, {G.number_of_nodes()} entities, {G.number_of_edges()} relations; "
          f"load {load_s:.2f} s, conversion median {med:.3f} s", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in steps(G, Path(tmp)):
            if only and name not in only:
                continue
            med, runs, _ = timed(fn, repeat)
            res[name] = med
            res[f"{name} (CPU)"] = CPU[-1]
            print(f"[{label}] {name}: median {med:.3f} s of {[round(x, 3) for x in runs]}", file=sys.stderr)
    out[label] = res
    return G.number_of_nodes()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per step (median reported)")
    ap.add_argument("--factor", type=float, default=100, help="synthetic size / real size (entities)")
    ap.add_argument("--scale", type=int, help="synthetic sources (overrides --factor)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", action="append", help="run only this step (repeatable)")
    ap.add_argument("--build-steps", action="store_true",
                    help="only the build's network steps (entity graph, entity files, metrics)")
    ap.add_argument("--no-real", action="store_true", help="skip the real graph (with --scale)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    args = ap.parse_args(argv)

    from cppcc_kg.project.synth import write_corpus

    results: dict = {}
    only = set(args.only) if args.only else (set(BUILD_STEPS) if args.build_steps else None)
    n_real = 0 if args.no_real and args.scale else bench_graph("real", ROOT, args.repeat, results, only)
    with tempfile.TemporaryDirectory() as tmp:
        scale = args.scale
        if scale is None:
            # entities per synthetic source, from a probe of 10 (a few entities are shared)
            per_source = write_corpus(Path(tmp) / "probe", scale=10, seed=args.seed)["entities"] / 10
            scale = max(1, math.ceil(args.factor * n_real / per_source))
        stats = write_corpus(Path(tmp) / "synth", scale=scale, seed=args.seed)
        print(f"[synthetic] scale {scale}: {stats}", file=sys.stderr)
        bench_graph(f"synthetic (scale {scale})", Path(tmp) / "synth", args.repeat, results, only)

    labels = list(results)
    rows = [k for k in results[labels[0]] if k not in ("triples", "entities", "relations")]
    print(f"\nmedians of {args.repeat} runs, seconds; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}\n")
    print("| step | " + " | ".join(labels) + " |")
    print("| --- | " + " | ".join("---:" for _ in labels) + " |")
    for key in ("triples", "entities", "relations"):
        print(f"| {key} | " + " | ".join(str(results[l][key]) for l in labels) + " |")
    if args.build_steps:
        rows = [*rows, "build steps (entity graph + files + metrics)", "build steps (CPU)"]
        for l in labels:
            results[l][rows[-2]] = sum(results[l][k] for k in ("store -> entity graph", *BUILD_STEPS))
            results[l][rows[-1]] = sum(results[l][f"{k} (CPU)"] for k in ("store -> entity graph", *BUILD_STEPS))
    for r in rows:
        print(f"| {r} | " + " | ".join(f"{results[l].get(r, float('nan')):.3f}" for l in labels) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
