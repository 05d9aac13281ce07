"""How fast a clean build could be on this machine: the floor under issue 15's clean-build target.

For the synthetic corpus of ``cppcc-kg synth --scale N`` (written once into ``--work``, as
``bench/bench_incremental.py`` does), each run (``--runs``, medians reported) measures in child processes,
with their CPU seconds (user and system, worker processes included) and peak memory:

* ``clean``: a clean build (``--no-cache``), as ``bench_incremental`` measures it;
* ``validation alone``: the project loaded (no cache), its store and pinyin there, then only
  :func:`cppcc_kg.validate.validate` (every rule): the wall and CPU of the validation when nothing runs beside it;
* ``no validation``: a clean build whose validation is replaced by the report that ``validation alone``
  recorded (it only waits for the store): the load and the output stages with nothing beside them, a lower
  bound of the build as long as the stages stay what they are;
* ``first build with the cache``: ``cppcc-kg build`` with the cache on and empty (a fresh clone's first build): the
  clean build's work and the making of the cache's entries that the next build reads (the corpus's ``.cache/`` is
  removed before it and after it).

The corpus holds the evidence in its compact form (7 triples a quote, issue 15), as every project now does: each row
measures it. (The row ``compact evidence (idealized)`` of sessions 12 to 14 built a copy of the corpus rewritten into
a one-node form of the evidence, with its own queries; the build is compact itself now, and the row is gone.)

On 2 cores no build ends before half its CPU seconds: the ``floor`` column. It is the figure to compare with
the target; the wall times also depend on how well the threads share the GIL.

    python bench/bench_clean_floor.py                       # scale 1000, 3 runs
    python bench/bench_clean_floor.py --runs 1 --work /tmp/cppcc-kg-incremental --json /tmp/floor.json
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_incremental import CHILD, CPU, _fmt, child, corpus  # noqa: E402  (one way to run and time a child)

#: the child that measures the validation alone, and records its report (what pickles of it) for ``no validation``
ALONE = """
import gc, json, os, pickle, sys, time
from cppcc_kg.cli.build import import_pipeline
import_pipeline(clean=True)  # (the same settings as a build: igraph without drawing, OpenBLAS on one thread)
from cppcc_kg.project.load import load
from cppcc_kg.validate import validate
root, recorded = sys.argv[1], sys.argv[2]
gc.disable()  # as the build does
t0 = time.perf_counter()
project = load(root, cache=False, write_cache=False)
project.finish_pinyin()
project.store  # loaded: what the validation reads is there
t1, c1 = time.perf_counter(), os.times()
report = validate(project, shacl_engine="auto", graph_rules=True)
t2, c2 = time.perf_counter(), os.times()
if not report["conforms"]:
    raise SystemExit(f"the corpus is not valid: {report['problems'][:3]}")
kept = {}
for key, value in report.items():
    try:
        pickle.dumps(value)
    except Exception:  # (a store, a view: not read by the summary)
        continue
    kept[key] = value
with open(recorded, "wb") as f:
    pickle.dump(kept, f)
print(json.dumps({"seconds": {"load": t1 - t0, **report["seconds"], "validate": t2 - t1},
                  "validate_cpu": (c2.user + c2.system) - (c1.user + c1.system)}))
"""

#: where a child made from the bench's child (:func:`_patched`) changes the build, once the pipeline is imported
_ANCHOR = "imported = time.perf_counter() - t0\n"


def _patched(patch: str) -> str:
    """The bench's child (``bench_incremental.CHILD``) with *patch* run after its imports, before it builds."""
    code = CHILD.replace(_ANCHOR, _ANCHOR + patch, 1)
    if code == CHILD:
        raise SystemExit("bench_incremental.CHILD changed: update bench_clean_floor._ANCHOR")
    return code


#: the child of a clean build whose validation is the recorded report (it waits for the store, as a reader does;
#: its check seconds are not this build's, so none are given)
NO_VALIDATION = _patched("""import pickle
import cppcc_kg.build.pipeline as pipeline
import cppcc_kg.build.validation as background
pipeline.may_fork = lambda project, engine: False  # (the recorded report in the thread: no process to fork)
with open(sys.argv[4], "rb") as f:
    report = pickle.load(f)
def recorded_report(project, **options):
    project.store
    return {**report, "seconds": {}, "store_read": {"at": time.perf_counter(), "waited": 0.0}}  # (this clock)
background.validate = recorded_report
background.validate_graph_rules = lambda project, report: None
""")

def one_run(work: Path, root: Path) -> dict:
    recorded = work / "validation-report.pickle"
    out = work / "floor-out"

    def row(code: str, *args) -> dict:
        shutil.rmtree(out, ignore_errors=True)
        wall, peak, stdout = child([sys.executable, "-c", code, *map(str, args)])
        shutil.rmtree(out, ignore_errors=True)
        return {"wall": wall, "peak_mib": peak, "cpu": CPU[-1], **json.loads(stdout.splitlines()[-1])}

    rows = {"clean": row(CHILD, root, out, "0"), "validation alone": row(ALONE, root, recorded),
            "no validation": row(NO_VALIDATION, root, out, "0", recorded)}
    shutil.rmtree(root / ".cache", ignore_errors=True)  # (the first build's: empty before, removed after)
    rows["first build with the cache"] = row(CHILD, root, out, "1")
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return rows


def summarize(runs: list[dict]) -> dict:
    out = {"runs": len(runs)}
    for kind in runs[0]:
        measured = [r[kind] for r in runs]
        keys = measured[0]["seconds"]
        out[kind] = {"wall": statistics.median(m["wall"] for m in measured),
                     "cpu": statistics.median(m["cpu"] for m in measured),
                     "peak_mib": max(m["peak_mib"] for m in measured),
                     "steps": {k: statistics.median(m["seconds"].get(k, 0.0) for m in measured) for k in keys}}
        if "validate_cpu" in measured[0]:
            out[kind]["validate_cpu"] = statistics.median(m["validate_cpu"] for m in measured)
        if "triples" in measured[0]:
            out[kind]["triples"] = measured[0]["triples"]
    return out


def markdown(result: dict, scale: int) -> str:
    lines = [f"### The floor of a clean build, scale {scale} (child processes; seconds, median of {result['runs']})\n\n",
             "| | wall | CPU (all processes) | floor on 2 cores (CPU / 2) | cores used (CPU / wall) | peak MiB | triples |\n",
             "|---|---:|---:|---:|---:|---:|---:|\n"]
    for kind, r in result.items():
        if kind == "runs":
            continue
        lines.append(f"| {kind} | {_fmt(r['wall'])} | {_fmt(r['cpu'])} | {_fmt(r['cpu'] / 2)} | "
                     f"{_fmt(r['cpu'] / r['wall'])} | {_fmt(r['peak_mib'])} | "
                     f"{_fmt(r['triples']) if 'triples' in r else '–'} |\n")
    alone = result["validation alone"]
    lines.append(f"\nThe validation alone, once the store is there: {_fmt(alone['steps']['validate'])} s of wall, "
                 f"{_fmt(alone['validate_cpu'])} CPU s.\n")
    for kind, r in result.items():
        if kind == "runs":
            continue
        steps = ", ".join(f"{k} {_fmt(v)}" for k, v in r["steps"].items())
        lines.append(f"\n- {kind}: {steps}\n")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-incremental")
    parser.add_argument("--json", type=Path, help="also write the result as JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = corpus(args.work, args.scale)
    runs = [one_run(args.work, root) for _ in range(args.runs)]
    result = summarize(runs)
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(markdown(result, args.scale))


if __name__ == "__main__":
    main()
