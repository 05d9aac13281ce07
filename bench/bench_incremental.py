"""Benchmark the incremental build (issue 15): clean, nothing changed, one curated file edited.

For synthetic corpora of ``cppcc-kg synth --scale N`` (written once into ``--work``), each run
(``--runs``, medians reported) measures in child processes, with their peak memory:

* a clean build (``--no-cache``);
* ``cppcc-kg build`` with nothing changed (it says "up to date" and writes nothing);
* a build after one English label was edited in one source's ``graph/SOURCE/entities.ttl``
  right after that clean build (the loader's cache has every other file, the stages' caches are those
  of an earlier cached build), with the seconds of each of its steps (``one_file_after_clean``);
* the edit undone and built again: an edit after an ordinary (cached) build (``edit_undone``); then one
  label edited again and built: the curator's case, an edit after an ordinary build (``one_file``).

After each kind of edited build of the first run, a clean build of the same edited tree is made beside
it and every file of the two ``build/`` folders (but the marker, which records mtimes) must be
byte-identical.
The machine's speed (the fixed loop of ``bench/bench_scale.py``) is printed with each scale: the
machine is shared, compare rows measured at similar speeds.

    python bench/bench_incremental.py                      # scale 1000, 3 runs
    python bench/bench_incremental.py --scales 1 1000 3000 --runs 1 --json /tmp/incr.json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_scale import machine_speed  # noqa: E402  (one definition of the machine's loop)
from cppcc_kg.rdf.files import sha256_of_file  # noqa: E402

#: the child that builds and reports the seconds of each step (JSON on stdout)
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from cppcc_kg.cli.build import import_pipeline
root, out, cache = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
build = import_pipeline(clean=not cache).build  # as the command does (igraph without drawing, OpenBLAS on one thread)
imported = time.perf_counter() - t0
r = build(root, out, cache=cache)
sec = {"import": imported, **{f"load:{k}": v for k, v in r["load"].get("seconds", {}).items()},
       **{f"validate:{k}": v for k, v in r["report"]["seconds"].items()},
       **{k: v for k, v in r["seconds"].items() if k not in ("load", "validate")}, "build": r["wall"]}
print(json.dumps({"seconds": sec, "parsed": r["load"].get("parsed"), "reason": r["reason"],
                  "pinyin_computed": r["load"].get("pinyin_computed"), "pinyin_cached": r["load"].get("pinyin_cached"),
                  "triples": r["summary"]["triples"]}))
"""


def child(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of *cmd* in a child process; exits if it fails. The CPU seconds
    of the child (user and system, its worker processes included) are kept in :data:`CPU`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    CPU.append(usage.ru_utime + usage.ru_stime)
    return wall, usage.ru_maxrss / 1024, stdout


#: the CPU seconds of each child, in order: on a shared machine they move less than the wall times
CPU: list[float] = []


def timed_build(root: Path, out: Path, *, cache: bool) -> dict:
    wall, peak, stdout = child([sys.executable, "-c", CHILD, str(root), str(out), "1" if cache else "0"])
    return {"wall": wall, "peak_mib": peak, "cpu": CPU[-1], **json.loads(stdout.splitlines()[-1])}


def nothing_changed(root: Path) -> dict:
    wall, peak, stdout = child([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root)])
    if not stdout.startswith("up to date: "):
        raise SystemExit(f"nothing changed, yet the build ran: {stdout[:400]}")
    return {"wall": wall, "peak_mib": peak, "cpu": CPU[-1]}


def edit_label(path: Path, run: int) -> None:
    """Change the first English label of *path* (a curated Turtle file), keeping it valid."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'"([^"\\]+)"@en', text)
    if m is None:
        raise SystemExit(f"{path}: no English label to edit")
    path.write_text(text[:m.start(1)] + f"{m.group(1)} (edited {run})" + text[m.end(1):], encoding="utf-8")


def outputs(folder: Path) -> dict[str, str]:
    """Every file of a build but the marker -> its sha256, read in blocks: this process stays small, and
    so do the peaks of its children (``ru_maxrss`` of a child starts from its parent's at the fork)."""
    return {p.relative_to(folder).as_posix(): sha256_of_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}


def corpus(work: Path, scale: int) -> Path:
    root = work / f"s{scale}"
    if not (root / "ontology.ttl").is_file():
        subprocess.run([sys.executable, "-m", "cppcc_kg.cli", "synth", "--scale", str(scale), "--out", str(root)],
                       cwd=REPO, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    return root


def bench_scale(work: Path, scale: int, runs: int) -> dict:
    root = corpus(work, scale)
    target = root / "graph" / f"synth-{max(1, scale // 2):04d}" / "entities.ttl"
    original = target.read_bytes()
    child([sys.executable, "-m", "cppcc_kg.cli", "build", "--root", str(root), "--force", "--quiet"])  # warm cache
    rows: dict[str, list] = {"clean": [], "unchanged": [], "one_file_after_clean": [], "edit_undone": [],
                             "one_file": []}
    try:
        for run in range(runs):
            target.write_bytes(original)
            rows["clean"].append(timed_build(root, root / "build", cache=False))
            rows["unchanged"].append(nothing_changed(root))
            edit_label(target, 2 * run)
            rows["one_file_after_clean"].append(edited_build(work, root, scale, check=run == 0))
            target.write_bytes(original)
            rows["edit_undone"].append(timed_build(root, root / "build", cache=True))
            edit_label(target, 2 * run + 1)
            rows["one_file"].append(edited_build(work, root, scale, check=run == 0))
    finally:
        target.write_bytes(original)
    return summarize(scale, rows)


def edited_build(work: Path, root: Path, scale: int, *, check: bool) -> dict:
    """The cached build after one file was edited; *check*: then compare its outputs with a clean build's."""
    one = timed_build(root, root / "build", cache=True)
    if one["parsed"] != 1 or one["pinyin_computed"]:
        raise SystemExit(f"the edited build parsed {one['parsed']} files (not 1) and computed the pinyin "
                         f"of {one['pinyin_computed']} labels (not 0): the loader's cache was not used")
    if check:
        clean = work / f"s{scale}-clean"
        shutil.rmtree(clean, ignore_errors=True)
        timed_build(root, clean, cache=False)
        want, got = outputs(clean), outputs(root / "build")
        differ = [n for n in sorted(set(want) | set(got)) if want.get(n) != got.get(n)]
        if differ:
            raise SystemExit(f"scale {scale}: the one-file build differs from a clean build: {differ}")
        shutil.rmtree(clean, ignore_errors=True)
        print(f"scale {scale}: the one-file build is byte-identical to a clean build", file=sys.stderr)
    return one


def summarize(scale: int, rows: dict) -> dict:
    out = {"scale": scale, "triples": rows["clean"][0]["triples"], "speed": machine_speed(), "runs": len(rows["clean"])}
    for kind, measured in rows.items():
        out[kind] = statistics.median(r["wall"] for r in measured)
        out[f"{kind}_cpu"] = statistics.median(r["cpu"] for r in measured)
        out[f"{kind}_peak_mib"] = max(r["peak_mib"] for r in measured)
        if kind != "unchanged":
            keys = measured[0]["seconds"]
            out[f"{kind}_steps"] = {k: statistics.median(r["seconds"].get(k, 0.0) for r in measured) for k in keys}
    return out


def markdown(results: list[dict]) -> str:
    head = "| | " + " | ".join(f"scale {r['scale']}" for r in results) + " |\n"
    rule = "|---|" + "---:|" * len(results) + "\n"
    lines = ["### `cppcc-kg build` (child process; seconds, median; peak MiB)\n\n", head, rule]
    for key, label in (("triples", "triples"), ("speed", "machine: the fixed loop (s)"),
                       ("clean", "clean build (`--no-cache`)"), ("clean_cpu", "CPU seconds, clean (all processes)"),
                       ("clean_peak_mib", "peak, clean (MiB)"),
                       ("unchanged", "nothing changed (up to date)"), ("unchanged_peak_mib", "peak, nothing changed (MiB)"),
                       ("one_file", "one label edited after a cached build"), ("one_file_cpu", "CPU seconds, one file"),
                       ("one_file_peak_mib", "peak, one file (MiB)"),
                       ("one_file_after_clean", "one label edited after a clean (`--no-cache`) build"),
                       ("one_file_after_clean_cpu", "CPU seconds, one file after a clean build"),
                       ("edit_undone", "the edit undone, after a cached build")):
        lines.append(f"| {label} | " + " | ".join(_fmt(r[key]) for r in results) + " |\n")
    for kind, title in (("one_file", "one label edited after a cached build"),
                        ("one_file_after_clean", "one label edited after a clean build"), ("clean", "clean build")):
        lines += [f"\n### Steps of the build, {title} (seconds, median; validation overlaps the stages)\n\n", head, rule]
        for k in results[-1][f"{kind}_steps"]:
            lines.append(f"| {k} | " + " | ".join(_fmt(r[f"{kind}_steps"].get(k)) for r in results) + " |\n")
    return "".join(lines)


def _fmt(v) -> str:
    if isinstance(v, int):
        return f"{v:,}".replace(",", " ")
    return "–" if v is None else f"{v:.3f}" if v < 0.1 else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-incremental")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in args.scales:
        results.append(bench_scale(args.work, scale, args.runs))
        print(json.dumps(results[-1], indent=1), file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
