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
from rdflib.namespace import RDFS

from cppcc_kg.project.entities import zh_labels
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.validate.evidence import RULE, as_int
from cppcc_kg.validate.labels import label_message
from cppcc_kg.validate.report import labels_of, nowhere, problem


def check_evidence(graph: Graph, texts: dict, *, where: Callable | None = None) -> list[dict]:
    """Check every quote against the source text: ``quoteExact == text[quoteStart:quoteEnd]`` of its
    ``quoteSource`` (the compact form of the evidence, on the annotation).

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
    for focus in sorted(set(graph.subjects(CPPCC.quoteSource, None))):
        sources = list(graph.objects(focus, CPPCC.quoteSource))
        if len(sources) != 1:
            continue  # the SHACL shapes report the extra sources
        source = sources[0]
        src = texts.get(source)
        if src is None:
            out.append(problem("evidence", focus, f"the evidence is on {source}, which is not a cppcc:Source with a text",
                               rule=RULE, files=where(focus, CPPCC.quoteSource)))
            continue
        text = src if isinstance(src, str) else src.text
        name = source if isinstance(src, str) else src.path
        starts = [i for x in graph.objects(focus, CPPCC.quoteStart) if (i := as_int(x)) is not None]
        ends = [i for x in graph.objects(focus, CPPCC.quoteEnd) if (i := as_int(x)) is not None]
        if not starts or not ends:
            continue  # SHACL: cppcc:quoteStart and cppcc:quoteEnd are integers
        start, end = min(starts), min(ends)
        if not 0 <= start < end <= len(text):
            out.append(problem("evidence", focus,
                               f"the span {start}-{end} is outside the text of {name} (0-{len(text)})",
                               rule=RULE, files=where(focus, CPPCC.quoteStart)))
            continue
        actual = text[start:end]
        for exact in sorted({str(x) for x in graph.objects(focus, CPPCC.quoteExact)}):
            if exact != actual:
                out.append(problem(
                    "evidence", focus,
                    f"the quote is {exact!r} but text[{start}:{end}] of {name} is {actual!r}",
                    rule=RULE, files=where(focus, CPPCC.quoteExact)))
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
