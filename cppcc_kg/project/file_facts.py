"""What the loader reads before the store is loaded: a few facts of each file, kept in the loader's cache.

While Oxigraph loads the store in a thread (:class:`cppcc_kg.rdf.store.StoreLoader`), the loader and the first
stage need three answers that used to be read from the whole store: the sources check
(:func:`cppcc_kg.project.sources.check_sources`), the Chinese labels and pinyin styles of the entities (for the
pinyin: :func:`cppcc_kg.project.entities.entity_zh_labels_of`, :func:`cppcc_kg.project.pinyin.entity_pinyin_styles_of`)
and the ontology's :class:`~cppcc_kg.schema.Schema`. :class:`FileFacts` answers them from what each file
holds (:func:`file_facts`, kept in the loader's cache under the file's key):

* ``types``: each class -> the subjects of the file's ``rdf:type`` triples of that class;
* ``zh``: the file's ``rdfs:label`` literals tagged ``zh`` or ``zh-…`` (subject, text, tag);
* ``named``: the subjects of its triples of :data:`NAMING` (what the schema reads of its terms besides :data:`RARE`);
* ``rare``: its N-Triples lines of :data:`RARE`: the class tree, what the schema reads, the pinyin styles
  and the sources' properties (a few thousand triples in a project of a million).

The class tree is followed by SPARQL on a small store of the rare lines (:meth:`FileFacts.small_store`), so
that terms come out exactly as from the whole store (Oxigraph keeps numbers by value). Terms are keyed as
:func:`cppcc_kg.rdf.store.values` gives them: an IRI by its text, a blank node by ``_:`` and its label (a blank
node of the same label in two files is one node, in the store as here). The tests compare every answer with the
whole store's, on the repository's graph, a synthetic project and crafted cases.

>>> f = file_facts(b'<http://e.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e.org/C> .\\n')
>>> f["types"]
{'http://e.org/C': 'http://e.org/a'}
"""
from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS

from cppcc_kg.project.cache import Cache
from cppcc_kg.project.files import PINYIN_GRAPH, graph_iri
from cppcc_kg.project.sources import SOURCE_PROPERTIES
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.ntriples import NT
from cppcc_kg.rdf.store import load_store, values
from cppcc_kg.schema import SCHEMA_PROPERTIES, TERM_PROPERTIES

__all__ = [
    "NAMING",
    "RARE",
    "FileFacts",
    "distinct_triples",
    "file_facts",
    "read_facts",
    "subject_lines",
    "subject_store",
]

#: bump when the form of a file's facts changes
FACTS_VERSION = "1"
#: what the schema reads of its terms whose triples are too many to keep whole (every entity has labels)
NAMING = (RDFS.label, RDFS.comment)
#: the properties whose every triple is kept per file
RARE = tuple(sorted({*SCHEMA_PROPERTIES, *(p for p in TERM_PROPERTIES if p not in NAMING), CPPCC.pinyinStyle,
                     *SOURCE_PROPERTIES}))

_TYPE = f"<{RDF.type}>".encode()
_LABEL = f"<{RDFS.label}>".encode()
_NAMING = frozenset(f"<{p}>".encode() for p in NAMING)
_RARE = frozenset(f"<{p}>".encode() for p in RARE)


def _key(token: bytes) -> str:
    """The key of an IRI (``<…>``) or blank node (``_:…``) token of canonical N-Triples."""
    return token[1:-1].decode("utf-8") if token[:1] == b"<" else token.decode("utf-8")


def _term_key(term) -> str:
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _zh(lines: list[bytes]) -> list[list[str]]:
    """(subject, text, tag) of the literals tagged ``zh`` or ``zh-…`` in *lines* (``rdfs:label`` triples)."""
    if not lines:
        return []
    out = []
    for t in ox.parse(b"\n".join(lines) + b"\n", format=NT):
        lang = t.object.language if isinstance(t.object, ox.Literal) else None
        if lang and (lang.lower() == "zh" or lang.lower().startswith("zh-")):
            out.append([_term_key(t.subject), t.object.value, lang])
    return out


def file_facts(nt: bytes) -> dict:
    """The facts of a file (its canonical N-Triples *nt*) that :class:`FileFacts` joins: see the module docstring."""
    types: dict[bytes, list[bytes]] = {}
    named, zh, rare = set(), [], []
    for line in nt.split(b"\n"):
        if not line:
            continue
        s, p, rest = line.split(b" ", 2)
        if p == _TYPE:
            o = rest[:-2]  # "<o> ."
            if o[:1] != b'"':
                lst = types.get(o)
                if lst is None:
                    types[o] = [s]
                else:
                    lst.append(s)
        elif p in _NAMING:
            named.add(s)
            if p == _LABEL and b'"@' in rest:
                zh.append(line)
        elif p in _RARE:
            rare.append(line)
    return {"types": {_key(c): "\n".join(_key(s) for s in subs) for c, subs in types.items()},
            "named": "\n".join(sorted(_key(s) for s in named)), "zh": _zh(zh),
            "rare": b"".join(line + b"\n" for line in rare).decode("utf-8")}


#: what the facts of a file are made of besides its bytes (the properties kept): part of the entry's name, so that
#: a change of :data:`RARE` or :data:`NAMING` (of the schema's or the sources' properties) never reads stale facts
_SHAPE = hashlib.sha256(repr((FACTS_VERSION, [str(p) for p in NAMING], [str(p) for p in RARE])).encode()).hexdigest()[:16]


def _entry(key: str) -> str:
    return f"facts-{_SHAPE}-{key}.json"


def read_facts(cache: Cache | None, key: str | None, nt: bytes) -> dict:
    """The facts of a file: from the loader's cache under its *key*, else made from *nt* (and kept there)."""
    name = _entry(key) if key else None
    if cache is not None and name is not None:
        data = cache.get(name)
        if data is not None:
            try:
                return json.loads(data)
            except ValueError:
                pass
    facts = file_facts(nt)
    if cache is not None and name is not None:
        cache.put(name, json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return facts


class FileFacts:
    """The facts of every file of a project (relative path -> :func:`file_facts`, in load order), joined."""

    def __init__(self, facts: dict[str, dict]):
        self.facts = facts
        self._stores: dict[tuple, ox.Store] = {}
        self._by_class: dict[str, list[str]] | None = None  # class -> the subjects' strings of each file

    def small_store(self, classes=()) -> ox.Store:
        """A store of the rare lines of every file (one named graph per file, as in the project's store), and of
        the ``rdf:type`` triples of *classes* (IRIs)."""
        key = tuple(sorted(str(c) for c in classes))
        if key not in self._stores:
            store = load_store({str(graph_iri(rel)): f["rare"].encode("utf-8") for rel, f in self.facts.items()},
                               ox.Store())
            typ = ox.NamedNode(str(RDF.type))
            for rel, f in self.facts.items():
                g = ox.NamedNode(str(graph_iri(rel)))
                for c in key:
                    subjects = f["types"].get(c)
                    if subjects:
                        store.extend(ox.Quad(_node(s), typ, _node(c), g) for s in subjects.split("\n"))
            self._stores[key] = store
        return self._stores[key]

    def subclasses(self, top) -> set[str]:
        """The keys of *top* and of the classes that ``rdfs:subClassOf*`` leads to it from."""
        rows = values(self.small_store(), f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{top}> }}")
        return {c for (c,) in rows} | {str(top)}

    def subjects_of(self, classes) -> set[str]:
        """The IRIs (not blank nodes) of the instances of *classes* (keys): ``?e a ?c . FILTER (isIRI(?e))``."""
        if self._by_class is None:
            by_class: dict[str, list[str]] = {}
            for f in self.facts.values():
                for c, subjects in f["types"].items():
                    by_class.setdefault(c, []).append(subjects)
            self._by_class = by_class
        out: set[str] = set()
        for c in set(classes):
            for subjects in self._by_class.get(c, ()):
                out.update(subjects.split("\n"))
        return {s for s in out if not s.startswith("_:")}

    def zh_labels(self):
        """(subject, text, tag) of every ``rdfs:label`` tagged ``zh`` or ``zh-…``, each once."""
        return {tuple(z) for f in self.facts.values() for z in f["zh"]}

    def files_typing(self, nodes) -> dict[str, list[str]]:
        """Node key -> the files (sorted) with an ``rdf:type`` triple of it, for the keys *nodes*."""
        nodes = set(nodes)
        out: dict[str, list[str]] = {}
        for rel, f in self.facts.items():
            found = set()
            for subjects in f["types"].values():
                found.update(nodes.intersection(subjects.split("\n")))
            for n in found:
                out.setdefault(n, []).append(rel)
        return {n: sorted(rels) for n, rels in out.items()}

    def schema_store(self, nt: dict[str, bytes]) -> ox.Store:
        """A store holding every triple that :class:`~cppcc_kg.schema.Schema` reads in the files *nt* (relative path
        -> N-Triples): the rare lines, and the lines of :data:`NAMING` about the subjects and objects of the
        triples of :data:`~cppcc_kg.schema.SCHEMA_PROPERTIES` (read from the files that name one of them)."""
        store = self.small_store()
        rows = values(store, "SELECT DISTINCT ?t WHERE { VALUES ?p { " + " ".join(f"<{p}>" for p in SCHEMA_PROPERTIES)
                      + " } { ?t ?p ?o } UNION { ?s ?p ?t FILTER (!isLiteral(?t)) } }")
        terms = {t for (t,) in rows}
        out = ox.Store()
        out.extend(store)
        for rel, f in self.facts.items():
            if f["named"] and not terms.isdisjoint(f["named"].split("\n")):
                lines = [line for line in nt[rel].split(b"\n")
                         if line and (parts := line.split(b" ", 2))[1] in _NAMING and _key(parts[0]) in terms]
                load_store({str(graph_iri(rel)): b"".join(line + b"\n" for line in lines)}, out)
        return out


def subject_lines(nt: bytes, subjects) -> list[bytes]:
    """The lines of the canonical N-Triples *nt* (sorted lines: a subject's lines are contiguous) whose subject
    is one of the IRIs *subjects*, each with its end of line; one ``bytes.find`` per subject (~50 ms for
    200 MB).

    >>> subject_lines(b'<a> <p> <b> .\\n<b> <p> "x" .\\n<b> <q> <a> .\\n<c> <p> <b> .\\n', ["b"])
    [b'<b> <p> "x" .\\n<b> <q> <a> .\\n']
    """
    out = []
    for s in sorted(set(subjects)):
        lead = b"<" + s.encode("utf-8") + b"> "
        start = 0 if nt.startswith(lead) else nt.find(b"\n" + lead) + 1  # (not an object: one that ends a line)
        if start == 0 and not nt.startswith(lead):
            continue
        end = start
        while nt.startswith(lead, end):
            end = nt.find(b"\n", end) + 1 or len(nt)
        out.append(nt[start:end])
    return out


def subject_store(nt: dict[str, bytes], pinyin_nt: bytes, subjects) -> ox.Store:
    """A store of the triples whose subject is one of the IRIs *subjects*, as the project's store holds them:
    those of each file of *nt* (relative path -> canonical N-Triples, in load order) in its named graph, less
    the lines an earlier file holds (the loader stores a triple once), and those of the generated pinyin
    *pinyin_nt* in its graph :data:`~cppcc_kg.project.files.PINYIN_GRAPH` (kept whole there, as the loader keeps it). A query that reads only
    the triples of these subjects gives the same solutions on it as on the project's store (tested)."""
    seen: set[bytes] = set()
    graphs = {}
    for rel, data in nt.items():
        lines = {line for chunk in subject_lines(data, subjects) for line in chunk.split(b"\n") if line}
        lines -= seen
        seen |= lines
        if lines:
            graphs[str(graph_iri(rel))] = b"".join(line + b"\n" for line in sorted(lines))
    found = subject_lines(pinyin_nt, subjects)
    if found:
        graphs[str(PINYIN_GRAPH)] = b"".join(chunk if chunk.endswith(b"\n") else chunk + b"\n" for chunk in found)
    return load_store(graphs, ox.Store())


def distinct_triples(nt: dict[str, bytes], distinct_lines: int, pinyin_nt: bytes) -> int | None:
    """The number of distinct triples of the files *nt* (canonical N-Triples, whose *distinct_lines* distinct lines
    the loader counted) and of the generated pinyin *pinyin_nt*, as the store counts them (the union of its graphs):
    the distinct lines; None when two of them may be one triple in the store, which keeps a typed literal by value
    (``"05"^^xsd:integer`` and ``"5"^^xsd:nonNegativeInteger`` are one): two lines of typed literals with the same
    subject and property. (Language tags are lower case in canonical N-Triples.)

    >>> distinct_triples({"a": b'<s> <p> "1" .\\n', "b": b'<s> <p> "1" .\\n'}, 1, b'<s> <p> "2" .\\n')
    2
    >>> print(distinct_triples({"a": b'<s> <p> "1"^^<i> .\\n<s> <p> "01"^^<i> .\\n'}, 2, b""))
    None
    """
    typed: dict[bytes, bytes] = {}
    for data in [*nt.values(), pinyin_nt]:
        if b'"^^<' in data:
            for line in data.split(b"\n"):
                if b'"^^<' in line:
                    s, p, _o = line.split(b" ", 2)
                    if typed.setdefault(s + b" " + p, line) != line:
                        return None
    pinyin = set(pinyin_nt.split(b"\n"))
    pinyin.discard(b"")
    for predicate in {line.split(b" ", 2)[1] for line in pinyin}:
        for data in nt.values():
            if b" " + predicate + b" " in data:  # (a file that writes a triple the pinyin generates too)
                pinyin.difference_update(data.split(b"\n"))
    return distinct_lines + len(pinyin)


def _node(key: str):
    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)
