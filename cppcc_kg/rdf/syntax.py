"""Strict Turtle 1.1: parse a file or reject it with ``FILE:LINE:COLUMN: message``.

rdflib's Turtle parser is lenient (it accepts some N3 and some malformed input),
so the build parses every file with the Turtle parser of pyoxigraph, which follows
the grammar and reports positions. pyoxigraph also reads RDF 1.2 Turtle (triple
terms ``<<( … )>>``, reifiers ``~``, annotations ``{| … |}``, base directions
``@en--ltr`` and the ``VERSION`` directive); none of these is Turtle 1.1, so a
small lexer finds them and they are rejected with their position too.

The parsed triples are returned as rdflib terms. Blank nodes are renamed in the
order they first appear (``{bnode_prefix}{n}``), so the same file always gives
the same triples.

>>> triples = parse_turtle('@prefix ex: <http://example.org/> .\\nex:a ex:b "c"@zh .')
>>> [str(t) for t in triples[0]]
['http://example.org/a', 'http://example.org/b', 'c']
>>> parse_turtle('<http://e.org/a> <http://e.org/b> "c" ,\\n  .', "x.ttl")
Traceback (most recent call last):
...
cppcc_kg.errors.TurtleSyntaxError: x.ttl:2:3: ...
  -> ...
>>> blank_nodes('<http://e.org/a> <http://e.org/b> [ <http://e.org/c> () ] .')
[(1, 35, '[')]
"""
from __future__ import annotations

import bisect
import re

import pyoxigraph as ox
from rdflib import BNode

from cppcc_kg.errors import TurtleSyntaxError
from cppcc_kg.rdf.store import from_ox

_POSITION = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")

# A lexer for text that pyoxigraph already accepted: it only has to tell comments,
# IRIs and strings apart from the tokens that matter here.
_LEXER = re.compile(r'''
  (?P<comment>\#[^\r\n]*)
| (?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""
           |'\'\'(?:(?:'|'')?(?:[^'\\]|\\.))*'\'\'
           |"(?:[^"\\\r\n]|\\.)*"
           |'(?:[^'\\\r\n]|\\.)*')
| (?P<triple_term><<)
| (?P<iri><[^>]*>)
| (?P<close>>>)
| (?P<annotation>\{\|)
| (?P<reifier>~)
| (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?P<direction>--[A-Za-z]+)?)
| (?P<bnode_label>_:)
| (?P<anon>\[)
| (?P<nil>\((?:\s|\#[^\r\n]*)*\))
| (?P<collection>\()
| (?P<name>(?:[^\s\\<>"'\#@\[\](){},;~|^]|\\.)+)
''', re.VERBOSE | re.DOTALL)

_RDF12_WHAT = {
    "triple_term": "RDF 1.2 triple term or reified triple '<<' is not Turtle 1.1",
    "close": "RDF 1.2 '>>' is not Turtle 1.1",
    "annotation": "RDF 1.2 annotation '{|' is not Turtle 1.1",
    "reifier": "RDF 1.2 reifier '~' is not Turtle 1.1",
    "direction": "RDF 1.2 base direction on a language tag ('--ltr', '--rtl') is not Turtle 1.1",
    "version": "RDF 1.2 VERSION directive is not Turtle 1.1",
}


class _Positions:
    """Map a code-point index of *text* to a 1-based (line, column)."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def _tokens(text: str):
    """Yield (kind, index, match) for the tokens of *text* that the checks need."""
    previous = None
    for m in _LEXER.finditer(text):
        kind = m.lastgroup
        if kind == "direction":  # the outer group of a language tag
            kind = "at"
        if kind == "at":
            # "x"@version is a language tag; a directive @version starts a statement
            is_tag = previous is not None and previous.lastgroup == "string" and previous.end() == m.start()
            if m.group("direction") and is_tag:
                yield "direction", m.start("direction"), m
            elif not is_tag and m.group(0).lower() == "@version":
                yield "version", m.start(), m
        elif kind == "name" and m.group(0).upper() == "VERSION":
            yield "version", m.start(), m
        elif kind not in ("comment", "string", "iri", "name"):
            yield kind, m.start(), m
        previous = m


def rdf12_features(text: str) -> list[tuple[int, int, str]]:
    """Positions of RDF 1.2 syntax in Turtle *text*: [(line, column, message)].

    Meant for text that a Turtle 1.2 parser accepted.

    >>> rdf12_features('<http://e.org/a> <http://e.org/b> "x"@en--ltr .')
    [(1, 41, "RDF 1.2 base direction on a language tag ('--ltr', '--rtl') is not Turtle 1.1")]
    >>> rdf12_features('<http://e.org/a> <http://e.org/b> "<<~{|"@version .')
    []
    """
    pos = _Positions(text)
    return [(*pos(i), _RDF12_WHAT[kind]) for kind, i, _ in _tokens(text) if kind in _RDF12_WHAT]


_DIRECTION = re.compile(rb"@[A-Za-z]+(?:-[A-Za-z0-9]+)*--[A-Za-z]")  # "x"@en--ltr (IRIs may hold "--")


def might_be_rdf12(data: bytes | str) -> bool:
    """False when *data* certainly holds no RDF 1.2 syntax (none of its marks occurs anywhere).

    A fast test on the raw text, so that :func:`rdf12_features` (a lexer in Python)
    runs only on the rare files that might need it.

    >>> might_be_rdf12(b'<http://e.org/a--b> <http://e.org/b> "x"@zh .')
    False
    >>> might_be_rdf12(b'<http://e.org/a> <http://e.org/b> "x"@en--ltr .')
    True
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    # (the plain tests first: a case-insensitive search, or one from every "@", is slower; a search for
    # one byte is several times faster than for two, so "{|" is looked for only where "{" occurs)
    return (b"~" in data or (b"{" in data and b"{|" in data) or b"<<" in data or b">>" in data
            or b"version" in data.lower() or (b"--" in data and _DIRECTION.search(data) is not None))


def blank_nodes(text: str) -> list[tuple[int, int, str]]:
    """Positions of the blank nodes written in Turtle *text*: [(line, column, token)].

    ``_:label``, ``[`` (property lists and ``[]``) and non-empty collections ``( … )``
    make blank nodes; the empty collection ``()`` is ``rdf:nil``.
    """
    pos = _Positions(text)
    kinds = {"bnode_label": "_:", "anon": "[", "collection": "("}
    return [(*pos(i), kinds[kind]) for kind, i, _ in _tokens(text) if kind in kinds]


def _clean_message(message: str) -> str:
    return _POSITION.sub("", str(message)).strip()


def _hint(detail: str) -> str | None:
    if "No scheme found" in detail or "relative IRI" in detail.lower():
        return ("use an absolute IRI or a prefixed name: relative IRIs are not allowed "
                "(the project files have no base IRI).")
    if "prefix" in detail.lower() and "not" in detail.lower():
        return "declare the prefix with @prefix at the top of the file (see docs/curation.md)."
    return None


def to_rdflib(term, bnodes: dict, bnode_prefix: str):
    """:func:`cppcc_kg.rdf.store.from_ox`, with blank nodes named in order of appearance."""
    if isinstance(term, ox.BlankNode):
        label = bnodes.get(term.value)
        if label is None:
            label = bnodes[term.value] = f"{bnode_prefix}{len(bnodes)}"
        return BNode(label)
    return from_ox(term)




def decode_utf8(data: bytes | str, path: str) -> str:
    """*data* as text; :class:`TurtleSyntaxError` at the first byte that is not UTF-8.

    >>> decode_utf8(b"ab\\n\\xff", "x.ttl")
    Traceback (most recent call last):
    ...
    cppcc_kg.errors.TurtleSyntaxError: x.ttl:2:1: invalid UTF-8 byte 0xff
      -> save the file as UTF-8.
    """
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode("utf-8", errors="replace")
        line, col = _Positions(text)(len(text))
        raise TurtleSyntaxError(path, line, col, f"invalid UTF-8 byte {data[exc.start]:#04x}",
                                "save the file as UTF-8.") from None


def parse_turtle(data: bytes | str, path: str = "<string>", *, base_iri: str | None = None,
                 bnode_prefix: str = "b") -> list[tuple]:
    """Parse *data* as strict Turtle 1.1 and return its triples as rdflib terms.

    Parameters
    ----------
    data : bytes or str
        The Turtle document (bytes are decoded as UTF-8).
    path : str
        Shown in error messages, as ``path:line:column``.
    base_iri : str, optional
        Base IRI for relative IRIs; without one, a relative IRI is an error.
    bnode_prefix : str
        Blank nodes are named ``{bnode_prefix}{n}`` in order of first appearance.

    Raises
    ------
    TurtleSyntaxError
        With the 1-based line and column (in code points) of the first error.

    Examples
    --------
    >>> len(parse_turtle("<http://e.org/a> <http://e.org/b> (1 2) ."))
    5
    """
    text = decode_utf8(data, path)
    try:
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    except SyntaxError as exc:
        detail = _clean_message(exc.msg if getattr(exc, "msg", None) else exc)
        line = exc.lineno or 1
        col = exc.offset or 1
        raise TurtleSyntaxError(path, line, col, detail, _hint(detail)) from None
    features = rdf12_features(text)
    if features:
        line, col, what = features[0]
        raise TurtleSyntaxError(path, line, col, what,
                                "write it as Turtle 1.1 (use an rdf:Statement node instead of triple terms).")
    bnodes: dict[str, str] = {}
    triples = []
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, ox.Triple) or (isinstance(term, ox.Literal) and term.direction is not None):
                raise TurtleSyntaxError(path, 1, 1, "RDF 1.2 syntax is not Turtle 1.1")
        triples.append(tuple(to_rdflib(t, bnodes, bnode_prefix) for t in (q.subject, q.predicate, q.object)))
    return triples


def check_no_blank_nodes(data: bytes | str, path: str = "<string>") -> None:
    """Raise :class:`TurtleSyntaxError` at the first blank node of *data*.

    >>> check_no_blank_nodes('<http://e.org/a> <http://e.org/b> _:x .', "g.ttl")
    Traceback (most recent call last):
    ...
    cppcc_kg.errors.TurtleSyntaxError: g.ttl:1:35: blank node '_:' ...
      -> ...
    """
    found = blank_nodes(decode_utf8(data, path))
    if found:
        line, col, token = found[0]
        raise TurtleSyntaxError(
            path, line, col,
            f"blank node '{token}' in a graph/ file ({len(found)} in this file)",
            "give the thing an IRI minted by the rules of docs/curation.md: no blank nodes in graph/.")
