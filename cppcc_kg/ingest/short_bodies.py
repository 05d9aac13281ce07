"""Bodies written in short forms (区委办, 区政协主席会, 赤峰二中党委, 红山区第九届政协, 提案审查委员会), and the
spans of bodies cut where they hold more than one name (a province before a city's body, two bodies joined, a room
named only by its places) or no name (中心工作: a task).

Rules of the forms of names (:mod:`cppcc_kg.ingest.patterns`), issue 13's seventh pass (b): the real sets' guidelines
(``tests/fixtures/ingest/real/README.md``) list bodies named in titles and short forms, a province written without its
level word before a city's body as a place of its own (新疆|阿拉山口市政协, 江苏|淮安市…), and the places of a room
named only by them (a descriptive facility). Word lists are data in ``lexicon.toml`` (``[recognizers]
province_names``, ``review_fields``, ``school_bodies``, ``centre_staff``, ``member_rooms``).
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.bodies import _ROOMS
from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import NUMERAL, Candidate, made_of, strip_name
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.merge import (
    _enterprise_split,
    is_generic,
    join_of_two_bodies,
    place_chain,
)
from cppcc_kg.ingest.named import _FIELD, _PARTY

__all__ = ["enterprises_after_places", "places_of_rooms", "short_bodies", "split_bodies"]

_REC = LEXICON.recognizers
#: the office of a level's party committee or government (区委办, 市政府办), where a word that follows a body's name
#: follows it (文件, 印发, a mark of a list)
_OFFICE = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=[以由经和及与、]))([省市县区州旗盟](?:委|政府)办)"
                     r"(?=文件|发文|印发|牵头|负责|联合|[和及与等，。、；）\s]|$)")
#: the chairpersons' council of a committee in its short form (区政协主席会: not 主席会议, 主席会见)
#: a character after 主席会 that makes it a word of its own (主席会议, 主席会见): no council
_NOT_COUNCIL = re.compile("[议见同谈晤商面签长]")
_COUNCIL = re.compile(r"(?:(?<![\u4e00-\u9fff])|(?<=[以由经和及与、在]))([省市县区州旗盟]政协主席会)(?!"
                      + _NOT_COUNCIL.pattern + ")")
_REVIEW = re.compile("(?:" + "|".join(sorted(_REC["review_fields"], key=len, reverse=True)) + ")审查委员会")
#: the committee of a party or a people's organization of a level, before a title (县工商联|主席, 市科协|党组书记)
_LEVEL_PARTY_TITLED = re.compile(r"(?:(?<=[，。；：、（）“”\s和及与])|^)[省市县区州盟旗]" + _PARTY
                                 + "(?=主席|副主席|党组|书记|副书记|秘书长|主委|副主委)")
#: a party's committee of a level, with its place or without (九三学社市委会, 民盟市委|主委, 民建湖南省委|主委)
_PARTY_OF_LEVEL = re.compile(_PARTY + r"((?:(?![和与及的等人在员])[\u4e00-\u9fff]){0,8}?[省市县区州盟旗])"
                             r"(?:委员会|委会|委(?=主委|副主委|秘书长|[，。；、和及与]))")
#: tags of the segmenter's words that are no part of a place's name (verbs, prepositions, conjunctions, adverbs; not
#: verbal nouns: 合作市): between a party and a level's committee they make a clause (民革|组织参加|市委), not a place
#: (民建|湖南省|委)
_CLAUSE_TAGS = frozenset({"v", "vd", "p", "c", "d"})
#: a special committee named by two fields or more joined, as an item of a list (、社会和法制委员会联合…)
_FIELDS_JOINED = re.compile(r"(?<=[、，；：])" + _FIELD + f"(?:和?{_FIELD})+" + "(?:工作)?委员会")
_SCHOOL = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:[一二三四五六七八九十]+[中小]|实验中学|实验小学)")
#: a school or a hospital of a level named by its number, after a word that ends no name (到市第三十五中学, 县第一人民医院)
_NUMBERED_LEVEL_BODY = re.compile(r"(?:(?<=[到在赴和与及、对，。；：（\s])|^)[省市县区州旗盟]第" + NUMERAL
                                  + "(?:高级中学|中学|小学|人民医院|医院)")
_SCHOOL_BODY = re.compile("(?:" + "|".join(_REC["school_bodies"]) + ")")
#: the term of a committee between its place and 政协, in a member's title (红山区|第九届政协|委员)
_TERM_BODY = re.compile(f"第?{NUMERAL}届政协(?=委员|常委|主席|副主席)")
_PROVINCES = tuple(sorted(_REC["province_names"], key=len, reverse=True))
#: a city or a county with its level word (阿拉山口市, 淮安市), after a province's name without its own
_CITY = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|市|州|盟|县|区|旗)")
_ROOM = re.compile("委员" + _ROOMS + "$")
_LEVEL_ENDS = tuple(_REC["gazetteer_endings"])
_ENTERPRISES = tuple(_REC["enterprise_heads"])
_GROUP_HEADS = tuple(sorted(_REC["group_heads"], key=len, reverse=True))
#: a level word inside a place of a chain (丰镇|集镇社区 read as one): the chain is not cut right
_INNER_LEVEL = re.compile("[镇乡村区县市旗]")
#: heads of bodies of two characters or more: a head of one (会, 社) may end an ordinary word (社会)
_LONG_HEADS = tuple(h for h in _REC["org_heads"] if len(h) >= 2)


def _cand(ctx: FinderContext, norm: str, i: int, j: int, default: str, rule: str, prio: int = 61) -> Candidate:
    name = norm[i:j]
    return Candidate(i, j, classify(ctx, name, default), rule, prio, name=strip_name(name))


def short_bodies(ctx: FinderContext, norm: str, pool: list[Candidate],
                 words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """Bodies in short forms: the office of a level's committee or government (区委办), a committee's chairpersons'
    council (区政协主席会, also after a committee found: 大兴区政协|主席会), a review committee with its field
    (提案审查委员会), a special committee named by its fields joined in a list (、社会和法制委员会), a party or a people's organization of a level before a title (县工商联主席) or a party's committee
    of a level (九三学社市委会, 民建湖南省委主委), a school's party committee (赤峰二中党委, after the tagger's school) and a committee with its
    term in a member's title (红山区|第九届政协|委员).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "经区政协主席会审议后,以区委办文件印发,由提案审查委员会审查,到市第三中学调研"
    >>> [norm[c.i:c.j] for c in short_bodies(demo_context(), norm, [], [])]
    ['区委办', '区政协主席会', '提案审查委员会', '市第三中学']
    """
    office = "GeneralOffice" if "GeneralOffice" in ctx.schema.classes else "Organization"  # (not a bureau: 办)
    out = [Candidate(*m.span(1), office, "office in short", 61, name=m.group(1)) for m in _OFFICE.finditer(norm)]
    out += [_cand(ctx, norm, *m.span(1), "ChairpersonsCouncil", "council in short") for m in _COUNCIL.finditer(norm)]
    out += [_cand(ctx, norm, *m.span(), "Organization", "review committee") for m in _REVIEW.finditer(norm)]
    out += [_cand(ctx, norm, *m.span(), "Organization", "numbered school") for m in _NUMBERED_LEVEL_BODY.finditer(norm)]
    special = "SpecialCommittee" if "SpecialCommittee" in ctx.schema.classes else "Organization"
    out += [Candidate(*m.span(), special, "fields of a committee", 63, name=m.group(0)) for m in _FIELDS_JOINED.finditer(norm)]
    out += [Candidate(*m.span(), "Organization", "party of a level", 64, name=m.group(0))
            for m in _LEVEL_PARTY_TITLED.finditer(norm)]
    out += [Candidate(*m.span(), "Organization", "party of a level", 64, name=m.group(0))
            for m in _PARTY_OF_LEVEL.finditer(norm) if not _clause_between(ctx, m.group(1))]
    for c in pool:
        if c.nested or not ctx.schema.is_any(c.cls, "body") and not ctx.schema.is_a(c.cls, "Place"):
            continue
        if norm.startswith("主席会", c.j) and norm.endswith("政协", 0, c.j) and not _NOT_COUNCIL.match(norm, c.j + 3):
            out.append(_cand(ctx, norm, c.i, c.j + 3, "ChairpersonsCouncil", "council in short"))
        m = _TERM_BODY.match(norm, c.j) if ctx.schema.is_a(c.cls, "Place") else None
        if m:
            out.append(_cand(ctx, norm, c.i, m.end(), "CPPCCCommittee", "committee with its term"))
    for i, j, w, t in words:
        i, w = i + len(w) - len(w.lstrip()), w.strip()  # (the tagger's word may hold the line breaks before it)
        if t == "ORG" and _SCHOOL.fullmatch(w) and "届" not in w:  # (not a plenum: 十九届三中|全会)
            m = _SCHOOL_BODY.match(norm, j)
            out.append(_cand(ctx, norm, i, m.end() if m else j, "Organization", "school"))
    return out


def _clause_between(ctx: FinderContext, gap: str) -> bool:
    """Whether the words *gap* between a party and its committee (with the level word: 湖南省, 市) hold a verb, a
    preposition, a conjunction or an adverb of two characters or more (组织参加市: a clause), not a place's name.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> [_clause_between(demo_context(), g) for g in ("组织参加市", "湖南省", "包头市", "市")]
    [True, False, False, False]
    """
    return any(len(w) >= 2 and p in _CLAUSE_TAGS for _i, _j, w, p in ctx.seg.tokens(gap))


def enterprises_after_places(ctx: FinderContext, norm: str, words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """An enterprise named by a brand after the place it is in (甲镇|金穗葡萄家庭农场): the tagger's place, then a word
    it reads as a name (``nz``, ``ORG``), nouns, and the last word of an enterprise (``enterprise_heads``); the place
    stays a name of its own.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ws = [(0, 3, "甲溪镇", "LOC"), (3, 7, "金穗葡萄", "nz"), (7, 9, "家庭", "n"), (9, 11, "农场", "n")]
    >>> [c.name for c in enterprises_after_places(demo_context(), "甲溪镇金穗葡萄家庭农场", ws)]
    ['金穗葡萄家庭农场']
    """
    out = []
    for k, (_i, j, _w, t) in enumerate(words[:-1]):
        a, _b, w1, t1 = words[k + 1]
        if t != "LOC" or a != j or t1 not in ("nz", "ORG") or len(w1) < 2 or w1.endswith(_ENTERPRISES):
            continue
        for _a, b, w, tw in words[k + 1: k + 5]:
            if tw not in ("n", "nz", "ORG", "vn") or not re.fullmatch(r"[\u4e00-\u9fff]+", w):
                break
            if w.endswith(_ENTERPRISES) and b - a > len(w) and not is_generic(norm[a:b]):
                out.append(_cand(ctx, norm, a, b, "Organization", "enterprise after its place"))
                break
    return out


def split_bodies(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """The pool with bodies cut where they hold other names or none: a province's name without its level word before a
    city's body (新疆|阿拉山口市政协 → the place and the body), two bodies joined (政协办公厅|和|专门委员会), a member's
    room that the tagger reads as a place (a room, see :func:`places_of_rooms`), a body's central task
    (省委省政府中心|工作: no centre), a group named by the words of its kind (工作专班: a common noun) and the last
    item of a list of places with a shared head that names their organs (甲区、乙县|政协机关: the place).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "新疆阿拉山口市政协组织委员,政协办公厅和专门委员会负责"
    >>> pool = [Candidate(0, 9, "CPPCCCommittee", "org form", 60), Candidate(14, 25, "SpecialCommittee", "x", 60)]
    >>> [norm[c.i:c.j] for c in split_bodies(demo_context(), norm, pool)]
    ['新疆', '阿拉山口市政协', '政协办公厅', '专门委员会']
    """
    out = []
    for c in pool:
        name = norm[c.i:c.j]
        if c.nested or c.rule == "title" or c.rule.startswith("quote") or ctx.schema.is_a(c.cls, "Event"):
            out.append(c)
            continue
        if ctx.schema.is_a(c.cls, "Place"):
            if _room_places(ctx, norm, c, name):  # the tagger reads a room as a place: 乙社区委员工作室
                c = Candidate(c.i, c.j, classify(ctx, name, "Platform"), c.rule, c.prio, name=c.name)
            parts = _enterprise_split(ctx, norm, Candidate(c.i, c.j, classify(ctx, name, "Organization"), c.rule, c.prio)) \
                if name.endswith(_ENTERPRISES) and c.rule != "tagger zone" else [c]
            if len(parts) > 1:  # 甲镇|乙农场: an enterprise after its town (a farm alone stays a site: 香山农场)
                out += parts
                continue
            k = _province_before_city(name, whole=True) if c.rule != "tagger zone" else 0
            out += [_cand(ctx, norm, c.i, c.i + k, "Place", c.rule, c.prio), _cand(ctx, norm, c.i + k, c.j, "Place", c.rule, c.prio)] \
                if k else [c]  # 江苏|淮安市: a chain of two places
            continue
        if name.endswith("中心") and norm.startswith("工作", c.j) and not norm.startswith(_REC["centre_staff"], c.j + 2):
            continue  # 围绕省委省政府中心|工作: the central task, no centre
        if _common_group(name) and c.rule != "dictionary":
            continue  # 成立7个工作专班, 委员联络组: a kind of group, no name
        out += _split(ctx, norm, c, name)
    return out


def _common_group(name: str) -> bool:
    """A group named only by the words of its kind (工作专班, 专项调研组, 委员联络组; not 区域合作专班).

    >>> _common_group("专项调研组"), _common_group("工作专班"), _common_group("区域合作专班")
    (True, True, False)
    """
    head = next((h for h in _GROUP_HEADS if name.endswith(h)), None)
    return head is not None and len(name) > len(head) and made_of(name[: -len(head)], _REC["generic_group_words"])


def _shared_head(norm: str, c: Candidate, name: str) -> int:
    """Where the place ends in the last item of a list of places with a shared head that names a common noun, the
    organs of their bodies (甲区、乙县|政协机关: the item names the place; a body whose name is a common noun is no
    required name by the real sets' guidelines, while 甲区、乙区政协 names the committee), or 0.

    >>> _shared_head("深入海城区、合浦县政协机关", Candidate(6, 13, "Organ", "x", 60), "合浦县政协机关")
    3
    """
    place = _CITY.match(name)
    head = name[place.end():] + ("机关" if norm.startswith("机关", c.j) else "") if place else ""
    if place is None or norm[c.i - 1: c.i] != "、" or not head.endswith("机关") or not is_generic(head):
        return 0  # (the tagger may stop before 机关: 乙县政协|机关)
    before = re.search(r"[\u4e00-\u9fff]{2,8}$", norm[max(0, c.i - 9): c.i - 1])
    return place.end() if before and before.group(0).endswith(_LEVEL_ENDS) else 0


def _province_before_city(name: str, whole: bool = False) -> int:
    """The length of a province's name written without its level word before a city or a county with its own
    (新疆|阿拉山口市政协, 江苏|淮安市), or 0; *whole*: the city ends the name (a place), else a body's head follows it.

    >>> _province_before_city("新疆阿拉山口市政协"), _province_before_city("江苏淮安市", whole=True)
    (2, 2)
    >>> _province_before_city("北京有关区县政协"), _province_before_city("新疆维吾尔自治区政协"), _province_before_city("江苏省政协")
    (0, 0, 0)
    >>> _province_before_city("海南藏族自治州政协"), _province_before_city("香港特别行政区政府")
    (0, 0)
    """
    province = next((p for p in _PROVINCES if name.startswith(p)), None)
    if province is None or re.match("[省市]|自治|维吾尔|壮族|回族|特别行政区", name[len(province):]):
        return 0
    city = _CITY.match(name, len(province))
    if city is None or (city.end() == len(name)) != whole or any(d in city.group(0) for d in _REC["determiners"]) \
            or "族" in city.group(0) \
            or name[city.end(): city.end() + 1] in tuple("县区市旗"):
        return 0
    return len(province)


def _split(ctx: FinderContext, norm: str, c: Candidate, name: str) -> list[Candidate]:
    shared = _shared_head(norm, c, name)
    if shared:
        return [_cand(ctx, norm, c.i, c.i + shared, "Place", "item of a list of places", c.prio)]
    k = _province_before_city(name)
    if k:
        return [_cand(ctx, norm, c.i, c.i + k, "Place", "province before a body", c.prio),
                Candidate(c.i + k, c.j, c.cls, c.rule, c.prio, name=strip_name(norm[c.i + k:c.j]))]
    join = join_of_two_bodies(name) if ctx.schema.is_any(c.cls, "body") else None
    if join is not None and name[: join[0]].endswith(_LONG_HEADS) and name[join[1]:].endswith(_LONG_HEADS):
        parts = [(c.i, c.i + join[0]), (c.i + join[1], c.j)]
        return [_cand(ctx, norm, a, b, "Organization", c.rule, c.prio) for a, b in parts if not is_generic(norm[a:b])]
    return [c]


def places_of_rooms(ctx: FinderContext, norm: str, chosen: list[Candidate]) -> list[Candidate]:
    """The places of a member's room named only by them, as mentions nested in the room (甲区乙社区委员工作室 → 甲区,
    乙社区: the real sets list the places of such a room, a descriptive facility, and the room as optional).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "在甲山区乙山社区委员工作室"
    >>> [norm[c.i:c.j] for c in places_of_rooms(demo_context(), norm, [Candidate(1, 13, "Platform", "x", 60)])]
    ['甲山区', '乙山社区']
    """
    out = []
    for c in chosen:
        if not c.nested and not ctx.schema.is_a(c.cls, "Place"):
            out += [Candidate(p.i, p.j, p.cls, p.rule, p.prio, nested=True, name=p.name)
                    for p in _room_places(ctx, norm, c, norm[c.i:c.j])]
    return out


def _room_places(ctx: FinderContext, norm: str, c: Candidate, name: str) -> list[Candidate]:
    """The places of a member's room named only by them (甲区乙社区委员工作室 → 甲区, 乙社区), or none."""
    room = _ROOM.search(name)
    if room is None or room.start() < 3:
        return []
    chain = place_chain(name[: room.start()])
    if not all(name[a:b].endswith(_LEVEL_ENDS) and b - a >= 3 and not _INNER_LEVEL.search(name, a, b - 1)
               for a, b in chain):
        return []  # (a place inside a part: the chain is cut wrong, 迎|丰镇集镇社区)
    return [_cand(ctx, norm, c.i + a, c.i + b, "Place", "places of a room", c.prio) for a, b in chain]
