"""What the tests share besides fixtures: the repository's paths, the fixture graphs, fixture projects.

Test modules import these from ``support`` (``tests/`` is on ``sys.path``, see ``pyproject.toml``);
the fixtures built on them are in ``tests/conftest.py``.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Self

import pyoxigraph as ox
from rdflib import Graph

from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.ntriples import NT

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
BUILD_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "build"
ANALYSIS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "small.ttl"


def analysis_graph():
    """A new graph of the ontology and the analysis fixture (callers may change it)."""
    g = Graph()
    g.parse(REPO_ROOT / "ontology.ttl")
    g.parse(ANALYSIS_FIXTURE)
    return g


def copy_project(dest: Path, *overlays: str, fixtures: Path = BUILD_FIXTURES) -> Path:
    """Copy ``fixtures/minimal`` and then each overlay folder onto *dest*, with the ontology and rules."""
    dest = Path(dest)
    shutil.copytree(fixtures / "minimal", dest, dirs_exist_ok=True)
    for name in overlays:
        shutil.copytree(fixtures / name, dest, dirs_exist_ok=True)
    shutil.copy2(REPO_ROOT / "ontology.ttl", dest / "ontology.ttl")
    shutil.copytree(REPO_ROOT / "rules", dest / "rules", dirs_exist_ok=True)
    return dest


def repository_or_synthetic(kind: str, tmp_path_factory) -> Path:
    """The repository's root (*kind* ``"repository"``) or a new synthetic project: of scale 3 for
    ``"synthetic"``, of scale N for ``"synth-N"``."""
    if kind == "repository":
        return REPO_ROOT
    root = tmp_path_factory.mktemp(kind) / "s"
    write_corpus(root, scale=int(kind.split("-")[1]) if kind.startswith("synth-") else 3, seed=0)
    return root


#: the prefixes of the small Turtle files the crafted projects add (:func:`crafted_project`)
CRAFTED_PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kgorg: <https://w3id.org/cppcc-kg/id/org/> .
"""


def crafted_project(make_project, files: dict[str, str]):
    """A new minimal project (the ``make_project`` fixture) with *files* (relative path -> text) written into
    it, loaded without a cache."""
    root = make_project()
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return load(root, cache=False)


def assert_same_graph(A, B) -> None:
    """The same nodes, attributes (and their order), edges, keys and graph attributes, in the same order."""
    assert list(A.nodes) == list(B.nodes)
    for n in A.nodes:
        assert list(A.nodes[n].items()) == list(B.nodes[n].items()), n
    assert [(u, v, k, list(d.items())) for u, v, k, d in A.edges(keys=True, data=True)] == \
        [(u, v, k, list(d.items())) for u, v, k, d in B.edges(keys=True, data=True)]
    assert A.graph == B.graph


def store_of_properties(graphs: dict[str, bytes], predicates) -> ox.Store:
    """A store of the triples of *graphs* (graph IRI -> canonical N-Triples) whose property is one of
    *predicates* (IRIs), each in its graph."""
    wanted = {f"<{p}>".encode() for p in predicates}
    part = ox.Store()
    for g, nt in graphs.items():
        lines = b"".join(line + b"\n" for line in nt.split(b"\n") if line and line.split(b" ", 2)[1] in wanted)
        if lines:
            part.load(lines, format=NT, to_graph=ox.NamedNode(g))
    return part


def children_of(pid: int, *, zombies: bool = True) -> set[int]:
    """The processes whose parent is *pid* (with *zombies*: those not waited for too), read from ``/proc``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid and (zombies or fields[0] != "Z"):
            found.add(int(stat.parent.name))
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with the bytes *answer* (after reading the
    request), then closes it: a server that is not HTTP, or whose HTTP Python cannot read. Use it with ``with``."""

    def __init__(self, answer: bytes):
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(1 << 20)
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the thread (Linux)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(10)


#: the command of OpenLink Virtuoso (Debian: apt-get install virtuoso-opensource)
VIRTUOSO = "virtuoso-t"
VIRTUOSO_INI = """[Database]
DatabaseFile = db/virtuoso.db
ErrorLogFile = db/virtuoso.log
LockFile = db/virtuoso.lck
TransactionFile = db/virtuoso.trx
xa_persistent_file = db/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = db/virtuoso-temp.db
TransactionFile = db/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
"""


def wait_for_endpoint(proc: subprocess.Popen, query_url: str, *, seconds: float, pause: float, stopped) -> None:
    """Poll the SPARQL endpoint *query_url* (``ASK {}``) until it answers 200, every *pause* seconds: RuntimeError
    with ``stopped()`` if the server *proc* ended first, the last connection error once *seconds* have passed."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(stopped())
        try:
            with urllib.request.urlopen(f"{query_url}?query=ASK%7B%7D", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)


def stop_process(proc: subprocess.Popen, *, timeout: float) -> None:
    """Terminate a server, killing it when it has not ended after *timeout* seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Virtuoso:
    """A real Virtuoso server on 127.0.0.1 (free ports), its database in the folder *location*.

    Its Graph Store (Digest authentication as ``dba``/``dba``, the password of a new
    database) is :attr:`store`, its SPARQL endpoint :attr:`query`. *buffers*: 8 KiB
    pages of cache (Virtuoso's advice: about two thirds of the memory it may use).
    ``ResultSetMaxRows`` is raised from Debian's 10 000, which would cut answers short.
    *max_query_seconds*: the server's own time limit of a query (``MaxQueryExecutionTime``;
    0: none), past which it answers 500 ``SR171: Transaction timed out`` and frees the core.
    """

    user, password = "dba", "dba"

    def __init__(self, location: Path, buffers: int = 20000, max_query_seconds: int = 0):
        exe = shutil.which(VIRTUOSO)
        if exe is None:
            raise FileNotFoundError(f"{VIRTUOSO} is not installed (Debian: apt-get install virtuoso-opensource)")
        self.location = Path(location)
        (self.location / "db").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        (self.location / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            sql_port=free_port(), http_port=self.port, buffers=buffers, dirty=buffers * 3 // 4,
            max_seconds=max_query_seconds), encoding="utf-8")
        self.proc = subprocess.Popen([exe, "-f", "-c", "virtuoso.ini"], cwd=self.location,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_for_endpoint(self.proc, self.query, seconds=120, pause=0.1, stopped=lambda: "virtuoso stopped: " + (
                self.location / "db" / "virtuoso.log").read_text(errors="replace")[-2000:])
        except OSError:
            self.stop()
            raise

    @property
    def store(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def query(self) -> str:
        return f"{self.base}/sparql"

    def stop(self) -> None:
        stop_process(self.proc, timeout=60)


#: Debian's headless browser and its driver, for the tests that open a page in a real browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_CHROMIUM = Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()
NO_CHROMIUM = ("headless browser tests need Debian's chromium and chromium-driver: "
               "apt-get install -y chromium chromium-driver fonts-noto-cjk")
#: flags of every test browser: headless, and none of Chromium's own connections (the network is closed)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_driver(profile: Path, *flags: str, page_load_timeout: int = 60):
    """A headless Chromium (selenium) with a fresh profile in *profile*, logging the console and the network
    (``goog:loggingPrefs``); *flags* are added to :data:`CHROMIUM_FLAGS`. The caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, *flags, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(page_load_timeout)
    return driver


class DictCache:
    """The two methods of the loader's cache (``get``, ``put``) that the kept measures and layouts use, in memory."""

    def __init__(self):
        self.entries: dict[str, bytes] = {}

    def get(self, name):
        return self.entries.get(name)

    def put(self, name, data):
        self.entries[name] = data


def proposed_names(ingester, text: str, source_id: str = "test") -> dict[str, str]:
    """The names ingest proposes in *text* (linked or new), each with its class: what the span-rule tests read."""
    r = ingester.run(text, source_id=source_id)
    return {m["exact"]: m["class"] for m in r["mentions"] if m["status"] in ("linked", "new")}


#: one quote in the full form of the W3C Web Annotation model, in the layout the writers used before the compact
#: form (the compact form: docs/curation.md, "Evidence"); a comment and another statement beside it
FULL_FORM_QUOTE = """@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
# a comment that stays
<https://e.org/a> a oa:Annotation ;
    oa:motivatedBy oa:describing ;
    oa:hasBody <https://e.org/b> ;
    oa:hasTarget <https://e.org/a-target> .
<https://e.org/a-target> a oa:SpecificResource ;
    oa:hasSource <https://e.org/s> ;
    oa:hasSelector <https://e.org/a-position>, <https://e.org/a-quote> .
<https://e.org/a-position> a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ;
    oa:end "2"^^xsd:nonNegativeInteger .
<https://e.org/a-quote> a oa:TextQuoteSelector ;
    oa:exact "甲市" .
<https://e.org/b> a <https://e.org/C> .
"""
