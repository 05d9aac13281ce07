"""Names carried by the phrases around them: events held, places visited, mechanisms set up, lists.

Rules of :class:`cppcc_kg.ingest.patterns.MentionFinder`, plain functions of a
:class:`cppcc_kg.ingest.context.FinderContext` and the text: meetings with ordinals (第9次会议,
十三届二次会议), events named by the verb that holds them (召开…会议, 举办…培训班) or where
something happened (在…大会上), places visited (赴/深入 X 调研), mechanisms, programmes and
documents set up by a verb (建立…机制, 打造…工程, 制定…规划), and the items of an enumeration
that ends with the kind of thing listed (A、B、C等…媒体).

>>> from cppcc_kg.ingest.patterns import demo_finder
>>> from cppcc_kg.ingest.text import normalize
>>> nt = normalize("召开党建工作会议，建立政协助力工作机制。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in demo_finder().find(nt)]
[('党建工作会议', 'Meeting'), ('政协助力工作机制', 'Mechanism')]
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.descriptions import (
    generic_mechanism,
    set_up_items,
    system_of_the_economy,
    two_documents,
    verb_begins_the_item,
)
from cppcc_kg.ingest.forms import (
    DOC_ONLY_VERBS,
    DOC_SUFFIXES,
    EVENT_ENDS_LONGEST_FIRST,
    EVENT_ONLY_VERBS,
    EVENT_SUFFIXES,
    GENERIC_PLACE_WORDS,
    GENERIC_TWO,
    MECHANISM_SUFFIXES,
    MECHANISM_VERBS,
    NUM,
    NUMERAL,
    PROGRAM_SUFFIXES,
    SITE_SUFFIXES,
    STOP_CHARS,
    Candidate,
    Tokens,
    made_of,
)
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.named import extend_left
from cppcc_kg.ingest.text import is_cjk

#: what is done where a place is visited: the list of places ends before it
_VISIT_ACTS = r"(开展|进行|调研|考察|视察|观摩|参观|走访|督查|监督|宣讲|慰问|检查|学习|交流)"
#: the last words of the names of administrative places
_PLACE_END = "盟|市|旗|县|区|苏木|乡|镇|街道|嘎查|村"
#: words that begin a phrase about places, not a name: 各旗县, 全区, 基层, 有关地区
_NOT_A_PLACE = r"(各|全|基层|有关|相关|本|该|我|这|此)"


#: words after 一X一Y that say it is a way of working (一题一团队专项推进), and verbs before it (推行一事一议)
_SET_FORM_AFTER = r"(专项|示范|工作|机制|模式|创建|活动|制度|行动|”)"
_SET_FORM_BEFORE = r"(推行|实行|建立|开展|探索|实施|推进|坚持|落实|打造|创新|推广|“)$"
#: verbs of holding inside the words after another verb (组织部分委员开展…活动): the name begins after the last one
_INNER_VERBS = "(?:开展|组织|举办|举行|召开|参加)"
#: kinds of activities: 学习培训活动, 宣传教育活动 are not names
_GENERIC_ACTS = r"(学习|培训|宣传|调研|交流|教育|实践|志愿服务|文体|系列|专题|主题|各类|各项|相关)+"
#: one-character names of provinces, as in 京津冀, 京蒙
_PROVINCE_ABBR = "".join(LEXICON.recognizers["province_short_forms"])
#: the last words of the names of honours
_HONOUR_END = "(?:先进单位|先进集体|先进个人|示范单位|示范区|示范点|示范基地|模范机关|模范单位|文明单位|标兵|优秀组织奖|奖)"


# ------------------------------------------------------------ structured names (届次, ordinals)
def _named_after_committee(ctx: FinderContext, norm: str, i: int, j: int) -> list[Candidate]:
    """A session or a report named after the committee whose full name is norm[i:j]: …委员会第三次会议,
    …常务委员会工作报告, …常务委员会关于…情况报告."""
    rest = norm[j: j + 48]
    m = re.match(f"第{NUMERAL}次(?:全体)?会议", rest)
    if m:
        return [Candidate(i, j + m.end(), "PlenarySession", "session of a committee", 76)]
    m = re.match(r"工作报告|关于[^，。；：！？、“”《》()\n]{2,40}?报告", rest)
    if m:
        name = norm[i: j + m.end()]
        return [Candidate(i, j + m.end(), classify(ctx, name, "Document", within="Document"), "report of a committee", 76)]
    return []


def structured(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    out = []
    # 省政协常委会工作报告, 区政府工作报告: the report of a standing committee or a government named by its short form
    for m in re.finditer(r"(?:自治区|省|市|州|盟|旗|县|区)(?:政协常(?:委会|务委员会)|人民政府|政府)工作报告", norm):
        out.append(Candidate(m.start(), m.end(), classify(ctx, m.group(0), "Document", within="Document"),
                             "report of a committee", 76))
    # 政协X市第九届委员会(常务委员会)
    for m in re.finditer(f"(?:政协|中国人民政治协商会议)[\u4e00-\u9fff]{{1,12}}?(?:自治区|自治州|省|市|盟|州|旗|县|区)"
                         f"(第{NUMERAL}届)?委员会(常务委员会|常委会)?", norm):
        cls = "StandingCommittee" if m.group(2) else "CPPCCCommittee"
        out.append(Candidate(m.start(), m.end(), cls, "cppcc full name", 75))
        out += _named_after_committee(ctx, norm, m.start(), m.end())
    # meetings with an ordinal: 第9次会议, 五届二十三次主席会议, 十三届二次会议, 2023年第9次会议
    ev = (f"((?:{NUMERAL}年)?(?:第?{NUMERAL}届)?(?:第?{NUMERAL}次)(?:[(（]扩大[)）])?(?:全体会议|常委会会议|常务委员会会议|主席会议|党组会议|党组扩大会议|"
          f"专题议政性常委会会议|常委会议|会议|全会|大会))")
    for m in re.finditer(ev, norm):
        i, j = m.span(1)
        text = m.group(1)
        if not re.search(f"{NUMERAL}次", text):
            continue
        cls = "PlenarySession" if (re.search("届", text) and re.search(r"次(全体)?会议$", text)
                                   and not re.search("(党组|主席|常委)", text)) else "Meeting"
        if re.match(r"一次", text) and not re.search("届", text):
            i += 2  # 召开一次…会议: a count, not an ordinal
            if j - i < 4:
                continue
        left = extend_left(norm, toks, i, max_len=20, mode="org")
        full = norm[left:j]
        if re.search("届", full) and re.search(r"次(全体)?会议$", full) and not re.search("(党组|主席|常委)", full):
            cls = "PlenarySession"
        out.append(Candidate(left, j, cls, "ordinal meeting", 72))
    # the party committee of a place: 中共岳阳市委, 中共内蒙古自治区委员会
    for m in re.finditer(r"中共[\u4e00-\u9fff]{2,10}?(省|市|盟|旗|县|区|州)委(员会)?(?!员)", norm):
        out.append(Candidate(m.start(), m.end(), "PartyOrgan", "party committee", 74))
    # an event named where something was said or done: 在庆祝…成立75周年大会上
    heads = "|".join(EVENT_ENDS_LONGEST_FIRST)
    for m in re.finditer(f"在([^在，。；：、“”《》\n]{{2,40}}?(?:{heads}))(?:上|期间|中)", norm):
        i, j = m.span(1)
        name = m.group(1)
        if len(name) < 5 or re.match(r"(各|全|这|此|该|本|有关|相关|会)", name) or re.search(r"(?<!党)的", name):
            continue  # (为期4天的会议: a description)
        last = next((h for h in EVENT_ENDS_LONGEST_FIRST if name.endswith(h)), "")
        if generic_event(name[: -len(last)], last) or len(last) == 1 and name[-2:] in GENERIC_TWO:
            continue  # 在调研座谈会上: a kind of meeting; 在…高质量发展中: 展 ends a word, not an exhibition
        cls = classify(ctx, name, "Event", within="Event")
        out.append(Candidate(i, j, cls, "event where 在…上", 70))
    # events named after the verb that holds them: 召开党建和党风廉政建设工作会议, 举办X读书班、研讨班
    heads = "|".join(sorted(EVENT_SUFFIXES + ("交办会", "交流会", "座谈会", "研讨会", "表彰大会"), key=len, reverse=True))
    item = f"[^，。；：、“”《》\n]{{0,24}}(?:{heads})"
    for m in re.finditer(f"(?:召开|举办|举行|主持召开|组织召开)(?:了)?(一次|一场)?((?:{item}、)*{item})"
                         f"(?![\u4e00-\u9fff]{{0,2}}(?:上|中))", norm):
        x = m.start(2)
        for k, name in enumerate(m.group(2).split("、")):
            i, j = x, x + len(name)
            x = j + 1
            if k == 0 and re.match(r"(各|全|这|此|该|本|有关|相关|多|若干)", name):
                break  # a list of kinds of events (各类专题讲座、讲堂、分享会), not of names
            if len(name) < (5 if k == 0 else 3) or re.match(r"(各|全|这|此|该|本|有关|相关|了)", name) or _COUNTED.match(name) \
                    or re.search(r"[的在]", name):
                continue
            if j not in toks.ends and j < len(norm) and is_cjk(norm[j]):
                continue
            last = next((h for h in EVENT_ENDS_LONGEST_FIRST if name.endswith(h)), "")
            if last and generic_event(name[: -len(last)], last):
                continue  # 召开调研座谈会: a kind of meeting, not its name
            cls = classify(ctx, name, "Event", within="Event")
            out.append(Candidate(i, j, cls, "event held", 68))
    # the executive meeting of a government: 政府常务会议
    for m in re.finditer(r"(?:[\u4e00-\u9fff]{0,8}?)(政府常务会议)", norm):
        left = extend_left(norm, toks, m.start(1), max_len=10, mode="place")
        out.append(Candidate(left, m.end(1), classify(ctx, "政府常务会议", "StateOrgan"), "body", 66))
    # classes and courses with an ordinal: 第二期委员专题培训班
    for m in re.finditer(f"第{NUMERAL}[期届]([\u4e00-\u9fff]{{0,12}}?)(培训班|读书班|研讨班|学习班|专题班|轮训班|论坛|"
                         f"研讨会|座谈会|交流会|运动会|评审会|大会|展)", norm):
        if re.search(r"[向对在为给由被把]", m.group(1)):
            continue  # a clause between them: 第十三届委员会常务委员会|向大会(报告)
        cls = classify(ctx, m.group(0), "Event", within="Event")
        left = extend_left(norm, toks, m.start(), max_len=16, mode="noun")
        out.append(Candidate(left, m.end(), cls, "ordinal event", 72))
    return out


# ------------------------------------------------------------ places visited
def venues(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """Places visited (赴A、B、C开展…, 深入X调研, 走访X和Y) and where an event is held (在X召开)."""
    out = []
    for m in re.finditer(r"(赴|走进|深入到?|前往|来到|到访|走访|参观)", norm):
        end = m.end()
        stop = re.search(r"[，。；：！？\n（）“”《》]", norm[end: end + 90])
        clause_end = end + stop.start() if stop else min(len(norm), end + 90)
        act = re.search(_VISIT_ACTS, norm[end: clause_end])
        if act is None and stop is None:
            continue
        j_all = end + act.start() if act else clause_end
        items = []
        x = end
        for part in norm[end: j_all].split("、"):
            items.append((x, x + len(part)))
            x += len(part) + 1
        # the last item may hold two names joined by 和/及: 走访…产业园和湖南工业大学
        a, b = items[-1]
        jm = re.search(r"(和|及)", norm[a:b])
        if jm and jm.start() >= 3 and b - (a + jm.end()) >= 3:
            items[-1:] = [(a, a + jm.start()), (a + jm.end(), b)]
        for (i, j) in items:
            out += _venue(ctx, norm, toks, i, j)
    # where something is held or set up: 在鲁北镇隆重开幕, 在赤峰市召开, 在A镇、B镇设立…
    item = r"[^在，。；：、！？\n（）“”《》]{2,12}?"
    for m in re.finditer(f"在((?:{item}、)*{item})(?=(?:隆重)?(?:召开|举行|举办|开幕|开班|启动|设立|建立|成立|建成))",
                         norm):
        if m.start(1) not in toks.starts:
            continue
        x = m.start(1)
        for name in m.group(1).split("、"):
            i, j = x, x + len(name)
            x = j + 1
            if re.search(f"({_PLACE_END})$", name) and not re.match(_NOT_A_PLACE, name) \
                    and name not in GENERIC_PLACE_WORDS:
                out.append(Candidate(i, j, classify(ctx, name, "Place", within="Place"), "venue", 57))
    return out


def _venue(ctx: FinderContext, norm: str, toks: Tokens, i: int, j: int) -> list[Candidate]:
    """The places named in one item of a list of places visited, norm[i:j]."""
    out = []
    seg = norm[i:j]
    # strip words of the activity that precede the verb (监督调研 -> 监督)
    seg2 = re.sub(r"(实地|现场|专题|集中|开展|进行)$", "", seg)
    j = i + len(seg2)
    if j <= i:
        return out
    # peel off leading administrative places (武川县 | 坝顶北魏祭祀建筑遗址; 和林格尔 新区 | …产业园)
    x = i
    while x < j:
        tok = toks.token(x)
        if tok is None or tok[0] != x or tok[1] > j:
            break
        s, e, w, p = tok
        nxt = toks.token(e) if e < j else None
        if e < j and p in ("ns", "nz") and re.search(r"(盟|市|旗|县|区|新区|苏木|乡|镇|街道|嘎查|自治区|省)$", w) \
                and len(w) >= 3 and w not in GENERIC_PLACE_WORDS:
            out.append(Candidate(s, e, classify(ctx, w, "Place", within="Place"), "place visited", 56))
            x = e
            continue
        if nxt is not None and nxt[1] < j and p in ("ns", "nz", "nr") and nxt[2] in (
                "市", "县", "区", "旗", "盟", "新区", "镇", "乡", "苏木", "街道", "嘎查", "村"):
            out.append(Candidate(s, nxt[1], classify(ctx, w + nxt[2], "Place", within="Place"), "place visited", 56))
            x = nxt[1]
            continue
        break
    rest = norm[x:j]
    if len(rest) < 3:
        return out
    if any(rest.endswith(sfx) for sfx in SITE_SUFFIXES) and (j in toks.ends):
        out.append(Candidate(x, j, "Place", "site visited", 56))
    elif re.search(f"({_PLACE_END})$", rest) and not re.match(_NOT_A_PLACE, rest):
        out.append(Candidate(x, j, classify(ctx, rest, "Place", within="Place"), "place visited", 54))
    return out


# ------------------------------------------------------------ mechanisms set up by a verb
_EVENT_WORDS = tuple(LEXICON.spans.get("generic_event_modifiers", ()))
_ACTIVITY_WORDS = _EVENT_WORDS + tuple(LEXICON.spans.get("generic_activity_words", ()))


def generic_event(head: str, last: str = "") -> bool:
    """True when the words before an event's last word *last* are only words of a kind of event (调研座谈会,
    分主题考察活动: the lexicon's ``generic_event_modifiers``); before 活动, also words of a kind of activity
    (下基层实践活动, 民主监督和民主评议活动: ``generic_activity_words``).

    >>> generic_event("调研"), generic_event("分主题考察"), generic_event("提案办理")
    (True, True, False)
    >>> generic_event("下基层实践", "活动"), generic_event("下基层实践", "座谈会"), generic_event("提案办理协商", "活动")
    (True, False, False)
    """
    return made_of(head, _ACTIVITY_WORDS if last == "活动" else _EVENT_WORDS)


#: a count before what a verb holds or sets up (十几场活动, 20余场讲座): how many, not which (eighth pass)
_COUNTED = re.compile(r"了?[\d一二三四五六七八九十两几多数百千]+[余多几]?[场次项个期批]")
#: a count of things after a name (委员工作站120个, 15家): the name is what a figure counts
_COUNT_AFTER = re.compile(f"[{NUM}]+(?:个|家|所|处|座|间)")
#: words of a kind before a platform's last word (区域型, 界别型, 镇级): what kind of platform, not which one
_KIND_WORD = re.compile(r"[\u4e00-\u9fff]{1,3}[型级]")


_SUFFIXES_LONGEST_FIRST = tuple(sorted(MECHANISM_SUFFIXES, key=len, reverse=True))
_MECHANISM_WORDS_LONGEST_FIRST = tuple(sorted(LEXICON.spans.get("generic_mechanism_modifiers", ()), key=len, reverse=True))


def common_platform(ctx: FinderContext, name: str, cls: str, rule: str, after: str = "") -> bool:
    """True when *name*, a mechanism (a platform: 委员工作室) written without quotes or a title, is its last word
    alone (委员之家) or its last word after generic words (``generic_mechanism_modifiers``) and words of a kind
    (区域型, 镇级) only: 委员工作室, 政协委员工作室, 委员个人工作室 and 区域型委员工作室 are common nouns, not names.
    A count right *after* it (建成委员工作站120个) makes it the thing a figure counts, and a name of the graph is an
    entity that mentions link to (rule ``dictionary``): both stay.

    >>> from cppcc_kg.ingest.context import demo_context
    >>> ctx = demo_context()
    >>> [common_platform(ctx, n, "Platform", "org form") for n in ("委员之家", "区域型委员工作室", "张文委员工作室")]
    [True, True, False]
    >>> common_platform(ctx, "三个委员之家", "Platform", "org form"), common_platform(ctx, "委员之家", "Platform", "quote")
    (True, False)
    >>> common_platform(ctx, "委员工作站", "Platform", "x", "120个")
    False
    """
    if rule in ("title", "dictionary") or rule.startswith("quote") or not ctx.schema.is_a(cls, "Mechanism") \
            or _COUNT_AFTER.match(after):
        return False  # (the graph's own names stay: its curators made them entities, which mentions link to)
    last = next((w for w in _SUFFIXES_LONGEST_FIRST if name.endswith(w)), None)
    if last is None:
        return False
    if name == last:
        return len(last) > 2
    rest = name[: -len(last)]
    rest = rest[n.end():] if (n := _COUNTED.match(rest)) else rest  # a count of them (三个委员之家): still common (rev7)
    while rest:
        kind = _KIND_WORD.match(rest)
        w = next((x for x in _MECHANISM_WORDS_LONGEST_FIRST if rest.startswith(x)), None)
        if w is None and kind is None:
            return False
        rest = rest[len(w) if w is not None else kind.end():]
    return True


def _after_inner_verb(norm: str, a: int, b: int) -> int:
    """Where a name set up by a verb begins when the words after the verb hold a clause with its own verb of holding
    (组织部分委员|开展|…视察活动): after that verb.

    >>> _after_inner_verb("部分委员开展乡村振兴视察活动", 0, 14), _after_inner_verb("乡村振兴视察活动", 0, 8)
    (6, 0)
    """
    inner = [v for v in re.finditer(_INNER_VERBS, norm[a:b]) if v.start() > 0]
    return a + inner[-1].end() if inner else a


_SET_UP_VERBS = "|".join(sorted(MECHANISM_VERBS + EVENT_ONLY_VERBS + DOC_ONLY_VERBS, key=len, reverse=True))
_SET_UP_LAST_WORDS = sorted(MECHANISM_SUFFIXES + PROGRAM_SUFFIXES + DOC_SUFFIXES + ("活动",), key=len, reverse=True)
#: a verb, then a list (A、B、) and the run of words that holds the last name (了 after the verb; 好 completes it:
#: 搭建好|协商平台)
_SET_UP = re.compile(f"({_SET_UP_VERBS})(了|好)?(?=((?:[\u4e00-\u9fff0-9]{{2,14}}、)*)([\u4e00-\u9fff0-9]{{2,24}}))")
#: the verbs and determiners that may open a name set up by a verb: not part of it
_SET_UP_LEAD = re.compile("^(?:" + _SET_UP_VERBS + "|各项|各类|各个|各)+")


def mechanisms(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """Names set up, carried out or issued by a verb: 建立X机制, 打造X工程, 举办X活动, 制定X规划."""
    out = []
    seen: dict = {}  # the items of a list read already (_set_up_names)
    for m in _SET_UP.finditer(norm):
        verb = m.group(1)
        run = m.group(4)
        # the longest name in the run that ends with a last word at the end of a word, before any 的
        cut = len(run)
        dm = re.search(r"[的是在并等]", run)  # (调研并对接…: 并 joins two clauses; A等活动: a kind)
        if dm:
            cut = dm.start()
        best = None
        for end in range(cut, 1, -1):
            sm = next((x for x in _SET_UP_LAST_WORDS if run[:end].endswith(x)), None)
            if sm is None:
                continue
            jj = m.start(4) + end
            if norm[jj: jj + 1] in LEXICON.spans.get("not_last_before", ()):
                continue  # 制度化发展: the last word is part of an adjective
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
        elif last in DOC_SUFFIXES:
            if verb not in DOC_ONLY_VERBS + ("出台", "制定", "形成", "推出"):
                continue
        elif verb in EVENT_ONLY_VERBS or verb in DOC_ONLY_VERBS and verb not in MECHANISM_VERBS:
            continue
        items = [(i, two), (two + 1, j)] if last in DOC_SUFFIXES and (two := two_documents(norm, i, j)) else [(i, j)]
        items, in_list = set_up_items(norm, items, m.start(3), m.group(3), last, _SET_UP_LEAD)
        out += _set_up_names(ctx, norm, toks, items, in_list, (i, j), last, "set up by " + verb, seen)
    # figures of speech that name a task: 五大任务, 两件大事
    for m in re.finditer(r"(?<![第一二三四五六七八九十])([二三四五六七八九十两]|十[一二三四五六七八九])(?:大|件|项)(?:任务|大事)", norm):
        out.append(Candidate(m.start(), m.end(), "Concept", "numbered task", 50))
    return out


def _set_up_names(ctx: FinderContext, norm: str, toks: Tokens, items: list[tuple[int, int]], in_list: bool,
                  named: tuple[int, int], last: str, rule: str, seen: dict) -> list[Candidate]:
    """The candidates of the *items* that one verb sets up (:func:`mechanisms`; *named*: the last name, whole). An item
    that an earlier verb of the same list read already (*seen*: key -> whether it gave a name) gives what it gave then,
    which is among the candidates already: each verb of a list reads the items after it, and a list of n items was
    read n²/2 times (minutes on a line of a few thousand characters)."""
    i, j = named
    out = []
    for n_item, (a, b) in enumerate(items):
        key = (a, b, (a, b) == (i, j), in_list, last)
        if key in seen:
            if n_item == 0 and not seen[key]:
                break  # as the first time
            continue
        seen[key] = False
        name = norm[a:b]
        a2 = a + len(lm.group(0)) if (lm := _SET_UP_LEAD.match(name)) else a
        if in_list and lm and verb_begins_the_item(name[len(lm.group(0)):], last):
            a2 = a  # 创新共享机制 in a list of mechanisms: 创新 is the item's first word
        a2 = _after_inner_verb(norm, a2, b) if (a, b) == (i, j) else a2
        name = norm[a2:b]
        head = name[: -len(last)] if (a, b) == (i, j) else name
        short_ok = False
        if len(head) == 2 and a2 in toks.starts:
            tk = toks.token(a2)
            short_ok = tk is not None and tk[2] == head and tk[3] in ("ns", "nz", "nt", "j", "nr")
        # not a name: a clause, a description (…新平台), a kind of activity (学习培训活动)
        if re.search(r"[的是在]", name) or re.match(r"(这|该|此|本|一系列|相关|有关)", name) or _COUNTED.match(name) or (
                len(head) < 3 and not short_ok) or re.search(r"新" + re.escape(last) + "$", name) or (
                last == "活动" and (re.fullmatch(_GENERIC_ACTS, head) or generic_event(head, last))) \
                or generic_mechanism(name, last) or system_of_the_economy(name, last):
            if n_item == 0:
                break  # the named thing is not a name: nor are the items before it
            continue
        if last == "活动":
            cls = classify(ctx, name, "Event")
        elif last in DOC_SUFFIXES:
            cls = classify(ctx, name, "Plan", within="Document")
        else:
            cls = classify(ctx, norm[a2:j] if (a, b) != (i, j) else name, "Mechanism")
        out.append(Candidate(a2, b, cls, rule, 52))
        seen[key] = True
    return out


# ------------------------------------------------------------ set forms of names
def set_forms(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """Names made by set forms of Chinese policy language.

    * N个一 (六个一履职任务, 三个一) and 一X一Y (一题一团队, 一乡一品示范创建) when the words around say they
      are ways of working: mechanisms;
    * N项规定 (中央八项规定): rules;
    * a leader's tour of a place (习近平总书记考察内蒙古时): an inspection tour;
    * a body of thought named after a person (习近平新时代中国特色社会主义思想, 毛泽东思想): a concept;
    * regions abbreviated by three or four provinces (京津冀协同发展): a region.
    """
    out = []
    for m in re.finditer(f"(?<![第“0-9{NUM}])([两二三四五六七八九十]个一)(?![百千万批“”])"
                         r"(?:([\u4e00-\u9fff]{0,4}?)(履职任务|任务|工作机制|机制|制度|要求|工作法))?", norm):
        out.append(Candidate(m.start(), m.end(), classify(ctx, m.group(0), "Mechanism"), "numbered form", 58))
    for m in re.finditer(r"(?<![一“])一([\u4e00-\u9fff])一([\u4e00-\u9fff]{1,2})", norm):
        i = m.start()
        j = m.end() if m.end() in toks.ends else m.end() - 1
        if j not in toks.ends or len(m.group(2)) == 2 and j == m.end() - 1 and m.end() in toks.ends:
            continue
        word = norm[i:j]
        if ctx.seg.tok.FREQ.get(word) or "，" in word:
            continue  # an idiom of the dictionary (一心一意, 一点一滴)
        after, before = norm[j: j + 4], norm[max(0, i - 2): i]
        if not (re.match(_SET_FORM_AFTER, after) or re.search(_SET_FORM_BEFORE, before)):
            continue
        # the words of its kind that follow it: 一乡一品|示范创建
        ext = re.match(r"(示范创建|示范|创建|模式|机制|制度|工作法|工程|行动)+", after)
        if ext and re.search(r"(创建|模式|机制|制度|工作法|工程|行动)$", ext.group(0)) and (j + ext.end()) in toks.ends:
            j += ext.end()
        out.append(Candidate(i, j, classify(ctx, norm[i:j], "Mechanism"), "set form", 56))
    # the thinking, expositions and decisions of a leader or the Central Committee on a subject
    for m in re.finditer(r"(总书记|同志|中共中央|党中央)关于([^，。；：“”《》\n]{2,30}?)的"
                         r"(重要思想|重要论述|重大决策部署|重大决策|决策部署)", norm):
        start = m.start()
        if m.group(1) in ("总书记", "同志"):
            k = toks.at[m.start()]
            if toks.toks[k][0] == m.start():
                k -= 1
            if k < 0 or not (toks.toks[k][3].startswith("nr") or ctx.names.get(toks.toks[k][2])):
                continue
            start = toks.toks[k][0]
        out.append(Candidate(start, m.end(), "Concept", "thinking on a subject", 58))
    for m in re.finditer(f"(中央)?([{NUM}]+)项规定", norm):
        out.append(Candidate(m.start(), m.end(), "Rule", "numbered rules", 58))
    for m in re.finditer(r"(总书记|主席|总理|委员长)(考察|视察)([\u4e00-\u9fff]{2,10}?)(?=时|期间)", norm):
        k = toks.at[m.start()]
        if toks.toks[k][0] == m.start():
            k -= 1  # the person is the word before the title; else one word with it (习近平总书记)
        if k >= 0 and toks.toks[k][0] < m.start() and (toks.toks[k][3].startswith("nr") or toks.toks[k][3] == "kg"
                                                       or ctx.names.get(toks.toks[k][2])):
            out.append(Candidate(toks.toks[k][0], m.end(), "InspectionTour", "leader's tour", 60))
    for m in re.finditer(r"思想|理论", norm):
        # the words before it, segmented apart (a longer name of the graph may hold them as one word)
        a = max(0, m.start() - 20)
        words = ctx.seg.tokens(norm[a: m.start()])
        start = None
        for s, e, w, p in reversed(words):
            if p.startswith("nr"):
                start = a + s  # (the earliest person of the run: 习近平|生态|文明 when the segmenter reads 文明 as one)
                continue
            if p not in ("n", "ns", "nz", "a", "b", "t", "vn") or any(ch in STOP_CHARS for ch in w):
                break
        if start is not None:
            out.append(Candidate(start, m.end(), "Concept", "thought of a person", 58))
    out += strategies(ctx, norm, toks)
    # 百名委员进百村, 千名干部联千企: a hundred members go to a hundred villages, the set form of a campaign's name
    for m in re.finditer(r"(?<![0-9〇零一二三四五六七八九十百千万两几])([百千万])名[\u4e00-\u9fff]{2,4}?[进访巡入走联帮助驻]\1[\u4e00-\u9fff]", norm):
        out.append(Candidate(m.start(), m.end(), classify(ctx, m.group(0), "Program"), "hundred form", 56))
    # congresses and plenary sessions of the party: 党的二十大, 中共十九大, 二十届三中全会
    for m in re.finditer(f"(党的|中共)?(?:(?<![{NUM}])[{NUM}]+届[{NUM}]+中全会|(?<=党的|中共)[{NUM}]+大)", norm):
        out.append(Candidate(m.start(), m.end(), "Meeting", "party congress", 58))
    for m in re.finditer(f"([{_PROVINCE_ABBR}]{{3,4}})(?=协同|联动|一体化|地区|区域|城市群)", norm):
        if m.start() in toks.starts and "Region" in ctx.schema.classes:
            out.append(Candidate(m.start(), m.end(), "Region", "region of provinces", 56))
    return out


def strategies(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """Strategies named by their goal (乡村振兴战略, 京津冀协同发展重大国家战略, 长三角一体化国家战略): the words before
    战略 (after ``strategy_qualifiers``: 重大, 国家) end with a word of the goal (``strategy_goals``: 发展, 振兴,
    一体化), and the name begins where the nouns before it begin (a verb, a particle or a mark ends it).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> norm = "要准确把握乡村振兴战略要义,服务长三角一体化国家战略,实施赶超战略。"
    >>> ctx = demo_context()
    >>> [norm[c.i:c.j] for c in strategies(ctx, norm, Tokens(ctx.seg.tokens(norm), len(norm)))]
    ['乡村振兴战略', '长三角一体化国家战略']
    """
    out = []
    goals = tuple(LEXICON.spans.get("strategy_goals", ()))
    qualifiers = LEXICON.spans.get("strategy_qualifiers", ())
    tags = ctx.seg.pos.word_tag_tab
    for m in re.finditer("战略", norm):
        k = toks.at[m.start()]
        if k >= len(toks.toks) or toks.toks[k][0] != m.start() or toks.toks[k][1] != m.end():
            continue
        k -= 1
        while k >= 0 and toks.toks[k][2] in qualifiers:
            k -= 1
        if k < 0 or not toks.toks[k][2].endswith(goals):
            continue
        if toks.toks[k][2] == "中国" and k > 0 and toks.toks[k - 1][2] in LEXICON.recognizers["slogan_words_before"]:
            k -= 1  # 健康|中国|战略: a strategy named by an epithet of China
        start = toks.toks[k][0]
        while k > 0 and toks.toks[k - 1][3] in ("n", "ns", "nz", "j", "l", "f") and toks.toks[k - 1][2] not in STOP_CHARS \
                and not tags.get(toks.toks[k - 1][2][-2:], "").startswith("v"):  # (全面实施: a verb the segmenter joins)
            k -= 1
            start = toks.toks[k][0]
        if m.start() - start >= 4:
            out.append(Candidate(start, m.end(), "Concept", "strategy", 56))
    return out


# ------------------------------------------------------------ honours conferred
def honours(norm: str) -> list[Candidate]:
    """Honours named without quotes after the verb that confers them: 被评为全国文明单位,
    命名138个地区和单位为第九批全区民族团结进步示范区示范单位."""
    out = []
    name = f"([^，。；：“”《》、\\n]{{4,30}}?{_HONOUR_END})(?:荣誉称号|称号)?(?=[，。；、]|$)"
    for pat in ("(?:被评为|获评|评为|荣获|授予|被命名为|命名为|被确定为)" + name, r"命名[^，。；“”\n]{0,24}?为" + name):
        for m in re.finditer(pat, norm):
            out.append(Candidate(m.start(1), m.end(1), "Honour", "honour conferred", 64))
    return out


# ------------------------------------------------------------ enumerations A、B、C等…媒体
def lists(ctx: FinderContext, norm: str, toks: Tokens, chosen: list[Candidate]) -> list[Candidate]:
    """Items of an enumeration that ends with the kind of thing it lists, when one item is a name already."""
    out: list[Candidate] = []
    heads = "|".join(sorted(LEXICON.list_heads, key=len, reverse=True))
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
        head_cls = LEXICON.list_heads[m.group(3)]
        if head_cls not in ctx.schema.classes:
            continue
        named = 0
        todo = []
        for n_item, (i, j) in enumerate(items):
            while i < j and norm[i] in " \u3000":
                i += 1
            tok = toks.token(i)
            if n_item == 0 and tok is not None and tok[0] == i and tok[3].startswith("v") and tok[1] < j - 2:
                i = tok[1] + (norm[tok[1]] == "了")  # 开展了|A、B等活动: the verb that lists them is not in an item
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
            cls = classify(ctx, norm[i:j], head_cls) if head_cls in LEXICON.class_groups["list_refinable"] else head_cls
            if not ctx.schema.is_a(cls, ctx.schema.top(head_cls)):
                cls = head_cls
            out.append(Candidate(i, j, cls, "listed with " + m.group(3), 40))
    return out

