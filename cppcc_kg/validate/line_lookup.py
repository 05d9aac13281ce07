r"""The triples of a few nodes, read from the files' N-Triples instead of the store.

After a small edit, the SHACL restriction (:mod:`cppcc_kg.validate.shacl_incremental`) looks up the triples of a
few nodes: those of a node as subject or object, those of a schema property. :class:`LineLookup` answers these
lookups from the N-Triples documents that the store is loaded from (graph IRI -> bytes, in memory), so that
the validation need not wait for the store being loaded beside it.

:meth:`LineLookup.cover` takes, in one pass over the documents, every line that holds the text ``<iri>`` of
one of the nodes (or properties) asked for, anywhere in the line (or, for a node asked for as a subject only,
at the start of the line, followed by a space), and adds its triple to a small store.
Why a lookup with a covered node bound gives the whole store's triples. In canonical N-Triples (written by
Oxigraph: :mod:`cppcc_kg.rdf.ntriples`) a triple is one line, ``subject predicate object .`` separated by
single spaces, and an IRI in it is written ``<`` its text ``>``, unescaped: a triple whose subject, property
or object is the IRI ``n`` is on a line that holds ``<n>``, and one whose subject is ``n`` on a line that
begins with ``<n> ``; so every triple of the documents that a pattern with ``n`` bound (as the subject, for a
node covered as a subject only) matches is in the small store (a line that holds
``<n>`` inside a literal is taken too: its triple is a triple of the documents, which a pattern matches only if
it matches it in the whole store). The store holds the triples of the same documents (each file's graph and the
generated pinyin graph, as :meth:`cppcc_kg.project.load.Project.graphs` gives them), a triple held by several
files once or once per graph: the restriction makes default-graph quads of what a lookup returns, so it reads
the same set of triples either way (Oxigraph reads a term the same way in both stores: the lines are parsed and
stored by Oxigraph, as the store's are; blank nodes keep their labels). A lookup whose bound nodes are none of
the covered ones is refused (:class:`NotCovered`): it would be answered wrong. A blank node (any term but an
IRI) is not covered: :meth:`LineLookup.cover` says so, and the caller reads the store instead.

With an index (:class:`~cppcc_kg.validate.term_index.TermIndex`), a pass reads only the documents that the
index names for the terms asked for (:meth:`~cppcc_kg.validate.term_index.TermIndex.documents`): every document
that holds a line with the term as its subject, predicate or object (as its subject, for a term covered as a
subject only), and those not indexed. A document not read holds no such line: the lines a pass takes from
it in a pass over every document would only be lines that hold ``<n>`` in a literal, whose triples a pattern
with ``n`` bound does not match (nor one with another covered term bound: its own lines are taken from the
documents that hold them). So the small store still holds every triple that a lookup with a covered term
bound matches, and only triples of the documents: the same answers. ``scanned`` lists the documents read.

>>> nt = {"g1": b'<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n'
...             b'<http://e.org/c> <http://e.org/p> "<http://e.org/a>" .\n',
...       "g2": b'<http://e.org/b> <http://e.org/q> "x" .\n'}
>>> lookup = LineLookup(nt)
>>> lookup.cover(anywhere=[ox.NamedNode("http://e.org/a")], subjects=[ox.NamedNode("http://e.org/b")])
True
>>> sorted(str(q.subject) for q in lookup.store)
['<http://e.org/a>', '<http://e.org/b>', '<http://e.org/c>']
>>> [q.object.value for q in lookup.quads_for_pattern(ox.NamedNode("http://e.org/a"), None, None, None)]
['http://e.org/b']
>>> lookup.cover([ox.BlankNode("b0")])
False
>>> from cppcc_kg.validate.term_index import term_index
>>> indexed = LineLookup(nt, term_index(None, nt, {"g1": "k1", "g2": "k2"}))
>>> indexed.cover(subjects=[ox.NamedNode("http://e.org/b")]), indexed.scanned
(True, ['g2'])
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from cppcc_kg.validate.term_index import TermIndex

__all__ = ["LineLookup", "NotCovered", "token_pattern"]


class NotCovered(Exception):
    """A lookup none of whose bound terms is covered: the small store cannot answer it."""


def token_pattern(tokens) -> re.Pattern:
    """A regular expression that matches any of the byte strings *tokens* (not empty), as a trie: one
    alternation per shared prefix, so that a pass over the documents costs about the same for 5 tokens as
    for 1000 (a flat alternation of ``n`` tokens tries each of them at each ``<``).

    >>> p = token_pattern([b"<ab>", b"<ac>", b"<a>"])
    >>> [m.group() for m in p.finditer(b"<a> <ab> <ad> <ac>")]
    [b'<a>', b'<ab>', b'<ac>']
    """
    trie: dict = {}
    for token in tokens:
        node = trie
        for byte in token:
            node = node.setdefault(byte, {})
        node[None] = {}

    def build(node: dict) -> bytes:
        branches = [re.escape(bytes([k])) + build(node[k]) for k in sorted(k for k in node if k is not None)]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if None in node else body

    return re.compile(build(trie))


def _token(term) -> bytes | None:
    """``<iri>`` as canonical N-Triples write the IRI *term*; ``None`` for another term."""
    return f"<{term.value}>".encode("utf-8") if isinstance(term, ox.NamedNode) else None


class LineLookup:
    """The triples of the lines of *documents* (name -> canonical N-Triples) that mention the covered terms, in a
    small store that answers ``quads_for_pattern`` as the whole store would for a pattern with a covered term
    bound (module docstring). A term is covered *anywhere* (the lines that hold it anywhere) or as a *subject*
    only (the lines that begin with it: they answer a lookup that binds it as the subject). ``passes`` counts
    the passes over the documents, ``scanned`` the documents read (in order, once per pass); with an *index* of the
    documents (:class:`~cppcc_kg.validate.term_index.TermIndex`), a pass reads only those it names."""

    def __init__(self, documents: dict[str, bytes], index: TermIndex | None = None):
        self.documents = {name: nt for name, nt in documents.items() if nt}
        self.index = index
        self.anywhere: set[bytes] = set()
        self.subjects: set[bytes] = set()
        self.store = ox.Store()
        self.passes = 0
        self.scanned: list[str] = []

    def cover(self, anywhere=(), subjects=()) -> bool:
        """Add the lines that hold a term of *anywhere*, and those that begin with a term of *subjects*, in one
        pass; ``False`` (nothing added) if one of them is not an IRI."""
        far = {_token(t) for t in anywhere}
        near = {_token(t) for t in subjects}
        if None in far or None in near:
            return False
        far -= self.anywhere
        near -= self.anywhere | self.subjects | far
        if not far and not near:
            return True
        pattern = token_pattern(far | near)  # (one trie: its common prefix makes the pass fast)
        lines: set[bytes] = set()
        names = list(self.documents) if self.index is None else \
            [name for name in self.index.documents(far, near) if name in self.documents]
        for name in sorted(names):
            nt = self.documents[name]
            self.scanned.append(name)
            end = -1
            for m in pattern.finditer(nt):
                at = m.start()
                if at < end or (m.group() not in far and at and nt[at - 1] != 10):  # taken, or not a subject
                    continue
                start = nt.rfind(b"\n", 0, at) + 1
                end = nt.find(b"\n", m.end())
                end = len(nt) if end < 0 else end
                lines.add(nt[start:end])
        self.passes += 1
        self.anywhere |= far
        self.subjects |= near
        if lines:
            self.store.extend(ox.Quad(t.subject, t.predicate, t.object)
                              for t in ox.parse(b"\n".join(sorted(lines)) + b"\n", format=ox.RdfFormat.N_TRIPLES))
        return True

    def covers(self, term, *, subject: bool = False) -> bool:
        """Whether the lines of *term* (*subject*: those that begin with it) are all in the small store."""
        token = _token(term)
        return token is not None and (token in self.anywhere or (subject and token in self.subjects))

    def quads_for_pattern(self, subject, predicate, obj, graph=None):
        """The default-graph quads that match; raises :class:`NotCovered` unless a bound term is covered
        (*graph* must be ``None``: the union of the graphs)."""
        if graph is not None or not ((subject is not None and self.covers(subject, subject=True))
                                     or any(t is not None and self.covers(t) for t in (predicate, obj))):
            raise NotCovered((subject, predicate, obj, graph))
        return self.store.quads_for_pattern(subject, predicate, obj, None)
