"""Speed of ``cppcc-kg ingest``: characters per second.

Texts of several lengths are made by repeating the first source and the development texts
(when ``../shared/ingest-dev`` is there); for each, ingest runs several times and the median
is reported:

* ``run``: mentions, links, relations and figures (:meth:`cppcc_kg.ingest.pipeline.Ingester.run`), the
  graph already read;
* ``write``: the Turtle and the review page of that result;
* once: loading the project graph and preparing the ingester (dictionary, segmenter).

Run from the repository root::

    .venv/bin/python bench/bench_ingest.py              # 5 runs of 6k, 60k and 240k characters
    .venv/bin/python bench/bench_ingest.py --runs 3 --sizes 6000 1000000
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg.ingest.output import to_html, to_turtle  # noqa: E402
from cppcc_kg.ingest.pipeline import Ingester  # noqa: E402
from cppcc_kg.project.load import load  # noqa: E402

DEV = ROOT.parent / "shared" / "ingest-dev"


def corpus() -> str:
    parts = [(ROOT / "sources" / "nmg-cppcc-2023-innovation-review.zh.txt").read_text(encoding="utf-8")]
    if DEV.is_dir():
        parts += [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("dev_*.txt"))]
    return "\n\n".join(parts)


def text_of(n: int, base: str) -> str:
    reps = n // len(base) + 1
    return ("\n\n".join([base] * reps))[:n]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per size (the median is reported)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[6000, 60000, 240000], help="text lengths (characters)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    graph = load(ROOT).view  # as cppcc-kg ingest reads the project
    t1 = time.perf_counter()
    ing = Ingester(graph)
    t2 = time.perf_counter()
    print(f"load the project graph: {t1 - t0:.2f} s; prepare the ingester: {t2 - t1:.2f} s (once per command)")
    base = corpus()
    print(f"{'characters':>11s} {'run (median)':>13s} {'chars/s':>9s} {'write':>8s} {'chars/s incl. write':>20s} {'mentions':>9s}")
    for n in args.sizes:
        text = text_of(n, base)
        runs, writes, count = [], [], 0
        for _ in range(args.runs):
            a = time.perf_counter()
            r = ing.run(text, source_id="bench")
            b = time.perf_counter()
            to_turtle(r)
            to_html(r)
            c = time.perf_counter()
            runs.append(b - a)
            writes.append(c - b)
            count = len(r["mentions"])
        run, write = statistics.median(runs), statistics.median(writes)
        print(f"{len(text):11d} {run:11.2f} s {len(text) / run:9.0f} {write:6.2f} s {len(text) / (run + write):20.0f} "
              f"{count:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
