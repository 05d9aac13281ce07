"""The query guard: strict syntax (W3C suites), read-only, no SERVICE, FROM only of our graphs."""
from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF

from cppcc_kg.sparql.guard import (
    QueryRefused,
    QueryTooLarge,
    SparqlSyntaxError,
    check_query,
    check_syntax,
)
from cppcc_kg.sparql.text import (
    display_width,
    expand_unicode_escapes,
    query_form,
    tokenize,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
W3C_SPARQL = SHARED / "w3c-tests" / "sparql"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
OURS = frozenset({"https://w3id.org/cppcc-kg/graph/metrics"})


def syntax_tests(kind: str) -> list[tuple[str, Path]]:
    """(id, file) of the syntax tests of the W3C manifests: kind 'negative' or 'positive'."""
    if not W3C_SPARQL.is_dir():
        return []
    types = {"negative": (MF.NegativeSyntaxTest11, MF.NegativeSyntaxTest),
             "positive": (MF.PositiveSyntaxTest11, MF.PositiveSyntaxTest)}[kind]
    out = []
    for manifest in sorted(W3C_SPARQL.glob("*/*/manifest.ttl")):
        if manifest.parent.name == "protocol":
            continue
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for t in sorted(set(g.subjects(RDF.type, None))):
            if not any((t, RDF.type, ty) in g for ty in types):
                continue
            action = g.value(t, MF.action)
            path = Path(str(action).removeprefix("file://"))
            out.append((f"{manifest.parent.name}/{path.name}", path))
    return out


NEGATIVE = syntax_tests("negative")
POSITIVE = syntax_tests("positive")
needs_w3c = pytest.mark.skipif(not W3C_SPARQL.is_dir(), reason=f"W3C test suites not found at {W3C_SPARQL}")


@needs_w3c
def test_the_manifests_list_what_we_expect():
    # all 1.1 negatives and the 1.0 negatives (syntax-sparql3 and 4): about 80 in all
    assert len(NEGATIVE) >= 75
    assert any(name.startswith("syntax-query/") for name, _ in NEGATIVE)
    assert any(name.startswith("syntax-sparql3/") for name, _ in NEGATIVE)


@needs_w3c
@pytest.mark.parametrize("name,path", NEGATIVE, ids=[n for n, _ in NEGATIVE])
def test_w3c_negative_syntax_is_rejected(name, path):
    # SPARQL 1.0 negatives are checked too: every one of them is still invalid in SPARQL 1.1
    # (syntax-sparql3/syn-bad-26 needs the longest-token rule for IRIs, which Oxigraph alone misses)
    with pytest.raises(SparqlSyntaxError) as info:
        check_syntax(path.read_bytes().decode("utf-8"), source=name)
    assert info.value.line >= 1 and info.value.column >= 1
    assert f"{name}:{info.value.line}:{info.value.column}:" in str(info.value)


@needs_w3c
@pytest.mark.parametrize("name,path", POSITIVE, ids=[n for n, _ in POSITIVE])
def test_w3c_positive_syntax_is_accepted(name, path):
    check_syntax(path.read_bytes().decode("utf-8"), source=name)


def test_syntax_error_reports_line_column_and_context():
    text = "PREFIX x: <http://x/>\nSELECT ?s WHERE {\n  ?s y:p ?o\n}"
    with pytest.raises(SparqlSyntaxError) as info:
        check_query(text)
    err = info.value
    assert (err.line, err.column) == (3, 6)
    assert "prefix 'y:' is not declared" in str(err)
    assert "    3 |   ?s y:p ?o" in str(err)
    assert err.status == 400 and err.exit_code == 2


@pytest.mark.parametrize("text,marker", [
    ('SELECT * WHERE { ?s ?p "open }', '"open'),          # the string that is not closed
    ("SELECT * WHERE { ?s ?p ?o ", "{"),                  # the brace never closed
    ("SELECT * WHERE { ?s ?p ?o ) }", ")"),               # the parenthesis that closes nothing
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", "?s"),       # ORDER without BY: ?s is where BY was expected
])
def test_syntax_error_positions(text, marker):
    with pytest.raises(SparqlSyntaxError) as info:
        check_syntax(text)
    assert (info.value.line, info.value.column) == (1, text.rindex(marker) + 1)


#: malformed queries, each with the token where the query stops being SPARQL (its last occurrence);
#: None: the query ends too early, and the caret goes after its last character
MALFORMED = [
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o > ) }", ")"),            # an operand is missing
    ("SELECT ?s WHERE { ?s ?p }", "}"),                             # a triple without its object
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 10", "LIMT"),               # a misspelt keyword
    ("SELEC ?s WHERE { ?s ?p ?o }", "SELEC"),
    ("SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }", "?n"),             # AS is missing
    ("SELECT ?s WHERE { ?s ?p ?o BIND(1 ?x) }", "?x"),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(STRLEN(?o) >) }", ")"),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT ten", "ten"),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 赤峰) }", "赤峰"),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER ?o }", "?o"),
    ("SELECT WHERE { ?s ?p ?o }", "WHERE"),
    ("SELECT ?s WHERE { ?s <p> ?o, }", "}"),
    ("SELECT * WHERE { ?s ?p < }", "<"),                            # '<' begins no IRI: not an object
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < && ?o > 1) }", "&&"),   # '<' is an operator
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER (?o && )\n}", ")"),
    ("PREFIX x: <http://x/>\nSELECT ?s WHERE {\n  ?s x:p ?o\n} GROUP BY ?s HAVING", None),
]


@pytest.mark.parametrize("text,marker", MALFORMED)
def test_the_caret_is_under_the_offending_token(text, marker):
    with pytest.raises(SparqlSyntaxError) as info:
        check_query(text)
    err = info.value
    offset = text.rindex(marker) if marker is not None else len(text)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert (err.line, err.column) == (line, column), str(err)
    if marker is None:
        assert "the query ends after 'HAVING'" in err.detail, str(err)
    else:
        assert f"unexpected '{marker}'" in err.detail, str(err)
    caret = next(x for x in str(err).splitlines() if x.strip().endswith("^"))
    source = str(err).splitlines()[str(err).splitlines().index(caret) - 1]
    # the caret stands under the first character of the token (wide characters take two columns)
    assert display_width(caret[:caret.index("^")]) == display_width(source[:source.index("|") + 2]) + \
        display_width(text.splitlines()[line - 1][:column - 1])


#: keywords of SPARQL 1.2 (triple terms, LATERAL, directional language tags) and of Oxigraph's extensions
NOT_SPARQL_11 = ("LATERAL", "TRIPLE", "isTRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "LANGDIR", "hasLANG",
                 "hasLangDir", "STRLANGDIR", "ADJUST", "<<", ">>", "{|", "VERSION")


@pytest.mark.parametrize("text,marker", MALFORMED)
def test_the_hint_names_only_sparql_11(text, marker):
    with pytest.raises(SparqlSyntaxError) as info:
        check_query(text)
    words = set(re.findall(r"[\w<>{|]+", info.value.detail))
    assert not words & set(NOT_SPARQL_11), info.value.detail
    assert "[_]" not in info.value.detail and "..=" not in info.value.detail


def test_longest_token_rule_for_iris():
    with pytest.raises(SparqlSyntaxError):
        check_syntax("SELECT * WHERE { ?x ?p ?y FILTER (?x<?a&&?b>?y) }")
    check_syntax("SELECT * WHERE { ?x ?p ?y FILTER (?x < ?a && ?b > ?y) }")


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "drop graph <http://x>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a> <b> <c> }",
])
def test_updates_are_refused(text):
    with pytest.raises(QueryRefused) as info:
        check_query(text)
    assert "read-only" in str(info.value)
    assert info.value.status == 403


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/> } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE # a comment\n <http://x/> { ?s ?q ?z } } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
])
def test_service_is_refused(text):
    with pytest.raises(QueryRefused) as info:
        check_query(text)
    assert "SERVICE is not allowed" in str(info.value)


def test_service_hidden_by_escapes_is_refused_or_invalid():
    # rdflib expands \\u escapes before parsing: a string that closes early may expose SERVICE
    text = r'SELECT * WHERE { ?s ?p "\u0022 . SERVICE <http://example.org/> { ?a ?b ?c } ?x ?y \u0022" }'
    with pytest.raises((QueryRefused, SparqlSyntaxError)):
        check_query(text)
    with pytest.raises((QueryRefused, SparqlSyntaxError)):
        check_query(r"SELECT * WHERE { \u0053ERVICE <http://example.org/> { ?s ?p ?o } }")


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }',
    "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service ?o } # SERVICE",
])
def test_the_word_service_elsewhere_is_fine(text):
    assert check_query(text).form == "SELECT"


def test_from_only_our_graphs():
    assert check_query("SELECT * FROM <https://w3id.org/cppcc-kg/graph/metrics> WHERE { ?s ?p ?o }",
                       allowed_graphs=OURS).dataset == [("default", "https://w3id.org/cppcc-kg/graph/metrics")]
    for clause in ("FROM <http://example.org/data.ttl>", "FROM NAMED <http://example.org/g>",
                   "FROM <file:///etc/passwd>", "FROM <../../etc/passwd>",
                   "FROM NAMED <https://w3id.org/cppcc-kg/graph/metrics> FROM <http://evil.example/>"):
        with pytest.raises(QueryRefused) as info:
            check_query(f"SELECT * {clause} WHERE {{ ?s ?p ?o }}", allowed_graphs=OURS)
        assert "is not allowed" in str(info.value)


def test_from_with_prefixed_name_and_base_is_resolved():
    info = check_query("BASE <https://w3id.org/cppcc-kg/> PREFIX g: <graph/> "
                       "SELECT * FROM NAMED g:metrics WHERE { GRAPH ?g { ?s ?p ?o } }", allowed_graphs=OURS)
    assert info.dataset == [("named", "https://w3id.org/cppcc-kg/graph/metrics")]
    with pytest.raises(QueryRefused):
        check_query("PREFIX g: <http://evil.example/> SELECT * FROM g:x WHERE { ?s ?p ?o }", allowed_graphs=OURS)


def test_query_size_limit():
    with pytest.raises(QueryTooLarge) as info:
        check_query("ASK {}" + " " * 100, max_chars=50)
    assert info.value.status == 413


def test_empty_query_is_a_syntax_error():
    with pytest.raises(SparqlSyntaxError):
        check_query("  \n ")


def test_forms_and_lexer():
    assert query_form("# ASK\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form('PREFIX a: <x:> DESCRIBE <http://x/>') == "DESCRIBE"
    kinds = [(t.kind, t.value) for t in tokenize('?x ex:a.b "s\\"q" <i> @zh-Hans 1.5e3 _:b') if t.kind != "ws"]
    assert kinds == [("var", "?x"), ("pname", "ex:a.b"), ("string", '"s\\"q"'), ("iri", "<i>"),
                     ("langtag", "@zh-Hans"), ("number", "1.5e3"), ("pname", "_:b")]
    assert expand_unicode_escapes(r"\U00000041\u4e2d") == "A中"


def _listener():
    """A TCP listener that records connections: proof that nothing was sent out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            hits.append(conn.recv(1000))
            conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    return sock.getsockname()[1], hits, stop, t


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_no_outbound_request_is_ever_made(store, tmp_path):
    from cppcc_kg.sparql.guard import QueryError
    from cppcc_kg.sparql.query import query

    port, hits, stop, thread = _listener()
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:s> <urn:p> 'SECRET' .\n", encoding="utf-8")
    g = rdflib.Dataset()
    g.default_graph.add((rdflib.URIRef("urn:a"), rdflib.URIRef("urn:b"), rdflib.Literal("c")))
    attempts = [
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <http://127.0.0.1:{port}/data.ttl>",
        r'SELECT * WHERE { ?s ?p "\u0022 . SERVICE <http://127.0.0.1:' + str(port) + r'/> { ?a ?b ?c } ?x ?y \u0022" }',
    ]
    try:
        for text in attempts:
            with pytest.raises(QueryError):
                query(text, graph=g, store=store)
    finally:
        stop.set()
        thread.join()
    assert hits == []
