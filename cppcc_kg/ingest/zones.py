"""Zones, regions and sites named by a region and a kind, and the tagger's places that are no place's name.

Rules of the hybrid recognizer (:mod:`cppcc_kg.ingest.patterns`) over the tagger's words (``(start, end, word,
tag)``): the real sets' guidelines (``tests/fixtures/ingest/real/README.md``) list parks, zones, science cities and
economic regions as places, spanned whole (成渝地区双城经济圈, 海南自由贸易港, 长征国家文化公园, 欧亚铜业产业园,
西部(重庆)科学城), where the tagger cuts them into a region and a word (成渝地区|双城|经济圈) or reads the kind alone
(国家文化公园). The word lists are data: ``[recognizers] zone_kinds``, ``zone_kinds_named_before``, ``not_places`` and
``whole_of_place`` in ``lexicon.toml``.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext
from cppcc_kg.ingest.forms import Candidate, strip_name
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.merge import _crosses, _edges, is_generic

__all__ = ["bracketed_zones", "level_words_joined", "places_named", "zone_names"]

_PRIO = 41  # above the tagger's own candidates (40), below the forms
_ZONE_KINDS = tuple(sorted(LEXICON.recognizers["zone_kinds"], key=lambda w: (-len(w), w)))
_REGION_KINDS = tuple(LEXICON.recognizers["region_kinds"])
_NAMED_BEFORE = tuple(sorted(LEXICON.recognizers["zone_kinds_named_before"], key=lambda w: (-len(w), w)))
_NOT_PLACES = frozenset(LEXICON.recognizers["not_places"])
_COUNTRYSIDE = tuple(LEXICON.recognizers["countryside_words"])
_WHOLE_OF = tuple(LEXICON.recognizers["whole_of_place"])
_ORG_HEADS = tuple(LEXICON.recognizers["org_heads"])
#: the level words that end a division the tagger names (a place with one before a kind is a chain of two names:
#: 甲镇|乙产业园); a region (…地区, …流域) may begin a zone's name
_DIVISION_ENDS = tuple(LEXICON.recognizers["gazetteer_endings"])
_REGION_ENDS = ("地区", "流域")
#: a town after the bare level word of its county (县|城关镇, 区|西湖街道): the town's name begins after it
_LEVEL_BEFORE_TOWN = re.compile(r"[县区市旗][\u4e00-\u9fff]{2,4}(?:镇|乡|街道|苏木)")
#: level words of the places below a county that the tagger may read apart from the place's name
_LEVEL_WORDS_APART = frozenset({"社区", "村", "嘎查", "街道", "镇", "乡", "苏木"})
#: tags of the words between the region and the kind: nouns, names, adjectives, verbal nouns, places in it (中游)
_ZONE_WORD_TAGS = frozenset({"n", "nz", "nw", "vn", "an", "a", "f", "LOC", "ORG"})
#: at most this many words between the region and the end of the kind
_ZONE_WORDS = 6
_EDGE = re.compile(r"[\s，。、；：！？（）()《》“”‘’「」【】,.;:!?\"'/|<>]")
#: the rest of a name with a place in brackets inside it (西部（重庆）|科学城, 中国（上海）|自由贸易试验区)
_AFTER_BRACKET = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:" + "|".join(_ZONE_KINDS) + ")")


def _first_word(word: str, tag: str) -> bool:
    """A word that may begin a zone's name: the tagger's place without a division's level word (海南, 成渝地区), or
    a body's name without a body's head (欧亚铜业: a company named by its trade)."""
    if tag == "LOC":
        return (word.endswith(_REGION_ENDS) or not word.endswith(_DIVISION_ENDS)) and not is_generic(word)
    return tag == "ORG" and not word.endswith(_ORG_HEADS)


def level_words_joined(words: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The tagger's words with a place's level word that it reads apart joined to the place (西牌楼|社区 → 西牌楼社区,
    one place; the chain 甲街道|西牌楼 before it is cut as usual).

    >>> level_words_joined([(0, 5, "甲街道西牌楼", "LOC"), (5, 7, "社区", "n"), (7, 9, "调研", "v")])
    [(0, 7, '甲街道西牌楼社区', 'LOC'), (7, 9, '调研', 'v')]
    """
    out: list[tuple[int, int, str, str]] = []
    for w in words:
        if out and out[-1][3] == "LOC" and out[-1][1] == w[0] and w[2] in _LEVEL_WORDS_APART:
            a, _b, word, tag = out.pop()
            w = (a, w[1], word + w[2], tag)
        out.append(w)
    return out


def zone_names(ctx: FinderContext, norm: str, words: list[tuple[int, int, str, str]],
               others: list[Candidate]) -> list[Candidate]:
    """Zones and regions named by a region and a kind: the tagger's region (or a company named by its trade), then
    nouns without a break, then a kind of zone (``zone_kinds``): 成渝地区|双城|经济圈, 海南|自由贸易港,
    欧亚铜业|产业园; and a kind that is named only by the word before it (``zone_kinds_named_before``):
    长征|国家文化公园. The titles and quotes of *others* are never crossed.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ws = [(0, 2, "推动", "v"), (2, 6, "成渝地区", "LOC"), (6, 8, "双城", "LOC"), (8, 11, "经济圈", "n"), (11, 13, "建设", "vn")]
    >>> [c.name for c in zone_names(demo_context(), "推动成渝地区双城经济圈建设", ws, [])]
    ['成渝地区双城经济圈']
    >>> ws = [(0, 2, "助推", "v"), (2, 4, "长征", "n"), (4, 10, "国家文化公园", "LOC")]
    >>> [c.name for c in zone_names(demo_context(), "助推长征国家文化公园", ws, [])]
    ['长征国家文化公园']
    """
    out: list[Candidate] = []
    for k, (i, j, word, tag) in enumerate(words):
        if out and i < out[-1].j:
            continue  # a word inside a zone found
        if tag == "LOC" and word.startswith(_NAMED_BEFORE) and k > 0:
            a, _b, w0, t0 = words[k - 1]
            if _b == i and t0 in ("n", "nz", "nw", "LOC") and len(w0) >= 2 and not is_generic(w0):
                out.append(_zone(ctx, norm, a, j))
            continue
        if tag == "ORG" and word.endswith(_ZONE_KINDS) and not word.endswith(_ORG_HEADS) and not is_generic(word) \
                and not _EDGE.search(word) and not word.startswith(_ZONE_KINDS):
            out.append(_zone(ctx, norm, i, j))  # the tagger reads a zone as a body: 岳麓山大学科技城
            continue
        if not _first_word(word, tag):
            continue
        for _a, b, w, t in words[k + 1: k + 1 + _ZONE_WORDS]:
            if t not in _ZONE_WORD_TAGS and not (t == "c" and w in ("和", "与")) or _EDGE.search(w) \
                    or w.endswith(_DIVISION_ENDS) and t == "LOC":
                break
            kind = next((z for z in _ZONE_KINDS if norm.endswith(z, i, b)), None)
            if kind is not None:
                if b - i > len(kind) and norm[b - len(kind) - 1] not in "和与":
                    out.append(_zone(ctx, norm, i, b))
                break
    boxes = _edges(others)
    return [c for c in out if not _crosses(c.i, c.j, boxes)]


def _zone(ctx: FinderContext, norm: str, i: int, j: int, prio: int = _PRIO) -> Candidate:
    """A zone's candidate: a region of several divisions (``region_kinds``) or a place (a zone is no division, whatever
    its last word: 示范区 is no district)."""
    name = norm[i:j]
    return Candidate(i, j, _zone_class(ctx, name), "tagger zone", prio, name=strip_name(name))


def _zone_class(ctx: FinderContext, name: str) -> str:
    return "Region" if name.endswith(_REGION_KINDS) and "Region" in ctx.schema.classes else "Place"


def bracketed_zones(ctx: FinderContext, norm: str, words: list[tuple[int, int, str, str]]) -> list[Candidate]:
    """A zone with the place it is in written in brackets inside its name (西部（重庆）科学城, 中国（上海）自由贸易试验区):
    one name, when the tagger reads the words in brackets as a place and the word before them as one word.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ws = [(0, 2, "前往", "v"), (2, 4, "西部", "f"), (4, 5, "（", "w"), (5, 7, "重庆", "LOC"), (7, 8, "）", "w")]
    >>> [c.name for c in bracketed_zones(demo_context(), "前往西部（重庆）科学城", ws)]
    ['西部（重庆）科学城']
    """
    ends = {b: (a, t) for a, b, _w, t in words}
    out = []
    for i, j, _w, tag in words:
        if tag != "LOC" or norm[i - 1: i] != "（" or norm[j: j + 1] != "）" or i - 1 not in ends:
            continue
        a, t = ends[i - 1]
        m = _AFTER_BRACKET.match(norm, j + 1)
        if m is None or t in ("v", "p", "c", "u", "w", "r", "d") or not 2 <= i - 1 - a <= 4:
            continue
        out.append(_zone(ctx, norm, a, m.end(), _PRIO + 20))
    return out


def places_named(ctx: FinderContext, norm: str, pool: list[Candidate]) -> list[Candidate]:
    """The pool without the tagger's places that name no place (``not_places``: 中华, 镇街; a name that ends with the
    countryside, ``countryside_words``: 和|美乡村), with the words of the whole of a place cut off its name
    (自贸港|全岛) and the bare level word of a county before its town (县|城关镇); a zone is a place or a region, not a district (…经济技术开发区).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> pool = [Candidate(0, 2, "Place", "tagger LOC", 40), Candidate(5, 10, "Place", "tagger LOC", 40)]
    >>> ["中华水塔,自贸港全岛封关"[c.i:c.j] for c in places_named(demo_context(), "中华水塔,自贸港全岛封关", pool)]
    ['自贸港']
    """
    out = []
    for c in pool:
        name = norm[c.i:c.j]
        if c.nested or not ctx.schema.is_a(c.cls, "Place") or c.rule in ("title", "tagger zone") or c.rule.startswith("quote"):
            out.append(c)
            continue
        if name in _NOT_PLACES or (len(name) > 2 and name.endswith(_COUNTRYSIDE)):
            continue
        if name.endswith(_ZONE_KINDS) and not name.startswith(_ZONE_KINDS) and c.cls != _zone_class(ctx, name):
            # a zone, not a district by its last word (…经济技术开发区)
            c = Candidate(c.i, c.j, _zone_class(ctx, name), c.rule, c.prio, name=c.name, iri=c.iri)
        if _LEVEL_BEFORE_TOWN.fullmatch(name):  # 县|城关镇: the county's town
            c = Candidate(c.i + 1, c.j, c.cls, c.rule, c.prio, name=name[1:], iri=c.iri)
            name = name[1:]
        whole = next((w for w in _WHOLE_OF if name.endswith(w)), None)
        if whole is not None:
            if len(name) - len(whole) < 2:
                continue
            c = Candidate(c.i, c.j - len(whole), c.cls, c.rule, c.prio, name=strip_name(name[: -len(whole)]), iri=c.iri)
        out.append(c)
    return out
