"""The Turtle and JSON-LD of canonical N-Triples, written straight from its lines.

The build writes every file's triples as Turtle and JSON-LD (:mod:`cppcc_kg.build.rdf_files`).
Those bodies are the bytes that Oxigraph's serializers give (Turtle with the project prefixes;
JSON-LD whose IRIs are then written with the prefixes), but they are made here in one pass over
the sorted N-Triples lines, each distinct term converted once and remembered, which is several
times faster than parsing the lines into terms and serializing them (a million triples, issue 15).

The input is canonical N-Triples (:mod:`cppcc_kg.rdf.ntriples`): one triple per line, terms
separated by one space, as Oxigraph writes them (IRIs as they are; literals with ``\\"``,
``\\\\``, ``\\t``, ``\\b``, ``\\n``, ``\\r``, ``\\f`` and ``\\uXXXX`` escapes). Anything else is a
``ValueError``. tests/rdf/test_bodies.py compares the results with Oxigraph's
(tests/oracles/serialize_oxigraph.py) on the real graph, a synthetic project and edge cases.

>>> nt = (b'<https://schema.org/a> <https://schema.org/n> "x"@en .\\n'
...       b'<https://schema.org/a> <https://schema.org/n> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n')
>>> ttl, js, misread = bodies_of(nt)
>>> print(ttl.decode(), end="")
schema:a schema:n "x"@en , 1 .
>>> print(js.decode())
{"@id":"schema:a","schema:n":[{"@language":"en","@value":"x"},{"@type":"xsd:integer","@value":"1"}]}
"""
from __future__ import annotations

import re

from cppcc_kg.rdf.namespaces import PREFIXES

# Turtle 1.1 PN_CHARS_BASE and PN_CHARS (productions 163s and 166s)
_PN_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
            "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN = _PN_BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_FIRST = re.compile(f"[{_PN_BASE}_:0-9]")
_MIDDLE = re.compile(f"[{_PN}:.]")
_LAST = re.compile(f"[{_PN}:]")
_PLAIN = re.compile(f"[{_PN_BASE}_:0-9](?:[{_PN}:.]*[{_PN}:])?")
#: the characters that a local name may hold after a backslash
_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
#: an ASCII local name: each character allowed or escapable; those always escaped
_ASCII_LOCAL = re.compile(rb"[A-Za-z0-9_:.\-~!$&'()*+,;=/?#@%]+")
_ASCII_ESCAPED = re.compile(rb"[~!$&'()*+,;=/?#@%]")
#: what may follow the last "/" or "#" of an IRI as it is (after more of the local name; as all of it)
_PLAIN_TAIL = re.compile(rb"(?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_:\-])?")
_PLAIN_WHOLE = re.compile(rb"(?:[A-Za-z0-9_:](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_:\-])?)?")

_IRI = re.compile(rb'<[^\x00-\x20<>"{}|^`\\]*>')
_HTTP_HEAD = re.compile(rb'https?://[^\x00-\x20<>"{}|^`\\]*')
_BNODE = re.compile(rb"_:[^\x00-\x20<>\"]+")
_SUFFIX = re.compile(rb'(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^\x00-\x20<>"{}|^`\\]*>)?')
_U_ESCAPE = re.compile(rb"\\(u[0-9A-F]{4}|.)")
_RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: literals of these datatypes are written bare in Turtle when their text is the Turtle token
_BARE = {(_XSD + dt).encode(): re.compile(pattern) for dt, pattern in (
    ("boolean", rb"true|false"),
    ("integer", rb"[+-]?[0-9]+"),
    ("decimal", rb"[+-]?[0-9]*\.[0-9]+"),
    ("double", rb"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"))}

_ODD_IRI = re.compile(rb"<(?!https?://)[^<>\s]*>")  # an IRI whose scheme is not http(s)
_SLASHES = re.compile(rb"<[^<>\s]*?(?:/|#)//[^<>\s]*>")


def misread_in(text: bytes) -> set[str]:
    """Prefixes that must not be used for the IRIs written in *text* (N-Triples, or one of its
    terms): an IRI whose scheme is the prefix (``<kgorg:x>``) would be misread as a compact IRI,
    and so would a local name that starts with ``//``. (A literal holding such text only makes
    this cautious.) A match never spans two terms, so the prefixes of a document are those of its terms.

    >>> sorted(misread_in(b'<kgorg:x> <http://www.w3.org/ns/oa#//y> "z" .'))
    ['kgorg', 'oa']
    """
    out = set()
    for m in _ODD_IRI.finditer(text):
        scheme = m.group(0)[1:].split(b":", 1)[0].decode("utf-8", "replace")
        if scheme in PREFIXES:
            out.add(scheme)
    if b"///" in text or b"#//" in text:
        for m in _SLASHES.finditer(text):
            iri = m.group(0)[1:-1].decode("utf-8", "replace")
            out.update(p for p, ns in PREFIXES.items() if iri.startswith(ns + "//"))
    return out


def local_name(local: bytes) -> bytes | None:
    """*local* as a Turtle local name (PN_LOCAL), with a backslash before the characters that
    need one; None when it cannot be one (as Oxigraph's Turtle writer decides).

    >>> local_name(b"src/1-2"), local_name(b"-a."), local_name(b"a b"), local_name("名.".encode())
    (b'src\\\\/1-2', b'\\\\-a\\\\.', None, b'\\xe5\\x90\\x8d\\\\.')
    """
    if local.isascii():
        if not _ASCII_LOCAL.fullmatch(local):
            return None
        name = _ASCII_ESCAPED.sub(lambda m: b"\\" + m.group(0), local)
        if name[:1] in (b"-", b"."):
            name = b"\\" + name
        if name.endswith(b".") and len(local) > 1:
            name = name[:-1] + b"\\."
        return name
    text = local.decode("utf-8")
    if _PLAIN.fullmatch(text):
        return local
    out = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if (_FIRST if i == 0 else _LAST if i == last else _MIDDLE).match(c):
            out.append(c)
        elif c in _ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out).encode("utf-8")


def _namespaces() -> tuple[list[tuple[bytes, bytes]], bool]:
    """The project prefixes, longest namespace first, and whether every namespace ends with
    ``/`` or ``#`` (then the namespaces of an IRI are those of its part up to its last ``/`` or ``#``)."""
    order = [(p.encode(), ns.encode("utf-8")) for p, ns in sorted(PREFIXES.items(), key=lambda x: (-len(x[1]), x[0]))]
    return order, all(ns.endswith((b"/", b"#")) for _p, ns in order)


_NS_ORDER, _NS_BY_HEAD = _namespaces()


def _json_text(text: bytes) -> bytes:
    """The escaped text of an N-Triples literal as Oxigraph's JSON writer escapes it: the same
    but for ``\\uXXXX``: a control character in lower-case hex, anything else as itself."""
    def one(m):
        code = m.group(1)
        if code[:1] != b"u":
            return m.group(0)
        n = int(code[1:], 16)
        return b"\\u%04x" % n if n < 0x20 else chr(n).encode("utf-8")
    return _U_ESCAPE.sub(one, text)


class _Terms:
    """What the lines of N-Triples are written with: for each distinct term, the pieces of Turtle
    and JSON-LD that go before and after it, made once. JSON-LD does not use the prefixes of *skip*.

    A term that names misread prefixes (:func:`misread_in`) is not remembered, so that each
    document that holds it reports them."""

    def __init__(self, skip: frozenset):
        self.skip = {p.encode("utf-8") for p in skip}
        self.heads: dict[bytes, tuple] = {}
        #: IRI or blank node -> (Turtle, JSON string)
        self.names: dict[bytes, tuple[bytes, bytes]] = {}
        #: predicate -> (Turtle after the subject, after another predicate; JSON-LD the same)
        self.predicates: dict[bytes, tuple[bytes, bytes, bytes, bytes]] = {}
        #: the end of a line (object and " .") -> (Turtle, JSON-LD, what goes before the JSON-LD after another object)
        self.objects: dict[bytes, tuple[bytes, bytes, bytes]] = {}

    def size(self) -> int:
        return len(self.names) + len(self.objects) + len(self.heads)

    def name(self, term: bytes, found: set) -> tuple[bytes, bytes]:
        """(Turtle, JSON string) of an IRI or a blank node."""
        if term[:1] == b"<" and term[-1:] == b">":
            # the common case: an http(s) IRI whose part up to the last "/" or "#" (its head) is known,
            # followed by plain characters
            iri = term[1:-1]
            cut = max(iri.rfind(b"/"), iri.rfind(b"#")) + 1
            head, tail = iri[:cut], iri[cut:]
            known = self.heads.get(head, False)
            if known is False:
                known = self.heads[head] = self._head(head)
            if known is not None and known[1].fullmatch(tail):
                ttl_head, _re, js_head = known
                made = self.names[term] = (ttl_head + tail if ttl_head is not None else term,
                                           js_head + tail + b'"' if js_head is not None else b'"' + iri + b'"')
                return made
            if not _IRI.fullmatch(term):
                raise ValueError(f"not a term of canonical N-Triples: {term[:200]!r}")
            misread = misread_in(term)
            made = self._compact(iri)
        else:
            if not _BNODE.fullmatch(term):
                raise ValueError(f"not a term of canonical N-Triples: {term[:200]!r}")
            made, misread = (term, b'"' + term + b'"'), None
        if misread:
            found |= misread
        else:
            self.names[term] = made
        return made

    def predicate(self, term: bytes, found: set) -> tuple[bytes, bytes, bytes, bytes]:
        before = len(found)
        ttl, js = self.names.get(term) or self.name(term, found)
        if term == _RDF_TYPE:
            ttl = b"a"
        made = b" " + ttl + b" ", b" ;\n\t" + ttl + b" ", b"," + js + b":[", b"]," + js + b":["
        if len(found) == before and term in self.names:
            self.predicates[term] = made
        return made

    def object(self, end: bytes, found: set) -> tuple[bytes, bytes, bytes]:
        """(Turtle, JSON-LD, what goes before the JSON-LD after another object) of the object that
        ends a line (*end*, with its " .")."""
        if not end.endswith(b" ."):
            raise ValueError(f"not a line of canonical N-Triples: {end[-200:]!r}")
        term = end[:-2]
        if term[:1] == b'"':
            ttl, js, keep = self.literal(term, found)
            made = ttl, js, b","
        else:
            ttl, js = self.names.get(term) or self.name(term, found)
            made = ttl, b'{"@id":' + js + b"}", b",\n"
            keep = term in self.names
        if keep:
            self.objects[end] = made
        return made

    def literal(self, term: bytes, found: set) -> tuple[bytes, bytes, bool]:
        """(Turtle, JSON-LD value object, whether to remember them) of a literal."""
        end = term.rfind(b'"')
        text, rest = term[1:end], term[end + 1:]
        if end < 1 or not _SUFFIX.fullmatch(rest):
            raise ValueError(f"not a term of canonical N-Triples: {term[:200]!r}")
        keep = True
        if b"<" in text:
            misread = misread_in(term)
            if misread:
                found |= misread
                keep = False
        value = b'"@value":"' + (_json_text(text) if b"\\u" in text else text) + b'"}'
        if not rest:
            return term, b"{" + value, keep
        if rest[:1] == b"@":
            return term, b'{"@language":"' + rest[1:] + b'",' + value, keep
        datatype = rest[2:]
        ttl, js = self.names.get(datatype) or self.name(datatype, found)
        bare = _BARE.get(datatype[1:-1])
        return (text if bare is not None and bare.fullmatch(text) else term[:end + 1] + b"^^" + ttl,
                b'{"@type":' + js + b"," + value, keep and datatype in self.names)

    def _compact(self, iri: bytes) -> tuple[bytes, bytes]:
        """(Turtle, JSON string) of *iri*: with the prefix of the longest namespace that starts it
        (whose local name Turtle can write; that JSON-LD does not skip)."""
        ttl = js = None
        for prefix, ns in _NS_ORDER:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if js is None and prefix not in self.skip:
                    js = b'"' + prefix + b":" + local + b'"'
                if ttl is None:
                    name = local_name(local) if local else b""
                    if name is not None:
                        ttl = prefix + b":" + name
        return ttl or b"<" + iri + b">", js or b'"' + iri + b'"'

    def _head(self, head: bytes) -> tuple | None:
        """What the IRIs whose part up to their last ``/`` or ``#`` is *head* are written with, when the
        rest is plain: (Turtle of *head* or None, the pattern of a plain rest, start of the JSON string
        or None); None when *head* is not that of an http(s) IRI that names no misread prefix."""
        if not (_HTTP_HEAD.fullmatch(head) and b"///" not in head and b"#//" not in head and _NS_BY_HEAD):
            return None
        ttl = js = None
        plain = _PLAIN_TAIL
        for prefix, ns in _NS_ORDER:
            if head.startswith(ns):
                local = head[len(ns):]
                if js is None and prefix not in self.skip:
                    js = b'"' + prefix + b":" + local
                if ttl is None:
                    name = local_name(local) if local else b""
                    if name is not None:
                        ttl, plain = prefix + b":" + name, (_PLAIN_TAIL if local else _PLAIN_WHOLE)
        return ttl, plain, js


#: the terms remembered between documents, per set of prefixes that JSON-LD skips
_TERMS: dict[frozenset, _Terms] = {}
#: how many terms are remembered at most, then forgotten (a few MB; more is not faster at scale 1000)
MAX_TERMS = 20_000


def _terms(skip) -> _Terms:
    skip = frozenset(skip)
    terms = _TERMS.get(skip)
    if terms is None or terms.size() > MAX_TERMS:
        terms = _TERMS[skip] = _Terms(skip)
    return terms


def bodies_of(nt: bytes, skip=frozenset()) -> tuple[bytes, bytes, set[str]]:
    """The Turtle and the JSON-LD of the canonical N-Triples *nt*, and its misread prefixes.

    The Turtle has the triples in their order, with the prefixes of
    :data:`cppcc_kg.rdf.namespaces.PREFIXES`, without the ``@prefix`` lines. The JSON-LD has their
    node objects (one per subject, in order), comma-separated, each on a line and each IRI object
    of a list too, IRIs with the project prefixes but those of *skip*, without ``[ ]``. The misread
    prefixes are those that the JSON-LD of *nt* must not use (:func:`misread_in`).
    """
    if not nt:
        return b"", b"", set()
    terms = _terms(skip)
    names, predicates, objects = terms.names, terms.predicates, terms.objects
    found: set[str] = set()
    ttl: list[bytes] = []
    js: list[bytes] = []
    add_ttl, add_js, more_ttl, more_js = ttl.append, js.append, ttl.extend, js.extend
    last_s = last_p = S = None
    emitted: set = set()
    for line in nt.split(b"\n"):
        if not line:
            continue
        s, p, o = line.split(b" ", 2)  # (the object with the " ." that ends the line)
        if s != last_s:
            S = names.get(s) or terms.name(s, found)
            P = predicates.get(p) or terms.predicate(p, found)
            O = objects.get(o) or terms.object(o, found)
            more_ttl((b" .\n", S[0], P[0], O[0]))
            more_js((b']},\n{"@id":', S[1], P[2], O[1]))
            last_s, last_p = s, p
            emitted = set()
        elif p != last_p:
            P = predicates.get(p) or terms.predicate(p, found)
            O = objects.get(o) or terms.object(o, found)
            add_ttl(P[1])
            add_ttl(O[0])
            if p in emitted:  # (Oxigraph's JSON-LD writer starts another node object for the subject)
                more_js((b']},\n{"@id":', S[1], P[2], O[1]))
                emitted = set()
            else:
                emitted.add(last_p)
                add_js(P[3])
                add_js(O[1])
            last_p = p
        else:
            O = objects.get(o) or terms.object(o, found)
            more_ttl((b" , ", O[0]))
            more_js((O[2], O[1]))
    if not ttl:
        return b"", b"", found
    ttl[0], js[0] = b"", b'{"@id":'  # (no " .\n" nor "]},\n" before the first subject)
    ttl.append(b" .\n")
    js.append(b"]}")
    return b"".join(ttl), b"".join(js), found
