"""The evidence shown on the page: each quote with the sentence around it.

:class:`EvidenceTable` numbers the sources and the pieces of evidence of the entities and
relations once, so that a quote shared by several of them is embedded once;
:func:`sentence_context` cuts the sentence around a quote out of its source text.
"""
from __future__ import annotations

__all__ = ["CONTEXT_LIMIT", "EvidenceTable", "evidence_key", "sentence_context"]

#: Characters of context kept on each side of a quote (the sentence around it, cut at this).
CONTEXT_LIMIT = 160

_SENTENCE_END = "。！？!?\n"
_CLOSERS = "”’）)」』】》\""


def sentence_context(text: str, start: int, end: int, *, limit: int = CONTEXT_LIMIT) -> tuple[str, str]:
    """The text before and after ``text[start:end]`` within its sentence (at most *limit* each).

    A sentence ends at 。！？, ! or ? or a line end (closing quotes stay with it).
    A cut at *limit* is marked with …

    >>> sentence_context("第一句。今年召开会议，取得成效。下一句", 6, 8)
    ('今年', '会议，取得成效。')
    >>> sentence_context("甲乙丙", 0, 3)
    ('', '')
    """
    s = start
    while s > 0 and text[s - 1] not in _SENTENCE_END and start - s < limit:
        s -= 1
    before = text[s:start].lstrip()
    if s > 0 and text[s - 1] not in _SENTENCE_END:
        before = "…" + before
    e = end
    if not (end > start and text[end - 1] in _SENTENCE_END):
        while e < len(text) and e - end < limit:
            ch = text[e]
            if ch == "\n":
                break
            e += 1
            if ch in _SENTENCE_END:
                break
        while e < len(text) and text[e] in _CLOSERS and e - end < limit + 2:
            e += 1
    after = text[end:e].rstrip()
    if e < len(text) and e - end >= limit and text[e - 1] not in _SENTENCE_END:
        after += "…"
    return before, after


def evidence_key(e: dict) -> tuple[str, int, int, str]:
    """What tells a piece of evidence *e* (a dict of the entity graph) from another: its source, start, end
    and quote (:class:`EvidenceTable` numbers each once).

    >>> evidence_key({"source": "s", "start": 6, "end": 8, "exact": "召开", "source_title": "T"})
    ('s', 6, 8, '召开')
    """
    return str(e.get("source", "")), int(e.get("start", -1)), int(e.get("end", -1)), str(e.get("exact", ""))


class EvidenceTable:
    """The sources and pieces of evidence of a page, each numbered once.

    A piece of evidence is ``[source, start, end, exact, before, after, ok]``: *ok* is 1 when
    the quote is found at its position in the text of its source (*sources*: IRI -> text), and
    *before*/*after* are then its sentence (:func:`sentence_context`).

    >>> t = EvidenceTable({"s": "第一句。今年召开会议。"})
    >>> t.ids([{"source": "s", "start": 6, "end": 8, "exact": "召开"}] * 2), t.evidence
    ([0], [[0, 6, 8, '召开', '今年', '会议。', 1]])
    """

    def __init__(self, sources: dict[str, str] | None = None):
        self.texts = sources or {}
        self.sources: list[dict] = []
        self.evidence: list[list] = []
        self._source_index: dict[str, int] = {}
        self._index: dict[tuple, int] = {}

    def ids(self, items) -> list[int]:
        """The numbers of the pieces of evidence *items* (dicts of the entity graph), each once."""
        out = []
        for e in items or ():
            key = evidence_key(e)
            src, start, end, exact = key
            if src not in self._source_index:
                self._source_index[src] = len(self.sources)
                self.sources.append({"iri": src, "title": str(e.get("source_title", ""))})
            if key not in self._index:
                text = self.texts.get(src)
                ok = bool(text) and 0 <= start < end <= len(text) and text[start:end] == exact
                before, after = sentence_context(text, start, end) if ok else ("", "")
                self._index[key] = len(self.evidence)
                self.evidence.append([self._source_index[src], start, end, exact, before, after, 1 if ok else 0])
            i = self._index[key]
            if i not in out:
                out.append(i)
        return out
