"""Ingest a new document: propose entities, links, relations and figures with evidence, for review.

``cppcc-kg ingest PATH.txt`` reads a text (UTF-8, UTF-16 with a BOM, or GB18030/GBK),
registers it as a source (title, language, sha256, length), finds the mentions of
organizations, places, programmes, mechanisms, documents and events, links them to the
entities of the graph or proposes new ones, proposes the relations that its sentences
state and the figures it gives, and writes

* ``graph/proposed/SOURCE.ttl``: the proposals, marked ``cppcc:proposed true`` (the build
  ignores ``graph/proposed/``: nothing is part of the graph until a curator moves it);
* ``review/SOURCE.html``: the text with every mention highlighted, and the proposals (outside
  ``build/``, which every build replaces).

Nothing else is written. The pieces live in their own modules: reading and normalising
(:mod:`cppcc_kg.ingest.text`), the classes of the ontology (:mod:`cppcc_kg.ingest.classes`, a view of
:class:`cppcc_kg.schema.Schema`) and the lexicon (:mod:`cppcc_kg.ingest.lexicon`), the names of the graph
(:mod:`cppcc_kg.ingest.known`), mentions (:mod:`cppcc_kg.ingest.patterns`), links
(:mod:`cppcc_kg.ingest.link`), relations and figures (:mod:`cppcc_kg.ingest.relations`)
and the outputs (:mod:`cppcc_kg.ingest.output`).

>>> from pathlib import Path
>>> from rdflib import Graph
>>> g = Graph().parse(Path(__file__).parents[2] / "ontology.ttl")
>>> r = ingest(g, "2023年7月，锡林郭勒盟政协印发《工作方案》。", source_id="demo")
>>> [(m["exact"], m["class"], m["status"]) for m in r["mentions"]]
[('锡林郭勒盟政协', 'CPPCCCommittee', 'new'), ('《工作方案》', 'Plan', 'new')]
>>> [(r2["property"], r2["pattern"]) for r2 in r["relations"]]
[('issued', 'X印发《Y》')]
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from cppcc_kg.errors import SourceChangedError
from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.files import (
    REVIEW_MARK,
    SOURCE_ID,
    check_id_is_free,
    output_paths,
    source_id_for,
    written_by_review,
)
from cppcc_kg.ingest.known import known_entities
from cppcc_kg.ingest.link import Linker, Mention, NewEntity
from cppcc_kg.ingest.merge import PARTS, choose_recognizers
from cppcc_kg.ingest.output import PROPOSED, statement_iri, to_html, to_turtle
from cppcc_kg.ingest.patterns import MentionFinder
from cppcc_kg.ingest.relations import (
    UNITS_EN,
    dates_in,
    find_figures,
    name_relations,
    sentence_relations,
)
from cppcc_kg.ingest.text import (
    DecodedText,
    IngestInputError,
    NormalizedText,
    is_cjk,
    normalize,
    read_text_file,
    sentence_norm_spans,
    split_sentences,
)
from cppcc_kg.project.load import load
from cppcc_kg.project.sources import local_path
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.rdf.namespaces import CPPCC, KG

#: default limit on the length of a text (code points): a document to review, not a corpus
MAX_CHARS = 1_000_000


class Ingester:
    """What ingest reads from a graph once (schema, names, segmenter), to ingest many texts."""

    def __init__(self, graph: Graph, *, recognizers=None, gazetteer: str | Path | None = None):
        """*recognizers*: the parts of the recognizer to use (see :func:`cppcc_kg.ingest.merge.choose_recognizers`:
        names of :data:`cppcc_kg.ingest.merge.PARTS`, or None for the default); *gazetteer*: the path of the
        table of divisions (default: jionlp's, when installed)."""
        self.schema = LocalSchema.from_graph(graph)
        if "Entity" not in self.schema.classes:
            raise IngestInputError("the graph has no ontology (no cppcc:Entity class)",
                                   "run ingest in the project root, where ontology.ttl is.")
        self.recognizers = choose_recognizers(recognizers, gazetteer)
        self.known = known_entities(graph, self.schema)
        self.linker = Linker(self.schema, self.known)
        self.finder = MentionFinder(self.schema, self.linker.dictionary(), recognizers=self.recognizers)

    def run(self, text: str, *, source_id: str, title: str | None = None, path: str = "", encoding: str = "utf-8",
            sha256: str = "", notes: list[str] | None = None) -> dict:
        """Ingest *text*: see :func:`ingest`."""
        schema = self.schema
        nt = normalize(text)
        cands = self.finder.find(nt)
        mentions, new, ctx = self.linker.link(nt, cands)
        classes = {iri: e.cls for iri, e in self.known.items()}
        classes.update({e.iri: e.cls for e in new})
        labels = {iri: e.label_zh for iri, e in self.known.items()}
        labels.update({e.iri: e.label_zh for e in new})
        relations = self._relations(nt, mentions, ctx, classes)
        figures, observations = self._figures(nt, mentions, ctx, source_id, classes)
        title = title or guess_title(text) or source_id
        language = "zh-Hant" if nt.traditional > max(10, len(text) // 50) else "zh-Hans"
        src_iri = str(KG["source"][source_id])
        comment = (f"Registered by cppcc-kg ingest: {len(text)} code points, decoded as {encoding}. "
                   f"Offsets are 0-based, end-exclusive Unicode code points of the decoded text.")
        out_mentions = [asdict(m) for m in sorted(mentions, key=lambda m: (m.start, -m.end))]
        for m in out_mentions:
            m["class"] = classes.get(m["entity"], m.pop("cls")) if m["status"] == "linked" else m.pop("cls")
            m.pop("cls", None)
        return {
            "source": {"id": source_id, "iri": src_iri, "title": title, "language": language, "encoding": encoding,
                       "sha256": sha256, "characters": len(text), "path": path, "comment": comment},
            "text": text,
            "sentences": [list(s) for s in split_sentences(nt)],
            "mentions": out_mentions,
            "entities": [self._entity(e, source_id) for e in new],
            "relations": relations,
            "figures": figures,
            "observations": observations,
            "context": ctx,
            "recognizers": [p for p in PARTS if p in self.recognizers.parts],
            "notes": _context_notes(notes, ctx),
            "classes": {c: info.iri for c, info in schema.classes.items()},
            "colors": {c: info.color for c, info in schema.classes.items()},
            "class_order": {c: info.order for c, info in schema.classes.items()},
            "class_labels": {c: info.label_zh for c, info in schema.classes.items()},
            "labels": labels,
        }

    def _relations(self, nt: NormalizedText, mentions: list[Mention], ctx: dict, classes: dict) -> list[dict]:
        """The relations stated by the sentences and carried by the names, each once."""
        # names of the entities of this document, for relations carried by names
        entity_of_name: dict[str, str] = {}
        for m in mentions:
            if m.entity and not m.nested:
                entity_of_name.setdefault(m.name, m.entity)
                entity_of_name.setdefault(self.linker.resolve_relative(m.name, ctx), m.entity)
        for key, iris in self.linker.names.items():
            if len(iris) == 1:
                entity_of_name.setdefault(key, iris[0])
        rels = sentence_relations(self.schema, nt, mentions, classes)
        rels += name_relations(self.schema, nt, mentions, classes, entity_of_name)
        seen = set()
        relations = []
        for r in sorted(rels, key=lambda r: (r.start, r.subject, r.prop, r.object)):
            k = (r.subject, r.prop, r.object)
            if k in seen:
                continue
            seen.add(k)
            relations.append({
                "subject": r.subject, "property": r.prop, "property_iri": self.schema.property_iris[r.prop],
                "object": r.object, "statement": statement_iri(r.subject, r.prop, r.object),
                "start": r.start, "end": r.end, "pattern": r.pattern})
        return relations

    def _entity(self, e: NewEntity, source_id: str) -> dict:
        """A proposed entity, as the result lists it."""
        ms = sorted(e.mentions, key=lambda m: m.start)
        comment_e = (f"Proposed by ingest from {len(ms)} mention(s) in {source_id} (first: “{ms[0].exact}” at "
                     f"{ms[0].start}); class {e.cls} from its form ({ms[0].rule}). To review: class, labels, "
                     f"and whether it is an entity of the graph already.")
        if e.note:
            comment_e += f" Note: {e.note}."
        d = {"iri": e.iri, "class": e.cls, "label_zh": e.label_zh, "label_en": e.label_en, "kind": e.kind,
             "mentions": [[m.start, m.end] for m in ms], "first": ms[0].start, "note": e.note,
             "comment": comment_e}
        if self.schema.is_a(e.cls, "Document"):
            d["title"] = e.label_zh
        return d

    def _figures(self, nt, mentions, ctx, source_id: str, classes: dict) -> tuple[list[dict], list[dict]]:
        """Figures of the text; an Observation is proposed when the sentence names what it is about and a date."""
        norm = nt.norm
        figures: list[dict] = []
        observations: list[dict] = []
        sentences = sentence_norm_spans(nt)
        sent_starts = [a for a, _b in sentences]
        top = sorted((m for m in mentions if not m.nested and m.entity), key=lambda m: m.start)
        top_starts = [m.start for m in top]
        all_dates = dates_in(norm)
        date_starts = [d[0] for d in all_dates]
        for f in find_figures(norm):
            start, end = nt.span(f.i, f.j)
            k = bisect_right(sent_starts, f.i) - 1
            sent = sentences[k] if k >= 0 and sentences[k][0] <= f.i < sentences[k][1] else (f.i, f.j)
            sa, sb = nt.span(*sent)
            d = {"start": start, "end": end, "text": nt.text[start:end], "value": f.value, "qualifier": f.qualifier,
                 "unit": f.unit, "observation": ""}
            # what it is about: the nearest body or programme named before it in its sentence
            about = None
            for m in top[bisect_left(top_starts, sa): bisect_left(top_starts, start)]:
                if sa <= m.start and m.end <= start:
                    c = classes.get(m.entity, m.cls)
                    if not (self.schema.is_a(c, "Place") or self.schema.is_a(c, "Person")):
                        about = m
            # the date: the last date before it in the sentence, else none
            date = None
            for (i, j, iso, prec) in all_dates[bisect_left(date_starts, sent[0]): bisect_left(date_starts, f.i)]:
                if sent[0] <= i and j <= f.i:
                    date = (iso, prec)
            measured = re.split(r"[，。；、：！？]", norm[f.j: sent[1]])[0][:16] or norm[sent[0]: f.i][-12:]
            if about is None:
                d["why_not"] = "no body or programme named before it in its sentence"
            elif date is None:
                d["why_not"] = "no date in its sentence"
            else:
                d["about"], d["date"] = about.entity, date[0]
                iri = f"{PROPOSED}observation/{source_id}-{start}-{end}"
                d["observation"] = iri
                observations.append({
                    "iri": iri, "label_zh": nt.text[start:end] if not measured else f"{measured}{nt.text[start:end]}",
                    "label_en": f"{f.value} {UNITS_EN.get(f.unit, f.unit)} [proposed: English to review]",
                    "measured_zh": measured or nt.text[sa:sb][:30],
                    "measured_en": "[proposed: what is measured, to review]",
                    "about": about.entity, "value": f.value, "qualifier": f.qualifier, "unit": f.unit,
                    "unit_en": UNITS_EN.get(f.unit, f.unit), "date": date[0], "precision": date[1],
                    "start": sa, "end": sb})
            figures.append(d)
        return figures, observations


def _context_notes(notes: list[str] | None, ctx: dict) -> list[str]:
    """The notes of the reading, then what the context of the document says (its places, its committee)."""
    notes = list(notes or [])
    if ctx.get("places"):
        notes.append("places of the document: " + ", ".join(f"{k} {v}" for k, v in sorted(ctx["places"].items()))
                     + (f" ({ctx['province_from']})" if ctx.get("province_from") else ""))
    if ctx.get("committee"):
        notes.append(f"the document's own CPPCC committee: {ctx['committee']}")
    return notes


def ingest(graph: Graph, text: str, *, source_id: str, title: str | None = None, path: str = "",
           encoding: str = "utf-8", sha256: str = "", notes: list[str] | None = None, recognizers=None,
           gazetteer: str | Path | None = None) -> dict:
    """Propose mentions, entities, links, relations and figures for *text*, against *graph*.

    Parameters
    ----------
    graph : rdflib.Graph
        The project graph (ontology and curated entities), e.g. the rdflib view of the
        project's store, ``cppcc_kg.project.load.load(root).view``. Entities marked ``cppcc:proposed`` are not linked to.
    text : str
        The text, as decoded. Offsets in the result index it (code points).
    source_id : str
        Name of the source (``id/source/{source_id}``).
    recognizers : str or list of str, optional
        The parts of the recognizer (``forms``, ``graph``, ``tagger``, ``gazetteer``; a list or a
        comma-separated string); default: all of them, the gazetteer only when a table is installed or given.
    gazetteer : path, optional
        The table of divisions (jionlp's ``china_location.zip``); default: an installed jionlp's.

    Returns
    -------
    dict
        ``source``, ``text``, ``sentences``, ``mentions`` (start, end, exact, name, class, rule,
        nested, entity, status 'linked'|'new', note), ``entities`` (proposed), ``relations``,
        ``figures``, ``observations``, ``context``, ``notes`` and display data. Each mention lists in
        ``found_by`` the parts of the recognizer that proposed its span.
    """
    return Ingester(graph, recognizers=recognizers, gazetteer=gazetteer).run(text, source_id=source_id, title=title, path=path, encoding=encoding,
                               sha256=sha256, notes=notes)


def guess_title(text: str) -> str | None:
    """The title of a document: a short heading line (with its subtitle line that starts with ——).

    >>> guess_title("往期阅读\\n\\n凝心聚力促发展\\n\\n——呼和浩特市政协2023年工作回顾\\n正文。")
    '凝心聚力促发展——呼和浩特市政协2023年工作回顾'
    >>> guess_title("您所在的位置:首页 > 领导活动\\n\\n市政协主席会议召开\\n\\n来源:融媒体中心")
    '市政协主席会议召开'
    """
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    for k, ln in enumerate(lines[:40]):
        if ln.startswith(("——", "--", "—")) and k > 0:
            head = lines[k - 1]
            if len(head) <= 40 and not re.search(r"[。！？：:>|]", head):
                return f"{head}{ln}"
    for ln in lines[:20]:
        cjk = len(re.findall(r"[\u4e00-\u9fff]", ln))
        if 6 <= cjk and len(ln) <= 40 and not re.search(r"[。！？：:>|,，;；]", ln) and not re.search(r"\d{1,2}:\d{2}", ln):
            return ln
    return None


def ingest_file(path: str | Path, *, root: str | Path = Path("."), graph: Graph | None = None,
                title: str | None = None, source_id: str | None = None, max_chars: int = MAX_CHARS,
                write: bool = True, html: bool = True, recognizers=None, gazetteer: str | Path | None = None) -> dict:
    """Ingest the text file *path* and write its proposals under *root*.

    Writes ``graph/proposed/SOURCE.ttl`` and (with *html*) ``review/SOURCE.html``,
    atomically; returns the result of :func:`ingest` with ``turtle_path`` and ``html_path``.
    The text must be inside *root* (links resolved), have some Chinese text, and its source id
    must not hold the proposals of another text (see :mod:`cppcc_kg.ingest.files`). *recognizers* and
    *gazetteer*: as for :func:`ingest`.
    """
    root = Path(root)
    path = Path(path)
    rel = local_path(path, root) if path.exists() else ""  # a missing file: read_text_file says so
    decoded = read_text_file(path, max_chars=max_chars)
    sid = source_id or source_id_for(path)
    if not SOURCE_ID.fullmatch(sid):
        raise IngestInputError(f"{sid!r}: not a usable source id", "use lower-case ASCII letters, digits and '-'.")
    _check_chinese(decoded, rel)
    if graph is None:
        graph = _load_graph(root, sid, rel)
    notes = list(decoded.notes)
    src = KG["source"][sid]
    if (src, RDF.type, CPPCC.Source) in graph and not _reviewed_same_text(root, sid, graph, decoded):
        raise IngestInputError(
            f"{rel}: the source id {sid!r} is already a source of the graph ({src}); ingest proposes entities "
            f"for new documents, and its evidence would clash with the curated evidence",
            "pass --source-id with another id to ingest this text as a new source.")
    notes += check_id_is_free(root, sid, decoded.sha256, rel)
    for other, sha in graph.subject_objects(CPPCC.sha256):
        if str(sha) == decoded.sha256:
            notes.append(f"the same text (sha256) is already the source {other}")
    result = ingest(graph, decoded.text, source_id=sid, title=title, path=rel,
                    encoding=decoded.encoding.replace("-sig", ""), sha256=decoded.sha256, notes=notes,
                    recognizers=recognizers, gazetteer=gazetteer)
    ttl_path, html_path = output_paths(root, sid)
    result["turtle_path"] = ttl_path.relative_to(root).as_posix()
    result["html_path"] = html_path.relative_to(root).as_posix() if html else ""
    if write:
        turtle = to_turtle(result)
        page = to_html(result) if html else None
        write_atomic(ttl_path, turtle)
        if page is not None:
            write_atomic(html_path, page)
    return result


def _load_graph(root: Path, sid: str, rel: str) -> Graph:
    """The project's graph; when the text of *sid* changed since ``cppcc-kg review`` described it, an
    :class:`IngestInputError` that says how to ingest it again (the review's files record the old text)."""
    try:
        return load(root).view
    except SourceChangedError as exc:
        own = root / "sources" / f"{sid}.ttl"
        if not (written_by_review(own) and str(KG["source"][sid]) in exc.message):
            raise
        raise IngestInputError(
            f"{rel}: the text changed since cppcc-kg review described it (sources/{sid}.ttl records the old text, "
            f"so the graph cannot be loaded)",
            f"remove the review's files of {sid} (sources/{sid}.ttl and graph/{sid}/*.ttl whose first line is "
            f"'{REVIEW_MARK} …', and graph/proposed/{sid}.ttl), run cppcc-kg ingest again, then cppcc-kg review "
            f"{sid}: it keeps the decisions of review/{sid}.decisions.json whose spans still hold and writes the "
            "files again.") from None


def _reviewed_same_text(root: Path, sid: str, graph: Graph, decoded: DecodedText) -> bool:
    """Whether the source *sid* of the graph is this text, described by ``cppcc-kg review`` (its
    ``sources/SOURCE.ttl`` carries the review's mark): ingesting it again updates its proposals.
    The recorded sha256 is the file's, or that of the UTF-8 copy the review made of a text in another encoding."""
    recorded = {str(o).lower() for o in graph.objects(KG["source"][sid], CPPCC.sha256)}
    utf8 = hashlib.sha256(decoded.text.encode("utf-8")).hexdigest()
    return len(recorded) == 1 and recorded <= {decoded.sha256, utf8} and written_by_review(root / "sources" / f"{sid}.ttl")


#: below this share of Chinese characters among the letters, a text is not Chinese (ingest finds Chinese names)
MIN_CHINESE_SHARE = 0.05


def _check_chinese(decoded: DecodedText, rel: str) -> None:
    """Refuse a text with no Chinese in it: ingest finds Chinese names only, so it would propose nothing."""
    letters = sum(1 for ch in decoded.text if ch.isalpha())
    chinese = sum(1 for ch in decoded.text if is_cjk(ch))
    if chinese == 0 or chinese < MIN_CHINESE_SHARE * letters:
        raise IngestInputError(
            f"{rel}: no Chinese text found (decoded as {decoded.encoding.replace('-sig', '')}: {len(decoded.text):,} "
            f"characters, {chinese} of its {letters:,} letters Chinese); ingest finds the names of a Chinese text",
            "give ingest the Chinese text of a document (if it is Chinese, check its encoding: UTF-8, UTF-16 with "
            "a BOM, or GB18030/GBK).")


def summary(result: dict) -> str:
    """A few lines for the terminal."""
    ms = result["mentions"]
    by_class = Counter(m["class"] for m in ms)
    lines = [
        f"{result['source']['id']}: {result['source']['characters']} characters, {len(result['sentences'])} sentences",
        f"  mentions: {len(ms)} ({sum(1 for m in ms if m['status'] == 'linked')} linked, "
        f"{sum(1 for m in ms if m['status'] == 'new')} new): "
        + ", ".join(f"{c} {n}" for c, n in sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        f"  new entities: {len(result['entities'])}; relations: {len(result['relations'])}; "
        f"figures: {len(result['figures'])} ({len(result['observations'])} proposed as observations)",
    ]
    if result.get("recognizers"):
        lines.append(f"  recognizers: {', '.join(result['recognizers'])}")
    for n in result.get("notes", []):
        lines.append(f"  note: {n}")
    if result.get("turtle_path"):
        lines.append(f"  wrote {result['turtle_path']}" + (f" and {result['html_path']}" if result.get("html_path") else ""))
    return "\n".join(lines)
