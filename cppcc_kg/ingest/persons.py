"""Names of persons by the words around them, and the tagger's persons mended.

The tagger (:mod:`cppcc_kg.ingest.tagger`) reads most names of persons, but it cuts the names it has not seen:
the names of Uyghur, Kazakh, Mongolian or Tibetan members written with a middle dot (伊力哈木·沙比尔 read as
伊力哈木· and 沙比尔), names without a common surname (公保扎西 read as 公 and 保扎西), and two- or
three-character names it reads as words (涂顺 a verb, 粟多 for 粟多能). Reports on CPPCC work name persons in
a few set ways, which this module reads (word lists in ``[recognizers]`` of ``lexicon.toml``):

* a title of office right before the name, and a list of names after it (副主席甲、乙、丙，秘书长丁): the name
  runs to the next mark or to a word that follows a person (说, 主持, 出席 …: ``person_acts``);
* a name at the start of a clause, before 委员 (or a title) and what the member does (甲委员代表…发言, 乙委员在发言中说,
  丙副主席作…报告);
  the tagger misses such names at the start of a line (it reads 甲 as a body there);
* a name written with a middle dot: the whole of it (the parts on both sides), when the tagger reads a person in it.

And the tagger's persons are mended with the segmenter's words: a person that begins a longer name of the
segmenter's dictionary is that name (晏阳|初 → 晏阳初); a common word of the language is no name (林果).

>>> from cppcc_kg.ingest.context import demo_context
>>> from cppcc_kg.ingest.forms import Tokens
>>> ctx = demo_context()
>>> norm = "县政协主席涂顺出席会议，副主席甲乙丙、丁戊己主持。"
>>> [c.name for c in titled_persons(ctx, norm, Tokens(ctx.seg.tokens(norm), len(norm)), [])]
['涂顺', '甲乙丙', '丁戊己']
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import Candidate, Tokens
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.merge import SURNAMES, _edges, _inside

__all__ = ["dotted_persons", "mend_tagged_persons", "persons_win", "titled_persons"]

_HAN = r"\u4e00-\u9fff"
_TITLES = tuple(sorted(LEXICON.recognizers["person_titles"], key=lambda w: (-len(w), w)))
_ACTS = tuple(sorted(LEXICON.recognizers["person_acts"], key=lambda w: (-len(w), w)))
#: marks that end a name
_MARKS = "，,、。；;：:）)（( \n！？!?"
#: a title right before a name (副主席, 党组书记, 主席人选)
_TITLE = re.compile("(?:" + "|".join(map(re.escape, _TITLES)) + ")")
#: a name at the start of a clause before 委员 and an act (甲委员代表…, 乙委员在发言中说)
_MEMBER_FIRST = re.compile(f"(?:^|(?<=[。；;！？!?\\n，,：:]))([{_HAN}]{{2,4}}?)(?:委员|副?主席|副?书记|同志)"
                           "(?=代表|在|说|表示|建议|指出|认为|提出|发言|作|呼吁|谈|主持|出席|讲话)")
#: a name written with a middle dot: runs of characters joined by dots
_DOTTED = re.compile(f"[{_HAN}]+(?:·[{_HAN}]+)+")
_HAN_RUN = re.compile(f"[{_HAN}]+")
#: tags of the tagger's words that may be parts of a dotted name
_NAME_TAGS = frozenset({"PER", "LOC", "ORG", "nz", "nw"})
#: characters that never begin a name (particles, prepositions, conjunctions, pronouns)
_NOT_FIRST = frozenset("的了在和与及等是为对将把被从向于并也就都而其该本此各这那们由以经请让使给")
#: how often the segmenter's dictionary must hold a word for it to be a common word (not a name)
_COMMON = 10
_PRIO = 50


class _All:
    """Every position: the tagger is taken to read a person everywhere (the items of a list of names)."""

    def __contains__(self, _x) -> bool:
        return True


_ALL = _All()


def _common_word(ctx: FinderContext, word: str, person: bool = False) -> bool:
    """Whether *word* is a word of the language that the segmenter knows (not only as a person's name, or as a
    name that the tagger does not read as a person's there: 沙龙; *person*: the tagger reads one)."""
    freq = ctx.seg.tok.FREQ.get(word) or 0
    tag = ctx.seg.pos.word_tag_tab.get(word, "")
    return freq >= _COMMON and not (tag.startswith("nr") and person)


def _plausible(ctx: FinderContext, name: str, person: bool = False) -> bool:
    """A person's name of two to four characters: not a common word nor a title, no common word inside (会议 in
    团会议, 会议议程; but after a common surname the given name may be a word: 金|发明), no particle first, not the
    name of something else by its last word. *person*: the tagger reads a person there."""
    if not 2 <= len(name) <= 4 or name.endswith(_TITLES) or name.startswith(_TITLES):
        return False
    # 向崇华, 和润培: a surname that is also a preposition or a conjunction begins a name of three characters whose
    # given name is no word (not 和专家, 向社会)
    if (name[0] in _NOT_FIRST or name.startswith(_ACTS)) and not (
            name[0] in SURNAMES and len(name) == 3 and (ctx.seg.tok.FREQ.get(name[1:]) or 0) < _COMMON):
        return False
    if _common_word(ctx, name, person) or name.endswith(_ACTS):
        return False
    if name[0] in SURNAMES:  # the given name may be a word (金|发明), but the surname is not the start of one (关注|民生)
        w = next(iter(ctx.seg.tok.cut(name, HMM=False)))  # (the dictionary's words only: fast)
        p = ctx.seg.pos.word_tag_tab.get(w, "")
        return not (len(w) > 1 and not p.startswith("nr") and (ctx.seg.tok.FREQ.get(w) or 0) >= 100) and \
            classify(ctx, name) is None
    for a in range(len(name) - 1):
        for b in range(a + 2, len(name) + 1):
            w = name[a:b]
            if (ctx.seg.tok.FREQ.get(w) or 0) >= 100 and not ctx.seg.pos.word_tag_tab.get(w, "").startswith("nr"):
                return False  # 团|会议, 下|推进, 会议|议程: common words
    return classify(ctx, name) is None


def _name_at(ctx: FinderContext, norm: str, i: int, pers: set[int] = frozenset()) -> int | None:
    """The end of a name that begins at *i*: the shortest run of two to four characters that a mark or an act
    follows (主席涂顺|出席, 副主席程相朝|参加), or a dotted name."""
    dotted = _DOTTED.match(norm, i)
    if dotted:  # an item of a list written with a dot (、伊力哈木·沙比尔、); longer runs are the tagger's (dotted_persons)
        parts = dotted.group(0).split("·")
        ok = len(parts[0]) <= 4 and all(len(p) <= 8 for p in parts) and (dotted.end() == len(norm) or norm[dotted.end()] in _MARKS)
        return dotted.end() if ok and not parts[0].startswith(_TITLES) else None
    for n in (2, 3, 4):
        j = i + n
        if j > len(norm) or not _HAN_RUN.fullmatch(norm, i, j):
            return None
        if j == len(norm) or norm[j] in _MARKS or norm.startswith(_ACTS, j) or norm.startswith("委员", j):
            return j if _plausible(ctx, norm[i:j], any(x in pers for x in range(i, j))) else None
    return None


def titled_persons(ctx: FinderContext, norm: str, toks: Tokens, others: list[Candidate],
                   words: list[tuple[int, int, str, str]] = ()) -> list[Candidate]:
    """Persons named right after a title of office, and the list of names that follows it (副主席甲、乙、丙),
    and persons at the start of a clause before 委员 and what they do (甲委员代表…); *words*: the tagger's."""
    pers = {x for a, b, _w, t in words if t == "PER" for x in range(a, b)}
    out = []
    for m in _TITLE.finditer(norm):
        if not (toks.boundary(m.start()) and toks.boundary(m.end())):
            continue  # 医院长期: no title
        i = m.end()
        while norm.startswith(_TITLES, i):
            i = _TITLE.match(norm, i).end()  # 党组书记、主席人选|甲
        while i < len(norm):
            j = _name_at(ctx, norm, i, pers if i == m.end() else _ALL)  # (an item of a list of names may be
            # a name the segmenter knows: 、王著、)
            if j is None:
                break
            out.append(Candidate(i, j, "Person", "person after title", _PRIO, name=norm[i:j]))
            if j >= len(norm) or norm[j] != "、":
                break
            i = j + 1  # the next name of the list
    for m in _MEMBER_FIRST.finditer(norm):
        name = m.group(1)
        if _plausible(ctx, name, m.start(1) in pers):
            out.append(Candidate(m.start(1), m.end(1), "Person", "person before act", _PRIO, name=name))
    boxes = _edges(others)
    return [c for c in out if not _inside(c.i, c.j, boxes)]


def _word_at(words: list[tuple[int, int, str, str]], x: int) -> int | None:
    return next((k for k, (a, b, _w, _t) in enumerate(words) if a <= x < b), None)


def _side(norm: str, words: list[tuple[int, int, str, str]], x: int, step: int, bound: int) -> int:
    """The far edge of one side of a dotted name from the dot's neighbour *x* (*step* -1: leftwards, to *bound* at
    least; +1: rightwards, to *bound* at most): the tagger's names next to the dot, else a short run that ends at
    a mark or an act (x itself when there is none)."""
    k = _word_at(words, x)
    edge = x
    while k is not None and 0 <= k < len(words) and words[k][3] in _NAME_TAGS and (
            words[k][0] >= bound if step < 0 else words[k][1] <= bound):
        edge = words[k][0] if step < 0 else words[k][1]
        k += step
    if edge != x:
        return edge
    if step < 0:
        return bound if x + 1 - bound <= 4 else x + 1
    run = norm[x:bound]
    cut = next((n for n in range(2, min(4, len(run)) + 1) if n == len(run) or run.startswith(_ACTS, n)), None)
    return x + cut if cut else x


def dotted_persons(norm: str, words: list[tuple[int, int, str, str]], others: list[Candidate]) -> list[Candidate]:
    """Names written with a middle dot (伊力哈木·沙比尔, 阿力腾别克·热木江), whole, where the tagger reads a person
    in them: each side is the tagger's names next to the dot, else a short run of characters."""
    boxes = _edges(others)
    out = []
    for m in _DOTTED.finditer(norm):
        first, last = norm.index("·", m.start()), norm.rindex("·", m.start(), m.end())
        i = _side(norm, words, first - 1, -1, m.start())
        j = _side(norm, words, last + 1, 1, m.end())
        if i >= first or j <= last + 1 or _inside(i, j, boxes) or not any(
                t == "PER" and a < j and i < b for a, b, _w, t in words):
            continue
        out.append(Candidate(i, j, "Person", "tagger dotted name", _PRIO, name=norm[i:j]))
    return out


#: the rules of this module that read a whole name (a name of something else does not begin or end inside them)
_WHOLE_RULES = ("person after title", "person before act", "tagger dotted name")


def persons_win(cands: list[Candidate]) -> list[Candidate]:
    """No other name begins or ends inside a person's name read whole by its context (县政协主席涂顺|和工作室: not
    顺和工作室)."""
    whole = [(c.i, c.j) for c in cands if c.rule in _WHOLE_RULES]
    return [c for c in cands if c.cls == "Person" or c.nested or not any(
        i < c.i < j < c.j or c.i < i < c.j < j for i, j in whole)]


def mend_tagged_persons(ctx: FinderContext, cands: list[Candidate], toks: Tokens) -> list[Candidate]:
    """The tagger's persons mended with the segmenter's words: one that begins a longer name in the segmenter's
    dictionary is that name (晏阳|初 → 晏阳初); a common word (林果) is no name."""
    out = []
    for c in cands:
        if c.rule != "tagger PER":
            out.append(c)
            continue
        tok = toks.token(c.i)
        if tok is not None and tok[0] == c.i and tok[1] > c.j and tok[3].startswith("nr") and tok[1] - c.i <= 4 \
                and ctx.seg.tok.FREQ.get(tok[2]):
            out.append(Candidate(c.i, tok[1], c.cls, c.rule, c.prio, name=tok[2]))  # 晏阳|初: a name jieba knows
            continue
        if _common_word(ctx, c.name or "", True):
            continue
        out.append(c)
    return out
