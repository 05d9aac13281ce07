"""Queries kept in files: one ``.rq`` file, or a folder of them with the question each answers.

The library of ``queries/`` is what the query page of ``cppcc-kg serve`` offers as
examples and what the tests run on every store.
"""
from __future__ import annotations

from pathlib import Path

from cppcc_kg.sparql.guard import QueryError


def read_query(sparql) -> tuple[str, str]:
    """``(text, source name)`` of a query given as text or as a path to a ``.rq`` file."""
    if isinstance(sparql, Path):
        try:
            return sparql.read_text(encoding="utf-8"), str(sparql)
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{sparql}: cannot read the query ({exc})") from None
    return str(sparql), "query"


def query_library(folder: str | Path = "queries") -> list[dict]:
    """The queries of a folder of ``.rq`` files, with the question each states in its header.

    A file starts with comment lines ``# en: question``, ``# zh: 问题`` and
    optional notes (``# …``). Returns ``[{"name", "en", "zh", "note", "text"}]``
    sorted by file name.
    """
    out = []
    for path in sorted(Path(folder).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        entry = {"name": path.name, "en": "", "zh": "", "note": "", "text": text}
        notes = []
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            body = line[1:].strip()
            key, sep, value = body.partition(":")
            if sep and key.strip() in ("en", "zh") and not entry[key.strip()]:
                entry[key.strip()] = value.strip()
            elif body:
                notes.append(body)
        entry["note"] = " ".join(notes)
        out.append(entry)
    return out
