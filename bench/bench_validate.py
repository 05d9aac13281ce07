"""Benchmark validation: each check, each SHACL shape and each data rule, medians of several runs.

For a project root (a synthetic corpus ``cppcc-kg synth --scale N --out DIR``, or the repository),
it loads the project once (no cache), then measures, median of ``--runs``:

* each check of :func:`cppcc_kg.validate.validate` (evidence, labels, SHACL, rules), as the build
  runs it (``validate(project)``), its wall time (``total``) and the CPU time of the process, all
  threads (``cpu``: on a busy shared machine the steadier figure), and with a warm validation cache (``--cached``: the per-file
  entries of an earlier run, as a one-file edit finds them);
* with ``--detail``: each SHACL shape (its queries run one after the other, so the figures add
  up) and each rule of ``rules/``.

The cyclic garbage collector is off, as in the build. It prints the time of a fixed pure-Python loop first (``machine``, as bench_scale.py does): the
machine is shared, and a row measured while that loop was slower is slower by about as much.

    python bench/bench_validate.py /tmp/s100 /tmp/s1000 --runs 3 --detail
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from bench_scale import machine_speed

from cppcc_kg.project.load import load
from cppcc_kg.validate import validate
from cppcc_kg.validate.rules import rule_problems
from cppcc_kg.validate.shapes import shapes_of


def _median(runs: list[dict]) -> dict:
    keys = sorted({k for r in runs for k in r})
    return {k: statistics.median(r.get(k, 0.0) for r in runs) for k in keys}


def shape_seconds(project) -> dict:
    """Seconds of each SHACL shape's queries, run one after the other (name -> seconds)."""
    from cppcc_kg.validate import shacl

    timings: dict = {}
    shacl.validate(None, shapes_of(project), store=project.store, ntriples=list(project.graphs().values()),
                   timings=timings, cache=getattr(project, "cache", None))
    return timings


def rule_seconds(project) -> dict:
    """Seconds of each rule of ``ROOT/rules`` (name -> seconds)."""
    out = {}
    for path in sorted((project.root / "rules").glob("*.rq")):
        t0 = time.perf_counter()
        rule_problems(project.store, path.parent, project=project, only=path.name)
        out[path.name] = time.perf_counter() - t0
    return out


def measure(root: Path, runs: int, detail: bool, cached: bool) -> None:
    t0 = time.perf_counter()
    project = load(root, cache=False)
    project.finish_pinyin()
    print(f"\n## {root}: {len(project.nt)} files, loaded in {time.perf_counter() - t0:.1f} s")
    checks = []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        report = validate(project)
        seconds = dict(report["seconds"], total=time.perf_counter() - t0, cpu=time.process_time() - c0)
        checks.append(seconds)
    print(f"checks (median of {runs}, s): "
          + ", ".join(f"{k} {v:.2f}" for k, v in _median(checks).items()))
    if cached:
        warm = load(root, cache=True, write_cache=True)
        warm.finish_pinyin()
        validate(warm)
        warm.save_cache()
        again = []
        for _ in range(runs):
            project2 = load(root, cache=True, write_cache=True)
            project2.finish_pinyin()
            t0, c0 = time.perf_counter(), time.process_time()
            report = validate(project2)
            again.append(dict(report["seconds"], total=time.perf_counter() - t0, cpu=time.process_time() - c0))
            project2.save_cache()
        print(f"checks, validation cache warm (median of {runs}, s): "
              + ", ".join(f"{k} {v:.2f}" for k, v in _median(again).items()))
    if detail:
        shapes = _median([shape_seconds(project) for _ in range(runs)])
        print("SHACL, per shape and family (s):")
        for k, v in sorted(shapes.items(), key=lambda kv: -kv[1]):
            print(f"  {v:7.3f}  {k}")
        print(f"  {sum(shapes.values()):7.3f}  (sum)")
        rules = _median([rule_seconds(project) for _ in range(runs)])
        print("rules (s):")
        for k, v in sorted(rules.items(), key=lambda kv: -kv[1]):
            print(f"  {v:7.3f}  {k}")
        print(f"  {sum(rules.values()):7.3f}  (sum)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("roots", nargs="+", type=Path, help="project roots (cppcc-kg synth --scale N --out DIR)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--detail", action="store_true", help="each SHACL shape and each rule")
    ap.add_argument("--cached", action="store_true",
                    help="also validate with the per-file validation cache warm (writes ROOT/.cache)")
    args = ap.parse_args()
    gc.disable()  # as the build does (cppcc_kg.build.pipeline): millions of objects live to the end
    print(f"machine (s, fixed loop): {machine_speed():.2f}")
    for root in args.roots:
        measure(root, args.runs, args.detail, args.cached)


if __name__ == "__main__":
    main()
