"""The forms of names in Chinese reports on CPPCC work, and the tools to find them.

This module holds the word lists that the rules read (the last words of names of bodies,
places, events, mechanisms and programmes, the verbs that introduce them; which class a word
gives is data: ``lexicon.toml``, see :mod:`cppcc_kg.ingest.lexicon`),
the segmenter (jieba with the graph's names in its dictionary; nothing is downloaded), and
the plain helpers that choose among overlapping candidates.

>>> strip_name("《工作方案》"), strip_name("“五型政协”"), strip_name("“聆诵”读书活动")
('工作方案', '五型政协', '“聆诵”读书活动')
>>> [(c.i, c.j) for c in resolve([Candidate(0, 4, "Organization", "a", 60), Candidate(2, 8, "Event", "b", 50)])]
[(2, 8)]
"""
from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg as pseg

from cppcc_kg.ingest.lexicon import LEXICON

NUM = "0-9一二三四五六七八九十百千零〇两"
NUMERAL = f"[{NUM}]+"

# ---------------------------------------------------------------- the forms of names

#: Last words that make an organization, place, event, … name when words before them name it
#: (data: the ``[name_endings]`` of lexicon.toml).
ORG_SUFFIXES = LEXICON.name_endings["org_endings"]
PLACE_SUFFIXES = LEXICON.name_endings["place_endings"]
SITE_SUFFIXES = LEXICON.name_endings["site_endings"]
EVENT_SUFFIXES = LEXICON.name_endings["event_endings"]
#: the same, longest first (to find the last word of an event's name)
EVENT_ENDS_LONGEST_FIRST = tuple(sorted(EVENT_SUFFIXES, key=len, reverse=True))
MECHANISM_SUFFIXES = LEXICON.name_endings["mechanism_endings"]
PROGRAM_SUFFIXES = LEXICON.name_endings["program_endings"]

#: the rule of committees named by a short form (named.committee_short_forms): its names begin where an item of a
#: list begins, and the tagger's words do not move their left edge (对外友好委: 对外 is no preposition there)
SHORT_FORM_RULE = "committee short form"

#: Verbs after which a mechanism or programme is named (建立X机制, 打造X品牌).
MECHANISM_VERBS = ("建立", "建成", "建立健全", "健全", "完善", "构建", "推行", "创新", "搭建", "实行", "执行", "坚持", "规范", "设立",
                   "探索", "形成", "打造", "创建", "落实", "深化", "实施", "启动", "推出", "开展", "推进", "强化")
EVENT_ONLY_VERBS = ("举办", "组织", "举行")
DOC_ONLY_VERBS = ("制定", "研究制定", "出台", "配套出台", "印发", "编制", "审议通过", "修订") + tuple(
    LEXICON.spans.get("document_verbs", ()))
DOC_SUFFIXES = LEXICON.name_endings["document_endings"]
#: Verbs that say the next name is an event (召开X会议).
EVENT_VERBS = ("召开", "举办", "举行", "主办", "承办", "开展", "组织", "参加", "出席", "列席", "启动", "开幕", "闭幕",
               "在", "于")
PUNCT = set("，。、；：！？（）()《》“”‘’「」【】—…·,.;:!?\"' \t\r\n/|<>＞＜")
#: single characters that end the words of a name when met going left
STOP_CHARS = set("的和与及或同向在由对把将被为了是有以从到赴就并等各该其本我这那此每如")
NAME_POS = {"ns", "nt", "nz", "n", "j", "b", "vn", "nr", "ng", "an", "nrt", "nrfg", "eng", "l", "s", "f", "kg"}
GENERIC_PLACE_WORDS = {"地区", "社区", "城区", "市区", "园区", "示范区", "景区", "牧区", "山区", "小区", "辖区", "街区",
                        "全区", "各区", "本区", "该区", "边区", "灾区", "矿区", "片区", "开发区", "农区", "老区",
                        "城市", "都市", "全市", "本市", "我市", "各市", "盟市", "全盟", "全旗", "全县", "本县", "各县",
                        "农村", "乡村", "城乡", "全省", "各省", "外省", "本省", "跨省", "新村", "苏木", "街道",
                        "展馆", "场馆", "本村", "全村", "各村", "各乡", "乡镇", "城镇", "集镇", "重镇", "村镇"}
GENERIC_ORG_WORDS = {"干部", "全部", "内部", "外部", "局部", "大局", "格局", "开办", "举办", "承办", "主办", "创办",
                      "协办", "督办", "交办", "督办", "中心", "重心", "核心", "以人民为中心", "一组", "各组", "小组",
                      "机关", "政府", "法院", "学院", "医院", "报", "网", "委员会", "党委", "党组", "政协", "部",
                      "厅", "局", "办", "院", "组", "汇报", "上报", "通报", "情报", "简报", "回报", "申报", "举报",
                      "电网", "上网", "互联网", "网上", "网络", "大学", "学会", "协会", "公司", "集团", "银行",
                      "专班", "工作组", "工委", "人大", "总部", "本部", "支部", "党支部", "基层党组织", "办公室"}
STOP_WORDS = {"代表", "我们", "全体", "各级", "广大", "积极", "认真", "组织", "联合", "协调", "加强", "推动", "通过",
               "成立", "组建", "围绕", "聚焦", "依托", "发挥", "会同", "邀请", "带领", "指导", "支持", "服务", "保障",
               "列席", "出席", "参加"}  # (eighth pass: verbs of attending, which jieba may read as nouns: 列席)
_LEVELS = {"市", "盟", "县", "区", "旗", "省", "自治区", "全国", "区县", "市县", "旗县", "盟市", "乡镇", "苏木", "嘎查",
           "村", "街道", "镇", "乡", "中共", "中央", "国家", "地方"}
ORG_WORDS = ("政协", "党委", "政府", "人民政府", "委员会", "人大", "法院", "机关", "党组", "市委", "盟委", "旗委", "县委",
              "区委", "省委", "中共", "行署", "常委会", "统战部")
EXTRA_ORG_WORDS = ("九三学社", "民革", "民盟", "民建", "民进", "农工党", "致公党", "台盟", "人民政府", "人民法院", "行政公署",
                    "人大常委会", "领导小组", "纪检监察组", "培训中心", "市委", "盟委", "旗委", "县委", "区委", "省委",
                    "机关党委", "机关纪委", "工会", "民族事务委员会", "议事厅", "工作室", "工作站", "委员之家",
                    "政府常务会议")
GENERIC_TWO = {"干部", "全部", "开局", "格局", "布局", "总部", "举办", "开展", "发展", "进展", "拓展", "施展", "伸展",
                "城市", "都市", "门市", "股市", "上市", "超市", "社区", "地区", "辖区", "政局", "结局", "当局", "书局",
                "大院", "法院", "医院", "学院", "剧院", "影院", "庭院", "报告", "汇报", "简报", "情报", "画报",
                "一组", "分组", "编组", "机组", "重组", "改组", "上网", "电网", "联网"}
#: which words may precede a last word: place names only, places and bodies, or any noun
ORG_PREFIX_MODE = {"市委": "place", "盟委": "place", "旗委": "place", "县委": "place", "区委": "place", "省委": "place",
                    "政协": "place", "党委": "org", "政府": "org", "人民政府": "place", "人大": "place", "行署": "place",
                    "法院": "place", "检察院": "place", "委员会": "noun", "党组": "org", "常委会": "org",
                    "常务委员会": "org", "专委会": "org", "主席会议": "org", "办公厅": "org", "办公室": "org", "党支部": "org", "机关": "org", "工委": "org",
                    "统战部": "org", "宣传部": "org", "组织部": "org", "纪委": "org", "报": "noun", "日报": "noun", "网": "noun"}
#: bare forms of a body that name it by its level (resolved from the context of the document)
BARE_BODIES = {"政府常务会议", "盟委", "市委", "旗委", "县委", "区委", "省委", "行署", "工商联", "九三学社", "民革", "民盟", "民建", "民进",
                "机关党委", "机关纪委", "工会",
                "农工党", "致公党", "台盟", "党中央", "中共中央", "政协机关"}
#: names made of a last word and a generic word: not the name of one body
GENERIC_BODIES = {"人民政协", "新时代人民政协", "各级政协", "地方政协", "基层政协", "市县政协", "各地政协", "人民政府",
                   "各级党委", "地方党委", "基层党委", "党委政府", "各级政府", "地方政府", "基层政府", "人民法院"}


def placeish_word(w: str, p: str) -> bool:
    """A word that can be (part of) the place before a body's last word: 内蒙古, 呼和浩特市, 自治区, 市."""
    if w in _LEVELS or p == "ns":
        return True
    return bool(re.search(r"(盟|市|旗|县|区|省|自治区|州)$", w)) and p in ("ns", "nz", "nt") and len(w) >= 3


def orgish_word(w: str, p: str) -> bool:
    """A word that names a body before a unit's last word: 政协 (盟政协党组), 党委 (党委统战部)."""
    return w.endswith(ORG_WORDS) or p == "nt" or bool(re.fullmatch(f"第?{NUMERAL}届", w))


#: characters and verbs that cannot be in the words after a quote that name what it is
TAIL_STOP_CHARS = set("的与及或在是等并为对把被向从和了着")  # (了, 着: particles after a verb, never in a name)
TAIL_STOP_VERBS = {"提出", "作出", "进行", "开展", "推动", "加强", "提供", "实现", "取得", "得到", "成为", "作为", "发挥",
                    "落实", "贯彻", "推进", "建设", "打造", "是", "为", "有", "等", "要", "的", "提出具体要求"}

#: words that say a quoted phrase is not a name
QUOTE_REJECT = re.compile(r"(起来|什么|怎么|如何|哪里|为何|吗|呢|吧|啊)$|^(不|没|要|让|把|使)")


@dataclass
class Candidate:
    """A proposed mention: normalised span [i, j), class, the rule that found it and its priority."""

    i: int
    j: int
    cls: str
    rule: str
    prio: int
    name: str = ""  # the name to link (normalised; without 《》 and quotes)
    nested: bool = False  # found inside a title or quote: may overlap its container
    iri: str = ""  # set by the dictionary rule: the entity whose name matched
    by: tuple[str, ...] = ()  # the parts of the recognizer that proposed this span (merge.found_by)

    @property
    def length(self) -> int:
        return self.j - self.i


# ---------------------------------------------------------------- segmenter

@lru_cache(maxsize=1)
def _base_tokenizer():
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


class Segmenter:
    """jieba with the graph's names in its dictionary (tag ``kg``); positions in the normalised text."""

    def __init__(self, names: dict[str, str] | None = None):
        base = _base_tokenizer()
        # a private copy so that the graph's names do not leak into other users of jieba
        self.tok = copy.copy(base)
        self.tok.FREQ = dict(base.FREQ)
        self.tok.user_word_tag_tab = {}
        # jieba's tagger for our tokenizer, sharing the tags jieba read once at import (no second read)
        self.pos = pseg.POSTokenizer.__new__(pseg.POSTokenizer)
        self.pos.tokenizer = self.tok
        self.pos.word_tag_tab = dict(pseg.dt.word_tag_tab)
        for word, tag in sorted((names or {}).items()):
            if 2 <= len(word) <= 30 and all(not ch.isspace() for ch in word):
                self.tok.add_word(word, freq=max(self.tok.suggest_freq(word), 1000), tag=tag)
                self.pos.word_tag_tab[word] = tag

    def tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        out = []
        i = 0
        for w, p in self.pos.cut(text):
            if w in _MEETING_AND_PLACE:  # 工作会|上: the meeting, then where (jieba writes 会上 as one word)
                out += [(i, i + 1, w[0], "n"), (i + 1, i + 2, w[1], "f")]
            else:
                out.append((i, i + len(w), w, p))
            i += len(w)
        return out


#: words of jieba made of 会 (a meeting) and a word of place or time after it: two words
_MEETING_AND_PLACE = frozenset({"会上", "会中", "会后", "会前", "会间"})


class Tokens:
    """Tokens of the normalised text with lookups by position."""

    def __init__(self, toks: list[tuple[int, int, str, str]], n: int):
        self.toks = toks
        self.at = [0] * (n + 1)
        self.starts = set()
        self.ends = set()
        for k, (s, e, _w, _p) in enumerate(toks):
            for x in range(s, e):
                self.at[x] = k
            self.starts.add(s)
            self.ends.add(e)
        self.at[n] = len(toks)

    def boundary(self, x: int) -> bool:
        return x in self.starts or x in self.ends

    def token(self, x: int):
        k = self.at[x]
        return self.toks[k] if k < len(self.toks) else None


# ---------------------------------------------------------------- the finder

def text_blocks(norm: str, size: int = 1500) -> list[tuple[int, int]]:
    """Spans of the text of at most about *size* characters that end at a line break (or, in a long
    line, after 。！？；): no name runs across them."""
    out = []
    start = 0
    n = len(norm)
    while start < n:
        if n - start <= size:
            out.append((start, n))
            break
        cut = norm.rfind("\n", start, start + size)
        if cut <= start:
            m = None
            for m in re.finditer(r"[。！？；]", norm[start: start + size]):
                pass
            cut = start + m.end() - 1 if m else -1
            if cut <= start:
                nxt = re.search(r"[\n。！？；]", norm[start + size:])
                cut = start + size + nxt.start() if nxt else n - 1
        out.append((start, cut + 1))
        start = cut + 1
    return out


def inside_title(norm: str, x: int) -> bool:
    a = norm.rfind("《", 0, x)
    b = norm.rfind("》", 0, x)
    return a > b and norm.find("》", x) >= 0 and (norm.find("《", x) < 0 or norm.find("》", x) < norm.find("《", x))


def phrase_breaks(norm: str, pos: list[int], text: str) -> list[int]:
    """Where a space between two Chinese characters was dropped from *norm* (``pos`` maps *norm* to *text*, see
    :class:`cppcc_kg.ingest.text.NormalizedText`), outside quotes and titles: in a headline such a space parts two
    phrases, and no name runs across it (擦亮品牌 打造平台), while a quoted slogan keeps its space (“京蒙协作 政协助力”).

    >>> from cppcc_kg.ingest.text import normalize
    >>> nt = normalize("擦亮品牌 打造平台,开展“京蒙协作 政协助力”行动")
    >>> phrase_breaks(nt.norm, nt.pos, nt.text)
    [4]
    """
    out = []
    for x in range(1, len(norm)):
        if pos[x] - pos[x - 1] > 1 and not text[pos[x - 1] + 1: pos[x]].strip() and "\u4e00" <= norm[x - 1] <= "\u9fff" \
                and "\u4e00" <= norm[x] <= "\u9fff" and not norm.rfind("“", 0, x) > norm.rfind("”", 0, x) \
                and not inside_title(norm, x):
            out.append(x)
    return out


def made_of(rest: str, words) -> bool:
    """True when *rest* is not empty and is made of *words* only, one after another.

    >>> made_of("民主监督", ["民主", "监督"]), made_of("提案监督", ["民主", "监督"]), made_of("", ["民主"])
    (True, False, False)
    """
    words = sorted(words, key=len, reverse=True)
    if not rest:
        return False
    while rest:
        w = next((x for x in words if rest.startswith(x)), None)
        if w is None:
            return False
        rest = rest[len(w):]
    return True


def strip_name(s: str) -> str:
    """The name in a mention: without the 《》 or quotes around it.

    >>> strip_name("《工作方案》"), strip_name("“五型政协”"), strip_name("“聆诵”读书活动")
    ('工作方案', '五型政协', '“聆诵”读书活动')
    """
    s = s.strip()
    while len(s) >= 2 and ((s[0] == "《" and s[-1] == "》") or (s[0] == "“" and s[-1] == "”" and s.count("“") == 1)):
        s = s[1:-1].strip()
    return s


def resolve_nested(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping nested candidates, the longest first."""
    out, taken = [], []
    for c in sorted(cands, key=lambda c: (-c.length, -c.prio, c.i)):
        if any(c.i < b and a < c.j for a, b in taken):
            continue
        out.append(c)
        taken.append((c.i, c.j))
    return out


#: rules of nested names that stay inside any chosen name, not only a title or a quote (the meeting that a
#: preparatory meeting prepares: ingest.meetings)
NESTED_IN_ANY_NAME = frozenset({"prepared meeting"})


def resolve(cands: list[Candidate]) -> list[Candidate]:
    """Choose non-overlapping mentions: the longest first, then the higher priority; nested ones stay
    inside their container."""
    order = sorted(cands, key=lambda c: (c.nested, -c.length, -c.prio, c.i, c.cls, c.rule))
    top: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in order:
        if c.nested:
            continue
        if any(c.i < b and a < c.j for a, b in taken):
            continue
        top.append(c)
        taken.append((c.i, c.j))
    # nested candidates: inside a title or quote container, not overlapping each other
    containers = [(c.i, c.j) for c in top if c.rule in ("title",) or c.rule.startswith("quote")]
    nested: list[Candidate] = []
    ntaken: list[tuple[int, int]] = []
    for c in order:
        if not c.nested:
            continue
        boxes = taken if c.rule in NESTED_IN_ANY_NAME else containers
        if not any(a <= c.i and c.j <= b and (a, b) != (c.i, c.j) for a, b in boxes):
            continue
        if any(c.i < b and a < c.j for a, b in ntaken):
            continue
        nested.append(c)
        ntaken.append((c.i, c.j))
    return top + nested
