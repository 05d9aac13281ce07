"""Generated pinyin: ``cppcc:pinyin`` (tone marks, one word per space) for every Chinese label.

Words are cut by jieba and written in pinyin by pypinyin, after the rules of GB/T 16159-2012
(the basic rules of the Chinese phonetic alphabet orthography) that a program can follow:

- one word per space, the syllables of a word written together, with an apostrophe before a
  syllable that starts with a, o or e (xīng'ān);
- words as a dictionary has them (GB/T 16159 6.1.2: a name of four syllables or more for one
  concept is written by its words): a compound of four characters or more that jieba keeps whole
  is cut again into the fewest, most frequent dictionary words of two characters or more
  (内蒙古 自治区, 人民 政协, 工作 文件, 常务 会议, 实施 方案); a word of two or three syllables stays
  whole (党中央 Dǎngzhōngyāng, 6.1.1), and so does one that cannot be cut into dictionary words
  (实事求是, whose 求是 jieba's dictionary gives no frequency). Four-character set phrases
  (jieba's tags i and l: 一心一意) are not cut; a cut that leaves
  one character beside a word that ends or starts with a word it could take (多元化 解) is moved
  to give two words (多元 化解), and a place name is written apart from its generic part
  (北京 市, 兴安 盟: 专名和通名分写) when jieba's dictionary tags the whole a place and its last
  character alone a noun;
- proper names capitalised: the first letter of each word of a proper name is upper case. What
  is a proper name comes from two places. The entity's class: the ontology marks classes with
  ``cppcc:pinyinStyle`` (``"person"`` on persons: surname and given name apart, Xí Jìnpíng;
  ``"name"`` on organizations, their units and places: every word, Nèiménggǔ Zìzhìqū Zhèngxié).
  In other labels (documents, events, programmes…) the words that jieba's dictionary tags as a
  place (ns), an organization (nt) or a person's full name (nrfg) are capitalised, with all the
  dictionary words cut out of them: 习近平新时代… is Xí Jìnpíng xīn shídài…. jieba's other
  person tags (nr…) are left out: its dictionary gives them to many common words.

Limits: what jieba's dictionary does not know stays as jieba cuts it (a county's 县 is not tagged
a noun, so 某某县 stays one word), and a name that the dictionary does not know is capitalised
only through its entity's class. The cut of a four-character word goes by the dictionary alone:
a common word whose halves happen to be words (a transliteration that jieba does not tag as a
name) is cut too, and the four-character idioms that GB/T 16159 6.1.9 writes as two halves with a
hyphen (yīxīn-yīyì) stay whole and without one.

The pinyin of the labels already seen is kept in the loader's cache
(:mod:`cppcc_kg.project.cache`); the rest is computed by worker processes when there are many,
or by one helper worker (:func:`pinyin_pool`) that loads the dictionaries while the caller
parses the files.

>>> to_pinyin("兴安盟")
"Xīng'ān Méng"
>>> to_pinyin("李睿琦", "person")
'Lǐ Ruìqí'
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import re
from importlib.metadata import PackageNotFoundError, version

from rdflib import Graph, Literal, URIRef

from cppcc_kg.project.cache import CACHE_VERSION, Cache, get_json
from cppcc_kg.project.entities import entity_zh_labels, entity_zh_labels_of
from cppcc_kg.project.hidden_imports import import_hiding
from cppcc_kg.project.jieba_words import (
    Tags,
    Words,
    sorted_words,
    words_file,
    write_words,
)
from cppcc_kg.project.pinyin_cache import (
    PinyinTriples,
    facts_digest,
    keep_entry,
    keep_facts_entry,
    pinyin_digest,
    pinyin_ntriples,
    read_entry,
    read_facts_entry,
)
from cppcc_kg.project.workers import (
    HELPER_STEP,
    PARALLEL_MIN_LABELS,
    PINYIN_STEP,
    fork_pool,
    take_helper,
    worker_count,
)
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import Triple
from cppcc_kg.rdf.store import store_of_graph, values

PINYIN_RULES = "3"
"""The version of the rules of :func:`to_pinyin`, part of the cache's name: a change of the rules
must change it, so that no pinyin made by older rules is taken from the cache."""

PERSON, NAME = "person", "name"
_PROPER_TAGS = ("ns", "nt", "nrfg")
_SET_PHRASE_TAGS = ("i", "l")
_STYLE_KEY = "\t"

ENTITY_PINYIN_STYLES = f"""
SELECT DISTINCT ?e ?style WHERE {{
  ?c <{CPPCC.pinyinStyle}> ?style . ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c .
  ?e a ?k . FILTER (isIRI(?e))
}}"""

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_VOWEL_START = re.compile(r"^[aeoāáǎàēéěèōóǒò]")


@functools.lru_cache(maxsize=1)
def _dictionary():
    """jieba's tokenizer and the tags of its dictionary's words (word -> tag of its line, for the lines that
    have one, the last line of a word winning).

    Both are read from the sorted words of :mod:`cppcc_kg.project.jieba_words` when the file of this
    dictionary exists (a split of its text, then lookups), else computed as jieba loads its dictionary
    (1 s) and as its lines are read (0.6 s); :func:`save_words` then writes that file for the next time."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with tok.get_dict_file() as f:
        raw = f.read()
    path = words_file(raw)
    lines = sorted_words(path)
    if lines is not None:
        tok.FREQ, tok.total, tok.initialized = Words(lines), Words.total_of(lines), True
        return tok, Tags(lines)
    tok.initialize()
    tags: dict[str, str] = {}
    for line in raw.decode("utf-8").split("\n"):  # as the file reads, line by line
        parts = line.split()
        if len(parts) == 3:
            tags[parts[0]] = parts[2]
    _UNSAVED[:] = [(path, tok.FREQ, tok.total, tags)]
    return tok, tags


#: the dictionary this process loaded from jieba, not yet written as sorted words (:func:`save_words`)
_UNSAVED: list[tuple] = []


def save_words(detach: bool = False) -> None:
    """Write the sorted words of jieba's dictionary if this process loaded it from jieba (the first time on
    a machine: 0.3–0.7 s of sorting and formatting, done after the labels rather than before them).

    With *detach* (the helper worker, whose next jobs the build waits for), a process forked from this
    one writes them and exits, and this one goes on at once."""
    if not _UNSAVED:
        return
    if detach and hasattr(os, "fork"):
        if os.fork():
            _UNSAVED.clear()  # the child writes them
            return
        try:
            _write_unsaved()
        finally:
            os._exit(0)
    _write_unsaved()


def _write_unsaved() -> None:
    while _UNSAVED:
        path, freq, total, tags = _UNSAVED.pop()
        with contextlib.suppress(OSError, ValueError):  # no file: the next build loads the dictionary again
            write_words(path, freq, total, tags)


def _import_jieba():
    """``import jieba`` without ``pkg_resources`` (0.15 s to import, where jieba only opens its own files
    with it: without it, jieba opens them by their path)."""
    return import_hiding("jieba", "pkg_resources")


def _tokenizer():
    return _dictionary()[0]


def _tags():
    """Word -> part-of-speech tag of jieba's dictionary (``word frequency tag`` lines), read from the
    dictionary file rather than through ``jieba.posseg``, whose HMM tables take seconds to load."""
    return _dictionary()[1]


def _words(text: str, names: bool = False) -> list[tuple[str, str]]:
    """The words of *text* with the dictionary tag of the jieba word they come from.

    Words of four characters or more are cut again into dictionary words (人民政协 -> 人民 政协,
    工作文件 -> 工作 文件), except set phrases of four outside a proper name; a place name is cut
    from its generic part (北京市 -> 北京 市, GB/T 16159 6.3.3: 专名和通名分写) when the dictionary
    tags the whole a place (ns) and its last character alone a noun.

    >>> [w for w, _ in _words("关于全面推进民商事纠纷多元化解机制")][-3:]
    ['多元', '化解', '机制']
    >>> [w for w, _ in _words("北京市政协", names=True)]
    ['北京', '市', '政协']
    >>> [w for w, _ in _words("政府常务会议")]
    ['政府', '常务', '会议']
    """
    freq, tags = _tokenizer().FREQ, _tags()
    cut = list(_tokenizer().cut(text, HMM=True))
    i = 0
    while i < len(cut) - 1:  # 多元化 解 -> 多元 化解 (and 解 多元化 -> 解多 元化 in mirror)
        a, b = cut[i], cut[i + 1]
        if len(a) >= 3 and len(b) == 1 and _HAN.match(b) and freq.get(a[:-1]) and freq.get(a[-1] + b):
            cut[i:i + 2] = [a[:-1], a[-1] + b]
        elif len(a) == 1 and len(b) >= 3 and _HAN.match(a) and freq.get(a + b[0]) and freq.get(b[1:]):
            cut[i:i + 2] = [a + b[0], b[1:]]
        i += 1
    out = []
    for w in cut:
        shortest = 5 if tags.get(w) in _SET_PHRASE_TAGS and not names else 4
        for piece in _pieces(w, shortest):
            tag = tags.get(piece) if tags.get(piece) in _PROPER_TAGS else (tags.get(w) or "")
            if tags.get(piece) == "ns" and len(piece) >= 3 and tags.get(piece[-1]) == "n" and freq.get(piece[:-1]):
                out += [(piece[:-1], tag), (piece[-1], tag)]
            else:
                out.append((piece, tag))
    return out


def _pieces(word: str, shortest: int) -> list[str]:
    """*word* cut by :func:`_split_compound`, and its pieces again while they are long enough."""
    out = []
    for piece in _split_compound(word, shortest):
        out += _pieces(piece, shortest) if piece != word and len(piece) >= shortest else [piece]
    return out


def _split_compound(word: str, shortest: int = 5) -> list[str]:
    """Split a jieba word of *shortest* characters or more into the fewest, most frequent
    dictionary words of 2+ characters."""
    n = len(word)
    if n < shortest:
        return [word]
    freq = _tokenizer().FREQ
    best: list = [None] * (n + 1)
    best[0] = (0, 0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 2, n + 1):
            piece = word[i:j]
            f = freq.get(piece) if j - i < n else None
            if not f:
                continue
            cand = (best[i][0] + 1, best[i][1] - math.log(f), best[i][2] + [piece])
            if best[j] is None or cand[:2] < best[j][:2]:
                best[j] = cand
    return best[n][2] if best[n] else [word]


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


@functools.lru_cache(maxsize=1 << 16)
def _syllables(word: str) -> tuple[str, ...]:
    """The syllables of one word (pypinyin, tone marks). Kept per word: the words of the labels
    repeat (80 000 words, 11 500 distinct, in the 23 000 labels of a synthetic scale 1000), and
    pypinyin is half the time of :func:`to_pinyin`."""
    from pypinyin import (  # heavy (0.3 s): imported where the pinyin is made
        Style,
        lazy_pinyin,
    )

    return tuple(s for s in lazy_pinyin(word, style=Style.TONE, errors="ignore") if s.strip())


def _joined(syllables: tuple[str, ...]) -> str:
    out = syllables[0] if syllables else ""
    for s in syllables[1:]:
        out += ("'" if _VOWEL_START.match(s) else "") + s
    return out


def _person(word: str) -> str:
    """A Chinese personal name: surname and given name apart, both capitalised (GB/T 16159, 6.3.4);
    the surname is the first character, or the first two of a four-character name."""
    syllables = _syllables(word)
    cut = 2 if len(syllables) == 4 else 1
    if len(syllables) < 2 or len(syllables) != len(word):
        return _capital(_joined(syllables))
    return f"{_capital(_joined(syllables[:cut]))} {_capital(_joined(syllables[cut:]))}"


def to_pinyin(text: str, style: str | None = None) -> str:
    """Hanyu pinyin of *text* with tone marks, one word per space (see the module's rules).

    *style* is the entity's ``cppcc:pinyinStyle``: ``"person"`` (a personal name), ``"name"``
    (every word of the proper name capitalised) or ``None`` (only the proper names inside).
    Punctuation is dropped; Latin letters and digits are kept as they are.

    >>> to_pinyin("内蒙古自治区政协")
    'Nèiménggǔ Zìzhìqū zhèngxié'
    >>> to_pinyin("内蒙古自治区政协", "name")
    'Nèiménggǔ Zìzhìqū Zhèngxié'
    >>> to_pinyin("习近平总书记考察内蒙古")
    'Xí Jìnpíng zǒngshūjì kǎochá Nèiménggǔ'
    >>> to_pinyin("《2023年度工作规划》")
    '2023 niándù gōngzuò guīhuà'
    """
    if style == PERSON and 2 <= len(text) <= 4 and all(_HAN.match(ch) for ch in text):
        return _person(text)
    words = []
    for word, tag in _words(text, names=style is not None):
        if _HAN.search(word):
            if tag == "nrfg" and 2 <= len(word) <= 4 and all(_HAN.match(ch) for ch in word):
                words.append(_person(word))
                continue
            out = _joined(_syllables(word))
            if out:
                words.append(_capital(out) if style is not None or tag in _PROPER_TAGS else out)
        else:
            words += re.findall(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*", word)
    return " ".join(words)


def entity_pinyin_styles(store, *, union: bool = True) -> dict[str, str]:
    """Entity IRI -> the ``cppcc:pinyinStyle`` of its class (or of a superclass) in *store*, whose
    data holds the ontology (*union*: the data is the union of the named graphs); entities of no
    marked class are left out."""
    out: dict[str, str] = {}
    for e, style in sorted(values(store, ENTITY_PINYIN_STYLES, union=union)):
        out.setdefault(e, style)
    return out


ENTITY_CLASS_STYLES = f"""
SELECT DISTINCT ?k ?style WHERE {{
  ?c <{CPPCC.pinyinStyle}> ?style . ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c
}}"""


def entity_pinyin_styles_of(facts) -> dict[str, str]:
    """What :func:`entity_pinyin_styles` gives on the whole store, from the files' facts
    (:class:`cppcc_kg.project.file_facts.FileFacts`) while the store is being loaded: the classes under a marked
    class followed on the small store of the class tree and the styles (:data:`ENTITY_CLASS_STYLES`), their
    instances joined here (each entity's smallest style, as the query's sorted solutions give)."""
    styles: dict[str, str] = {}
    for k, style in values(facts.small_store(), ENTITY_CLASS_STYLES):
        styles[k] = min(styles.get(k, style), style)
    out: dict[str, str] = {}
    for k, style in styles.items():
        for e in facts.subjects_of([k]):
            out[e] = min(out.get(e, style), style)
    return dict(sorted(out.items()))


def _key(label: str, style: str | None) -> str:
    return label if not style else f"{style}{_STYLE_KEY}{label}"


def _pinyin_of_key(key: str) -> str:
    style, _, label = key.rpartition(_STYLE_KEY)
    return to_pinyin(label, style or None)


def pinyin_triples(graph: Graph) -> list[Triple]:
    """``(entity, cppcc:pinyin, "…")`` for the Chinese label of every entity of *graph*."""
    out = []
    store = store_of_graph(graph)
    styles = entity_pinyin_styles(store, union=False)
    for e, labels in entity_zh_labels(store, union=False).items():
        for label in labels:
            p = to_pinyin(label, styles.get(e))
            if p:
                out.append((URIRef(e), CPPCC.pinyin, Literal(p)))
    return out


def warm_pinyin() -> None:
    """In a worker: load jieba's dictionary and pypinyin's tables (about 1.5 s) ahead of use."""
    to_pinyin("政协")
    _tags()


def pinyin_pool(warm: bool = True):
    """A worker process that loads the pinyin dictionaries at once (*warm*; otherwise when first needed),
    while the caller parses and loads the files (``None`` when worker processes are not available); the one
    ``cppcc-kg build`` started before its imports, if any (``workers.start_helper``: it loads them)."""
    early = take_helper()
    if early is not None:
        return early
    if not worker_count():
        return None
    return fork_pool(1, warm_pinyin if warm else None, step=HELPER_STEP)


def _pinyin_versions() -> str:
    parts = [CACHE_VERSION, PINYIN_RULES]
    for pkg in ("jieba", "pypinyin"):
        try:
            parts.append(version(pkg))
        except PackageNotFoundError:  # pragma: no cover
            parts.append("?")
    return "-".join(parts)


def _cached_pinyin(cache: Cache | None, name: str) -> dict[str, str]:
    return get_json(cache, name) or {}


def start_project_pinyin(labels: dict[str, list[str]], cache: Cache | None = None,
                         stats: dict | None = None, pool=None, *, background: bool = False,
                         styles: dict[str, str] | None = None, before_fork=None):
    """Start computing the pinyin triples for *labels* (entity -> zh labels, as
    :func:`cppcc_kg.project.entities.entity_zh_labels` gives; *styles*, entity -> pinyin style,
    as :func:`entity_pinyin_styles` gives), using the pinyin cache;
    return a function that waits for them, updates the cache and returns them
    (:class:`~cppcc_kg.project.pinyin_cache.PinyinTriples`: the triples, made when read, and their N-Triples).

    When the cache holds the pinyin of these very keys (entity -> its labels and style,
    :mod:`cppcc_kg.project.pinyin_cache`: an edit that changes no Chinese label, type or style), it is taken
    whole from there: no label, no triple, no N-Triples made, nothing asked of the *pool*.
    Otherwise, with *background* and a *pool* (one worker whose dictionaries are loaded), the
    labels that the cache lacks are computed there while the caller goes on. *before_fork* is called before
    worker processes are forked here (the loader waits for a store whose thread is loading it: no fork beside it).
    """
    stats = stats if stats is not None else {}
    versions = _pinyin_versions()
    name = f"pinyin-{versions}.json"
    styles = styles or {}
    keys = _label_keys(labels, styles)
    digest = pinyin_digest(keys, versions) if cache is not None and cache.enabled else None  # (no cache: no entry)
    kept = read_entry(cache, digest) if digest is not None else None
    if kept is not None:
        return _kept_pinyin(lambda: keys, kept, sum(map(len, keys.values())), cache, name, stats, digest)
    known = _cached_pinyin(cache, name)
    missing = sorted({k for lst in keys.values() for k in lst if k not in known})
    todo = set(missing)
    job = None
    n = worker_count()
    if missing and background and pool is not None:
        job = pool.map_async(_pinyin_of_key, missing, chunksize=256, step=HELPER_STEP)  # (the helper's: after others)
        pool.apply_async(save_words, (True,))  # after the labels (one worker: in order), written beside the next jobs
    elif n and len(missing) >= PARALLEL_MIN_LABELS:
        _tokenizer()  # loaded once, before the workers start, so that they share it
        if before_fork is not None:
            before_fork()
        with fork_pool(n, step=PINYIN_STEP) as many:
            known.update(zip(missing, many.map(_pinyin_of_key, missing, chunksize=256)))
        save_words()
    elif missing and pool is not None:  # the warm worker: its dictionaries are loaded already
        known.update(zip(missing, pool.map(_pinyin_of_key, missing, chunksize=64, step=PINYIN_STEP)))
        pool.apply(save_words)  # the caller may stop the worker at once

    def finish() -> PinyinTriples:
        if job is not None:
            known.update(zip(missing, job.get()))
        pairs = _pinyin_of(keys, known, todo, stats)
        save_words()  # if this process computed labels itself (no worker)
        nt = pinyin_ntriples(pairs)
        if cache is not None:
            if stats["pinyin_computed"]:
                used = {k for lst in keys.values() for k in lst}
                cache.put(name, json.dumps({k: v for k, v in sorted(known.items()) if k in used},
                                           ensure_ascii=False, indent=0).encode("utf-8"))
            else:
                cache.used.add(name)
            if digest is not None:
                keep_entry(cache, digest, nt, len(pairs))
        return PinyinTriples(len(pairs), nt, lambda: _triples(pairs))
    finish.computing = job is not None  # the helper worker computes labels while the caller goes on
    finish.digest, finish.labels = digest, sum(map(len, keys.values()))
    return finish


def start_pinyin_of_facts(facts, cache: Cache | None = None, stats: dict | None = None, pool=None, *,
                          background: bool = False, before_fork=None):
    """:func:`start_project_pinyin` of the labels and styles that the files' *facts* give
    (:class:`~cppcc_kg.project.file_facts.FileFacts`: :func:`~cppcc_kg.project.entities.entity_zh_labels_of`,
    :func:`entity_pinyin_styles_of`), skipping even those when the facts they are made from are a build's before.

    Why the kept pinyin is the one that would be made: ``entity_zh_labels_of`` reads of the facts the class tree
    (:meth:`~cppcc_kg.project.file_facts.FileFacts.subclasses`, SPARQL over the small store of every file's
    ``rare`` lines), the instances of classes (``subjects_of``: every file's ``types``) and the Chinese labels
    (``zh_labels``: every file's ``zh``); ``entity_pinyin_styles_of`` the classes' styles (the same small store)
    and the instances (``types``). Nothing else: not a file's ``named`` facts, not its path, not its other
    triples. So the labels, the styles and the keys made from them are functions of the ``zh``, ``types`` and
    ``rare`` facts of every file. An entry named by the sha256 of those three of every file, in load order
    (:func:`~cppcc_kg.project.pinyin_cache.facts_digest`, with the versions of the pinyin), records the digest of
    the keys that they gave (:func:`~cppcc_kg.project.pinyin_cache.pinyin_digest`): the same facts now (up to a
    collision of sha256) give those keys again, and the entry of those keys holds their pinyin (the proof of
    :mod:`cppcc_kg.project.pinyin_cache`). Then the labels and styles are not joined (only if a caller reads the
    triples themselves). A missing or broken entry of either is a miss: the labels and styles are joined and the
    pinyin taken or made as :func:`start_project_pinyin` does, and the entry of the facts written again."""
    stats = stats if stats is not None else {}
    versions = _pinyin_versions()
    if cache is None or not cache.enabled:  # no entry to read or keep
        return start_project_pinyin(entity_zh_labels_of(facts), cache, stats, pool, background=background,
                                    styles=entity_pinyin_styles_of(facts), before_fork=before_fork)
    digest = facts_digest(facts.facts.values(), versions)
    name = f"pinyin-{versions}.json"
    seen = read_facts_entry(cache, digest)
    kept = read_entry(cache, seen[0]) if seen is not None else None
    if kept is not None:
        return _kept_pinyin(lambda: _keys_of_facts(facts), kept, seen[1], cache, name, stats, seen[0])
    labels, styles = entity_zh_labels_of(facts), entity_pinyin_styles_of(facts)
    finish = start_project_pinyin(labels, cache, stats, pool, background=background, styles=styles,
                                  before_fork=before_fork)
    if finish.digest is not None:
        keep_facts_entry(cache, digest, finish.digest, finish.labels)
    return finish


def _label_keys(labels: dict[str, list[str]], styles: dict) -> dict[str, list[str]]:
    """Entity -> the keys of its Chinese *labels* with its pinyin style (*styles*): what the pinyin is made of."""
    return {e: [_key(label, styles.get(e)) for label in lst] for e, lst in labels.items()}


def _keys_of_facts(facts) -> dict[str, list[str]]:
    return _label_keys(entity_zh_labels_of(facts), entity_pinyin_styles_of(facts))


def _kept_pinyin(keys, kept: tuple[bytes, int], labels: int, cache: Cache, name: str, stats: dict, digest: str):
    """The function :func:`start_project_pinyin` returns when the pinyin of the keys that *keys()* gives is
    *kept* (N-Triples, count) in *cache*, for *labels* labels: it returns them at once. The cache of the labels
    (*name*) is kept for a later edit; it is read only if a caller reads the triples themselves (then a label it
    lacks is computed here)."""
    nt, count = kept
    cache.used.add(name)
    stats["pinyin_computed"], stats["pinyin_cached"] = 0, labels

    def triples() -> list[Triple]:
        return _triples(_pinyin_of(keys(), _cached_pinyin(cache, name), set(), {}))

    def finish() -> PinyinTriples:
        return PinyinTriples(count, nt, triples)
    finish.computing = False
    finish.digest, finish.labels = digest, labels
    return finish


def _triples(pairs: list[tuple[str, str]]) -> list[Triple]:
    """``(entity, cppcc:pinyin, "pinyin")`` rdflib triples of (entity, pinyin) strings, in their order."""
    pinyin = CPPCC.pinyin  # (one URIRef for every triple: the namespace makes a new one at each lookup)
    return [(URIRef(e), pinyin, Literal(p)) for e, p in pairs]


def _pinyin_of(keys: dict[str, list[str]], known: dict[str, str], todo: set[str], stats: dict) -> list[tuple[str, str]]:
    """The (entity, pinyin) of *keys* (entity -> its labels' keys) whose pinyin is not empty, in order, from
    *known* (completed here); counts into *stats*."""
    computed = cached = 0
    out = []
    for e, lst in keys.items():
        for key in lst:
            p = known.get(key)
            if p is None:
                p = known[key] = _pinyin_of_key(key)
            if key in todo:
                computed += 1
            else:
                cached += 1
            if p:
                out.append((e, p))
    stats["pinyin_computed"], stats["pinyin_cached"] = computed, cached
    return out
