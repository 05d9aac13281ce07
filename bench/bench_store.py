"""Benchmark the store of a one-file edit (issue 15): in memory as the build fills it, or on disk.

For a project root already built once (its loader cache warm: ``cppcc-kg build --root ROOT``) it

1. makes one **edited build** in this process (the English label of one document changed, as
   ``bench_outputs.py`` does; run it again and the label is changed back) with the project's store
   wrapped from its loading on, so that every SPARQL query and pattern lookup of the build is recorded: its thread, its
   text, its seconds and the CPU of its thread, when it started and which functions asked for it;
2. times the **parts of the store step** in child processes, alternated, medians of ``--runs``:
   ``load`` (the loader as the build runs it: cache entries read, lines compared, a thread loading),
   ``inline`` (the same, each file loaded in the main thread), and, in one process, each part alone
   (reading the cache entries, comparing the lines, Oxigraph loading file by file, one ``bulk_load``
   of all the quads as N-Quads, Oxigraph's parser alone);
3. makes an **on-disk** Oxigraph store (RocksDB) in ``--disk`` with ONE ``bulk_load`` of every quad of
   the in-memory store (not file by file), times opening it, applying an edit's delta (one file's named
   graph cleared and loaded again), and runs every query the edited build ran, on disk and in memory
   (medians of ``--runs``, CPU of the process; the rows are counted on both and must agree).

    python bench/bench_store.py --root /tmp/s1000 --runs 3 --json /tmp/store.json

It runs against whatever ``cppcc_kg`` is importable. The figures are in bench/README.md, "Issue 15,
session 7: engineer D (the store on an edit)".
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_outputs import toggle_edit  # (one definition of the edit)
from bench_scale import machine_speed  # (one definition of the machine speed loop)


class _Rows(list):
    """The solutions of a query, read at once (so that its time is the query's)."""

    def __init__(self, result):
        super().__init__(result)
        self.variables = getattr(result, "variables", None)


class RecordingStore:
    """A pyoxigraph store whose ``query`` and ``quads_for_pattern`` are recorded in :attr:`log`."""

    def __init__(self, store: ox.Store, start: float):
        self.inner, self.start, self.log = store, start, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __len__(self):
        return len(self.inner)

    def __iter__(self):
        return iter(self.inner)

    def _record(self, kind, what, kwargs, run):
        t, c = time.perf_counter(), time.thread_time()
        out = run()
        callers = [f.name for f in traceback.extract_stack(limit=8)[:-3] if "cppcc_kg" in f.filename]
        self.log.append({"kind": kind, "thread": threading.current_thread().name.split("_")[0],
                         "at": t - self.start, "wall": time.perf_counter() - t, "cpu": time.thread_time() - c,
                         "what": what, "kwargs": kwargs, "by": " < ".join(reversed(callers[-3:]))})
        return out

    def query(self, query, **kwargs):
        def run():
            r = self.inner.query(query, **kwargs)
            return r if isinstance(r, bool) else _Rows(r)
        return self._record("query", query, {k: v for k, v in kwargs.items() if isinstance(v, (bool, str))}, run)

    def quads_for_pattern(self, *pattern):
        return iter(self._record("pattern", pattern, {}, lambda: list(self.inner.quads_for_pattern(*pattern))))


def record_edit(root: Path) -> tuple[list[dict], dict]:
    """Edit one label and build in this process, the store recorded from its loading on; the log and the
    build's step seconds."""
    from cppcc_kg.build import pipeline
    from cppcc_kg.network import entity_graph
    from cppcc_kg.project import load as loader_module

    start = time.perf_counter()
    stores: list[RecordingStore] = []
    real_loader, real_store_of = loader_module.StoreLoader, entity_graph.store_of

    class RecordingLoader(real_loader):
        def finish(self):
            stores.append(RecordingStore(super().finish(), start))
            return stores[-1]

    loader_module.StoreLoader = RecordingLoader
    entity_graph.store_of = lambda data: data if isinstance(data, RecordingStore) else real_store_of(data)
    try:
        toggle_edit(root)
        result = pipeline.build(root, root / "build")
    finally:
        loader_module.StoreLoader, entity_graph.store_of = real_loader, real_store_of
    if result.get("load", {}).get("parsed") not in (None, 1):
        raise SystemExit(f"the edited build parsed {result['load']['parsed']} files, not 1: build {root} once first")
    return stores[0].log, {k: round(v, 2) for k, v in result["seconds"].items()}


_CHILD = r'''
import gc, json, sys, time
from pathlib import Path
import pyoxigraph as ox
from cppcc_kg.project.cache import Cache
from cppcc_kg.project.files import graph_iri, iter_files, project_files
from cppcc_kg.project.load import load
from cppcc_kg.rdf.store import load_store
root, way = Path(sys.argv[1]), sys.argv[2]
gc.disable()
t, c = time.perf_counter(), time.process_time()
if way == "load":
    p = load(root); n = len(p.store); extra = {k: round(v, 2) for k, v in p.stats["seconds"].items()}
else:
    store, seen = ox.Store(), set()
    for rel, data in iter_files(root, project_files(root), cache=Cache(root, write=False), stats={}, keys={}):
        lines = set(data.split(b"\n")); lines.discard(b"")
        again = lines & seen; seen |= lines
        if again:
            data = b"".join(line + b"\n" for line in sorted(lines - again))
        load_store({str(graph_iri(rel)): data}, store)
    n, extra = len(store), {}
# (the peak of this process's memory: ru_maxrss would also count the parent's, inherited through fork and exec)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "quads": n,
                  "peak_mib": hwm >> 10, **extra}))
'''


def _timed(f, runs: int) -> dict:
    out = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        f()
        out.append((time.perf_counter() - t, time.process_time() - c))
    return {"wall": round(statistics.median(w for w, _ in out), 2), "cpu": round(statistics.median(c for _, c in out), 2)}


def store_parts(root: Path, runs: int) -> dict:
    """The store step as the build runs it and inline (child processes), and each of its parts alone."""
    from cppcc_kg.project.cache import Cache
    from cppcc_kg.project.files import graph_iri, iter_files, project_files

    got: dict = {"load": [], "inline": []}
    for _ in range(runs):
        for way, rows in got.items():
            child = subprocess.run([sys.executable, "-c", _CHILD, str(root), way], capture_output=True, text=True,
                                   check=False)
            if child.returncode:
                raise SystemExit(child.stderr[-3000:])
            rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    out = {way: {k: round(statistics.median(r[k] for r in rs), 2) for k in rs[0]} for way, rs in got.items()}
    rels = project_files(root)
    nt = dict(iter_files(root, rels, cache=Cache(root, write=False), stats={}, keys={}))
    out["read the cache entries"] = _timed(lambda: dict(iter_files(root, rels, cache=Cache(root, write=False),
                                                                   stats={}, keys={})), runs)
    kept: dict[str, bytes] = {}

    def compare():
        seen: set[bytes] = set()
        for rel, data in nt.items():
            lines = set(data.split(b"\n"))
            lines.discard(b"")
            again = lines & seen
            seen |= lines
            kept[rel] = b"".join(line + b"\n" for line in sorted(lines - again)) if again else data

    out["compare the lines"] = _timed(compare, runs)
    graphs = {rel: ox.NamedNode(str(graph_iri(rel))) for rel in kept}

    def per_file():
        store = ox.Store()
        for rel, data in kept.items():
            if data:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graphs[rel], lenient=True)

    out["Oxigraph: load file by file"] = _timed(per_file, runs)
    quads = b"".join(line[:-2] + b" <" + graphs[rel].value.encode() + b"> .\n"
                     for rel, data in kept.items() for line in data.splitlines(True))
    out["Oxigraph: one bulk_load of N-Quads"] = _timed(
        lambda: ox.Store().bulk_load(quads, format=ox.RdfFormat.N_QUADS, lenient=True), runs)
    out["Oxigraph: parsing alone"] = _timed(lambda: [sum(1 for _ in ox.parse(d, format=ox.RdfFormat.N_TRIPLES,
                                                                             lenient=True)) for d in kept.values()], 1)
    return out


def disk_store(root: Path, log: list[dict], path: Path, runs: int) -> dict:
    """The on-disk store: made, opened, an edit's delta, and the edited build's queries on disk and in memory."""
    from cppcc_kg.project.files import graph_iri
    from cppcc_kg.project.load import load

    project = load(root)
    memory = project.store
    out: dict = {}
    shutil.rmtree(path, ignore_errors=True)
    t, c = time.perf_counter(), time.process_time()
    data = memory.dump(format=ox.RdfFormat.N_QUADS)
    disk = ox.Store(str(path))
    disk.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
    disk.flush()
    out["make (dump + one bulk_load)"] = {"wall": round(time.perf_counter() - t, 2), "cpu": round(time.process_time() - c, 2)}
    del data
    out["optimize"] = _timed(disk.optimize, 1)
    out["size MiB"] = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) >> 20
    del disk
    gc.collect()
    opened: list = []
    out["open"] = _timed(lambda: opened.append(ox.Store(str(path))), 1)
    disk = opened[0]
    rel = next(r for r in project.nt if r.startswith("graph/"))
    g = ox.NamedNode(str(graph_iri(rel)))

    def delta():
        disk.clear_graph(g)
        disk.bulk_load(project.nt[rel], format=ox.RdfFormat.N_TRIPLES, to_graph=g, lenient=True)
        disk.flush()

    out["delta (one graph cleared and loaded)"] = _timed(delta, runs)
    if len(disk) != len(memory):
        raise SystemExit(f"the disk store has {len(disk)} quads, the memory store {len(memory)}")
    queries, totals = [], {"memory": [0.0, 0.0], "disk": [0.0, 0.0]}
    for entry in log:
        if entry["kind"] != "query":
            continue
        row = {"thread": entry["thread"], "query": " ".join(entry["what"].split())[:90]}
        for name, store in (("memory", memory), ("disk", disk)):
            counts: set[int] = set()

            def run(store=store, counts=counts, entry=entry):
                r = store.query(entry["what"], **entry["kwargs"])
                counts.add(-1 if isinstance(r, bool) else sum(1 for _ in r))

            row[name] = _timed(run, runs)
            row[name + " rows"] = sorted(counts)
            totals[name][0] += row[name]["wall"]
            totals[name][1] += row[name]["cpu"]
        queries.append(row)
    out["queries"] = queries
    out["queries, total"] = {k: {"wall": round(w, 2), "cpu": round(c, 2)} for k, (w, c) in totals.items()}
    patterns = [e["what"] for e in log if e["kind"] == "pattern"]
    for name, store in (("memory", memory), ("disk", disk)):
        out[f"{len(patterns)} pattern lookups, {name}"] = _timed(
            lambda store=store: [list(store.quads_for_pattern(*p)) for p in patterns], runs)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, required=True, help="a project built once (its cache warm)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--disk", type=Path, default=None, help="where the on-disk store goes (default: a temporary folder)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    gc.disable()
    report: dict = {"machine before": round(machine_speed(), 2)}
    log, report["edited build, steps"] = record_edit(args.root)
    by: dict = {}
    for e in log:
        key = f"{e['kind']} {e['thread']}"
        a = by.setdefault(key, {"n": 0, "wall": 0.0, "cpu": 0.0, "first at": round(e["at"], 2)})
        a["n"] += 1
        a["wall"] = round(a["wall"] + e["wall"], 3)
        a["cpu"] = round(a["cpu"] + e["cpu"], 3)
    report["edited build, store calls"] = by
    main_thread: dict = {}
    for e in log:
        if e["thread"] == "MainThread":
            main_thread.setdefault(e["by"] if e["kind"] == "pattern" else e["what"].split("WHERE")[0].strip()[:60],
                                   round(e["at"], 2))
    report["edited build, first store call of the main thread, s from the start"] = main_thread
    report["store step"] = store_parts(args.root, args.runs)
    disk = args.disk or Path(f"/tmp/bench-store-{time.time_ns()}")
    try:
        report["disk store"] = disk_store(args.root, log, disk, args.runs)
    finally:
        if args.disk is None:
            shutil.rmtree(disk, ignore_errors=True)
    report["machine after"] = round(machine_speed(), 2)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
