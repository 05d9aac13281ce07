"""Phrases that describe rather than name (issue 13, seventh pass (a)): words of the lexicon's ``[spans]`` that tell a
description of a way of working, a system of the economy or a kind of meeting from the name of one.

Each predicate takes the phrase as the text writes it (normalised) and answers from word lists only; the finders
(:mod:`cppcc_kg.ingest.phrases`, :mod:`cppcc_kg.ingest.named`) call them before they propose a name.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.forms import DOC_SUFFIXES, MECHANISM_SUFFIXES, made_of
from cppcc_kg.ingest.lexicon import LEXICON

_DESCRIPTIVE_ENDINGS = tuple(LEXICON.spans.get("descriptive_mechanism_endings", ()))
#: words of the committees' work (协商, 提案, 党建 ...): lexicon ``[spans] committee_work_words``
COMMITTEE_WORK_WORDS = tuple(LEXICON.spans.get("committee_work_words", ()))


def system_of_the_economy(name: str, last: str) -> bool:
    """True when *name*, set up by a verb without quotes and ending with *last*, is a system, model or pattern of the
    economy or society (现代化物流体系, 生产经营模式): its last word is one of ``descriptive_mechanism_endings`` and no
    word of the committees' work (``committee_work_words``: 协商, 提案, 党建 ...) is in it.

    >>> system_of_the_economy("现代化物流体系", "体系"), system_of_the_economy("生产经营模式", "模式")
    (True, True)
    >>> system_of_the_economy("提案质量评价体系", "体系"), system_of_the_economy("生态补偿机制", "机制")
    (False, False)
    """
    return last in _DESCRIPTIVE_ENDINGS and not any(w in name for w in COMMITTEE_WORK_WORDS)


def verb_begins_the_item(rest: str, last: str) -> bool:
    """True when a list item without its first word *rest* (a verb of setting up: 创新|共享机制) would be too short to
    be a name: its words before the last word *last* are fewer than three, so the verb is the item's own first word.

    >>> verb_begins_the_item("共享机制", "机制"), verb_begins_the_item("信息共享机制", "机制")
    (True, False)
    """
    return rest.endswith(last) and len(rest) - len(last) < 3


def set_up_items(norm: str, items: list[tuple[int, int]], x: int, listed: str, last: str,
                 lead: re.Pattern) -> tuple[list[tuple[int, int]], bool]:
    """The names set up by one verb: *items* (the last name, or two documents joined by 和: 审议A工作报告和B报告), then
    the items of the list *listed* (``A、B、``) that begins at *x* in *norm*; and whether there is more than one. A last
    name that begins with a verb of its own (*lead*: 健全A、凝聚B、完善C机制) makes clauses, each with its verb: the
    items before it are no names; unless the verb is the item's first word (创新共享机制: :func:`verb_begins_the_item`).

    >>> lead = re.compile("^(?:建立|完善|创新)+")
    >>> set_up_items("甲机制、乙丙机制、创新共享机制", [(9, 15)], 0, "甲机制、乙丙机制、", "机制", lead)
    ([(9, 15), (0, 3), (4, 8)], True)
    >>> set_up_items("甲乙、丙丁、完善戊己庚机制", [(6, 13)], 0, "甲乙、丙丁、", "机制", lead)
    ([(6, 13)], True)
    """
    i, j = items[0][0], items[-1][1]  # the last name, whole
    items = list(items)
    for part in listed.split("、")[:-1]:
        items.append((x, x + len(part)))
        x += len(part) + 1
    in_list = len(items) > 1
    if in_list and (lm := lead.match(norm[i:j])) and not verb_begins_the_item(norm[i + lm.end():j], last):
        items = items[:1]
    return items, in_list


def two_documents(norm: str, i: int, j: int) -> int | None:
    """Where 和, 及 or 与 joins two documents in *norm*[i:j] (the first ends with a last word of a document), or None.

    >>> two_documents("常委会工作报告和提案工作情况报告", 0, 16), two_documents("协商和监督工作计划", 0, 9)
    (7, None)
    """
    for k in range(i + 2, j - 2):
        if norm[k] in "和及与" and any(norm[i:k].endswith(w) for w in DOC_SUFFIXES):
            return k
    return None


def generic_mechanism(name: str, last: str) -> bool:
    """True when *name* is its last word *last* after generic words only (the lexicon's
    ``generic_mechanism_modifiers``): a description of a way of working, not its name.

    >>> generic_mechanism("民主监督机制", "机制"), generic_mechanism("协商监督长效机制", "机制")
    (True, True)
    >>> generic_mechanism("提案质量评价机制", "机制"), generic_mechanism("机制", "机制")
    (False, False)
    """
    if last not in MECHANISM_SUFFIXES or not name.endswith(last):
        return False
    return made_of(name[: -len(last)], LEXICON.spans.get("generic_mechanism_modifiers", ()))
