"""Deeply nested queries are refused before any parser sees them (issue 12, item 1)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from cppcc_kg.sparql.engines import EndpointEngine, open_engine
from cppcc_kg.sparql.guard import QueryError, check_query
from cppcc_kg.sparql.nesting import MAX_NESTING, deepest_nesting, nesting_problem

ROOT = Path(__file__).resolve().parents[2]
#: the query of the issue: 6 KB that overflowed Oxigraph's parser (segmentation fault, exit 139)
DEEP = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000


def nested(kind: str, n: int) -> str:
    """A valid query whose brackets of one kind nest *n* deep."""
    if kind == "{":
        return "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n
    if kind == "[":
        return "SELECT * WHERE { ?s ?p " + "[ ?p " * (n - 1) + "?o" + " ]" * (n - 1) + " }"
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (n - 2) + "?o" + ")" * (n - 2) + ") }"


def test_the_depth_ignores_strings_iris_and_comments():
    assert deepest_nesting('ASK { ?s ?p "{{{((([[[" . ?s <http://x/(> ?o } # {{{{') == (1, 4)
    assert deepest_nesting("ASK") == (0, -1)
    assert nesting_problem(nested("[", MAX_NESTING)) is None


@pytest.mark.parametrize("kind", ["{", "[", "("])
def test_too_deep_is_a_clear_400_naming_depth_and_limit(kind):
    with pytest.raises(QueryError) as err:
        check_query(nested(kind, MAX_NESTING + 1))
    assert err.value.status == 400
    assert f"nest {MAX_NESTING + 1} deep, more than the limit of {MAX_NESTING}" in str(err.value)
    check_query(nested(kind, MAX_NESTING))  # at the limit: accepted (and parsed) as before


def test_escaped_brackets_count_too():
    text = "SELECT * WHERE " + "\\u007B" * 100 + " ?s ?p ?o " + "\\u007D" * 100
    with pytest.raises(QueryError, match="nest 100 deep"):
        check_query(text)


def test_the_query_of_the_issue_does_not_crash_the_process():
    """Before the fix, the process died with SIGSEGV inside Oxigraph's parser."""
    code = ("from cppcc_kg.sparql.guard import check_query, QueryError\n"
            f"text = {DEEP!r}\n"
            "try:\n    check_query(text)\nexcept QueryError as e:\n    print('refused:', e)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "refused: query:1:80: the brackets of the query nest 3000 deep, more than the limit of 64" in done.stdout


def test_endpoint_engine_checks_nesting_before_parsing():
    with pytest.raises(QueryError, match="nest 3000 deep"):
        EndpointEngine("http://127.0.0.1:9/sparql").check(DEEP)


def test_query_command_exits_2_with_a_message(tmp_path):
    from click.testing import CliRunner

    from cppcc_kg.cli.query import command

    g = Graph()
    g.add((URIRef("http://a"), URIRef("http://p"), Literal("x")))
    (tmp_path / "graph.ttl").write_text(g.serialize(format="turtle"))
    for args in (["--build-dir", str(tmp_path)], ["--endpoint", "http://127.0.0.1:9/sparql"]):
        result = CliRunner().invoke(command, ["-e", DEEP, *args])
        assert result.exit_code == 2, result.output
        assert "nest 3000 deep, more than the limit of 64" in result.output


def test_memory_engine_still_runs_moderately_nested_queries():
    g = Graph()
    g.add((URIRef("http://a"), URIRef("http://p"), Literal("x")))
    engine = open_engine(graph=g)
    text = nested("{", 10)
    assert len(engine.execute(text, engine.check(text)).rows) == 1
