"""Benchmark ``cppcc-kg push`` to a real SPARQL server (Oxigraph server, Graph Store Protocol).

Starts ``oxigraph serve`` (the PyPI package ``oxigraph``, a test extra) on 127.0.0.1 with
a new on-disk store, pushes a build folder in batches with ``cppcc-kg push`` in a child
process (wall time and peak memory), checks that the server holds as many triples as
the build, then pushes again (nothing to send: every batch is recorded as done) and
measures that too.

    python bench/bench_push.py BUILD_DIR [--batch-size 50000]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph() -> str:
    exe = Path(sys.executable).parent / "oxigraph"
    found = str(exe) if exe.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the `oxigraph` command is missing: pip install -e '.[test]'")
    return found


def _count(base: str) -> int:
    q = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    req = urllib.request.Request(f"{base}/query?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def _child(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path)
    parser.add_argument("--batch-size", type=int, default=50000)
    args = parser.parse_args()
    nt = args.build_dir / "graph.nt"
    if not nt.is_file():
        raise SystemExit(f"{nt}: missing: build first")
    triples = sum(1 for _ in nt.open("rb"))
    location = Path(tempfile.mkdtemp(prefix="bench-push-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            try:
                _count(base)
                break
            except OSError:
                time.sleep(0.1)
        state = location / "push-state.json"
        cmd = [sys.executable, "-m", "cppcc_kg.cli", "push", f"{base}/store", "--build-dir", str(args.build_dir),
               "--batch-size", str(args.batch_size), "--state", str(state)]
        wall, peak = _child(cmd)
        held = _count(base)
        again, _ = _child(cmd)
        done = json.loads(state.read_text(encoding="utf-8"))
        entry = next(iter(done.values()))
        print(f"graph.nt {triples} triples; pushed in {wall:.1f} s (peak {peak:.0f} MiB), "
              f"{entry['total']} batches of {args.batch_size}; the server's default graph holds {held}; "
              f"pushing again with every batch recorded: {again:.1f} s")
        if held != triples:
            raise SystemExit(f"the server holds {held} triples in its default graph, the build {triples}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(location, ignore_errors=True)


if __name__ == "__main__":
    main()
