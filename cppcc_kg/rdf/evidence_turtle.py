"""Curated Turtle files rewritten from the full Web Annotation form of the evidence to the compact form.

A quote written in the full form (its annotation, then its target, position and quote statements, as the
writers of this project wrote them before the compact form) becomes the annotation alone, holding the target's
source, offsets and quote (:mod:`cppcc_kg.rdf.evidence_form`). The rest of the file (comments, layout, other
statements) is kept as it is. The result is checked: its canonical N-Triples, expanded, must be the triples
of the original, or :class:`~cppcc_kg.rdf.evidence_form.NotCompactable` is raised and nothing is rewritten.

>>> text = '''@prefix oa: <http://www.w3.org/ns/oa#> .
... @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
... <https://e.org/a> a oa:Annotation ;
...     oa:hasBody <https://e.org/b> ;
...     oa:hasTarget <https://e.org/a-target> .
... <https://e.org/a-target> a oa:SpecificResource ;
...     oa:hasSource <https://e.org/s> ;
...     oa:hasSelector <https://e.org/a-position>, <https://e.org/a-quote> .
... <https://e.org/a-position> a oa:TextPositionSelector ;
...     oa:start "0"^^xsd:nonNegativeInteger ;
...     oa:end "2"^^xsd:nonNegativeInteger .
... <https://e.org/a-quote> a oa:TextQuoteSelector ;
...     oa:exact "甲市" .
... '''
>>> print(compact_turtle(text, "x.ttl"))  # doctest: +NORMALIZE_WHITESPACE
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://e.org/a> a oa:Annotation ;
    oa:hasBody <https://e.org/b> ;
    cppcc:quoteSource <https://e.org/s> ;
    cppcc:quoteStart "0"^^xsd:nonNegativeInteger ;
    cppcc:quoteEnd "2"^^xsd:nonNegativeInteger ;
    cppcc:quoteExact "甲市" .
"""
from __future__ import annotations

import re

from cppcc_kg.rdf.evidence_form import NotCompactable, expand
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import canonical_ntriples

__all__ = ["compact_turtle", "full_form_quotes"]

_TERM = r"(?:<[^<>\s]+>|[A-Za-z][\w\-]*:[\w.\-/%]*|:[\w.\-/%]+)"
_LIT = r'(?:"(?:[^"\\\n]|\\.)*"(?:\^\^\S+|@[A-Za-z\-]+)?|\d+)'
_WS = r"\s+"
_OWS = r"\s*"

#: a quote in the full form: the annotation's last property, then the three statements of its target
_FULL = re.compile(
    rf"oa:hasTarget{_WS}(?P<t>{_TERM}){_OWS}\.[ \t]*\n"
    rf"[ \t]*(?P=t){_WS}a{_WS}oa:SpecificResource{_OWS};{_WS}"
    rf"oa:hasSource{_WS}(?P<src>{_TERM}){_OWS};{_WS}"
    rf"oa:hasSelector{_WS}(?P<p>{_TERM}){_OWS},{_WS}(?P<q>{_TERM}){_OWS}\.[ \t]*\n"
    rf"[ \t]*(?P=p){_WS}a{_WS}oa:TextPositionSelector{_OWS};{_WS}"
    rf"oa:start{_WS}(?P<start>{_LIT}){_OWS};{_WS}"
    rf"oa:end{_WS}(?P<end>{_LIT}){_OWS}\.[ \t]*\n"
    rf"[ \t]*(?P=q){_WS}a{_WS}oa:TextQuoteSelector{_OWS};{_WS}"
    rf"oa:exact{_WS}(?P<exact>{_LIT}){_OWS}\.")

_PREFIX = f"@prefix cppcc: <{CPPCC}> .\n"


def full_form_quotes(text: str) -> int:
    """How many quotes of the Turtle *text* are written in the full form (in this project's layout).

    >>> full_form_quotes("<https://e.org/a> a <https://e.org/C> .")
    0
    """
    return sum(1 for _ in _FULL.finditer(text.replace("\r\n", "\n")))


def _compact(m: re.Match) -> str:
    return (f"cppcc:quoteSource {m['src']} ;\n    cppcc:quoteStart {m['start']} ;\n"
            f"    cppcc:quoteEnd {m['end']} ;\n    cppcc:quoteExact {m['exact']} .")


def compact_turtle(text: str, name: str = "<string>") -> str:
    """The Turtle *text* (of the file *name*, for messages) with each quote of the full form written compact.

    Raises :class:`~cppcc_kg.rdf.evidence_form.NotCompactable` if the result's triples, expanded, are not the
    original's: an annotation whose nodes are not named ``A-target``, ``A-position`` and ``A-quote``, or that the
    layout hid (a quote written in another order is left as it is, and then fails the check if the graph reads
    its annotation). A text with no quote in the full form is returned unchanged.
    """
    crlf = "\r\n" in text
    new, count = _FULL.subn(_compact, text.replace("\r\n", "\n") if crlf else text)
    if not count:
        return text
    if not re.search(r"^\s*(@prefix|PREFIX)\s+cppcc:", new, re.MULTILINE | re.IGNORECASE):
        first = re.search(r"^\s*(@prefix|PREFIX)\s", new, re.MULTILINE | re.IGNORECASE)  # beside the others
        at = first.start() if first else 0
        new = new[:at] + _PREFIX + new[at:]
    if crlf:
        new = new.replace("\n", "\r\n")
    before = canonical_ntriples(text.encode("utf-8"), name)
    after = canonical_ntriples(new.encode("utf-8"), name)
    if expand(after) != before:
        raise NotCompactable(f"{name}: the compact form would not give back the same triples; "
                             "convert the quotes of this file by hand (see docs/curation.md)")
    return new
