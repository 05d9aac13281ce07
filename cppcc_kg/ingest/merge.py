"""The parts of the hybrid recognizer, and the candidates of the tagger and the gazetteer, ready to merge.

Ingest proposes names from four recognizers (its *parts*):

* ``forms``: the forms of names (titles, quotes, last words, phrases; :mod:`cppcc_kg.ingest.patterns`);
* ``graph``: the graph's own names and aliases (:func:`cppcc_kg.ingest.named.graph_names`);
* ``tagger``: the names a trained sequence tagger reads (:mod:`cppcc_kg.ingest.tagger`);
* ``gazetteer``: the names of administrative divisions (:mod:`cppcc_kg.ingest.gazetteer`), when a table is
  installed or given.

All candidates go into one pool, and :func:`cppcc_kg.ingest.forms.resolve` keeps the longest name the text
supports (then the higher priority: the forms and the graph before the tagger, the tagger before the
gazetteer). This module turns the tagger's and the gazetteer's spans into candidates with a class of the
ontology, and rejects what is not a name:

* a span that crosses the edge of a title in 《》 or of a quoted name (those win);
* a generic word or a bare head (the lexicon's ``[recognizers].generic``: 政协, 社区, 乡村 …);
* a body (the tagger's ``ORG``) whose name does not end with the head of a body (``org_heads``): a clipped
  span (市政协农业, 政协所);
* a chain of places is cut into its places (奉节县草堂镇欧营村 -> 奉节县, 草堂镇, 欧营村).

Classes come from the ontology's words and the lexicon's last words (:func:`cppcc_kg.ingest.context.classify`):
a place by its last word (…镇, …村, …市; ``Place`` otherwise), a body by its head, a person as ``Person``.

>>> from cppcc_kg.ingest.context import demo_context
>>> [(c.i, c.j, c.cls) for c in tagged_candidates(demo_context(), "在奉节县草堂镇欧营村", [(1, 10, "奉节县草堂镇欧营村", "LOC")], [])]
[(1, 4, 'BannerOrCounty'), (4, 7, 'SumuOrTownship'), (7, 10, 'Place')]
>>> tagged_candidates(demo_context(), "市政协农业", [(0, 5, "市政协农业", "ORG")], [])
[]
>>> recognizer_of("dictionary"), recognizer_of("tagger LOC"), recognizer_of("place form")
('graph', 'tagger', 'forms')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import (
    GENERIC_ORG_WORDS,
    ORG_WORDS,
    SHORT_FORM_RULE,
    Candidate,
    strip_name,
)
from cppcc_kg.ingest.gazetteer import Gazetteer, find_gazetteer_file, read_gazetteer
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.tagger import NAME_TAGS, Tagger
from cppcc_kg.ingest.text import IngestInputError

__all__ = ["DEFAULT_PARTS", "PARTS", "SURNAMES", "Recognizers", "choose_recognizers", "found_by", "gazetteer_candidates",
           "is_generic", "join_of_two_bodies", "joined_events", "place_chain", "recognizer_of", "refine", "residents_body",
           "short_forms_group", "site_names", "tagged_candidates", "two_bodies", "with_determiner"]

#: the parts of the recognizer, in the order they are listed
PARTS = ("forms", "graph", "tagger", "gazetteer")
#: the parts used when none are asked for: the gazetteer adds nothing to the tagger's places on the tuning
#: sets and costs 1.5 to 3 seconds and 40 MB more to load (bench/README.md, "The hybrid recognizer"), so it is used
#: only when asked for (by name, or by giving its table)
DEFAULT_PARTS = ("forms", "graph", "tagger")
#: priorities of the candidates of the tagger and the gazetteer (the rules of the forms use 45 to 90)
_PRIO_TAGGER = 40
_PRIO_GAZETTEER = 38
#: the rules of the graph's names (their names inside longer ones keep the rule)
_GRAPH_RULES = ("dictionary",)
_PLACE_CHAIN = re.compile("(?:" + "|".join(sorted(LEXICON.recognizers["gazetteer_endings"], key=lambda w: (-len(w), w)))
                          + ")")
_NOT_IN_NAME = re.compile(r"[\s，。、；：！？（）()《》“”‘’「」【】,.;:!?\"'/|<>]")
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}")


@dataclass
class Recognizers:
    """The parts chosen, with the tagger and the gazetteer they need (loaded once)."""

    parts: frozenset[str]
    tagger: Tagger | None = None
    gazetteer: Gazetteer | None = None
    gazetteer_path: str = ""

    def __contains__(self, part: str) -> bool:
        return part in self.parts


def choose_recognizers(asked=None, gazetteer: str | Path | None = None) -> Recognizers:
    """The parts *asked* (names of :data:`PARTS`, a list or a comma-separated string; None: the default,
    :data:`DEFAULT_PARTS`, with the gazetteer when its table is given), loaded. The gazetteer is read from
    *gazetteer* (a path) or from an installed jionlp; when it is asked for and there is none, an
    :class:`IngestInputError` says how to install it.

    >>> sorted(choose_recognizers("forms,graph").parts)
    ['forms', 'graph']
    """
    if asked is None:
        names = list(DEFAULT_PARTS) + (["gazetteer"] if gazetteer is not None else [])
        explicit = gazetteer is not None
    else:
        names = [n.strip() for n in (asked.split(",") if isinstance(asked, str) else asked) if n.strip()]
        unknown = [n for n in names if n not in PARTS]
        if unknown or not names:
            raise IngestInputError(f"unknown recognizer(s): {', '.join(unknown) or '(none given)'}",
                                   f"choose among {', '.join(PARTS)} (comma-separated), e.g. forms,graph,tagger.")
        explicit = "gazetteer" in names
    rec = Recognizers(parts=frozenset(names))
    if "gazetteer" in names:
        path = find_gazetteer_file(gazetteer)
        if path is None:
            if explicit:
                raise IngestInputError(
                    "the gazetteer was asked for, but no table of divisions is installed",
                    "install it with: pip install 'cppcc-kg[gazetteer]' (jionlp's table, read as data), or give "
                    "the path of china_location.zip with --gazetteer PATH; or leave gazetteer out of --recognizers.")
            rec.parts = rec.parts - {"gazetteer"}
        else:
            rec.gazetteer = read_gazetteer(path)
            rec.gazetteer_path = str(path)
    if "tagger" in rec.parts:
        rec.tagger = Tagger()  # onnxruntime is imported here, once
    return rec


def recognizer_of(rule: str) -> str:
    """The part that a rule belongs to."""
    if rule in _GRAPH_RULES:
        return "graph"
    if rule.startswith("tagger"):
        return "tagger"
    if rule == "gazetteer":
        return "gazetteer"
    return "forms"


def found_by(pool: list[Candidate]) -> dict[tuple[int, int], tuple[str, ...]]:
    """For each span of the *pool*, the parts that proposed it (sorted in the order of :data:`PARTS`)."""
    out: dict[tuple[int, int], set[str]] = {}
    for c in pool:
        out.setdefault((c.i, c.j), set()).add(recognizer_of(c.rule))
    return {k: tuple(p for p in PARTS if p in v) for k, v in out.items()}


def _edges(cands: list[Candidate]) -> list[tuple[int, int]]:
    """The spans of titles and quoted names, which win over the tagger and the gazetteer."""
    return [(c.i, c.j) for c in cands if not c.nested and (c.rule == "title" or c.rule.startswith("quote"))]


def _crosses(i: int, j: int, boxes: list[tuple[int, int]]) -> bool:
    return any(i < b and a < j and not (a <= i and j <= b) and not (i <= a and b <= j) for a, b in boxes)


def _inside(i: int, j: int, boxes: list[tuple[int, int]]) -> bool:
    return any(a <= i and j <= b for a, b in boxes)


_HEADS = tuple(sorted(set(LEXICON.recognizers["org_heads"]) | set(LEXICON.recognizers["gazetteer_endings"]),
                     key=lambda w: (-len(w), w)))
_MODIFIERS = tuple(sorted(LEXICON.recognizers["generic_modifiers"], key=lambda w: (-len(w), w)))
_WHOLE = tuple(LEXICON.recognizers["whole_modifiers"])
_LEVELS_OF = re.compile(r"[省市县区旗盟州乡镇村、]*[两二三四五各]级")
#: two level words before the head of their bodies (省市委, 市县政府): the bodies of both levels
_SHARED_LEVELS = re.compile(r"[省市县区旗盟州]{2}(?:委|党委|政府|人大|政协)")
#: a count of places before the head of their bodies (青浦、吴江、嘉善三地政协): the bodies of those places
_PLACES_COUNTED = re.compile(r"([\u4e00-\u9fff]*?)[两二三四五六七八九十]地")
#: tags of the tagger's words that never begin a name: particles, prepositions, pronouns, adverbs,
#: conjunctions, punctuation (a date too: :func:`_trimmed_start`)
#: a pronoun and a level word that point back to a place named before (该县, 本市)
_ANAPHOR = re.compile(r"[该本此][省市县区旗盟州镇乡村]")
_LEAD = frozenset({"u", "p", "r", "d", "c", "xc", "w"})
#: a town or a village at the start of a name (the places below a county)
_TOWN_FIRST = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:镇|乡|街道|村|社区|苏木|嘎查)")
#: a date (3月2日, 12月上旬), not a year
_DATE = re.compile(r"(?:[0-9〇零一二三四五六七八九十]+年)?[0-9一二三四五六七八九十]+月(?:[0-9一二三四五六七八九十]+日)?"
                   r"(?:[上中下]旬|[上下]午|晚)?|[0-9一二三四五六七八九十]+日(?:[上下]午|晚)?")
SURNAMES = frozenset(LEXICON.recognizers["surnames"])
#: conjunctions that may be inside a name (经济和科技委员会)
_NAME_CONJ = ("和", "与", "及", "或", "暨")
#: the last words of bodies' names, the longest first (the lexicon's ``org_heads``)
_BODY_HEADS = tuple(sorted(LEXICON.recognizers["org_heads"], key=len, reverse=True))
_JOINED = re.compile(r"(?:联合|会同|与|及|和|同|、)")
_DETERMINERS = tuple(LEXICON.recognizers["determiners"])
_COUNT_FIRST = re.compile(r"[0-9一二三四五六七八九十两几]+个")
#: a count of places of one level before the head of their bodies (云南省八自治州政协, 三县政协): bodies of several places
_COUNTED_LEVEL = re.compile(r"[两二三四五六七八九十]+(?:自治州|自治县|州|市|县|区|旗|盟|省)(?=政协|党委|政府|人大)")
#: members who reside in a place (住鄂全国政协委员): the place's one-character short form before the level of a body
_RESIDE = "住"
#: one-character short forms of provinces and countries: a run of them is a group of places (京津冀, 中俄)
_SHORT_FORMS = frozenset(LEXICON.recognizers["province_short_forms"] + LEXICON.recognizers["country_short_forms"])
_GROUP_AFTER = tuple(LEXICON.recognizers["group_words_after"])
#: a place with its level word, then other words (the tagger's 古城村为民服务 before 中心)
_PLACE_THEN_WORDS = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:村|社区|嘎查|镇|乡|街道|苏木))[\u4e00-\u9fff]{2,}")
#: a count of places (五大洲, 三县, 两地): no place's name
_COUNT_OF_PLACES = re.compile(r"[0-9一二三四五六七八九十两几多数]+大?(?:洲|洋|省|市|县|区|旗|地|国|乡|镇|村)")
#: a level word and the head of a body right after a place written without its level word (曹妃甸|区委书记)
_BODY_AFTER_PLACE = re.compile(r"(?:自治区|省|市|州|盟|县|区|旗)(?:人民政府|政府|政协|党委|人大|委)(?!员)")
#: one character and 省 right after a place without its level word: the end of the province's name (乌多姆|赛省; not
#: a word of scope or a count: 全省, 两省, 邻省)
_ONE_AND_PROVINCE = re.compile("(?![各外邻跨分两二三四五六七八九十几多数" + "".join(LEXICON.recognizers["scope_words"])
                               + r"])[\u4e00-\u9fff]省(?![委会长份级内外])")
_OUTLET_AFTER = tuple(LEXICON.recognizers["outlet_words_after"])
_ATTRIBUTE_WORDS = tuple(LEXICON.recognizers["attribute_words"])
_SLOGAN_BEFORE = tuple(LEXICON.recognizers["slogan_words_before"])
_LEVEL_PLURALS = frozenset(LEXICON.recognizers["level_plurals"])
_LEVEL_AFTER_ONE = re.compile(r"[\u4e00-\u9fff](?=全国|省|自治区)")


def is_generic(name: str) -> bool:
    """A generic word (the lexicon's ``generic``), or a last word after only generic modifiers (数字政协,
    新时代地方政协, 全国地方政协; not 全国政协).

    >>> is_generic("社区"), is_generic("新时代地方政协"), is_generic("全国地方政协"), is_generic("全国政协")
    (True, True, True, False)
    >>> is_generic("区两级政协"), is_generic("市、区两级政协"), is_generic("省市委"), is_generic("沙市区委")
    (True, True, True, False)
    """
    if len(name) < 2 or name in LEXICON.recognizers["generic"]:
        return True
    if len(name) == 3 and name[1:] in LEXICON.recognizers["level_plurals"]:
        return True  # one character before the words of several levels: 扶旗县 (帮扶旗县)
    if _generic_after_modifiers(name):
        return True  # 国家级高新区: a rank and a kind of zone
    head = next((h for h in _HEADS if name.endswith(h)), None)
    if head is not None and _LEVELS_OF.fullmatch(name[: -len(head)]):
        return True  # 市、区两级政协, 县乡两级党委: bodies of several levels, not one
    if _SHARED_LEVELS.fullmatch(name):
        return True  # 省市委, 市县政府: the bodies of two levels with a shared head
    if head is None or len(name) == len(head):
        return False  # a bare last word is generic only when the lexicon says so (政协 is, 市委 is not)
    rest, seen_generic = name[: -len(head)], False
    while rest:
        w = next((m for m in _MODIFIERS + _WHOLE if rest.startswith(m)), None)
        if w is None:
            return False
        seen_generic = seen_generic or w in _MODIFIERS
        rest = rest[len(w):]
    return seen_generic


def _generic_after_modifiers(name: str) -> bool:
    """A generic word after generic modifiers only (国家级|高新区, 省级|开发区)."""
    rest, seen = name, False
    while (w := next((m for m in _MODIFIERS if rest.startswith(m) and len(rest) > len(m)), None)) is not None:
        rest, seen = rest[len(w):], True
    return seen and rest in LEXICON.recognizers["generic"]


def short_forms_group(name: str, after: str = "") -> bool:
    """True for one-character short forms of provinces or countries in a row, several places named together: three
    or four (京津冀, 沪港澳), or two before another short form or a word of a group (京蒙协作, 中俄互市; *after*: the
    text after the name), since two may be one place's name (辽宁, 贵港).

    >>> short_forms_group("京津冀"), short_forms_group("中俄", "互市"), short_forms_group("辽宁", "加快发展")
    (True, True, False)
    """
    if not (2 <= len(name) <= 4 and all(ch in _SHORT_FORMS for ch in name)):
        return False
    return len(name) > 2 or after[:1] in _SHORT_FORMS or after.startswith(_GROUP_AFTER)


def two_bodies(name: str) -> bool:
    """True when *name* is two names of bodies joined (旗政协与旗文化旅游体育局), not one.

    >>> two_bodies("旗政协经济和科技委员会联合旗能源局"), two_bodies("旗政协经济和科技委员会")
    (True, False)
    """
    return join_of_two_bodies(name) is not None


def join_of_two_bodies(name: str) -> tuple[int, int] | None:
    """Where the word that joins two names of bodies in *name* begins and ends (政协办公厅|和|专门委员会), or None.

    >>> join_of_two_bodies("政协办公厅和专门委员会"), join_of_two_bodies("港澳台侨和外事委员会")
    ((5, 6), None)
    """
    for m in _JOINED.finditer(name):
        left, right = name[: m.start()], name[m.end():]
        if len(left) >= 3 and len(right) >= 3 and left.endswith(_BODY_HEADS) and right.endswith(_BODY_HEADS):
            return m.span()
    return None


def _trimmed_start(ctx: FinderContext, c: Candidate, words: list[tuple[int, int, str, str]]) -> int:
    """Where the name of *c* begins once the tagger's words that cannot be in it are cut off its left: a
    date (3月2日, not a year: 2023年第9次会议 is a name), particles (了, and 的 before a body or a place),
    prepositions and pronouns (该, 在)."""
    body = ctx.schema.is_any(c.cls, "body")
    strict = body or ctx.schema.is_a(c.cls, "Place")
    i = c.i
    starts = {a: (b, w, t) for a, b, w, t in words}
    for a, b, w, t in words:
        if body and t == "PER" and c.i <= a and b < c.j and starts.get(b, (0, "", ""))[2] in ("v", "vd", "p"):
            i = max(i, starts[b][0])  # a person who acts is not in a body's name: 主席X代表|政协Y委员会
        if strict and a < c.i < b and t in NAME_TAGS and not two_bodies(w):
            i = b  # it begins inside a name the tagger reads: 镇聂家坝村 after 诺水河镇 is 聂家坝村
        if a < c.i or b >= c.j:
            continue
        if t == "u" and (w in ("了", "着", "过") or strict and w == "的") or strict and (
                t == "p" or (t == "c" and w not in _NAME_CONJ)):
            i = b
    while i in starts and starts[i][0] < c.j - 1 and (
            starts[i][2] in _LEAD or starts[i][2] == "TIME" and _DATE.fullmatch(starts[i][1])
            or strict and starts[i][2] in ("v", "vd") and len(starts[i][1]) >= 2):
        i = starts[i][0]
    return i


def refine(ctx: FinderContext, norm: str, pool: list[Candidate], words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """The candidates of the forms with their left edge on a word that can begin a name (by the tagger's
    *words*), chains of places cut into their places, generic names dropped; the others as they are."""
    out = []
    for c in pool:
        if c.nested or recognizer_of(c.rule) != "forms" or c.rule in ("title", SHORT_FORM_RULE) \
                or c.rule.startswith(("quote", "listed")) or norm[c.i:c.i + 1] in ("“", "《"):
            # (a name that opens with a quote or a title mark keeps it: no half-closed quote, 两个全覆盖”)
            out.append(c)
            continue
        i = _trimmed_start(ctx, c, words) if words else c.i
        if ctx.schema.is_a(c.cls, "Place") and c.j - i > 4 and _ANAPHOR.match(norm, i):
            i += 2  # 该县|永乐镇…基地: a pronoun and a level word point back to a place named before
        if c.j - i < (3 if i != c.i else 2) or is_generic(norm[i:c.j]):
            continue  # (a name cut to two characters was a phrase: 开阔了眼界)
        if i != c.i:
            c = Candidate(i, c.j, c.cls, c.rule, c.prio, name=strip_name(norm[i:c.j]), iri=c.iri)
        if ctx.schema.is_a(c.cls, "Place"):
            out += _place_candidates(ctx, norm, c.i, c.j, c.rule, c.prio)
        else:
            out += _enterprise_split(ctx, norm, c)
    return out


def with_determiner(ctx: FinderContext, name: str, cls: str) -> bool:
    """True when *name*, of class *cls*, is a body's name with a determiner of quantity after its first words
    (the lexicon's ``[recognizers] determiners``) or a count before it (三个界别组): a phrase about several bodies,
    not a name.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ctx = demo_context()
    >>> with_determiner(ctx, "市政协部分专委会", "SpecialCommittee"), with_determiner(ctx, "市政协专委会", "SpecialCommittee")
    (True, False)
    """
    return ctx.schema.is_any(cls, "body") and (any(d in name for d in _DETERMINERS) or _COUNT_FIRST.match(name) is not None
                                                or _COUNTED_LEVEL.search(name) is not None)


def residents_body(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """The body of members who reside somewhere begins after the place's one-character short form: 住鄂|全国政协委员,
    住徐|省政协委员 (the short form is where they live, not part of the body's name).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> [(c.i, c.j) for c in residents_body(demo_context(), "组织住鄂全国政协委员", [Candidate(3, 8, "CPPCCCommittee", "a", 60)])]
    [(4, 8)]
    """
    out = []
    for c in pool:
        if c.i > 0 and norm[c.i - 1] == _RESIDE and c.j - c.i >= 4 and _LEVEL_AFTER_ONE.match(norm, c.i) \
                and ctx.schema.is_any(c.cls, "body"):
            c = Candidate(c.i + 1, c.j, c.cls, c.rule, c.prio, nested=c.nested, name=strip_name(norm[c.i + 1:c.j]))
        out.append(c)
    return out


def joined_events(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """Two events joined by 暨 are one meeting held as both (A推进会暨B交流会): one name over both, beside them;
    not when either is named in quotes or a title.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> pool = [Candidate(0, 5, "Conference", "a", 60), Candidate(6, 11, "Conference", "b", 60)]
    >>> [(c.i, c.j) for c in joined_events(demo_context(), "平台推进会暨经验交流会", pool)]
    [(0, 5), (6, 11), (0, 11)]
    """
    events = {(c.i, c.j): c for c in pool if not c.nested and ctx.schema.is_a(c.cls, "Event")}
    by_start: dict[int, list[Candidate]] = {}
    for c in events.values():
        by_start.setdefault(c.i, []).append(c)
    out = list(pool)
    for a in sorted(events.values(), key=lambda c: (c.i, c.j)):
        if a.j < len(norm) and norm[a.j] == "暨":
            for b in by_start.get(a.j + 1, []):
                if re.search("[“”《》]", norm[a.i:b.j]):
                    continue  # a named event in quotes or a title stays a name of its own (“A”大会暨“B”演出)
                out.append(Candidate(a.i, b.j, b.cls, "joined events", max(a.prio, b.prio),
                                     name=strip_name(norm[a.i:b.j])))
    return out


def _enterprise_split(ctx: FinderContext, norm: str, c: Candidate) -> list[Candidate]:
    """An enterprise named after the town or village it is in is two names: 永安街道|绿乐农科公司."""
    name = norm[c.i:c.j]
    m = _TOWN_FIRST.match(name)
    if not name.endswith(tuple(LEXICON.recognizers["enterprise_heads"])) or m is None or len(name) - m.end() < 4:
        return [c]
    k = c.i + m.end()
    return [*_place_candidates(ctx, norm, c.i, k, c.rule, c.prio),
            Candidate(k, c.j, c.cls, c.rule, c.prio, name=strip_name(norm[k:c.j]), iri=c.iri)]


def place_chain(name: str) -> list[tuple[int, int]]:
    """The places of a chain (奉节县草堂镇欧营村 -> three spans), or the whole name when it is not one.

    >>> place_chain("奉节县草堂镇欧营村"), place_chain("通州区"), place_chain("内蒙古自治区")
    ([(0, 3), (3, 6), (6, 9)], [(0, 3)], [(0, 6)])
    """
    n = len(name)
    cuts = [0]
    for m in _PLACE_CHAIN.finditer(name):
        if m.end() - cuts[-1] >= 3 and (m.end() == n or n - m.end() >= 3):
            cuts.append(m.end())
    if cuts[-1] != n and len(cuts) > 1 and n - cuts[-1] < 2:
        pass  # one character after the last place is not part of it: 内蒙古自治区直(属机关)
    elif cuts[-1] != n:  # the rest does not end like a place: it belongs to the last one
        cuts = cuts[:-1] + [n] if len(cuts) > 1 else [0, n]
    return list(pairwise(cuts))


def _org_class(ctx: FinderContext, name: str) -> str | None:
    """The class of a body the tagger names, or None when its name does not end with the head of a body."""
    head = next((h for h in _BODY_HEADS if name.endswith(h)), None)
    if head is None or len(name) <= len(head) or is_generic(name) or is_generic(name[: -len(head)]):
        return None  # no head, a bare head, or a head after a bare head (政协所: clipped)
    if len(head) == 1 and name[-2:] in GENERIC_ORG_WORDS:
        return None  # a one-character head that ends a word of no body: 政协协办 (a verb), 干部
    cls = classify(ctx, name, "Organization")
    if not (ctx.schema.is_any(cls, "body") or ctx.schema.is_a(cls, "Publication")):
        cls = "Organization"
    return cls


def _place_candidates(ctx: FinderContext, norm: str, i: int, j: int, rule: str, prio: int) -> list[Candidate]:
    out = []
    for a, b in place_chain(norm[i:j]):
        name = norm[i + a: i + b]
        if len(name) >= 4 and name[-2:] in _LEVEL_PLURALS and name[-2] in _LEVEL_ENDS and name[-1] in _LEVEL_ENDS:
            b, name = b - 1, name[:-1]  # 北海市县(区): the city before the words of two levels (not …苏木, one level)
        if is_generic(name):
            continue
        cls = classify(ctx, name, "Place", within="Place")
        out.append(Candidate(i + a, i + b, cls, rule, prio, name=name))
    return out


def clause_of_bodies(ctx: FinderContext, word: str) -> bool:
    """True when the tagger's body *word* is a clause: a body's name, a verb of jieba, then a body (eighth pass).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> clause_of_bodies(demo_context(), "市政协紧扣党委"), clause_of_bodies(demo_context(), "市政协办公室")
    (True, False)
    """
    toks = ctx.seg.tokens(word)
    return any(p == "v" and word[:s].endswith(ORG_WORDS) and classify(ctx, word[e:]) is not None
               for s, e, _w, p in toks[1:-1])


def tagged_candidates(ctx: FinderContext, norm: str, names: list[tuple[int, int, str, str]],
                      others: list[Candidate]) -> list[Candidate]:
    """Candidates from the tagger's *names* (``(start, end, word, tag)`` over *norm*), beside the
    candidates of the other parts (*others*: their titles and quotes win)."""
    boxes = _edges(others)
    out = []
    for i, j, word, tag in names:
        if _NOT_IN_NAME.search(word) or _crosses(i, j, boxes) or is_generic(word) or two_bodies(word):
            continue
        if tag == "PER":
            if "Person" in ctx.schema.classes and _PERSON.fullmatch(word) and not _inside(i, j, boxes) and (
                    len(word) > 2 or word[0] in SURNAMES):
                out.append(Candidate(i, j, "Person", "tagger PER", _PRIO_TAGGER, name=word))
        elif tag == "ORG":
            if clause_of_bodies(ctx, word):
                continue  # 市政协|紧扣|党委: a body, a verb and a body are a clause (the forms name the bodies)
            counted = _PLACES_COUNTED.match(word)
            if counted:  # 嘉善|三地政协: the last of the places counted, and no body of one place
                if counted.end(1) >= 2 and not short_forms_group(counted.group(1), "两地"):
                    out += _place_candidates(ctx, norm, i, i + counted.end(1), "tagger ORG", _PRIO_TAGGER)
                continue
            cls = _org_class(ctx, word)
            if cls is not None:
                out += _enterprise_split(ctx, norm, Candidate(i, j, cls, "tagger ORG", _PRIO_TAGGER, name=word))
        elif tag == "LOC":
            if norm.startswith(_ATTRIBUTE_WORDS, j) and not word.endswith(_LEVEL_ENDS) \
                    or norm.endswith(_SLOGAN_BEFORE, 0, i) \
                    or norm.startswith(_OUTLET_AFTER, j):
                continue  # 中国特色, 中国式: an attribute (not 甲镇特色街区); 美丽中国: a slogan; 丽江网讯: an outlet
            clipped = _PLACE_THEN_WORDS.match(word)
            if clipped and norm.startswith(_ORG_HEADS, j):  # 古城村为民服务|中心: the village begins a body's name
                j, word = i + clipped.end(1), clipped.group(1)
            if short_forms_group(word, norm[j:j + 4]):
                continue  # 沪苏协作, 中俄互市: several places (the forms name a region by its own words: 京津冀协同发展)
            if _COUNT_OF_PLACES.fullmatch(word):
                continue  # 五大洲, 三县: a count of places
            body_after = _BODY_AFTER_PLACE.match(norm, j)
            if body_after and not word.endswith(_LEVEL_ENDS):  # 曹妃甸|区委: the body of the place, not the place
                name = word + body_after.group(0)
                out.append(Candidate(i, body_after.end(), classify(ctx, name, "Organization"), "tagger LOC", _PRIO_TAGGER,
                                     name=name))
                continue
            one = _ONE_AND_PROVINCE.match(norm, j)
            if one and not word.endswith(_LEVEL_ENDS):  # 乌多姆|赛省: no province is named by one character
                j = one.end()
                word = norm[i:j]
            body = classify(ctx, word)
            if body is not None and ctx.schema.is_any(body, "body"):
                cls = _org_class(ctx, word)
                if cls is not None:
                    out += _enterprise_split(ctx, norm, Candidate(i, j, cls, "tagger LOC", _PRIO_TAGGER, name=word))
                continue
            out += _place_candidates(ctx, norm, i, j, "tagger LOC", _PRIO_TAGGER)
    return out


#: the tags of the words that may stand between a place and the last word of its site: nouns, names, adjectives
_SITE_WORD_TAGS = frozenset({"n", "nz", "LOC", "a", "vn", "an", "nw"})
_SITE_KINDS = tuple(sorted(LEXICON.recognizers["site_kinds"], key=lambda w: (-len(w), w)))
_LEVEL_ENDS = tuple(LEXICON.recognizers["gazetteer_endings"])
#: at most this many words after the place in a site's name
_SITE_WORDS = 5
_ORG_HEADS = tuple(h for h in LEXICON.recognizers["org_heads"] if len(h) >= 2)


def site_names(ctx: FinderContext, norm: str, words: list[tuple[int, int, str, str]],
               others: list[Candidate]) -> list[Candidate]:
    """Sites whose name begins with a place written without its level word (the tagger's ``LOC``): the place, then
    nouns without a break, then the last word of a site (``[recognizers] site_kinds``): 甲地|乙丙|产业园 is one
    name, the site, not the place 甲地 (a place with its level word before a site is a chain of two names).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ws = [(0, 2, "参观", "v"), (2, 4, "东湖", "LOC"), (4, 7, "新材料", "n"), (7, 10, "产业园", "n")]
    >>> [(c.i, c.j, c.name) for c in site_names(demo_context(), "参观东湖新材料产业园", ws, [])]
    [(2, 10, '东湖新材料产业园')]
    """
    boxes = _edges(others)
    out = []
    for k, (i, _j, word, tag) in enumerate(words):
        if tag != "LOC" or len(word) > 6 or _PLACE_CHAIN.search(word) or is_generic(word) \
                or short_forms_group(word, norm[_j:_j + 4]):
            continue  # a place with a level word (or a longer name the tagger reads as one) is no site's first word
        for _a, b, w, t in words[k + 1: k + 1 + _SITE_WORDS]:
            if t not in _SITE_WORD_TAGS or _NOT_IN_NAME.search(w) or w.endswith(_LEVEL_ENDS) or w.endswith(_ORG_HEADS):
                break  # a level word (the place had one), another place or a body (有限公司) ends the site
            if norm[:b].endswith(_SITE_KINDS):
                if not _crosses(i, b, boxes) and not is_generic(norm[i:b]):
                    out.append(Candidate(i, b, classify(ctx, norm[i:b], "Place", within="Place"), "tagger site",
                                         _PRIO_TAGGER, name=norm[i:b]))
                break
    return out


def gazetteer_candidates(ctx: FinderContext, norm: str, gazetteer: Gazetteer,
                         others: list[Candidate]) -> list[Candidate]:
    """Candidates from the names of divisions in *norm* (never one that begins inside a longer one)."""
    boxes = _edges(others)
    out: list[Candidate] = []
    last_end = 0
    for i, j, name in gazetteer.find(norm):
        if i < last_end:
            continue  # 营村 inside 欧营村
        last_end = j
        if _crosses(i, j, boxes) or (gazetteer.levels[name] >= 3 and len(name) < 3):
            continue
        out.append(Candidate(i, j, classify(ctx, name, "Place", within="Place"), "gazetteer", _PRIO_GAZETTEER,
                             name=name))
    return out
