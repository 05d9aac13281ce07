"""Test oracle: the inverse of :func:`cppcc_kg.rdf.evidence_form.expand`, the compact form of canonical N-Triples
in the full form, line by line; it refuses what would not expand back. The tests use it to check that
:func:`~cppcc_kg.rdf.evidence_form.expand` loses no line of the curated files and gives each one form only (the
project's own rewriting of curated files is :mod:`cppcc_kg.rdf.evidence_turtle`, which works on the Turtle text).
"""
from __future__ import annotations

from cppcc_kg.rdf.evidence_form import COMPACT, NotCompactable, expand
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.ntriples import sorted_lines

__all__ = ["compact"]

_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_HAS_TARGET, _HAS_SELECTOR = (b"<" + str(p).encode() + b">" for p in (OA.hasTarget, OA.hasSelector))

#: (the node's suffix, the full-form property) -> the compact property it comes from
_FROM = {(suffix + b">", prop): cp for cp, (suffix, _cls, prop) in COMPACT.items()}


def _compact_line(line: bytes) -> bytes | None:
    """The compact line that the full-form line *line* comes from, b"" for a structural line (implied by the
    compact ones), or None (another line, kept). ``compact`` checks the result expands back."""
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
    are. Raises :class:`~cppcc_kg.rdf.evidence_form.NotCompactable` if the result would not expand back to *nt* (an annotation not in that
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
