"""Linking mentions to the graph's entities, or proposing new ones.

A mention is linked to an existing entity when its name (normalised) is one of the
entity's Chinese labels or aliases, and the context of the document agrees:

* names that carry their place (内蒙古自治区政协, 全国政协, 北京市政协) link as they are;
* names that give only a level (自治区政协, 市政协, 盟委) are read against the places of the
  document: 自治区政协 is 内蒙古自治区政协 when the document is about Inner Mongolia, 市政协
  is 呼和浩特市政协 when the city of the document is Hohhot;
* names of units without a place (政协党组, 专委会, 主席会议) belong to the document's own
  CPPCC committee: they link to an entity only when it is a unit of that committee;
* a context word (全区, 本市: a word of scope and a level word, :func:`context_word`) names the document's
  own place, whichever it is: when the graph keeps one as an alias (全区 for Inner Mongolia) it links only
  in a text that names that place otherwise (内蒙古, a place in it, or the forms of its places), and it
  never gives a place to the text;
* a publication whose name has no last word of a publication (工作交流, 实践; the lexicon's
  ``publication_heads``: 日报, 杂志 …) is named by ordinary words: it links only where the text writes it
  as a title, in 《》.

The place of an entity is read from its labels (the longest place name its Chinese label
starts with, or a place whose English label its English label contains) and from its
``cppcc:subOrganizationOf`` / ``cppcc:locatedIn`` / ``cppcc:partOf`` parents.

Mentions that do not link propose a new entity: one per name after the same reading of
context (市政协 and 呼和浩特市政协 in one document are one new entity).

>>> level_of("自治区政协"), level_of("盟委"), level_of("内蒙古自治区政协")
('province', 'prefecture', None)
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

from cppcc_kg.ingest.classes import LocalSchema
from cppcc_kg.ingest.forms import Candidate, strip_name
from cppcc_kg.ingest.known import KnownEntity
from cppcc_kg.ingest.lexicon import LEXICON
from cppcc_kg.ingest.output import PROPOSED
from cppcc_kg.ingest.text import NormalizedText, normalize

#: bare words that name a body only through the graph; when they do not link, they are not proposed (the lexicon's
#: generic words too: 主席会议, 常委会, 政协机关 name the units of the document's own committee, else no body)
_BARE_WORDS = {"政府", "党委", "政协", "人大", "法院", "委员会"} | set(LEXICON.recognizers["generic"])
#: units named without their body (政协党组, 专委会): they are units of the document's own CPPCC committee
_UNIT_WORDS = ("政协党组", "政协机关", "政协办公厅", "党组", "机关", "常委会", "专委会", "主席会议", "办公厅",
               "机关党委", "机关纪委")

#: level words that start a relative name, and the level they name (lexicon.toml ``[levels]``)
_LEVEL_PREFIX = LEXICON.levels["name_start"]
#: the last word of a place name and its level
_PLACE_LEVEL = LEXICON.levels["place_end"]
#: the forms of places that exist only in Inner Mongolia (leagues, banners, sumu, gacha): a document
#: that uses them is about Inner Mongolia
_INNER_MONGOLIA_FORMS = ("盟", "旗", "苏木", "嘎查")
_INNER_MONGOLIA_LABEL = "内蒙古自治区"
_PLACE_NAME = re.compile(r"^([\u4e00-\u9fff]{2,12}?(?:自治区|自治州|自治县|自治旗|省|市|盟|州|旗|县|区))")
#: words of scope before a level word (全区, 本市): :func:`context_word`
_SCOPE = tuple(LEXICON.recognizers["scope_words"])
_LEVEL_WORDS = frozenset(w for w, _l in _PLACE_LEVEL)
_PUBLICATION_HEADS = tuple(LEXICON.recognizers["publication_heads"])
_BODY_AFTER_LEVEL = re.compile(r"^(自治区|省|市|盟|州|旗|县|区)(政协|党委|委|政府|人民政府|人大|行署|法院|人民法院|委员会)")


#: the full name of a CPPCC committee, with its term: 政协岳阳市第九届委员会
_FULL_CPPCC = re.compile(r"政协([\u4e00-\u9fff]{2,12}?)(?:第[0-9一二三四五六七八九十]+届)?委员会")


def level_of(name: str) -> str | None:
    """The level a relative name gives (``province``, ``prefecture``, ``county``), or None.

    A relative name starts with a level word and goes on with a body: 自治区政协, 市委, 盟政协党组.
    """
    m = _BODY_AFTER_LEVEL.match(name)
    if not m:
        return None
    for word, level in _LEVEL_PREFIX:
        if m.group(1) == word:
            return level
    return None


def context_word(name: str) -> bool:
    """True for a word of scope and a level word (全区, 本市, 我县, 该旗, 全自治区): it names the document's own
    place, whichever that is, not one place.

    >>> context_word("全区"), context_word("本市"), context_word("全国"), context_word("区政协")
    (True, True, False, False)
    """
    return len(name) >= 2 and name[0] in _SCOPE and name[1:] in _LEVEL_WORDS


def place_level(name: str) -> str | None:
    """The level of a place name by its last word (呼和浩特市 -> prefecture)."""
    for word, level in _PLACE_LEVEL:
        if name.endswith(word) and len(name) > len(word):
            return level
    return None


#: a congress or plenum of the party named by its ordinal after 党的 (党的二十大, 党的十九届四中全会)
_PARTY_ORDINAL = re.compile(r"党的([一二三四五六七八九十]+(?:大|届))")


def party_variants(name: str) -> tuple[str, ...]:
    """Other ways of writing the name of a congress or plenum of the party: 党的X is also written 中共X
    (中共二十大, 中共十九届四中全会), the short form of 中国共产党.

    >>> party_variants("党的二十大"), party_variants("党的十九届四中全会"), party_variants("党的建设")
    (('中共二十大',), ('中共十九届四中全会',), ())
    """
    m = _PARTY_ORDINAL.match(name)
    return ("中共" + name[2:],) if m else ()


@dataclass
class Mention:
    """A mention in the original text: offsets, exact text, class, and what it refers to."""

    start: int
    end: int
    exact: str
    name: str  # normalised name used for linking
    cls: str
    rule: str
    nested: bool = False
    entity: str = ""  # IRI of the entity (existing or proposed)
    status: str = ""  # 'linked' or 'new'
    note: str = ""
    candidates: list[str] = field(default_factory=list)
    found_by: tuple[str, ...] = ()  # the parts of the recognizer that proposed it (forms, graph, tagger, …)


@dataclass
class NewEntity:
    iri: str
    cls: str
    label_zh: str
    label_en: str
    kind: str
    mentions: list[Mention] = field(default_factory=list)
    note: str = ""


class Linker:
    """Link mentions of one document to the known entities of the graph."""

    def __init__(self, schema: LocalSchema, known: dict[str, KnownEntity]):
        self.schema = schema
        self.known = known
        self.names: dict[str, list[str]] = defaultdict(list)  # normalised name -> IRIs
        for iri, e in sorted(known.items()):
            for n in e.names:
                key = strip_name(normalize(n).norm)
                for k in (key, *party_variants(key)):
                    if len(k) >= 2 and iri not in self.names[k]:
                        self.names[k].append(iri)
        self.places = {iri: e for iri, e in known.items() if schema.is_a(e.cls, "Place")}
        self._place_names = sorted(((k, iri) for iri, e in self.places.items() for n in e.names
                                    if len(k := strip_name(normalize(n).norm)) >= 2 and not context_word(k)),
                                   key=lambda p: (-len(p[0]), p[0]))
        self._anchor_cache: dict[str, str | None] = {}

    # ------------------------------------------------------------ dictionary for the finder
    def dictionary(self) -> dict[str, list[tuple[str, str]]]:
        """Normalised names -> [(IRI, class)], for :class:`cppcc_kg.ingest.patterns.MentionFinder`."""
        return {k: [(iri, self.known[iri].cls) for iri in v] for k, v in self.names.items()}

    # ------------------------------------------------------------ places of entities
    def place_in(self, name: str) -> str | None:
        """The known place whose name *name* starts with (longest first)."""
        for pname, iri in self._place_names:
            if name.startswith(pname) and len(pname) >= 2:
                return iri
        return None

    def anchor(self, iri: str, _depth: int = 0) -> str | None:
        """The place an entity belongs to (its own IRI for a place), or None for national/unknown."""
        if iri in self._anchor_cache:
            return self._anchor_cache[iri]
        e = self.known.get(iri)
        result = None
        if e is not None:
            if iri in self.places:
                result = iri
            else:
                for n in sorted(e.names, key=len, reverse=True):
                    p = self.place_in(strip_name(normalize(n).norm))
                    if p:
                        result = p
                        break
                if result is None and e.jurisdiction:
                    result = e.jurisdiction[0]
                if result is None and e.label_en:
                    for piri, pe in sorted(self.places.items()):
                        if pe.label_en and len(pe.label_en) >= 4 and _en_core(pe.label_en) in e.label_en:
                            result = piri
                            break
                if result is None and _depth < 4:
                    for parent in e.parents:
                        result = self.anchor(parent, _depth + 1)
                        if result:
                            break
                if result is None and level_of(strip_name(e.label_zh)):
                    # a relative label in the graph (自治区法院): the graph's one place of that level
                    lvl = level_of(strip_name(e.label_zh))
                    word = next(w for w, l in _LEVEL_PREFIX if strip_name(e.label_zh).startswith(w) and l == lvl)
                    cands = [p for p, pe in self.places.items() if pe.label_zh.endswith(word)]
                    if len(cands) == 1:
                        result = cands[0]
        self._anchor_cache[iri] = result
        return result

    def province_of(self, place_iri: str | None, _depth: int = 0) -> str | None:
        if place_iri is None or _depth > 6:
            return None
        e = self.known.get(place_iri)
        if e is None:
            return None
        if self.schema.is_a(e.cls, "ProvinceLevelDivision"):
            return place_iri
        for p in e.parents:
            r = self.province_of(p, _depth + 1)
            if r:
                return r
        return None

    # ------------------------------------------------------------ linking a document
    def link(self, nt: NormalizedText, cands: list[Candidate]) -> tuple[list[Mention], list[NewEntity], dict]:
        """Mentions (original offsets) with their entity, the new entities proposed, and the context read."""
        mentions: list[Mention] = []
        for c in cands:
            s, e = nt.span(c.i, c.j)
            mentions.append(Mention(start=s, end=e, exact=nt.text[s:e], name=c.name or strip_name(nt.norm[c.i:c.j]),
                                    cls=c.cls, rule=c.rule, nested=c.nested, found_by=c.by))
        ctx = self.context(mentions)
        for m in mentions:
            titled = m.exact.startswith("《") or (nt.text[m.start - 1:m.start] == "《" and nt.text[m.end:m.end + 1] == "》")
            self._link_one(m, ctx, titled)
        new = self._propose(mentions, ctx)
        return mentions, new, ctx

    def context(self, mentions: list[Mention]) -> dict:
        """The places of the document by level, and its own CPPCC committee."""
        by_level: dict[str, Counter] = {"province": Counter(), "prefecture": Counter(), "county": Counter()}
        known_places: Counter = Counter()
        im_forms = 0
        for m in mentions:
            names = [re.sub(r"^(政协|中共)", "", m.name)]
            for name in names:
                known = self.place_in(name)
                if known:
                    known_places[known] += 1
                    ke = self.known[known]
                    lvl = self._known_level(ke)
                    if lvl:
                        by_level[lvl][strip_name(normalize(ke.label_zh).norm)] += 1
                    continue
                pm = _PLACE_NAME.match(name) if not level_of(name) else None
                if pm:
                    pname = pm.group(1)
                    if re.match(r"^(各|全|本|我|该|有关|相关|基层|地方|自治区|省|市|盟|旗|县|区)", pname):
                        continue
                    lvl = place_level(pname)
                    if lvl:
                        by_level[lvl][pname] += 1
                    if pname.endswith(_INNER_MONGOLIA_FORMS):
                        im_forms += 1
        ctx = {"places": {}, "ranked": {}, "known_places": dict(known_places), "inner_mongolia_forms": im_forms}
        for lvl, counter in by_level.items():
            if counter:
                ranked = [k for k, _n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
                ctx["ranked"][lvl] = ranked
                ctx["places"][lvl] = ranked[0]
        if not any(p.endswith("自治区") for p in ctx["ranked"].get("province", [])):
            # an autonomous region not named: the one of the known places of the document, or
            # Inner Mongolia for its forms of places (盟, 旗, 苏木, 嘎查)
            provinces = Counter()
            for p, n in known_places.items():
                prov = self.province_of(p)
                if prov and prov != p:
                    provinces[prov] += n
            found = None
            if provinces:
                best = sorted(provinces.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                found = strip_name(normalize(self.known[best].label_zh).norm)
                ctx["province_from"] = "places of the document located in it"
            elif im_forms or any(m.name.startswith(("盟", "旗")) and level_of(m.name) for m in mentions):
                found = _INNER_MONGOLIA_LABEL
                ctx["province_from"] = "forms of places found only in Inner Mongolia (盟, 旗, 苏木, 嘎查)"
            if found:
                ctx["ranked"].setdefault("province", [])
                if found not in ctx["ranked"]["province"]:
                    ctx["ranked"]["province"].append(found)
                ctx["places"].setdefault("province", found)
        # the document's own CPPCC committee: the one most named (alone or before its units)
        committees: Counter = Counter()
        for m in mentions:
            name = committee_of(self.resolve_relative(m.name, ctx))
            if name:
                committees[name] += 1 + (0 if m.nested else 1)
        if committees:
            ctx["committee"] = sorted(committees.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return ctx

    def _known_level(self, e: KnownEntity) -> str | None:
        for cls, level in LEXICON.place_levels.items():
            if self.schema.is_a(e.cls, cls):
                return level
        return place_level(strip_name(e.label_zh))

    def resolve_relative(self, name: str, ctx: dict) -> str:
        """自治区政协 -> 内蒙古自治区政协 when the document's autonomous region is 内蒙古自治区; 政协党组 ->
        锡林郭勒盟政协党组 when the document's own committee is 锡林郭勒盟政协 (else the name)."""
        lvl = level_of(name)
        if lvl is None:
            committee = ctx.get("committee")
            if committee and name in _UNIT_WORDS:
                rest = name[2:] if name.startswith("政协") else name
                return committee + rest
            return name
        word = next(w for w, l in _LEVEL_PREFIX if name.startswith(w) and l == lvl)
        for place in ctx.get("ranked", {}).get(lvl, []):
            if place.endswith(word):
                return place + name[len(word):]
        return name

    def place_for(self, name: str, ctx: dict) -> str | None:
        """The document's place that the level word of a relative name refers to."""
        lvl = level_of(name)
        if lvl is None:
            return None
        word = next(w for w, l in _LEVEL_PREFIX if name.startswith(w) and l == lvl)
        return next((p for p in ctx.get("ranked", {}).get(lvl, []) if p.endswith(word)), None)

    def _link_one(self, m: Mention, ctx: dict, titled: bool = False) -> None:
        name = m.name
        resolved = self.resolve_relative(name, ctx)
        lookups = [resolved] if resolved != name else [name]
        if resolved != name:
            lookups.append(name)
        full = _FULL_CPPCC.fullmatch(name)
        if full:
            lookups.append(full.group(1) + "政协")  # 政协内蒙古自治区委员会 is 内蒙古自治区政协
        for key in lookups:
            iris = self.names.get(key, [])
            relative = key == name and level_of(name) is not None
            ok = [iri for iri in iris if self._fits(iri, key, ctx, relative, titled)]
            if len(ok) == 1:
                m.entity, m.status = ok[0], "linked"
                m.note = f"{name} read as {resolved}" if resolved != name else ""
                return
            if len(ok) > 1:
                m.candidates = ok
                m.note = "several entities have this name: " + ", ".join(ok)
                return
            if iris and not ok:
                m.candidates = iris
                m.note = (f"an entity of the graph has this name but belongs to another place "
                          f"({', '.join(iris)}); proposed as a new entity")
        if resolved != name and not m.note:
            m.note = f"{name} read as {resolved} (the document's {level_of(name)})"

    def _fits(self, iri: str, key: str, ctx: dict, relative: bool, titled: bool = False) -> bool:
        """Does the known entity *iri*, found by the name *key* (*titled*: written in 《》), fit the document's
        context?"""
        e = self.known[iri]
        if context_word(key):
            anchor = self.anchor(iri)  # 全区: only in a text that names the entity's place otherwise
            return anchor is not None and self.names_place(anchor, ctx)
        if self.schema.is_a(e.cls, "Publication") and not titled and not key.endswith(_PUBLICATION_HEADS):
            return False  # 工作交流 without 《》 is a phrase, not the periodical
        if self.schema.is_a(e.cls, "Place"):
            return True
        anchor = self.anchor(iri)
        if relative:
            # a level word alone: the entity must be of the document's place at that level
            want = self.place_for(key, ctx)
            if not want:
                return False
            return anchor is not None and self._place_matches(anchor, want)
        if self.place_in(key) or key.startswith(("全国", "中共中央", "中国", "中央", "国家", "最高")):
            return True  # the name says its place
        is_body = self.schema.is_any(e.cls, "body")
        if not is_body or anchor is None:
            return True
        # a unit named without its place (政协党组, 专委会): it must be a unit of the document's committee
        committee = ctx.get("committee")
        if not committee:
            return False
        cplace = self.place_in(committee)
        if cplace:
            return cplace == anchor
        return False

    def names_place(self, place_iri: str, ctx: dict) -> bool:
        """Does the document name the known place *place_iri* (or a known place in it, or its forms of places)?"""
        known = ctx.get("known_places", {})
        if place_iri in known or any(self.province_of(p) == place_iri for p in known):
            return True
        names = {strip_name(normalize(n).norm) for n in self.known[place_iri].names}
        return any(p in names for ranked in ctx.get("ranked", {}).values() for p in ranked)

    def _place_matches(self, place_iri: str, place_name: str) -> bool:
        pe = self.known.get(place_iri)
        if pe is None:
            return False
        return any(strip_name(normalize(n).norm) == place_name for n in pe.names)

    def _graph_word_only(self, m: Mention) -> bool:
        """A context word (全区) or the ordinary words of a publication's name (工作交流) that the graph names but
        that did not link: a phrase of the text, not a new entity."""
        if context_word(m.name):
            return True
        return bool(m.candidates) and not m.name.endswith(_PUBLICATION_HEADS) and all(
            self.schema.is_a(self.known[iri].cls, "Publication") for iri in m.candidates if iri in self.known)

    # ------------------------------------------------------------ new entities
    def _propose(self, mentions: list[Mention], ctx: dict) -> list[NewEntity]:
        groups: dict[str, list[Mention]] = defaultdict(list)
        all_names = {m.name for m in mentions} | {self.resolve_relative(m.name, ctx) for m in mentions}
        for m in mentions:
            if m.status == "linked":
                continue
            if m.rule == "dictionary" and (m.name in _BARE_WORDS or self._graph_word_only(m)):
                m.status = "dropped"  # a name only through the graph, which it does not fit here (全区, 工作交流)
                continue
            key = self.resolve_relative(m.name, ctx)
            key = _canonical(key, all_names)
            groups[key].append(m)
        out: list[NewEntity] = []
        used: set[str] = set()
        for key in sorted(groups, key=lambda k: (min(m.start for m in groups[k]), k)):
            ms = groups[key]
            # the class most specific among the mentions (most frequent first)
            counts = Counter(m.cls for m in ms)
            cls = sorted(counts, key=lambda c: (-counts[c], -self.schema.depth(c), c))[0]
            # the label as written: the mention whose name is the key, else the longest
            as_written = [m for m in ms if m.name == key] or sorted(ms, key=lambda m: (-len(m.name), m.start))
            label = strip_name(as_written[0].exact).strip()
            kind = self.schema.kind(cls)
            slug = slugify(key)
            iri = f"{PROPOSED}{kind}/{slug}"
            if iri in used or iri in self.known:
                iri = f"{iri}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
            used.add(iri)
            note = ""
            if key != label and key != strip_name(normalize(label).norm):
                note = f"read as {key}"
            ne = NewEntity(iri=iri, cls=cls, label_zh=label, label_en=english_placeholder(label), kind=kind,
                           mentions=ms, note=note)
            for m in ms:
                m.entity, m.status = iri, "new"
            out.append(ne)
        return out


def committee_of(name: str) -> str | None:
    """The CPPCC committee a name is of: 盟政协党组 -> 盟政协, 政协岳阳市第九届委员会常务委员会 -> 岳阳市政协.

    >>> committee_of("政协岳阳市第九届委员会第四次会议"), committee_of("盟政协党组"), committee_of("党组")
    ('岳阳市政协', '盟政协', None)
    """
    m = re.match(r"^政协([\u4e00-\u9fff]{2,12}?)(第[0-9一二三四五六七八九十]+届)?委员会", name)
    if m:
        return m.group(1) + "政协"
    k = name.find("政协")
    if k > 0:
        return name[: k + 2]
    return None


def _en_core(label_en: str) -> str:
    """'Inner Mongolia Autonomous Region' -> 'Inner Mongolia' (the name without its administrative word)."""
    return re.sub(r"\s+(Autonomous Region|Municipality|Province|League|City|County|Banner|District)$", "", label_en)


def _canonical(name: str, names: set[str]) -> str:
    """One key for the names of one new entity in a document: 岳阳政协 -> 岳阳市政协 when both occur."""
    if "中共" + name in names:
        return "中共" + name
    full = _FULL_CPPCC.fullmatch(name)
    if full and full.group(1) + "政协" in names:
        return full.group(1) + "政协"  # 政协岳阳市第九届委员会 is 岳阳市政协 (a term is an alias of the committee)
    m = re.match(r"^([\u4e00-\u9fff]{2,6})(政协|党委|政府)$", name)
    if m and not place_level(m.group(1)):
        for level in ("市", "盟", "县", "旗", "区", "州", "省"):
            if m.group(1) + level + m.group(2) in names:
                return m.group(1) + level + m.group(2)
    return name


def slugify(name: str, max_len: int = 60) -> str:
    """A lower-case ASCII slug of a Chinese name, from its pinyin.

    >>> slugify("呼和浩特市政协")
    'hu-he-hao-te-shi-zheng-xie'
    >>> slugify("《京蒙协作》")
    'jing-meng-xie-zuo'
    """
    words = []
    for part in lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: [c for c in s]):
        part = re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")
        if part:
            words.append(part)
    slug = "-".join(words)
    slug = re.sub(r"-{2,}", "-", slug).strip("-") or "x"
    if len(slug) > max_len:
        slug = slug[:max_len].rstrip("-") + "-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return slug


def english_placeholder(label: str) -> str:
    """A provisional English label: the pinyin of the Chinese one, marked for review.

    >>> english_placeholder("呼和浩特市政协")
    'Hu He Hao Te Shi Zheng Xie [proposed: English name to review]'
    """
    syll = [p for p in lazy_pinyin(label, style=Style.NORMAL, errors=lambda s: [s]) if p.strip()]
    text = " ".join(s[:1].upper() + s[1:] if s and s[0].isalpha() else s for s in syll)
    text = re.sub(r"\s+", " ", text).strip()
    return f"{text} [proposed: English name to review]"
