"""Names by their form: a last word (…政协, …委员会, …局, …市, …会议) and the words of the name before it.

Rules of :class:`cppcc_kg.ingest.patterns.MentionFinder`, plain functions of a
:class:`cppcc_kg.ingest.context.FinderContext` and the text: the graph's names as they are,
organizations, bodies, places and events found from the last word of a name (the segmenter says
where words begin and which are verbs), two bodies named together (市委市政府), collaborations of
two places (京蒙协作) and the sector groups of a CPPCC (民盟界).

>>> from cppcc_kg.ingest.patterns import demo_finder
>>> from cppcc_kg.ingest.text import normalize
>>> nt = normalize("锡林郭勒盟政协、市委市政府和京蒙协作。")
>>> [(nt.norm[c.i:c.j], c.cls) for c in demo_finder().find(nt)]
[('锡林郭勒盟政协', 'CPPCCCommittee'), ('市委', 'PartyOrgan'), ('市政府', 'StateOrgan'), ('京蒙协作', 'Collaboration')]
"""
from __future__ import annotations

import re

from cppcc_kg.ingest.context import FinderContext, classify
from cppcc_kg.ingest.forms import (
    BARE_BODIES,
    EVENT_VERBS,
    GENERIC_BODIES,
    GENERIC_ORG_WORDS,
    GENERIC_PLACE_WORDS,
    GENERIC_TWO,
    NAME_POS,
    NUMERAL,
    ORG_PREFIX_MODE,
    ORG_WORDS,
    PLACE_SUFFIXES,
    PUNCT,
    SHORT_FORM_RULE,
    SITE_SUFFIXES,
    STOP_CHARS,
    STOP_WORDS,
    Candidate,
    Tokens,
    made_of,
    orgish_word,
    placeish_word,
)
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.text import is_cjk

#: last words of the bodies of a government or party committee named with their level (市发展改革委)
_LEVEL_BODY_WORDS = ("委", "局", "厅", "办", "办公室", "委员会", "中心")
#: verbs and words after which a list of bodies begins: 邀请县发展和改革局、县农牧局
_WITH_BODIES = "邀请|会同|联合|协调|组织|督促|指导|支持|由|与|同|向|对"
#: level words that begin the name of a body of that level
_LEVEL_WORDS = r"(自治区|省|市|盟|州|旗|县|区)"
#: a body of a level at the start of a clause or of a list: 市发展改革委, (邀请)县发展和改革局
_LEVEL_BODY = re.compile(
    "(?:" + "|".join(f"(?<={w})" for w in ("[，。；：、（）“”\\s]",) + tuple(_WITH_BODIES.split("|"))) + "|^)"
    + _LEVEL_WORDS + "([\u4e00-\u9fff]{2,10}?)(" + "|".join(sorted(_LEVEL_BODY_WORDS, key=len, reverse=True)) + ")"
    + "(?=[，。；：、（）“”\\s和及与等]|负责|主要|有关|相关|党组|联合|共同|召开|举办|印发|$)")


# ------------------------------------------------------------ the graph's names
def ends_inside_word(norm: str, j: int) -> bool:
    """True when a name ending at *j* would end inside a word: its last character begins one of the
    lexicon's ``[spans] words_across`` with the next one (常委会议 is 常委|会议, not 常委会|议).

    >>> ends_inside_word("市政协常委会议", 6), ends_inside_word("市政协常委会会议", 6)
    (True, False)
    >>> ends_inside_word("服务中心大局", 4), ends_inside_word("便民服务中心", 6)
    (True, False)
    """
    if not 0 < j < len(norm):
        return False
    for w in LEXICON.spans.get("words_across", ()):
        for k in range(1, len(w)):
            if norm.startswith(w, j - k):
                return True
    return False


def graph_names(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """The graph's names (labels and aliases) as they are in the text; a name of two characters only
    where words begin and end."""
    out = []
    if ctx.dict_re is None:
        return out
    pos = 0
    while True:
        m = ctx.dict_re.search(norm, pos)
        if not m:
            break
        i, j = m.span()
        key = m.group(0)
        ok = True
        if len(key) <= 2 and not (toks.boundary(i) and toks.boundary(j)) or ends_inside_word(norm, j):
            ok = False  # (常委会|议: the last character begins the next word)
        if ok:
            iri, cls = ctx.names[key][0]
            out.append(Candidate(i, j, cls, "dictionary", 80, name=key, iri=iri if len(ctx.names[key]) == 1 else ""))
        pos = i + 1
    return out


# ------------------------------------------------------------ names by their last word
def suffixed(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    out = []
    for k, (s, e, w, p) in enumerate(toks.toks):
        if not w or w[0] in PUNCT:
            continue
        # a last word may be the whole token (政协), the end of a token (县政协, 统战部) or words that
        # begin where a token begins (纪检监察|组)
        for suffix, kind in ctx.detect_by_last.get(w[-1], ()):
            ss = e - len(suffix)
            if ss < 0 or norm[ss:e] != suffix or (ss < s and ss not in toks.starts):
                continue
            if len(suffix) == 1 and not one_char_suffix_ok(toks, k, suffix, kind):
                break
            c = _name_ending_at(ctx, norm, toks, k, suffix, kind)
            if c is not None:
                out.append(c)
            break
    return out


def one_char_suffix_ok(toks: Tokens, k: int, suffix: str, kind: str) -> bool:
    """A one-character last word (局, 部, 展, 市) ends a name only in a word of its own kind:
    旅游局, 统战部, 书画展, 呼和浩特市 — not 开局, 干部, 开展, 城市."""
    s, e, w, p = toks.toks[k]
    if w == suffix:
        return k > 0 and toks.toks[k - 1][3] in ("ns", "nt", "nz", "j", "n") and toks.toks[k - 1][1] == s
    if len(w) == 2:
        return p in ("j", "nt", "ns")
    if w[-2:] in GENERIC_ORG_WORDS or w[-2:] in GENERIC_TWO:
        return False
    return p in ("n", "nt", "ns", "nz", "j", "nr", "nrt") and w not in GENERIC_ORG_WORDS and w not in GENERIC_PLACE_WORDS


def _name_ending_at(ctx: FinderContext, norm: str, toks: Tokens, k: int, suffix: str, kind: str) -> Candidate | None:
    """The name of an organization, place or event (*kind*) whose last word *suffix* ends the token *k*."""
    if kind == "org":
        return _org_name(ctx, norm, toks, k, suffix)
    if kind == "place":
        return _place_name(ctx, norm, toks, k, suffix)
    if kind == "event":
        return _event_name(ctx, norm, toks, k, suffix)
    return None


def _org_name(ctx: FinderContext, norm: str, toks: Tokens, k: int, suffix: str) -> Candidate | None:
    s, e, w, p = toks.toks[k]
    suffix_start = e - len(suffix)
    after = norm[e: e + 4]
    # the org word must end the word: 政协委员, 党组书记 are not organizations
    if after[:1] and (is_cjk(after[0]) and (e not in toks.ends)):
        return None
    if ends_inside_word(norm, e):
        return None  # 服务中心|大局: the last word begins a word with the next one
    mode = ORG_PREFIX_MODE.get(suffix, "noun")
    start = extend_left(norm, toks, suffix_start, max_len=18, mode=mode)
    if w != suffix and mode == "noun":
        start = min(start, s)
    if norm[start - 1: start] == "和" and suffix in _LEVEL_BODY_WORDS:
        # a body whose name joins two words: 市工业和信息化局, 县住房和城乡建设局
        left = extend_left(norm, toks, start - 1, max_len=8, mode="noun")
        if left < start - 1 and re.match(_LEVEL_WORDS, norm[left:start]):
            start = left
    if norm[start - 1: start] == "驻" and re.match(f"({'|'.join(ORG_WORDS)})", norm[start:e]):
        start -= 1  # a body sent to another: 驻政协机关纪检监察组
    name = norm[start:e]
    # a full name of a CPPCC committee inside: start there (代表|政协岳阳市第九届委员会)
    full = re.search(f"政协[\u4e00-\u9fff]{{1,12}}?(?:自治区|自治州|省|市|盟|州|旗|县|区)(第{NUMERAL}届)?委员会", name)
    if full and full.start() > 0:
        start += full.start()
        name = norm[start:e]
    if "暨" in name:
        start += name.rindex("暨") + 1  # 暨 joins two names (…实践暨界别联合调研): a body's name begins after it
        name = norm[start:e]
    if re.fullmatch(r"(自治区|省|市|盟|旗|县|区)(委|党委)\1?(政府|行署)", name):
        return None  # two bodies (市委市政府): see _joint_bodies
    if name in GENERIC_ORG_WORDS or len(name) <= len(suffix) or name in GENERIC_BODIES:
        # bare relative forms of a body are names too: 盟委, 市委, 行署
        if name in BARE_BODIES:
            return Candidate(start, e, classify(ctx, name, "Organization"), "body", 60)
        return None
    if mode == "noun" and len(suffix) == 1 and len(name) < 3:
        return None
    if mode == "noun" and len(suffix) == 1 and suffix in "部厅局办委院组" and not _nameish(toks, start, suffix_start):
        return None
    if suffix in ("中心",) and re.search(r"(为|以|的)中心$|^中心$", name):
        return None
    cls = _org_class(ctx, name, suffix)
    return Candidate(start, e, cls, "org form", 60)


def _place_name(ctx: FinderContext, norm: str, toks: Tokens, k: int, suffix: str) -> Candidate | None:
    s, e, w, p = toks.toks[k]
    if e not in toks.ends:
        return None
    if w in GENERIC_PLACE_WORDS or w == suffix:
        # a bare form: only when the word before it is a place name (乌兰察布 市)
        if k > 0 and toks.toks[k - 1][3] == "ns" and w == suffix and suffix in PLACE_SUFFIXES:
            ps, pe, pw, pp = toks.toks[k - 1]
            return Candidate(ps, e, classify(ctx, pw + w, "Place", within="Place"), "place form", 55)
        return None
    if suffix in SITE_SUFFIXES and suffix not in PLACE_SUFFIXES:
        return None  # sites are found where they are visited (see _venues)
    if len(w) < len(suffix) + 1 or (len(suffix) == 1 and len(w) < 3 and p != "ns"):
        return None
    if p not in ("ns", "nz", "n", "nt", "j"):
        return None
    if p != "ns" and (ctx.seg.tok.FREQ.get(w, 0) > 50 or suffix in ("社区", "村", "嘎查") or w[0] in "进到在赴去"):
        return None  # a common word that ends like a place (城区, 社区, 进社区)
    if re.match(r"(政协|党委|政府|委员会|人大|法院|委|直)", norm[e: e + 3]):
        return None  # the place is part of a body's name: the body is the mention
    if re.fullmatch(f"{NUMERAL}{re.escape(suffix)}", norm[s:e]):
        return None  # 五区, 三县: a count of places, not a name
    cls = classify(ctx, w, "Place", within="Place")
    return Candidate(s, e, cls, "place form", 55)


#: an assembly spoken to (向大会报告, 向会议汇报) at the start of the words before a meeting's last word
_EVENT_LEAD = r"(?:大会|会议|全会)(?:报告|汇报|作|讲话|通报)|经(?=自治区|省|市|州|盟|县|区|旗)"  # (经|市政协…会议审议)
#: verbs of a meeting that reviews, after 经 and its name (经市政协主席扩大会议复审): the name is a meeting's
_REVIEWS = r"审议|复审|审定|研究|讨论"
#: words of a meeting's topic that the words of a name otherwise stop at (开展|…; X建设|推进会 is the topic's)
_TOPIC_VERBS = ("建设", "发展")
#: the spirit of a meeting: 传达学习X会议精神, X会议和Y座谈会精神 (the words after an event's name)
_SPIRIT_AFTER = re.compile(r"(?:[和及与、][^，。；：！？\n]{2,24}?)?精神")


def _event_name(ctx: FinderContext, norm: str, toks: Tokens, k: int, suffix: str) -> Candidate | None:
    s, e, w, p = toks.toks[k]
    n = len(norm)
    suffix_start = e - len(suffix)
    after = norm[e: e + 4]
    start = extend_left(norm, toks, suffix_start, max_len=22)
    if w != suffix:
        start = min(start, s)
    if norm[start - 2: start] in _TOPIC_VERBS and start - 2 in toks.starts:
        # what is built or developed, named right before the kind of meeting, is its topic: 协商平台建设|推进会
        topic = extend_left(norm, toks, start - 2, max_len=22 - (e - start))
        if topic <= start - 5:  # (not a bare word: 平台建设推进会)
            start = topic
    lead = re.match(_EVENT_LEAD, norm[start:suffix_start])
    if lead and start + len(lead.group(0)) < suffix_start:
        start += len(lead.group(0))  # 向大会|报告十三届三次会议以来: the assembly spoken to is not in the name
    year = re.search(r"\d{4}年度?$", norm[max(0, start - 7): start])
    if year:
        start -= len(year.group(0))  # the year of a meeting belongs to its name (2024年|西部地区…座谈会)
    name = norm[start:e]
    de = re.search(r"(?<!党)的(?!.*的)", name[: -len(suffix)])
    if de:
        start += de.end()  # 为期4天的会议: a description before 的 is not part of the name (党的… is)
        name = norm[start:e]
    kinds = list(LEXICON.spans.get("generic_event_modifiers", ()))
    kinds += LEXICON.spans.get("generic_activity_words", ()) if suffix == "活动" else ()
    if len(name) <= len(suffix) + 1 or made_of(name[: -len(suffix)], kinds):
        return None  # (庆祝大会, 专题会议, 下基层实践活动: a kind of meeting or activity, not its name)
    if e not in toks.ends and e < n and is_cjk(norm[e]):
        return None
    before = norm[max(0, start - 4): start]
    evidence = (re.search(f"{NUMERAL}(年|月|日|届|次|期)", name) or any(before.endswith(v) for v in EVENT_VERBS)
                or re.match(r"(上|期间|召开|举行|举办|开幕|闭幕|在)", after)
                or (after.startswith("暨") and norm[start - 1: start] not in ("》", "”")) or "主题" in name
                or _SPIRIT_AFTER.match(norm[e: e + 30]) or before.endswith("经") and re.match(_REVIEWS, after))
    if not evidence:
        return None
    if _SPIRIT_AFTER.match(norm[e: e + 30]):
        verbs = LEXICON.spans.get("spirit_verbs", ())
        while (v := next((v for v in verbs if norm.startswith(v, start)), None)) and start + len(v) < suffix_start:
            start += len(v)  # 领会|全国…交流会精神: the verb that takes the spirit is not in the name
        name = norm[start:e]
    if suffix == "会议" and not any(before.endswith(v) for v in EVENT_VERBS if len(v) == 2) and not re.search(
            f"({NUMERAL}|主题|工作|专题|协商|议政|座谈|交流|推进|部署|联席|全体|扩大|党组|常委|主席|学习|中心组)", name):
        return None
    cls = classify(ctx, name, "Event", within="Event")
    return Candidate(start, e, cls, "event form", 50)


def _org_class(ctx: FinderContext, name: str, suffix: str) -> str:
    if name.startswith("政协") and suffix == "委员会":
        return "CPPCCCommittee"
    if re.search(r"(中共|共产党)", name) and suffix in ("委员会", "委", "市委", "盟委", "旗委", "县委", "区委", "省委"):
        return "PartyOrgan"
    if re.search(r"(党委|市委|盟委|旗委|县委|区委|省委)(统战部|宣传部|组织部|政法委)$", name):
        return "PartyOrgan"
    if re.search(r"政协.*(党组|机关|办公厅|专委会|常委会|主席会议)$", name):
        return classify(ctx, name, "OrganizationalUnit")
    return classify(ctx, name, "Organization")


def _nameish(toks: Tokens, start: int, suffix_start: int) -> bool:
    """True when the words before a one-character last word look like a name (a place, an organization)."""
    k = toks.at[suffix_start]
    tok = toks.toks[k]
    prev = toks.toks[k - 1] if tok[0] == suffix_start and k > 0 else tok
    if prev[3] in ("ns", "nt", "nz", "kg", "j"):
        return True
    return suffix_start - start >= 3


def extend_left(norm: str, toks: Tokens, x: int, *, max_len: int = 18, mode: str = "noun",
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
        if mode != "noun" and not placeish_word(head_part, "n") and not (mode == "org" and orgish_word(head_part, "n")):
            return x
        start = s0
    k = toks.at[start] - 1
    while k >= 0:
        s, e, w, p = toks.toks[k]
        if x - s > max_len:
            break
        if not w or any(ch in PUNCT for ch in w):
            break
        if mode in ("place", "org") and re.fullmatch(r"各级|[两二三四五]级", w) and k > 0 \
                and placeish_word(toks.toks[k - 1][2], toks.toks[k - 1][3]):
            start = s  # 内蒙古各级政协, 自治区三级政协
            k -= 1
            continue
        if w in STOP_CHARS or w in STOP_WORDS or len(w) > 2 and w[-2:] in STOP_WORDS:
            break  # 的, 组织, 紧紧围绕
        if p == "m" or (p in ("t", "mq") and re.search(r"[0-9一二三四五六七八九十]", w)):
            # numbers: an ordinal (第九届, 十三届, 2023年) belongs to the name; a count (三个) ends it after itself
            if re.fullmatch(f"第?{NUMERAL}届|\\d{{4}}年|{NUMERAL}届|第{NUMERAL}次?", w) or (
                    re.fullmatch(f"{NUMERAL}次", w) and k > 0 and toks.toks[k - 1][2].endswith("届")):
                start = s
                k -= 1
                continue
            if mode == "noun" and re.fullmatch(f"{NUMERAL}[个项条大]", w):
                start = s
            break
        if mode in ("place", "org"):
            ok = placeish_word(w, p) or (mode == "org" and orgish_word(w, p))
            if not ok and w in ("有关", "相关") and k > 0 and placeish_word(toks.toks[k - 1][2], toks.toks[k - 1][3]):
                ok = True
            if not ok:
                break
            start = s
            k -= 1
            continue
        if p not in NAME_POS and not (allow_verbs and p.startswith("v")):
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


# ------------------------------------------------------------ 市发展改革委, 县农牧局: bodies of a level
def level_bodies(ctx: FinderContext, norm: str) -> list[Candidate]:
    """Bodies named by their level and what they do, at the start of a clause or an item of a list:
    市发展改革委, 县住房和城乡建设局, 盟工商联 (the segmenter often cuts these names into verbs)."""
    out = []
    pat = _LEVEL_BODY
    for m in pat.finditer(norm):
        middle = m.group(2)
        if re.search(r"(政协|党委|政府|人大|的|在|是|了|和$)", middle) or middle.startswith(("委", "政")):
            continue
        out.append(Candidate(m.start(), m.end(), classify(ctx, m.group(0), "StateOrgan"), "body of a level", 62))
    return out


# ------------------------------------------------------------ 盟政协文化文史和学习委员会: special committees
def special_committees(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """The committees of a CPPCC named by their field: 赤峰市政协提案委员会, 盟政协文化文史和学习委员会 (the
    field may hold verbs and 和, which end other names)."""
    out = []
    for m in re.finditer(r"政协([\u4e00-\u9fff]{2,12}?)委员会|政协([\u4e00-\u9fff]{2,6}?)委(?![员会])", norm):
        if m.group(2) and m.end() not in toks.ends and m.end() < len(norm) and is_cjk(norm[m.end()]):
            continue  # a short form (经科委) ends where a word ends
        field = m.group(1) or m.group(2)
        if re.search(r"(的|在|是|了|召开|举办|举行|组织|第[0-9一二三四五六七八九十]+届|常务|主席)", field) \
                or re.search(f"({_LEVEL_WORDS[1:-1]}|自治州|自治区)$", field) or field.startswith(("委员", "各")) \
                or m.group(2) and re.search(r"(党|常|纪|工)$", field):
            continue  # a clause, the committee itself (政协岳阳市委员会) or its members; (short form 经科委: not
            # 机关党委, 常委, 纪委, 工委)
        x = m.start()
        tok = toks.token(x)
        if tok is not None and tok[0] < x and tok[2].endswith("政协"):
            x = tok[0]  # the committee is one word of the dictionary (内蒙古自治区政协)
        start = extend_left(norm, toks, x, max_len=12, mode="place")
        if start == m.start() and m.start() > 0 and re.match(_LEVEL_WORDS, norm[m.start() - 1]) and not (
                m.start() > 1 and is_cjk(norm[m.start() - 2]) and norm[m.start() - 2] not in _WITH_BODIES):
            start -= 1  # 县|政协提案委员会: the level word alone
        out.append(Candidate(start, m.end(), "SpecialCommittee" if "SpecialCommittee" in ctx.schema.classes
                             else "OrganizationalUnit", "special committee", 64))
    return out


_SHORT_COMMITTEE = re.compile(r"委(?=副?主任|将)|[委部](?=副?书记|副?部长)")


def short_committees(ctx: FinderContext, norm: str, toks: Tokens) -> list[Candidate]:
    """Short forms of special committees written alone (提案委主任X, 。文史资料委将…): three to six characters
    ending in 委, before a title of its head (主任) or, at the start of a clause, before 将; and bodies named in
    a title (、政法委书记, 、统战部部长); not 党委, 常委, 纪委, 市委 … (a field that ends with 党, 常, 纪 or a level
    word)."""
    out = []
    cls = "SpecialCommittee" if "SpecialCommittee" in ctx.schema.classes else "OrganizationalUnit"
    for m in _SHORT_COMMITTEE.finditer(norm):
        k = m.end()
        title = not norm.startswith("将", k)
        for i in range(max(0, k - 6), k - 2):
            field = norm[i: k - 1]
            if not all(is_cjk(ch) for ch in field) or re.search(r"[党常纪市县区省州盟旗]$", field):
                continue
            before = norm[i - 1] if i > 0 else "。"
            tok = toks.token(i - 1) if i > 0 else None
            at_clause = before in PUNCT
            after_verb = title and i in toks.starts and tok is not None and tok[1] == i and tok[3].startswith("v")
            if (at_clause or after_verb) and i in toks.starts and not any(ch in STOP_CHARS for ch in field):
                own = cls if norm.startswith(("主任", "副主任", "将"), k) else classify(ctx, norm[i:k], "Organization")
                out.append(Candidate(i, k, own, "special committee", 64))
                break
    return out


_FIELD = "(?:" + "|".join(sorted(LEXICON.recognizers["committee_fields"], key=len, reverse=True)) + ")"
_PARTY = "(?:" + "|".join(sorted(LEXICON.recognizers["party_abbreviations"], key=len, reverse=True)) + ")"
#: where an item of a list or a clause begins, and where it ends
_ITEM_START = r"(?:(?<=[，。；：、（）“”\s和及与了的])|^)"
_ITEM_END = r"(?=[，。；：、（）“”\s和及与等的将]|负责人|主任|副主任|主委|副主委|调整|$)"
#: 提案委, 联络工作委, 法制群团委, 港澳台侨和外事委员会: special committees named by their fields alone
_FIELD_COMMITTEE = re.compile(_ITEM_START + f"({_FIELD}(?:和?{_FIELD})*(?:工作)?)(委员会|委)" + _ITEM_END)
#: 市民盟, 县工商联: the committee of a party or a people's organization of a level
_LEVEL_PARTY = re.compile(_ITEM_START + "(?:自治区|省|市|州|盟|县|区|旗)" + _PARTY + _ITEM_END)
#: 州政协, 州政府: a body named by its level alone, at the start of a clause or an item, or after a count of members
_LEVEL_HEAD = re.compile(r"(?:(?<=[，。；：、（）“”\s和及与的位名])|^)(?:自治区|省|市|州|盟|县|区|旗)(?:政协|政府|人大常委会|人大)")
#: 某某科技(集团)股份有限公司: a company whose name holds its group in brackets, as an item of a list
_BRACKETED_COMPANY = re.compile(_ITEM_START + r"[\u4e00-\u9fff]{2,12}[（(](?:集团|控股)[）)](?:股份)?有限(?:责任)?公司")
#: 民进平顶山市委会, 民盟江西省委员会: the committee of a party of a place
_PARTY_OF_PLACE = re.compile(_PARTY + r"(?:(?![和与及的等人])[\u4e00-\u9fff]){1,8}?[省市县区州盟旗](?:委员会|委会)")


def committee_short_forms(ctx: FinderContext, norm: str) -> list[Candidate]:
    """Committees named by a short form written alone as an item of a list or at the start of a clause: special
    committees by their fields (提案委, 联络工作委, 法制群团委, 对外友好委将…: the lexicon's ``committee_fields``),
    the committees of a party or a people's organization of a level (市民盟、市民进、市台联: ``party_abbreviations``),
    a party's committee of a place (民进平顶山市委会), a body named by its level alone (。州政协主席…, 318位州政协委员),
    and a company that holds its group in brackets (、某某科技(集团)股份有限公司).

    >>> from cppcc_kg.ingest.context import demo_context
    >>> text = "会议听取了办公厅、提案委、联络工作委的报告。市民进、市台联负责人和民进某某市委会列席。"
    >>> [text[c.i:c.j] for c in committee_short_forms(demo_context(), text)]
    ['提案委', '联络工作委', '市民进', '市台联', '民进某某市委会']
    """
    special = "SpecialCommittee" if "SpecialCommittee" in ctx.schema.classes else "OrganizationalUnit"
    out = [Candidate(m.start(1), m.end(), special, SHORT_FORM_RULE, 64) for m in _FIELD_COMMITTEE.finditer(norm)]
    out += [Candidate(m.start(), m.end(), "Organization", SHORT_FORM_RULE, 64)
            for rx in (_LEVEL_PARTY, _PARTY_OF_PLACE) for m in rx.finditer(norm)]
    out += [Candidate(m.start(), m.end(), classify(ctx, m.group(0), "Organization"), SHORT_FORM_RULE, 64)
            for rx in (_LEVEL_HEAD, _BRACKETED_COMPANY) for m in rx.finditer(norm)]
    return out


# ------------------------------------------------------------ 市委市政府, 党委政府: two bodies
def joint_bodies(norm: str) -> list[Candidate]:
    out = []
    for m in re.finditer(r"(自治区|省|市|盟|旗|县|区)(委|党委)(\1?(政府|行署))", norm):
        a = m.start(1)
        out.append(Candidate(a, m.end(2), "PartyOrgan", "joint bodies", 76))
        if m.group(3).startswith(m.group(1)):
            out.append(Candidate(m.start(3), m.end(3), "StateOrgan", "joint bodies", 76))
    return out


# ------------------------------------------------------------ place-pair collaborations (京蒙协作)
def collaborations(norm: str) -> list[Candidate]:
    out = []
    abbr = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔云滇藏陕秦甘陇青宁新港澳台"
    for m in re.finditer(f"([{abbr}]{{2}})(协作|合作|对口支援|对口帮扶)", norm):
        out.append(Candidate(m.start(1), m.end(2), "Collaboration", "place-pair collaboration", 58))
    return out


# ------------------------------------------------------------ sector groups of a CPPCC (民盟界, 文化艺术界别)
def sectors(norm: str) -> list[Candidate]:
    out = []
    for m in re.finditer(r"(?<=[织、，和及])([\u4e00-\u9fff]{2,8}?)(界别|界)(?=[、和及]|委员|人士|代表)", norm):
        if re.match(r"(各|全|新|相关|有关|社会各)", m.group(1)):
            continue
        out.append(Candidate(m.start(1), m.end(2), "Organization", "sector group", 62))
    return out


