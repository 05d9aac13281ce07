"""The endpoint under mixed load (issue 12, item 3): light queries stay fast while heavy ones run.

The server runs in this process (``make_server`` + ``serve_in_thread``; its workers are
processes). ``--concurrency`` clients, each on its own keep-alive HTTP connection, send
``--requests`` queries in all, drawn at random (seeded) from:

* light: small SELECT / ASK / label look-ups (a few milliseconds each);
* heavy: a three-way cross product of the graph that runs past any time limit, half of them
  with the same text (the pool learns that it is heavy), half with a text of their own
  (a new comment: the pool cannot know before it runs);

Reported: the count of answers by kind and status, the latency of the light queries
(p50 / p95 / max), each distinct 5xx message, and the memory of the server process and of its
workers (resident, MiB) before, at the peak of, and after the load. The goal of the issue:
no 5xx but 503 for a query that itself ran past the time limit, and light queries answered
in less than 1 s. The exit code is 0 when the goal is met, 1 otherwise.

Usage::

    python bench/bench_serve_load.py --build-dir build [--store memory] [--workers 3] [--timeout 3]
"""
from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg.sparql.server import make_server, serve_in_thread, shutdown  # noqa: E402

P = ("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
     "PREFIX kg: <https://w3id.org/cppcc-kg/graph/> ")
LIGHT = [
    P + "SELECT ?c ?l WHERE { ?c a cppcc:CPPCCCommittee ; rdfs:label ?l } ORDER BY ?c ?l",
    P + "ASK { ?s a cppcc:CPPCCCommittee }",
    P + "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER (lang(?l) = 'en') } LIMIT 20",
    P + "SELECT (COUNT(*) AS ?n) WHERE { ?s a cppcc:CPPCCCommittee }",
    P + "SELECT ?p ?o WHERE { ?c a cppcc:CPPCCCommittee ; ?p ?o } LIMIT 50",
]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def memory_of(pid="self") -> int:
    """Resident bytes of process *pid* (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def plan(n: int, heavy_share: float, seed: int) -> list[tuple[str, str]]:
    """``(kind, text)`` of each request, in order."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if rng.random() < heavy_share:
            text = HEAVY if rng.random() < 0.5 else f"{HEAVY} # {i}"
            out.append(("heavy", text))
        else:
            out.append(("light", rng.choice(LIGHT)))
    return out


def run_load(port: int, requests: list[tuple[str, str]], concurrency: int) -> list[tuple[str, int, float, str]]:
    """``(kind, status, seconds, first line of a non-200 body)`` of each request."""
    todo = collections.deque(requests)
    lock = threading.Lock()
    results: list[tuple[str, int, float, str]] = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not todo:
                    break
                kind, text = todo.popleft()
            body = urllib.parse.urlencode({"query": text})
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/sparql", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            except (OSError, http.client.HTTPException) as exc:
                status, data = 0, f"connection error: {exc}".encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - t0
            line = "" if status == 200 else data.decode("utf-8", "replace").split("\n")[1 if status else 0][:100]
            with lock:
                results.append((kind, status, elapsed, line))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class MemoryWatch:
    """Samples the resident memory of this process and of the pool's workers every 0.2 s."""

    def __init__(self, pool):
        self.pool, self.peak = pool, (0, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> tuple[int, int]:
        workers = sum(memory_of(pid) for pid in (self.pool.pids if self.pool is not None else []))
        return memory_of(), workers

    def _run(self):
        while not self._stop.wait(0.2):
            server, workers = self.now()
            self.peak = (max(self.peak[0], server), max(self.peak[1], workers))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def report(results, timeout: float, memory: dict, wall: float) -> bool:
    mib = 2**20
    print(f"{len(results)} requests in {wall:.1f} s")
    by = collections.Counter((kind, status) for kind, status, _, _ in results)
    for (kind, status), n in sorted(by.items()):
        print(f"  {kind:5} {status}: {n}")
    light = [s for kind, status, s, _ in results if kind == "light" and status == 200]
    print(f"light queries answered: p50 {statistics.median(light) * 1000:.0f} ms, "
          f"p95 {percentile(light, 0.95) * 1000:.0f} ms, p99 {percentile(light, 0.99) * 1000:.0f} ms, "
          f"max {max(light) * 1000:.0f} ms; {sum(s >= 1.0 for s in light)} of {len(light)} took 1 s or more")
    heavy = [s for kind, _, s, _ in results if kind == "heavy"]
    if heavy:
        print(f"heavy queries answered: p50 {statistics.median(heavy):.1f} s, max {max(heavy):.1f} s")
    messages = collections.Counter((status, line) for _, status, _, line in results if status >= 500 or status == 0)
    for (status, line), n in messages.most_common():
        print(f"  {n} x {status}: {line}")
    for when in ("before", "peak", "after"):
        server, workers = memory[when]
        print(f"memory {when:6}: server {server / mib:.0f} MiB, workers {workers / mib:.0f} MiB")
    bad = [r for r in results if r[1] >= 500 or r[1] == 0]
    allowed = [r for r in bad if r[1] == 503 and r[0] == "heavy" and "time limit" in r[3]]
    slow_light = [s for s in light if s >= 1.0]
    failed_light = [r for r in results if r[0] == "light" and r[1] != 200]
    ok = len(bad) == len(allowed) and not slow_light and not failed_light
    print(f"goal (no 5xx but 503 past the time limit of {timeout:g} s; every light query 200 in < 1 s): "
          f"{'met' if ok else 'NOT met'}")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--store", choices=["memory", "oxigraph"], default="memory")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=3.0, help="the server's time limit (seconds)")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--heavy-share", type=float, default=0.02, help="share of heavy queries (default 2%%)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--settle", type=float, default=10.0, help="seconds to wait after the load before 'after'")
    args = ap.parse_args(argv)

    srv = make_server(args.build_dir, port=0, store=args.store, workers=args.workers, timeout=args.timeout, quiet=True)
    serve_in_thread(srv)
    pool = getattr(getattr(srv, "service", None), "pool", None)
    port = srv.server_address[1]
    try:
        requests = plan(args.requests, args.heavy_share, args.seed)
        print(f"store {args.store}, {args.workers} workers, time limit {args.timeout:g} s, "
              f"{args.requests} requests ({sum(k == 'heavy' for k, _ in requests)} heavy), "
              f"concurrency {args.concurrency}")
        run_load(port, [("light", LIGHT[0])] * 20, 2)  # warm up
        with MemoryWatch(pool) as watch:
            memory = {"before": watch.now()}
            t0 = time.perf_counter()
            results = run_load(port, requests, args.concurrency)
            wall = time.perf_counter() - t0
            deadline = time.monotonic() + args.settle  # let stopped workers be replaced
            while pool is not None and time.monotonic() < deadline and pool.worker_count() < pool.size:
                time.sleep(0.1)
            memory["peak"] = watch.peak
        memory["after"] = watch.now()
        return 0 if report(results, args.timeout, memory, wall) else 1
    finally:
        shutdown(srv)


if __name__ == "__main__":
    raise SystemExit(main())
