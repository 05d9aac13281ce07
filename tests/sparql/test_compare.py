"""cppcc_kg.sparql.compare: what may differ between two servers' answers is normalised, the rest is reported."""
from __future__ import annotations

import socket
import time

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from support import RawServer, free_port

from cppcc_kg.sparql.compare import (
    canonical,
    compare_query,
    compare_results,
    graphs_read,
    order_variables,
)
from cppcc_kg.sparql.engines import EndpointEngine, EndpointTimeout, open_engine
from cppcc_kg.sparql.guard import QueryError
from cppcc_kg.sparql.query import run
from cppcc_kg.sparql.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
A, B, C = (URIRef(f"urn:{x}") for x in "abc")


def lit(text, dt=None, lang=None):
    return Literal(text, datatype=URIRef(XSD + dt) if dt else None, lang=lang)


def select(*rows, variables=("x", "y")):
    return QueryResult("SELECT", list(variables), [tuple(r) for r in rows])


def test_equal_values_in_other_lexical_forms_are_the_same():
    assert canonical(lit("1.0E0", "double")) == canonical(lit("1e0", "double"))
    assert canonical(lit("0.50", "decimal")) == canonical(lit("0.5", "decimal"))
    assert canonical(lit("007", "integer")) == canonical(lit("7", "integer"))
    assert canonical(lit("1", "boolean")) == canonical(lit("true", "boolean"))
    assert canonical(lit("x", lang="zh-Hans")) == canonical(lit("x", lang="zh-hans"))
    assert canonical(lit("x")) == canonical(lit("x", "string"))
    assert canonical(BNode("b1")) == canonical(BNode("other"))


def test_other_values_and_datatypes_are_differences():
    assert canonical(lit("1", "integer")) != canonical(lit("1", "nonNegativeInteger"))
    assert canonical(lit("0.0160043", "double")) != canonical(lit("0.01600432164", "double"))
    assert canonical(lit("x", lang="zh")) != canonical(lit("x", lang="en"))
    assert canonical(lit("x")) != canonical(lit("x", lang="en"))
    assert canonical(lit("2023", "gYear")) != canonical(lit("2023", "integer"))
    assert canonical(A) != canonical(lit("urn:a"))


def test_row_order_is_free_without_order_by_and_between_ties_only():
    local = select((A, lit("1", "integer")), (B, lit("1", "integer")), (C, lit("2", "integer")))
    swapped_ties = select((B, lit("1", "integer")), (A, lit("1", "integer")), (C, lit("2", "integer")))
    swapped_keys = select((C, lit("2", "integer")), (A, lit("1", "integer")), (B, lit("1", "integer")))
    assert compare_results("SELECT ?x ?y WHERE {}", local, swapped_keys) == []
    assert compare_results("SELECT ?x ?y WHERE {} ORDER BY ?y", local, swapped_ties) == []
    out = compare_results("SELECT ?x ?y WHERE {} ORDER BY ?y", local, swapped_keys)
    assert len(out) == 1 and out[0].startswith("order:") and "first at row 1" in out[0]
    # ties on ?y but not on ?x: ORDER BY ?y ?x fixes the order
    assert compare_results("SELECT ?x ?y WHERE {} ORDER BY ?y ?x", local, swapped_ties)[0].startswith("order:")
    # a sort key that is not projected: no tie can be told, so any other order is reported
    assert compare_results("SELECT ?x ?y WHERE {} ORDER BY ?z", local, swapped_ties)[0].startswith("order:")


def test_missing_repeated_and_changed_rows_are_reported():
    local = select((A, lit("1", "integer")), (B, lit("2", "integer")))
    out = compare_results("SELECT ?x ?y WHERE {}", local, select((A, lit("1", "integer"))))
    assert out[0] == "rows: 2 here, 1 there; 1 distinct only here, 0 only there"
    assert out[1] == "rows: only here (urn:b, http://www.w3.org/2001/XMLSchema#integer 2)"
    repeated = select((A, lit("1", "integer")), (A, lit("1", "integer")), (B, lit("2", "integer")))
    assert compare_results("SELECT ?x ?y WHERE {}", local, repeated)[0].startswith("rows: 2 here, 3 there")
    typed = select((A, lit("1", "nonNegativeInteger")), (B, lit("2", "integer")))
    assert "only there (urn:a, http://www.w3.org/2001/XMLSchema#nonNegativeInteger 1)" in "\n".join(
        compare_results("SELECT ?x ?y WHERE {}", local, typed))
    unbound = select((A, None), (B, lit("2", "integer")))
    assert "only there (urn:a, UNBOUND)" in "\n".join(compare_results("SELECT ?x ?y WHERE {}", local, unbound))


def test_other_forms_variables_booleans_and_graphs():
    assert compare_results("", select(), select(variables=("y", "x")))[0].startswith("variables:")
    assert compare_results("", select(), QueryResult("ASK", boolean=True))[0].startswith("form:")
    assert compare_results("ASK {}", QueryResult("ASK", boolean=True), QueryResult("ASK", boolean=True)) == []
    assert compare_results("ASK {}", QueryResult("ASK", boolean=True), QueryResult("ASK", boolean=False))
    g1 = QueryResult("CONSTRUCT", triples=[(A, B, BNode("x")), (A, B, lit("1.0", "decimal"))])
    g2 = QueryResult("CONSTRUCT", triples=[(A, B, lit("1", "decimal")), (A, B, BNode("y"))])
    assert compare_results("CONSTRUCT {} WHERE {}", g1, g2) == []
    g3 = QueryResult("CONSTRUCT", triples=[(A, B, lit("1", "decimal"))])
    assert compare_results("CONSTRUCT {} WHERE {}", g1, g3)[0].startswith("triples: 2 here, 1 there")


def test_order_variables_of_the_outer_clause():
    assert order_variables("SELECT ?x WHERE { ?x ?p ?o }") is None
    assert order_variables("SELECT ?x WHERE { { SELECT ?x WHERE {} ORDER BY ?p } } ORDER BY DESC(?x) ?y") == ["x", "y"]
    assert order_variables("SELECT ?x WHERE {} # ORDER BY ?z\n") is None
    assert order_variables("SELECT ?x WHERE { ?x a <urn:x#y> }\nORDER BY ?x") == ["x"]


def test_graphs_read_are_those_the_query_names():
    named = ["urn:a", "urn:m", "urn:z"]
    assert graphs_read("SELECT * WHERE { GRAPH <urn:m> { ?s ?p ?o } GRAPH <urn:z> {} }", named) == ["urn:m", "urn:z"]
    assert graphs_read("SELECT * WHERE { graph $g { ?s ?p ?o } }", named) == named
    assert graphs_read("SELECT * WHERE { ?s ?p <urn:x#GRAPH> }", named) == []
    assert graphs_read("SELECT * WHERE { GRAPH <urn:other> {} }", named) == []


@pytest.fixture
def silent_endpoint():
    """A TCP port that takes connections and never answers (a server busy with a query)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}/sparql"


def test_an_endpoint_that_does_not_answer_in_time_is_a_timeout(silent_endpoint):
    started = time.monotonic()
    with pytest.raises(EndpointTimeout) as info:
        run("ASK {}", EndpointEngine(silent_endpoint, timeout=0.5))
    assert time.monotonic() - started < 10
    assert "no answer within 0.5 s" in str(info.value) and "longer timeout" in str(info.value)


def test_compare_query_reports_same_differs_timed_out_and_errors(silent_endpoint):
    g = Graph()
    g.add((A, B, C))
    local, remote = open_engine(graph=g), open_engine(graph=g, store="oxigraph")
    other = Graph()
    other.add((A, B, A))
    same = compare_query("SELECT ?o WHERE { ?s ?p ?o }", local, remote)
    assert (same.verdict, same.local_rows, same.remote_rows, same.differences) == ("same", 1, 1, [])
    differs = compare_query("SELECT ?o WHERE { ?s ?p ?o }", local, open_engine(graph=other, store="oxigraph"))
    assert differs.verdict == "differs" and differs.differences[0].startswith("rows:")
    late = compare_query("ASK { ?s ?p ?o }", local, EndpointEngine(silent_endpoint, timeout=0.5))
    assert late.verdict == "timed out" and late.remote_rows is None and "no answer within 0.5 s" in late.differences[0]
    gone = compare_query("ASK { ?s ?p ?o }", local, EndpointEngine(f"http://127.0.0.1:{free_port()}/sparql"))
    assert gone.verdict == "error" and gone.differences[0].startswith("there: ") and "cannot reach" in gone.differences[0]


def test_an_answer_with_too_many_headers_is_a_clean_error():
    """Virtuoso echoes each named-graph-uri in a header of its answer; Python's http.client reads 100 at most."""
    head = "".join(f"X-SPARQL-named-graph: urn:g{i}\r\n" for i in range(120))
    answer = f"HTTP/1.1 200 OK\r\n{head}Content-Length: 0\r\n\r\n".encode()
    with RawServer(answer) as server, pytest.raises(QueryError) as info:
        run("ASK {}", EndpointEngine(f"{server.url}/sparql", timeout=10))
    assert "its answer cannot be read" in str(info.value) and "more than 100 headers" in str(info.value)
    assert "name fewer" in str(info.value)
