"""Reference versions of the evidence and label checks, on an rdflib graph (slow: a test oracle).

The build checks the project's Oxigraph store (:func:`cppcc_kg.validate.evidence.evidence_problems`,
:func:`cppcc_kg.validate.labels.label_problems`); these read an rdflib graph triple by triple,
as the checks were first written, and tests/validate/test_checks_oracle.py asserts that both
report the same problems.
"""
from __future__ import annotations

from typing import Callable

from oracles.entities_rdflib import entities
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from cppcc_kg.project.entities import zh_labels
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.validate.evidence import RULE, as_int
from cppcc_kg.validate.labels import label_message
from cppcc_kg.validate.report import labels_of, nowhere, problem


def check_evidence(graph: Graph, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """Check every quote against the source text: ``exact == text[start:end]``.

    Parameters
    ----------
    graph : rdflib.Graph
    texts : dict
        Source IRI -> its text (str) or an object with ``.text`` and ``.path``.
    where : callable, optional
        ``where(node, predicate)`` -> files that hold the triple, for messages.
    """
    where = where or nowhere
    out = []
    for target in sorted(set(graph.subjects(OA.hasSelector, None))):
        annotations = sorted(graph.subjects(OA.hasTarget, target)) or [target]
        focus = annotations[0]
        sources = list(graph.objects(target, OA.hasSource))
        positions = [s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in graph]
        quotes = [s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph]
        if len(sources) != 1 or len(positions) != 1 or len(quotes) != 1:
            continue  # the SHACL shapes report the missing or extra parts
        source, pos, quote = sources[0], positions[0], quotes[0]
        src = texts.get(source)
        if src is None:
            out.append(problem("evidence", focus, f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(target, OA.hasSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        start, end = as_int(graph.value(pos, OA.start)), as_int(graph.value(pos, OA.end))
        if start is None or end is None:
            continue  # SHACL: oa:start and oa:end are integers
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus,
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(pos, OA.start)))
            continue
        actual = text[start:end]
        for exact in sorted(str(x) for x in graph.objects(quote, OA.exact)):
            if exact != actual:
                out.append(problem(
                    "evidence", focus,
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(quote, OA.exact)))
    return out


def check_labels(graph: Graph, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """Check that the ``@zh`` label of every entity occurs in some source text."""
    where = where or nowhere
    bodies = [t if isinstance(t, str) else t.text for t in texts.values()]
    out = []
    for e in entities(graph):
        for label in zh_labels(graph, e):
            if not any(label in text for text in bodies):
                out.append(problem(
                    "label", e, label_message(label), rule="label in source", path="rdfs:label",
                    files=where(e, RDFS.label),
                    labels=labels_of(graph, e)))
    return out
