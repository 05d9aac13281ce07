"""Ablation of ingest's recognizer: each part alone and each part removed, per class, with its speed.

Run through ``bench/eval_ingest.py --ablation [--gazetteer PATH] [--runs 3]``. Each configuration runs in
its own process (so that its load time and peak memory are its own), ``--runs`` times; the scores are the
same on every run (checked), the times and the memory are the medians. The sets are the tuning sets only:
``tests/fixtures/ingest/real/dev`` and ``../shared/ingest-dev`` (never the sealed set).

* load: building the :class:`Ingester` (the graph's names, the segmenter, the tagger's model, the gazetteer),
  after the project graph is loaded;
* chars/s: the characters of both sets over the time spent in ``Ingester.run`` (linking, relations and
  figures included);
* peak memory: the peak resident memory of the process (``ru_maxrss``), the project graph included.
"""
from __future__ import annotations

import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the parts (cppcc_kg.ingest.merge.PARTS)
PARTS = ("forms", "graph", "tagger", "gazetteer")
#: the classes shown, in this order
CLASSES = ("organization", "place", "event", "program", "document", "mechanism", "concept", "honour")


def configurations(parts: tuple[str, ...] = PARTS) -> list[tuple[str, tuple[str, ...]]]:
    """All the parts, each part alone, each part removed."""
    out = [("all", parts)]
    out += [(f"{p} alone", (p,)) for p in parts]
    out += [(f"without {p}", tuple(q for q in parts if q != p)) for p in parts]
    return out


def worker(parts: tuple[str, ...], gazetteer: str | None) -> dict:
    """One configuration in this process: scores on both tuning sets, load time, speed, peak memory."""
    sys.path.insert(0, str(ROOT / "bench"))
    import eval_ingest  # (the bench scripts are not a package)

    from cppcc_kg.ingest.pipeline import Ingester
    from cppcc_kg.project.load import load
    graph = load(ROOT).view
    t0 = time.perf_counter()
    ing = Ingester(graph, recognizers=list(parts), gazetteer=gazetteer)
    load_s = time.perf_counter() - t0
    spent = {"seconds": 0.0, "chars": 0}
    run = ing.run

    def timed(text, **kw):
        t = time.perf_counter()
        r = run(text, **kw)
        spent["seconds"] += time.perf_counter() - t
        spent["chars"] += len(text)
        return r

    ing.run = timed
    scores = {}
    for name, folder in (("real-dev", eval_ingest.REAL_DEV), ("dev", eval_ingest.DEV)):
        if (folder / "gold.json").exists():
            res = eval_ingest.eval_gold(ing, folder)
            scores[name] = {"all": res["all"], "persons": res["persons"],
                            "per_type": {t: d for t, d in res["per_type"].items() if "precision" in d}}
    return {"load": load_s, "chars_per_s": spent["chars"] / spent["seconds"] if spent["seconds"] else 0.0,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "scores": scores}


def run_ablation(gazetteer: str | None, runs: int = 3) -> dict:
    """Every configuration, *runs* times each in a fresh process: scores and median speeds."""
    parts = PARTS if gazetteer else PARTS[:3]
    out = {}
    for label, chosen in configurations(parts):
        results = []
        for _ in range(runs):
            cmd = [sys.executable, str(ROOT / "bench" / "eval_ingest.py"), "--ablation-worker", ",".join(chosen)]
            if gazetteer:
                cmd += ["--gazetteer", gazetteer]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if any(r["scores"] != results[0]["scores"] for r in results):
            raise SystemExit(f"ablation: the scores of {label!r} differ between runs")
        out[label] = {"parts": list(chosen), "scores": results[0]["scores"],
                      "load": statistics.median(r["load"] for r in results),
                      "chars_per_s": statistics.median(r["chars_per_s"] for r in results),
                      "peak_mb": statistics.median(r["peak_mb"] for r in results), "runs": runs}
    return out


def _pr(d: dict) -> str:
    p, r = d.get("precision", float("nan")), d.get("recall", float("nan"))
    ps = "  – " if math.isnan(p) else f"{p * 100:3.0f}"
    rs = "  – " if math.isnan(r) else f"{r * 100:3.0f}"
    return f"{ps}/{rs}"


def print_ablation(res: dict) -> None:
    """Tables: per set, P/R in % per class and overall; then the speeds."""
    sets = sorted({s for v in res.values() for s in v["scores"]}, key=lambda s: s != "real-dev")
    for s in sets:
        print(f"Ablation on {s} (a TUNING set): precision/recall in %, per class; persons apart")
        print(f"  {'configuration':22s} {'all':>9s} " + " ".join(f"{c[:8]:>9s}" for c in CLASSES) + f" {'person':>9s}")
        for label, v in res.items():
            sc = v["scores"].get(s)
            if sc is None:
                continue
            cells = " ".join(f"{_pr(sc['per_type'].get(c, {})):>9s}" for c in CLASSES)
            print(f"  {label:22s} {_pr(sc['all']):>9s} {cells} {_pr(sc['persons']):>9s}")
    runs = next(iter(res.values()))["runs"]
    print(f"Speed (medians of {runs} runs, each in its own process)")
    print(f"  {'configuration':22s} {'load s':>7s} {'chars/s':>9s} {'peak MB':>8s}")
    for label, v in res.items():
        print(f"  {label:22s} {v['load']:7.2f} {v['chars_per_s']:9,.0f} {v['peak_mb']:8.0f}")
