"""Quoted names: titles in 《》, names in quotes (“…”) and the words that follow them.

A mixin of :class:`cppcc_kg.ingest.patterns.MentionFinder` (it uses the finder's ``classify``,
``schema`` and segmenter): titles of documents and periodicals, quoted names of programmes,
campaigns, brands and honours, quoted lists (“A”“B”等…) and short parentheticals.

>>> from cppcc_kg.ingest.patterns import MentionFinder, demo_finder
>>> from cppcc_kg.ingest.text import normalize
>>> nt = normalize("开展“送法下乡”活动，打造“草原书屋”品牌。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in demo_finder().find(nt)]
[('“送法下乡”活动', 'Event'), ('“草原书屋”', 'Program')]
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.forms import (
    _N,
    _QUOTE_REJECT,
    _TAIL_STOP_CHARS,
    _TAIL_STOP_VERBS,
    QUOTE_TRIGGERS,
    Candidate,
    Tokens,
    _inside_title,
    _orgish_word,
    _placeish_word,
    strip_name,
)

#: words after a quote that say it names a brand of work: “…”品牌, “…”履职品牌, “…”工作品牌
_BRAND_TAIL = re.compile(r"[\u4e00-\u9fff]{0,8}品牌$")
#: words after a quote that say it names a way of working: “师傅带徒弟”的方法, “…”模式
_METHOD_AFTER = re.compile(r"的?(?:工作方法|方法|做法|模式|工作法)")


class QuotedNames:
    """Rules for names in 《》 and “”."""

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
            from cppcc_kg.ingest.patterns import MentionFinderView
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
                    if (qe + k) not in toks.ends and (qe + k) != len(norm) and norm[qe + k] not in "上中":
                        continue
                    words = toks.toks[toks.at[qe]: toks.at[qe + k - 1] + 1]
                    # words that end a name: 的, 与, 在 (as words: not 对 in 对接), verbs (建设 only as the last word:
                    # “甘味”农产品品牌建设行动 is a name, “五型政协”建设 is not)
                    if any(w in _TAIL_STOP_CHARS for (_s, _e, w, _p) in words) or any(
                            w in _TAIL_STOP_VERBS and (w != "建设" or n_w == len(words) - 1)
                            for n_w, (_s, _e, w, _p) in enumerate(words)):
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
            if best_tail and _BRAND_TAIL.match(norm[qe: qe + best_tail[0]]) and len(content) >= 2:
                # “…”品牌, “…”履职品牌: the quote is the name of the brand, the words after it its kind
                out.append(Candidate(start, qe, "Program", "quoted brand", 90, nested=nested,
                                     name=strip_name(norm[start:qe])))
                continue
            if best_tail:
                k, cls = best_tail
                s0 = start
                if self.schema.is_a(cls, "Event") and not pre:
                    # what comes before the quote in an event's name: 政协“北疆文化”书画笔会,
                    # 市政协第二届“…”论坛, 内蒙古自治区2023年度全区“…”评选活动
                    s0 = self._event_start(norm, toks, qs)
                out.append(Candidate(s0, qe + k, cls, "quote+word", 90, nested=nested,
                                     name=strip_name(norm[s0: qe + k])))
                if not nested and len(content) >= 6 and not self.schema.is_a(cls, "Document"):
                    out += self._inside_quote(norm, qs, qe)  # “完善委员联系界别群众制度机制 …”工作经验交流会
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
                if self.schema.is_a(cls, "Event") and not pre:
                    start = self._event_start(norm, toks, qs)
            elif _METHOD_AFTER.match(norm[qe: qe + 6]) and len(content) >= 3:
                cls, rule = "Mechanism", "quoted method"  # “师傅带徒弟”的方法
            elif re.match(f"{_N}[个型大项条种]|{_N}\\+", content) and not norm[qe: qe + 1] == "的":
                cls, rule = "Program", "numbered slogan"
            elif original_has_space or "——" in content:
                cls, rule = "Program", "slogan"
            if cls is None or len(content) > 40 and not self.schema.is_a(cls, "Event"):
                continue
            if "的" in content and not self.schema.is_a(cls, "Event") and cls != "Honour":
                continue
            if norm[max(0, qs - 3): qs] == "新时代" and not pre and not self.schema.is_a(cls, "Honour"):
                start = qs - 3  # 新时代“枫桥经验”: the age is part of the name
            if not nested and len(content) >= 6 and self.schema.is_a(cls, "Event"):
                out += self._inside_quote(norm, qs, qe)
            if cls == "Honour" and not pre:
                start = self._honour_start(norm, toks, qs, trig)
            elif trig == "创建" and before.endswith(trig) and not pre:
                start = qs - len(trig)  # 创建“北疆模范机关”: the campaign is named by what it creates
            if start < qs:
                out.append(Candidate(start, qe, cls, rule, 88, nested=nested, name=strip_name(norm[start:qe])))
            else:
                out.append(Candidate(qs, qe, cls, rule, 88, nested=nested, name=content))
        return out

    def _inside_quote(self, norm: str, qs: int, qe: int) -> list[Candidate]:
        """Names inside the quoted part of an event's or programme's name, as nested mentions."""
        from cppcc_kg.ingest.patterns import MentionFinderView
        out = []
        for c in MentionFinderView(self, norm[qs + 1: qe - 1], qs + 1).inner_candidates():
            if c.rule not in ("dictionary", "quote+word", "quoted name") and c.j - c.i < qe - qs - 2:
                c.nested = True
                out.append(c)
        return out

    def _event_start(self, norm: str, toks: Tokens, qs: int) -> int:
        """Where the name of an event whose quoted part begins at *qs* begins: an ordinal (第二届), a year and
        the area (2023年度全区) or the body (政协) before the quote belong to it."""
        clause = re.split(r"[，。；：、！？（）“”《》\n]", norm[max(0, qs - 16): qs])[-1]
        base = qs - len(clause)
        ordinal = None
        for om in re.finditer(f"第{_N}[届期]", clause):
            ordinal = om
        if ordinal is not None and len(clause) - ordinal.start() <= 12 and not re.search(
                r"(在|于|召开|举办|举行|参加|开展)", clause[ordinal.end():]):
            start = base + ordinal.start()
        else:
            dm = re.search(r"\d{4}年度?(全区|全市|全省|全国|全盟|全旗|全县)?$", clause)
            if dm is None:
                left = self._extend_left(norm, toks, qs, max_len=8, mode="org")
                return left if left < qs and _orgish_word(norm[left:qs], "n") else qs
            start = base + dm.start()
        left = self._extend_left(norm, toks, start, max_len=12, mode="org")
        if left < start and (_orgish_word(norm[left:start], "n") or _placeish_word(norm[left:start], "ns")):
            start = left
        return start

    def _honour_start(self, norm: str, toks: Tokens, qs: int, trig: str) -> int:
        """An honour named after its trigger with a year and a place before the quote: 被评为2023年度内蒙古“…”."""
        k = norm.rfind(trig, max(0, qs - 16), qs)
        if k < 0:
            return qs
        between = norm[k + len(trig): qs]
        if not between or re.search(r"[，。；：、！？\s]", between):
            return qs
        m = re.fullmatch(r"(\d{4}年度?)([\u4e00-\u9fff]{0,8})", between)
        if m is None:
            return qs
        rest_start = k + len(trig) + len(m.group(1))
        if m.group(2):
            words = [t for t in toks.toks[toks.at[rest_start]: toks.at[qs - 1] + 1]]
            if words[0][0] != rest_start or not all(_placeish_word(w, p) or p == "ns" for (_s, _e, w, p) in words):
                return qs
        return k + len(trig)

    def _quote_tail_ok(self, piece: str, last: str, cls: str) -> bool:
        s = self.schema
        if s.is_a(cls, "Place") or s.is_a(cls, "Publication"):
            return False
        if s.is_a(cls, "Organization") or s.is_a(cls, "OrganizationalUnit"):
            return last in ("工作室", "工作站", "委员之家", "议事厅") or len(piece) >= 3 and last in (
                "中心", "专班", "小组", "工作组")
        return True


    # ------------------------------------------------------------ “A”“B”“C”等N个…重点
    def _quote_lists(self, norm: str, cands: list[Candidate]) -> list[Candidate]:
        """Quotes in a row followed by 等 and the kind of thing listed: each quote is a name of that kind;
        quotes listed as columns or slogans (专栏, 口号) are not names unless the graph knows them."""
        heads = {"重点": "Concept", "理念": "Concept", "要求": "Concept", "任务": "Concept", "活动": "Event",
                 "工程": "Program", "行动": "Program", "品牌": "Program", "机制": "Mechanism", "制度": "Rule"}
        not_names = ("专栏", "栏目", "专题", "口号", "标语")
        out = list(cands)
        for m in re.finditer(r"((?:“[^“”\n]{1,40}”、?){2,})等(?:" + _N + r"[个项大条])?([\u4e00-\u9fff]{0,8})", norm):
            tail = m.group(2)
            cls = next((c for h, c in heads.items() if tail.endswith(h) or h in tail[-3:] or tail.startswith(h)), None)
            bad = any(w in tail for w in not_names)
            quotes = [(q.start() + m.start(1), q.end() + m.start(1)) for q in re.finditer(r"“[^“”]*”", m.group(1))]
            if bad:
                out = [c for c in out if not ((c.i, c.j) in quotes and c.rule in ("slogan", "numbered slogan"))]
            elif cls and cls in self.schema.classes:
                if cls == "Concept" and len(tail) >= 4 and any(tail.endswith(h) for h, c in heads.items() if c == cls):
                    # the kind of the things listed is a concept of its own: 等10个凝聚共识重点
                    out.append(Candidate(m.end() - len(tail), m.end(), cls, "kind of a list", 60, name=tail))
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

