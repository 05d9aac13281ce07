"""The text of a SPARQL query: its tokens, prologue and dataset clauses, positions and excerpts.

The lexer is approximate about the grammar but exact about strings, IRIs and comments,
which is what :mod:`cppcc_kg.sparql.guard` needs to find keywords (update keywords,
``SERVICE``, ``FROM [NAMED] iri``) outside them, and to point at the place of a syntax
error (:func:`position`, :func:`excerpt`, with the width of wide CJK characters).

>>> prologue_and_dataset(tokenize("PREFIX g: <graph/> SELECT * FROM NAMED g:m {}"))
({'g': 'https://w3id.org/cppcc-kg/graph/'}, [('named', 'https://w3id.org/cppcc-kg/graph/m')])
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin

from cppcc_kg.rdf.namespaces import BASE

#: the base IRI against which relative IRIs of queries are resolved: the namespace of cppcc-kg
BASE_IRI = BASE
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass
class Token:
    kind: str  # ws, comment, string, iri, var, pname, word, langtag, number, punct
    value: str
    start: int


_STRING_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n\r]|\\.)*"?'
    r"|'(?:[^'\\\n\r]|\\.)*'?",
    re.S,
)
_IRIREF_RE = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_NAME_CHARS = r"A-Za-z0-9_\u00B7\u00C0-\U000EFFFF"
_VAR_RE = re.compile(rf"[?$][{_NAME_CHARS}]+")
_LANGTAG_RE = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_WORD_RE = re.compile(rf"[A-Za-z_\u00C0-\U000EFFFF][{_NAME_CHARS}\-.]*")
_PNAME_LOCAL_RE = re.compile(rf"(?:[{_NAME_CHARS}\-.:%]|\\.)*")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_WS_RE = re.compile(r"\s+")
_COMMENT_RE = re.compile(r"#[^\n\r]*")


def tokenize(text: str) -> list[Token]:
    """Split *text* into SPARQL tokens (approximate, but exact about strings, IRIs and comments).

    >>> [t.value for t in tokenize('SELECT ?s WHERE { ?s a "x # y" } # c') if t.kind != "ws"]
    ['SELECT', '?s', 'WHERE', '{', '?s', 'a', '"x # y"', '}', '# c']
    >>> [t.kind for t in tokenize("ex:service <http://a/b#c> @en")]
    ['pname', 'ws', 'iri', 'ws', 'langtag']
    """
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        m = None
        kind = "punct"
        if c.isspace():
            m, kind = _WS_RE.match(text, i), "ws"
        elif c == "#":
            m, kind = _COMMENT_RE.match(text, i), "comment"
        elif c in "\"'":
            m, kind = _STRING_RE.match(text, i), "string"
        elif c == "<":
            m = _IRIREF_RE.match(text, i)
            kind = "iri" if m else "punct"
        elif c in "?$":
            m = _VAR_RE.match(text, i)
            kind = "var" if m else "punct"
        elif c == "@":
            m = _LANGTAG_RE.match(text, i)
            kind = "langtag" if m else "punct"
        elif c == ":":
            m, kind = _PNAME_LOCAL_RE.match(text, i + 1), "pname"
            out.append(Token(kind, text[i:m.end()].rstrip("."), i))
            i += len(out[-1].value)
            continue
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m, kind = _NUMBER_RE.match(text, i), "number"
        elif _WORD_RE.match(text, i):
            m = _WORD_RE.match(text, i)
            word = m.group().rstrip(".")
            end = i + len(word)
            if end < n and text[end] == ":":
                local = _PNAME_LOCAL_RE.match(text, end + 1)
                value = text[i:local.end()].rstrip(".")
                out.append(Token("pname", value, i))
                i += len(value)
                continue
            out.append(Token("word", word, i))
            i = end
            continue
        if m is None or m.end() == i:
            out.append(Token("punct", c, i))
            i += 1
            continue
        out.append(Token(kind, m.group(), i))
        i = m.end()
    return out


_UNICODE_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_unicode_escapes(text: str) -> str:
    r"""Expand ``\uXXXX`` and ``\UXXXXXXXX`` everywhere, as SPARQL 1.1 (and rdflib) do before parsing.

    >>> expand_unicode_escapes(r"\u0053ERVICE")
    'SERVICE'
    """

    def repl(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group(0)

    return _UNICODE_ESCAPE_RE.sub(repl, text)


def significant(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def keywords(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind == "word"]


def unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


def prologue_and_dataset(tokens: list[Token]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Prefixes declared and the FROM / FROM NAMED clauses, with IRIs resolved."""
    sig = significant(tokens)
    base = ""
    prefixes: dict[str, str] = {}
    dataset: list[tuple[str, str]] = []

    def resolve(tok: Token) -> str:
        if tok.kind == "iri":
            return urljoin(base or BASE_IRI, tok.value[1:-1])
        if tok.kind == "pname":
            prefix, _, local = tok.value.partition(":")
            return prefixes.get(prefix, f"{prefix}:") + unescape_local(local)
        return tok.value

    i = 0
    while i < len(sig):
        tok = sig[i]
        upper = tok.value.upper() if tok.kind == "word" else ""
        if upper == "BASE" and i + 1 < len(sig):
            base = resolve(sig[i + 1])
            i += 2
            continue
        if upper == "PREFIX" and i + 2 < len(sig):
            prefixes[sig[i + 1].value.rstrip(":")] = resolve(sig[i + 2])
            i += 3
            continue
        if upper == "FROM":
            kind = "default"
            j = i + 1
            if j < len(sig) and sig[j].kind == "word" and sig[j].value.upper() == "NAMED":
                kind, j = "named", j + 1
            if j < len(sig):
                dataset.append((kind, resolve(sig[j])))
            i = j + 1
            continue
        i += 1
    return prefixes, dataset


def query_form(text: str) -> str | None:
    """The form of a query (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), or None.

    >>> query_form("PREFIX a: <x:> # SELECT\\n ask {}")
    'ASK'
    """
    for tok in keywords(tokenize(text)):
        upper = tok.value.upper()
        if upper in QUERY_FORMS:
            return upper
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character *offset* of *text*.

    >>> position("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def excerpt(text: str, line: int, column: int, context: int = 2, width: int = 100) -> str:
    """The lines around (line, column) with a caret under the column.

    The caret counts wide (CJK) characters as two terminal columns. A line longer than
    *width* characters is shown as the part of *width* characters around the column
    (the same part of each line shown), with ``…`` where it is cut.

    >>> print(excerpt("SELECT *\\nWHERE { ?s ?p }", 2, 15))
        1 | SELECT *
        2 | WHERE { ?s ?p }
          |               ^
    >>> print(excerpt("a" * 300, 1, 250, width=20))
        1 | …aaaaaaaaaaaaaaaaaaaa…
          |                 ^
    """
    lines = text.splitlines() or [""]
    line = max(1, min(line, len(lines)))
    shown = range(max(1, line - context), min(len(lines), line + context) + 1)
    start = max(0, column - 1 - width + width // 4) if max(len(lines[no - 1]) for no in shown) > width else 0
    out = []
    for no in shown:
        full = lines[no - 1]
        cut = len(full) > width
        head = "…" if cut and start else ""
        tail = "…" if cut and len(full) > start + width else ""
        out.append(f"{no:5d} | {head}{full[start:start + width] if cut else full}{tail}")
        if no == line:
            before = full[start:max(start, column - 1)] if cut else full[:max(0, column - 1)]
            out.append("      | " + " " * display_width(head + before) + "^")
    return "\n".join(out)


def char_width(ch: str) -> int:
    """Columns a character takes on a terminal: 2 for wide (CJK) characters, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns *text* takes on a terminal.

    >>> display_width("赤峰 ab")
    7
    """
    return sum(char_width(ch) for ch in text)
