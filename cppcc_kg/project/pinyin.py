"""Generated pinyin: ``cppcc:pinyin`` (tone marks, one word per space) for every Chinese label.

Words are cut by jieba and written in pinyin by pypinyin. The pinyin of the labels
already seen is kept in the loader's cache (:mod:`cppcc_kg.project.cache`); the rest is
computed by worker processes when there are many, or by one helper worker
(:func:`pinyin_pool`) that loads the dictionaries while the caller parses the files.

>>> to_pinyin("兴安盟")
"xīng'ānméng"
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
from importlib.metadata import PackageNotFoundError, version

from rdflib import Graph, Literal, URIRef

from cppcc_kg.project.cache import CACHE_VERSION, Cache
from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.project.workers import PARALLEL_MIN_LABELS, fork_pool, worker_count
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import Triple
from cppcc_kg.rdf.store import store_of_graph

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_VOWEL_START = re.compile(r"^[aeoāáǎàēéěèōóǒò]")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import jieba  # heavy (0.2 s; its dictionary 1 s): loaded in the helper worker, not by every command

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _split_compound(word: str) -> list[str]:
    """Split a long jieba word into the fewest, most frequent dictionary words of 2+ characters."""
    n = len(word)
    if n <= 4:
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


def to_pinyin(text: str) -> str:
    """Hanyu pinyin of *text* with tone marks, one word per space.

    Words are cut by jieba (long compounds split again into dictionary words:
    内蒙古 自治区, not 内蒙古自治区); the syllables of a word are written together, with an
    apostrophe before a syllable that starts with a, o or e. Punctuation is
    dropped; Latin letters and digits are kept as they are.

    >>> to_pinyin("内蒙古自治区政协")
    'nèiménggǔ zìzhìqū zhèngxié'
    >>> to_pinyin("《2023年度工作规划》")
    '2023 niándù gōngzuò guīhuà'
    """
    from pypinyin import (  # heavy (0.3 s): imported where the pinyin is made
        Style,
        lazy_pinyin,
    )

    words = []
    for word in (p for w in _tokenizer().cut(text, HMM=True) for p in _split_compound(w)):
        if _HAN.search(word):
            syllables = [s for s in lazy_pinyin(word, style=Style.TONE, errors="ignore") if s.strip()]
            out = syllables[0] if syllables else ""
            for s in syllables[1:]:
                out += ("'" if _VOWEL_START.match(s) else "") + s
            if out:
                words.append(out)
        else:
            words += re.findall(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*", word)
    return " ".join(words)


def pinyin_triples(graph: Graph) -> list[Triple]:
    """``(entity, cppcc:pinyin, "…")`` for the Chinese label of every entity of *graph*."""
    out = []
    for e, labels in entity_zh_labels(store_of_graph(graph), union=False).items():
        for label in labels:
            p = to_pinyin(label)
            if p:
                out.append((URIRef(e), CPPCC.pinyin, Literal(p)))
    return out


def _warm_pinyin() -> None:
    """In a worker: load jieba's dictionary and pypinyin's tables (about 1.5 s) ahead of use."""
    to_pinyin("政协")


def pinyin_pool():
    """A worker process that loads the pinyin dictionaries at once, while the caller parses
    and loads the files (``None`` when worker processes are not available)."""
    return fork_pool(1, _warm_pinyin) if worker_count() else None


def _pinyin_versions() -> str:
    parts = [CACHE_VERSION]
    for pkg in ("jieba", "pypinyin"):
        try:
            parts.append(version(pkg))
        except PackageNotFoundError:  # pragma: no cover
            parts.append("?")
    return "-".join(parts)


def _cached_pinyin(cache: Cache | None, name: str) -> dict[str, str]:
    raw = cache.get(name) if cache is not None else None
    if raw:
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return {}


def start_project_pinyin(labels: dict[str, list[str]], cache: Cache | None = None,
                         stats: dict | None = None, pool=None, *, background: bool = False):
    """Start computing the pinyin triples for *labels* (entity -> zh labels, as
    :func:`cppcc_kg.project.entities.entity_zh_labels` gives), using the pinyin cache;
    return a function that waits for them, updates the cache and returns them.

    With *background* and a *pool* (one worker whose dictionaries are loaded), the
    labels that the cache lacks are computed there while the caller goes on.
    """
    stats = stats if stats is not None else {}
    name = f"pinyin-{_pinyin_versions()}.json"
    known = _cached_pinyin(cache, name)
    missing = sorted({label for lst in labels.values() for label in lst if label not in known})
    todo = set(missing)
    job = None
    n = worker_count()
    if missing and background and pool is not None:
        job = pool.map_async(to_pinyin, missing, chunksize=256)
    elif n and len(missing) >= PARALLEL_MIN_LABELS:
        _tokenizer()  # loaded once, before the workers start, so that they share it
        with fork_pool(n) as many:
            known.update(zip(missing, many.map(to_pinyin, missing, chunksize=256)))
    elif missing and pool is not None:  # the warm worker: its dictionaries are loaded already
        known.update(zip(missing, pool.map(to_pinyin, missing, chunksize=64)))

    def finish() -> list[Triple]:
        if job is not None:
            known.update(zip(missing, job.get()))
        out = _pinyin_of(labels, known, todo, stats)
        if cache is not None:
            if stats["pinyin_computed"]:
                used = {label for lst in labels.values() for label in lst}
                cache.put(name, json.dumps({k: v for k, v in sorted(known.items()) if k in used},
                                           ensure_ascii=False, indent=0).encode("utf-8"))
            else:
                cache.used.add(name)
        return out
    return finish


def _pinyin_of(labels: dict[str, list[str]], known: dict[str, str], todo: set[str], stats: dict) -> list[Triple]:
    """The pinyin triples of *labels*, from *known* (completed here); counts into *stats*."""
    computed = cached = 0
    out = []
    for e, lst in labels.items():
        for label in lst:
            p = known.get(label)
            if p is None:
                p = known[label] = to_pinyin(label)
            if label in todo:
                computed += 1
            else:
                cached += 1
            if p:
                out.append((URIRef(e), CPPCC.pinyin, Literal(p)))
    stats["pinyin_computed"], stats["pinyin_cached"] = computed, cached
    return out
