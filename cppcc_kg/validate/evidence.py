"""The evidence check: every quote is the text of its source at its offsets.

For every evidence target, the quote (``oa:exact`` of its ``oa:TextQuoteSelector``)
equals ``text[start:end]`` of the source, by its ``oa:TextPositionSelector`` (code
points, end exclusive). The check reads the project's Oxigraph store with two SPARQL
queries, so it stays fast on millions of triples (a slower reference on an rdflib graph,
``tests/oracles/validate_checks.py``, is tested to give the same problems).

>>> from rdflib import Graph, URIRef
>>> from cppcc_kg.rdf.store import store_of_quads
>>> g = Graph().parse(format="turtle", data='''
... @prefix oa: <http://www.w3.org/ns/oa#> .
... <http://e.org/a> oa:hasTarget <http://e.org/t> .
... <http://e.org/t> oa:hasSource <http://e.org/src> ;
...     oa:hasSelector <http://e.org/p>, <http://e.org/q> .
... <http://e.org/p> a oa:TextPositionSelector ; oa:start 1 ; oa:end 3 .
... <http://e.org/q> a oa:TextQuoteSelector ; oa:exact "乙丁" .''')
>>> store = store_of_quads((s, p, o, URIRef("http://e.org/g")) for s, p, o in g)
>>> [p["message"] for p in evidence_problems(store, {"http://e.org/src": "甲乙丙"})]
["the quote is '乙丁' but text[1:3] of http://e.org/src is '乙丙'"]
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import RDF

from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.report import Where, node, nowhere, problem

RULE = "quote == text[start:end]"

EVIDENCE_QUERY = f"""SELECT ?t ?src ?pos ?start ?end ?quote ?exact (BOUND(?exact) AS ?has) WHERE {{
        ?t <{OA}hasSource> ?src ; <{OA}hasSelector> ?pos, ?quote .
        ?pos <{RDF.type}> <{OA}TextPositionSelector> .
        ?quote <{RDF.type}> <{OA}TextQuoteSelector> .
        OPTIONAL {{ ?pos <{OA}start> ?start }} OPTIONAL {{ ?pos <{OA}end> ?end }}
        OPTIONAL {{ ?quote <{OA}exact> ?exact }} }}"""


def as_int(value) -> int | None:
    """*value* as an integer, or ``None`` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _least(values_: list) -> int | None:
    ints = [i for v in values_ if (i := as_int(v)) is not None]
    return min(ints) if ints else None


def evidence_problems(store: ox.Store, texts: dict, *, where: Where | None = None) -> list[dict]:
    """Check every quote of *store* (the union of its named graphs) against its source text.

    Parameters
    ----------
    store : pyoxigraph.Store
    texts : dict
        Source IRI (str or URIRef) -> its text (str) or a
        :class:`cppcc_kg.project.sources.SourceText`.
    where : callable, optional
        ``where(node, predicate)`` -> files that hold the triple, for messages.

    One query joins each target with its source and its two selectors; a target with
    a missing or extra part is left to the SHACL shapes.
    """
    where = where or nowhere
    by_iri = {str(k): v for k, v in texts.items()}
    targets: dict[str, list] = {}
    for t, src, pos, start, end, quote, exact, has in values(store, EVIDENCE_QUERY):
        targets.setdefault(t, []).append((src, pos, start, end, quote, exact, has == "true"))

    def focus_of(target: str):
        found = [a for (a,) in values(store, f"SELECT DISTINCT ?a WHERE {{ ?a <{OA}hasTarget> <{target}> }}")] \
            if not target.startswith("_:") else []
        return node(min(found) if found else target)

    out = []
    for target in sorted(targets):
        rows = targets[target]
        if len({r[0] for r in rows}) != 1 or len({r[1] for r in rows}) != 1 or len({r[4] for r in rows}) != 1:
            continue  # the SHACL shapes report the extra parts
        source = rows[0][0]
        src = by_iri.get(source)
        if src is None:
            out.append(problem("evidence", focus_of(target),
                               f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(node(target), OA.hasSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        start, end = _least([r[2] for r in rows]), _least([r[3] for r in rows])
        if start is None or end is None:
            continue  # SHACL: oa:start and oa:end are integers
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus_of(target),
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(node(rows[0][1]), OA.start)))
            continue
        actual = text[start:end]
        for exact in sorted({r[5] for r in rows if r[6]}):
            if exact != actual:
                out.append(problem(
                    "evidence", focus_of(target),
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(node(rows[0][4]), OA.exact)))
    return out
