"""The outlet that opens a news item's dateline (云南网讯, 中国西藏网讯, 某某日报讯): a publication (issue 13, seventh
pass (a)). The dateline stands at the start of a line or after a space (a headline before it on the same line),
and its last words are the lexicon's ``[recognizers] outlet_words_after`` read with 讯 (网讯, 日报讯).
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.lexicon import LEXICON

_HEADS = "|".join(sorted({w.removesuffix("讯") for w in LEXICON.recognizers["outlet_words_after"]},
                         key=len, reverse=True))
_OUTLET = re.compile(f"(?![本我该])[\\u4e00-\\u9fff]{{1,8}}?(?:{_HEADS})(?=讯)")  # 本网讯, 我报讯: this outlet, unnamed


def datelines(ctx: FinderContext, norm: str, breaks: list[int] = ()) -> list[Candidate]:
    """The outlet of each dateline of *norm*, a publication of the class its last word gives (中国西藏网: not the place
    its name begins with): at the start of a line, after a space, or at one of *breaks* (where a
    space between two phrases of a headline was dropped from *norm*: :func:`cppcc_kg.ingest.forms.phrase_breaks`).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ctx = demo_context()
    >>> [(norm[c.i:c.j], c.cls) for norm in ["标题 某某网讯 (记者 张三) 正文", "某某日报讯 正文"] for c in datelines(ctx, norm)]
    [('某某网', 'Publication'), ('某某日报', 'Newspaper')]
    >>> [c.i for c in datelines(ctx, "主持香格里拉网讯", [2])]
    [2]
    >>> datelines(ctx, "本网讯 1月11日,政协…")
    []
    """
    starts = {0, *breaks} | {m.end() for m in re.finditer(r"\s+", norm)}
    by_end = {}  # the latest start before the same 讯: the break nearest to it
    for x in sorted(starts):
        if m := _OUTLET.match(norm, x):
            by_end[m.end()] = m.start()
    return [Candidate(i, j, classify(ctx, norm[i:j], "Publication", within="Publication"), "dateline", 70)
            for j, i in sorted(by_end.items())]
