"""Proposing mentions: the forms of names in Chinese reports on CPPCC work.

A mention is a span of the normalised text (see :mod:`cppcc_kg.ingest.text`) with a
proposed class. Mentions come from general patterns, not from lists of names:

* titles in 《》 (documents, newspapers and magazines by their last word), and
  quoted names (“…”, with the word that follows them: “…”工程, “…”委员工作室, “…”评选活动;
  “…”品牌 names the brand “…”), when the words around them say they are names
  (:mod:`cppcc_kg.ingest.quoted`);
* organizations, bodies, places and events by their last word (…政协, …委员会, …局,
  …办公室, …报; …盟, …市, …旗, …镇, …嘎查; …会议, …论坛, …班), extended to the left over
  the words of the name: a segmenter with the graph's names in its dictionary says
  where words begin and which words are verbs (:mod:`cppcc_kg.ingest.named`);
* names that the phrase around them carries: ordinal meetings, events held (召开/举办 …),
  places visited (赴A、B、C调研) or where an event is held (在X召开), mechanisms set up by
  a verb (建立/完善/推行 … 机制/制度/体系/平台), honours conferred (被评为/命名…为 …),
  set forms (N个一, 一X一Y, N项规定, 党的N大), enumerations that end with the kind of
  thing listed (A、B、C等…媒体) (:mod:`cppcc_kg.ingest.phrases`);
* names of the graph (labels and aliases) found as they are (:func:`cppcc_kg.ingest.named.graph_names`),
  the graph's names inside longer names, and the names of the document found once and again
  wherever they recur (this module).

The rules are plain functions of a :class:`cppcc_kg.ingest.context.FinderContext` (the classes,
the graph's names, the segmenter) and the text; this module joins them. The class of a name comes
from its last word (:func:`cppcc_kg.ingest.context.classify`): first the lexicon's words
(``lexicon.toml``), then the Chinese words of the ontology's classes.

>>> from cppcc_kg.ingest.text import normalize
>>> nt = normalize("7月28日，盟政协党组召开第9次会议，专题研究《工作方案》。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in demo_finder().find(nt)]
[('盟政协党组', 'PartyGroup'), ('第9次会议', 'Meeting'), ('《工作方案》', 'Plan')]
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from cppcc_kg.ingest.awards import civic_titles, commended
from cppcc_kg.ingest.bodies import (
    member_rooms,
    party_committees_in_titles,
    without_term,
)
from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.context import FinderContext, demo_context, finder_context
from cppcc_kg.ingest.doctrines import national_concepts
from cppcc_kg.ingest.forms import (
    NUMERAL,
    Candidate,
    Segmenter,
    Tokens,
    phrase_breaks,
    resolve,
    resolve_nested,
    strip_name,
    text_blocks,
)
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.meetings import (
    activities_of_a_meeting,
    enlarged_meetings,
    ordinal_starts,
    two_meetings,
)
from cppcc_kg.ingest.merge import (
    Recognizers,
    found_by,
    gazetteer_candidates,
    joined_events,
    refine,
    residents_body,
    site_names,
    tagged_candidates,
    with_determiner,
)
from cppcc_kg.ingest.named import (
    collaborations,
    committee_short_forms,
    graph_names,
    joint_bodies,
    level_bodies,
    sectors,
    short_committees,
    special_committees,
    suffixed,
)
from cppcc_kg.ingest.outlets import datelines
from cppcc_kg.ingest.persons import (
    dotted_persons,
    mend_tagged_persons,
    persons_win,
    titled_persons,
)
from cppcc_kg.ingest.phrases import (
    common_platform,
    honours,
    lists,
    mechanisms,
    set_forms,
    structured,
    venues,
)
from cppcc_kg.ingest.quoted import parentheticals, quote_lists, quotes, titles
from cppcc_kg.ingest.short_bodies import (
    enterprises_after_places,
    places_of_rooms,
    short_bodies,
    split_bodies,
)
from cppcc_kg.ingest.tagger import NAME_TAGS
from cppcc_kg.ingest.text import NormalizedText
from cppcc_kg.ingest.zones import (
    bracketed_zones,
    level_words_joined,
    places_named,
    zone_names,
)

#: the words before 品牌 that say what kind of brand it is, not what it is named after (特色工作品牌)
_GENERIC_BRAND_HEAD = r"(工作|履职|特色|服务|协商|活动|项目|[0-9一二三四五六七八九十]大)$"
#: the verbs that set a thing up (the lexicon's verbs of the relation ``established``: 建立, 设立, 建成 …), right before a name
_SET_UP_BEFORE = re.compile("(?:" + "|".join(v for _n, v, p in LEXICON.verb_patterns if p == "established") + ")了?$")


def graph_common_platform(ctx: FinderContext, norm: str, c: Candidate) -> bool:
    """True when *c*, a platform of the graph found by its name (rule ``dictionary``), is named by a common noun
    (委员工作室, 委员之家: :func:`common_platform` of its form) and neither set up by a verb right before it (设立委员工作室:
    the end of a relation) nor counted right after it (建成委员工作室15个): the common noun in passing, not the entity.
    """
    if c.rule != "dictionary" or c.nested or _SET_UP_BEFORE.search(norm[max(0, c.i - 6):c.i]):
        return False
    return common_platform(ctx, norm[c.i:c.j], c.cls, "graph's form", norm[c.j: c.j + 8])


#: rules whose names, when they begin the name of an event, are mentions of their own
_HEAD_RULES = {"cppcc full name", "ordinal meeting", "org form", "body", "party committee", "body of a level"}


class MentionFinder:
    """Find candidate mentions in a normalised text.

    *names* maps normalised names of the graph to ``(iri, class)`` pairs (the dictionary). The rules
    live in modules by what they find: :mod:`cppcc_kg.ingest.quoted`, :mod:`cppcc_kg.ingest.named`
    and :mod:`cppcc_kg.ingest.phrases`.
    """

    def __init__(self, schema: LocalSchema, names: dict[str, list[tuple[str, str]]], *,
                 segmenter: Segmenter | None = None, recognizers: Recognizers | None = None):
        self.ctx = finder_context(schema, names, segmenter=segmenter)
        #: the parts used (None: the forms and the graph's names, without the tagger or the gazetteer)
        self.recognizers = recognizers

    @classmethod
    def of_context(cls, ctx: FinderContext, recognizers: Recognizers | None = None) -> MentionFinder:
        """A finder over an existing context."""
        finder = cls.__new__(cls)
        finder.ctx = ctx
        finder.recognizers = recognizers
        return finder

    # ------------------------------------------------------------ entry point
    def find(self, nt: NormalizedText) -> list[Candidate]:
        """Mentions in *nt*: non-overlapping ones, plus nested ones inside titles, quotes and longer names.

        Names never run across a line break, so the text is read in blocks of lines (and long lines
        in blocks of sentences): the work grows with the length of the text, not its square.
        """
        norm = nt.norm
        out: list[Candidate] = []
        for a, b in text_blocks(norm):
            out += _find_block(self.ctx, norm[a:b], a, nt, self.recognizers)
        if self.recognizers is None or "forms" in self.recognizers:
            out += _same_names(norm, out)
        return sorted(out, key=lambda c: (c.i, -c.j))


# ------------------------------------------------------------ one name, one thing in a document
def _same_names(norm: str, cands: list[Candidate]) -> list[Candidate]:
    """Other occurrences of the names proposed in the document (four characters or more), where no rule
    found them: a name found once by the words around it is a name wherever it recurs (北疆文化 in
    北疆文化品牌, then in “政协主席谈北疆文化”专题研讨会). Inside a title or a quote they are nested."""
    names: dict[str, Candidate] = {}
    for c in sorted(cands, key=lambda c: (c.i, c.j)):
        text = norm[c.i:c.j]
        if c.rule in ("dictionary", "same name") or c.rule.startswith("listed") or len(text) < 4 \
                or re.search(r"[“”《》（）\s，、]", text):
            continue
        names.setdefault(text, c)
    if not names:
        return []
    tops = sorted((c for c in cands if not c.nested), key=lambda c: c.i)
    top_starts = [c.i for c in tops]
    inner = sorted((c.i, c.j) for c in cands if c.nested)
    inner_starts = [a for a, _b in inner]
    pat = re.compile("|".join(re.escape(k) for k in sorted(names, key=lambda k: (-len(k), k))))
    out = []
    for m in pat.finditer(norm):
        i, j = m.span()
        k = bisect_right(top_starts, i) - 1
        box = tops[k] if k >= 0 and tops[k].j > i else None
        if box is not None and (box.i, box.j) == (i, j):
            continue
        if box is not None and box.j < j:
            continue  # it crosses the end of a name found
        nxt = tops[k + 1] if k + 1 < len(tops) else None
        if box is None and nxt is not None and nxt.i < j:
            continue  # it would swallow or cross a name found
        src = names[m.group(0)]
        if box is None:
            out.append(Candidate(i, j, src.cls, "same name", 45, name=src.name or m.group(0)))
            continue
        if not (box.rule == "title" or box.rule.startswith("quote")):
            continue
        q = bisect_left(inner_starts, j)
        if any(a < j and i < b for a, b in inner[max(0, q - 8): q]):
            continue  # a nested name is there already
        out.append(Candidate(i, j, src.cls, "same name", 45, nested=True, name=src.name or m.group(0)))
    return out


def _find_block(ctx: FinderContext, norm: str, base: int, nt: NormalizedText,
                rec: Recognizers | None = None) -> list[Candidate]:
    """The mentions of one block of the text, *norm*, that begins at *base* in *nt*, from the parts *rec*."""
    if not norm.strip():
        return []
    forms = rec is None or "forms" in rec
    toks = Tokens(ctx.seg.tokens(norm), len(norm))
    cands = _candidates(ctx, norm, toks, orig_of=lambda i, j: nt.original(i + base, j + base), rec=rec)
    words = level_words_joined(rec.tagger.words(norm)) if rec is not None and rec.tagger is not None else []
    if rec is not None:
        cands = refine(ctx, norm, cands, words)
    if forms:
        cands = ordinal_starts(ctx, norm, two_meetings(ctx, norm, joined_events(ctx, norm, cands)))
        cands = activities_of_a_meeting(ctx, norm, cands)
    if words:
        cands += tagged_candidates(ctx, norm, [w for w in words if w[3] in NAME_TAGS], cands)
        cands += site_names(ctx, norm, words, cands)
        cands += zone_names(ctx, norm, words, cands) + bracketed_zones(ctx, norm, words)
        cands = mend_tagged_persons(ctx, cands, toks) + dotted_persons(norm, words, cands)
    if forms and "Person" in ctx.schema.classes:
        cands = persons_win(cands + titled_persons(ctx, norm, toks, cands, words))
    if forms:
        cands = joined_events(ctx, norm, enlarged_meetings(ctx, norm, cands))  # (after the tagger: its body, 丙山市委|常委会)
        cands += member_rooms(ctx, norm, cands) + party_committees_in_titles(ctx, norm, cands)
    if rec is not None and rec.gazetteer is not None:
        cands += gazetteer_candidates(ctx, norm, rec.gazetteer, cands)
    if forms:
        cands = split_bodies(ctx, norm, cands + short_bodies(ctx, norm, cands, words)
                             + enterprises_after_places(ctx, norm, words))
    cands = places_named(ctx, norm, cands)
    cands = [c for c in residents_body(ctx, norm, without_term(ctx, norm, cands)) if c.nested or not (
        with_determiner(ctx, norm[c.i:c.j], c.cls) or common_platform(ctx, norm[c.i:c.j], c.cls, c.rule, norm[c.j: c.j + 8])
        or graph_common_platform(ctx, norm, c))]
    breaks = phrase_breaks(norm, nt.pos[base: base + len(norm)], nt.text) if nt.text != nt.norm else []
    cands += datelines(ctx, norm, breaks) if forms else []
    if breaks:  # no name runs across the space between two phrases of a headline (persons may hold one)
        cands = [c for c in cands if c.cls == "Person" or bisect_right(breaks, c.i) == bisect_left(breaks, c.j)]
    chosen = resolve(cands)
    if forms:
        chosen += lists(ctx, norm, toks, chosen)
        chosen = resolve(chosen)
    chosen += _nested_known(ctx, chosen, cands, norm)
    if forms:
        chosen += places_of_rooms(ctx, norm, chosen)
        chosen += _brand_heads(norm, chosen)
    by = found_by(cands)
    for c in chosen:
        c.by = by.get((c.i, c.j), ()) or found_by([c])[(c.i, c.j)]
        if not c.name:
            c.name = strip_name(norm[c.i:c.j])
        c.i += base
        c.j += base
    return chosen


def _candidates(ctx: FinderContext, norm: str, toks: Tokens, orig_of, rec: Recognizers | None = None) -> list[Candidate]:
    """The candidates of the forms and the graph's names in a block (the parts of *rec*), overlapping."""
    cands: list[Candidate] = []
    if rec is not None and "forms" not in rec:
        return graph_names(ctx, norm, toks) if "graph" in rec else []
    cands += titles(ctx, norm)
    cands += quotes(ctx, norm, toks, orig_of=orig_of)
    if rec is None or "graph" in rec:
        cands += graph_names(ctx, norm, toks)
    cands += structured(ctx, norm, toks)
    cands += suffixed(ctx, norm, toks)
    cands += venues(ctx, norm, toks)
    cands += mechanisms(ctx, norm, toks)
    cands += collaborations(norm)
    cands += sectors(norm)
    cands += joint_bodies(norm)
    cands += level_bodies(ctx, norm)
    cands += special_committees(ctx, norm, toks)
    cands += short_committees(ctx, norm, toks)
    cands += committee_short_forms(ctx, norm)
    cands += set_forms(ctx, norm, toks)
    cands += honours(norm) + commended(norm) + civic_titles(norm) + national_concepts(norm)
    cands = quote_lists(ctx, norm, cands)
    cands = parentheticals(ctx, norm, cands)
    # a quoted name that ends a title is the title itself, not a name inside it
    return [c for c in cands if not (c.nested and c.rule == "quote+word" and ctx.schema.is_a(c.cls, "Document"))]


# ------------------------------------------------------------ names of the graph inside longer names
def _nested_known(ctx: FinderContext, chosen: list[Candidate], cands: list[Candidate], norm: str = "") -> list[Candidate]:
    """The graph's names inside a longer mention (主题教育 in 主题教育读书班, 内蒙古自治区党委 in
    内蒙古自治区党委统战部): mentions of their own; not places inside places."""
    tops = [c for c in chosen if not c.nested]
    have = {(c.i, c.j) for c in chosen}
    inner = [(c.i, c.j) for c in chosen if c.nested]
    out = []
    for d in cands:
        if (d.i, d.j) in have or any(d.i < b and a < d.j for a, b in inner):
            continue  # a name found already, or one that overlaps a name found inside a title or quote
        if d.rule in _HEAD_RULES and d.j - d.i >= 4 and _heads_event(ctx, d, tops, norm[d.i:d.j]):
            d.nested = True  # the body or session that begins an event's or a document's name:
            # 自治区政协十三届一次会议|提案交办会, 政协X旗第十一届委员会常务委员会|工作报告
            out.append(d)
            have.add((d.i, d.j))
            continue
        if d.rule not in ("dictionary", "thought of a person", "region of provinces"):
            continue
        box = next((c for c in tops if c.i <= d.i and d.j <= c.j and (c.i, c.j) != (d.i, d.j)), None)
        if box is None or box.rule == "dictionary" and d.rule == "dictionary" or box.rule.startswith("listed") \
                or d.j == box.j:
            continue  # inside a name of the graph, or inside an item of a list (a clause, not a name)
        if ctx.schema.is_a(d.cls, "Place") and (ctx.schema.is_a(box.cls, "Place") or d.i == box.i and not ctx.schema.is_a(box.cls, "Event")):
            continue  # a place that begins a body's name is part of that name (内蒙古自治区政协), not of an event's
        d.nested = True
        out.append(d)
        have.add((d.i, d.j))
    return resolve_nested(out)


def _brand_heads(norm: str, chosen: list[Candidate]) -> list[Candidate]:
    """The idea a brand of work is named after is a concept of its own: 打造北疆文化品牌 -> 北疆文化."""
    out = []
    inner = [(c.i, c.j) for c in chosen if c.nested]
    for c in chosen:
        if c.nested or not c.rule.startswith("set up by") or not norm[c.i:c.j].endswith("品牌"):
            continue
        head = norm[c.i: c.j - 2]
        if len(head) < 4 or re.search(_GENERIC_BRAND_HEAD, head) or any(c.i <= a < c.j for a, _b in inner):
            continue
        out.append(Candidate(c.i, c.j - 2, "Concept", "idea of a brand", 50, nested=True, name=head))
    return out


def _heads_event(ctx: FinderContext, d: Candidate, tops: list[Candidate], name: str) -> bool:
    box = next((c for c in tops if c.i == d.i and d.j < c.j), None)
    if box is None or box.rule == "dictionary" or not (ctx.schema.is_a(box.cls, "Event") or (
            ctx.schema.is_a(box.cls, "Document") and box.rule != "title")):
        return False  # (the names inside a title in 《》 are found apart)
    if ctx.schema.is_a(d.cls, "Event"):
        return ctx.schema.is_a(box.cls, "Event")
    if d.cls in LEXICON.class_groups["body"] or re.search(f"{NUMERAL}次", name) or name.startswith("第"):
        return False  # a study group (理论中心组), the ordinal of the meeting (十二次常委会) or of the event
        # (第五届兴安盟政协书画摄影展): not a body
    return ctx.schema.is_any(d.cls, "body")


@lru_cache(maxsize=1)
def demo_finder() -> MentionFinder:
    """A finder with the ontology of the repository and no names (for the examples of the docs)."""
    return MentionFinder.of_context(demo_context())
