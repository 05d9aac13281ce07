r"""The pinyin graph kept whole in the loader's cache, named by a digest of exactly what it is made from.

The generated pinyin (:mod:`cppcc_kg.project.pinyin`) is a function of two things only:

1. the *keys*: entity IRI -> the keys of its Chinese labels (``style<TAB>label``, or the label alone when the
   entity's class has no ``cppcc:pinyinStyle``), the entities in IRI order and each one's labels sorted, as
   :func:`~cppcc_kg.project.pinyin.start_project_pinyin` makes them from
   :func:`~cppcc_kg.project.entities.entity_zh_labels` and :func:`~cppcc_kg.project.pinyin.entity_pinyin_styles`;
2. :func:`~cppcc_kg.project.pinyin.to_pinyin`, fixed by the version of its rules and of jieba and pypinyin (the
   *versions*, which already name the cache of the labels' pinyin).

Its triples are ``(entity, cppcc:pinyin, to_pinyin(label, style))`` for every pair of *keys* whose pinyin is not
empty, in the order of *keys*; its N-Triples are those triples' lines, sorted and unique; its count (the
``pinyin_labels`` of the summary) is the number of those pairs. All three are functions of (*keys*, *versions*).

So the N-Triples and the count are kept in one entry (:func:`read_entry`, :func:`keep_entry`) named by the sha256
of the versions and of the JSON of *keys* (:func:`pinyin_digest`; JSON writes a list of strings one way only, and
reads back to it: two different *keys* never give the same text). An entry found under the digest of this
build's *keys* was written by a build whose keys and versions were these (up to a collision of sha256): its bytes
are what :func:`pinyin_ntriples` would give now. A broken entry fails its CRC (:meth:`Cache.get` gives ``None``)
or its header, and is a miss: the pinyin is then made as before. Everything else the project holds (English
labels, other properties, other triples of the same files, the files' names) is not in *keys*: an edit there
finds the entry of the build before it and makes no pinyin (no N-Triples, no triple) again; an edit of a
Chinese label, of a type or a class's style, a file added or removed with entities, changes *keys* (or not, if
the entities' labels and styles stay the same: then the pinyin stays the same too) and misses.

The keys themselves are joined from the files' facts (:mod:`cppcc_kg.project.file_facts`) while the store loads:
from their ``zh``, ``types`` and ``rare`` facts alone. A second entry, named by the sha256 of those facts of every
file (:func:`facts_digest`), holds the digest of the keys they gave (:func:`read_facts_entry`): an English label's
edit leaves those facts as they were, and the keys are not even joined
(:func:`~cppcc_kg.project.pinyin.start_pinyin_of_facts`, where the proof is). A change of those facts that leaves
the keys the same (a Chinese label of a node that is no entity) joins them again and finds the pinyin kept.

On a miss, only the labels that the cache of labels lacks are computed (as before), and the N-Triples are made
from the (entity, pinyin) strings by Oxigraph (:func:`pinyin_ntriples`), without the rdflib terms that
:func:`~cppcc_kg.rdf.ntriples.ntriples_of` converts (``to_ox(URIRef(e))`` is ``NamedNode(e)`` and
``to_ox(Literal(p))`` is ``Literal(p)``: the same lines). The triples themselves, as rdflib terms, are made
only if a caller reads them (:class:`PinyinTriples`; the build reads only their number).

>>> pinyin_ntriples([("http://e.org/b", "B"), ("http://e.org/a", "A"), ("http://e.org/a", "A")])
b'<http://e.org/a> <https://w3id.org/cppcc-kg/ontology#pinyin> "A" .\n<http://e.org/b> <https://w3id.org/cppcc-kg/ontology#pinyin> "B" .\n'
>>> pinyin_digest({"http://e.org/a": ["甲"]}, "v") == pinyin_digest({"http://e.org/a": ["甲"]}, "w")
False
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from cppcc_kg.project.cache import Cache
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import NT, sorted_lines

#: bump when the form of the entry (or what it is made from) changes
ENTRY_FORM = "1"

_PINYIN = ox.NamedNode(str(CPPCC.pinyin))


def pinyin_digest(keys: dict[str, list[str]], versions: str) -> str:
    """The sha256 (hex) of *versions* and of *keys* (entity -> its labels' keys, in order): see the module."""
    h = hashlib.sha256(f"{ENTRY_FORM}\0{versions}\0".encode())
    h.update(json.dumps(list(keys.items()), ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def entry_name(digest: str) -> str:
    """The cache entry of the pinyin whose inputs have the digest *digest*."""
    return f"pinyin-nt-{digest}.nt"


def read_entry(cache: Cache | None, digest: str) -> tuple[bytes, int] | None:
    """The N-Triples and the count kept under *digest* (the entry is kept by this build), or ``None``: no cache,
    no entry, or a broken one."""
    if cache is None:
        return None
    data = cache.get(entry_name(digest))
    if data is None:
        return None
    head, newline, nt = data.partition(b"\n")
    if not newline or not head.isdigit() or (nt and not nt.endswith(b"\n")):
        return None
    return nt, int(head)


def keep_entry(cache: Cache | None, digest: str, nt: bytes, count: int) -> None:
    """Stage the N-Triples *nt* and the count *count* under *digest* (kept if the build succeeds)."""
    if cache is not None:
        cache.put(entry_name(digest), b"%d\n" % count + nt)


def facts_digest(facts, versions: str) -> str:
    """The sha256 (hex) of *versions* and of the ``zh``, ``types`` and ``rare`` facts
    (:func:`~cppcc_kg.project.file_facts.file_facts`) of each of *facts*, in order: what the labels and styles of
    the pinyin are made from (:func:`~cppcc_kg.project.pinyin.start_pinyin_of_facts`). Each file's three are
    written as one JSON list (the classes of ``types`` in their order), so two different lists of facts never give
    the same text."""
    h = hashlib.sha256(f"{ENTRY_FORM}\0facts\0{versions}\0".encode())
    for f in facts:
        h.update(json.dumps([f["zh"], f["types"], f["rare"]], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def facts_entry_name(digest: str) -> str:
    """The cache entry of the keys' digest that the facts of the digest *digest* gave."""
    return f"pinyin-facts-{digest}.txt"


def read_facts_entry(cache: Cache | None, digest: str) -> tuple[str, int] | None:
    """(The digest of the keys, the number of labels) that the facts of the digest *digest* gave, as
    :func:`keep_facts_entry` kept them, or ``None``: no cache, no entry, or a broken one."""
    data = cache.get(facts_entry_name(digest)) if cache is not None else None
    if data is None:
        return None
    keys, _, labels = data.decode("ascii", "replace").partition(" ")
    if len(keys) != 64 or not labels.isdigit():
        return None
    return keys, int(labels)


def keep_facts_entry(cache: Cache | None, digest: str, keys: str, labels: int) -> None:
    """Stage the digest of the keys *keys* and the number of labels *labels* that the facts of *digest* give."""
    if cache is not None:
        cache.put(facts_entry_name(digest), f"{keys} {labels}".encode("ascii"))


def pinyin_ntriples(pairs) -> bytes:
    """The canonical N-Triples (lines sorted and unique) of ``(entity, cppcc:pinyin, "pinyin")`` for the
    (entity IRI, pinyin) strings *pairs*: what :func:`~cppcc_kg.rdf.ntriples.ntriples_of` gives of their rdflib
    triples."""
    return sorted_lines(ox.serialize([ox.Triple(ox.NamedNode(e), _PINYIN, ox.Literal(p)) for e, p in pairs],
                                     format=NT))


class PinyinTriples(Sequence):
    """The generated pinyin triples (rdflib terms) of a project, made when first read, with their N-Triples.

    Parameters
    ----------
    count : int
        Their number (one per label whose pinyin is not empty: an entity's two labels of one pinyin are two).
    nt : bytes
        Their canonical N-Triples.
    make : callable
        Makes the list of triples, in the order of the entities and of their labels (called once, if read).
    """

    def __init__(self, count: int, nt: bytes, make: Callable[[], list]):
        self.count, self.nt = count, nt
        self._make: Callable[[], list] | None = make
        self._triples: list | None = None
        self._lock = threading.Lock()  # (read by the validation thread and the stages: made once)

    def _list(self) -> list:
        if self._triples is None:
            with self._lock:
                if self._triples is None:
                    self._triples, self._make = self._make(), None
        return self._triples

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        return self._list()[i]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        if isinstance(other, (PinyinTriples, list)):
            return self._list() == list(other)
        return NotImplemented

    __hash__ = None  # (a list's equality: not hashable)

    def __repr__(self) -> str:
        return f"PinyinTriples({self.count} triples, {len(self.nt)} bytes of N-Triples)"
