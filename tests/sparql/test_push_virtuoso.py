"""`cppcc-kg push` into a second real SPARQL server, OpenLink Virtuoso, and the query library there.

Virtuoso is Debian's ``virtuoso-opensource`` (``.ci/run`` installs it); where the
``virtuoso-t`` command is missing, these tests are skipped and say so. The server
runs on free ports with its database in a temporary folder, and stops at the end.

Virtuoso has no default graph of its own (its default graph is the union of all
its graphs), so the build's default graph goes into the named graph
:data:`DEFAULT_GRAPH` (``push --default-graph``) and the queries ask for it as the
dataset's default graph (``default-graph-uri``), with the build's named graphs as
``named-graph-uri``. Answers are compared with the local build's (the memory store,
``cppcc_kg.query``'s default) by :func:`cppcc_kg.sparql.compare.compare_results`,
which allows only what SPARQL allows to differ; the differences that remain are
Virtuoso's, each named below with a minimal reproduction (bench/README.md lists them).
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from support import VIRTUOSO, Virtuoso

from cppcc_kg.cli.push import PASSWORD_VARIABLE
from cppcc_kg.cli.push import command as push_command
from cppcc_kg.cli.query import command as query_command
from cppcc_kg.sparql.compare import compare_query, compare_results, graphs_read
from cppcc_kg.sparql.dataset import METRICS_GRAPH
from cppcc_kg.sparql.engines import EndpointEngine, open_engine
from cppcc_kg.sparql.guard import QueryError
from cppcc_kg.sparql.push import PushError, dataset_lines, push
from cppcc_kg.sparql.query import run

pytestmark = [
    pytest.mark.skipif(shutil.which(VIRTUOSO) is None, reason=f"{VIRTUOSO} is not installed (Debian: apt-get install "
                       "virtuoso-opensource): the push to a second SPARQL server is not tested here"),
    pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning"),
]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GRAPH = "https://w3id.org/cppcc-kg/graph/default"
PREFIXES = ("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")

#: queries whose answers Virtuoso 7.2 gets wrong: a `*` or `+` property path joined with other patterns
#: (test_virtuoso_property_paths_lose_and_repeat_rows shows the two faults on the same data)
PROPERTY_PATH_FAULTS = {"01-bodies-of-inner-mongolia-cppcc.rq", "02-documents-issued-or-revised-by-inner-mongolia-cppcc.rq",
                        "07-organization-hierarchy.rq", "08-who-issued-revised-or-approved-documents.rq",
                        "09-programmes-and-partners.rq", "15-organizations-connected-to-beijing-cppcc.rq",
                        "17-media-coverage.rq"}
#: queries that answer xsd:double values, which Virtuoso writes in results with 6 significant digits
DOUBLES_CUT_SHORT = {"12-centrality-ranking.rq"}


#: the server's own time limit of a query: far above what any library query takes here (under a second)
SERVER_LIMIT_S = 30


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), max_query_seconds=SERVER_LIMIT_S)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pushed(built, virtuoso, tmp_path_factory):
    """The build pushed to Virtuoso; the push's result and an engine that queries it as the build's dataset."""
    out = push(built, virtuoso.store, batch_size=2000, default_graph=DEFAULT_GRAPH, user=virtuoso.user,
               password=virtuoso.password, state_file=tmp_path_factory.mktemp("state") / "state.json")
    named = [g for g, _ in dataset_lines(built) if g is not None]
    return out, EndpointEngine(virtuoso.query, timeout=300, default_graphs=[DEFAULT_GRAPH], named_graphs=named)


def test_push_to_virtuoso_holds_every_graph(built, pushed):
    out, _ = pushed
    expected = {DEFAULT_GRAPH if g is None else g: len(lines) for g, lines in dataset_lines(built)}
    assert out["done"] and out["sent"] == out["batches"] and out["triples"] == sum(expected.values())
    assert out["held"] == expected  # counted on the server, graph by graph


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "queries").glob("*.rq")))
def test_library_query_on_virtuoso(built, pushed, name):
    path = ROOT / "queries" / name
    local = run(path, open_engine(build_dir=built))
    remote = run(path, pushed[1])
    differences = compare_results(path.read_text(encoding="utf-8"), local, remote)
    if name in PROPERTY_PATH_FAULTS:
        assert differences and all(d.startswith("rows") for d in differences), (
            f"{name}: Virtuoso now answers like the local build: take it out of PROPERTY_PATH_FAULTS and bench/README.md")
    elif name in DOUBLES_CUT_SHORT:
        assert differences
        doubles = [i for i, t in enumerate(local.rows[0]) if getattr(t, "datatype", None) and t.datatype.endswith("#double")]
        assert doubles and len(remote.rows) == len(local.rows)
        for here, there in zip(local.rows, remote.rows):
            assert [str(x) for i, x in enumerate(here) if i not in doubles] == [
                str(x) for i, x in enumerate(there) if i not in doubles]
            for i in doubles:  # the same value, written with 6 significant digits
                assert float(there[i]) == float(f"{float(here[i]):.6g}")
    else:
        assert differences == [], name


def test_virtuoso_property_paths_lose_and_repeat_rows(built, pushed):
    """The two faults behind PROPERTY_PATH_FAULTS, on the pushed data, against the same query written without `*`."""
    engine, local = pushed[1], open_engine(build_dir=built)

    def count(q):
        return [int(run(PREFIXES + q, e).rows[0][0]) for e in (local, engine)]

    # Bulletin's superclasses: each node once (SPARQL's ZeroOrMorePath); Virtuoso repeats prov:Entity
    assert count("SELECT (COUNT(*) AS ?n) WHERE { cppcc:Bulletin rdfs:subClassOf* ?c }") == [5, 6]
    # the classes of publications are one level below cppcc:Publication, so `*` and a plain step give the same rows
    union = ("{ ?p cppcc:reportedOn ?item } UNION { ?p cppcc:publisher ?item }")
    plain = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a ?c . ?c rdfs:subClassOf cppcc:Publication . {union} }}")
    star = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a ?c . ?c rdfs:subClassOf* cppcc:Publication . {union} }}")
    assert plain[0] == plain[1] == star[0]
    assert star[1] < star[0]  # Virtuoso loses rows


def test_virtuoso_needs_a_named_graph_for_the_default_graph_and_a_user(built, virtuoso, tmp_path):
    with pytest.raises(PushError) as info:
        push(built, virtuoso.store, user=virtuoso.user, password=virtuoso.password, state_file=tmp_path / "s.json")
    assert "--default-graph IRI" in str(info.value)
    with pytest.raises(PushError) as info:
        push(built, virtuoso.store, default_graph=DEFAULT_GRAPH, state_file=tmp_path / "s.json")
    assert "401" in str(info.value) and "--user NAME" in str(info.value)
    with pytest.raises(PushError) as info:
        push(built, virtuoso.store, default_graph=DEFAULT_GRAPH, user=virtuoso.user, password="wrong",
             state_file=tmp_path / "s.json")
    assert "401" in str(info.value)


def test_push_and_query_commands_on_virtuoso(built, virtuoso, pushed, tmp_path, monkeypatch):
    runner = CliRunner()
    args = [virtuoso.store, "--build-dir", str(built), "--default-graph", DEFAULT_GRAPH, "--user", virtuoso.user,
            "--state", str(tmp_path / "state.json"), "--batch-size", "3000"]
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    r = runner.invoke(push_command, args)
    assert r.exit_code == 1 and PASSWORD_VARIABLE in r.output
    monkeypatch.setenv(PASSWORD_VARIABLE, virtuoso.password)
    r = runner.invoke(push_command, args)
    assert r.exit_code == 0, r.output
    assert "checked: the server holds the" in r.output
    path = str(ROOT / "queries" / "06-firsts.rq")
    local = runner.invoke(query_command, [path, "--build-dir", str(built), "--format", "csv"])
    remote = runner.invoke(query_command, [path, "--endpoint", virtuoso.query, "--default-graph-uri", DEFAULT_GRAPH,
                                           "--format", "csv"])
    assert remote.exit_code == 0, remote.output
    assert local.output == remote.output


def test_a_query_virtuoso_cannot_answer_in_time_is_reported_not_waited_for(pushed):
    """A cross join of the default graph with itself, three times (10^12 rows): Virtuoso sends nothing
    until it has the answer, so the client's timeout is the query's; its own limit stops it later."""
    remote = EndpointEngine(pushed[1].url, timeout=2, default_graphs=[DEFAULT_GRAPH])
    started = time.monotonic()
    out = compare_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                        open_engine(graph=Graph(), store="oxigraph"), remote)  # here: an empty graph, at once
    assert out.verdict == "timed out" and "no answer within 2 s" in out.differences[0]
    assert out.local_rows == 1 and out.remote_rows is None and time.monotonic() - started < SERVER_LIMIT_S


def test_virtuoso_echoes_each_named_graph_in_a_header(pushed):
    """Virtuoso answers with an X-SPARQL-named-graph header per named-graph-uri; Python reads 100 headers at most,
    so a comparison names only the graphs a query reads (graphs_read)."""
    many = [f"urn:cppcc-kg:test:{i}" for i in range(120)]
    with pytest.raises(QueryError) as info:
        run("ASK { ?s ?p ?o }", pushed[1], default_graphs=[DEFAULT_GRAPH], named_graphs=many)
    assert "more than 100 headers" in str(info.value) and "name fewer" in str(info.value)
    text = (ROOT / "queries" / "12-centrality-ranking.rq").read_text(encoding="utf-8")
    assert graphs_read(text, [*many, METRICS_GRAPH]) == [METRICS_GRAPH]
