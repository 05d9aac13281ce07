"""Proposing mentions: the forms of names in Chinese reports on CPPCC work.

A mention is a span of the normalised text (see :mod:`cppcc_kg.ingest.text`) with a
proposed class. Mentions come from general patterns, not from lists of names:

* titles in 《》 (documents, newspapers and magazines by their last word), and
  quoted names (“…”, with the word that follows them: “…”工程, “…”委员工作室, “…”评选活动;
  “…”品牌 names the brand “…”), when the words around them say they are names
  (:mod:`cppcc_kg.ingest.quoted`);
* organizations, bodies, places and events by their last word (…政协, …委员会, …局,
  …办公室, …报; …盟, …市, …旗, …镇, …嘎查; …会议, …论坛, …班), extended to the left over
  the words of the name: a segmenter with the graph's names in its dictionary says
  where words begin and which words are verbs (:mod:`cppcc_kg.ingest.named`);
* names that the phrase around them carries: ordinal meetings, events held (召开/举办 …),
  places visited (赴A、B、C调研) or where an event is held (在X召开), mechanisms set up by
  a verb (建立/完善/推行 … 机制/制度/体系/平台), honours conferred (被评为/命名…为 …),
  set forms (N个一, 一X一Y, N项规定, 党的N大), enumerations that end with the kind of
  thing listed (A、B、C等…媒体) (:mod:`cppcc_kg.ingest.phrases`);
* names of the graph (labels and aliases) found as they are, and the names of the
  document found once and again wherever they recur (this module).

The class of a name comes from its last word: first the table :data:`cppcc_kg.ingest.forms.SUFFIX_CLASSES`
then the Chinese words of the ontology's classes
(:meth:`cppcc_kg.ingest.schema.Schema.class_by_suffix`).

>>> from cppcc_kg.ingest.schema import Schema
>>> from rdflib import Graph
>>> from cppcc_kg.ingest.text import normalize
>>> from pathlib import Path
>>> schema = Schema.from_graph(Graph().parse(Path(__file__).parents[2] / "ontology.ttl"))
>>> finder = MentionFinder(schema, {})
>>> nt = normalize("7月28日，盟政协党组召开第9次会议，专题研究《工作方案》。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in finder.find(nt)]
[('盟政协党组', 'PartyGroup'), ('第9次会议', 'Meeting'), ('《工作方案》', 'Plan')]
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from cppcc_kg.ingest.forms import (
    _EXTRA_ORG_WORDS,
    _GENERIC_TWO,
    _N,
    EVENT_SUFFIXES,
    ORG_SUFFIXES,
    PLACE_SUFFIXES,
    SITE_SUFFIXES,
    SUFFIX_CLASSES,
    Candidate,
    Segmenter,
    Tokens,
    _blocks,
    resolve,
    resolve_nested,
    strip_name,
)
from cppcc_kg.ingest.named import NamesByForm
from cppcc_kg.ingest.phrases import PhraseRules
from cppcc_kg.ingest.quoted import QuotedNames
from cppcc_kg.ingest.schema import Schema
from cppcc_kg.ingest.text import NormalizedText

#: the words before 品牌 that say what kind of brand it is, not what it is named after (特色工作品牌)
_GENERIC_BRAND_HEAD = r"(工作|履职|特色|服务|协商|活动|项目|[0-9一二三四五六七八九十]大)$"
#: rules whose names, when they begin the name of an event, are mentions of their own
_HEAD_RULES = {"cppcc full name", "ordinal meeting", "org form", "body", "party committee", "body of a level"}


class MentionFinder(QuotedNames, NamesByForm, PhraseRules):
    """Find candidate mentions in a normalised text.

    *names* maps normalised names of the graph to ``(iri, class)`` pairs (the dictionary). The rules
    live in mixins by what they find: :class:`cppcc_kg.ingest.quoted.QuotedNames`,
    :class:`cppcc_kg.ingest.named.NamesByForm` and :class:`cppcc_kg.ingest.phrases.PhraseRules`.
    """

    def __init__(self, schema: Schema, names: dict[str, list[tuple[str, str]]], *, segmenter: Segmenter | None = None):
        self.schema = schema
        self.names = {k: v for k, v in names.items() if len(k) >= 2}
        classes = set(schema.classes)
        self.suffix_classes = {k: v for k, v in SUFFIX_CLASSES.items() if v in classes}
        tags = {}
        for k, v in self.names.items():
            cls = v[0][1]
            if schema.is_a(cls, "Place"):
                tags[k] = "ns"
            elif schema.is_a(cls, "Organization") or schema.is_a(cls, "OrganizationalUnit") or schema.is_a(cls, "Publication"):
                tags[k] = "nt"
            elif schema.is_a(cls, "Person"):
                tags[k] = "nr"
            else:
                tags[k] = "nz"
        self.seg = segmenter or Segmenter(tags)
        # titles of documents (实施方案) and short names of periodicals (同心, 实践) are found in 《》
        # (and linked from there), not as words of the text
        keys = sorted((k for k, v in self.names.items()
                       if not any(schema.is_a(c, "Document") or (schema.is_a(c, "Publication") and len(k) <= 3)
                                  for _i, c in v)),
                      key=lambda k: (-len(k), k))
        self._dict_re = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
        self._suffix_sorted = sorted(self.suffix_classes, key=lambda k: (-len(k), k))
        # last words that make a name (detection): this module's lists, and the ontology's words of
        # three characters or more for events and bodies (交流会, 座谈会, 专门委员会)
        detect: dict[str, str] = {}
        for sfx in ORG_SUFFIXES + _EXTRA_ORG_WORDS:
            detect[sfx] = "org"
        for sfx in PLACE_SUFFIXES + SITE_SUFFIXES:
            detect.setdefault(sfx, "place")
        for sfx in EVENT_SUFFIXES:
            detect.setdefault(sfx, "event")
        for term, cls in schema._suffixes:
            if len(term) < 3 or term in detect:
                continue
            if schema.is_a(cls, "Event") and cls not in ("InspectionTour", "Selection"):
                detect[term] = "event"
            elif (schema.is_a(cls, "Organization") or schema.is_a(cls, "OrganizationalUnit")) and term not in (
                    "政协组织", "组织机构", "内设机构", "党的机关", "国家机关", "十三届政协"):
                detect[term] = "org"
        self._detect = sorted(detect.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        self._detect_by_last: dict[str, list[tuple[str, str]]] = {}
        for sfx, kind in self._detect:
            self._detect_by_last.setdefault(sfx[-1], []).append((sfx, kind))
        self._last_words = sorted(set(self.suffix_classes) | {t for t, _c in schema._suffixes}, key=lambda k: (-len(k), k))

    # ------------------------------------------------------------ classes
    def classify(self, name: str, default: str | None = None, *, within: str | None = None) -> str | None:
        """The class of *name* by its last word (this module's table, then the ontology's words).

        *within*: only accept classes under this one (e.g. ``Document`` for a title).
        """
        for attempt in (name, re.sub(r"（[^（）]*）$", "", name)):
            for suffix in self._suffix_sorted:
                if attempt.endswith(suffix):
                    if len(suffix) == 1 and attempt[-2:] in _GENERIC_TWO:
                        continue  # a common word that ends like a name (绿色发展 is not an exhibition, 展)
                    cls = self.suffix_classes[suffix]
                    if cls in ("Event", "Organization", "Program") and len(attempt) > len(suffix):
                        # a generic last word: a more specific word may precede it (评选活动 -> Selection)
                        inner = self.classify(attempt[: -len(suffix)], None, within=within)
                        if inner and self.schema.is_a(inner, cls) and inner != cls:
                            cls = inner
                    if within is None or self.schema.is_a(cls, within):
                        return cls
            for term, cls in self.schema._suffixes:
                if attempt.endswith(term) and not (len(term) == 1 and attempt[-2:] in _GENERIC_TWO):
                    if within is None or self.schema.is_a(cls, within):
                        return cls
                    break
        return default

    # ------------------------------------------------------------ entry point
    def find(self, nt: NormalizedText) -> list[Candidate]:
        """Mentions in *nt*: non-overlapping ones, plus nested ones inside titles, quotes and longer names.

        Names never run across a line break, so the text is read in blocks of lines (and long lines
        in blocks of sentences): the work grows with the length of the text, not its square.
        """
        norm = nt.norm
        out: list[Candidate] = []
        for a, b in _blocks(norm):
            out += self._find_block(norm[a:b], a, nt)
        out += self._same_names(norm, out)
        return sorted(out, key=lambda c: (c.i, -c.j))

    # ------------------------------------------------------------ one name, one thing in a document
    def _same_names(self, norm: str, cands: list[Candidate]) -> list[Candidate]:
        """Other occurrences of the names proposed in the document (four characters or more), where no rule
        found them: a name found once by the words around it is a name wherever it recurs (北疆文化 in
        北疆文化品牌, then in “政协主席谈北疆文化”专题研讨会). Inside a title or a quote they are nested."""
        names: dict[str, Candidate] = {}
        for c in sorted(cands, key=lambda c: (c.i, c.j)):
            text = norm[c.i:c.j]
            if c.rule in ("dictionary", "same name") or c.rule.startswith("listed") or len(text) < 4 \
                    or re.search(r"[“”《》（）\s，、]", text):
                continue
            names.setdefault(text, c)
        if not names:
            return []
        tops = sorted((c for c in cands if not c.nested), key=lambda c: c.i)
        top_starts = [c.i for c in tops]
        inner = sorted((c.i, c.j) for c in cands if c.nested)
        inner_starts = [a for a, _b in inner]
        pat = re.compile("|".join(re.escape(k) for k in sorted(names, key=lambda k: (-len(k), k))))
        out = []
        for m in pat.finditer(norm):
            i, j = m.span()
            k = bisect_right(top_starts, i) - 1
            box = tops[k] if k >= 0 and tops[k].j > i else None
            if box is not None and (box.i, box.j) == (i, j):
                continue
            if box is not None and box.j < j:
                continue  # it crosses the end of a name found
            nxt = tops[k + 1] if k + 1 < len(tops) else None
            if box is None and nxt is not None and nxt.i < j:
                continue  # it would swallow or cross a name found
            src = names[m.group(0)]
            if box is None:
                out.append(Candidate(i, j, src.cls, "same name", 45, name=src.name or m.group(0)))
                continue
            if not (box.rule == "title" or box.rule.startswith("quote")):
                continue
            q = bisect_left(inner_starts, j)
            if any(a < j and i < b for a, b in inner[max(0, q - 8): q]):
                continue  # a nested name is there already
            out.append(Candidate(i, j, src.cls, "same name", 45, nested=True, name=src.name or m.group(0)))
        return out

    def _find_block(self, norm: str, base: int, nt: NormalizedText) -> list[Candidate]:
        if not norm.strip():
            return []
        toks = Tokens(self.seg.tokens(norm), len(norm))
        cands: list[Candidate] = []
        cands += self._titles(norm)
        cands += self._quotes(norm, toks, orig_of=lambda i, j: nt.original(i + base, j + base))
        cands += self._dictionary(norm, toks)
        cands += self._structured(norm, toks)
        cands += self._suffixed(norm, toks)
        cands += self._venues(norm, toks)
        cands += self._mechanisms(norm, toks)
        cands += self._collaborations(norm)
        cands += self._sectors(norm)
        cands += self._joint_bodies(norm)
        cands += self._level_bodies(norm)
        cands += self._special_committees(norm, toks)
        cands += self._set_forms(norm, toks)
        cands += self._honours(norm)
        cands = self._quote_lists(norm, cands)
        cands = self._parentheticals(norm, cands)
        # a quoted name that ends a title is the title itself, not a name inside it
        cands = [c for c in cands if not (c.nested and c.rule == "quote+word" and self.schema.is_a(c.cls, "Document"))]
        chosen = resolve(cands)
        chosen += self._lists(norm, toks, chosen)
        chosen = resolve(chosen)
        chosen += self._nested_known(chosen, cands, norm)
        chosen += self._brand_heads(norm, chosen)
        for c in chosen:
            if not c.name:
                c.name = strip_name(norm[c.i:c.j])
            c.i += base
            c.j += base
        return chosen

    # ------------------------------------------------------------ the graph's names
    def _dictionary(self, norm: str, toks: Tokens) -> list[Candidate]:
        out = []
        if self._dict_re is None:
            return out
        pos = 0
        while True:
            m = self._dict_re.search(norm, pos)
            if not m:
                break
            i, j = m.span()
            key = m.group(0)
            ok = True
            if len(key) <= 2 and not (toks.boundary(i) and toks.boundary(j)):
                ok = False
            if ok:
                iri, cls = self.names[key][0]
                out.append(Candidate(i, j, cls, "dictionary", 80, name=key, iri=iri if len(self.names[key]) == 1 else ""))
            pos = i + 1
        return out


    # ------------------------------------------------------------ names of the graph inside longer names
    def _nested_known(self, chosen: list[Candidate], cands: list[Candidate], norm: str = "") -> list[Candidate]:
        """The graph's names inside a longer mention (主题教育 in 主题教育读书班, 内蒙古自治区党委 in
        内蒙古自治区党委统战部): mentions of their own; not places inside places."""
        tops = [c for c in chosen if not c.nested]
        have = {(c.i, c.j) for c in chosen}
        inner = [(c.i, c.j) for c in chosen if c.nested]
        out = []
        for d in cands:
            if (d.i, d.j) in have or any(d.i < b and a < d.j for a, b in inner):
                continue  # a name found already, or one that overlaps a name found inside a title or quote
            if d.rule in _HEAD_RULES and d.j - d.i >= 4 and self._heads_event(d, tops, norm[d.i:d.j]):
                d.nested = True  # the body or session that begins an event's or a document's name:
                # 自治区政协十三届一次会议|提案交办会, 政协X旗第十一届委员会常务委员会|工作报告
                out.append(d)
                have.add((d.i, d.j))
                continue
            if d.rule not in ("dictionary", "thought of a person", "region of provinces"):
                continue
            box = next((c for c in tops if c.i <= d.i and d.j <= c.j and (c.i, c.j) != (d.i, d.j)), None)
            if box is None or box.rule == "dictionary" and d.rule == "dictionary" or box.rule.startswith("listed") \
                    or d.j == box.j:
                continue  # inside a name of the graph, or inside an item of a list (a clause, not a name)
            if self.schema.is_a(d.cls, "Place") and (self.schema.is_a(box.cls, "Place") or d.i == box.i and not self.schema.is_a(box.cls, "Event")):
                continue  # a place that begins a body's name is part of that name (内蒙古自治区政协), not of an event's
            d.nested = True
            out.append(d)
            have.add((d.i, d.j))
        return resolve_nested(out)

    def _brand_heads(self, norm: str, chosen: list[Candidate]) -> list[Candidate]:
        """The idea a brand of work is named after is a concept of its own: 打造北疆文化品牌 -> 北疆文化."""
        out = []
        inner = [(c.i, c.j) for c in chosen if c.nested]
        for c in chosen:
            if c.nested or not c.rule.startswith("set up by") or not norm[c.i:c.j].endswith("品牌"):
                continue
            head = norm[c.i: c.j - 2]
            if len(head) < 4 or re.search(_GENERIC_BRAND_HEAD, head) or any(c.i <= a < c.j for a, _b in inner):
                continue
            out.append(Candidate(c.i, c.j - 2, "Concept", "idea of a brand", 50, nested=True, name=head))
        return out

    def _heads_event(self, d: Candidate, tops: list[Candidate], name: str) -> bool:
        box = next((c for c in tops if c.i == d.i and d.j < c.j), None)
        if box is None or box.rule == "dictionary" or not (self.schema.is_a(box.cls, "Event") or (
                self.schema.is_a(box.cls, "Document") and box.rule != "title")):
            return False  # (the names inside a title in 《》 are found apart)
        if self.schema.is_a(d.cls, "Event"):
            return self.schema.is_a(box.cls, "Event")
        if d.cls in ("Organization", "OrganizationalUnit") or re.search(f"{_N}次", name) or name.startswith("第"):
            return False  # a study group (理论中心组), the ordinal of the meeting (十二次常委会) or of the event
            # (第五届兴安盟政协书画摄影展): not a body
        return self.schema.is_a(d.cls, "Organization") or self.schema.is_a(d.cls, "OrganizationalUnit")


class MentionFinderView:
    """The candidates of a finder inside part of the text (the content of a title or of a quoted name)."""

    def __init__(self, finder: MentionFinder, text: str, offset: int):
        self.f, self.text, self.offset = finder, text, offset

    def inner_candidates(self) -> list[Candidate]:
        f = self.f
        toks = Tokens(f.seg.tokens(self.text), len(self.text))
        cands = f._quotes(self.text, toks) + f._dictionary(self.text, toks) + f._structured(self.text, toks)
        cands += [c for c in f._suffixed(self.text, toks) if f.schema.is_a(c.cls, "Organization")
                  or f.schema.is_a(c.cls, "OrganizationalUnit")]
        cands += f._collaborations(self.text)
        cands += [c for c in f._mechanisms(self.text, toks) if c.rule.startswith("set up by")]
        cands += f._set_forms(self.text, toks)
        out = []
        cands = [c for c in cands if not (c.rule == "quote+word" and f.schema.is_a(c.cls, "Document"))]
        for c in resolve(cands):
            c.i += self.offset
            c.j += self.offset
            if not c.name:
                c.name = strip_name(self.text[c.i - self.offset: c.j - self.offset])
            out.append(c)
        return out


@lru_cache(maxsize=1)
def demo_finder() -> MentionFinder:
    """A finder with the ontology of the repository and no names (for the examples of the docs)."""
    from pathlib import Path

    from rdflib import Graph
    return MentionFinder(Schema.from_graph(Graph().parse(Path(__file__).parents[2] / "ontology.ttl")), {})
