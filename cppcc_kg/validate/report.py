"""Problems: what every check returns, and how they are told to a person.

A check returns a list of *problems*, plain dicts (:func:`problem`), so that all
problems are reported at once. A problem names the thing to fix (IRI and labels), the
rule it breaks and the file that defines the thing; :func:`format_problem` writes it
for a person and :func:`raise_for_problems` raises them as one
:class:`cppcc_kg.errors.ValidationError`.

>>> p = problem("shacl", "https://w3id.org/cppcc-kg/id/org/x", "An entity needs …",
...             rule="cppcc:EntityShape", files=["graph/a.ttl"], labels=["某机构", "Some body"])
>>> print(format_problem(p))
graph/a.ttl: <https://w3id.org/cppcc-kg/id/org/x> (某机构 | Some body)
    [shacl] cppcc:EntityShape: An entity needs …
"""
from __future__ import annotations

from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from cppcc_kg.errors import ValidationError
from cppcc_kg.project.entities import zh_labels

#: how many problems a ValidationError message lists before summing up the rest
MAX_LISTED = 40

#: ``where(node, predicate=None)`` -> the files (sorted) that hold the triple, or define the node
Where = Callable[..., list]


def nowhere(node, pred=None) -> list[str]:
    """The :data:`Where` of a check given none: no file."""
    return []


def problem(check: str, focus, message: str, *, rule: str = "", path: str = "", value: str = "",
            files: list[str] | None = None, labels: list[str] | None = None) -> dict:
    """One problem found by a check, as a plain dict."""
    return {
        "check": check,
        "focus": str(focus) if focus is not None else "",
        "labels": list(labels or []),
        "files": list(files or []),
        "rule": rule,
        "path": path,
        "value": value,
        "message": message,
    }


def sort_key(p: dict) -> tuple:
    """The order of the problems of a report: by file, thing, check, rule, path and message."""
    return (p["files"], p["focus"], p["check"], p["rule"], p["path"], p["message"])


def format_problem(p: dict, compact: Callable[[str], str] | None = None) -> str:
    """Two lines for a person: ``FILE: thing (labels)`` and ``[check] rule, path: message``."""
    compact = compact or (lambda iri: f"<{iri}>")
    files = ", ".join(p["files"]) or "(no file)"
    head = f"{files}: {compact(p['focus']) if p['focus'] else ''}"
    if p["labels"]:
        head += f" ({' | '.join(p['labels'])})"
    rule = p["rule"] + (f", path {p['path']}" if p["path"] else "")
    body = f"    [{p['check']}] {rule}: {p['message']}" if rule else f"    [{p['check']}] {p['message']}"
    if p["value"]:
        body += f" (value: {p['value']})"
    return f"{head.rstrip()}\n{body}"


def compactor(graph: Graph | None) -> Callable[[str], str]:
    """An IRI as a prefixed name with the prefixes of *graph* (``<iri>`` without a graph).

    >>> from cppcc_kg.rdf.namespaces import bind_prefixes
    >>> g = Graph(); bind_prefixes(g)
    >>> compactor(g)("https://w3id.org/cppcc-kg/ontology#Plan"), compactor(None)("http://e.org/a")
    ('cppcc:Plan', '<http://e.org/a>')
    """
    if graph is None:
        return lambda iri: f"<{iri}>"

    def compact(iri: str) -> str:
        if not iri:
            return ""
        try:
            return graph.namespace_manager.normalizeUri(URIRef(iri))
        except Exception:  # pragma: no cover - rdflib refuses some IRIs
            return f"<{iri}>"
    return compact


def labels_of(graph: Graph | None, node) -> list[str]:
    """The zh label(s), then the en label(s), of *node* in *graph* (none without a graph or node)."""
    if graph is None or node is None:
        return []
    zh = zh_labels(graph, node)
    en = sorted(str(o) for o in graph.objects(node, RDFS.label)
                if isinstance(o, Literal) and (o.language or "").lower().startswith("en"))
    return zh + en


def node(value: str):
    """The rdflib term of a value of :func:`cppcc_kg.rdf.store.values` (``_:x`` is a blank node).

    >>> node("_:b0"), node("http://e.org/a")
    (rdflib.term.BNode('b0'), rdflib.term.URIRef('http://e.org/a'))
    """
    return BNode(value[2:]) if value.startswith("_:") else URIRef(value)


def raise_for_problems(report: dict, graph: Graph | None = None, *, max_listed: int = MAX_LISTED) -> None:
    """Raise :class:`ValidationError` listing the problems of *report*, if any (IRIs shortened
    with the prefixes of *graph*)."""
    problems = report["problems"]
    if not problems:
        return
    compact = compactor(graph) if graph is not None else None
    counts = ", ".join(f"{n} {k}" for k, n in report["counts"].items() if n)
    lines = [f"validation failed: {len(problems)} problem(s) ({counts})"]
    lines += [format_problem(p, compact) for p in problems[:max_listed]]
    if len(problems) > max_listed:
        lines.append(f"... and {len(problems) - max_listed} more")
    raise ValidationError("\n".join(lines), problems,
                          "fix the files named above (docs/curation.md gives the rules), then build again.")
