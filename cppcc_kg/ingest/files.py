"""Where ingest reads and writes: the text's path in the project, its source id, and the two outputs.

* The text must lie inside the project root once every symbolic link is resolved: its
  ``cppcc:localPath`` is recorded relative to the root (:func:`cppcc_kg.project.sources.local_path`),
  so that the build can check it later, and ingest never reads a file elsewhere through a link.
* The source id comes from the file name (:func:`source_id_for`); a name without a letter, digit or
  Chinese character gives none, and ingest asks for ``--source-id``.
* The outputs of a source id are ``graph/proposed/SOURCE.ttl`` (the proposals) and
  ``review/SOURCE.html`` (the review page, outside ``build/``, which every build replaces).
  An id is taken by the text its proposals were made from (their ``cppcc:sha256``): ingesting
  another text under it is refused (:func:`check_id_is_free`), the same text again updates them.

>>> source_id_for(Path("nmg-cppcc-2023-innovation-review.zh.txt")), source_id_for(Path("Dev_02.TXT"))
('nmg-cppcc-2023-innovation-review', 'dev-02')
>>> output_paths(Path("proj"), "dev-02")
(PosixPath('proj/graph/proposed/dev-02.ttl'), PosixPath('proj/review/dev-02.html'))
"""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from cppcc_kg.ingest.link import slugify
from cppcc_kg.ingest.text import IngestInputError
from cppcc_kg.rdf.namespaces import CPPCC, KG

__all__ = ["PROPOSED_DIR", "REVIEW_DIR", "REVIEW_MARK", "check_id_is_free", "output_paths", "source_id_for",
           "written_by_review"]

#: the proposals of ingest, relative to the project root (the build leaves them out)
PROPOSED_DIR = "graph/proposed"
#: the review pages (and, later, the decisions of a review), relative to the project root: not under
#: ``build/``, which every build replaces as a whole
REVIEW_DIR = "review"
#: what a source id is made of
SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def source_id_for(path: Path) -> str:
    """The source id of a file: its name without ``.txt``/``.zh``, as lower-case ASCII (pinyin for Chinese).

    Raises :class:`~cppcc_kg.ingest.text.IngestInputError` when the name has no letter, digit or
    Chinese character to make an id of (``..txt``, ``！！.txt``).

    >>> source_id_for(Path("A_B_C.TXT")), source_id_for(Path("a b c.txt")), source_id_for(Path("政协报告.txt"))
    ('a-b-c', 'a-b-c', 'zheng-xie-bao-gao')
    """
    name = re.sub(r"(\.zh)?\.(txt|text)$", "", path.name, flags=re.IGNORECASE)
    if name.isascii():
        sid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    else:
        sid = slugify(name)
        if sid == "x" and "x" not in name.lower():  # slugify's stand-in for a name it could not read
            sid = ""
    if not SOURCE_ID.fullmatch(sid):
        raise IngestInputError(
            f"{_shown(path)}: the file name gives no source id (it has no Latin letter, digit or Chinese character)",
            "pass --source-id with an id of lower-case ASCII letters, digits and '-', or rename the file.")
    return sid


def output_paths(root: Path, sid: str) -> tuple[Path, Path]:
    """The proposals and the review page of the source id *sid* in the project *root*."""
    return Path(root) / PROPOSED_DIR / f"{sid}.ttl", Path(root) / REVIEW_DIR / f"{sid}.html"


def check_id_is_free(root: Path, sid: str, sha256: str, path: str) -> list[str]:
    """Refuse to write the proposals of the text *path* (its *sha256*) over those of another text.

    The proposals already made for *sid* say which text they come from (``cppcc:localPath`` and
    ``cppcc:sha256`` of their source): a different text is refused, naming both files; the same text
    is an update. Returns notes for the user (an update from another path).
    """
    ttl, _page = output_paths(root, sid)
    if not ttl.exists():
        return []
    rel = ttl.relative_to(root).as_posix()
    src = KG["source"][sid]
    g = Graph()
    try:
        g.parse(ttl, format="turtle")
    except Exception:  # noqa: BLE001 - any parse failure means the file is not ingest's as it wrote it
        g = Graph()
    recorded = [str(o) for o in g.objects(src, CPPCC.sha256) if isinstance(o, Literal)]
    other_path = next((str(o) for o in g.objects(src, CPPCC.localPath)), "?")
    if (src, RDF.type, CPPCC.Source) not in g or len(recorded) != 1:
        raise IngestInputError(
            f"{path}: its source id {sid!r} is taken by {rel}, which does not say which text it was proposed from "
            f"(no single cppcc:sha256 of {src})",
            f"pass --source-id with another id, or move {rel} away if it is no longer wanted.")
    if recorded[0].lower() != sha256:
        raise IngestInputError(
            f"{path} and {other_path} both give the source id {sid!r}: {rel} holds the proposals for {other_path}, "
            f"a different text (sha256 {recorded[0][:12]}…, this one {sha256[:12]}…); ingest will not overwrite them",
            f"pass --source-id with another id (for example {sid}-2), or remove {rel} if its proposals are no longer wanted.")
    if other_path != path:
        return [f"updates the proposals of the same text (sha256) ingested from {other_path}"]
    return []


def _shown(path: Path) -> str:
    """*path* as a message shows it: undecodable bytes and control characters escaped."""
    return str(path) if str(path).isprintable() else repr(str(path))[1:-1]


# ---------------------------------------------------------------- files written by the review

#: the first line of every file that ``cppcc-kg review`` writes (a file without it is never overwritten)
REVIEW_MARK = "# Written by `cppcc-kg review`"


def written_by_review(path: Path) -> bool:
    """Whether the file *path* was written by ``cppcc-kg review`` (its first line is :data:`REVIEW_MARK`)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().startswith(REVIEW_MARK)
    except (OSError, UnicodeDecodeError):
        return False
