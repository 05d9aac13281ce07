r"""Which files' N-Triples mention an IRI: a per-file index of the IRIs, kept in the loader's cache.

After a small edit the SHACL restriction looks up the lines of a few nodes
(:class:`~cppcc_kg.validate.line_lookup.LineLookup`). Without an index each lookup is a pass over every file's
N-Triples (195 MB at scale 1000, ~0.3 s a pass); with it, a pass reads only the files that mention a node.

What is indexed. In canonical N-Triples (:mod:`cppcc_kg.rdf.ntriples`) a triple is one line ``S P O .``: the
subject first, then the predicate and the object, each after one space; an IRI is written ``<`` its text ``>``,
and the text of an IRI holds no ``<``, ``>``, ``"`` nor any character up to the space (the N-Triples grammar
excludes them from ``IRIREF``; Oxigraph rejects such an IRI). So :data:`TOKEN` (``<`` then none of these, then
``>``) matches an IRI term exactly, and:

- a subject IRI is a match at the start of a line (:data:`SUBJECTS`: after a newline, or at the start);
- a predicate or an IRI object is a match right after a space (:data:`OTHERS`).

A match holds no whitespace but its first character, so no match of :data:`OTHERS` (of :data:`SUBJECTS`) can
swallow the space (the newline) before a real term: ``findall`` finds every term. It may find more (``"see
<x>"`` in a literal, the terms inside a quoted triple): those only make a file a candidate it need not be.

Each file's terms are kept as 64-bit keys: the first 8 bytes of the BLAKE2b of ``<iri>``, its low bit set for
a subject (:func:`term_key`). :func:`file_keys` gives a file's sorted keys; the index (:class:`TermIndex`)
maps a key to the files that hold it.

Why a lookup cannot miss a file. If a line of the file ``f`` has the IRI ``n`` as its subject, ``f``'s keys
hold ``term_key(n, True)``; as its predicate or object, ``term_key(n, False)`` (above). The keys of a file are
kept in the cache by the file's cache key, which names its bytes, its path and the parser's version, hence its
N-Triples (the entry's name holds the code's digest: :func:`~cppcc_kg.validate.file_cache.entry_name`), and
with the length of its N-Triples, checked again when read: a file whose keys are not there, or whose length
differs, has its keys made again from its N-Triples. A document without a cache key (the generated pinyin
graph) is not indexed: :meth:`TermIndex.documents` always names it. So :meth:`TermIndex.documents` names every
document that holds a line with ``n`` as a term (as the subject, when asked for subjects only); two IRIs
with the same key (a collision) only add a file to read. A cache entry that is missing, broken or not of
this form is made again from the documents (:func:`term_index`).

>>> nt = {"g1": b'<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n',
...       "g2": b'<http://e.org/b> <http://e.org/p> "<http://e.org/a>" .\n', "g3": b'<http://e.org/c> <http://e.org/p> "x" .\n'}
>>> index = term_index(None, nt, {"g1": "k1", "g2": "k2", "g3": "k3"})
>>> sorted(index.documents([b"<http://e.org/b>"], []))
['g1', 'g2']
>>> sorted(index.documents([], [b"<http://e.org/b>"])), sorted(index.documents([b"<http://e.org/a>"], []))
(['g2'], ['g1'])
"""
from __future__ import annotations

import hashlib
import json
import re

import numpy as np

from cppcc_kg.validate.file_cache import entry_name

__all__ = ["TermIndex", "file_keys", "term_index", "term_key"]

#: an IRI term of canonical N-Triples
TOKEN = rb'<[^<>"\s]*>'
#: the IRIs at the start of a line (but the first line's: :func:`file_keys`)
SUBJECTS = re.compile(rb"\n(" + TOKEN + rb")")
#: the IRIs after a space: the predicates and the IRI objects (and the IRIs of a literal after a space)
OTHERS = re.compile(rb" (" + TOKEN + rb")")
_FIRST = re.compile(TOKEN)
#: the form of the cache entry (bumped when it changes)
FORM = 1


def index_entry() -> str:
    """The cache entry of the index (named by the code's digest): a JSON line ``{"form", "files": [[cache key,
    length of the N-Triples], ...]}``, then the sorted keys (``<u8``) and each key's file (``<u4``, its position
    in ``files``)."""
    return entry_name("term-index").removesuffix(".json") + ".bin"


def term_key(token: bytes, subject: bool) -> int:
    """The 64-bit key of the IRI written *token* (``<iri>``), its low bit set for a *subject*.

    >>> term_key(b"<http://e.org/a>", True) == term_key(b"<http://e.org/a>", False) | 1
    True
    """
    return int(_keys([token], subject)[0])


def _keys(tokens, low: int) -> np.ndarray:
    """The keys of the IRIs written *tokens*, their low bit set for subjects (*low*): the one way keys are made."""
    if not tokens:
        return np.zeros(0, dtype="<u8")
    raw = np.frombuffer(b"".join([hashlib.blake2b(t, digest_size=8).digest() for t in tokens]), dtype="<u8")
    return (raw | np.uint64(1)) if low else (raw & ~np.uint64(1))


def file_keys(nt: bytes) -> np.ndarray:
    r"""The sorted keys (:func:`term_key`, once each) of the IRIs of the canonical N-Triples *nt*: its subjects,
    and its predicates and IRI objects (module docstring).

    >>> ks = file_keys(b'<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n<http://e.org/b> <http://e.org/p> "x" .\n')
    >>> sorted(int(k) for k in ks) == sorted({term_key(b"<http://e.org/a>", True), term_key(b"<http://e.org/b>", True),
    ...     term_key(b"<http://e.org/p>", False), term_key(b"<http://e.org/b>", False)})
    True
    """
    subjects = set(SUBJECTS.findall(nt))
    first = _FIRST.match(nt)
    if first is not None:
        subjects.add(first.group())
    keys = np.concatenate([_keys(subjects, 1), _keys(set(OTHERS.findall(nt)), 0)])
    return np.unique(keys)


class TermIndex:
    """Key -> the documents that hold it: ``keys`` (sorted) and ``positions`` (each key's document in ``names``);
    ``unindexed``, the documents always read; ``made``, the documents whose keys were made (not read from the
    cache) by :func:`term_index`."""

    def __init__(self, keys: np.ndarray, positions: np.ndarray, names: list[str], unindexed: set[str],
                 made: list[str]):
        self.keys, self.positions, self.names = keys, positions, names
        self.unindexed, self.made = unindexed, made

    def documents(self, anywhere, subjects) -> set[str]:
        """The documents that may hold a line with an IRI of *anywhere* as a term, or one of *subjects* as the
        subject (tokens ``<iri>``): every one that does (module docstring), and the unindexed ones."""
        wanted = [term_key(t, s) for t in anywhere for s in (True, False)] + [term_key(t, True) for t in subjects]
        if not wanted:
            return set()
        q = np.unique(np.array(wanted, dtype="<u8"))
        lo, hi = np.searchsorted(self.keys, q, "left"), np.searchsorted(self.keys, q, "right")
        found = [self.positions[a:b] for a, b in zip(lo.tolist(), hi.tolist()) if b > a]
        at = np.unique(np.concatenate(found)).tolist() if found else []
        return {self.names[i] for i in at} | self.unindexed


def _read(cache) -> tuple[list, np.ndarray, np.ndarray] | None:
    """``(files, keys, positions)`` of the cache entry, or ``None`` (absent, broken, another form)."""
    data = cache.get(index_entry()) if cache is not None else None
    if data is None:
        return None
    head, sep, body = data.partition(b"\n")
    try:
        meta = json.loads(head)
        files = [(str(k), int(n)) for k, n in meta["files"]] if meta.get("form") == FORM else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if files is None or not sep or len(body) % 12:
        return None
    n = len(body) // 12
    keys = np.frombuffer(body, dtype="<u8", count=n)
    positions = np.frombuffer(body, dtype="<u4", offset=8 * n)
    if n and (int(positions.max()) >= len(files) or bool(np.any(keys[1:] < keys[:-1]))):
        return None
    return files, keys, positions


def term_index(cache, documents: dict[str, bytes], keys: dict[str, str]) -> TermIndex:
    """The index of *documents* (name -> canonical N-Triples) whose cache key *keys* gives; the others are
    unindexed. The files' keys are read from *cache*'s entry (:func:`index_entry`) where their cache key and
    length are there, made from their N-Triples otherwise; the entry is staged again (the present files only)
    when it changed."""
    present = {keys[name]: name for name, nt in documents.items() if name in keys}
    unindexed = {name for name in documents if name not in keys}
    got = _read(cache)
    files, old_keys, old_positions = got if got is not None else ([], np.zeros(0, "<u8"), np.zeros(0, "<u4"))
    alive = np.array([key in present and len(documents[present[key]]) == size for key, size in files], dtype=bool)
    kept = [key for (key, _n), a in zip(files, alive) if a]
    renumber = np.cumsum(alive, dtype=np.int64) - 1
    rows = alive[old_positions] if len(files) else np.zeros(0, dtype=bool)
    index_keys, positions = old_keys[rows], renumber[old_positions[rows]].astype("<u4")
    known = set(kept)
    made = [name for key, name in present.items() if key not in known]
    if made:
        new = [file_keys(documents[name]) for name in made]
        new_keys = np.concatenate(new)
        new_positions = np.repeat(np.arange(len(kept), len(kept) + len(made), dtype="<u4"), [len(k) for k in new])
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_positions = new_keys[order], new_positions[order]
        at = np.searchsorted(index_keys, new_keys)
        index_keys, positions = np.insert(index_keys, at, new_keys), np.insert(positions, at, new_positions)
    table = kept + [keys[name] for name in made]
    if (made or len(kept) != len(files)) and cache is not None:
        head = json.dumps({"form": FORM, "files": [[k, len(documents[present[k]])] for k in table]})
        cache.put(index_entry(), head.encode() + b"\n" + index_keys.astype("<u8").tobytes()
                  + positions.astype("<u4").tobytes())
    return TermIndex(index_keys, positions, [present[k] for k in table], unindexed, made)
