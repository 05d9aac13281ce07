"""Strict Turtle 1.1 (cppcc_kg.rdf.syntax): the W3C suite, RDF 1.2 syntax, blank nodes, positions."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from support import REPO_ROOT

from cppcc_kg.errors import TurtleSyntaxError
from cppcc_kg.project.files import project_files
from cppcc_kg.rdf.syntax import (
    blank_nodes,
    check_no_blank_nodes,
    might_be_rdf12,
    parse_turtle,
    rdf12_features,
)

SUITE = Path(__file__).resolve().parents[3] / "shared" / "w3c-tests" / "rdf" / "rdf11" / "rdf-turtle"
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
POSITION = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): \S")


def _manifest_tests(kind: str) -> list:
    if not (SUITE / "manifest.ttl").is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(
            reason=f"W3C Turtle suite absent: {SUITE} (../shared/w3c-tests beside the repository)"))]
    m = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    out = []
    for t in sorted(m.subjects(RDF.type, RDFT[kind])):
        action = SUITE / str(m.value(t, MF.action)).rsplit("/", 1)[-1]
        result = m.value(t, MF.result)
        expected = SUITE / str(result).rsplit("/", 1)[-1] if result is not None else None
        out.append(pytest.param(action, expected, id=action.name))
    return out


@pytest.mark.parametrize("action, expected", _manifest_tests("TestTurtleNegativeSyntax")
                         + [p for p in _manifest_tests("TestTurtleNegativeEval") if p.values[0] is not None])
def test_w3c_negative_syntax_rejected_with_position(action, expected):
    # negative evaluation tests (if the manifest has any) parse but give no valid RDF,
    # for example a bad IRI: a strict parser rejects them too
    data = action.read_bytes()
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(data, action.name, base_iri=BASE + action.name)
    err = info.value
    first_line = str(err).splitlines()[0]
    m = POSITION.match(first_line)
    assert m, first_line
    assert m["file"] == action.name
    n_lines = data.decode("utf-8", errors="replace").count("\n") + 1
    assert 1 <= err.line <= n_lines and err.column >= 1


@pytest.mark.parametrize("action, expected", _manifest_tests("TestTurtlePositiveSyntax"))
def test_w3c_positive_syntax_accepted(action, expected):
    parse_turtle(action.read_bytes(), action.name, base_iri=BASE + action.name)
    blank_nodes(action.read_text(encoding="utf-8"))  # the lexer copes with every valid file


def _lower_langs(triples) -> Graph:
    g = Graph()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        g.add((s, p, o))
    return g


@pytest.mark.parametrize("action, expected", _manifest_tests("TestTurtleEval"))
def test_w3c_eval_gives_the_expected_triples(action, expected):
    triples = parse_turtle(action.read_bytes(), action.name, base_iri=BASE + action.name)
    want = Graph().parse(expected, format="nt")
    # language tags compare case-insensitively; the parser writes them in lower case
    assert isomorphic(_lower_langs(triples), _lower_langs(want))


def test_w3c_suite_has_no_kind_of_test_left_unchecked():
    if not (SUITE / "manifest.ttl").is_file():
        pytest.skip(f"W3C Turtle suite absent: {SUITE}")
    m = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    kinds = {o for o in m.objects(None, RDF.type) if str(o).startswith(str(RDFT))}
    # every kind of test in the manifest is one this file runs
    assert kinds <= {RDFT.TestTurtleNegativeSyntax, RDFT.TestTurtleNegativeEval, RDFT.TestTurtlePositiveSyntax,
                     RDFT.TestTurtleEval}, kinds


# ---------------------------------------------------------------- positions

def test_position_counts_code_points_not_bytes():
    text = '<http://e.org/a> <http://e.org/b> "中文中文" <http://e.org/c> .'
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(text, "cjk.ttl")
    assert (info.value.line, info.value.column) == (1, text.index("<http://e.org/c>") + 1)


def test_error_on_a_later_line():
    text = '@prefix ex: <http://e.org/> .\nex:a ex:b "x" ;\n    ex:c .\n'
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(text, "g.ttl")
    assert str(info.value).startswith("g.ttl:3:10: ")
    assert "->" in str(info.value)  # says what to do


def test_relative_iri_is_an_error_with_a_hint():
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle("<a> <http://e.org/b> <http://e.org/c> .", "rel.ttl")
    assert str(info.value).startswith("rel.ttl:1:1: ")
    assert "absolute IRI" in str(info.value)


def test_invalid_utf8_names_the_position():
    data = '<http://e.org/a> <http://e.org/b> "ok" .\n<http://e.org/a> <http://e.org/b> "'.encode() + b"\xff\"  .\n"
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(data, "bytes.ttl")
    assert (info.value.line, info.value.column) == (2, 36)
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("statement", [
    'ex:a ex:b "\\a" .',                 # not an escape of Turtle
    "ex:a ex:b <http://e.org/x y> .",     # a space in an IRI
    "ex:a ex:b <http://e.org/\\u0020> .",  # ... even escaped
    'ex:a ex:b """x""""" .',              # two objects without a comma
    "ex:a ex:b ex:c^ex:d .",              # an N3 path
    "ex:a ex:b ex:c!ex:d .",              # an N3 path
    "ex:a ex:b ex:\u00b7 .",               # a local name cannot start with U+00B7
])
def test_rdflib_accepts_what_we_reject(statement):
    text = "@prefix ex: <http://e.org/> .\n" + statement + "\n"
    Graph().parse(data=text, format="turtle")  # rdflib's Turtle parser takes it
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(text, "lenient.ttl")
    assert info.value.line == 2


# ---------------------------------------------------------------- RDF 1.2 is not Turtle 1.1

@pytest.mark.parametrize("text, line, column, what", [
    ('<http://e.org/a> <http://e.org/b> <<( <http://e.org/c> <http://e.org/d> <http://e.org/e> )>> .',
     1, 35, "triple term"),
    ('<< <http://e.org/a> <http://e.org/b> <http://e.org/c> >> <http://e.org/p> "x" .', 1, 1, "reified triple"),
    ('<http://e.org/a> <http://e.org/b> <http://e.org/c>\n  {| <http://e.org/p> "x" |} .', 2, 3, "annotation"),
    ('<http://e.org/a> <http://e.org/b> <http://e.org/c> ~ <http://e.org/r> .', 1, 52, "reifier"),
    ('<http://e.org/a> <http://e.org/b> "x"@en--ltr .', 1, 41, "base direction"),
    ('VERSION "1.2"\n<http://e.org/a> <http://e.org/b> <http://e.org/c> .', 1, 1, "VERSION"),
    ('@version "1.2" .\n<http://e.org/a> <http://e.org/b> <http://e.org/c> .', 1, 1, "VERSION"),
])
def test_rdf12_syntax_is_rejected_with_position(text, line, column, what):
    with pytest.raises(TurtleSyntaxError) as info:
        parse_turtle(text, "v12.ttl")
    assert (info.value.line, info.value.column) == (line, column)
    assert "RDF 1.2" in str(info.value) and what in str(info.value)


def test_rdf12_lookalikes_in_strings_iris_comments_and_names_are_fine():
    text = ('@prefix VERSION: <http://e.org/v#> .\n'
            '# << {| ~ @en--ltr VERSION\n'
            'VERSION:a <http://e.org/b> "<< {| ~ VERSION", """>> |}\n~""", \'x\'@version, VERSION:b\\~c .\n')
    assert rdf12_features(text) == []
    assert len(parse_turtle(text, "ok.ttl")) == 4


# ---------------------------------------------------------------- blank nodes

def test_blank_nodes_are_found_with_positions():
    text = ('@prefix ex: <http://e.org/> .\n'
            'ex:a ex:b _:x ; ex:c [ ex:d "[_:]" ] ;\n'
            '  ex:e ( 1 ) , () , ( # comment\n ) .\n')
    assert blank_nodes(text) == [(2, 11, "_:"), (2, 22, "["), (3, 8, "(")]


def test_check_no_blank_nodes_names_the_first():
    with pytest.raises(TurtleSyntaxError) as info:
        check_no_blank_nodes("<http://e.org/a> <http://e.org/b> [] .\n", "graph/x.ttl")
    assert str(info.value).startswith("graph/x.ttl:1:35: blank node")


def test_blank_nodes_get_stable_names_per_file():
    text = '<http://e.org/a> <http://e.org/b> [ <http://e.org/c> ( 1 2 ) ] .'
    first = parse_turtle(text, bnode_prefix="f_b")
    again = parse_turtle(text, bnode_prefix="f_b")
    assert first == again
    names = {str(t) for triple in first for t in triple if not isinstance(t, (URIRef, Literal))}
    assert names == {"f_b0", "f_b1", "f_b2"}


def test_literals_keep_datatype_language_and_plain_strings():
    (t1,), (t2,), (t3,) = ([t[2]] for t in parse_turtle(
        '<http://e.org/a> <http://e.org/b> "x", "y"@zh, "5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .'))
    values = sorted([t1, t2, t3], key=str)
    assert values[0] == Literal("5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))
    assert values[1] == Literal("x") and values[1].datatype is None
    assert values[2] == Literal("y", lang="zh")


def test_might_be_rdf12_answers_as_the_regular_expressions_did():
    """The quick test (issue 15) against its definition: any mark, "version" in any case, a base direction."""
    def oracle(data: bytes) -> bool:
        return (any(m in data for m in (b"<<", b">>", b"{|", b"~")) or re.search(rb"version", data, re.IGNORECASE) is not None
                or re.search(rb"@[A-Za-z]+(?:-[A-Za-z0-9]+)*--[A-Za-z]", data) is not None)

    samples = [b'<http://e.org/a--b> <http://e.org/b> "x"@zh .', b'"x"@en--ltr', b'"x"@en-US--rtl', b"VeRsIoN 1.2",
               b'"x"@zh--', b"--a", b"@--a", b"<< >>", b"~", "版本 VERSION".encode(), b"versio n", b""]
    samples += [(REPO_ROOT / rel).read_bytes() for rel in project_files(REPO_ROOT)]
    for data in samples:
        assert might_be_rdf12(data) == oracle(data), data[:80]
