"""The compact form of the evidence, and its expansion into the W3C Web Annotation form.

A quote in the W3C form is 13 triples: the annotation ``A`` (``a oa:Annotation``, ``oa:motivatedBy``,
``oa:hasBody``, ``oa:hasTarget <A-target>``), its target (``a oa:SpecificResource``, ``oa:hasSource``, two
``oa:hasSelector``), a ``oa:TextPositionSelector`` ``<A-position>`` (type, ``oa:start``, ``oa:end``) and a
``oa:TextQuoteSelector`` ``<A-quote>`` (type, ``oa:exact``). In the compact form, that of the curated files and of
the build's store, the annotation holds its target's source, offsets and quote itself (:data:`COMPACT`): 7 triples.
The build writes its graph files in the full form: it expands the compact N-Triples of the files
(:mod:`cppcc_kg.build.rdf_files`, :mod:`cppcc_kg.build.graph_splice`; :func:`sources` for an edit).

Each compact triple stands for a fixed set of full-form triples (:func:`expand`), and a file's expansion is the
union of those sets with its other triples: a conforming annotation gives back exactly its 13 triples, line for
line. (Its inverse, used to check that no line is lost, is a test oracle: ``tests/oracles/compact_form.py``;
curated files are rewritten in the compact form by :mod:`cppcc_kg.rdf.evidence_turtle`, checked by :func:`expand`.)

>>> nt = (b'<https://e.org/e/1-3> <https://w3id.org/cppcc-kg/ontology#quoteExact> "ab" .\\n'
...       b'<https://e.org/e/1-3> <https://w3id.org/cppcc-kg/ontology#quoteSource> <https://e.org/s> .\\n')
>>> print(expand(nt).decode())  # doctest: +NORMALIZE_WHITESPACE
<https://e.org/e/1-3-quote> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/oa#TextQuoteSelector> .
<https://e.org/e/1-3-quote> <http://www.w3.org/ns/oa#exact> "ab" .
<https://e.org/e/1-3-target> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/oa#SpecificResource> .
<https://e.org/e/1-3-target> <http://www.w3.org/ns/oa#hasSelector> <https://e.org/e/1-3-quote> .
<https://e.org/e/1-3-target> <http://www.w3.org/ns/oa#hasSource> <https://e.org/s> .
<https://e.org/e/1-3> <http://www.w3.org/ns/oa#hasTarget> <https://e.org/e/1-3-target> .
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from operator import eq

from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.ntriples import sorted_lines

__all__ = ["COMPACT", "NotCompactable", "expand", "expand_lines", "expansion_growth", "holds_compact", "sources"]

_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _iri(term) -> bytes:
    return b"<" + str(term).encode("utf-8") + b">"


#: the compact properties, by what they stand for: (the node's suffix, its class, the full-form property)
COMPACT = {
    _iri(CPPCC.quoteSource): (b"-target", None, _iri(OA.hasSource)),
    _iri(CPPCC.quoteStart): (b"-position", _iri(OA.TextPositionSelector), _iri(OA.start)),
    _iri(CPPCC.quoteEnd): (b"-position", _iri(OA.TextPositionSelector), _iri(OA.end)),
    _iri(CPPCC.quoteExact): (b"-quote", _iri(OA.TextQuoteSelector), _iri(OA.exact)),
}
_HAS_TARGET, _HAS_SELECTOR, _RESOURCE = _iri(OA.hasTarget), _iri(OA.hasSelector), _iri(OA.SpecificResource)
_POSITION, _QUOTE = _iri(OA.TextPositionSelector), _iri(OA.TextQuoteSelector)
_TYPE_RESOURCE = _TYPE + b" " + _RESOURCE + b" ."
#: what every compact property's IRI starts with (a line without it is no compact line)
_MARK = b" <" + str(CPPCC).encode("utf-8") + b"quote"
#: compact property -> (the node's suffix, the full-form property, the selector it sets: 0 none, 1 position, 2 quote)
_KIND = {cp: (suffix + b">", prop, 0 if cls is None else 1 if cls == _POSITION else 2)
         for cp, (suffix, cls, prop) in COMPACT.items()}


class NotCompactable(ValueError):
    """A file whose compact form would not expand back to it (an annotation not in the project's form)."""


def holds_compact(nt: bytes) -> bool:
    """Whether the N-Triples *nt* may hold a compact triple (False: :func:`expand` would only sort them).

    >>> holds_compact(b'<https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteEnd> "3" .\\n')
    True
    """
    return _MARK in nt


def expand(nt: bytes) -> bytes:
    """The canonical N-Triples *nt* with each compact triple replaced by the full-form triples it stands for
    (sorted, unique): :func:`expand_lines` of its lines.

    >>> nt = b'<https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteEnd> "3" .\\n'
    >>> [x.split(b" ")[1].rsplit(b"#")[-1] for x in expand(nt).splitlines()]
    [b'type>', b'end>', b'type>', b'hasSelector>', b'hasTarget>']
    """
    if _MARK not in nt:
        return sorted_lines(nt)
    lines = expand_lines(nt.split(b"\n"))
    lines.append(b"")
    return b"\n".join(lines) if len(lines) > 1 else b""


def expand_lines(lines: list[bytes]) -> list[bytes]:
    """The N-Triples lines *lines* (without their newlines) with each compact triple replaced by the full-form
    triples it stands for: sorted, unique, no empty line.

    The lines that name no compact property are kept as they are (a sorted run when *lines* are sorted); the
    lines of the compact triples' values (``oa:hasSource``, ``oa:start``, …) are made one per compact line,
    and the structural ones (``oa:hasTarget``, the types, ``oa:hasSelector``) once per annotation and node;
    one sort then merges the two sorted runs. The same lines as the union of the expansions of each line alone
    (tested).

    >>> len(expand_lines([b'<https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteExact> "q" .', b""]))
    5
    """
    rest = [line for line in lines if _MARK not in line]
    values, nodes = [], ({}, {}, {})  # nodes: annotation -> None, by kind (any, position, quote)
    for line in [line for line in lines if _MARK in line]:
        s, p, obj = line.split(b" ", 2)
        kind = _KIND.get(p)
        if kind is None or not s.startswith(b"<"):
            rest.append(line)
            continue
        suffix, prop, n = kind
        a = s[:-1]
        values.append(a + suffix + b" " + prop + b" " + obj)
        nodes[0][a] = None
        if n:
            nodes[n][a] = None
    for a in nodes[0]:
        values += (a + b"> " + _HAS_TARGET + b" " + a + b"-target> .", a + b"-target> " + _TYPE_RESOURCE)
    for n, (suffix, cls) in ((1, (b"-position>", _POSITION)), (2, (b"-quote>", _QUOTE))):
        for a in nodes[n]:
            values += (a + b"-target> " + _HAS_SELECTOR + b" " + a + suffix + b" .",
                       a + suffix + b" " + _TYPE + b" " + cls + b" .")
    values.sort()
    rest += values  # two sorted runs (when *lines* are sorted): merged by the sort
    rest.sort()
    del rest[:bisect_right(rest, b"")]
    if any(map(eq, rest, islice(rest, 1, None))):  # (a full-form line written beside its compact one)
        rest = list(dict.fromkeys(rest))
    return rest


def expansion_growth(docs) -> int:
    """How many more distinct lines :func:`expand` gives of the union of the N-Triples *docs* than the union
    has: the number of triples of the full form less that of the compact form (the union of the expansions
    is the expansion of the union).

    >>> expansion_growth([b'<https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteExact> "q" .\\n'] * 2)
    4
    """
    lines = {line for doc in docs if _MARK in doc for line in doc.split(b"\n") if _MARK in line}
    return len(expand_lines(list(lines))) - len(lines)


#: an object no line has, to find the lines a compact triple stands for whatever its object
_ANY = b'"\\u0000" .'


def sources(line: bytes) -> list[tuple[bytes, bool]]:
    """What a file of compact N-Triples holds when :func:`expand` of it gives the full-form *line*: one of
    these, each ``(bytes, whole)``: a whole line (*whole* true: *line* itself, or the compact triple of its
    value), or the start of a line (``<A> <compact property> ``: any compact triple of that annotation and
    property gives the structural *line*, whatever its object).

    >>> A = b"<https://e.org/a"
    >>> for x, whole in sources(A + b"-quote> <http://www.w3.org/ns/oa#exact> \\"q\\" ."):
    ...     print(x.decode(), whole)
    <https://e.org/a-quote> <http://www.w3.org/ns/oa#exact> "q" . True
    <https://e.org/a> <https://w3id.org/cppcc-kg/ontology#quoteExact> "q" . True
    """
    out = [(line, True)]
    s, p, rest = line.split(b" ", 2)
    if not s.startswith(b"<"):
        return out
    annotations = [s] + [s[:-len(x)] + b">" for x in (b"-target>", b"-position>", b"-quote>") if s.endswith(x)]
    for a in annotations:
        for cp in COMPACT:
            derived = expand_lines([a + b" " + cp + b" " + _ANY])
            value = next(x for x in derived if x.endswith(_ANY))[:-len(_ANY)]  # "<node> <property> ": its value's
            if line in derived:  # (a structural line: *line* never ends with _ANY)
                out.append((a + b" " + cp + b" ", False))
            elif line.startswith(value) and s + b" " + p + b" " == value:
                out.append((a + b" " + cp + b" " + rest, True))
    return out
