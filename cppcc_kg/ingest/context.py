"""What the rules that find mentions share: the classes, the graph's names, the segmenter, the last words.

:func:`finder_context` builds a :class:`FinderContext` once per graph; every rule of
:mod:`cppcc_kg.ingest.named`, :mod:`cppcc_kg.ingest.phrases` and :mod:`cppcc_kg.ingest.quoted` is a
plain function of that context and of the text. :func:`classify` gives the class of a name by its
last word: first the lexicon's words (``lexicon.toml``), then the Chinese words of the ontology's
classes.

>>> ctx = demo_context()
>>> classify(ctx, "锡林郭勒盟政协"), classify(ctx, "工作方案", within="Document"), classify(ctx, "绿色发展")
('CPPCCCommittee', 'Plan', None)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.forms import (
    EVENT_SUFFIXES,
    EXTRA_ORG_WORDS,
    GENERIC_TWO,
    ORG_SUFFIXES,
    PLACE_SUFFIXES,
    SITE_SUFFIXES,
    Segmenter,
)
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.schema import Schema

__all__ = ["FinderContext", "classify", "demo_context", "finder_context"]

#: the ontology's words of classes of bodies that do not end the name of one body
_NOT_BODY_WORDS = ("政协组织", "组织机构", "内设机构", "党的机关", "国家机关", "十三届政协")


@dataclass
class FinderContext:
    """The classes, names and segmenter that the rules read (built by :func:`finder_context`)."""

    schema: LocalSchema
    #: normalised names of the graph (two characters or more) -> [(IRI, class)]
    names: dict[str, list[tuple[str, str]]]
    seg: Segmenter
    #: the lexicon's last words whose class is in the ontology -> class
    suffix_classes: dict[str, str]
    #: the same words, longest first
    suffix_sorted: list[str]
    #: last words that make a name (org, place, event), by their last character
    detect_by_last: dict[str, list[tuple[str, str]]]
    #: every last word that gives a class (lexicon and ontology), longest first
    last_words: list[str]
    #: the graph's names found as they are in the text (None when there are none)
    dict_re: re.Pattern | None


def _segmenter_tags(schema: LocalSchema, names: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """The segmenter's tag of each name of the graph: ns (place), nt (body, publication), nr (person), nz."""
    tags = {}
    for k, v in names.items():
        cls = v[0][1]
        if schema.is_a(cls, "Place"):
            tags[k] = "ns"
        elif schema.is_any(cls, "body") or schema.is_a(cls, "Publication"):
            tags[k] = "nt"
        elif schema.is_a(cls, "Person"):
            tags[k] = "nr"
        else:
            tags[k] = "nz"
    return tags


def _detect(schema: LocalSchema) -> list[tuple[str, str]]:
    """Last words that make a name (detection): the word lists of :mod:`cppcc_kg.ingest.forms`, and the
    ontology's words of three characters or more for events and bodies (交流会, 座谈会, 专门委员会)."""
    detect: dict[str, str] = {}
    for sfx in ORG_SUFFIXES + EXTRA_ORG_WORDS:
        detect[sfx] = "org"
    for sfx in PLACE_SUFFIXES + SITE_SUFFIXES:
        detect.setdefault(sfx, "place")
    for sfx in EVENT_SUFFIXES:
        detect.setdefault(sfx, "event")
    not_by_word = LEXICON.class_groups["event_not_by_word"]
    for term, cls in schema.class_terms:
        if len(term) < 3 or term in detect:
            continue
        if schema.is_a(cls, "Event") and cls not in not_by_word:
            detect[term] = "event"
        elif schema.is_any(cls, "body") and term not in _NOT_BODY_WORDS:
            detect[term] = "org"
    return sorted(detect.items(), key=lambda kv: (-len(kv[0]), kv[0]))


def finder_context(schema: LocalSchema, names: dict[str, list[tuple[str, str]]], *,
                   segmenter: Segmenter | None = None) -> FinderContext:
    """The context of the rules for the classes of *schema* and the graph's *names* (normalised name ->
    ``[(IRI, class)]``); *segmenter* defaults to jieba with those names in its dictionary."""
    names = {k: v for k, v in names.items() if len(k) >= 2}
    suffix_classes = {k: v for k, v in LEXICON.suffix_classes.items() if v in schema.classes}
    # titles of documents (实施方案) and short names of periodicals (同心, 实践) are found in 《》
    # (and linked from there), not as words of the text
    keys = sorted((k for k, v in names.items()
                   if not any(schema.is_a(c, "Document") or (schema.is_a(c, "Publication") and len(k) <= 3)
                              for _i, c in v)),
                  key=lambda k: (-len(k), k))
    detect_by_last: dict[str, list[tuple[str, str]]] = {}
    for sfx, kind in _detect(schema):
        detect_by_last.setdefault(sfx[-1], []).append((sfx, kind))
    return FinderContext(
        schema=schema, names=names, seg=segmenter or Segmenter(_segmenter_tags(schema, names)),
        suffix_classes=suffix_classes, suffix_sorted=sorted(suffix_classes, key=lambda k: (-len(k), k)),
        detect_by_last=detect_by_last,
        last_words=sorted(set(suffix_classes) | {t for t, _c in schema.class_terms}, key=lambda k: (-len(k), k)),
        dict_re=re.compile("|".join(re.escape(k) for k in keys)) if keys else None)


def classify(ctx: FinderContext, name: str, default: str | None = None, *, within: str | None = None) -> str | None:
    """The class of *name* by its last word (the lexicon's words, then the ontology's), else *default*.

    *within*: only accept classes under this one (e.g. ``Document`` for a title).
    """
    for attempt in (name, re.sub(r"（[^（）]*）$", "", name)):
        cls = _class_by_lexicon(ctx, attempt, within)
        if cls:
            return cls
        for term, cls in ctx.schema.class_terms:
            if attempt.endswith(term) and not (len(term) == 1 and attempt[-2:] in GENERIC_TWO):
                if within is None or ctx.schema.is_a(cls, within):
                    return cls
                break
    return default


def _class_by_lexicon(ctx: FinderContext, attempt: str, within: str | None) -> str | None:
    for suffix in ctx.suffix_sorted:
        if attempt.endswith(suffix):
            if len(suffix) == 1 and attempt[-2:] in GENERIC_TWO:
                continue  # a common word that ends like a name (绿色发展 is not an exhibition, 展)
            cls = ctx.suffix_classes[suffix]
            if cls in LEXICON.class_groups["refinable"] and len(attempt) > len(suffix):
                # a generic last word: a more specific word may precede it (评选活动 -> Selection)
                inner = classify(ctx, attempt[: -len(suffix)], None, within=within)
                if inner and ctx.schema.is_a(inner, cls) and inner != cls:
                    cls = inner
            if within is None or ctx.schema.is_a(cls, within):
                return cls
    return None


@lru_cache(maxsize=1)
def demo_context() -> FinderContext:
    """A context with the ontology of the repository and no names (for the examples of the docs)."""
    return finder_context(LocalSchema(Schema.default()), {})
