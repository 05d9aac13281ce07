"""Benchmark ``cppcc-kg push`` to a real SPARQL server (Oxigraph or Virtuoso, Graph Store Protocol).

Starts the server on 127.0.0.1 with a new on-disk store in a temporary folder:
``oxigraph serve`` (the PyPI package ``oxigraph``, a test extra) or Virtuoso
(Debian's ``virtuoso-opensource``, started as tests/sparql/test_push_virtuoso.py
does: ``support.Virtuoso``). Pushes a build folder with ``cppcc-kg push`` in a child
process (wall time and peak memory; ``--runs`` pushes, each with ``--restart``,
median), checks that the server holds as many triples as the build, then pushes
again (nothing to send: every batch is recorded as done) and measures that too.
The server's peak memory is read from ``/proc`` at the end.

With ``--compare``, every query of ``queries/`` then runs on the server and on the
local build (``--local-store``, Oxigraph by default: the memory store is slow at
scale 1000), timed, and the answers are compared by
:func:`cppcc_kg.sparql.compare.compare_results` (only what SPARQL allows to differ is
normalised). Virtuoso has no default graph of its own: the build's default graph is
pushed into ``--default-graph`` and the queries ask for it as ``default-graph-uri``,
with the build's named graphs as ``named-graph-uri``.

    python bench/bench_push.py BUILD_DIR [--batch-size 50000] [--server virtuoso] [--compare] [--runs 3]

A server that runs already (a cluster deployment) is given with ``--url`` and
``--query-url`` (``--default-graph``, ``--user`` as for ``cppcc-kg push``): the same
push, count and comparison, without starting or stopping anything. Careful: the
push replaces the graphs it sends to (the first batch of each is a ``PUT``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from rdflib import XSD, Literal
from support import Virtuoso, free_port

from cppcc_kg.sparql.compare import (
    INTEGER_TYPES,
    compare_query,
    compare_results,
    graphs_read,
)
from cppcc_kg.sparql.engines import EndpointEngine, open_engine
from cppcc_kg.sparql.push import dataset_lines
from cppcc_kg.sparql.results import QueryResult

DEFAULT_GRAPH = "https://w3id.org/cppcc-kg/graph/default"


def _oxigraph() -> str:
    exe = Path(sys.executable).parent / "oxigraph"
    found = str(exe) if exe.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the `oxigraph` command is missing: pip install -e '.[test]'")
    return found


class OxigraphServer:
    """``oxigraph serve`` on a free port, its store in *location*."""

    user = password = None
    default_graph = None

    def __init__(self, location: Path):
        self.location = location
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.store, self.query = f"{self.base}/store", f"{self.base}/query"
        self.proc = subprocess.Popen([_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            try:
                _count(self.query, None)
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("oxigraph did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


class ExistingServer:
    """A server that runs already (a cluster deployment): given by its URLs, neither started nor stopped."""

    proc = None

    def __init__(self, store: str, query: str, default_graph: str | None, user: str | None):
        self.store, self.query, self.default_graph, self.user = store, query, default_graph, user
        self.password = os.environ.get("CPPCC_KG_PUSH_PASSWORD")

    def stop(self) -> None:
        pass


def _count(query_url: str, graph: str | None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    q = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    req = urllib.request.Request(f"{query_url}?{q}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def _child(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def _server_peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _mapped(result, term):
    """*result* with each term passed through *term* (to tell which known difference explains the rest)."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult(result.form, triples=[tuple(term(t) for t in tr) for tr in result.triples])
    if result.form == "ASK":
        return result
    return QueryResult(result.form, result.variables, [tuple(term(t) for t in row) for row in result.rows])


def _integer(t):
    """A literal of a type derived from xsd:integer as xsd:integer (what the local Oxigraph store answers)."""
    if isinstance(t, Literal) and str(t.datatype) in INTEGER_TYPES:
        return Literal(str(t), datatype=XSD.integer)
    return t


def _six_digits(t):
    """An xsd:double with 6 significant digits (what Virtuoso writes in its results)."""
    if isinstance(t, Literal) and t.datatype == XSD.double:
        return Literal(repr(float(f"{float(t):.6g}")), datatype=XSD.double)
    return t


def explain(text: str, a, b) -> str:
    """A known cause that alone explains every difference between two answers, or ``other``."""
    if not compare_results(text, _mapped(a, _integer), _mapped(b, _integer)):
        return "integer datatypes only"
    if not compare_results(text, _mapped(a, _six_digits), b):
        return "doubles cut to 6 digits only"
    return "other"


def compare(build_dir: Path, server, local_store: str, named: list[str], timeout: float) -> list[dict]:
    """Every library query on the local build and on the server (*named*: the build's named graphs), each
    printed as it ends; a query the server does not answer within *timeout* seconds is reported as timed out.

    Each query names as ``named-graph-uri`` only the named graphs it reads (``graphs_read``): all 4 003 of
    scale 1000 make Virtuoso answer with more than 100 headers, which Python's http.client refuses.
    """
    defaults = [server.default_graph] if server.default_graph else []
    remote = EndpointEngine(server.query, timeout=timeout, default_graphs=defaults)
    local = open_engine(store=local_store, build_dir=build_dir)
    out = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        c = compare_query(path, local, remote, default_graphs=defaults,
                          named_graphs=graphs_read(text, named) if defaults else None)
        if c.answers is not None:  # which known cause, if any, explains every difference
            c.verdict = f"differs: {explain(text, *c.answers)}"
        out.append({k: v for k, v in vars(c).items() if k != "answers"})
        print(f"{c.query}: {c.verdict} ({c.local_rows} rows here in {c.local_s or 0:.2f} s, {c.remote_rows} there "
              f"in {c.remote_s or 0:.2f} s)", file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path)
    parser.add_argument("--batch-size", type=int, default=50000)
    parser.add_argument("--server", choices=["oxigraph", "virtuoso"], default="oxigraph")
    parser.add_argument("--buffers", type=int, default=170000, help="Virtuoso's NumberOfBuffers (8 KiB pages)")
    parser.add_argument("--runs", type=int, default=1, help="pushes (each with --restart); the median is printed")
    parser.add_argument("--compare", action="store_true", help="run queries/*.rq on the server and locally, compare")
    parser.add_argument("--local-store", choices=["memory", "oxigraph"], default="oxigraph")
    parser.add_argument("--query-timeout", type=float, default=300, help="seconds a query may take on the server "
                        "before it is reported as timed out (a Virtuoso started here stops it 30 s later)")
    parser.add_argument("--keep", action="store_true", help="leave the server started here running at the end "
                        "(its URLs, process id and folder are printed; stop it with kill PID)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--url", help="push to this Graph Store endpoint of a running server instead of starting one")
    parser.add_argument("--query-url", help="with --url: its SPARQL query endpoint")
    parser.add_argument("--default-graph", help="with --url: push the default graph into this named graph")
    parser.add_argument("--user", help="with --url: the user (password in CPPCC_KG_PUSH_PASSWORD)")
    args = parser.parse_args()
    nt = args.build_dir / "graph.nt"
    if not nt.is_file():
        raise SystemExit(f"{nt}: missing: build first")
    triples = sum(1 for _ in nt.open("rb"))
    location = Path(tempfile.mkdtemp(prefix="bench-push-"))
    if args.url:
        if not args.query_url:
            raise SystemExit("--url needs --query-url")
        server = ExistingServer(args.url, args.query_url, args.default_graph, args.user)
        if args.user and server.password is None:
            raise SystemExit("--user needs the password in CPPCC_KG_PUSH_PASSWORD")
        args.server = urllib.parse.urlsplit(args.url).netloc
    elif args.server == "virtuoso":
        server = Virtuoso(location, buffers=args.buffers, max_query_seconds=int(args.query_timeout) + 30)
        server.default_graph = DEFAULT_GRAPH
    else:
        server = OxigraphServer(location)
    try:
        state = location / "push-state.json"
        cmd = [sys.executable, "-m", "cppcc_kg.cli", "push", server.store, "--build-dir", str(args.build_dir),
               "--batch-size", str(args.batch_size), "--state", str(state)]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if server.default_graph:
            cmd += ["--default-graph", server.default_graph]
        if server.user:
            cmd += ["--user", server.user]
            env["CPPCC_KG_PUSH_PASSWORD"] = server.password
        walls, peaks = [], []
        for i in range(args.runs):
            wall, peak = _child(cmd + (["--restart"] if i else []), env)
            walls.append(wall)
            peaks.append(peak)
        held = _count(server.query, server.default_graph)
        again, _ = _child(cmd, env)
        entry = next(iter(json.loads(state.read_text(encoding="utf-8")).values()))
        sizes = {g: len(lines) for g, lines in dataset_lines(args.build_dir)}
        named = sorted(g for g in sizes if g is not None)
        total = sum(sizes.values())
        figures = {"server": args.server, "triples_default_graph": triples, "triples": total, "graphs": len(sizes),
                   "triples_per_s": total / statistics.median(walls), "batches": entry["total"],
                   "batch_size": args.batch_size, "push_s": walls, "push_median_s": statistics.median(walls),
                   "push_peak_mib": max(peaks), "held_default_graph": held, "push_again_s": again}
        print(f"{args.server}: {total} triples in {len(sizes)} graphs ({total / statistics.median(walls):.0f} triples/s), "
              f"graph.nt {triples}; pushed in {statistics.median(walls):.1f} s "
              f"(median of {args.runs}: {', '.join(f'{w:.1f}' for w in walls)}; peak {max(peaks):.0f} MiB), "
              f"{entry['total']} batches of {args.batch_size}; the server's default graph holds {held}; "
              f"pushing again with every batch recorded: {again:.1f} s")
        if held != triples:
            raise SystemExit(f"the server holds {held} triples in its default graph, the build {triples}")
        if args.compare:
            figures["query_timeout_s"] = args.query_timeout
            figures["queries"] = compare(args.build_dir, server, args.local_store, named, args.query_timeout)
            print(f"| query | rows here | rows there | {args.local_store} s | {args.server} s | answers | first difference |")
            print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
            for q in figures["queries"]:
                first = " ".join(q["differences"][0].replace("|", "/").split())[:90] if q["differences"] else ""
                there = "" if q["remote_s"] is None else f"{q['remote_s']:.2f}"
                print(f"| {q['query']} | {q['local_rows']} | {q['remote_rows']} | {q['local_s'] or 0:.2f} | "
                      f"{there} | {q['verdict']} | {first} |")
        if server.proc is not None:
            figures["server_peak_mib"] = _server_peak_mib(server.proc.pid)
            print(f"server peak memory {figures['server_peak_mib']:.0f} MiB")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1, default=str) + "\n", encoding="utf-8")
    finally:
        if args.keep and server.proc is not None and server.proc.poll() is None:
            print(f"kept: the server (pid {server.proc.pid}) answers at {server.query}, Graph Store {server.store}, "
                  f"its data in {location}; stop it with kill {server.proc.pid}", file=sys.stderr)
        else:
            server.stop()
            shutil.rmtree(location, ignore_errors=True)


if __name__ == "__main__":
    main()
