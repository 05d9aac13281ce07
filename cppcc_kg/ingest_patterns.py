"""Proposing mentions: the forms of names in Chinese reports on CPPCC work.

A mention is a span of the normalised text (see :mod:`cppcc_kg.ingest_text`) with a
proposed class. Mentions come from general patterns, not from lists of names:

* titles in 《》 (documents, newspapers and magazines by their last word);
* quoted names of programmes, campaigns, brands and honours (“…”, with the word that
  follows them: “…”工程, “…”委员工作室, “…”评选活动), when the words around them say
  they are names;
* organizations and bodies by their last word (…政协, …委员会, …党委, …党组, …政府,
  …法院, …部, …厅, …局, …办, …中心, …组, …院, newspapers …报), extended to the left
  over the words of the name (a segmenter with the graph's names in its dictionary
  says where words begin and which words are verbs);
* places by their forms (…盟, …市, …旗, …县, …区, …苏木, …乡, …镇, …街道, …嘎查, …村)
  and the places visited (赴/深入/走进 X 调研);
* events (…会议, …会, …展, …班, …论坛, …活动) when an ordinal, a date, a quote or a verb
  such as 召开/举办 says they are events;
* mechanisms set up by a verb (建立/完善/推行 … 机制/制度/体系/平台);
* names of the graph (labels and aliases) found as they are;
* items of an enumeration that ends with the kind of thing listed (A、B、C等…媒体).

The class of a name comes from its last word: first the table :data:`cppcc_kg.ingest_forms.SUFFIX_CLASSES`
then the Chinese words of the ontology's classes
(:meth:`cppcc_kg.ingest_schema.Schema.class_by_suffix`).

>>> from cppcc_kg.ingest_schema import Schema
>>> from rdflib import Graph
>>> from cppcc_kg.ingest_text import normalize
>>> from pathlib import Path
>>> schema = Schema.from_graph(Graph().parse(Path(__file__).parents[1] / "ontology.ttl"))
>>> finder = MentionFinder(schema, {})
>>> nt = normalize("7月28日，盟政协党组召开第9次会议，专题研究《工作方案》。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in finder.find(nt)]
[('盟政协党组', 'PartyGroup'), ('第9次会议', 'Meeting'), ('《工作方案》', 'Plan')]
"""
from __future__ import annotations

import re

from .ingest_schema import Schema
from .ingest_text import NormalizedText, is_cjk
from .ingest_forms import (
    Candidate,
    EVENT_SUFFIXES,
    EVENT_VERBS,
    LIST_HEADS,
    MECHANISM_SUFFIXES,
    MECHANISM_VERBS,
    ORG_SUFFIXES,
    PLACE_SUFFIXES,
    PROGRAM_SUFFIXES,
    QUOTE_TRIGGERS,
    SITE_SUFFIXES,
    SUFFIX_CLASSES,
    Segmenter,
    Tokens,
    _BARE_BODIES,
    _DOC_ONLY_VERBS,
    _DOC_SUFFIXES,
    _EVENT_ONLY_VERBS,
    _EXTRA_ORG_WORDS,
    _GENERIC_BODIES,
    _GENERIC_ORG_WORDS,
    _GENERIC_PLACE_WORDS,
    _GENERIC_TWO,
    _N,
    _NAME_POS,
    _ORG_PREFIX_MODE,
    _PUNCT,
    _QUOTE_REJECT,
    _STOP_CHARS,
    _STOP_WORDS,
    _TAIL_STOP_CHARS,
    _TAIL_STOP_VERBS,
    _blocks,
    _inside_title,
    _orgish_word,
    _placeish_word,
    resolve,
    resolve_nested,
    strip_name,
)


class MentionFinder:
    """Find candidate mentions in a normalised text.

    *names* maps normalised names of the graph to ``(iri, class)`` pairs (the dictionary).
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
                    cls = self.suffix_classes[suffix]
                    if cls in ("Event", "Organization", "Program") and len(attempt) > len(suffix):
                        # a generic last word: a more specific word may precede it (评选活动 -> Selection)
                        inner = self.classify(attempt[: -len(suffix)], None, within=within)
                        if inner and self.schema.is_a(inner, cls) and inner != cls:
                            cls = inner
                    if within is None or self.schema.is_a(cls, within):
                        return cls
            cls = self.schema.class_by_suffix(attempt)
            if cls and (within is None or self.schema.is_a(cls, within)):
                return cls
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
        return sorted(out, key=lambda c: (c.i, -c.j))

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
        cands = self._quote_lists(norm, cands)
        cands = self._parentheticals(norm, cands)
        # a quoted name that ends a title is the title itself, not a name inside it
        cands = [c for c in cands if not (c.nested and c.rule == "quote+word" and self.schema.is_a(c.cls, "Document"))]
        chosen = resolve(cands)
        chosen += self._lists(norm, toks, chosen)
        chosen = resolve(chosen)
        chosen += self._nested_known(chosen, cands)
        for c in chosen:
            if not c.name:
                c.name = strip_name(norm[c.i:c.j])
            c.i += base
            c.j += base
        return chosen

    # ------------------------------------------------------------ titles 《》
    def _titles(self, norm: str) -> list[Candidate]:
        out = []
        for m in re.finditer(r"《([^《》\n]{1,120})》", norm):
            title = m.group(1).strip()
            if not title:
                continue
            after = norm[m.end(): m.end() + 6]
            if re.match(r"(杂志|期刊|刊物)", after):
                cls = "Magazine"
            elif re.match(f"第{_N}期", after) or re.search(r"(杂志|期刊|刊)$", title):
                cls = "Magazine" if re.search(r"(杂志|期刊|刊)$", title) else "Publication"
            elif len(title) <= 10 and re.search(r"(日报|晚报|报)$", title):
                cls = "Newspaper"
            else:
                cls = self.classify(title, "Document", within="Document")
            out.append(Candidate(m.start(), m.end(), cls, "title", 100, name=title))
            # names inside the title (the body that issued it, a quoted programme)
            inner = norm[m.start(1): m.end(1)]
            sub = MentionFinderView(self, inner, m.start(1))
            for c in sub.inner_candidates():
                c.nested = True
                out.append(c)
        return out

    # ------------------------------------------------------------ quotes “”
    def _quotes(self, norm: str, toks: Tokens, orig_of=None) -> list[Candidate]:
        out = []
        for m in re.finditer(r"“([^“”\n]{1,60})”", norm):
            content = m.group(1)
            qs, qe = m.start(), m.end()
            if norm[qs - 1: qs] == "《" or _inside_title(norm, qs):
                nested = True
            else:
                nested = False
            # a count before the quote: 六个“倍增计划”
            pre = re.search(f"({_N}[个大项条])$", norm[max(0, qs - 4): qs])
            start = qs - len(pre.group(1)) if pre else qs
            # the words after the quote that say what it names: “…”委员工作室, “…”评选活动
            tail_m = re.match(r"[\u4e00-\u9fff0-9]{1,14}", norm[qe:])
            best_tail = None
            if tail_m and not (qe in toks.starts and (toks.token(qe) or (0, 0, "", ""))[2] in _TAIL_STOP_VERBS):
                tail = tail_m.group(0)
                for k in range(len(tail), 0, -1):
                    piece = tail[:k]
                    if any(ch in _TAIL_STOP_CHARS for ch in piece):
                        continue
                    if (qe + k) not in toks.ends and (qe + k) != len(norm) and norm[qe + k] not in "上中":
                        continue
                    if any(w in _TAIL_STOP_VERBS for (_s, _e, w, _p) in toks.toks[toks.at[qe]: toks.at[qe + k - 1] + 1]):
                        continue
                    cls = self.classify(piece)
                    last = next((x for x in self._last_words if piece.endswith(x)), None)
                    if cls and last and len(last) == 1:
                        kk = toks.at[qe + k - 1]
                        if toks.toks[kk][1] == qe + k and not self._one_char_suffix_ok(toks, kk, last, ""):
                            continue
                    if cls and last and self._quote_tail_ok(piece, last, cls):
                        best_tail = (k, cls)
                        break
            if best_tail:
                k, cls = best_tail
                s0 = start
                if self.schema.is_a(cls, "Event") and not pre:
                    # the body before the quote belongs to an event's name: 政协“北疆文化”书画笔会
                    left = self._extend_left(norm, toks, qs, max_len=8, mode="org")
                    if left < qs and _orgish_word(norm[left:qs], "n"):
                        s0 = left
                out.append(Candidate(s0, qe + k, cls, "quote+word", 90, nested=nested,
                                     name=strip_name(norm[s0: qe + k])))
                inner_cls = self.classify(content)
                if inner_cls and any(self.schema.is_a(inner_cls, c) for c in ("Program", "Mechanism", "Event", "Concept")) \
                        and len(content) >= 4:
                    out.append(Candidate(qs, qe, inner_cls, "quoted name", 88, nested=True, name=content))
                continue
            if _QUOTE_REJECT.search(content) or len(content) < 2:
                continue
            cls = None
            rule = ""
            before = norm[max(0, qs - 6): qs]
            trig = next((t for t in sorted(QUOTE_TRIGGERS, key=len, reverse=True) if before.endswith(t)), None)
            if trig is None:
                clause = re.split(r"[，。；：、！？]", norm[max(0, qs - 16): qs])[-1]
                trig = next((t for t in ("被评为", "获评", "命名为", "荣获", "授予") if t in clause), None)
            inner_cls = self.classify(content)
            original = orig_of(m.start(1), m.end(1)) if orig_of else content
            original_has_space = bool(re.search(r"[\u4e00-\u9fff]{2,}[\s\u3000]+[\u4e00-\u9fff]{2,}", original))
            if trig:
                cls = QUOTE_TRIGGERS[trig]
                if cls == "Program" and inner_cls and any(self.schema.is_a(inner_cls, c) for c in (
                        "Program", "Mechanism", "Event", "Concept")):
                    cls = inner_cls
                rule = "quote after " + trig
            elif inner_cls and (self.schema.is_a(inner_cls, "Program") or self.schema.is_a(inner_cls, "Mechanism")
                                or self.schema.is_a(inner_cls, "Event") or self.schema.is_a(inner_cls, "Concept")):
                cls, rule = inner_cls, "quoted name"
            elif re.match(f"{_N}[个型大项条种]|{_N}\\+", content) and not norm[qe: qe + 1] == "的":
                cls, rule = "Program", "numbered slogan"
            elif original_has_space or "——" in content:
                cls, rule = "Program", "slogan"
            if cls is None or len(content) > 40 and not self.schema.is_a(cls, "Event"):
                continue
            if "的" in content and not self.schema.is_a(cls, "Event") and cls != "Honour":
                continue
            if pre:
                out.append(Candidate(start, qe, cls, rule, 88, nested=nested, name=strip_name(norm[start:qe])))
            else:
                out.append(Candidate(qs, qe, cls, rule, 88, nested=nested, name=content))
        return out

    def _quote_tail_ok(self, piece: str, last: str, cls: str) -> bool:
        s = self.schema
        if s.is_a(cls, "Place") or s.is_a(cls, "Publication"):
            return False
        if s.is_a(cls, "Organization") or s.is_a(cls, "OrganizationalUnit"):
            return last in ("工作室", "工作站", "委员之家", "议事厅") or len(piece) >= 3 and last in (
                "中心", "专班", "小组", "工作组")
        return True

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

    # ------------------------------------------------------------ structured names (届次, ordinals)
    def _structured(self, norm: str, toks: Tokens) -> list[Candidate]:
        out = []
        # 政协X市第九届委员会(常务委员会)
        for m in re.finditer(f"政协[\u4e00-\u9fff]{{2,12}}?(第{_N}届)?委员会(常务委员会|常委会)?", norm):
            cls = "StandingCommittee" if m.group(2) else "CPPCCCommittee"
            out.append(Candidate(m.start(), m.end(), cls, "cppcc full name", 75))
        # meetings with an ordinal: 第9次会议, 五届二十三次主席会议, 十三届二次会议, 2023年第9次会议
        ev = (f"((?:{_N}年)?(?:第?{_N}届)?(?:第?{_N}次)(?:全体会议|常委会会议|常务委员会会议|主席会议|党组会议|党组扩大会议|"
              f"专题议政性常委会会议|常委会议|会议|全会|大会))")
        for m in re.finditer(ev, norm):
            i, j = m.span(1)
            text = m.group(1)
            if not re.search(f"{_N}次", text):
                continue
            cls = "PlenarySession" if (re.search("届", text) and re.search(r"次(全体)?会议$", text)
                                       and not re.search("(党组|主席|常委)", text)) else "Meeting"
            if re.match(r"一次", text) and not re.search("届", text):
                i += 2  # 召开一次…会议: a count, not an ordinal
                if j - i < 4:
                    continue
            left = self._extend_left(norm, toks, i, max_len=20, mode="org")
            full = norm[left:j]
            if re.search("届", full) and re.search(r"次(全体)?会议$", full) and not re.search("(党组|主席|常委)", full):
                cls = "PlenarySession"
            out.append(Candidate(left, j, cls, "ordinal meeting", 72))
        # the party committee of a place: 中共岳阳市委, 中共内蒙古自治区委员会
        for m in re.finditer(r"中共[\u4e00-\u9fff]{2,10}?(省|市|盟|旗|县|区|州)委(员会)?(?!员)", norm):
            out.append(Candidate(m.start(), m.end(), "PartyOrgan", "party committee", 74))
        # an event named where something was said or done: 在庆祝…成立75周年大会上
        heads = "|".join(sorted(EVENT_SUFFIXES, key=len, reverse=True))
        for m in re.finditer(f"在([^在，。；：、“”《》\n]{{2,40}}?(?:{heads}))(?:上|期间|中)", norm):
            i, j = m.span(1)
            name = m.group(1)
            if len(name) < 5 or re.match(r"(各|全|这|此|该|本|有关|相关|会)", name):
                continue
            cls = self.classify(name, "Event", within="Event")
            out.append(Candidate(i, j, cls, "event where 在…上", 70))
        # events named after the verb that holds them: 召开党建和党风廉政建设工作会议, 举办X读书班、研讨班
        heads = "|".join(sorted(EVENT_SUFFIXES + ("交办会", "交流会", "座谈会", "研讨会", "表彰大会"), key=len, reverse=True))
        item = f"[^，。；：、“”《》\n]{{2,24}}(?:{heads})"
        for m in re.finditer(f"(?:召开|举办|举行|主持召开|组织召开)(?:了)?(一次|一场)?((?:{item}、)*{item})"
                             f"(?![\u4e00-\u9fff]{{0,2}}(?:上|中))", norm):
            x = m.start(2)
            for k, name in enumerate(m.group(2).split("、")):
                i, j = x, x + len(name)
                x = j + 1
                if len(name) < (5 if k == 0 else 3) or re.match(r"(各|全|这|此|该|本|有关|相关|了)", name) \
                        or re.search(r"[的在]", name):
                    continue
                if j not in toks.ends and j < len(norm) and is_cjk(norm[j]):
                    continue
                cls = self.classify(name, "Event", within="Event")
                out.append(Candidate(i, j, cls, "event held", 68))
        # the executive meeting of a government: 政府常务会议
        for m in re.finditer(r"(?:[\u4e00-\u9fff]{0,8}?)(政府常务会议)", norm):
            left = self._extend_left(norm, toks, m.start(1), max_len=10, mode="place")
            out.append(Candidate(left, m.end(1), self.classify("政府常务会议", "StateOrgan"), "body", 66))
        # classes and courses with an ordinal: 第二期委员专题培训班
        for m in re.finditer(f"第{_N}[期届]([\u4e00-\u9fff]{{0,12}}?)(培训班|读书班|研讨班|学习班|专题班|轮训班|论坛|"
                             f"研讨会|座谈会|交流会|运动会|评审会|大会|展)", norm):
            cls = self.classify(m.group(0), "Event", within="Event")
            left = self._extend_left(norm, toks, m.start(), max_len=16, mode="noun")
            out.append(Candidate(left, m.end(), cls, "ordinal event", 72))
        return out

    # ------------------------------------------------------------ names by their last word
    def _suffixed(self, norm: str, toks: Tokens) -> list[Candidate]:
        out = []
        for k, (s, e, w, p) in enumerate(toks.toks):
            if not w or w[0] in _PUNCT:
                continue
            # a last word may be the whole token (政协) or the end of a token (县政协, 统战部)
            for suffix, kind in self._detect_by_last.get(w[-1], ()):
                if not w.endswith(suffix):
                    continue
                if len(suffix) == 1 and not self._one_char_suffix_ok(toks, k, suffix, kind):
                    break
                c = self._name_ending_at(norm, toks, k, suffix, kind)
                if c is not None:
                    out.append(c)
                break
        return out

    def _one_char_suffix_ok(self, toks: Tokens, k: int, suffix: str, kind: str) -> bool:
        """A one-character last word (局, 部, 展, 市) ends a name only in a word of its own kind:
        旅游局, 统战部, 书画展, 呼和浩特市 — not 开局, 干部, 开展, 城市."""
        s, e, w, p = toks.toks[k]
        if w == suffix:
            return k > 0 and toks.toks[k - 1][3] in ("ns", "nt", "nz", "j", "n") and toks.toks[k - 1][1] == s
        if len(w) == 2:
            return p in ("j", "nt", "ns")
        if w[-2:] in _GENERIC_ORG_WORDS or w[-2:] in _GENERIC_TWO:
            return False
        return p in ("n", "nt", "ns", "nz", "j", "nr", "nrt") and w not in _GENERIC_ORG_WORDS and w not in _GENERIC_PLACE_WORDS

    def _name_ending_at(self, norm: str, toks: Tokens, k: int, suffix: str, kind: str) -> Candidate | None:
        s, e, w, p = toks.toks[k]
        n = len(norm)
        suffix_start = e - len(suffix)
        after = norm[e: e + 4]
        if kind == "org":
            # the org word must end the word: 政协委员, 党组书记 are not organizations
            if after[:1] and (is_cjk(after[0]) and (e not in toks.ends)):
                return None
            mode = _ORG_PREFIX_MODE.get(suffix, "noun")
            start = self._extend_left(norm, toks, suffix_start, max_len=18, mode=mode)
            if w != suffix and mode == "noun":
                start = min(start, s)
            name = norm[start:e]
            # a full name of a CPPCC committee inside: start there (代表|政协岳阳市第九届委员会)
            full = re.search(f"政协[\u4e00-\u9fff]{{2,12}}?(第{_N}届)?委员会", name)
            if full and full.start() > 0:
                start += full.start()
                name = norm[start:e]
            if re.fullmatch(r"(自治区|省|市|盟|旗|县|区)(委|党委)\1?(政府|行署)", name):
                return None  # two bodies (市委市政府): see _joint_bodies
            if name in _GENERIC_ORG_WORDS or len(name) <= len(suffix) or name in _GENERIC_BODIES:
                # bare relative forms of a body are names too: 盟委, 市委, 行署
                if name in _BARE_BODIES:
                    return Candidate(start, e, self.classify(name, "Organization"), "body", 60)
                return None
            if mode == "noun" and len(suffix) == 1 and len(name) < 3:
                return None
            if mode == "noun" and len(suffix) == 1 and suffix in "部厅局办委院组" and not self._nameish(norm, toks, start, suffix_start):
                return None
            if suffix in ("中心",) and re.search(r"(为|以|的)中心$|^中心$", name):
                return None
            cls = self._org_class(name, suffix)
            return Candidate(start, e, cls, "org form", 60)
        if kind == "place":
            if e not in toks.ends:
                return None
            if w in _GENERIC_PLACE_WORDS or w == suffix:
                # a bare form: only when the word before it is a place name (乌兰察布 市)
                if k > 0 and toks.toks[k - 1][3] == "ns" and w == suffix and suffix in PLACE_SUFFIXES:
                    ps, pe, pw, pp = toks.toks[k - 1]
                    return Candidate(ps, e, self.classify(pw + w, "Place", within="Place"), "place form", 55)
                return None
            if suffix in SITE_SUFFIXES and suffix not in PLACE_SUFFIXES:
                return None  # sites are found where they are visited (see _venues)
            if len(w) < len(suffix) + 1 or (len(suffix) == 1 and len(w) < 3 and p != "ns"):
                return None
            if p not in ("ns", "nz", "n", "nt", "j"):
                return None
            if p != "ns" and (self.seg.tok.FREQ.get(w, 0) > 50 or suffix in ("社区", "村", "嘎查") or w[0] in "进到在赴去"):
                return None  # a common word that ends like a place (城区, 社区, 进社区)
            if re.match(r"(政协|党委|政府|委员会|人大|法院|委|直)", norm[e: e + 3]):
                return None  # the place is part of a body's name: the body is the mention
            cls = self.classify(w, "Place", within="Place")
            return Candidate(s, e, cls, "place form", 55)
        if kind == "event":
            start = self._extend_left(norm, toks, suffix_start, max_len=22)
            if w != suffix:
                start = min(start, s)
            name = norm[start:e]
            if len(name) <= len(suffix) + 1:
                return None
            if e not in toks.ends and e < n and is_cjk(norm[e]):
                return None
            before = norm[max(0, start - 4): start]
            evidence = (re.search(f"{_N}(年|月|日|届|次|期)", name) or any(before.endswith(v) for v in EVENT_VERBS)
                        or re.match(r"(上|期间|召开|举行|举办|开幕|闭幕|在)", after) or "主题" in name)
            if not evidence:
                return None
            if suffix == "会议" and not any(before.endswith(v) for v in EVENT_VERBS if len(v) == 2) and not re.search(
                    f"({_N}|主题|工作|专题|协商|议政|座谈|交流|推进|部署|联席|全体|扩大|党组|常委|主席|学习|中心组)", name):
                return None
            cls = self.classify(name, "Event", within="Event")
            return Candidate(start, e, cls, "event form", 50)
        return None

    def _org_class(self, name: str, suffix: str) -> str:
        if name.startswith("政协") and suffix == "委员会":
            return "CPPCCCommittee"
        if re.search(r"(中共|共产党)", name) and suffix in ("委员会", "委", "市委", "盟委", "旗委", "县委", "区委", "省委"):
            return "PartyOrgan"
        if re.search(r"(党委|市委|盟委|旗委|县委|区委|省委)(统战部|宣传部|组织部|政法委)$", name):
            return "PartyOrgan"
        if re.search(r"政协.*(党组|机关|办公厅|专委会|常委会|主席会议)$", name):
            return self.classify(name, "OrganizationalUnit")
        return self.classify(name, "Organization")

    def _nameish(self, norm: str, toks: Tokens, start: int, suffix_start: int, strict: bool = False) -> bool:
        """True when the words before a one-character last word look like a name (a place, an organization)."""
        k = toks.at[suffix_start]
        tok = toks.toks[k]
        prev = toks.toks[k - 1] if tok[0] == suffix_start and k > 0 else tok
        if prev[3] in ("ns", "nt", "nz", "kg", "j"):
            return True
        if strict:
            return False
        return suffix_start - start >= 3

    def _extend_left(self, norm: str, toks: Tokens, x: int, *, max_len: int = 18, mode: str = "noun",
                     allow_verbs: bool = False, orgs_only: bool = False) -> int:
        """Where a name whose head begins at *x* begins: go left over the words of a name.

        *mode* says which words may precede the head: ``place`` (places and levels: 自治区, 市),
        ``org`` (places, levels and bodies: 盟政协|党组), ``noun`` (any noun-like word).
        """
        if orgs_only:
            mode = "org"
        start = x
        if x not in toks.starts:
            # the head starts inside a token (县政协): the rest of that token belongs to the name
            s0 = toks.toks[toks.at[x]][0]
            head_part = norm[s0:x]
            if mode != "noun" and not _placeish_word(head_part, "n") and not (mode == "org" and _orgish_word(head_part, "n")):
                return x
            start = s0
        k = toks.at[start] - 1
        while k >= 0:
            s, e, w, p = toks.toks[k]
            if x - s > max_len:
                break
            if not w or any(ch in _PUNCT for ch in w):
                break
            if w in _STOP_CHARS or w in _STOP_WORDS:
                break
            if p == "m" or (p in ("t", "mq") and re.search(r"[0-9一二三四五六七八九十]", w)):
                # numbers: an ordinal (第九届, 十三届, 2023年) belongs to the name; a count (三个) ends it after itself
                if re.fullmatch(f"第?{_N}届|\\d{{4}}年|{_N}届|第{_N}", w) or (
                        re.fullmatch(f"{_N}次", w) and k > 0 and toks.toks[k - 1][2].endswith("届")):
                    start = s
                    k -= 1
                    continue
                if mode == "noun" and re.fullmatch(f"{_N}[个项条大]", w):
                    start = s
                break
            if mode in ("place", "org"):
                ok = _placeish_word(w, p) or (mode == "org" and _orgish_word(w, p))
                if not ok and w in ("有关", "相关") and k > 0 and _placeish_word(toks.toks[k - 1][2], toks.toks[k - 1][3]):
                    ok = True
                if not ok:
                    break
                start = s
                k -= 1
                continue
            if p not in _NAME_POS and not (allow_verbs and p.startswith("v")):
                if w in ("有关", "相关") and k > 0 and toks.toks[k - 1][3] == "ns":
                    start = s
                    k -= 1
                    continue
                break
            if p == "vn" and w in ("参加", "开展", "推进", "组织", "举办", "召开", "建设", "发展"):
                break
            start = s
            k -= 1
        return start

    # ------------------------------------------------------------ places visited
    def _venues(self, norm: str, toks: Tokens) -> list[Candidate]:
        out = []
        pat = re.compile(r"(赴|走进|深入到?|前往|来到|到访|走访|参观)([^，。；：、！？\n（）“”《》]{2,40}?)"
                         r"(?=(开展|进行|调研|考察|视察|观摩|参观|走访|督查|监督|宣讲|慰问|检查|学习|交流|，|。|、|；))")
        for m in pat.finditer(norm):
            i, j = m.span(2)
            seg = norm[i:j]
            # strip words of the activity that precede the verb (监督调研 -> 监督)
            seg2 = re.sub(r"(实地|现场|专题|集中|开展|进行)$", "", seg)
            j = i + len(seg2)
            if j <= i:
                continue
            # peel off leading administrative places (武川县 | 坝顶北魏祭祀建筑遗址; 和林格尔 新区 | …产业园)
            x = i
            while x < j:
                tok = toks.token(x)
                if tok is None or tok[0] != x or tok[1] > j:
                    break
                s, e, w, p = tok
                nxt = toks.token(e) if e < j else None
                if e < j and p in ("ns", "nz") and re.search(r"(盟|市|旗|县|区|新区|苏木|乡|镇|街道|嘎查|自治区|省)$", w) \
                        and len(w) >= 3 and w not in _GENERIC_PLACE_WORDS:
                    out.append(Candidate(s, e, self.classify(w, "Place", within="Place"), "place visited", 56))
                    x = e
                    continue
                if nxt is not None and nxt[1] < j and p in ("ns", "nz", "nr") and nxt[2] in (
                        "市", "县", "区", "旗", "盟", "新区", "镇", "乡", "苏木", "街道", "嘎查", "村"):
                    out.append(Candidate(s, nxt[1], self.classify(w + nxt[2], "Place", within="Place"), "place visited", 56))
                    x = nxt[1]
                    continue
                break
            rest = norm[x:j]
            if len(rest) < 3:
                continue
            if any(rest.endswith(sfx) for sfx in SITE_SUFFIXES) and (j in toks.ends):
                out.append(Candidate(x, j, "Place", "site visited", 56))
            elif re.search(r"(盟|市|旗|县|区|苏木|乡|镇|街道|嘎查|村)$", rest) and not re.search(r"^(各|全|基层|有关|相关)", rest):
                out.append(Candidate(x, j, self.classify(rest, "Place", within="Place"), "place visited", 54))
        return out

    # ------------------------------------------------------------ mechanisms set up by a verb
    def _mechanisms(self, norm: str, toks: Tokens) -> list[Candidate]:
        """Names set up, carried out or issued by a verb: 建立X机制, 打造X工程, 举办X活动, 制定X规划."""
        out = []
        verbs = "|".join(sorted(MECHANISM_VERBS + _EVENT_ONLY_VERBS + _DOC_ONLY_VERBS, key=len, reverse=True))
        last_words = sorted(MECHANISM_SUFFIXES + PROGRAM_SUFFIXES + _DOC_SUFFIXES + ("活动",), key=len, reverse=True)
        pat = re.compile(f"({verbs})(了)?((?:[\u4e00-\u9fff0-9]{{2,14}}、)*)([\u4e00-\u9fff0-9]{{2,24}})")
        for m in pat.finditer(norm):
            verb = m.group(1)
            run = m.group(4)
            # the longest name in the run that ends with a last word at the end of a word, before any 的
            cut = len(run)
            dm = re.search(r"[的是在]", run)
            if dm:
                cut = dm.start()
            best = None
            for end in range(cut, 1, -1):
                sm = next((x for x in last_words if run[:end].endswith(x)), None)
                if sm is None:
                    continue
                jj = m.start(4) + end
                if jj not in toks.ends and jj < len(norm) and is_cjk(norm[jj]):
                    tk = toks.token(jj - 1)
                    # the last word may begin a compound word (工程|建设 in 三北工程建设)
                    if not (tk and tk[0] == jj - len(sm) and tk[2].startswith(sm)):
                        continue
                best = (end, sm)
                break
            if best is None:
                continue
            last = best[1]
            i, j = m.start(4), m.start(4) + best[0]
            if last == "活动":
                if verb not in ("开展", "组织", "举办", "启动", "实施", "推进", "创建", "打造", "举行"):
                    continue
            elif last in _DOC_SUFFIXES:
                if verb not in _DOC_ONLY_VERBS + ("出台", "制定", "形成", "推出"):
                    continue
            elif verb in _EVENT_ONLY_VERBS or verb in _DOC_ONLY_VERBS and verb not in MECHANISM_VERBS:
                continue
            items = [(i, j)]
            x = m.start(3)
            for part in m.group(3).split("、")[:-1]:
                items.append((x, x + len(part)))
                x += len(part) + 1
            lead = re.compile("^(?:" + verbs + "|各项|各类|各个|各)+")
            for n_item, (a, b) in enumerate(items):
                name = norm[a:b]
                lm = lead.match(name)
                a2 = a + (len(lm.group(0)) if lm else 0)
                name = norm[a2:b]
                head = name[: -len(last)] if (a, b) == (i, j) else name
                short_ok = False
                if len(head) == 2 and a2 in toks.starts:
                    tk = toks.token(a2)
                    short_ok = tk is not None and tk[2] == head and tk[3] in ("ns", "nz", "nt", "j", "nr")
                if re.search(r"[的是在]", name) or re.match(r"(这|该|此|本|一系列|相关|有关)", name) or (
                        len(head) < 3 and not short_ok):
                    if n_item == 0:
                        break  # the named thing is not a name: nor are the items before it
                    continue
                if last == "活动":
                    cls = self.classify(name, "Event")
                elif last in _DOC_SUFFIXES:
                    cls = self.classify(name, "Plan", within="Document")
                else:
                    cls = self.classify(norm[a2:j] if (a, b) != (i, j) else name, "Mechanism")
                out.append(Candidate(a2, b, cls, "set up by " + verb, 52))
        # figures of speech that name a task: 五大任务, 两件大事
        for m in re.finditer(r"(?<![第一二三四五六七八九十])([二三四五六七八九十两]|十[一二三四五六七八九])(?:大|件|项)(?:任务|大事)", norm):
            out.append(Candidate(m.start(), m.end(), "Concept", "numbered task", 50))
        return out

    # ------------------------------------------------------------ names of the graph inside longer names
    def _nested_known(self, chosen: list[Candidate], cands: list[Candidate]) -> list[Candidate]:
        """The graph's names inside a longer mention (主题教育 in 主题教育读书班, 内蒙古自治区党委 in
        内蒙古自治区党委统战部): mentions of their own; not places inside places."""
        tops = [c for c in chosen if not c.nested]
        have = {(c.i, c.j) for c in chosen}
        out = []
        for d in cands:
            if d.rule != "dictionary" or (d.i, d.j) in have:
                continue
            box = next((c for c in tops if c.i <= d.i and d.j <= c.j and (c.i, c.j) != (d.i, d.j)), None)
            if box is None or box.rule == "dictionary" or box.rule.startswith("listed") or d.j == box.j:
                continue  # inside a name of the graph, or inside an item of a list (a clause, not a name)
            if self.schema.is_a(d.cls, "Place") and (self.schema.is_a(box.cls, "Place") or d.i == box.i):
                continue  # a place that begins a body's name is part of that name (内蒙古自治区政协)
            d.nested = True
            out.append(d)
            have.add((d.i, d.j))
        return resolve_nested(out)

    # ------------------------------------------------------------ “A”“B”“C”等N个…重点
    def _quote_lists(self, norm: str, cands: list[Candidate]) -> list[Candidate]:
        """Quotes in a row followed by 等 and the kind of thing listed: each quote is a name of that kind;
        quotes listed as columns or slogans (专栏, 口号) are not names unless the graph knows them."""
        heads = {"重点": "Concept", "理念": "Concept", "要求": "Concept", "任务": "Concept", "活动": "Event",
                 "工程": "Program", "行动": "Program", "品牌": "Program", "机制": "Mechanism", "制度": "Rule"}
        not_names = ("专栏", "栏目", "专题", "口号", "标语")
        out = list(cands)
        for m in re.finditer(r"((?:“[^“”\n]{1,40}”){2,})等(?:" + _N + r"[个项大条])?([\u4e00-\u9fff]{0,8})", norm):
            tail = m.group(2)
            cls = next((c for h, c in heads.items() if tail.endswith(h) or h in tail[-3:]), None)
            bad = any(w in tail for w in not_names)
            quotes = [(q.start() + m.start(1), q.end() + m.start(1)) for q in re.finditer(r"“[^“”]*”", m.group(1))]
            if bad:
                out = [c for c in out if not ((c.i, c.j) in quotes and c.rule in ("slogan", "numbered slogan"))]
            elif cls and cls in self.schema.classes:
                for (a, b) in quotes:
                    if not any((c.i, c.j) == (a, b) for c in out):
                        out.append(Candidate(a, b, cls, "quoted list", 86, name=norm[a + 1:b - 1]))
        return out

    def _parentheticals(self, norm: str, cands: list[Candidate]) -> list[Candidate]:
        """A name followed by a short parenthetical of its own kind keeps it: 委员工作站（室）."""
        for c in cands:
            m = re.match(r"（[\u4e00-\u9fff]）", norm[c.j: c.j + 3])
            if m and not c.nested and self.schema.is_a(c.cls, "Mechanism"):
                c.j += len(m.group(0))
                c.name = norm[c.i:c.j]
        return cands

    # ------------------------------------------------------------ 市委市政府, 党委政府: two bodies
    def _joint_bodies(self, norm: str) -> list[Candidate]:
        out = []
        for m in re.finditer(r"(?<![\u4e00-\u9fff])?(自治区|省|市|盟|旗|县|区)(委|党委)(\1?(政府|行署))", norm):
            a = m.start(1)
            out.append(Candidate(a, m.end(2), "PartyOrgan", "joint bodies", 76))
            if m.group(3).startswith(m.group(1)):
                out.append(Candidate(m.start(3), m.end(3), "StateOrgan", "joint bodies", 76))
        return out

    # ------------------------------------------------------------ place-pair collaborations (京蒙协作)
    def _collaborations(self, norm: str) -> list[Candidate]:
        out = []
        abbr = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔云滇藏陕秦甘陇青宁新港澳台"
        for m in re.finditer(f"(?<![\u4e00-\u9fff])?([{abbr}]{{2}})(协作|合作|对口支援|对口帮扶)", norm):
            out.append(Candidate(m.start(1), m.end(2), "Collaboration", "place-pair collaboration", 58))
        return out

    # ------------------------------------------------------------ enumerations A、B、C等…媒体
    def _lists(self, norm: str, toks: Tokens, chosen: list[Candidate]) -> list[Candidate]:
        """Items of an enumeration that ends with the kind of thing it lists, when one item is a name already."""
        out: list[Candidate] = []
        heads = "|".join(sorted(LIST_HEADS, key=len, reverse=True))
        pat = re.compile(f"([^，。；：！？\n]{{2,240}}?)等([\u4e00-\u9fff0-9]{{0,12}}?)({heads})")
        top = [c for c in chosen if not c.nested]
        for m in pat.finditer(norm):
            items = []
            x = m.start(1)
            for part in re.split(r"(、|和|及|与)", m.group(1)):
                if part in ("、", "和", "及", "与"):
                    x += len(part)
                    continue
                items.append((x, x + len(part)))
                x += len(part)
            if len(items) < 3 or "、" not in m.group(1):
                continue
            head_cls = LIST_HEADS[m.group(3)]
            if head_cls not in self.schema.classes:
                continue
            named = 0
            todo = []
            for (i, j) in items:
                while i < j and norm[i] in " \u3000":
                    i += 1
                inside = [c for c in top if i <= c.i and c.j <= j]
                if any(c.i == i and c.j == j for c in inside) or any(
                        not (c.rule == "dictionary" or c.rule.startswith("place")) for c in inside):
                    named += 1
                    continue
                if any(c.i < j and i < c.j and not (i <= c.i and c.j <= j) for c in top):
                    continue
                if 2 <= j - i <= 20:
                    todo.append((i, j))
            if named == 0 or not todo:
                continue
            for (i, j) in todo:
                cls = self.classify(norm[i:j], head_cls) if head_cls in ("Program", "Organization") else head_cls
                if not self.schema.is_a(cls, self.schema.top(head_cls)):
                    cls = head_cls
                out.append(Candidate(i, j, cls, "listed with " + m.group(3), 40))
        return out

    # ------------------------------------------------------------ sector groups of a CPPCC (民盟界, 文化艺术界别)
    def _sectors(self, norm: str) -> list[Candidate]:
        out = []
        for m in re.finditer(r"(?<=[织、，和及])([\u4e00-\u9fff]{2,8}?)(界别|界)(?=[、和及]|委员|人士|代表)", norm):
            if re.match(r"(各|全|新|相关|有关|社会各)", m.group(1)):
                continue
            out.append(Candidate(m.start(1), m.end(2), "Organization", "sector group", 62))
        return out


class MentionFinderView:
    """The candidates of a finder inside part of the text (the content of a title)."""

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
        out = []
        cands = [c for c in cands if not (c.rule == "quote+word" and f.schema.is_a(c.cls, "Document"))]
        for c in resolve(cands):
            c.i += self.offset
            c.j += self.offset
            if not c.name:
                c.name = strip_name(self.text[c.i - self.offset: c.j - self.offset])
            out.append(c)
        return out
