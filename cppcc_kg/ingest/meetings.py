"""Spans of meetings across the pool of candidates (issue 13, seventh pass (a)): two meetings joined by 和, the words
before a meeting's ordinal, the meeting a preparatory meeting prepares.

Each function takes the finder's context, the normalised text and the pool of candidates, and returns the pool with
the events re-cut or added; :class:`cppcc_kg.ingest.patterns.MentionFinder` calls them after the forms' rules.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext
from cppcc_kg.ingest.forms import (
    EVENT_ENDS_LONGEST_FIRST,
    NUMERAL,
    ORG_SUFFIXES,
    PLACE_SUFFIXES,
    Candidate,
    made_of,
    strip_name,
)
from cppcc_kg.ingest.lexicon import LEXICON

#: an ordinal of a meeting or a term (第二届, 第四次, 九届十四次) at the start of a name
_ORDINAL = re.compile(f"第{NUMERAL}[届次]|{NUMERAL}届(?:{NUMERAL}次)?")
#: a meeting held to prepare another (…会议筹备会议, …大会筹备会)
_PREPARES = re.compile(r"筹备(?:会议|会|工作会议|工作会)$")
#: level words that begin a body's name (自治区党委, 市委): lexicon ``[levels] name_start``
_LEVEL_WORDS = "|".join(w for w, _l in sorted(LEXICON.levels["name_start"], key=lambda wl: -len(wl[0])))
#: the last words of an organizer before a meeting's ordinal: a body or a place (市政协|第二届…, 某区委|第四次…)
_OWNER_ENDS = tuple(ORG_SUFFIXES + PLACE_SUFFIXES) + ("委", "中共", "全国")


def _events(ctx: FinderContext, pool: list[Candidate]) -> list[Candidate]:
    return [c for c in pool if not c.nested and ctx.schema.is_a(c.cls, "Event") and c.rule == "event form"]


def _owner_start(ctx: FinderContext, norm: str, pool: list[Candidate], x: int) -> int:
    """Where the body (and its place or level word) right before *x* begins: 自治区|党委, 包头市|党委; else *x*."""
    start = x
    while True:
        before = [b.i for b in pool if b.j == start and b.i < start and (
            ctx.schema.is_any(b.cls, "body") or ctx.schema.is_a(b.cls, "Place"))]
        level = re.search(f"({_LEVEL_WORDS})$", norm[max(0, start - 3):start]) if start < x else None
        if before:
            start = min(before)
        elif level:
            start -= len(level.group(1))
        else:
            return start


def two_meetings(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """A meeting's name that holds two meetings joined by 和, 及 or 与 (A全委会议和市委B全委会议) is two names; the first,
    named by its term alone (九届十四次全委会议), begins with the body right before it (自治区党委|九届…).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "自治区党委九届十四次全委会议和市委十一届八次全委会议精神"
    >>> pool = [Candidate(0, 5, "PartyOrgan", "dictionary", 80), Candidate(5, 26, "Meeting", "event form", 50)]
    >>> [norm[c.i:c.j] for c in two_meetings(demo_context(), norm, pool)]
    ['自治区党委', '自治区党委九届十四次全委会议', '市委十一届八次全委会议']
    """
    out = list(pool)
    for c in _events(ctx, pool):
        name = norm[c.i:c.j]
        k = next((k for k in range(2, len(name) - 2) if name[k] in "和及与" and name[:k].endswith(EVENT_ENDS_LONGEST_FIRST)), None)
        if k is None:
            continue
        o = _ORDINAL.search(name[:k])
        start = min(c.i, _owner_start(ctx, norm, pool, c.i + o.start())) if o else c.i
        out.remove(c)
        out += [Candidate(start, c.i + k, c.cls, c.rule, c.prio), Candidate(c.i + k + 1, c.j, c.cls, c.rule, c.prio)]
    return out


def ordinal_starts(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """A meeting's name begins with its ordinal (第二届…会议) when the words before the ordinal are no body or place
    (区县协商|第二届联席协作会议: what precedes an ordinal in a meeting's name is its organizer: 市政协第二届…论坛,
    中共某区委第四次政协工作会); and a meeting held to prepare another (…会议筹备会议) holds that meeting's name.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "与区县协商第二届联席协作会议筹备会议召开"
    >>> [norm[c.i:c.j] for c in ordinal_starts(demo_context(), norm, [Candidate(1, 18, "Meeting", "event form", 50)])]
    ['第二届联席协作会议筹备会议', '第二届联席协作会议']
    """
    out = list(pool)
    for c in _events(ctx, pool):
        name = norm[c.i:c.j]
        m = re.search(_ORDINAL, name)
        start = c.i
        if m and m.start() > 0 and not re.match(f"{NUMERAL}", name[m.start() - 1:]) \
                and not name[:m.start()].endswith(_OWNER_ENDS) and not re.search(r"\d{4}年度?$", name[:m.start()]):
            start = c.i + m.start()
            out.remove(c)
            out.append(Candidate(start, c.j, c.cls, c.rule, c.prio, name=strip_name(norm[start:c.j])))
        prep = _PREPARES.search(norm[start:c.j])
        if prep and norm[start:c.j - len(prep.group(0))].endswith(EVENT_ENDS_LONGEST_FIRST):
            out.append(Candidate(start, c.j - len(prep.group(0)), c.cls, "prepared meeting", c.prio, nested=True))
    return out


#: words of the activities held within a session (界别小组活动, 分组讨论): the lexicon's kinds of activity and of groups
_WITHIN = tuple(LEXICON.spans.get("generic_activity_words", ())) + ("小组", "分组", "讨论", "界别")


def activities_of_a_meeting(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """An activity named by a meeting and words of a kind of activity only (…第四次会议|界别小组活动) is the meeting's
    business, not an event of its own: the name is the meeting's.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "政协某市第十二届委员会第四次会议界别小组活动安排"
    >>> [norm[c.i:c.j] for c in activities_of_a_meeting(demo_context(), norm, [Candidate(0, 22, "Event", "event form", 50)])]
    ['政协某市第十二届委员会第四次会议']
    """
    out = list(pool)
    for c in _events(ctx, pool):
        name = norm[c.i:c.j]
        k = name.rfind("会议")
        if name.endswith("活动") and k > 0 and made_of(name[k + 2:-2], _WITHIN):
            end = c.i + k + 2  # (and no name of the words after the meeting: …会议界别 is no body)
            out = [b for b in out if b is not c and not (b.i <= c.i and end < b.j <= c.j)]
            out.append(Candidate(c.i, end, "Meeting", c.rule, c.prio))
    return out


#: an enlarged meeting with 扩大 in brackets between its body and 会议: 市委常委会(扩大)会议 (eighth pass)
_ENLARGED = re.compile(r"[(（]扩大[)）]会议")
_BODY_HEADS = tuple(sorted(ORG_SUFFIXES, key=len, reverse=True))


def enlarged_meetings(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """A body then (扩大)会议 is the body's enlarged meeting, an event whose name holds the body and its place
    (晋江市委常委会(扩大)会议, as 市委常委会扩大会议 is one name); the body stays a mention inside it.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "传达甲市委常委会(扩大)会议精神"
    >>> pool = [Candidate(2, 8, "StandingCommittee", "body", 70)]
    >>> [(norm[c.i:c.j], c.cls) for c in enlarged_meetings(demo_context(), norm, pool)][1:]
    [('甲市委常委会(扩大)会议', 'Meeting')]
    """
    out = list(pool)
    for m in _ENLARGED.finditer(norm):
        x = m.start()
        start = _owner_start(ctx, norm, pool, x)
        head = next((h for h in _BODY_HEADS if norm.endswith(h, 0, x)), "")
        if start == x and head and _owner_start(ctx, norm, pool, x - len(head)) < x - len(head):
            start = _owner_start(ctx, norm, pool, x - len(head))  # 丙山市委|常委会: the tagger read the body short
        body = head or any(b.j == x and ctx.schema.is_any(b.cls, "body") for b in pool)
        if start < x and body:  # a body's meeting: a place alone before it (甲山市(扩大)会议) is none (rev7)
            out.append(Candidate(start, m.end(), "Meeting", "enlarged meeting", 72, name=strip_name(norm[start:m.end()])))
    return out
