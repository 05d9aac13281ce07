"""Latency of every query of queries/ on both stores, on the built graph and on a graph 100 times larger.

The larger graph is the built graph plus a synthetic corpus (:mod:`cppcc_kg.project.synth`)
sized so that the default graph has about ``--factor`` (100) times as many triples;
the entities the queries name (the Inner Mongolia CPPCC, …) stay in it, so every
query does real work. Its network measures are computed like the build does
(:func:`cppcc_kg.network.write_metrics`). Each query is run ``--runs`` times per
store after one warm-up run; the median is reported. A query slower than
``--limit`` seconds is stopped (rdflib is pure Python and can take minutes at that
scale) and reported as ``> limit``.

Usage::

    python bench/bench_query.py --build-dir build            # the built graph and the 100x graph
    python bench/bench_query.py --build-dir build --factor 0  # the built graph only
"""
from __future__ import annotations

import argparse
import math
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg.sparql.query import open_engine, run  # noqa: E402


class Stop(Exception):
    pass


def _alarm(signum, frame):
    raise Stop()


def time_query(engine, path: Path, runs: int, limit: float) -> tuple[float | None, int]:
    """(median seconds or None if over the limit, result size)."""
    signal.signal(signal.SIGALRM, _alarm)
    times, size = [], 0
    for i in range(runs + 1):
        signal.setitimer(signal.ITIMER_REAL, limit)
        t0 = time.perf_counter()
        try:
            size = len(run(path, engine))
        except Stop:
            return None, size
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if i:  # the first run warms up
            times.append(time.perf_counter() - t0)
    return statistics.median(times), size


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def make_large(build_dir: Path, factor: int, out: Path, seed: int = 0) -> Path:
    """A build folder whose default graph is ~factor x the built one: built graph + synthetic corpus."""
    import pyoxigraph as ox
    import rdflib

    from cppcc_kg.network import write_metrics
    from cppcc_kg.project.synth import write_corpus

    target = factor * count_lines(build_dir / "graph.nt")
    probe = out / "probe"
    write_corpus(probe, scale=1, seed=seed)
    per_source = sum(len(list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)))
                     for f in (probe / "graph").rglob("*.ttl"))
    scale = max(1, math.ceil((target - count_lines(build_dir / "graph.nt")) / per_source))
    corpus = out / "corpus"
    print(f"synthetic corpus: {scale} sources of ~{per_source} triples", file=sys.stderr)
    write_corpus(corpus, scale=scale, seed=seed)
    large = out / "build"
    large.mkdir(parents=True)
    lines = set(open(build_dir / "graph.nt", encoding="utf-8").read().splitlines())
    for f in sorted((corpus / "graph").rglob("*.ttl")) + sorted((corpus / "sources").glob("*.ttl")):
        for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE):
            lines.add(f"{t.subject} {t.predicate} {t.object} .")
    (large / "graph.nt").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    print(f"large graph: {len(lines)} triples; computing its network measures…", file=sys.stderr)
    g = rdflib.Graph()
    g.parse(large / "graph.nt", format="nt")
    write_metrics(g, large)
    return large


def bench(build_dir: Path, label: str, runs: int, limit: float, queries: list[Path]) -> list[dict]:
    rows = []
    engines = {}
    for store in ("memory", "oxigraph"):
        t0 = time.perf_counter()
        engines[store] = open_engine(store=store, build_dir=build_dir)
        print(f"[{label}] {store}: loaded {engines[store].triple_count()} triples in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
    for path in queries:
        row = {"graph": label, "query": path.name}
        for store, engine in engines.items():
            median, size = time_query(engine, path, runs, limit)
            row[store] = median
            row["rows"] = size
        rows.append(row)
        print(f"[{label}] {path.name}: " + ", ".join(
            f"{s} {'> %gs' % limit if row[s] is None else '%.1f ms' % (row[s] * 1000)}" for s in engines),
            file=sys.stderr)
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--factor", type=int, default=100, help="Size of the large graph (0: skip it).")
    ap.add_argument("--runs", type=int, default=5, help="Timed runs per query and store (after one warm-up).")
    ap.add_argument("--large-runs", type=int, default=3, help="Timed runs on the large graph.")
    ap.add_argument("--limit", type=float, default=120.0, help="Stop a query after this many seconds.")
    ap.add_argument("--keep", type=Path, help="Keep the large build in this folder (reused if present).")
    ap.add_argument("--only", default="*.rq", help="Glob of the query files to time (default: all).")
    args = ap.parse_args(argv)
    queries = sorted((ROOT / "queries").glob(args.only))
    print(f"python {platform.python_version()}, {platform.machine()}, queries: {len(queries)}", file=sys.stderr)
    results = bench(args.build_dir, "built", args.runs, args.limit, queries)
    if args.factor:
        tmp = Path(tempfile.mkdtemp(prefix="cppcc-bench-"))
        try:
            if args.keep and (args.keep / "graph.nt").is_file():
                large = args.keep
            else:
                large = make_large(args.build_dir, args.factor, tmp)
                if args.keep:
                    shutil.copytree(large, args.keep, dirs_exist_ok=True)
            results += bench(large, f"x{args.factor}", args.large_runs, args.limit, queries)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    fmt = lambda x: f"> {args.limit:g} s" if x is None else f"{x * 1000:.1f}"  # noqa: E731
    print("\n| graph | query | rows | memory (ms) | oxigraph (ms) |")
    print("|---|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['graph']} | {r['query']} | {r['rows']} | {fmt(r['memory'])} | {fmt(r['oxigraph'])} |")


if __name__ == "__main__":
    main()
