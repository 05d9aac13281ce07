"""Which SHACL constraints are local to their focus node, and what they read.

A constraint is *local* when its verdict on a focus node ``x`` depends only on the triples of
its **neighbourhood** and on **schema triples**:

* the neighbourhood of ``x``: the triples whose subject or object is ``x``; the triples whose
  subject is a neighbour ``y`` of ``x`` (``x p y`` or ``y p x``); the triples whose object is an
  in-neighbour ``y`` (``y p x``);
* the schema triples: every triple whose predicate is one of the constraint's *schema predicates*
  (``rdfs:subClassOf`` for ``sh:class`` and ``sh:targetClass``; in a SPARQL constraint, the predicates
  of the triple patterns that are not read from the focus or a neighbour, and the steps of a path
  after its first), wherever such triples are.

The compiled property shapes (counts, ``sh:class``, ``sh:languageIn``, …) and the targets
(``sh:targetClass``, ``sh:targetSubjectsOf``) are local by construction (their values are one step
from the focus; ``sh:class`` reads the value's types). A SPARQL constraint is local when
:func:`sparql_locality` proves it from its text: each triple pattern reads from ``$this``, from a
variable that a pattern in scope links to ``$this`` in one step, or has constant predicates only
(schema triples); anything it cannot read (a variable predicate elsewhere, a path it does not know,
``GRAPH``, ``VALUES``, ``BIND``, a sub-query, …) makes the constraint non-local: it then runs on the
whole graph, as always.

>>> loc = sparql_locality("SELECT $this WHERE { $this ex:p ?o . ?o ex:q ?z }", {"ex": "http://e.org/"})
>>> loc.local, sorted(loc.schema), loc.reads["out of out-neighbours"]
(True, [], {'http://e.org/q'})
>>> loc = sparql_locality("SELECT $this WHERE { $this ex:p ?o . ?o ex:q ?z . ?z ?r ?w }", {"ex": "http://e.org/"})
>>> loc.local, loc.reason
(False, 'the pattern ?z ?r ?w reads beyond the neighbourhood of $this')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cppcc_kg.validate.shacl_plan import _TOKEN

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
#: words that end a block of triple patterns and open something this analysis follows
_GROUP_WORDS = {"OPTIONAL", "MINUS", "UNION", "FILTER", "NOT", "EXISTS"}
#: words after which the analysis gives up (the constraint is then treated as non-local)
_UNKNOWN_WORDS = {"VALUES", "BIND", "GRAPH", "SERVICE", "SELECT", "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING"}
_STEP = re.compile(r"^(\^?)(<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|a)([*+?]?)$")
_VAR = re.compile(r"^[?$][A-Za-z_]\w*$")


class NotLocal(ValueError):
    """A SPARQL constraint that cannot be shown local."""


#: what a local constraint reads of its focus node's neighbours besides their links to it: the
#: predicates of the triples whose subject is an out-neighbour, whose subject is an in-neighbour,
#: and whose object is an in-neighbour (``*``: any predicate)
READS = ("out of out-neighbours", "out of in-neighbours", "into in-neighbours")


@dataclass
class Locality:
    """``local``: whether the constraint is local; ``schema``: its schema predicates (IRIs);
    ``reads``: :data:`READS` -> predicates; ``reason``: why it is not local."""

    local: bool
    schema: set[str] = field(default_factory=set)
    reads: dict[str, set[str]] = field(default_factory=dict)
    reason: str = ""


def _expand(token: str, prefixes: dict[str, str]) -> str:
    if token == "a":
        return RDF_TYPE
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        raise NotLocal(f"unknown prefix in {token}")
    return prefixes[prefix] + local


def _path(token: str, prefixes: dict[str, str]) -> list[tuple[str, bool, str]] | None:
    """The steps ``(iri, inverse, modifier)`` of a predicate token; ``None`` for a variable."""
    if _VAR.match(token):
        return None
    steps = []
    for part in re.split(r"/(?![^<]*>)", token):
        m = _STEP.match(part)
        if not m:
            raise NotLocal(f"the path {token} is not a sequence of IRIs")
        steps.append((_expand(m.group(2), prefixes), m.group(1) == "^", m.group(3)))
    return steps


_IRI = r"<[^<>\"{}|^`\\\s]*>"
_PNAME = r"(?:[A-Za-z][\w-]*)?:(?:[\w-](?:[\w.-]*[\w-])?)?"
_STEP_TEXT = r"\^?(?:" + _IRI + "|" + _PNAME + r"|a(?![\w:]))[*+?]?"
#: the terms of a block of triple patterns, read strictly (whitespace between them is free, as in SPARQL): a
#: number keeps no final dot (``1011.`` is 1011 and the end of a pattern), ``?a.?a`` is two variables; what
#: this does not know (``[``, ``(``, ``!``, ``|``, a bare word) stops the reading
_STRING = "|".join([  # noqa: FLY002  (one alternative per line: the quotes of each differ)
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\]|\\.)*"',
    r"'(?:[^'\\]|\\.)*'",
])
_TERM = re.compile(
    r"\s*(?:(?P<string>" + _STRING + ")"
    r"|(?P<suffix>@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:" + _IRI + "|" + _PNAME + "))"
    r"|(?P<punct>[.;,])"
    r"|(?P<var>[?$][A-Za-z_]\w*)"
    r"|(?P<number>[+-]?(?:\d+\.\d+|\.\d+|\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<boolean>(?:true|false)(?![\w:]))"
    r"|(?P<path>" + _STEP_TEXT + r"(?:\s*/\s*" + _STEP_TEXT + ")*))")


def _terms(words: list[str]) -> list[str]:
    """The terms and marks (``.``, ``;``, ``,``) of a block of triple patterns written as *words*.

    >>> _terms(["$this", "ex:p", "1011.", "?o", "ex:q/ex:r", "?a.?a", "rdfs:label", '"x"', "@en"])
    ['$this', 'ex:p', '1011', '.', '?o', 'ex:q/ex:r', '?a', '.', '?a', 'rdfs:label', '"x"@en']
    """
    text, pos, out = " ".join(words), 0, []
    while pos < len(text) and text[pos:].strip():
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise NotLocal(f"cannot read {text[pos:].strip()[:40]!r} as triple patterns")
        kind, term = m.lastgroup, m.group(m.lastgroup)
        if kind == "suffix":
            if not out or not out[-1].startswith(('"', "'")):
                raise NotLocal(f"{term} follows no string")
            out[-1] += term
        else:
            out.append(re.sub(r"\s+", "", term) if kind == "path" else term)
        pos = m.end()
    return out


def _patterns(words: list[str]) -> list[tuple[str, str, str]]:
    """The triple patterns ``(s, p, o)`` of a block of triple patterns written as *words*; a term where a mark
    is due (two objects without a comma between them) is no pattern this reads."""
    out, s, p, expect = [], None, None, "s"
    for t in _terms(words):
        if t in (";", ",", "."):
            if expect != "mark":
                raise NotLocal(f"{t} where a term is due")
            expect = {";": "p", ",": "o", ".": "s"}[t]
            continue
        if expect == "mark":
            raise NotLocal(f"{t} where a mark (. ; ,) is due")
        if expect == "s":
            s, expect = t, "p"
        elif expect == "p":
            p, expect = t, "o"
        else:
            out.append((s, p, t))
            expect = "mark"
    if expect not in ("s", "mark"):
        raise NotLocal("an unfinished triple pattern")
    return out


def _merge(roles: dict[str, str], var: str, role: str) -> None:
    """*var* is an out- or in-neighbour of ``$this`` (``both`` when it is each, by two patterns)."""
    roles[var] = role if roles.get(var, role) == role else "both"


def _norm(term: str) -> str:
    return "?this" if term == "$this" else ("?" + term[1:] if term.startswith("$") else term)


class _Analysis:
    """The walk over the groups of one ``WHERE`` clause."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self.schema: set[str] = set()
        self.reads: dict[str, set[str]] = {kind: set() for kind in READS}

    def group(self, tokens: list, i: int, inherited: dict[str, str]) -> int:
        """Analyse the group whose body starts at ``tokens[i]``; return the index after its ``}``."""
        items: list = []  # ("bgp", words) or ("group", start index)
        words: list[str] = []
        while True:
            if i >= len(tokens):
                raise NotLocal("an unclosed group")
            kind, text = tokens[i].lastgroup, tokens[i].group(0)
            upper = text.upper()
            if kind == "close":
                break
            if kind == "open":
                items.append(("bgp", words))
                words = []
                items.append(("group", i + 1))
                i = self.skip(tokens, i + 1)
                continue
            if kind == "word" and upper.startswith("FILTER("):
                i = self.skip_expression(tokens, i)
                continue
            if kind == "word" and upper == "FILTER" and i + 1 < len(tokens) and tokens[i + 1].group(0).startswith("("):
                i = self.skip_expression(tokens, i + 1)
                continue
            if kind == "word" and upper in _GROUP_WORDS:
                items.append(("bgp", words))
                words = []
                i += 1
                continue
            if kind == "word" and upper.rstrip("(") in _UNKNOWN_WORDS:
                raise NotLocal(f"{text} is not analysed")
            words.append(text)
            i += 1
        items.append(("bgp", words))
        patterns = [pat for kind, w in items if kind == "bgp" for pat in _patterns(w)]
        roles = dict(inherited)
        for pat in patterns:  # the variables one step from $this, in this group
            read = self.read(pat)
            if read is None or read[1] is None:
                continue
            ts, to = read[0], read[1]
            if ts == "?this" and _VAR.match(to) and to != "?this":
                _merge(roles, to, "out")
            if to == "?this" and _VAR.match(ts) and ts != "?this":
                _merge(roles, ts, "in")
        for pat in patterns:
            self.pattern(pat, roles)
        for kind, start in items:
            if kind == "group":
                self.group(tokens, start, roles)
        return i + 1

    def skip(self, tokens: list, i: int) -> int:
        depth = 1
        while i < len(tokens) and depth:
            depth += {"open": 1, "close": -1}.get(tokens[i].lastgroup, 0)
            i += 1
        if depth:
            raise NotLocal("an unclosed group")
        return i

    def skip_expression(self, tokens: list, i: int) -> int:
        """Skip the parenthesised expression that starts at ``tokens[i]`` (no group inside)."""
        depth = 0
        while i < len(tokens):
            kind, text = tokens[i].lastgroup, tokens[i].group(0)
            if kind in ("open", "close"):
                raise NotLocal("EXISTS inside an expression is not analysed")
            if kind == "word":
                depth += text.count("(") - text.count(")")
            i += 1
            if depth <= 0 and kind == "word" and ")" in text:
                return i
        raise NotLocal("an unclosed expression")

    def read(self, pat: tuple[str, str, str]):
        """``(subject term, object term, predicate or '*', schema steps)`` of the triple that the first
        step of *pat* reads (object ``None``: the step leads on to more steps); ``None``: a path whose
        every predicate is read as schema."""
        s, p, o = (_norm(t) for t in pat)
        if _VAR.match(p):
            return s, o, "*", []
        steps = _path(p, self.prefixes)
        iri, inverse, modifier = steps[0]
        if modifier:
            return None
        if len(steps) == 1:
            return (o, s, iri, []) if inverse else (s, o, iri, [])
        return None if inverse else (s, None, iri, steps[1:])

    def pattern(self, pat: tuple[str, str, str], roles: dict[str, str]) -> None:
        """Check one triple pattern; add what it reads from the neighbours and the schema predicates."""
        read = self.read(pat)
        if read is None:  # constant predicates: schema triples, read wherever they are
            self.schema.update(iri for iri, _inverse, _mod in _path(_norm(pat[1]), self.prefixes))
            return
        ts, to, pred, rest = read
        if ts == "?this" or (to == "?this" and not rest):
            pass  # the focus node's own triples: always read again when they change
        elif ts in roles:
            for role in ("out", "in") if roles[ts] == "both" else (roles[ts],):
                self.reads[f"out of {role}-neighbours"].add(pred)
        elif to is not None and roles.get(to) in ("in", "both"):
            self.reads["into in-neighbours"].add(pred)
        elif pred != "*":
            self.schema.update([pred, *(iri for iri, _inverse, _mod in rest)])
            return
        else:
            raise NotLocal(f"the pattern {' '.join(pat)} reads beyond the neighbourhood of $this")
        self.schema.update(iri for iri, _inverse, _mod in rest)


def sparql_locality(select: str, prefixes: dict[str, str]) -> Locality:
    """Whether the SPARQL constraint *select* (with ``$this``) is local, and its schema predicates."""
    m = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if not m:
        return Locality(False, reason="no WHERE clause")
    tokens = [t for t in _TOKEN.finditer(select, m.end()) if t.lastgroup != "comment"]
    analysis = _Analysis(prefixes)
    try:
        end = analysis.group(tokens, 0, {})
        if tokens[end:]:
            raise NotLocal("something after the WHERE clause")
    except NotLocal as exc:
        return Locality(False, reason=str(exc))
    return Locality(True, analysis.schema, analysis.reads)
