"""Doctrines known nationally that texts name without quotes or a title (全过程人民民主): the lexicon's
``[spans] national_concepts`` (issue 13, seventh pass (a)). The graph's own concepts are found by their names
(:func:`cppcc_kg.ingest.named.graph_names`); these are the ones a curator lists for every text.
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.forms import Candidate
from cppcc_kg.ingest.lexicon import LEXICON

_NATIONAL = re.compile("|".join(sorted(map(re.escape, LEXICON.spans.get("national_concepts", ())), key=len, reverse=True))
                       or "(?!)")


def national_concepts(norm: str) -> list[Candidate]:
    """The lexicon's national doctrines where the text writes them.

    >>> [norm[c.i:c.j] for norm in ["深入践行全过程人民民主。"] for c in national_concepts(norm)]
    ['全过程人民民主']
    """
    return [Candidate(m.start(), m.end(), "Concept", "national concept", 60) for m in _NATIONAL.finditer(norm)]
