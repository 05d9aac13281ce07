"""One review of one source: the proposals, the graph's entities, the decisions, and what they write.

:class:`ReviewSession` is what the page talks to, without HTTP: :meth:`~ReviewSession.state` is the
page's data (the text, each proposal with its sentence and decision, the ontology's entity classes,
the graph's entities for the merge search with their pinyin), :meth:`~ReviewSession.decide` checks
and keeps one decision and writes the curated Turtle again (on every decision: the files always
match the decisions kept). A decision that cannot be taken changes nothing on disk.
"""
from __future__ import annotations

import threading
from pathlib import Path

from rdflib import Graph

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.files import written_by_review
from cppcc_kg.ingest.known import known_entities
from cppcc_kg.ingest.text import normalize, split_sentences
from cppcc_kg.project.load import load
from cppcc_kg.project.pinyin import to_pinyin
from cppcc_kg.review.checks import check_plan, check_removals
from cppcc_kg.review.decisions import (
    DecisionError,
    Decisions,
    check_decision,
    decisions_path,
    load_decisions,
    save_decisions,
)
from cppcc_kg.review.others import Others, scan
from cppcc_kg.review.proposals import (
    Proposals,
    ReviewInputError,
    load_proposals,
    other_ids_of_text,
)
from cppcc_kg.review.writer import (
    SECTION_FILES,
    Plan,
    ReviewWriteError,
    check_writable,
    owned_paths,
    plan,
    render,
    write,
)
from cppcc_kg.schema import Schema

__all__ = ["ReviewSession", "open_review"]


class ReviewSession:
    """The review of the proposals *props* in the project *root*, against the graph *graph*."""

    def __init__(self, root: Path, props: Proposals, graph: Graph):
        self.root, self.props = Path(root), props
        self.schema = Schema.from_graph(graph)
        local = LocalSchema(self.schema)
        own = _own_defined(self.root, props.sid, ("entities.ttl",))
        self.known = {iri: e for iri, e in known_entities(graph, local).items() if iri not in own}
        self.known_classes = {iri: self.schema.iri(e.cls) for iri, e in self.known.items()}
        self.classes = [Schema.local(c) for c in self.schema.entity_classes()]
        self.local = local
        self.lock = threading.Lock()
        self.sentences = _sentences(props.text)
        self._catalog = None
        self.written: list[str] = []
        path = decisions_path(self.root, props.sid)
        self.seen = path.read_bytes() if path.is_file() else None  # the decisions file as this review knows it
        self.decisions = load_decisions(self.root, props)
        self._check_loaded(path.relative_to(self.root).as_posix())

    # ------------------------------------------------------------ the page's data
    def catalog(self) -> list[dict]:
        """The graph's entities for the merge search: labels (zh, alt, en), pinyin, class."""
        if self._catalog is None:
            self._catalog = [{"iri": iri, "zh": e.label_zh, "en": e.label_en, "alt": sorted(set(e.names) - {e.label_zh}),
                              "pinyin": to_pinyin(e.label_zh) if e.label_zh else "", "class": e.cls}
                             for iri, e in sorted(self.known.items())]
        return self._catalog

    def _plan(self, decisions: Decisions, others: Others | None = None) -> Plan:
        others = others if others is not None else scan(self.root, set(owned_paths(self.props.sid)))
        own = _own_defined(self.root, self.props.sid)
        return plan(self.props, decisions, self.known_classes, self.schema, set(others.iris) - own)

    def _check_loaded(self, rel: str) -> None:
        """Every decision of the file through the checks of a live decision (a bad file: ReviewInputError)."""
        targets = set(self.known) | _own_defined(self.root, self.props.sid)
        by_key = self.props.by_key()
        items = {}
        for key, d in sorted(self.decisions.items.items()):
            proposal = by_key.get(key)
            if proposal is None:
                items[key] = d  # kept for a later ingest; not written
                continue
            try:
                items[key] = check_decision(self.props, proposal, dict(d), set(self.classes), targets)
            except DecisionError as exc:
                raise ReviewInputError(f"{rel}: the decision for {key!r} is not valid: {exc.message}",
                                       f"fix or remove that decision in {rel} (or move the file away to start "
                                       "again), then run cppcc-kg review again.") from None
        trial = Decisions(self.decisions.sha256, items, self.decisions.notices)
        try:
            self._check_plan(self._plan(trial))
        except DecisionError as exc:
            raise ReviewInputError(f"{rel}: its decisions cannot be written: {exc.message}",
                                   f"fix or remove the decision concerned in {rel}, then run cppcc-kg review "
                                   "again.") from None
        self.decisions = trial

    def state(self) -> dict:
        the_plan = self._plan(self.decisions)
        labels = {iri: e.label_zh for iri, e in self.known.items()}
        own_classes, own_catalog = {}, []
        for g in the_plan.entities:
            labels[g["iri"]] = f"{g['label_zh']} / {g['label_en']} (accepted in this review)"
            own_classes[g["iri"]] = g["class"]
            own_catalog.append({"iri": g["iri"], "zh": g["label_zh"], "en": g["label_en"], "class": g["class"],
                                "alt": sorted(g["exacts"] - {g["label_zh"]}), "pinyin": to_pinyin(g["label_zh"])})
        items = []
        for p in self.props.mentions + self.props.relations + self.props.figures:
            item = {k: v for k, v in p.items() if k != "triples"}
            item["sentence"] = self.sentence_of(p["start"], p["end"])
            item["decision"] = self.decisions.items.get(p["key"])
            if p["kind"] == "mention" and p["status"] == "linked":
                item["link_label"] = labels.get(p["entity"], p["entity"])
                item["class"] = (self.known[p["entity"]].cls if p["entity"] in self.known
                                 else own_classes.get(p["entity"], ""))
            if p["key"] in the_plan.waiting:
                item["waiting"] = the_plan.waiting[p["key"]]
            if p["kind"] != "mention":
                item["ready"] = the_plan.ready.get(p["key"], False)
            items.append(item)
        src = self.props.source
        return {"source": {k: src[k] for k in ("id", "title", "path", "sha256", "characters")},
                "text": self.props.text, "notices": self.decisions.notices, "classes": self.classes,
                "entities": self.catalog() + own_catalog, "proposals": items, "written": self.written,
                "decisions_file": decisions_path(self.root, self.props.sid).relative_to(self.root).as_posix()}

    def sentence_of(self, start: int, end: int) -> list[int]:
        """[start, end] of the sentences that hold text[start:end]."""
        s = max((a for a, b in self.sentences if a <= start), default=0)
        e = min((b for a, b in self.sentences if b >= end), default=len(self.props.text))
        return [min(s, start), max(e, end)]

    # ------------------------------------------------------------ deciding
    def decide(self, body: dict) -> dict:
        """Keep the decision *body* (``{"key": …, "action": …, …}``; ``"action": "undo"`` forgets it),
        write the curated files again, and return the new state. :class:`DecisionError` (4xx) when
        it cannot be taken; then nothing is written."""
        key = body.get("key")
        proposal = self.props.by_key().get(key) if isinstance(key, str) else None
        if proposal is None:
            raise DecisionError(404, f"no proposal {key!r} in the proposals of {self.props.sid}")
        with self.lock:
            items = dict(self.decisions.items)
            if body.get("action") == "undo":
                items.pop(key, None)
            else:
                own = {g["iri"] for g in self._plan(self.decisions).entities}
                items[key] = check_decision(self.props, proposal, body, set(self.classes), set(self.known) | own)
            self._commit(items)
        return self.state()

    def _check_plan(self, the_plan: Plan, others: Others | None = None) -> None:
        """What the build would refuse, refused before anything is written (:mod:`cppcc_kg.review.checks`)."""
        others = others if others is not None else scan(self.root, set(owned_paths(self.props.sid)))
        check_plan(the_plan, others, self.local.is_entity_class)
        check_removals(the_plan, others, _own_defined(self.root, self.props.sid))

    def _commit(self, items: dict) -> None:
        """Plan and render *items* (nothing is changed if that fails), then keep and write them."""
        path = decisions_path(self.root, self.props.sid)
        now = path.read_bytes() if path.is_file() else None
        if now != self.seen:
            raise DecisionError(409, f"{path.relative_to(self.root).as_posix()} was changed by another review or by "
                                     "hand since this review read it: nothing was written; stop this review and "
                                     "run cppcc-kg review again")
        trial = Decisions(self.decisions.sha256, items, self.decisions.notices)
        others = scan(self.root, set(owned_paths(self.props.sid)))
        the_plan = self._plan(trial, others)
        self._check_plan(the_plan, others)
        files = render(self.props, the_plan, self.schema, self.root)
        try:
            check_writable(self.root, files, self.props.sid)
        except ReviewWriteError as exc:
            raise DecisionError(409, str(exc)) from None
        self.seen = save_decisions(self.root, self.props.sid, trial).read_bytes()
        self.decisions = trial
        self.written = write(self.root, files, self.props.sid)

    def write_all(self) -> list[str]:
        """Write the curated files of the decisions kept (as every decision does)."""
        with self.lock:
            self._commit(dict(self.decisions.items))
        return self.written


def _own_defined(root: Path, sid: str, files: tuple[str, ...] = ("entities.ttl", "observations.ttl")) -> set[str]:
    """The IRIs that the review's own *files* of ``graph/SOURCE/`` define now (by default entities and figures;
    ``("entities.ttl",)``: the entities only, not merge targets)."""
    out: set[str] = set()
    for name in files:
        path = Path(root) / "graph" / sid / name
        if written_by_review(path):
            out |= {str(s) for s in Graph().parse(path, format="turtle").subjects()}
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    return split_sentences(normalize(text))


def open_review(root: Path, sid: str) -> ReviewSession:
    """The review of the proposals of *sid* in the project *root* (the graph loaded from its files)."""
    if sid == "proposed":  # graph/proposed/ holds the proposals, never curated files
        raise ReviewInputError("the source id 'proposed' cannot be reviewed: its curated files would go into "
                               "graph/proposed/, which the build leaves out", "ingest the text with another --source-id.")
    for name in SECTION_FILES:  # a curated section (not a file taken over from a review, which has decisions)
        path = Path(root) / "graph" / sid / name
        if path.exists() and not written_by_review(path) and not decisions_path(root, sid).exists():
            raise ReviewInputError(f"graph/{sid}/{name} is a curated file: the source id {sid!r} names a section of "
                                   "the graph, which the review never writes into",
                                   "ingest the text under another source id (cppcc-kg ingest TEXT --source-id NEW).")
    props = load_proposals(root, sid)
    if not (props.mentions or props.relations or props.figures):
        raise ReviewInputError(f"{props.path.relative_to(root).as_posix()}: no proposals to review",
                               "ingest found no mention in this text: there is nothing to decide.")
    others = other_ids_of_text(root, props)
    if others:
        raise ReviewInputError(f"{props.source['path']} is also described under another source id ({others[0]}): "
                               "one text, one source id", f"review it under one id only: remove {others[0]} (and "
                               "that id's review files) if it holds no curated work, or review that id.")
    return ReviewSession(root, props, load(root).view)
