"""Errors of evaluation: a client's mistake is a 4xx with a message, never a 500 (issue 12, item 2)."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from cppcc_kg.sparql.engines import InvalidRegex, ResultTooLarge, open_engine


@pytest.fixture(params=["memory", "oxigraph"])
def engine(request):
    g = Graph()
    for i in range(5):
        g.add((URIRef(f"http://a/{i}"), URIRef("http://p"), Literal(f"x{i}")))
    return open_engine(graph=g, store=request.param)


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p ?o FILTER(regex(?o, "(")) }',
    'SELECT * WHERE { ?s ?p ?o BIND(replace(?o, "[", "") AS ?x) }',
])
def test_invalid_regex_is_a_client_error(engine, text):
    try:
        result = engine.execute(text, engine.check(text))
    except InvalidRegex as exc:  # the memory store: rdflib compiles the pattern
        assert exc.status == 400
        assert "regular expression" in str(exc) and "is invalid" in str(exc)
    else:  # Oxigraph: an error in an expression leaves the value unbound (SPARQL's rule)
        assert engine.name == "oxigraph" and result.form == "SELECT"


@pytest.mark.parametrize("text, what", [("SELECT * WHERE { ?s ?p ?o }", "rows"),
                                        ("CONSTRUCT WHERE { ?s ?p ?o }", "triples")])
def test_too_large_result_says_why_and_the_limit(engine, text, what):
    with pytest.raises(ResultTooLarge) as err:
        engine.execute(text, engine.check(text), max_rows=3)
    message = str(err.value)
    assert err.value.status == 403
    assert f"more than 3 {what}, the limit of this service" in message and "never cut" in message
    assert "LIMIT" in message
