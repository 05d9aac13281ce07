"""Precision guards over the tagger's places: fragments of words and of longer names that no careful reader marks.

The tagger (:mod:`cppcc_kg.ingest.tagger`) cuts words it has not seen into pieces it reads as places: 和美乡村 into
和 and 美乡村, 成渝地区双城经济圈 into 成渝地区 and 双城, 自贸港全岛 read as one place. This module mends its
places, beside the other parts' candidates (word lists in ``[recognizers]`` of ``lexicon.toml``):

* a place whose last word is the countryside (乡村, 农村: ``countryside_words``) is a phrase (美乡村, 新农村), not a name;
* a place that ends with a word of scope and one character (自贸港全岛, 全域) ends before it (自贸港);
* no place or body the tagger reads ends inside a word (省政府中心|工作: ``[spans] words_across``);
* the tagger's places in a row right before the kind of a region (经济圈, 经济带, 城市群: ``region_kinds``) are the
  first words of the region's name (成渝地区双城经济圈), not places of their own.

>>> from cppcc_kg.ingest.context import demo_context
>>> from cppcc_kg.ingest.forms import Candidate
>>> ws = [(0, 2, "推动", "v"), (2, 6, "成渝地区", "LOC"), (6, 8, "双城", "LOC"), (8, 11, "经济圈", "n")]
>>> cs = [Candidate(2, 6, "Place", "tagger LOC", 40), Candidate(6, 8, "Place", "tagger LOC", 40)]
>>> [(c.i, c.j, c.name) for c in tagged_places(demo_context(), "推动成渝地区双城经济圈建设", cs, ws)]
[(2, 11, '成渝地区双城经济圈')]
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.named import ends_inside_word

__all__ = ["generic_phrase", "tagged_places"]

_COUNTRYSIDE = tuple(LEXICON.recognizers["countryside_words"])
_REGION_KINDS = tuple(sorted(LEXICON.recognizers["region_kinds"], key=lambda w: (-len(w), w)))
#: a word of scope and one character at the end of a place (全岛, 全域, 全境): the whole of the place, not its name
_SCOPE_END = re.compile(r"全[\u4e00-\u9fff]$")
_PRIO = 45
#: characters that complete the verb before them (搭建好, 建立起): a name set up by the verb never begins with one
_COMPLEMENTS = ("好", "起", "成")
_GROUP_MODIFIERS = tuple(sorted(LEXICON.recognizers["group_modifiers"], key=lambda w: (-len(w), w)))
_GROUP_KINDS = frozenset(LEXICON.recognizers["group_kinds"])
_QUALITY = tuple(sorted(LEXICON.recognizers["quality_words"], key=lambda w: (-len(w), w)))


def _regions(ctx: FinderContext, norm: str, words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """Regions named by the tagger's places in a row and the kind of the region right after them."""
    out = []
    k = 0
    while k < len(words):
        if words[k][3] != "LOC":
            k += 1
            continue
        first = k
        while k + 1 < len(words) and words[k + 1][3] == "LOC":
            k += 1
        i, j = words[first][0], words[k][1]
        kind = next((w for w in _REGION_KINDS if norm.startswith(w, j)), None)
        if kind is not None:
            name = norm[i:j + len(kind)]
            out.append(Candidate(i, j + len(kind), classify(ctx, name, "Place", within="Place") or "Place",
                                 "tagger region", _PRIO, name=name))
        k += 1
    return out


def tagged_places(ctx: FinderContext, norm: str, cands: list[Candidate],
                  words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """The candidates with the tagger's places mended: fragments dropped or cut, regions named whole."""
    regions = _regions(ctx, norm, words)
    out = []
    for c in cands:
        if c.rule in ("tagger LOC", "tagger ORG") and ends_inside_word(norm, c.j):
            continue  # 省政府中心|工作: no name ends inside a word (words_across)
        if c.rule != "tagger LOC" or not ctx.schema.is_a(c.cls, "Place"):
            out.append(c)
            continue
        name = norm[c.i:c.j]
        if name.endswith(_COUNTRYSIDE) or any(r.i <= c.i and c.j <= r.j for r in regions):
            continue  # 和|美乡村: a phrase; 成渝地区|双城 before 经济圈: the first words of a region's name
        scope = _SCOPE_END.search(name)
        if scope:
            if scope.start() < 2:
                continue
            c = Candidate(c.i, c.i + scope.start(), c.cls, c.rule, c.prio, name=name[:scope.start()])
        out.append(c)
    return out + regions


def generic_phrase(ctx: FinderContext, name: str, cls: str, rule: str) -> bool:
    """True when *name*, proposed by the forms without quotes or a title, is a description: a group named only by
    what it does (专项调研组: ``group_modifiers`` then ``group_kinds``), a mechanism that begins with a word of quality
    and has at most two more words (现代化|物流|体系, 新型|工作|推进|机制: ``quality_words``), or the words set up by a
    verb that begin with the verb's complement (搭建|好协商平台).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ctx = demo_context()
    >>> generic_phrase(ctx, "专项调研组", "OrganizationalUnit", "org form"), generic_phrase(ctx, "提案调研组", "OrganizationalUnit", "org form")
    (True, False)
    >>> generic_phrase(ctx, "现代化物流体系", "Mechanism", "set up by 构建")
    True
    """
    if rule in ("title", "dictionary") or rule.startswith("quote") or "“" in name or "《" in name:
        return False
    if rule.startswith("set up by") and name.startswith(_COMPLEMENTS):
        return True  # 搭建|好协商平台: 好 completes the verb (搭建好), the words after it are what is built
    if ctx.schema.is_any(cls, "body"):
        rest, seen = name, False
        while (w := next((m for m in _GROUP_MODIFIERS if rest.startswith(m)), None)) is not None:
            rest, seen = rest[len(w):], True
        return seen and rest in _GROUP_KINDS
    if ctx.schema.is_a(cls, "Mechanism") and name.startswith(_QUALITY):
        return len(ctx.seg.tokens(name)) <= 4
    return False
