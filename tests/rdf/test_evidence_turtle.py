"""Curated Turtle rewritten from the full form of the evidence to the compact form (rdf/evidence_turtle.py,
project/compact_files.py): the rewriting is checked, keeps the rest of the file, and refuses what it cannot do
safely."""
from __future__ import annotations

import re

import pytest

from cppcc_kg.errors import InputError
from cppcc_kg.project.compact_files import FULL_FORM_TERMS, compact_files, full_form_triples
from cppcc_kg.rdf.evidence_form import NotCompactable, expand
from cppcc_kg.rdf.evidence_turtle import compact_turtle, full_form_quotes
from cppcc_kg.rdf.ntriples import canonical_ntriples
from support import FULL_FORM_QUOTE as FULL
from support import REPO_ROOT

_COMPACT = re.compile(r"^(?P<a>\S+) a oa:Annotation ;\n(?P<props>(?:    (?!cppcc:quote).*\n)*?)"
                      r"    cppcc:quoteSource (?P<src>\S+) ;\n    cppcc:quoteStart (?P<s>\S+) ;\n"
                      r"    cppcc:quoteEnd (?P<e>\S+) ;\n    cppcc:quoteExact (?P<x>.*) \.$", re.MULTILINE)


def _full(m: re.Match) -> str:
    """The full form of a compact quote, in the layout the writers used before the compact form (an oracle
    written apart from the code under test)."""
    a = m["a"][:-1]
    return (f"{m['a']} a oa:Annotation ;\n{m['props']}    oa:hasTarget {a}-target> .\n"
            f"{a}-target> a oa:SpecificResource ;\n    oa:hasSource {m['src']} ;\n"
            f"    oa:hasSelector {a}-position>, {a}-quote> .\n"
            f"{a}-position> a oa:TextPositionSelector ;\n    oa:start {m['s']} ;\n    oa:end {m['e']} .\n"
            f"{a}-quote> a oa:TextQuoteSelector ;\n    oa:exact {m['x']} .")


def _curated_files():
    return sorted([*(REPO_ROOT / "graph").rglob("*.ttl"), *(REPO_ROOT / "sources").glob("*.ttl")])


@pytest.mark.parametrize("path", _curated_files(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_each_curated_file_in_the_full_form_is_rewritten_back_to_itself(path):
    text = path.read_text(encoding="utf-8")
    full, n = _COMPACT.subn(_full, text)
    if not n:
        assert "cppcc:quote" not in text
        return
    assert full_form_quotes(full) == n == text.count("cppcc:quoteExact")
    nt_full, nt_compact = (canonical_ntriples(t.encode(), path.name) for t in (full, text))
    assert expand(nt_compact) == nt_full and nt_full.count(b"\n") - nt_compact.count(b"\n") == 6 * n
    assert compact_turtle(full, path.name) == text




def test_the_rest_of_the_file_is_kept_and_the_prefix_added():
    out = compact_turtle(FULL)
    assert out.startswith("@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .\n@prefix oa:")
    assert "# a comment that stays\n" in out and "<https://e.org/b> a <https://e.org/C> .\n" in out
    assert "oa:hasTarget" not in out and out.count("cppcc:quote") == 4
    assert full_form_triples(canonical_ntriples(out.encode())) == 0


@pytest.mark.parametrize("old, new", [
    ("<https://e.org/a-target> a", "<https://e.org/a-target> a"),  # (unchanged: the control)
    ("oa:hasTarget <https://e.org/a-target> .\n<https://e.org/a-target>",  # a target of another name
     "oa:hasTarget <https://e.org/t> .\n<https://e.org/t>"),
    ("<https://e.org/a-position>, <https://e.org/a-quote> .\n<https://e.org/a-position>",  # a selector of another name
     "<https://e.org/p>, <https://e.org/a-quote> .\n<https://e.org/p>"),
])
def test_a_quote_whose_nodes_are_named_otherwise_is_refused(old, new):
    text = FULL.replace(old, new)
    if text == FULL:
        assert compact_turtle(text)
        return
    with pytest.raises(NotCompactable, match="x.ttl: the compact form would not give back the same triples"):
        compact_turtle(text, "x.ttl")


def test_compact_files_checks_writes_and_reports_what_is_left(tmp_path):
    (tmp_path / "g").mkdir()
    a, b, c = tmp_path / "g" / "a.ttl", tmp_path / "g" / "b.ttl", tmp_path / "c.ttl"
    a.write_text(FULL, encoding="utf-8")
    odd = FULL.replace("oa:start", "oa:end").replace("oa:end \"2\"", "oa:start \"2\"")  # another order: not rewritten
    b.write_text(odd, encoding="utf-8")
    c.write_text("<https://e.org/x> a <https://e.org/C> .\n", encoding="utf-8")
    checked = compact_files([tmp_path], check=True)
    assert a.read_text(encoding="utf-8") == FULL and b.read_text(encoding="utf-8") == odd
    assert [(d.path.name, d.rewritten, d.left > 0) for d in checked] == [("a.ttl", 1, False), ("b.ttl", 0, True)]
    assert [(d.path.name, d.rewritten, d.left > 0) for d in compact_files([tmp_path])] == [("a.ttl", 1, False), ("b.ttl", 0, True)]
    assert "cppcc:quoteExact" in a.read_text(encoding="utf-8") and b.read_text(encoding="utf-8") == odd
    assert compact_files([c]) == [] and [d.path.name for d in compact_files([tmp_path])] == ["b.ttl"]


def test_compact_files_writes_nothing_when_one_file_fails(tmp_path):
    good, bad = tmp_path / "a.ttl", tmp_path / "b.ttl"
    good.write_text(FULL, encoding="utf-8")
    bad.write_text(FULL.replace("a-target", "t"), encoding="utf-8")
    with pytest.raises(InputError, match="b.ttl"):
        compact_files([tmp_path])
    assert good.read_text(encoding="utf-8") == FULL
    with pytest.raises(InputError, match="no such file or folder"):
        compact_files([tmp_path / "missing"])


def test_a_file_with_windows_line_ends_keeps_them_and_a_header_comment_stays_first():
    text = "# header\n" + FULL
    out = compact_turtle(text.replace("\n", "\r\n"))
    assert out == compact_turtle(text).replace("\n", "\r\n") and "\r\n" in out and "\n" not in out.replace("\r\n", "")
    assert out.startswith("# header\r\n@prefix cppcc:") and full_form_quotes(text.replace("\n", "\r\n")) == 1


def test_the_full_form_the_command_reports_is_what_the_data_rule_finds():
    rule = (REPO_ROOT / "rules" / "evidence-in-full-form.rq").read_text(encoding="utf-8")
    query = "\n".join(line for line in rule.splitlines() if not line.lstrip().startswith("#"))
    assert set(re.findall(r"\boa:(\w+)", query)) - {"PREFIX"} == set(FULL_FORM_TERMS)


def test_a_lone_full_form_triple_is_reported_left(tmp_path):
    f = tmp_path / "a.ttl"
    f.write_text("<https://e.org/a-target> <http://www.w3.org/ns/oa#hasSource> <https://e.org/s> .\n", encoding="utf-8")
    assert [(d.rewritten, d.left) for d in compact_files([f])] == [(0, 1)]
