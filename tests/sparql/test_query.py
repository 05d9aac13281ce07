"""The query library (cppcc_kg.sparql.query) and the `cppcc-kg query` command, on a small fixture build."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import cppcc_kg
from cppcc_kg.cli.query import command as query_command
from cppcc_kg.sparql.formats import format_table
from cppcc_kg.sparql.guard import QueryRefused, SparqlSyntaxError
from cppcc_kg.sparql.library import query_library
from cppcc_kg.sparql.query import (
    METRICS_GRAPH,
    BuildMissing,
    ResultTooLarge,
    built_files,
    load_built,
    open_engine,
    query,
    run,
    to_frame,
)

pytestmark = pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sparql" / "build"
ROOT = Path(__file__).resolve().parents[2]
W3C_SPARQL = ROOT.parent / "shared" / "w3c-tests" / "sparql"
P = ("PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>\n"
     "PREFIX kgorg: <https://w3id.org/cppcc-kg/id/org/>\n"
     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
STORES = ["memory", "oxigraph"]


def fixture_triples() -> int:
    return len(rdflib.Graph().parse(FIXTURE / "graph.ttl", format="turtle"))


# ---------------------------------------------------------------- loading


def test_built_files_and_missing_build(tmp_path):
    files = built_files(FIXTURE)
    assert [(p.name, fmt, g) for p, fmt, g in files] == [
        ("graph.ttl", "turtle", None), ("graph.trig", "trig", "named"), ("metrics.ttl", "turtle", METRICS_GRAPH)]
    with pytest.raises(BuildMissing) as info:
        built_files(tmp_path)
    assert "cppcc-kg build" in str(info.value)


@pytest.mark.parametrize("store", STORES)
def test_dataset_layout(store):
    """Default graph = graph.ttl; named graphs = those of graph.trig and the metrics graph."""
    engine = open_engine(store=store, build_dir=FIXTURE)
    assert engine.triple_count() == fixture_triples()
    assert engine.allowed_graphs == {METRICS_GRAPH, "https://w3id.org/cppcc-kg/graph/graph/fixture.ttl"}
    # metrics are only in their named graph
    assert run(P + "ASK { ?e cppcc:pagerank ?p }", engine).boolean is False
    df = to_frame(run(P + "SELECT ?e ?p WHERE { GRAPH <https://w3id.org/cppcc-kg/graph/metrics> "
                          "{ ?e cppcc:pagerank ?p } } ORDER BY DESC(?p) ?e", engine))
    assert df["p"].tolist() == [0.5, 0.25, 0.25]
    assert df["e"].iloc[0] == "https://w3id.org/cppcc-kg/id/org/test-committee"


def test_load_built_types():
    assert isinstance(load_built(FIXTURE, store="memory"), rdflib.Dataset)
    assert isinstance(load_built(FIXTURE, store="oxigraph"), ox.Store)


# ---------------------------------------------------------------- query()


@pytest.mark.parametrize("store", STORES)
def test_query_returns_a_frame_with_labels(store):
    df = query(P + "SELECT ?body ?parent WHERE { ?body cppcc:subOrganizationOf ?parent }",
               store=store, build_dir=FIXTURE)
    assert isinstance(df, pd.DataFrame)
    assert df.columns.tolist() == ["body", "body_zh", "body_en", "parent", "parent_zh", "parent_en"]
    row = df.iloc[0]
    assert (row["body_zh"], row["parent_en"]) == ("测试政协办公厅", "Test CPPCC Committee")


def test_labels_not_added_twice_and_can_be_off():
    q = P + ('SELECT ?o ?o_zh WHERE { ?o a cppcc:CPPCCCommittee ; rdfs:label ?o_zh FILTER (lang(?o_zh) = "zh") }')
    assert query(q, build_dir=FIXTURE).columns.tolist() == ["o", "o_zh", "o_en"]
    assert query(q, build_dir=FIXTURE, labels=False).columns.tolist() == ["o", "o_zh"]


@pytest.mark.parametrize("store", STORES)
def test_values_become_python_values(store):
    df = query(P + "SELECT ?v ?d ?s WHERE { ?o cppcc:value ?v . ?doc <http://purl.org/dc/terms/issued> ?d . "
                   "?a <http://www.w3.org/ns/oa#hasTarget>/<http://www.w3.org/ns/oa#hasSelector>/"
                   "<http://www.w3.org/ns/oa#start> ?s } ORDER BY ?s", store=store, build_dir=FIXTURE)
    assert df["v"].tolist() == [12, 12] and df["s"].tolist() == [0, 15]
    assert df["d"].iloc[0] == "2023-05"  # a year-month stays a year-month


@pytest.mark.parametrize("store", STORES)
def test_ask_and_construct(store):
    assert bool(query("ASK { ?s ?p ?o }", store=store, build_dir=FIXTURE)["boolean"].iloc[0]) is True
    df = query(P + "CONSTRUCT { ?b cppcc:subOrganizationOf ?p } WHERE { ?b cppcc:subOrganizationOf ?p }",
               store=store, build_dir=FIXTURE, labels=False)
    assert df.columns.tolist() == ["subject", "predicate", "object"] and len(df) == 1


def test_both_stores_agree_on_fixture():
    for q in (P + "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
              P + "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        a = query(q, store="memory", build_dir=FIXTURE)
        b = query(q, store="oxigraph", build_dir=FIXTURE)
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("store", STORES)
def test_from_our_graph_and_protocol_dataset(store):
    engine = open_engine(store=store, build_dir=FIXTURE)
    r = run(P + "SELECT ?e WHERE { ?e cppcc:pagerank ?p } ORDER BY ?e", engine,
            default_graphs=[METRICS_GRAPH])
    assert len(r.rows) == 3
    r = run(P + f"SELECT ?e FROM <{METRICS_GRAPH}> WHERE {{ ?e cppcc:degree 1 }} ORDER BY ?e", engine)
    assert len(r.rows) == 2
    with pytest.raises(QueryRefused):
        run("SELECT * WHERE { ?s ?p ?o }", engine, default_graphs=["http://example.org/g"])


def test_query_on_given_graphs():
    g = rdflib.Graph().parse(FIXTURE / "graph.ttl", format="turtle")
    a = query(P + "SELECT ?o WHERE { ?o a cppcc:CPPCCCommittee }", graph=g)
    st = ox.Store()
    st.load(path=str(FIXTURE / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    b = query(P + "SELECT ?o WHERE { ?o a cppcc:CPPCCCommittee }", graph=st)
    c = query(P + "SELECT ?o WHERE { ?o a cppcc:CPPCCCommittee }", graph=g, store="oxigraph")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["o_en"].tolist() == ["Test CPPCC Committee"]


def test_query_file_and_errors_name_the_file(tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("SELECT * WHERE {\n  ?s ?p\n}", encoding="utf-8")
    with pytest.raises(SparqlSyntaxError) as info:
        query(f, build_dir=FIXTURE)
    assert str(info.value).startswith(f"{f}:")


def test_max_rows():
    with pytest.raises(ResultTooLarge):
        query("SELECT * WHERE { ?s ?p ?o }", build_dir=FIXTURE, max_rows=5)
    assert len(query("SELECT * WHERE { ?s ?p ?o } LIMIT 5", build_dir=FIXTURE, max_rows=5)) == 5


def test_package_level_query_is_callable_and_light():
    assert cppcc_kg.query("ASK {}", graph=rdflib.Graph())["boolean"].iloc[0]
    code = "import sys, cppcc_kg; print('rdflib' in sys.modules or 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_query_library_headers():
    entries = query_library(ROOT / "queries")
    assert len(entries) >= 15
    for e in entries:
        assert e["en"] and e["zh"], f"{e['name']}: the header must state the question in en and zh"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e["zh"]), e["name"]


# ---------------------------------------------------------------- the command


def cli(*args, input=None):
    return CliRunner().invoke(query_command, [*args, "--build-dir", str(FIXTURE)], input=input)


def test_cli_table_with_labels():
    r = cli("-e", P + "SELECT ?body ?parent WHERE { ?body cppcc:subOrganizationOf ?parent }")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["body", "body_zh", "body_en", "parent", "parent_zh", "parent_en"]
    assert "kgorg:test-committee-office" in r.output and "测试政协办公厅" in r.output
    assert "(1 row)" in r.output


@pytest.mark.parametrize("store", STORES)
def test_cli_formats(store, tmp_path):
    q = P + "SELECT ?o ?v WHERE { ?o cppcc:value ?v }"
    csv = cli("-e", q, "--format", "csv", "--store", store)
    assert csv.exit_code == 0 and csv.output.splitlines()[0] == "o,o_zh,o_en,v"
    assert "办公厅共有12人" in csv.output
    tsv = cli("-e", q, "--format", "tsv", "--store", store)
    assert tsv.output.splitlines()[1].split("\t")[-1] == "12"
    js = json.loads(cli("-e", q, "--format", "json", "--store", store).output)
    assert js["head"]["vars"] == ["o", "v"]
    assert js["results"]["bindings"][0]["v"] == {
        "type": "literal", "value": "12", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    ttl = cli("-e", P + "CONSTRUCT { ?b cppcc:subOrganizationOf ?p } WHERE { ?b cppcc:subOrganizationOf ?p }",
              "--format", "turtle", "--store", store)
    g = rdflib.Graph().parse(data=ttl.output, format="turtle")
    assert len(g) == 1
    bad = cli("-e", q, "--format", "turtle")
    assert bad.exit_code == 2 and "CONSTRUCT" in bad.output
    out = tmp_path / "out.csv"
    assert cli("-e", q, "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == csv.output


def test_a_result_that_is_not_rdf_is_a_message_not_a_traceback():
    # rdflib lets IRI() make an IRI with a space: the SPARQL results formats cannot carry it
    query = 'SELECT (IRI("http://e.org/a b") AS ?x) WHERE {}'
    r = cli("-e", query, "--format", "json")
    assert r.exit_code == 2 and "not valid RDF" in r.output and "Traceback" not in r.output
    for fmt in ("table", "csv"):  # the tables show the text as it is
        r = cli("-e", query, "--format", fmt)
        assert r.exit_code == 0 and "http://e.org/a b" in r.output


def test_cli_file_and_stdin(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# en: how many?\n# zh: 多少？\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    r = cli(str(f), "--format", "csv")
    assert r.output.splitlines() == ["n", str(fixture_triples())]
    r = cli("-", "--format", "csv", input=f.read_text(encoding="utf-8"))
    assert r.output.splitlines()[1] == str(fixture_triples())


def test_cli_syntax_error_shows_position_and_text():
    r = cli("-e", "SELECT ?s\nWHERE {\n  ?s ?p ?o ) \n}")
    assert r.exit_code == 2
    assert "query:3:12: SPARQL syntax error" in r.output
    assert "    3 |   ?s ?p ?o ) " in r.output
    assert "      |            ^" in r.output
    assert "Traceback" not in r.output


def test_cli_refusals_and_usage():
    r = cli("-e", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert r.exit_code == 2 and "SERVICE is not allowed" in r.output
    r = cli("-e", "DELETE WHERE { ?s ?p ?o }")
    assert r.exit_code == 2 and "read-only" in r.output
    assert cli().exit_code == 2
    assert cli("x.rq", "-e", "ASK {}").exit_code == 2
    assert cli("no-such-file.rq").exit_code == 2
    r = CliRunner().invoke(query_command, ["-e", "ASK {}", "--build-dir", "/nonexistent/build"])
    assert r.exit_code == 2 and "cppcc-kg build" in r.output


@pytest.mark.skipif(not W3C_SPARQL.is_dir(), reason=f"W3C test suites not found at {W3C_SPARQL}")
def test_cli_rejects_every_w3c_negative_syntax_query():
    from test_sparql_guard import NEGATIVE

    assert NEGATIVE
    for name, path in NEGATIVE:
        r = cli(str(path))
        assert r.exit_code == 2, name
        assert "SPARQL syntax error" in r.output, (name, r.output)


def test_format_table_aligns_wide_characters():
    text = format_table(pd.DataFrame({"a": ["内蒙古", "x"], "b": [1, 22]}))
    lines = text.splitlines()
    assert lines[2] == "内蒙古  1"
    assert lines[3] == "x       22"


# ---------------------------------------------------------------- values as written, columns in the query's order

METRICS = "https://w3id.org/cppcc-kg/graph/metrics"


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv"])
def test_tables_print_each_literal_as_written(store, fmt):
    r = cli("-e", "SELECT ?o WHERE { VALUES ?o { 16 0.5 12345678901234567891 } }", "--format", fmt, "--store", store)
    assert r.exit_code == 0, r.output
    cells = [line.strip() for line in r.output.splitlines()]
    assert "16" in cells and "0.5" in cells and "12345678901234567891" in cells, r.output
    assert "16.0" not in r.output and "e+19" not in r.output
    # a measure column that mixes integers (degree) and doubles (pagerank) keeps both as written
    r = cli("-e", P + f"SELECT ?m ?v WHERE {{ GRAPH <{METRICS}> {{ kgorg:test-committee ?m ?v }} }} ORDER BY ?m",
            "--format", fmt, "--store", store, "--no-labels")
    sep = {"csv": ",", "tsv": "\t"}.get(fmt)
    rows = [line.split(sep) if sep else line.split() for line in r.output.splitlines()]
    values = {row[0].rsplit("#", 1)[-1].rsplit(":", 1)[-1]: row[-1] for row in rows if len(row) == 2}
    assert values["degree"] == "2" and values["pagerank"] == "0.5" and values["betweenness"] == "1.0", r.output
    r = cli("-e", "ASK {}", "--format", fmt, "--store", store)
    assert "true" in r.output.split() + r.output.split(",") and "True" not in r.output


STAR = P + ("SELECT * WHERE { ?zeta cppcc:subOrganizationOf ?alpha . ?zeta rdfs:label ?mid "
            "BIND(STRLEN(?mid) AS ?len) BIND(1 AS ?b) } ORDER BY ?mid")
STAR_ORDER = ["zeta", "alpha", "mid", "len", "b"]


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_select_star_columns_in_the_query_order_and_same_bytes_on_both_stores(fmt):
    outputs = {store: cli("-e", STAR, "--format", fmt, "--store", store, "--no-labels") for store in STORES}
    assert all(r.exit_code == 0 for r in outputs.values()), outputs
    assert outputs["memory"].stdout_bytes == outputs["oxigraph"].stdout_bytes
    text = outputs["memory"].output
    if fmt == "json":
        assert json.loads(text)["head"]["vars"] == STAR_ORDER
    else:
        header = text.splitlines()[0]
        assert (header.split() if fmt == "table" else header.split("," if fmt == "csv" else "\t")) == STAR_ORDER


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_endpoint_writers_use_the_query_order_and_agree_across_stores(fmt):
    """What the endpoint's workers do: ``engine.execute`` then ``serialize``."""
    from cppcc_kg.sparql.results import serialize

    out = {}
    for store in STORES:
        engine = open_engine(store=store, build_dir=FIXTURE)
        result = engine.execute(STAR, engine.check(STAR))
        assert result.variables == STAR_ORDER, store
        out[store] = serialize(result, fmt)
    assert out["memory"] == out["oxigraph"]
    q = "SELECT * WHERE { VALUES (?z ?a) { (16 0.5) (12345678901234567891 1) } }"
    for store in STORES:
        engine = open_engine(store=store, build_dir=FIXTURE)
        data = serialize(engine.execute(q, engine.check(q)), fmt).decode()
        assert "12345678901234567891" in data and "16" in data and "16.0" not in data


def test_select_star_order_ignores_explicit_projections():
    from cppcc_kg.sparql.results import QueryResult, in_query_order

    r = QueryResult("SELECT", ["b", "a"], [(1, 2)])
    assert in_query_order(r, "SELECT ?b ?a WHERE { ?a ?p ?b }").variables == ["b", "a"]
    star = in_query_order(r, "SELECT DISTINCT * WHERE { ?a ?p $b }")
    assert star.variables == ["a", "b"] and star.rows == [(2, 1)]
    # a sub-select's own SELECT * does not count; a variable missing from the text goes last
    r = QueryResult("SELECT", ["x", "c", "y"], [(1, 2, 3)])
    assert in_query_order(r, "SELECT * { ?y ?p ?c { SELECT * { ?c ?q ?r } } }").variables == ["y", "c", "x"]


@pytest.mark.parametrize("store", STORES)
def test_graph_formats_keep_each_literal_as_written(store):
    """CONSTRUCT as Turtle (rdflib wrote a double as ``%e``: 0.03027464323 became 3.027464e-02) and JSON-LD
    (rdflib wrote JSON numbers); the same writers serve the endpoint (``serialize``)."""
    from cppcc_kg.sparql.results import serialize

    q = ('CONSTRUCT { <https://w3id.org/cppcc-kg/id/org/a> <https://w3id.org/cppcc-kg/ontology#value> ?v } '
         'WHERE { VALUES ?v { "0.03027464323"^^<http://www.w3.org/2001/XMLSchema#double> 12345678901234567891 0.5 } }')
    for fmt, written in (("turtle", ("0.03027464323", "12345678901234567891", "0.5")),
                         ("json", ('"0.03027464323"', '"12345678901234567891"', '"0.5"'))):
        r = cli("-e", q, "--format", fmt, "--store", store)
        assert r.exit_code == 0, r.output
        assert all(w in r.output for w in written) and "e-02" not in r.output, r.output
    engine = open_engine(store=store, build_dir=FIXTURE)
    result = engine.execute(q, engine.check(q))
    for fmt in ("turtle", "jsonld", "nt"):
        assert b"0.03027464323" in serialize(result, fmt), fmt
    assert b'"0.03027464323"' in serialize(result, "jsonld")
