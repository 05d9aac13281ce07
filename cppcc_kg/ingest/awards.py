"""Honours named without quotes (issue 13, seventh pass (a)): those a meeting commends (表彰…优秀提案) and the national
or provincial titles of cities and units (全国文明城市, 国家卫生城市), which a text names while a place strives for them.

The words are data in the lexicon's ``[spans]``: ``commend_verbs``, ``commended_endings``, ``title_ranks``,
``civic_titles``.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.lexicon import LEXICON


def _alt(key: str) -> str:
    return "|".join(sorted(LEXICON.spans.get(key, ()), key=len, reverse=True))


#: 表彰 X优秀提案 (和 …): the honour, up to its last word, before a break, a joining word or 的
_COMMENDED = re.compile(f"(?:{_alt('commend_verbs')})了?([^，,。；;：:“”《》、\\n和及的]{{2,30}}?(?:{_alt('commended_endings')}))"
                        "(?=[，,。；;、和及的]|$)")
#: a count or a quantity of the things commended before the honour's name (一批, 30件, 若干, 12个): not part of it
_COUNT = re.compile(r"(?:[0-9一二三四五六七八九十百千两几多数]+[件个项名位家批类篇条]|若干|一些|部分|各类)")
_CIVIC = re.compile(f"(?:{_alt('title_ranks')})(?:{_alt('civic_titles')})")


def commended(norm: str) -> list[Candidate]:
    """Honours a meeting confers by commending (表彰十二届某政协优秀提案, 表彰2020—2021年度某提案办理先进单位).

    >>> [norm[c.i:c.j] for norm in ["将表彰十三届市政协优秀提案和先进承办单位。"] for c in commended(norm)]
    ['十三届市政协优秀提案']
    >>> [norm[c.i:c.j] for norm in ["表扬政协某县委员会2023年度优秀提案;", "表彰了30件优秀提案。"] for c in commended(norm)]
    ['2023年度优秀提案', '优秀提案']
    """
    out = []
    for m in _COMMENDED.finditer(norm):
        body = m.group(1).rfind("委员会")  # 政协…委员会|2023年度优秀提案: the full name of the body is a name of its own
        start = m.start(1) + (body + 3 if body >= 0 else 0)
        if count := _COUNT.match(norm, start):  # 表彰了一批|优秀提案
            start = count.end()
        if m.end(1) - start >= 4:
            out.append(Candidate(start, m.end(1), "Honour", "honour commended", 64))
    return out


def civic_titles(norm: str) -> list[Candidate]:
    """National or provincial titles of cities and units (全国文明城市, 国家卫生城市, 省级文明单位): honours, also
    while a place strives for them (创建全国文明城市).

    >>> [norm[c.i:c.j] for norm in ["结合全国文明城市创建工作"] for c in civic_titles(norm)]
    ['全国文明城市']
    """
    return [Candidate(m.start(), m.end(), "Honour", "civic title", 64) for m in _CIVIC.finditer(norm)]
