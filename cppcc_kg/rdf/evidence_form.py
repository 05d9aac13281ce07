"""The compact form of the evidence, and its expansion into the W3C Web Annotation form.

A quote in the W3C form is 13 triples: the annotation ``A`` (``a oa:Annotation``, ``oa:motivatedBy``,
``oa:hasBody``, ``oa:hasTarget <A-target>``), its target (``a oa:SpecificResource``, ``oa:hasSource``, two
``oa:hasSelector``), a ``oa:TextPositionSelector`` ``<A-position>`` (type, ``oa:start``, ``oa:end``) and a
``oa:TextQuoteSelector`` ``<A-quote>`` (type, ``oa:exact``). In the compact form, that of the curated files and of
the build's store, the annotation holds its target's source, offsets and quote itself (:data:`COMPACT`): 7 triples.

Each compact triple stands for a fixed set of full-form triples (:func:`expand`), and a file's expansion is the
union of those sets with its other triples: a conforming annotation gives back exactly its 13 triples, line for
line. :func:`compact` is the inverse on the annotations of that form, and refuses a file whose compact form would
not expand back to it.

>>> nt = (b'<https://e.org/e/1-3> <https://w3id.org/cppcc-kg/ontology#quoteExact> "ab" .\\n'
...       b'<https://e.org/e/1-3> <https://w3id.org/cppcc-kg/ontology#quoteSource> <https://e.org/s> .\\n')
>>> print(expand(nt).decode())  # doctest: +NORMALIZE_WHITESPACE
<https://e.org/e/1-3-quote> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/oa#TextQuoteSelector> .
<https://e.org/e/1-3-quote> <http://www.w3.org/ns/oa#exact> "ab" .
<https://e.org/e/1-3-target> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/oa#SpecificResource> .
<https://e.org/e/1-3-target> <http://www.w3.org/ns/oa#hasSelector> <https://e.org/e/1-3-quote> .
<https://e.org/e/1-3-target> <http://www.w3.org/ns/oa#hasSource> <https://e.org/s> .
<https://e.org/e/1-3> <http://www.w3.org/ns/oa#hasTarget> <https://e.org/e/1-3-target> .
>>> compact(expand(nt)) == nt
True
"""
from __future__ import annotations

from cppcc_kg.rdf.namespaces import CPPCC, OA
from cppcc_kg.rdf.ntriples import sorted_lines

__all__ = ["COMPACT", "NotCompactable", "compact", "expand"]

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


class NotCompactable(ValueError):
    """A file whose compact form would not expand back to it (an annotation not in the project's form)."""


def _derived(line: bytes) -> list[bytes] | None:
    """The full-form lines that the compact line *line* stands for, or None (not a compact line)."""
    s, p, rest = line.split(b" ", 2)
    kind = COMPACT.get(p)
    if kind is None or not s.startswith(b"<"):
        return None
    suffix, cls, prop = kind
    a = s[:-1]
    target = a + b"-target>"
    out = [s + b" " + _HAS_TARGET + b" " + target + b" .", target + b" " + _TYPE + b" " + _RESOURCE + b" ."]
    if cls is None:
        out.append(target + b" " + prop + b" " + rest)
    else:
        node = a + suffix + b">"
        out += [target + b" " + _HAS_SELECTOR + b" " + node + b" .", node + b" " + _TYPE + b" " + cls + b" .",
                node + b" " + prop + b" " + rest]
    return out


def expand(nt: bytes) -> bytes:
    """The canonical N-Triples *nt* with each compact triple replaced by the full-form triples it stands for
    (sorted, unique)."""
    out = []
    for line in nt.split(b"\n"):
        if line:
            derived = _derived(line)
            out.extend([line] if derived is None else derived)
    return sorted_lines(b"\n".join(out))


#: (the node's suffix, the full-form property) -> the compact property it comes from
_FROM = {(suffix + b">", prop): cp for cp, (suffix, _cls, prop) in COMPACT.items()}


def _compact_line(line: bytes) -> bytes | None:
    """The compact line that the full-form line *line* comes from, b"" for a structural line (implied by the
    compact ones), or None (another line, kept). :func:`compact` checks the result expands back."""
    s, p, rest = line.split(b" ", 2)
    if not s.startswith(b"<"):
        return None
    for suffix in (b"-target>", b"-position>", b"-quote>"):
        if s.endswith(suffix):
            cp = _FROM.get((suffix, p))
            if cp is not None:
                return s[:-len(suffix)] + b"> " + cp + b" " + rest
            return b"" if p in (_TYPE, _HAS_SELECTOR) else None
    if p == _HAS_TARGET and rest == s[:-1] + b"-target> .":
        return b""
    return None


def compact(nt: bytes) -> bytes:
    """The compact form of the canonical N-Triples *nt*: each annotation of the project's form (its target
    ``<A-target>``, selectors ``<A-position>`` and ``<A-quote>``) as its compact triples; other triples as they
    are. Raises :class:`NotCompactable` if the result would not expand back to *nt* (an annotation not in that
    form: a missing type, a selector of another name, …)."""
    out = []
    for line in nt.split(b"\n"):
        if line:
            c = _compact_line(line)
            if c is None:
                out.append(line)
            elif c:
                out.append(c)
    result = sorted_lines(b"\n".join(out))
    back = expand(result)
    if back != sorted_lines(nt):
        missing = sorted(set(nt.split(b"\n")) - set(back.split(b"\n")) - {b""})
        extra = sorted(set(back.split(b"\n")) - set(nt.split(b"\n")) - {b""})
        raise NotCompactable(f"{len(missing)} line(s) would be lost and {len(extra)} added, e.g. "
                             f"{(missing or extra)[0].decode('utf-8', 'replace')[:200]}")
    return result
