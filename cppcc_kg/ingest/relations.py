"""Relations and figures proposed from the sentences of a document.

Relations come from sentence patterns over the mentions of one sentence (X印发《Y》,
X与Y共同发起Z, 在X召开Y, X被命名为Y, X向Y提交《Z》, …) and from the structure of names
(盟政协党组 is a unit of 盟政协). Each relation keeps its sentence as evidence, and is
proposed only when it respects the domain and range of its property in the ontology.

Figures are numbers with a unit (人, 件, 家, 项, 场次, 人次, 个, 名, 位, 条, 次, 票, %),
read with their qualifier: 余/多 is "more than", 至少 is "at least".

>>> [(f.value, f.qualifier, f.unit) for f in find_figures("建成委员工作站2300余家，10万余人次参加，至少提交1件提案")]
[(2300, 'MoreThan', '家'), (100000, 'MoreThan', '人次'), (1, 'AtLeast', '件')]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.link import Mention
from cppcc_kg.ingest.text import NormalizedText, sentence_norm_spans

# ---------------------------------------------------------------- figures

UNITS_EN = {"人": "persons", "名": "persons", "位": "persons", "件": "items", "家": "units", "项": "items",
            "场次": "sessions", "人次": "person-times", "个": "units", "条": "items", "篇": "pieces", "次": "times",
            "票": "votes", "%": "percent", "场": "sessions", "期": "issues", "批": "batches", "所": "institutions",
            "户": "households", "万元": "10,000 yuan", "亿元": "100 million yuan", "元": "yuan", "部": "pieces"}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_UNIT_RE = "场次|人次|万元|亿元|人|名|位|件|家|项|个|条|篇|次|票|%|场|批|所|户"
_FIGURE = re.compile(
    r"(至少|不少于|超过|逾)?"
    r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(万|亿)?(余|多)?"
    f"({_UNIT_RE})"
    r"(余|多)?")


def chinese_number(s: str) -> int | None:
    """Value of a Chinese numeral (一百二十三 -> 123); None when it is not one.

    >>> chinese_number("一百二十三"), chinese_number("十三"), chinese_number("两")
    (123, 13, 2)
    """
    total, cur = 0, 0
    if not s:
        return None
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (cur or 1) * _CN_UNITS[ch]
            cur = 0
        else:
            return None
    return total + cur


@dataclass
class Figure:
    """A number with its unit in the normalised text: [i, j), value, qualifier, unit."""

    i: int
    j: int
    value: int | float
    qualifier: str  # Exact | MoreThan | AtLeast
    unit: str
    text: str = ""


def find_figures(norm: str) -> list[Figure]:
    """Figures with units in a normalised text (not dates, not ordinals, not inside quotes)."""
    out = []
    quotes = [(m.start(), m.end()) for m in re.finditer(r"“[^“”\n]{0,60}”|《[^《》\n]{0,120}》", norm)]
    for m in _FIGURE.finditer(norm):
        i, j = m.span()
        if any(a <= i < b for a, b in quotes):
            continue
        num = m.group(2)
        before = norm[max(0, i - 1): i]
        if before in ("第",) or (before and before.isdigit()):
            continue
        after = norm[j: j + 2]
        if m.group(5) in ("次", "个", "届") and re.match(r"(会议|全体|常委|党组|主席)", after):
            continue
        if num[0].isdigit():
            value = float(num) if "." in num else int(num)
        else:
            value = chinese_number(num)
            if value is None or value < 2 or m.group(5) not in ("个", "家", "项", "名", "位", "条", "人", "件"):
                continue
        if m.group(3) == "万":
            value = value * 10000
        elif m.group(3) == "亿":
            value = value * 100000000
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        clause = re.split(r"[，。；：！？、]", norm[max(0, i - 6): i])[-1]
        if m.group(1) in ("至少", "不少于") or re.search(r"(至少|不少于)[\u4e00-\u9fff]{0,3}$", clause):
            qual = "AtLeast"
        elif m.group(4) or m.group(6) or m.group(1) in ("超过", "逾"):
            qual = "MoreThan"
        else:
            qual = "Exact"
        out.append(Figure(i=i, j=j, value=value, qualifier=qual, unit=m.group(5), text=m.group(0)))
    return out


_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")


def dates_in(norm: str) -> list[tuple[int, int, str, str]]:
    """Dates written with 年/月/日: (i, j, ISO value, precision 'year'|'month'|'day').

    >>> dates_in("2023年9月4日，2023年12月底，2023年")
    [(0, 9, '2023-09-04', 'day'), (10, 18, '2023-12', 'month'), (20, 25, '2023', 'year')]
    """
    out = []
    for m in _DATE.finditer(norm):
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if d:
            if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
                continue
            out.append((m.start(), m.end(), f"{y}-{int(mo):02d}-{int(d):02d}", "day"))
        elif mo:
            if not 1 <= int(mo) <= 12:
                continue
            out.append((m.start(), m.end(), f"{y}-{int(mo):02d}", "month"))
        else:
            out.append((m.start(), m.end(), y, "year"))
    return out


# ---------------------------------------------------------------- relations

@dataclass
class Relation:
    subject: str
    prop: str  # local name of the edge property
    object: str
    start: int  # evidence: the sentence (original offsets)
    end: int
    pattern: str


@dataclass
class _Slot:
    k: int
    m: Mention
    cls: str


_M = r"⟪(\d+)⟫"
#: the sentence patterns of the lexicon (``lexicon.toml``, :mod:`cppcc_kg.ingest.lexicon`): patterns that name
#: every role, verbs whose subject is the one who acts, acting together (X与Y共同…), approval
PATTERNS = LEXICON.sentence_patterns
VERB_PATTERNS = LEXICON.verb_patterns
JOINT_VERBS = LEXICON.joint_verbs
APPROVAL = LEXICON.approval


@dataclass
class _Sentence:
    """A sentence with two mentions or more: its span (original offsets), its mentions as slots, and its
    skeleton (the normalised text with the mentions written ⟪k⟫)."""

    schema: LocalSchema
    sa: int
    sb: int
    slots: list[_Slot]
    skel: str

    def add(self, out: list, s: _Slot, prop: str, o: _Slot, pattern: str) -> None:
        _add(self.schema, out, s, prop, o, self.sa, self.sb, pattern)


def sentence_relations(schema: LocalSchema, nt: NormalizedText, mentions: list[Mention],
                       classes: dict[str, str]) -> list[Relation]:
    """Relations stated by the sentences of the text between mentions (top-level mentions only).

    *classes* maps each entity IRI to its class (local name), for the domain and range checks.
    """
    out: list[Relation] = []
    for sent in _sentences(schema, nt, mentions, classes):
        _role_patterns(sent, out)
        _joint_acts(sent, out)
        _led_by(sent, out)
        _verb_acts(sent, out)
    return _dedupe(out)


def _sentences(schema: LocalSchema, nt: NormalizedText, mentions: list[Mention], classes: dict[str, str]):
    """The sentences of the text with two top-level mentions or more (see :class:`_Sentence`)."""
    # mentions by normalised start
    inv = {}
    for idx, p in enumerate(nt.pos[:-1]):
        inv.setdefault(p, idx)
    top = sorted((m for m in mentions if not m.nested and m.entity), key=lambda m: (m.start, -m.end))
    mi = 0
    for (a, b) in sentence_norm_spans(nt):
        sa, sb = nt.span(a, b)
        slots: list[_Slot] = []
        while mi < len(top) and top[mi].start < sa:
            mi += 1
        k = mi
        while k < len(top) and top[k].end <= sb:
            slots.append(_Slot(len(slots), top[k], classes.get(top[k].entity, top[k].cls)))
            k += 1
        if len(slots) < 2:
            continue
        # the skeleton of the sentence: mentions as ⟪k⟫
        parts = []
        x = sa
        for sl in slots:
            parts.append(_norm_of(nt, inv, x, sl.m.start))
            parts.append(f"⟪{sl.k}⟫")
            x = sl.m.end
        parts.append(_norm_of(nt, inv, x, sb))
        yield _Sentence(schema, sa, sb, slots, "".join(parts))


def _role_patterns(sent: _Sentence, out: list) -> None:
    """The patterns that name every role (在X召开Y, X向Y提交《Z》, …)."""
    for name, rx, triples in PATTERNS:
        for mm in re.finditer(rx, sent.skel):
            for sg, prop, og in triples:
                try:
                    si, oi = mm.group(int(sg)), mm.group(int(og))
                except IndexError:
                    continue
                if si is None or oi is None:
                    continue
                sent.add(out, sent.slots[int(si)], prop, sent.slots[int(oi)], name)


def _acting(sent: _Sentence, k: int, exclude=()) -> bool:
    """Whether the mention *k* acts in the sentence: a body or a person, not named after 在/向/与/由…."""
    at = sent.skel.find(f"⟪{k}⟫")
    return (k not in exclude and _agent(sent.schema, sent.slots[k].cls)
            and not re.search(r"(在|向|与|和|由|对|经|把|同|为|、)$", sent.skel[:at]))


def _actor(sent: _Sentence, pos: int, exclude=()) -> _Slot | None:
    """The first acting body of the clause before *pos*, else of the clauses before it."""
    skel = sent.skel
    cuts = [0] + [m.end() for m in re.finditer(r"[，；：]", skel[:pos])] + [pos]
    for ci in range(len(cuts) - 2, -1, -1):
        a, b = cuts[ci], cuts[ci + 1]
        if ci < len(cuts) - 2 and re.search(r"(后|时|前|以来|之际)[，；：]?$", skel[a:b]):
            continue
        ks = [int(x) for x in re.findall(r"⟪(\d+)⟫", skel[a:b])]
        for k in ks:
            if _acting(sent, k, exclude) and (ci == len(cuts) - 2 or not sent.schema.is_a(sent.slots[k].cls, "Person")):
                return sent.slots[k]
    return None


def _joint_acts(sent: _Sentence, out: list) -> None:
    """Acting together: X与Y(、Z)共同发起/召开/建立/印发 W."""
    slots = sent.slots
    joint = "|".join(JOINT_VERBS)
    for mm in re.finditer(f"与((?:{_M}(?:、|和|及)?)+)(?:共同|联合)?({joint})(?:了)?((?:{_M}(?:、|和|及)?)+)", sent.skel):
        partners = [int(x) for x in re.findall(r"⟪(\d+)⟫", mm.group(1))]
        objs = [int(x) for x in re.findall(r"⟪(\d+)⟫", mm.group(mm.lastindex))]
        name, prop = JOINT_VERBS[_verb_of(mm.group(0))]
        subj = _actor(sent, mm.start(), exclude=partners)
        agents = ([subj] if subj else []) + [slots[k] for k in partners if _agent(sent.schema, slots[k].cls)]
        for o in objs:
            for ag in agents:
                sent.add(out, ag, prop, slots[o], name)
            if prop == "established":
                for k in partners:
                    sent.add(out, slots[o], "establishedWith", slots[k], name)
        if subj:
            for k in partners:
                sent.add(out, subj, "collaboratedWith", slots[k], name)


def _led_by(sent: _Sentence, out: list) -> None:
    """在X的(坚强)领导下: the body that acts in the sentence is led by X."""
    skel = sent.skel
    for mm in re.finditer(r"⟪(\d+)⟫的[^⟪，。；]{0,6}领导下", skel):
        leader = int(mm.group(1))
        if "在" not in skel[max(0, mm.start() - 30): mm.start()]:
            continue
        subj = _actor(sent, mm.start(), exclude=[leader])
        if subj is None:
            after = [int(x) for x in re.findall(r"⟪(\d+)⟫", skel[mm.end():])]
            subj = next((sent.slots[k] for k in after if _acting(sent, k)), None)
        if subj is not None:
            sent.add(out, subj, "ledBy", sent.slots[leader], "在X的领导下，Y")


def _verb_acts(sent: _Sentence, out: list) -> None:
    """Verbs between the one who acts and the things named right after them (X印发《Y》, X建立Y, …), and
    verbs of approval (X审议通过《Y》: Y approvedBy X)."""
    schema, slots, skel = sent.schema, sent.slots, sent.skel
    for name, verb, prop in VERB_PATTERNS + [APPROVAL]:
        for mm in re.finditer(f"{verb}(?:了)?((?:[^⟪，。；]{{0,10}}?)((?:{_M}(?:、|和|及|与)?)+))", skel):
            objs = [int(x) for x in re.findall(r"⟪(\d+)⟫", mm.group(2))]
            if re.search(r"[，。；]", skel[mm.end(0) - len(mm.group(1)): mm.start(2)]):
                continue
            before = [int(x) for x in re.findall(r"⟪(\d+)⟫", skel[: mm.start()])]
            if not before:
                continue
            if prop == "approvedBy":
                # the approver: the nearest body or meeting before the verb
                subj = next((slots[k] for k in reversed(before)
                             if _agent(schema, slots[k].cls) or schema.is_a(slots[k].cls, "Event")), None)
                for o in objs:
                    if subj is not None:
                        sent.add(out, slots[o], prop, subj, name)
                continue
            # the one who acts: the first body named before the verb in its clause, else in the clauses
            # before (not one named after 在/向/与/由: a place, an addressee, a partner)
            if re.search(r"与(?:⟪\d+⟫(?:、|和|及)?)+(?:共同|联合)?$", skel[: mm.start()]):
                continue  # done above
            subj = _actor(sent, mm.start())
            if subj is None:
                continue
            for o in objs:
                sent.add(out, subj, prop, slots[o], name)


def _verb_of(text: str) -> str:
    for v in sorted(JOINT_VERBS, key=len, reverse=True):
        if v in re.sub(r"⟪\d+⟫", "", text):
            return v
    return "发起"


def name_relations(schema: LocalSchema, nt: NormalizedText, mentions: list[Mention], classes: dict[str, str],
                   entity_of_name: dict[str, str]) -> list[Relation]:
    """Relations carried by the structure of names: a unit named after its body (盟政协党组 ->
    subOrganizationOf 盟政协), a body named after its place (呼和浩特市政协 -> jurisdiction 呼和浩特市)."""
    out: list[Relation] = []
    spans = [nt.span(a, b) for a, b in sentence_norm_spans(nt)]
    starts = [a for a, _b in spans]
    for m in mentions:
        if not m.entity:
            continue
        cls = classes.get(m.entity, m.cls)
        if not schema.is_any(cls, "body"):
            continue
        k = bisect_right(starts, m.start) - 1
        sent = spans[k] if k >= 0 and spans[k][0] <= m.start and m.end <= spans[k][1] else (m.start, m.end)
        name = m.name
        for k in range(len(name) - 1, 1, -1):
            prefix = name[:k]
            parent = entity_of_name.get(prefix)
            if not parent or parent == m.entity:
                continue
            pcls = classes.get(parent, "")
            if schema.is_a(pcls, "Place"):
                if schema.is_a(cls, "Organization") and k >= len(name) - 4:
                    _add(schema, out, _Slot(0, m, cls), "jurisdiction", _Slot(1, Mention(0, 0, "", prefix, pcls, "", entity=parent), pcls),
                         sent[0], sent[1], "body named after its place")
                break
            if schema.is_any(pcls, "body"):
                _add(schema, out, _Slot(0, m, cls), "subOrganizationOf", _Slot(1, Mention(0, 0, "", prefix, pcls, "", entity=parent), pcls),
                     sent[0], sent[1], "unit named after its body")
                break
    return _dedupe(out)


def _norm_of(nt: NormalizedText, inv: dict, a: int, b: int) -> str:
    """The normalised text between original offsets a and b."""
    if b <= a:
        return ""
    i = inv.get(a)
    while i is None and a < b:
        a += 1
        i = inv.get(a)
    if i is None:
        return ""
    j = i
    while j < len(nt.norm) and nt.pos[j] < b:
        j += 1
    return nt.norm[i:j]


def _agent(schema: LocalSchema, cls: str) -> bool:
    """One who acts in a sentence: a body, a person or a publication."""
    return schema.is_any(cls, "agent")


def _add(schema: LocalSchema, out: list, s: _Slot, prop: str, o: _Slot, a: int, b: int, pattern: str) -> None:
    if s.m.entity == o.m.entity:
        return
    if prop in LEXICON.agent_subject and not _agent(schema, s.cls):
        if not (prop == "recognizedBy" and (schema.is_a(s.cls, "Program") or schema.is_a(s.cls, "Mechanism"))):
            return
    if prop in LEXICON.agent_object and not _agent(schema, o.cls):
        return
    if prop == "approvedBy" and not (_agent(schema, o.cls) or schema.is_a(o.cls, "Event")):
        return
    if not schema.allowed(prop, s.cls, o.cls):
        return
    subj, obj = s.m.entity, o.m.entity
    if prop == "collaboratedWith" and obj < subj:
        subj, obj = obj, subj
    out.append(Relation(subj, prop, obj, a, b, pattern))


def _dedupe(rels: list[Relation]) -> list[Relation]:
    seen = {}
    for r in rels:
        key = (r.subject, r.prop, r.object)
        if key not in seen or (r.start, r.end) < (seen[key].start, seen[key].end):
            seen[key] = r
    return sorted(seen.values(), key=lambda r: (r.start, r.subject, r.prop, r.object))
