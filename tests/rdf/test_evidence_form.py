"""The compact form of the evidence and its expansion (rdf/evidence_form.py): every curated file of the repository
and of a synthetic corpus round-trips, line for line, and a file whose compact form would not expand back is
refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.evidence_form import NotCompactable, expand
from cppcc_kg.rdf.ntriples import canonical_ntriples
from oracles.compact_form import compact
from support import REPO_ROOT

A = "https://w3id.org/cppcc-kg/id/evidence/s/1-3"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: one annotation in the full form, as the curated files write it
FULL = f"""@prefix oa: <{OA}> . @prefix xsd: <{XSD}> .
<{A}> a oa:Annotation ; oa:motivatedBy oa:describing ; oa:hasBody <https://e.org/b> ; oa:hasTarget <{A}-target> .
<{A}-target> a oa:SpecificResource ; oa:hasSource <https://e.org/s> ; oa:hasSelector <{A}-position>, <{A}-quote> .
<{A}-position> a oa:TextPositionSelector ; oa:start "1"^^xsd:nonNegativeInteger ; oa:end "3"^^xsd:nonNegativeInteger .
<{A}-quote> a oa:TextQuoteSelector ; oa:exact "乙丙" .
"""


def _nt(text: str) -> bytes:
    return canonical_ntriples(text.encode("utf-8"), "x.ttl")


def _round_trips(root: Path) -> tuple[int, int]:
    """(lines of the full form, lines of the compact form) of the curated files of *root*, each of which is in
    the compact form, expands and compacts back to itself."""
    full = small = 0
    for path in sorted((root / "graph").rglob("*.ttl")):
        c = canonical_ntriples(path.read_bytes(), path.relative_to(root).as_posix())
        nt = expand(c)
        assert compact(nt) == c and expand(nt) == nt, path
        full, small = full + nt.count(b"\n"), small + c.count(b"\n")
    return full, small


def test_one_annotation_is_seven_triples_and_expands_back():
    nt = _nt(FULL)
    c = compact(nt)
    assert nt.count(b"\n") == 13 and c.count(b"\n") == 7
    assert b"hasTarget" not in c and b"Selector" not in c and expand(c) == nt


def test_the_repository_graph_round_trips():
    full, small = _round_trips(REPO_ROOT)
    assert small < 0.8 * full


def test_a_synthetic_corpus_round_trips(tmp_path):
    write_corpus(tmp_path / "s", scale=3)
    full, small = _round_trips(tmp_path / "s")
    assert small < 0.8 * full


@pytest.mark.parametrize("edit", [
    ("<{A}-quote> a oa:TextQuoteSelector ;", "<{A}-quote>"),  # a selector's type missing
    ("oa:hasSelector <{A}-position>, <{A}-quote>", "oa:hasSelector <{A}-position>, <{A}-other>"),  # another name
    ("oa:exact", "oa:start"),  # an offset on the quote's node
    ("a oa:SpecificResource ;", "a oa:TextQuoteSelector ;"),  # a target of another class
    ("oa:hasTarget <{A}-target>", "oa:hasTarget <https://e.org/t>"),  # a target of another name
])
def test_an_annotation_not_in_the_projects_form_is_refused(edit):
    old, new = (x.replace("{A}", A) for x in edit)
    assert old in FULL
    with pytest.raises(NotCompactable):
        compact(_nt(FULL.replace(old, new)))


def test_other_triples_are_left_as_they_are():
    nt = _nt(f'<https://e.org/x> <{RDF_TYPE}> <https://e.org/C> .\n'
             f'_:b <https://w3id.org/cppcc-kg/ontology#quoteStart> "1" .')
    assert compact(nt) == nt and expand(nt) == nt
