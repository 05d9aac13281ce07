"""Bodies named in short forms beside other names: rooms named after a member, the term of a committee written
before its name, and the party committee of a place read in the title of its secretary.

These candidates join the pool of the forms of names (:mod:`cppcc_kg.ingest.patterns`) (the real sets' guidelines,
``tests/fixtures/ingest/real/README.md``, list such bodies); the word lists are data in ``lexicon.toml``.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import Candidate, strip_name
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.merge import SURNAMES

__all__ = ["member_rooms", "party_committees_in_titles", "without_term"]

_ROOMS = "(?:" + "|".join(sorted(LEXICON.recognizers["member_rooms"], key=len, reverse=True)) + ")"
_ROOM = re.compile("委员" + _ROOMS)
#: a member's room named after the member, after a mark of a list (、张某某委员工作室)
_ROOM_AFTER_MARK = re.compile(r"(?<=[、，,：:的为和与及\s])([\u4e00-\u9fff]{2,3}?)委员" + _ROOMS)


def member_rooms(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """Rooms named after a member (张某某委员工作室, 吴某某委员调解室: the lexicon's ``member_rooms`` after 委员): the
    name begins with the person the tagger reads right before it, or after a mark of a list with a common surname.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "为新成立的张文有委员工作室、刘芳委员工作室揭牌,走访侨港镇吴方权委员调解室"
    >>> per = [Candidate(norm.index("吴方权"), norm.index("吴方权") + 3, "Person", "tagger PER", 40)]
    >>> [norm[c.i:c.j] for c in member_rooms(demo_context(), norm, per)]
    ['吴方权委员调解室', '张文有委员工作室', '刘芳委员工作室']
    """
    out = []
    for c in pool:
        m = _ROOM.match(norm, c.j) if c.cls == "Person" and not c.nested else None
        if m:
            out.append(Candidate(c.i, m.end(), classify(ctx, norm[c.i:m.end()], "Platform"), "member's room", 66))
    for m in _ROOM_AFTER_MARK.finditer(norm):
        if m.group(1)[0] in SURNAMES:
            out.append(Candidate(m.start(), m.end(), classify(ctx, m.group(0), "Platform"), "member's room", 66))
    return out


#: the term of a committee before its name (十一届|省政协常委会, 第十届|州政协): not part of the body's name
_TERM = re.compile(r"第?[0-9一二三四五六七八九十]+届(?=[\u4e00-\u9fff]{3})")


def without_term(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """The name of a body begins after the term of the committee written before it (十一届|省政协常委会: the real sets'
    guidelines leave the term out of a body's span; a session keeps it: 十一届二次会议 is no body).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> [(c.i, c.j) for c in without_term(demo_context(), "十一届省政协常委会", [Candidate(0, 9, "StandingCommittee", "a", 60)])]
    [(3, 9)]
    """
    out = []
    for c in pool:
        m = _TERM.match(norm, c.i) if not c.nested and ctx.schema.is_any(c.cls, "body") else None
        if m and m.end() < c.j:
            c = Candidate(m.end(), c.j, c.cls, c.rule, c.prio, name=strip_name(norm[m.end():c.j]), iri=c.iri)
        out.append(c)
    return out


#: a party committee of a place named in the title of its secretary (曹妃甸|区委书记, 某某县|委副书记)
_COMMITTEE_IN_TITLE = re.compile(r"[省市县区州盟旗]?(?:党)?委(?=副?书记|常委)")


def party_committees_in_titles(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """The party committee of a place read before its level word and 委 in a title: 曹妃甸区委书记 → 曹妃甸区委 (the
    real sets list bodies named in a title).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> [("市委常委、曹妃甸区委书记"[c.i:c.j], c.cls) for c in party_committees_in_titles(
    ...     demo_context(), "市委常委、曹妃甸区委书记", [Candidate(5, 8, "Place", "tagger LOC", 40)])]
    [('曹妃甸区委', 'PartyOrgan')]
    """
    out = []
    for c in pool:
        m = _COMMITTEE_IN_TITLE.match(norm, c.j) if ctx.schema.is_a(c.cls, "Place") and not c.nested else None
        if m and m.end() - c.i >= 4:
            out.append(Candidate(c.i, m.end(), "PartyOrgan", "party committee in a title", 62))
    return out
