"""Benchmark the graph files of a clean build (issue 15, session 8): the CPU seconds of the
Turtle and JSON-LD bodies, of writing the files, and of a whole clean build.

For a project root (by default the synthetic project of ``--scale``, written once into ``--work``),
each a median of ``--runs``:

* ``bodies``: the CPU seconds of the Turtle and JSON-LD of every graph and its misread prefixes, as
  the helper worker makes them (:func:`cppcc_kg.rdf.bodies.bodies_of`), in this process;
* ``bodies before``: the same made as before (tests/oracles/serialize_oxigraph.py: Oxigraph's
  serializers, then the namespaces replaced in the JSON), with ``--before``;
* ``write``: the CPU seconds of the main thread writing graph.trig/.ttl/.jsonld/.nt from those bodies
  (:func:`cppcc_kg.build.rdf_files._write_graphs`);
* with ``--build``: clean builds (``cache=False``) in child processes: the wall seconds, the CPU seconds
  of the whole process tree (the build, its helper worker and its parse workers) and the build's
  ``graph`` step.

    python bench/bench_graph_files.py --scale 1000 --runs 3 --before --build
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from bench_scale import (  # (one definition of the machine loop and of the corpus)
    machine_speed,
    synth_root,
)
from oracles import serialize_oxigraph as before

from cppcc_kg.build import rdf_files
from cppcc_kg.project.load import load
from cppcc_kg.rdf import bodies


def cpu_of(work) -> float:
    t = time.process_time()
    work()
    return time.process_time() - t


def new_bodies(graphs: dict[str, bytes]) -> dict:
    bodies._TERMS.clear()  # (as in a fresh helper worker)
    return {iri: bodies.bodies_of(nt) for iri, nt in graphs.items()}


def old_bodies(graphs: dict[str, bytes]) -> None:
    for nt in graphs.values():
        before.misread_prefixes(nt)
        before.turtle_body(nt)
        before.jsonld_body(nt, set())


def clean_build(root: Path, out: Path) -> dict:
    """Wall and CPU seconds (the whole process tree) of a clean build in a child process, and its steps."""
    code = ("import json, sys\nfrom cppcc_kg.build.pipeline import build\n"
            f"r = build({str(root)!r}, {str(out)!r}, cache=False)\n"
            "print(json.dumps(r['seconds']))\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if got.returncode != 0:
        raise SystemExit(f"the build of {root} failed:\n{got.stderr[-3000:]}")
    steps = json.loads(got.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "graph step": steps.get("graph", 0.0)}


def median(values) -> float:
    return round(statistics.median(values), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--root", type=Path, help="a project root instead of a synthetic one")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cppcc-kg-graph-files")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--before", action="store_true", help="also time the bodies made as before")
    ap.add_argument("--build", action="store_true", help="also time clean builds (wall, CPU of the process tree)")
    args = ap.parse_args()
    root = args.root if args.root is not None else synth_root(args.work, args.scale)
    report = {"root": str(root), "machine": round(machine_speed(), 3)}
    project = load(root, cache=False)
    try:
        graphs = {iri: nt for iri, nt in sorted(project.graphs().items()) if nt}
    finally:
        project.close()
    report["graphs"], report["triples"] = len(graphs), sum(nt.count(b"\n") for nt in graphs.values())
    made = {}
    times = []
    for _ in range(args.runs):
        times.append(cpu_of(lambda: made.update(new_bodies(graphs))))
    report["bodies"] = median(times)
    if args.before:
        report["bodies before"] = median(cpu_of(lambda: old_bodies(graphs)) for _ in range(args.runs))
    out = args.work / "graph-files"
    items = sorted(graphs.items())
    misread = {iri: made[iri][2] for iri, _nt in items}
    report["write"] = median(cpu_of(lambda: rdf_files._write_graphs(out, items, lambda iri, nt, skip: made[iri][:2], misread))
                             for _ in range(args.runs))

    if args.build:
        rows = [clean_build(root, args.work / "build") for _ in range(args.runs)]
        report["clean build"] = {k: median(r[k] for r in rows) for k in rows[0]}
    report["machine after"] = round(machine_speed(), 3)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
