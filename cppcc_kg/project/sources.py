"""The source texts of a project: every ``cppcc:Source`` has its text, unchanged.

Each source is described in ``sources/*.ttl`` with the path of its text
(``cppcc:localPath``), its ``cppcc:sha256`` and its ``cppcc:characterCount``;
:func:`check_sources` reads every text and names every source that is missing or changed.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cppcc_kg.errors import SourceChangedError, SourceError, SourceMissingError
from cppcc_kg.rdf.namespaces import CPPCC


#: the properties of a ``cppcc:Source`` that :func:`check_sources` reads (besides its ``rdf:type``)
SOURCE_PROPERTIES = (CPPCC.localPath, CPPCC.sha256, CPPCC.characterCount)


@dataclass
class SourceText:
    """A source document: its IRI, the path of its text and the text itself."""

    iri: URIRef
    path: str
    text: str
    defined_in: list[str] = field(default_factory=list)


def local_path(path: Path | str, root: Path | str) -> str:
    """The ``cppcc:localPath`` of the text *path*: relative to the project *root*, inside it.

    Every symbolic link is resolved first, so a link inside the project to a file outside it is
    refused like the file itself. Raises :class:`~cppcc_kg.errors.SourceError` for a text outside
    the project, or whose path is not valid UTF-8 (it could not be written in Turtle).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> local_path(root / "sources" / "a.zh.txt", root)
    'sources/a.zh.txt'
    """
    path, root = Path(path), Path(root)
    shown = str(path) if str(path).isprintable() else repr(str(path))[1:-1]
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise SourceError(f"{shown}: the file name is not valid UTF-8, so its path cannot be recorded",
                          "rename the file (UTF-8 names only).") from None
    real, real_root = path.resolve(), root.resolve()
    try:
        return real.relative_to(real_root).as_posix()
    except ValueError:
        link = f" (it resolves to {real})" if real != Path(os.path.abspath(path)) else ""
        raise SourceError(
            f"{shown}{link}: the text is outside the project root {real_root}; a source's cppcc:localPath must be "
            "a path inside the project, so that the build can check the text",
            f"copy the text into the project first (for example: cp {real} {root / 'sources' / path.name}) and "
            "ingest the copy.",
        ) from None


def _value(graph: Graph, src, prop):
    vals = sorted(graph.objects(src, prop), key=str)
    return vals[0] if vals else None


def _changes(graph: Graph, src, data: bytes, text: str) -> list[str]:
    """What differs between the text of *src* and its recorded sha256 and length."""
    problems = []
    sha = hashlib.sha256(data).hexdigest()
    want_sha = _value(graph, src, CPPCC.sha256)
    if want_sha is None or str(want_sha).lower() != sha:
        problems.append(f"sha256 is {sha}, recorded {want_sha}")
    want_len = _value(graph, src, CPPCC.characterCount)
    try:
        want_len_i = int(want_len) if want_len is not None else None
    except ValueError:
        want_len_i = None
    if want_len_i != len(text):
        problems.append(f"length is {len(text)} code points, recorded {want_len}")
    return problems


def check_sources(graph: Graph, root: Path, where: Callable[[object], list[str]] | None = None
                  ) -> dict[URIRef, SourceText]:
    """Read the text of every ``cppcc:Source`` and check its sha256 and length.

    *graph* may be any rdflib graph (the project's :attr:`cppcc_kg.project.load.Project.view`
    reads the store); *where(node)* gives the files that describe a source, for messages.
    Raises :class:`SourceMissingError` or :class:`SourceChangedError` naming every
    source that is missing or changed.
    """
    root = Path(root)
    where = where or (lambda node: [])
    out: dict[URIRef, SourceText] = {}
    missing, changed = [], []
    for src in sorted(s for s in graph.subjects(RDF.type, CPPCC.Source) if isinstance(s, URIRef)):
        files = where(src)
        described = f"{src} (described in {', '.join(files) or '?'})"
        path = _value(graph, src, CPPCC.localPath)
        if path is None:
            missing.append(f"source {described} has no cppcc:localPath: add the path of its text")
            continue
        full = root / str(path)
        if not full.is_file():
            missing.append(f"source {described}: its text {path} does not exist")
            continue
        data = full.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            changed.append(f"source {described}: {path} is not valid UTF-8")
            continue
        problems = _changes(graph, src, data, text)
        if problems:
            changed.append(f"source {described}: {path} has changed: " + "; ".join(problems))
            continue
        out[src] = SourceText(src, str(path), text, files)
    if missing:
        raise SourceMissingError(
            "missing source text:\n  " + "\n  ".join(missing + changed),
            "copy the source text to the path in cppcc:localPath (see README, 'Adding a source').")
    if changed:
        raise SourceChangedError(
            "changed source text (the evidence offsets point into the recorded text):\n  " + "\n  ".join(changed),
            "restore the original file (for example from ../shared/sources/); if the change is meant, "
            "re-check every piece of evidence on it and update cppcc:sha256 and cppcc:characterCount.")
    return out
