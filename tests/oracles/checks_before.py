"""The evidence and label checks and the canonical N-Triples as they were before issue 15, session 8.

Kept as test oracles: the faster versions in :mod:`cppcc_kg.validate.evidence`,
:mod:`cppcc_kg.validate.labels` and :mod:`cppcc_kg.rdf.ntriples` must give the same problems, in the
same order, and the same bytes (``tests/validate/test_checks_before.py``, ``tests/rdf/test_ntriples.py``). The
evidence check reads the compact form of the evidence (issue 15, session 15), as the store holds it.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.store import values
from cppcc_kg.validate.evidence import EVIDENCE_QUERY, RULE
from cppcc_kg.validate.labels import QUOTED_SOURCES, label_message
from cppcc_kg.validate.report import Where, labels_of, node, nowhere, problem


def sorted_lines(nt: bytes) -> bytes:
    """The lines of *nt*, sorted and unique, each ended by a newline (a set, then a sort)."""
    lines = set(nt.split(b"\n"))
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _least(values_: list) -> int | None:
    ints = [i for v in values_ if (i := as_int(v)) is not None]
    return min(ints) if ints else None


def evidence_problems(store: ox.Store, texts: dict, *, where: Where | None = None) -> list[dict]:
    """The evidence check: each annotation's rows of :data:`EVIDENCE_QUERY` (its compact form: source, offsets
    and quote on the annotation) judged in Python."""
    where = where or nowhere
    annotations: dict[str, list] = {}
    for a, src, start, end, exact, has in values(store, EVIDENCE_QUERY):
        annotations.setdefault(a, []).append((src, start, end, exact, has == "true"))
    by_iri = {str(k): v for k, v in texts.items()}
    out = []
    for a in sorted(annotations):
        rows = annotations[a]
        if len({r[0] for r in rows}) != 1:
            continue
        focus, source = node(a), rows[0][0]
        src = by_iri.get(source)
        if src is None:
            out.append(problem("evidence", focus, f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(focus, CPPCC.quoteSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        start, end = _least([r[1] for r in rows]), _least([r[2] for r in rows])
        if start is None or end is None:
            continue
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus,
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(focus, CPPCC.quoteStart)))
            continue
        actual = text[start:end]
        for exact in sorted({r[3] for r in rows if r[4]}):
            if exact != actual:
                out.append(problem(
                    "evidence", focus,
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(focus, CPPCC.quoteExact)))
    return out


def label_problems(store: ox.Store, texts: dict, *, where: Where | None = None,
                   graph: Graph | None = None) -> list[dict]:
    """The label check: each entity's ``@zh`` labels looked for in its quoted texts, then in all."""
    where = where or nowhere
    by_iri = {str(k): (v if isinstance(v, str) else v.text) for k, v in texts.items()}
    bodies = list(by_iri.values())
    quoted: dict[str, set[str]] = {}
    for e, src in values(store, QUOTED_SOURCES):
        quoted.setdefault(e, set()).add(src)
    out = []
    for e, labels in entity_zh_labels(store).items():
        own = [by_iri[s] for s in sorted(quoted.get(e, ())) if s in by_iri]
        for label in labels:
            if any(label in text for text in own) or any(label in text for text in bodies):
                continue
            entity = URIRef(e)
            out.append(problem("label", entity, label_message(label), rule="label in source", path="rdfs:label",
                               files=where(entity, RDFS.label), labels=labels_of(graph, entity)))
    return out
