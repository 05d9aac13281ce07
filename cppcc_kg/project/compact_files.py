"""Curated Turtle files rewritten with their evidence in the compact form (``cppcc-kg compact-evidence``).

The project's curated files write each quote as one annotation with ``cppcc:quoteSource``,
``cppcc:quoteStart``, ``cppcc:quoteEnd`` and ``cppcc:quoteExact``; the exports give the W3C Web Annotation form
(docs/curation.md, "Evidence"). A file written in that full form (copied from an export, or by a version of
this project before the compact form) is refused by the data rule ``evidence-in-full-form``; this module
rewrites it (:func:`cppcc_kg.rdf.evidence_turtle.compact_turtle`), checked: the rewritten file's triples,
expanded, are the original's.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.ttl").write_text('<https://e.org/x> a <https://e.org/C> .\\n', encoding="utf-8")
>>> compact_files([d])
[]
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from cppcc_kg.errors import InputError
from cppcc_kg.rdf.evidence_form import NotCompactable
from cppcc_kg.rdf.evidence_turtle import compact_turtle, full_form_quotes
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.rdf.namespaces import OA
from cppcc_kg.rdf.ntriples import canonical_ntriples
from cppcc_kg.rdf.syntax import decode_utf8

__all__ = ["FULL_FORM_TERMS", "Compacted", "compact_files", "full_form_triples", "turtle_files"]

#: the properties and classes of the W3C form that the compact form replaces (those the data rule
#: ``evidence-in-full-form`` looks for: tested)
FULL_FORM_TERMS = ("hasTarget", "hasSource", "hasSelector", "start", "end", "exact",
                   "SpecificResource", "TextPositionSelector", "TextQuoteSelector")
_FULL_FORM = tuple(f"<{OA[x]}>".encode() for x in FULL_FORM_TERMS)


class Compacted(NamedTuple):
    """What :func:`compact_files` did to one file."""

    path: Path
    rewritten: int  #: quotes rewritten in the compact form
    left: int  #: triples of the full form left (not in the layout the rewriting knows): to convert by hand


def full_form_triples(nt: bytes) -> int:
    """How many lines of the N-Triples *nt* belong to the full form of the evidence (a property or a class of
    a target or selector).

    >>> full_form_triples(b'<https://e.org/a-target> <http://www.w3.org/ns/oa#hasSelector> <https://e.org/a-quote> .\\n')
    1
    """
    return sum(1 for line in nt.split(b"\n") if any(term in line for term in _FULL_FORM))


def turtle_files(paths) -> list[Path]:
    """The Turtle files named by *paths* (files, or folders searched for ``*.ttl``), sorted, each once.

    Raises :class:`~cppcc_kg.errors.InputError` for a path that does not exist.
    """
    found = set()
    for p in map(Path, paths):
        if p.is_dir():
            found.update(f for f in p.rglob("*.ttl") if f.is_file())
        elif p.is_file():
            found.add(p)
        else:
            raise InputError(f"{p}: no such file or folder", "name curated Turtle files or the folders that hold them.")
    return sorted(found)


def _plan(path: Path) -> tuple[Compacted, str | None]:
    text = decode_utf8(path.read_bytes(), str(path))
    new, quotes = text, full_form_quotes(text)
    if quotes:
        try:
            new = compact_turtle(text, str(path))
        except NotCompactable as exc:
            raise InputError(str(exc), "write those quotes in the compact form by hand: one annotation with "
                             "cppcc:quoteSource, quoteStart, quoteEnd and quoteExact (docs/curation.md).") from None
    left = full_form_triples(canonical_ntriples(new.encode("utf-8"), str(path))) if "oa" in new else 0
    return Compacted(path, quotes, left), (new if new != text else None)


def compact_files(paths, *, check: bool = False) -> list[Compacted]:
    """Rewrite the Turtle files of *paths* (see :func:`turtle_files`) with their quotes in the compact form; a
    :class:`Compacted` for each file that had quotes to rewrite or has full-form triples left, in order.

    With *check*, nothing is written. A file is rewritten whole, through a temporary file, or not at all; if
    one file cannot be read or rewritten safely, no file is. Raises :class:`~cppcc_kg.errors.InputError` for a
    file that is not UTF-8 or whose quotes cannot be rewritten safely, and
    :class:`~cppcc_kg.errors.TurtleSyntaxError` for a file that is not valid Turtle.
    """
    plans = [_plan(path) for path in turtle_files(paths)]
    if not check:
        for done, text in plans:
            if text is not None:
                write_atomic(done.path, text)
    return [done for done, _text in plans if done.rewritten or done.left]
