"""Throughput of the SPARQL endpoint (`cppcc-kg serve`): 10 concurrent clients sending a simple query.

For each store, the server runs in this process (its workers are processes), and
``--clients`` threads send the same small SELECT over keep-alive HTTP connections
for ``--seconds``; the run is repeated ``--repeats`` times and the median
throughput (requests per second) and median per-request latency are reported.
A second figure: with one heavy query holding a worker, the latency of 20
concurrent ASK requests.

Usage::

    python bench/bench_serve.py --build-dir build
"""
from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cppcc_kg.sparql.server import make_server, serve_in_thread, shutdown  # noqa: E402

SIMPLE = ("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?c ?l WHERE { ?c a cppcc:CPPCCCommittee ; rdfs:label ?l } ORDER BY ?c ?l")
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def hammer(port: int, clients: int, seconds: float) -> tuple[float, float, int]:
    """(requests per second, median latency in ms, errors)."""
    path = "/sparql?" + urllib.parse.urlencode({"query": SIMPLE})
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        barrier.wait()
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                with lock:
                    errors[0] += 1
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, errors[0]


def asks_during_heavy(port: int, pool) -> list[float]:
    def post(query):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/sparql", urllib.parse.urlencode({"query": query}),
                     {"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        return resp.status

    heavy = threading.Thread(target=post, args=(HEAVY,))
    heavy.start()
    while pool.idle_count() != pool.size - 1:
        time.sleep(0.005)
    lat: list[float] = []
    barrier = threading.Barrier(20)

    def ask():
        barrier.wait()
        t0 = time.perf_counter()
        post("ASK { ?s ?p ?o }")
        lat.append(time.perf_counter() - t0)

    ts = [threading.Thread(target=ask) for _ in range(20)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    heavy.join()
    return lat


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args(argv)
    print("| store | clients | workers | throughput (req/s, median of runs) | latency (ms, median) | "
          "20 ASKs during a heavy query: median / max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for store in ("memory", "oxigraph"):
        srv = make_server(args.build_dir, port=0, store=store, workers=args.workers, timeout=3.0, quiet=True)
        serve_in_thread(srv)
        port = srv.server_address[1]
        try:
            hammer(port, args.clients, 1.0)  # warm up
            runs = [hammer(port, args.clients, args.seconds) for _ in range(args.repeats)]
            for rps, lat, err in runs:
                print(f"  {store}: {rps:.0f} req/s, median {lat:.1f} ms, {err} errors", file=sys.stderr)
            pool = srv.service.pool
            while pool.idle_count() != pool.size:
                time.sleep(0.01)
            asks = asks_during_heavy(port, pool)
            print(f"| {store} | {args.clients} | {args.workers} | {statistics.median(r[0] for r in runs):.0f} | "
                  f"{statistics.median(r[1] for r in runs):.1f} | "
                  f"{statistics.median(asks) * 1000:.0f} / {max(asks) * 1000:.0f} |")
        finally:
            shutdown(srv)


if __name__ == "__main__":
    main()
