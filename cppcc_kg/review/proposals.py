"""Reading what ingest proposed for one source: ``graph/proposed/SOURCE.ttl`` and the text it was made from.

The proposal file is the interface with ingest (:mod:`cppcc_kg.ingest.output`); it is read as RDF, so
that properties ingest may add later are ignored. What a review decides on:

* **mentions**: each ``oa:identifying`` annotation, one per span: ``new`` when its body is a proposed
  entity (``cppcc:proposed true``), ``linked`` when it is an entity of the graph;
* **relations**: each proposed ``rdf:Statement``, with its ``oa:describing`` sentence;
* **figures**: each proposed ``cppcc:Observation``, with its sentence.

Each has a *key* made of its kind, its span and what it says (:func:`mention_key` …): the decisions
(:mod:`cppcc_kg.review.decisions`) are kept under it, so a new ingest of the same text finds them again.

>>> mention_key(3, 8, "测试市政协")
'mention 3-8 测试市政协'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.errors import KGError
from cppcc_kg.ingest.files import PROPOSED_DIR, SOURCE_ID, output_paths, source_id_for
from cppcc_kg.ingest.output import PROPOSED
from cppcc_kg.ingest.text import IngestInputError, read_text_file
from cppcc_kg.project.sources import local_path
from cppcc_kg.rdf.namespaces import CPPCC, KG, OA
from cppcc_kg.schema import local_name

__all__ = ["Proposals", "ReviewInputError", "figure_key", "ids_of_text", "load_proposals", "mention_key",
           "other_ids_of_text", "relation_key", "resolve_source_id"]


_LOCAL = re.compile(r'cppcc:localPath "([^"\\]*)"')
_SHA = re.compile(r'cppcc:sha256 "([0-9a-fA-F]{64})"')


class ReviewInputError(KGError):
    """A source id, proposal file, text or decisions file that the review cannot use (exit code 2)."""

    exit_code = 2


def mention_key(start: int, end: int, exact: str) -> str:
    return f"mention {start}-{end} {exact}"


def relation_key(start: int, end: int, subject: str, prop: str, obj: str) -> str:
    """The key of a relation: its sentence's span, its property and the Chinese labels of its ends."""
    return f"relation {start}-{end} {subject} {prop} {obj}"


def figure_key(start: int, end: int, label: str) -> str:
    return f"figure {start}-{end} {label}"


@dataclass
class Proposals:
    """What ingest proposed for the source *sid*, and the text (decoded) its offsets point into."""

    sid: str
    path: Path  # the proposal file
    source: dict  # iri, title, path, sha256, characters, encoding, language
    text: str
    mentions: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)

    def by_key(self) -> dict[str, dict]:
        return {p["key"]: p for p in self.mentions + self.relations + self.figures}


def resolve_source_id(root: Path, arg: str) -> str:
    """The source id of *arg*: a source id with proposals, or the path of a text that was ingested."""
    root = Path(root)
    if SOURCE_ID.fullmatch(arg) and output_paths(root, arg)[0].exists():
        return arg
    path = Path(arg)
    if path.suffix.lower() in (".txt", ".text") or path.exists():
        ids = ids_of_text(root, path)
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise ReviewInputError(f"{arg}: proposed under several source ids ({', '.join(ids)})",
                                   "review it by one source id; remove the proposals of the others "
                                   f"({PROPOSED_DIR}/ID.ttl): one text, one source id.")
        try:
            sid = source_id_for(path)
        except IngestInputError as exc:
            raise ReviewInputError(exc.message, exc.hint) from None
        if output_paths(root, sid)[0].exists():
            return sid
        raise ReviewInputError(f"{arg}: no proposals for it ({PROPOSED_DIR}/{sid}.ttl does not exist)",
                               f"run 'cppcc-kg ingest {arg}' first.")
    have = sorted(p.stem for p in (root / PROPOSED_DIR).glob("*.ttl"))
    raise ReviewInputError(f"{arg!r}: no proposals for this source id ({PROPOSED_DIR}/{arg}.ttl does not exist)",
                           "give a source id that ingest wrote proposals for"
                           + (f" ({', '.join(have[:10])})" if have else "") + ", or the path of the ingested text.")


def _described(path: Path) -> tuple[str, str]:
    """(``cppcc:localPath``, ``cppcc:sha256``) written in the Turtle file *path* ("" for what it lacks)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "", ""
    local, sha = _LOCAL.search(text), _SHA.search(text)
    return (local.group(1) if local else ""), (sha.group(1).lower() if sha else "")


def ids_of_text(root: Path, path: Path) -> list[str]:
    """The source ids whose proposals were made from the text *path* (their ``cppcc:localPath``)."""
    try:
        rel = local_path(path, root)
    except KGError:
        return []
    return sorted(p.stem for p in (Path(root) / PROPOSED_DIR).glob("*.ttl") if _described(p)[0] == rel)


def other_ids_of_text(root: Path, props: Proposals) -> list[str]:
    """The files (relative) of other source ids that describe the text of *props* (same path or sha256)."""
    root = Path(root)
    out = []
    for p in sorted((root / PROPOSED_DIR).glob("*.ttl")) + sorted((root / "sources").glob("*.ttl")):
        if p.stem == props.sid:
            continue
        local, sha = _described(p)
        if local == props.source["path"] or sha == props.source["sha256"]:
            out.append(p.relative_to(root).as_posix())
    return out


def _one(g: Graph, s, p) -> str:
    vals = sorted(str(o) for o in g.objects(s, p))
    return vals[0] if vals else ""


def _lang(g: Graph, s, p, lang: str) -> str:
    vals = sorted(str(o) for o in g.objects(s, p) if isinstance(o, Literal) and (o.language or "") == lang)
    return vals[0] if vals else ""


def _is_proposed(g: Graph, s) -> bool:
    return any(isinstance(o, Literal) and o.toPython() is True for o in g.objects(s, CPPCC.proposed))


def _cls(g: Graph, s) -> str:
    """The class (local name) of the proposed entity *s*."""
    own = sorted(local_name(o) for o in g.objects(s, RDF.type) if str(o).startswith(str(CPPCC)))
    return own[0] if own else ""


def _annotations(g: Graph) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, motivation local name, bodies) of every annotation with its offsets (the compact form of the
    evidence: ``cppcc:quoteStart`` and ``cppcc:quoteEnd`` on the annotation)."""
    out = []
    for a in g.subjects(RDF.type, OA.Annotation):
        motivation = local_name(_one(g, a, OA.motivatedBy))
        start, end = g.value(a, CPPCC.quoteStart), g.value(a, CPPCC.quoteEnd)
        if start is not None and end is not None:
            out.append((int(start), int(end), motivation, sorted(str(b) for b in g.objects(a, OA.hasBody))))
    return sorted(out)


def _source(g: Graph, sid: str, rel: str) -> dict:
    src = KG["source"][sid]
    if (src, RDF.type, CPPCC.Source) not in g:
        raise ReviewInputError(f"{rel}: it describes no source {src}", "run 'cppcc-kg ingest' on the text again.")
    fmt = _one(g, src, URIRef("http://purl.org/dc/terms/format"))
    m = re.search(r"charset=([\w-]+)", fmt)
    return {"id": sid, "iri": str(src), "title": _lang(g, src, URIRef("http://purl.org/dc/terms/title"), "zh"),
            "path": _one(g, src, CPPCC.localPath), "sha256": _one(g, src, CPPCC.sha256).lower(),
            "characters": int(_one(g, src, CPPCC.characterCount) or 0), "encoding": m.group(1) if m else "utf-8",
            "language": _one(g, src, URIRef("http://purl.org/dc/terms/language")) or "zh-Hans"}


def load_proposals(root: Path, sid: str) -> Proposals:
    """The proposals of *sid* in the project *root*, with the text (checked against the proposals' sha256)."""
    root = Path(root)
    path = output_paths(root, sid)[0]
    rel = path.relative_to(root).as_posix()
    if not path.exists():
        raise ReviewInputError(f"{rel}: no proposals for the source id {sid!r}", "run 'cppcc-kg ingest TEXT' first.")
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - any parse error: the file is not as ingest wrote it
        raise ReviewInputError(f"{rel}: not readable as Turtle ({exc})",
                               "run 'cppcc-kg ingest' on the text again.") from None
    source = _source(g, sid, rel)
    try:
        decoded = read_text_file(root / source["path"])
    except IngestInputError as exc:
        raise ReviewInputError(f"{rel}: its text {source['path']}: {exc.message}", exc.hint) from None
    if decoded.sha256 != source["sha256"]:
        raise ReviewInputError(f"{source['path']} changed since ingest made {rel} (its sha256 is not the one recorded)",
                               f"run 'cppcc-kg ingest {source['path']}' again (remove {rel} first if the text "
                               "is meant to change), then review.")
    props = Proposals(sid, path, source, decoded.text)
    _read(g, props)
    return props


def _read(g: Graph, props: Proposals) -> None:
    text = props.text
    sentences: dict[str, tuple[int, int]] = {}
    seen: set[tuple[int, int]] = set()
    for start, end, motivation, bodies in _annotations(g):
        if not (0 <= start < end <= len(text)):
            raise ReviewInputError(f"{props.path.name}: an annotation at {start}-{end} is outside the text "
                                   f"({len(text)} characters)", "run 'cppcc-kg ingest' on the text again.")
        if motivation != "identifying":
            for b in bodies:
                sentences.setdefault(b, (start, end))
            continue
        if (start, end) in seen or not bodies:
            continue
        seen.add((start, end))
        body = URIRef(bodies[0])
        new = body.startswith(PROPOSED) and _is_proposed(g, body)
        props.mentions.append({
            "kind": "mention", "key": mention_key(start, end, text[start:end]), "start": start, "end": end,
            "exact": text[start:end], "status": "new" if new else "linked", "entity": str(body),
            "class": _cls(g, body) if new else "", "label_zh": _lang(g, body, RDFS.label, "zh") if new else "",
            "label_en": _lang(g, body, RDFS.label, "en") if new else ""})
    _read_relations(g, props, sentences)
    _read_figures(g, props, sentences)


def _label_of(g: Graph, props: Proposals, iri: str, known_labels: dict[str, str]) -> str:
    return _lang(g, URIRef(iri), RDFS.label, "zh") or known_labels.get(iri, "") or iri.rsplit("/", 1)[-1]


def _read_relations(g: Graph, props: Proposals, sentences: dict) -> None:
    mention_labels = {m["entity"]: m["exact"] for m in props.mentions}
    for st in sorted(set(g.subjects(RDF.type, RDF.Statement)), key=str):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        if s is None or p is None or o is None or str(st) not in sentences:
            continue
        start, end = sentences[str(st)]
        sl, ol = _label_of(g, props, str(s), mention_labels), _label_of(g, props, str(o), mention_labels)
        props.relations.append({
            "kind": "relation", "key": relation_key(start, end, sl, local_name(p), ol), "start": start, "end": end,
            "exact": props.text[start:end], "subject": str(s), "property": str(p), "object": str(o),
            "subject_label": sl, "property_label": local_name(p), "object_label": ol})
    props.relations.sort(key=lambda r: (r["start"], r["key"]))


def _read_figures(g: Graph, props: Proposals, sentences: dict) -> None:
    mention_labels = {m["entity"]: m["exact"] for m in props.mentions}
    for obs in sorted(set(g.subjects(RDF.type, CPPCC.Observation)), key=str):
        if str(obs) not in sentences:
            continue
        start, end = sentences[str(obs)]
        label = _lang(g, obs, RDFS.label, "zh")
        about = str(g.value(obs, CPPCC.observationAbout) or "")
        triples = sorted((str(p), o) for p, o in g.predicate_objects(obs) if p not in (CPPCC.proposed,))
        props.figures.append({
            "kind": "figure", "key": figure_key(start, end, label), "start": start, "end": end,
            "exact": props.text[start:end], "iri": str(obs), "label_zh": label,
            "label_en": _lang(g, obs, RDFS.label, "en"), "measured_en": _lang(g, obs, CPPCC.measuredProperty, "en"),
            "about": about,
            "about_label": _label_of(g, props, about, mention_labels) if about else "", "triples": triples})
    props.figures.sort(key=lambda f: (f["start"], f["key"]))
