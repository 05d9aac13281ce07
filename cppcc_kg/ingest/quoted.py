"""Quoted names: titles in 《》, names in quotes (“…”) and the words that follow them.

Rules of :class:`cppcc_kg.ingest.patterns.MentionFinder`, plain functions of a
:class:`cppcc_kg.ingest.context.FinderContext` and the text: titles of documents and periodicals,
quoted names of programmes, campaigns, brands and honours, quoted lists (“A”“B”等…) and short
parentheticals. The names inside a title or a quote are found by the other rules
(:func:`inner_candidates`).

>>> from cppcc_kg.ingest.patterns import demo_finder
>>> from cppcc_kg.ingest.text import normalize
>>> nt = normalize("开展“送法下乡”评选活动，打造“草原书屋”品牌。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in demo_finder().find(nt)]
[('“送法下乡”评选活动', 'Selection'), ('“草原书屋”', 'Program')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.descriptions import COMMITTEE_WORK_WORDS
from cppcc_kg.ingest.forms import (
    NUMERAL,
    QUOTE_REJECT,
    TAIL_STOP_CHARS,
    TAIL_STOP_VERBS,
    Candidate,
    Tokens,
    inside_title,
    orgish_word,
    placeish_word,
    resolve,
    strip_name,
)
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.named import (
    collaborations,
    extend_left,
    graph_names,
    one_char_suffix_ok,
    suffixed,
)
from cppcc_kg.ingest.phrases import generic_event, mechanisms, set_forms, structured

#: words after a quote that say it names a brand of work: “…”品牌, “…”履职品牌, “…”工作品牌
_BRAND_TAIL = re.compile(r"[\u4e00-\u9fff]{0,8}品牌$")
#: words after a quote that say it names a way of working: “师傅带徒弟”的方法, “…”模式
_METHOD_AFTER = re.compile(r"的?(?:工作方法|方法|做法|模式|工作法)")


#: the words after a quote, before a document's last word, that say the document is the plan of a campaign
_CAMPAIGN_HEADS = "活动|行动|工程"
#: a formula of policy language that begins with a number (“六城一中心”, “三学联动”, “双重积极作用”): three to eight
#: characters, the second no number (not “十四五”, a plan period, nor “七一”, a date), no ordinal and no measure word
#: (“两支队伍”, “双第一”: a count of things)
#: (seventh pass (a): also of two characters, “七有”, and of parts, “四提升、两拓展”; not a count of days or things, “两天”,
#: “三个”, nor the two sessions “两会”, a meeting: ``quoted_meetings``)
_FORMULA_PART = (r"[二三四五六七八九十两双](?:(?![一二三四五六七八九十百千两第支件名位批次届年份])[\u4e00-\u9fff]{2,7}"
                 r"|(?![一二三四五六七八九十百千两第支件名位批次届年份个天日月号点岁人家会])[\u4e00-\u9fff])")
_FORMULA = re.compile(f"{_FORMULA_PART}(?:、{_FORMULA_PART})*")
#: verbs that begin a clause after a quote (建设 ends names: “甘味”农产品品牌建设行动)
#: words after a quote that begin a phrase about it (“…行动”有关要求), not the words of its name
_DETERMINERS_AFTER = ("有关", "相关", "各项")
_VERB_AFTER = tuple(sorted((v for v in TAIL_STOP_VERBS if len(v) >= 2 and v != "建设"), key=len, reverse=True))


# ------------------------------------------------------------ names inside a title or a quote
def inner_candidates(ctx: FinderContext, text: str, offset: int) -> list[Candidate]:
    """The names inside part of the text (the content of a title or of a quoted name), *text*, that begins
    at *offset*: non-overlapping candidates, with offsets in the whole text."""
    toks = Tokens(ctx.seg.tokens(text), len(text))
    cands = quotes(ctx, text, toks) + graph_names(ctx, text, toks) + structured(ctx, text, toks)
    cands += [c for c in suffixed(ctx, text, toks) if ctx.schema.is_any(c.cls, "body")]
    cands += collaborations(text)
    cands += [c for c in mechanisms(ctx, text, toks) if c.rule.startswith("set up by")]
    cands += set_forms(ctx, text, toks)
    out = []
    cands = [c for c in cands if not (c.rule == "quote+word" and ctx.schema.is_a(c.cls, "Document"))]
    for c in resolve(cands):
        c.i += offset
        c.j += offset
        if not c.name:
            c.name = strip_name(text[c.i - offset: c.j - offset])
        out.append(c)
    return out


# ------------------------------------------------------------ titles 《》
def titles(ctx: FinderContext, norm: str) -> list[Candidate]:
    """Titles in 《》: documents by their last word, newspapers and magazines; the names inside them, nested."""
    out = []
    for m in re.finditer(r"《([^《》\n]{1,120})》", norm):
        title = m.group(1).strip()
        if not title:
            continue
        after = norm[m.end(): m.end() + 6]
        if re.match(r"(杂志|期刊|刊物)", after):
            cls = "Magazine"
        elif re.match(f"第{NUMERAL}期", after) or re.search(r"(杂志|期刊|刊)$", title):
            cls = "Magazine" if re.search(r"(杂志|期刊|刊)$", title) else "Publication"
        elif len(title) <= 10 and re.search(r"(日报|晚报|报)$", title):
            cls = "Newspaper"
        else:
            cls = classify(ctx, title, "Document", within="Document")
        out.append(Candidate(m.start(), m.end(), cls, "title", 100, name=title))
        # names inside the title (the body that issued it, a quoted programme)
        inner = norm[m.start(1): m.end(1)]
        for c in inner_candidates(ctx, inner, m.start(1)):
            c.nested = True
            out.append(c)
    return out


# ------------------------------------------------------------ quotes “”
@dataclass
class _Quote:
    """A quote “…” of the text: its content, span, whether it is inside a title, the count before it."""

    content: str
    qs: int
    qe: int
    nested: bool
    pre: re.Match | None  # a count before the quote: 六个“倍增计划”
    start: int


def quotes(ctx: FinderContext, norm: str, toks: Tokens, orig_of=None) -> list[Candidate]:
    """Names in quotes: with the words after them that say what they name (“…”委员工作室, “…”品牌),
    or named by the verb before them (获评“…”), by their own last word, or as slogans."""
    out = []
    for m in re.finditer(r"“([^“”\n]{1,60})”", norm):
        qs, qe = m.start(), m.end()
        pre = re.search(f"({NUMERAL}[个大项条])$", norm[max(0, qs - 4): qs])
        if pre and pre.group(1)[0].isascii():
            pre = None  # 5个“十五五”规划: a count in digits counts things; set phrases write their numbers in words (六个“…”)
        q = _Quote(content=m.group(1), qs=qs, qe=qe, nested=norm[qs - 1: qs] == "《" or inside_title(norm, qs),
                   pre=pre, start=qs - len(pre.group(1)) if pre else qs)
        best_tail = _quote_tail(ctx, norm, toks, qe)
        original = orig_of(m.start(1), m.end(1)) if orig_of else q.content  # (the normalised text has no space
        # between Chinese characters: “A B” is a slogan of two parts as written)
        if best_tail and quoted_alone(original, norm[qe: qe + best_tail[0]]):
            # “一线协商·共同缔造”行动: the programme is known by the quoted words, the word after is its kind
            out.append(Candidate(qs, qe, "Program", "quoted programme", 90, nested=q.nested, name=q.content))
        elif best_tail and ctx.schema.is_a(best_tail[1], "Concept") and len(q.content) >= 2:
            # “…”发展战略, “…”工作思路, “…”美好蓝图: a concept is known by the quoted words, the words after
            # them say what kind of idea it is
            out.append(Candidate(qs, qe, "Concept", "quoted concept", 90, nested=q.nested, name=q.content))
        elif best_tail and _BRAND_TAIL.match(norm[qe: qe + best_tail[0]]) and len(q.content) >= 2:
            # “…”品牌, “…”履职品牌: the quote is the name of the brand, the words after it its kind
            out.append(Candidate(q.start, qe, "Program", "quoted brand", 90, nested=q.nested,
                                 name=strip_name(norm[q.start:qe])))
        elif best_tail:
            out += _quote_with_tail(ctx, norm, toks, q, *best_tail)
        elif not (QUOTE_REJECT.search(q.content) or len(q.content) < 2):
            out += _quote_alone(ctx, norm, toks, q, original)
    return out


def quoted_alone(content: str, tail: str) -> bool:
    """True when the words *tail* right after a quote leave the quoted words *content* alone as the name of a
    programme: a bare ``quote_alone_heads`` word (“双百”行动, “送法下乡”活动), or a ``slogan_alone_heads`` word after a slogan
    of two parts (“A·B”活动, “A B”活动; lexicon ``[spans]``).

    >>> quoted_alone("一线协商·共同缔造", "行动"), quoted_alone("委员提议题·月月来协商", "活动")
    (True, True)
    >>> quoted_alone("送法下乡", "活动"), quoted_alone("送法下乡", "协商活动"), quoted_alone("甘味", "农产品品牌建设行动")
    (True, False, False)
    >>> quoted_alone("解民忧、暖民心", "专题实践活动")
    True
    """
    spans = LEXICON.spans
    if tail in spans.get("quote_alone_heads", ()):
        return True
    two_parts = re.fullmatch(r"[\u4e00-\u9fff]{2,}(?:[·•・\s\u3000、]+[\u4e00-\u9fff]{2,})+", content) is not None
    head = next((h for h in spans.get("slogan_alone_heads", ()) if tail.endswith(h)), None)
    # (the head may follow words of a kind of activity: “A、B”专题实践活动)
    return two_parts and head is not None and (tail == head or generic_event(tail[: -len(head)]))


#: jieba's tags of particles (了, 着, 过, 地, 得): never inside the words after a quote that say what it names
#: (“七有”标准建立了委员工作室 is a clause)
_PARTICLE_TAGS = frozenset({"ul", "uz", "ug", "uv", "ud", "uj"})


def _quote_tail(ctx: FinderContext, norm: str, toks: Tokens, qe: int) -> tuple[int, str] | None:
    """(length, class) of the words after a quote ending at *qe* that say what it names: “…”委员工作室,
    “…”评选活动; None when no such words follow."""
    tail_m = re.match(r"[\u4e00-\u9fff0-9]{1,14}", norm[qe:])
    if not tail_m or (qe in toks.starts and (toks.token(qe) or (0, 0, "", ""))[2] in TAIL_STOP_VERBS):
        return None
    tail = tail_m.group(0)
    if tail.startswith(_VERB_AFTER + _DETERMINERS_AFTER):
        return None  # “…”开展调研: a verb after the quote begins a clause, not the quote's kind; “…行动”有关要求:
        # a determiner begins a phrase about the quoted name
    for k in range(len(tail), 0, -1):
        piece = tail[:k]
        if (qe + k) not in toks.ends and (qe + k) != len(norm) and norm[qe + k] not in "上中":
            continue
        words = toks.toks[toks.at[qe]: toks.at[qe + k - 1] + 1]
        # words that end a name: 的, 与, 在 (as words: not 对 in 对接), verbs (建设 only as the last word:
        # “甘味”农产品品牌建设行动 is a name, “五型政协”建设 is not)
        if any(w in TAIL_STOP_CHARS or p in _PARTICLE_TAGS for (_s, _e, w, p) in words) or any(
                w in TAIL_STOP_VERBS and (w != "建设" or n_w == len(words) - 1)
                for n_w, (_s, _e, w, _p) in enumerate(words)):
            continue
        cls = classify(ctx, piece)
        last = next((x for x in ctx.last_words if piece.endswith(x)), None)
        if cls and last and len(last) == 1:
            kk = toks.at[qe + k - 1]
            if toks.toks[kk][1] == qe + k and not one_char_suffix_ok(toks, kk, last, ""):
                continue
        if cls and last and _quote_tail_ok(ctx, piece, last, cls):
            return k, cls
    return None


#: the level words that name the owner of a plan before its quoted name (自治区“十四五”规划), longest first
_OWNER_LEVELS = ("自治区", "全国", "国家", "全省", "全市", "全区", "全县", "省", "市", "县", "区", "州", "盟", "旗")


def _quote_with_tail(ctx: FinderContext, norm: str, toks: Tokens, q: _Quote, k: int, cls: str) -> list[Candidate]:
    """A quote and the *k* characters after it that give its class *cls*; the names inside it."""
    out = []
    s0 = q.start
    if ctx.schema.is_a(cls, "Event") and not q.pre:
        # what comes before the quote in an event's name: 政协“北疆文化”书画笔会,
        # 市政协第二届“…”论坛, 内蒙古自治区2023年度全区“…”评选活动
        s0 = _event_start(norm, toks, q.qs)
    elif ctx.schema.is_a(cls, "Mechanism") and not q.pre:
        s0 = _mechanism_start(toks, q.qs)
    elif ctx.schema.is_a(cls, "Document") and not q.pre:
        year = re.search(r"\d{4}年度?$", norm[max(0, q.qs - 7): q.qs])
        if year:
            s0 = q.qs - len(year.group(0))  # 2021年“…”活动方案: the year of a plan is part of its name
        tok = toks.token(s0 - 1) if s0 > 0 else None
        if tok is not None and tok[1] == s0 and (tok[2] in _OWNER_LEVELS or tok[3] == "ns" and tok[2][-1] in "省市县区州盟旗"):
            s0 = tok[0]  # 自治区“十四五”规划, 广州市“十四五”规划: the place whose plan it is is part of its name
        if re.match(f"[\u4e00-\u9fff]{{0,4}}({_CAMPAIGN_HEADS})", norm[q.qe: q.qe + k]) and len(q.content) >= 3:
            # the plan of a campaign named in quotes: the campaign is a mention of its own (“…”活动方案)
            out.append(Candidate(q.qs, q.qe, "Program", "quoted campaign", 88, nested=True, name=q.content))
    out.append(Candidate(s0, q.qe + k, cls, "quote+word", 90, nested=q.nested, name=strip_name(norm[s0: q.qe + k])))
    if not q.nested and len(q.content) >= 6 and not ctx.schema.is_a(cls, "Document"):
        out += _inside_quote(ctx, norm, q.qs, q.qe)  # “完善委员联系界别群众制度机制 …”工作经验交流会
    inner_cls = classify(ctx, q.content)
    if inner_cls and ctx.schema.is_any(inner_cls, "quoted_kind") and len(q.content) >= 4:
        out.append(Candidate(q.qs, q.qe, inner_cls, "quoted name", 88, nested=True, name=q.content))
    return out


def _mechanism_start(toks: Tokens, qs: int) -> int:
    """Where a mechanism's name whose quoted part begins at *qs* begins: words of the committees' work (调研, 协商:
    ``committee_work_words``) right before the quote are part of it (a place before it is a name of its own: 某村“…”议事室).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "建立调研协商“全链条”工作机制"
    >>> _mechanism_start(Tokens(demo_context().seg.tokens(norm), len(norm)), norm.index("“"))
    2
    """
    start = qs
    k = toks.at[qs] - 1 if qs in toks.starts else -1
    while k >= 0 and qs - toks.toks[k][0] <= 6 and toks.toks[k][2] in COMMITTEE_WORK_WORDS:
        start, k = toks.toks[k][0], k - 1
    return start


def _quote_alone(ctx: FinderContext, norm: str, toks: Tokens, q: _Quote, original: str) -> list[Candidate]:
    """A quote without words after it that say what it names: named by the verb before it, by its own
    last word, as a method, a numbered slogan or a slogan (*original*: its text as written)."""
    qs, qe, content, start = q.qs, q.qe, q.content, q.start
    cls, rule, trig = _quote_class(ctx, norm, q, original)
    if cls is None or len(content) > 40 and not ctx.schema.is_a(cls, "Event"):
        return []
    if "的" in content and not ctx.schema.is_a(cls, "Event") and cls != "Honour":
        return []
    out = []
    if rule == "quoted name" and ctx.schema.is_a(cls, "Event") and not q.pre:
        start = _event_start(norm, toks, qs)
    elif rule == "quoted name" and q.pre:
        start = qs  # 四个“双百行动”: a count before a name wholly in quotes is not part of it
    if norm[max(0, qs - 3): qs] == "新时代" and not q.pre and not ctx.schema.is_a(cls, "Honour"):
        start = qs - 3  # 新时代“枫桥经验”: the age is part of the name
    if not q.nested and len(content) >= 6 and ctx.schema.is_a(cls, "Event"):
        out += _inside_quote(ctx, norm, qs, qe)
    if rule == "quoted meeting":
        start = qs - len(next((w for w in _OWNER_LEVELS if norm.endswith(w, 0, qs)), ""))
    if cls == "Honour" and not q.pre:
        start = _honour_start(norm, toks, qs, trig)
    elif trig == "创建" and norm[max(0, qs - 6): qs].endswith(trig) and not q.pre:
        start = qs - len(trig)  # 创建“北疆模范机关”: the campaign is named by what it creates
    if start < qs:
        out.append(Candidate(start, qe, cls, rule, 88, nested=q.nested, name=strip_name(norm[start:qe])))
    else:
        out.append(Candidate(qs, qe, cls, rule, 88, nested=q.nested, name=content))
    return out


def _quote_class(ctx: FinderContext, norm: str, q: _Quote, original: str) -> tuple[str | None, str, str | None]:
    """(class, rule, trigger verb) of a quote without words after it; class None when it is not a name."""
    qs, qe, content = q.qs, q.qe, q.content
    before = norm[max(0, qs - 6): qs]
    triggers = LEXICON.quote_triggers
    trig = next((t for t in sorted(triggers, key=len, reverse=True) if before.endswith(t)), None)
    if trig is None:
        clause = re.split(r"[，。；：、！？]", norm[max(0, qs - 16): qs])[-1]
        trig = next((t for t in ("被评为", "获评", "命名为", "荣获", "授予") if t in clause), None)
    inner_cls = classify(ctx, content)
    original_has_space = bool(re.search(r"[\u4e00-\u9fff]{2,}[\s\u3000]+[\u4e00-\u9fff]{2,}", original))
    if trig:
        cls = triggers[trig]
        if cls == "Program" and inner_cls and ctx.schema.is_any(inner_cls, "quoted_kind"):
            cls = inner_cls
        return cls, "quote after " + trig, trig
    if inner_cls and ctx.schema.is_any(inner_cls, "quoted_kind"):
        return inner_cls, "quoted name", trig
    if content in LEXICON.spans.get("quoted_meetings", ()):
        return "Meeting", "quoted meeting", trig  # 全国“两会”: the annual sessions of the congress and the CPPCC
    if _METHOD_AFTER.match(norm[qe: qe + 6]) and len(content) >= 3:
        return "Mechanism", "quoted method", trig  # “师傅带徒弟”的方法
    if re.match(f"{NUMERAL}[个型大项条种]|{NUMERAL}\\+", content) and not norm[qe: qe + 1] == "的":
        return "Program", "numbered slogan", trig
    if _FORMULA.fullmatch(content):
        return "Concept", "quoted formula", trig  # “六城一中心”, “双重积极作用”: a formula of policy language
    if original_has_space or "——" in content:
        return "Program", "slogan", trig
    return None, "", trig


def _inside_quote(ctx: FinderContext, norm: str, qs: int, qe: int) -> list[Candidate]:
    """Names inside the quoted part of an event's or programme's name, as nested mentions."""
    out = []
    for c in inner_candidates(ctx, norm[qs + 1: qe - 1], qs + 1):
        if c.rule not in ("dictionary", "quote+word", "quoted name") and c.j - c.i < qe - qs - 2:
            c.nested = True
            out.append(c)
    return out


def _event_start(norm: str, toks: Tokens, qs: int) -> int:
    """Where the name of an event whose quoted part begins at *qs* begins: an ordinal (第二届), a year and
    the area (2023年度全区) or the body (政协) before the quote belong to it."""
    clause = re.split(r"[，。；：、！？（）“”《》\n]", norm[max(0, qs - 16): qs])[-1]
    base = qs - len(clause)
    ordinal = None
    for om in re.finditer(f"第{NUMERAL}[届期]", clause):
        ordinal = om
    if ordinal is not None and len(clause) - ordinal.start() <= 12 and not re.search(
            r"(在|于|召开|举办|举行|参加|开展)", clause[ordinal.end():]):
        start = base + ordinal.start()
    else:
        dm = re.search(r"\d{4}年度?(全区|全市|全省|全国|全盟|全旗|全县)?$", clause)
        if dm is None:
            left = extend_left(norm, toks, qs, max_len=8, mode="org")
            return left if left < qs and orgish_word(norm[left:qs], "n") else qs
        start = base + dm.start()
    left = extend_left(norm, toks, start, max_len=12, mode="org")
    if left < start and (orgish_word(norm[left:start], "n") or placeish_word(norm[left:start], "ns")):
        start = left
    return start


def _honour_start(norm: str, toks: Tokens, qs: int, trig: str) -> int:
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
        if words[0][0] != rest_start or not all(placeish_word(w, p) or p == "ns" for (_s, _e, w, p) in words):
            return qs
    return k + len(trig)


def _quote_tail_ok(ctx: FinderContext, piece: str, last: str, cls: str) -> bool:
    s = ctx.schema
    if s.is_a(cls, "Place") or s.is_a(cls, "Publication"):
        return False
    if s.is_any(cls, "body"):
        return last in ("工作室", "工作站", "委员之家", "议事厅") or len(piece) >= 3 and last in (
            "中心", "专班", "小组", "工作组")
    return True


# ------------------------------------------------------------ “A”“B”“C”等N个…重点
def quote_lists(ctx: FinderContext, norm: str, cands: list[Candidate]) -> list[Candidate]:
    """Quotes in a row followed by 等 and the kind of thing listed: each quote is a name of that kind;
    quotes listed as columns or slogans (专栏, 口号) are not names unless the graph knows them."""
    heads = LEXICON.quote_list_heads
    not_names = ("专栏", "栏目", "专题", "口号", "标语")
    out = list(cands)
    for m in re.finditer(r"((?:“[^“”\n]{1,40}”、?){2,})等(?:" + NUMERAL + r"[个项大条])?([\u4e00-\u9fff]{0,8})", norm):
        tail = m.group(2)
        cls = next((c for h, c in heads.items() if tail.endswith(h) or h in tail[-3:] or tail.startswith(h)), None)
        bad = any(w in tail for w in not_names)
        quotes = [(q.start() + m.start(1), q.end() + m.start(1)) for q in re.finditer(r"“[^“”]*”", m.group(1))]
        if bad:
            out = [c for c in out if not ((c.i, c.j) in quotes and c.rule in ("slogan", "numbered slogan"))]
        elif cls and cls in ctx.schema.classes:
            if cls == "Concept" and len(tail) >= 4 and any(tail.endswith(h) for h, c in heads.items() if c == cls):
                # the kind of the things listed is a concept of its own: 等10个凝聚共识重点
                out.append(Candidate(m.end() - len(tail), m.end(), cls, "kind of a list", 60, name=tail))
            for (a, b) in quotes:
                if not any((c.i, c.j) == (a, b) for c in out):
                    out.append(Candidate(a, b, cls, "quoted list", 86, name=norm[a + 1:b - 1]))
    return _quote_runs(ctx, norm, out)


def _quote_runs(ctx: FinderContext, norm: str, out: list[Candidate]) -> list[Candidate]:
    """Three quotes or more in a row after the verb that names the first (推进“A”“B”“C”工作, a programme;
    筹办“A”“B”“C”, events): each is named as the first is."""
    for m in re.finditer(r"(?:“[^“”\n]{2,20}”、?){3,}", norm):
        quotes = [(q.start() + m.start(), q.end() + m.start()) for q in re.finditer(r"“[^“”]*”", m.group(0))]
        first = next((c for c in out if (c.i, c.j) == quotes[0] and c.rule.startswith("quote after")
                      and (c.cls == "Program" or ctx.schema.is_a(c.cls, "Event"))), None)
        if first is None:
            continue
        for (a, b) in quotes[1:]:
            if not any((c.i, c.j) == (a, b) or (c.i <= a < c.j) for c in out if not c.nested):
                out.append(Candidate(a, b, first.cls, "quoted list", 86, name=norm[a + 1:b - 1]))
    return out


def parentheticals(ctx: FinderContext, norm: str, cands: list[Candidate]) -> list[Candidate]:
    """A name followed by a short parenthetical of its own kind keeps it: 委员工作站（室）."""
    for c in cands:
        m = re.match(r"（[\u4e00-\u9fff]）", norm[c.j: c.j + 3])
        if m and not c.nested and ctx.schema.is_a(c.cls, "Mechanism"):
            c.j += len(m.group(0))
            c.name = norm[c.i:c.j]
    return cands

