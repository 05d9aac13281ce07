"""The decisions of a review: ``review/SOURCE.decisions.json``, and checking one decision.

The file holds the sha256 of the text and one decision per proposal, under the proposal's key
(:func:`cppcc_kg.review.proposals.mention_key` …: kind, span, what the span says). It lives in
``review/`` (outside ``build/``), is written atomically and sorted, and survives a new ingest of the
same text: the proposals get the same keys, so they show as decided. When the text has changed
(another sha256), only the decisions whose spans still hold the same characters are kept, and
the review says so.

A decision is ``{"action": "accept" | "reject" | "merge", …}``; a mention's may hold ``label_zh``,
``label_en``, ``class``, ``start``, ``end`` (accept) or ``target`` (merge: an entity of the graph).

>>> clean_label_en("  Beiling County CPPCC ")
'Beiling County CPPCC'
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cppcc_kg.ingest.files import REVIEW_DIR
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.review.proposals import Proposals, ReviewInputError

__all__ = ["DecisionError", "Decisions", "check_decision", "clean_label_en", "decisions_path", "load_decisions",
           "save_decisions"]

FORMAT = 1
ACTIONS = {"mention": ("accept", "reject", "merge"), "relation": ("accept", "reject"),
           "figure": ("accept", "reject")}
#: the Unicode categories no label may hold: control and format characters (bidi overrides, zero-width
#: characters, BOM), line and paragraph separators, surrogates, private-use and unassigned code points
BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MAX_LABEL = 300
MAX_LABEL_ZH = 60  # the longest Chinese name of the graph has under 40 characters
#: how ingest marks the English it leaves for the review ("… [proposed: English name to review]")
PLACEHOLDER = "[proposed"


class DecisionError(Exception):
    """A decision that cannot be taken: HTTP status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Decisions:
    sha256: str
    items: dict[str, dict] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def decisions_path(root: Path, sid: str) -> Path:
    return Path(root) / REVIEW_DIR / f"{sid}.decisions.json"


def load_decisions(root: Path, props: Proposals) -> Decisions:
    """The decisions kept for *props* (none yet: empty); a corrupt file is an error that names it."""
    path = decisions_path(root, props.sid)
    rel = path.relative_to(root).as_posix()
    sha = props.source["sha256"]
    if not path.exists():
        return Decisions(sha)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("decisions"), dict) \
                or not isinstance(data.get("sha256"), str) \
                or not all(isinstance(v, dict) and isinstance(v.get("action"), str) for v in data["decisions"].values()):
            raise ValueError("it is not a decisions file (an object with sha256 and decisions)")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReviewInputError(f"{rel}: corrupt decisions file: {exc}",
                               f"fix it, or move it away to start the review of {props.sid} again.") from None
    items = dict(data["decisions"])
    out = Decisions(sha, notices=[])
    if data["sha256"].lower() != sha:
        kept = {k: v for k, v in items.items() if _still_holds(k, v, props.text)}
        out.notices.append(f"The text of {props.sid} changed since these decisions were taken (sha256 "
                           f"{data['sha256'][:12]}…, now {sha[:12]}…): kept {len(kept)} of {len(items)} decisions, "
                           "those whose spans still hold the same characters.")
        items = kept
    out.items = items
    return out


def _still_holds(key: str, decision: dict, text: str) -> bool:
    m = re.fullmatch(r"(\w+) (\d+)-(\d+) (.*)", key, flags=re.DOTALL)
    if not m:
        return False
    start, end = int(m.group(2)), int(m.group(3))
    exact = decision.get("exact")
    if not isinstance(exact, str) or text[start:end] != exact:
        return False
    s, e = decision.get("start", start), decision.get("end", end)
    return s == start and e == end or (isinstance(s, int) and isinstance(e, int) and
                                       decision.get("span_text") == text[s:e])


def save_decisions(root: Path, sid: str, decisions: Decisions) -> Path:
    """Write the decisions file (sorted, atomically)."""
    data = {"format": FORMAT, "source": sid, "sha256": decisions.sha256,
            "decisions": {k: decisions.items[k] for k in sorted(decisions.items)}}
    return write_atomic(decisions_path(root, sid),
                        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def bad_character(value: str) -> str | None:
    """The first character of *value* that no label may hold (:data:`BAD_CATEGORIES`), or None.

    >>> bad_character("Bei\u202eling"), bad_character("北岭县政协")
    ('\u202e', None)
    """
    return next((c for c in value if unicodedata.category(c) in BAD_CATEGORIES), None)


def clean_label_en(value, what: str = "English label") -> str:
    """An English label as given (spaces around it removed); :class:`DecisionError` if it is not one."""
    if value is not None and not isinstance(value, str):
        raise DecisionError(400, f"the {what} must be a string, not {type(value).__name__}")
    if not isinstance(value, str) or not value.strip():
        raise DecisionError(400, f"the {what} is empty: type it (in English)")
    bad = bad_character(value)
    if bad is not None:
        raise DecisionError(400, f"the {what} holds the invisible or control character U+{ord(bad):04X} "
                                 f"({unicodedata.name(bad, 'unnamed')}): type it on one line, in plain characters")
    value = value.strip()
    if len(value) > MAX_LABEL:
        raise DecisionError(400, f"the {what} has {len(value)} characters, more than {MAX_LABEL}")
    if PLACEHOLDER in value or not re.search(r"[A-Za-z]", value):
        raise DecisionError(400, f"the {what} {value!r} is not a name: type one with Latin letters")
    return value


def check_decision(props: Proposals, proposal: dict, body: dict, classes: set[str], known: set[str]) -> dict:
    """The decision to store for *proposal* from the request *body*, or :class:`DecisionError` (4xx)."""
    kind, action = proposal["kind"], body.get("action")
    if action not in ACTIONS[kind]:
        raise DecisionError(400, f"unknown action {action!r} for a {kind}: use one of {', '.join(ACTIONS[kind])}")
    out = {"action": action, "exact": proposal["exact"]}
    if kind == "figure" and action == "accept":
        for name, what in (("label_en", "English label"), ("measured_en", "English name of what is measured")):
            if body.get(name) or PLACEHOLDER in proposal[name]:  # ingest's English is a placeholder to replace
                out[name] = clean_label_en(body.get(name), what)
    if kind != "mention" or action == "reject":
        return out
    if action == "merge":
        target = body.get("target")
        if not isinstance(target, str) or target not in known:
            raise DecisionError(400, f"merge: {target!r} is not an entity of the graph (pick one from the search)")
        out["target"] = target
        return out
    return out | _accepted_mention(props, proposal, body, classes, known)


def _accepted_mention(props: Proposals, proposal: dict, body: dict, classes: set[str], known: set[str]) -> dict:
    text = props.text
    start, end = body.get("start", proposal["start"]), body.get("end", proposal["end"])
    if type(start) is not int or type(end) is not int or not (0 <= start < end <= len(text)):
        raise DecisionError(400, f"the span {start!r}-{end!r} is outside the text (0-{len(text)}, start before end)")
    out: dict = {}
    if (start, end) != (proposal["start"], proposal["end"]):
        out |= {"start": start, "end": end, "span_text": text[start:end]}
    if proposal["status"] == "linked" and not {"label_zh", "label_en", "class"} & set(body) and not out:
        return {"action": "merge", "target": proposal["entity"]}  # accepting a link is merging with it
    for name in ("label_zh", "class"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise DecisionError(400, f"{name} must be a string, not {type(body[name]).__name__}")
    label_zh = body.get("label_zh") or (text[start:end] if out else proposal["label_zh"] or proposal["exact"])
    _check_label_zh(label_zh, text)
    cls = body.get("class") or proposal["class"]
    if cls not in classes:
        raise DecisionError(400, f"class {cls!r} is not an entity class of the ontology")
    return out | {"label_zh": label_zh, "class": cls, "label_en": clean_label_en(body.get("label_en"))}


def _check_label_zh(label_zh: str, text: str) -> None:
    if label_zh.strip() != label_zh or bad_character(label_zh) is not None:
        raise DecisionError(400, f"the Chinese label {label_zh!r} begins or ends with a space or line break, or holds "
                                 "an invisible or control character: choose a span of the name only")
    if len(label_zh) > MAX_LABEL_ZH:
        raise DecisionError(400, f"the Chinese label has {len(label_zh)} characters, more than {MAX_LABEL_ZH}: "
                                 "a name, not a sentence")
    if label_zh not in text:
        raise DecisionError(400, f"the Chinese label {label_zh!r} does not occur in the text as written "
                                 "(curation takes labels from the source)")
