"""The curated Turtle of a review: what the accepted proposals become, as ``docs/curation.md`` says.

:func:`plan` turns the proposals and the decisions into entities (curated IRIs from the English
name: :func:`slug_of`, :func:`allocate`), relations and figures whose ends are decided, and the
evidence on each span. :func:`render` makes the bytes of ``graph/SOURCE/entities.ttl``,
``relations.ttl``, ``observations.ttl``, ``evidence.ttl`` and ``sources/SOURCE.ttl`` (and, when the
text is not a UTF-8 file in ``sources/``, its UTF-8 copy ``sources/SOURCE.zh.txt``): sorted, each
file beginning with :data:`~cppcc_kg.ingest.files.REVIEW_MARK`. :func:`write` writes them
atomically, removes the review's files that have nothing left to hold, and refuses to overwrite a
file that the review did not write.

>>> slug_of("Beiling County CPPCC Committee")
'beiling-county-cppcc-committee'
>>> allocate("https://w3id.org/cppcc-kg/id/org/", "a", {"https://w3id.org/cppcc-kg/id/org/a"})
'https://w3id.org/cppcc-kg/id/org/a-2'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cppcc_kg.errors import KGError
from cppcc_kg.ingest.files import PROPOSED_DIR, REVIEW_MARK, written_by_review
from cppcc_kg.ingest.output import iri_ref, turtle_comment, turtle_literal
from cppcc_kg.project.curate import Curator
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.rdf.namespaces import CPPCC, KG, PREFIXES
from cppcc_kg.review.decisions import Decisions
from cppcc_kg.review.proposals import Proposals
from cppcc_kg.schema import Schema

__all__ = ["Plan", "ReviewWriteError", "allocate", "plan", "render", "slug_of", "write"]

SECTION_FILES = ("entities.ttl", "relations.ttl", "observations.ttl", "evidence.ttl")
DCTERMS = "http://purl.org/dc/terms/"


class ReviewWriteError(KGError):
    """A file the review would write exists and was not written by it (exit code 2, HTTP 409)."""

    exit_code = 2


def slug_of(name: str, max_len: int = 60) -> str:
    """Lower-case ASCII words of *name* joined by ``-`` (accents dropped), at most *max_len* characters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.replace("'", "")).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug


def allocate(namespace: str, slug: str, taken: set[str]) -> str:
    """``namespace + slug``, with ``-2``, ``-3`` … added until it is not in *taken*."""
    iri, n = namespace + slug, 1
    while iri in taken:
        n += 1
        iri = f"{namespace}{slug}-{n}"
    return iri


@dataclass
class Plan:
    """What the accepted proposals become."""

    entities: list[dict] = field(default_factory=list)  # iri, class, label_zh, label_en, spans, exacts
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, property, object)
    statements: dict[tuple[str, str, str], str] = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)  # iri, proposal, label_en, about
    evidence: dict[tuple[int, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    resolved: dict[str, str] = field(default_factory=dict)  # proposed or linked entity IRI -> IRI in the graph
    waiting: dict[str, str] = field(default_factory=dict)  # key of an accepted relation/figure -> why not written
    ready: dict[str, bool] = field(default_factory=dict)  # key of a relation/figure -> its ends are decided
    by_mention: dict[str, str] = field(default_factory=dict)  # key of an accepted/merged mention -> its IRI
    dangling: dict[str, str] = field(default_factory=dict)  # key of a merge -> a target no longer there

    @property
    def empty(self) -> bool:
        return not self.evidence


def plan(props: Proposals, decisions: Decisions, known: dict[str, str], schema: Schema,
         taken: set[str] | frozenset = frozenset()) -> Plan:
    """The entities, relations, figures and evidence of the accepted proposals.

    *known* maps the IRI of each entity of the graph (the review's own files left out) to its class;
    *taken* holds every other IRI in use in the project: new IRIs are allocated outside both.
    A merge into an entity that this review accepts joins it.
    """
    out = Plan()
    groups: dict[tuple[str, str], dict] = {}
    merges = []
    for m in sorted(props.mentions, key=lambda m: (m["start"], m["end"])):
        d = decisions.items.get(m["key"])
        if not d or d["action"] not in ("accept", "merge"):
            continue
        span = (d.get("start", m["start"]), d.get("end", m["end"]))
        if d["action"] == "merge":
            merges.append((m, d, span))
            continue
        g = groups.setdefault((d["class"], d["label_zh"]), {"class": d["class"], "label_zh": d["label_zh"],
                                                             "label_en": d["label_en"], "spans": [], "exacts": set(),
                                                             "proposed": [], "labels_en": set(), "keys": []})
        g["spans"].append(span)
        g["exacts"].add(props.text[span[0]:span[1]])
        g["proposed"].append(m["entity"])
        g["labels_en"].add(d["label_en"])
        g["keys"].append(m["key"])
    taken = set(known) | set(taken)
    for g in sorted(groups.values(), key=lambda g: (min(g["spans"]), g["label_zh"])):
        kind = schema.kind(schema.iri(g["class"]))
        g["iri"] = allocate(str(KG[kind]), slug_of(g["label_en"]) or "x", taken)
        taken.add(g["iri"])
        out.entities.append(g)
        for span in g["spans"]:
            out.evidence[span].add(g["iri"])
        for p in g["proposed"]:
            out.resolved.setdefault(p, g["iri"])
        for key in g["keys"]:
            out.by_mention[key] = g["iri"]
    own = {g["iri"]: g for g in out.entities}
    for m, d, span in merges:
        target = d.get("target")
        if target in own:  # a merge into an entity of this review: one more name of it
            own[target]["spans"].append(span)
            own[target]["exacts"].add(props.text[span[0]:span[1]])
        elif target not in known:
            out.dangling[m["key"]] = str(target)
            continue
        out.evidence[span].add(target)
        out.resolved.setdefault(m["entity"], target)
        out.by_mention[m["key"]] = target
    classes = dict(known) | {g["iri"]: schema.iri(g["class"]) for g in out.entities}
    _plan_relations(props, decisions, out, classes, schema)
    _plan_figures(props, decisions, out, classes, taken)
    return out


def _end(props: Proposals, decisions: Decisions, out: Plan, iri: str, span: tuple[int, int],
         classes: dict) -> tuple[str | None, str]:
    """(the IRI in the graph of a relation's end, why none): the end as decided for its mention in
    the sentence *span*; an entity of the graph that no mention of the sentence names stands as is."""
    inside = [m for m in props.mentions if m["entity"] == iri and span[0] <= m["start"] and m["end"] <= span[1]]
    if not inside:
        return out.resolved.get(iri) or (iri if iri in classes else None), "its ends are not accepted or merged yet"
    for m in inside:
        if m["key"] in out.by_mention:
            return out.by_mention[m["key"]], ""
    if all((decisions.items.get(m["key"]) or {}).get("action") == "reject" for m in inside):
        return None, f"its end {inside[0]['exact']} was rejected in this sentence"
    return None, "its ends are not accepted or merged yet"


def _plan_relations(props: Proposals, decisions: Decisions, out: Plan, classes: dict, schema: Schema) -> None:
    for r in props.relations:
        span = (r["start"], r["end"])
        (s, why_s), (o, why_o) = (_end(props, decisions, out, r[x], span, classes) for x in ("subject", "object"))
        out.ready[r["key"]] = s is not None and o is not None
        d = decisions.items.get(r["key"])
        if not d or d["action"] != "accept":
            continue
        if s is None or o is None:
            out.waiting[r["key"]] = why_s if s is None else why_o
            continue
        if not schema.allowed(r["property"], classes[s], classes[o]):
            out.waiting[r["key"]] = (f"{Schema.local(r['property'])} does not allow a {Schema.local(classes[s])} "
                                     f"subject and a {Schema.local(classes[o])} object (the ontology's domain and range)")
            continue
        triple = (s, r["property"], o)
        if triple not in out.statements:
            st, _ttl = Curator.statement(*triple)
            out.statements[triple] = st
            out.relations.append(triple)
        out.evidence[span].add(out.statements[triple])
    out.relations.sort()


def _plan_figures(props: Proposals, decisions: Decisions, out: Plan, classes: dict, taken: set) -> None:
    for f in props.figures:
        about, why = (_end(props, decisions, out, f["about"], (f["start"], f["end"]), classes) if f["about"]
                      else (None, "what it is about is not accepted or merged yet"))
        out.ready[f["key"]] = about is not None
        d = decisions.items.get(f["key"])
        if not d or d["action"] != "accept":
            continue
        if about is None:
            out.waiting[f["key"]] = why.replace("its ends are", "what it is about is").replace("its end", "what it is about,")
            continue
        label_en = d.get("label_en") or f["label_en"]
        measured_en = d.get("measured_en") or f["measured_en"]
        iri = allocate(str(KG["observation"]), slug_of(label_en) or "figure", taken)
        taken.add(iri)
        out.figures.append({"iri": iri, "proposal": f, "label_en": label_en, "measured_en": measured_en,
                            "about": about})
        out.evidence[(f["start"], f["end"])].add(iri)


# ---------------------------------------------------------------- Turtle

def _header(props: Proposals, what: str) -> list[str]:
    return [f"{REVIEW_MARK} from {PROPOSED_DIR}/{props.sid}.ttl and review/{props.sid}.decisions.json: {what}.",
            ("# Do not edit by hand: change the decisions with `cppcc-kg review "
            f"{turtle_comment(props.sid)}`, which writes this file again."),
            ""] + [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())] + [""]


def _entity_block(e: dict, sid: str, schema: Schema) -> list[str]:
    lines = [f"{iri_ref(e['iri'])} a {iri_ref(schema.iri(e['class']))} ;",
             f"    rdfs:label {turtle_literal(e['label_zh'], 'zh')}, {turtle_literal(e['label_en'], 'en')} ;"]
    alts = sorted(e["exacts"] - {e["label_zh"]})
    if alts:
        lines.append("    skos:altLabel " + ", ".join(turtle_literal(a, "zh") for a in alts) + " ;")
    if schema.is_a(e["class"], "Document"):
        lines.append(f"    dcterms:title {turtle_literal(e['label_zh'], 'zh')} ;")
    named = "、".join(sorted(e["exacts"]))
    lines.append(f"    rdfs:comment {turtle_literal(f'Named in {sid} as “{named}”; accepted in review.', 'en')} .")
    return lines


def _figure_block(f: dict) -> list[str]:
    p = f["proposal"]
    lines = [f"{iri_ref(f['iri'])} a cppcc:Observation ;",
             f"    rdfs:label {turtle_literal(p['label_zh'], 'zh')}, {turtle_literal(f['label_en'], 'en')} ;"]
    for prop, value in p["triples"]:
        if URIRef(prop) in (RDF.type, RDFS.label, CPPCC.observationAbout):
            continue
        if URIRef(prop) == CPPCC.measuredProperty and getattr(value, "language", None) == "en":
            value = Literal(f["measured_en"], lang="en")
        lines.append(f"    {iri_ref(prop)} {value.n3()} ;")
    lines.append(f"    cppcc:observationAbout {iri_ref(f['about'])} .")
    return lines


def render(props: Proposals, the_plan: Plan, schema: Schema, root: Path) -> dict[str, bytes]:
    """{path relative to *root*: bytes} of every file the review writes for *the_plan* (none when it is empty)."""
    if the_plan.empty:
        return {}
    sid, files = props.sid, {}
    ent = _header(props, "the accepted entities")
    for e in sorted(the_plan.entities, key=lambda e: e["iri"]):
        ent += _entity_block(e, sid, schema) + [""]
    files[f"graph/{sid}/entities.ttl"] = ent
    if the_plan.relations:
        rel = _header(props, "the accepted relations, each with its statement")
        for triple in the_plan.relations:
            rel += Curator.statement(*triple)[1].splitlines() + [""]
        files[f"graph/{sid}/relations.ttl"] = rel
    if the_plan.figures:
        obs = _header(props, "the accepted figures")
        for f in sorted(the_plan.figures, key=lambda f: f["iri"]):
            obs += _figure_block(f) + [""]
        files[f"graph/{sid}/observations.ttl"] = obs
    text_path, text_bytes = _text_file(props, root)
    curator = Curator.from_text(sid, props.text)
    ev = _header(props, "evidence, one annotation per span, sorted by start")
    for start, end in sorted(the_plan.evidence):
        ev += curator.annotation(start, end, sorted(the_plan.evidence[(start, end)])).splitlines() + [""]
    files[f"graph/{sid}/evidence.ttl"] = ev
    files[f"sources/{sid}.ttl"] = _source_lines(props, text_path, text_bytes)
    out = {path: ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8") for path, lines in files.items()}
    if text_path != props.source["path"]:
        out[text_path] = text_bytes
    for path, data in out.items():
        if path.endswith(".ttl"):
            Graph().parse(data=data.decode("utf-8"), format="turtle")  # a self-check: never write a broken file
    return out


def _text_file(props: Proposals, root: Path) -> tuple[str, bytes]:
    """(path, bytes) of the text as the curated source: the ingested file when it is UTF-8 (no BOM) in
    ``sources/``, else a UTF-8 copy ``sources/SOURCE.zh.txt``."""
    path = props.source["path"]
    data = (Path(root) / path).read_bytes()
    if path.startswith("sources/") and not data.startswith(b"\xef\xbb\xbf"):
        try:
            if data.decode("utf-8") == props.text:
                return path, data
        except UnicodeDecodeError:
            pass
    copy = f"sources/{props.sid}.zh.txt"
    if copy == path:
        copy = f"sources/{props.sid}.utf-8.zh.txt"
    return copy, props.text.encode("utf-8")


def _source_lines(props: Proposals, text_path: str, data: bytes) -> list[str]:
    src = props.source
    origin = "" if text_path == src["path"] else f" Copied in UTF-8 from {src['path']} ({src['encoding']})."
    comment = ("Described by cppcc-kg review from the proposals of ingest." + origin
               + " Offsets are 0-based, end-exclusive Unicode code points.")
    return _header(props, "the source description") + [
        f"{iri_ref(src['iri'])} a cppcc:Source ;",
        f"    dcterms:title {turtle_literal(src['title'], 'zh')} ;",
        f"    dcterms:language {turtle_literal(src['language'])} ;",
        f"    dcterms:format {turtle_literal('text/plain; charset=utf-8')} ;",
        f"    cppcc:localPath {turtle_literal(text_path)} ;",
        f"    cppcc:characterCount {len(data.decode('utf-8'))} ;",
        f"    cppcc:sha256 {turtle_literal(hashlib.sha256(data).hexdigest())} ;",
        f"    rdfs:comment {turtle_literal(comment, 'en')} ."]


def owned_paths(sid: str) -> list[str]:
    """The paths (relative to the root) of the Turtle files the review writes for *sid*."""
    return [f"graph/{sid}/{name}" for name in SECTION_FILES] + [f"sources/{sid}.ttl"]


def text_copies(sid: str) -> list[str]:
    """The paths of the UTF-8 copy of the text that the review may write (:func:`render`)."""
    return [f"sources/{sid}.zh.txt", f"sources/{sid}.utf-8.zh.txt"]


def check_inside(root: Path, rels) -> None:
    """Refuse (:class:`ReviewWriteError`) a path that leads outside *root* once symbolic links are resolved."""
    top = Path(root).resolve()
    for rel in sorted(rels):
        real = (Path(root) / rel).resolve()
        if not real.is_relative_to(top):
            raise ReviewWriteError(f"{rel} leads outside the project (to {real}, through a symbolic link): "
                                   "the review writes and removes files inside the project only",
                                   f"replace the link on the way to {rel} by a folder of the project.")


def check_writable(root: Path, files: dict[str, bytes], sid: str) -> None:
    """Refuse (:class:`ReviewWriteError`) when a file to write or remove exists and the review did not write it,
    or leads outside the project."""
    check_inside(root, set(files) | set(owned_paths(sid)) | set(text_copies(sid)) | {f"review/{sid}.decisions.json"})
    for rel in sorted(set(files) | set(owned_paths(sid))):
        path = Path(root) / rel
        if not path.exists() or rel in files and path.read_bytes() == files[rel]:
            continue
        if rel.endswith(".ttl") and written_by_review(path):
            continue
        if rel not in files:
            continue  # a file of ours to remove that is not ours: left alone
        raise ReviewWriteError(f"{rel} exists and was not written by cppcc-kg review (its first line is not "
                               f"'{REVIEW_MARK} …'): the review never overwrites a curated file",
                               "review the text under another source id (cppcc-kg ingest TEXT --source-id NEW); "
                               "never move a curated file away for it.")


def write(root: Path, files: dict[str, bytes], sid: str) -> list[str]:
    """Write *files* atomically (after :func:`check_writable`) and remove the review's own files that
    *files* no longer holds; return the paths written."""
    check_writable(root, files, sid)
    old_copy = _copy_described(Path(root) / f"sources/{sid}.ttl")
    for rel in sorted(files):
        path = Path(root) / rel
        if not (path.exists() and path.read_bytes() == files[rel]):
            write_atomic(path, files[rel])
    for rel in owned_paths(sid):
        path = Path(root) / rel
        if rel not in files and path.exists() and written_by_review(path):
            path.unlink()
    if old_copy in text_copies(sid) and old_copy not in files and (Path(root) / old_copy).is_file():
        (Path(root) / old_copy).unlink()  # the UTF-8 copy that the removed source description pointed to
    folder = Path(root) / "graph" / sid
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return sorted(files)


def _copy_described(path: Path) -> str:
    """The ``cppcc:localPath`` of the review's own source description *path* ("" when there is none)."""
    if not written_by_review(path):
        return ""
    m = re.search(r'cppcc:localPath "([^"]*)"', path.read_text(encoding="utf-8"))
    return m.group(1) if m else ""
