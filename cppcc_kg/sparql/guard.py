"""Check a SPARQL query before anything runs it: syntax, size and what it may touch.

Our stores are read-only and closed. A query is refused, before any store sees it,
when it is an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` …), when it uses
``SERVICE`` (both rdflib and Oxigraph would send it to another server), and when
``FROM`` / ``FROM NAMED`` name anything but one of our own graphs (rdflib would fetch
the IRI, from the web or a ``file://`` path). Syntax is checked with Oxigraph's
parser, which is stricter than rdflib's, plus the "longest token" rule for IRIs
that Oxigraph does not apply (``?x<?a&&?b>?y`` is an IRI between two variables,
hence invalid).

How it stays closed: a text reaches Oxigraph's parser only when it cannot contain
the word ``SERVICE`` (otherwise a copy where ``SERVICE`` is replaced by ``GRAPH``, which
has the same grammar, is checked instead); a small lexer (:mod:`cppcc_kg.sparql.text`) finds the keywords
(update keywords, ``SERVICE``, ``FROM [NAMED] iri``) outside strings, IRIs and
comments, both in the text as written and with ``\\u`` escapes expanded (rdflib
expands them before parsing).

>>> info = check_query("PREFIX kg: <https://w3id.org/cppcc-kg/graph/>\\n"
...                    "SELECT * FROM kg:metrics WHERE { ?s ?p ?o }",
...                    allowed_graphs={"https://w3id.org/cppcc-kg/graph/metrics"})
>>> info.form, info.dataset
('SELECT', [('default', 'https://w3id.org/cppcc-kg/graph/metrics')])
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
cppcc_kg.sparql.guard.QueryRefused: SERVICE is not allowed: this endpoint queries only its own graph and makes no request to other servers.
>>> try:
...     check_query("SELECT ?s\\nWHERE { ?s ?p ?o }\\nLIMIT ten")
... except SparqlSyntaxError as e:
...     print(e.line, e.column, e.detail)
3 7 unexpected 'ten': expected a number
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.plugins.sparql.parserutils import CompValue

from cppcc_kg.errors import KGError
from cppcc_kg.sparql.nesting import nesting_problem
from cppcc_kg.sparql.stack import on_big_stack
from cppcc_kg.sparql.text import (
    BASE_IRI,
    Token,
    excerpt,
    expand_unicode_escapes,
    keywords,
    position,
    prologue_and_dataset,
    query_form,
    significant,
    tokenize,
)

#: keywords that only SPARQL Update uses
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
#: default maximum size of a query text, in characters
DEFAULT_MAX_QUERY_CHARS = 100_000


class QueryError(KGError):
    """A query that cannot run. ``status`` is the HTTP status the endpoint answers with."""

    status = 400
    exit_code = 2


class SparqlSyntaxError(QueryError):
    """A query that is not valid SPARQL 1.1, with the 1-based line and column of the error."""

    status = 400

    def __init__(self, text: str, line: int, column: int, detail: str, source: str = "query"):
        self.text, self.line, self.column, self.detail, self.source = text, int(line), int(column), detail, source
        super().__init__(
            f"{source}:{self.line}:{self.column}: SPARQL syntax error: {detail}\n{excerpt(text, self.line, self.column)}",
            "fix the query at that position (it must be a SPARQL 1.1 query).",
        )


class QueryRefused(QueryError):
    """A valid query that this read-only, closed service will not run."""

    status = 403

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint)


class QueryTooLarge(QueryError):
    """A query text longer than the configured maximum."""

    status = 413


@dataclass
class QueryInfo:
    """What :func:`check_query` learnt about a valid query."""

    form: str
    dataset: list[tuple[str, str]] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)



# ---------------------------------------------------------------- syntax

_SERVICE_WORD_RE = re.compile(r"(?<![\w?$@:\\-])service(?![\w:-])", re.I)
_SERVICE_SILENT_RE = re.compile(r"(?<![\w?$@:\\-])service((?:\s|#[^\n\r]*[\n\r])+silent)?(?![\w:-])", re.I)


def _without_service(text: str) -> str:
    """Replace each word SERVICE [SILENT] by GRAPH (same grammar, but evaluated locally)."""
    return _SERVICE_SILENT_RE.sub("GRAPH", text)


def _neutral_iris(text: str) -> str:
    """Replace the content of every IRI token (longest match) by an inert absolute IRI."""
    parts, last = [], 0
    for tok in tokenize(text):
        if tok.kind == "iri" and len(tok.value) > 4:
            parts.append(text[last:tok.start])
            parts.append("<x:" + "x" * (len(tok.value) - 4) + ">")
            last = tok.start + len(tok.value)
    parts.append(text[last:])
    return "".join(parts)


_ERROR_AT_RE = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _tidy_expected(detail: str) -> str:
    """Shorten Oxigraph's list of expected tokens (it lists whole character classes)."""
    detail = re.sub(r"\[[^\]]*'\.\.=[^\]]*\]", "a name", detail.replace("\n", " "))
    detail = re.sub(r"^(expected )?one of ([A-Z][a-z]+ )", r"\2", detail)
    detail = detail.replace("[_]", "").replace(", ,", ",")
    detail = re.sub(r"(, a name)+", ", a name", detail)
    detail = re.sub(r"\s+", " ", detail).strip(" ,")
    if len(detail) > 300:
        detail = detail[:300].rsplit(",", 1)[0] + ", …"
    return detail


def _oxigraph_check(text: str, source: str, original: str) -> None:
    try:
        ox.Store().query(text, base_iri=BASE_IRI)
    except SyntaxError as exc:
        m = _ERROR_AT_RE.match(str(exc))
        if m:
            raise SparqlSyntaxError(original, int(m.group(1)), int(m.group(2)), _tidy_expected(m.group(3)), source) from None
        raise SparqlSyntaxError(original, 1, 1, str(exc), source) from None
    except Exception:  # an evaluation error on the empty store is not a syntax error
        pass



def check_syntax(text: str, source: str = "query") -> None:
    """Raise :class:`SparqlSyntaxError` unless *text* is a valid SPARQL 1.1 query.

    Oxigraph's parser runs on a thread with a large stack (:mod:`cppcc_kg.sparql.stack`):
    no text within the length limit can overflow it.

    >>> check_syntax("ASK {}")
    >>> check_syntax("SELECT * WHERE { FILTER (?x<?a&&?b>?y) }")
    Traceback (most recent call last):
    ...
    cppcc_kg.sparql.guard.SparqlSyntaxError: query:1:28: SPARQL syntax error: an IRI is expected here: ...
    """
    on_big_stack(_check_syntax, text, source)


def _check_syntax(text: str, source: str) -> None:
    safe = _without_service(text) if _SERVICE_WORD_RE.search(text) else text
    try:
        _oxigraph_check(safe, source, text)
    except SparqlSyntaxError as exc:
        raise _refine(text, exc, source) from None
    neutral = _neutral_iris(safe)
    if neutral != safe:
        try:
            _oxigraph_check(neutral, source, text)
        except SparqlSyntaxError as exc:
            # report where the IRI token that Oxigraph read differently starts
            lines = safe.split("\n")
            offset = sum(len(x) + 1 for x in lines[: exc.line - 1]) + exc.column - 1
            iris = [t for t in tokenize(safe) if t.kind == "iri" and t.start <= offset]
            line, column = position(safe, iris[-1].start) if iris else (exc.line, exc.column)
            raise SparqlSyntaxError(
                text, line, column,
                "an IRI is expected here: by the longest-token rule, '<' followed by characters "
                "allowed in an IRI and then '>' is an IRI, not a comparison (put spaces around '<' "
                f"and '>' to compare) — {exc.detail}",
                source,
            ) from None


_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _lexical_problem(text: str, tokens: list[Token] | None = None) -> tuple[int, str] | None:
    """The first plain lexical mistake of *text* (its *tokens*): an open string, bracket or undeclared prefix."""
    tokens = tokenize(text) if tokens is None else tokens
    stack: list[Token] = []
    for tok in tokens:
        if tok.kind == "string":
            quote = tok.value[:3] if tok.value[:3] in ('"""', "'''") else tok.value[0]
            if len(tok.value) < 2 * len(quote) or not tok.value.endswith(quote):
                return tok.start, "this string is not closed"
        elif tok.kind == "punct" and tok.value in "([{":
            stack.append(tok)
        elif tok.kind == "punct" and tok.value in ")]}":
            if not stack or stack[-1].value != _CLOSERS[tok.value]:
                opened = f" (the last open bracket is '{stack[-1].value}')" if stack else ""
                return tok.start, f"'{tok.value}' closes nothing{opened}"
            stack.pop()
    if stack:
        return stack[-1].start, f"'{stack[-1].value}' is never closed"
    prefixes, _ = prologue_and_dataset(tokens)
    sig = significant(tokens)
    for i, tok in enumerate(sig):
        if tok.kind != "pname" or tok.value.startswith("_:"):
            continue
        if i > 0 and sig[i - 1].kind == "word" and sig[i - 1].value.upper() == "PREFIX":
            continue
        prefix = tok.value.partition(":")[0]
        if prefix not in prefixes:
            return tok.start, f"the prefix '{prefix}:' is not declared (add PREFIX {prefix}: <…> at the top)"
    return None


#: the punctuation and the keywords of SPARQL 1.1 (its built-in functions apart)
_PUNCTUATION = (
    "{", "}", "(", ")", "[", "]", ".", ",", ";", "*", "=", "!=", ">", ">=", "&&", "||", "/", "|", "^", "^^",
)
_KEYWORDS = (
    "a", "BASE", "PREFIX", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "DISTINCT", "REDUCED", "AS", "FROM", "NAMED",
    "WHERE", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "VALUES", "GRAPH", "OPTIONAL",
    "SERVICE", "BIND", "UNDEF", "MINUS", "UNION", "FILTER", "NOT", "IN", "EXISTS", "SEPARATOR", "true", "false",
)
#: what may come next in a SPARQL 1.1 query: a sample of each kind of term, the punctuation and the keywords
#: (a sample text, its name in a message); the hint of a syntax error lists those that fit where it is
SPARQL11_NEXT: tuple[tuple[str, str], ...] = (
    ("?v", "a variable"), ('"s"', "a string"), ("<x:i>", "an IRI"), ("1", "a number"), ("_:b", "a blank node"),
    ("STR(", "a function call"), ("@en", "a language tag"),
    *((p, f"'{p}'") for p in _PUNCTUATION),
    # operators that can begin another token, tried with an operand after them; '<' as '>' (see _operators_only)
    ("> ?v", "'<'"), (">= ?v", "'<='"), *((f"{p} ?v", f"'{p}'") for p in ("+", "-", "!")),
    *((k, k) for k in _KEYWORDS),
)
#: the hint lists what may come next only for a query up to this size (one parse per candidate)
MAX_CHARS_FOR_EXPECTED = 20_000
#: operators of two characters that the lexer reads as two tokens
_TWO_CHAR_OPERATORS = frozenset({"&&", "||", "!=", "<=", ">=", "^^"})
#: spaces after a prefix whose end is tested: more than the longest keyword, which Oxigraph reads whole before failing
_PAD = "\n" + " " * 40


def _candidates(tokens: list[Token]) -> list[Token]:
    """The significant tokens, with the two-character operators that the lexer splits joined again."""
    out: list[Token] = []
    for tok in significant(tokens):
        if (out and tok.kind == "punct" and out[-1].kind == "punct" and out[-1].start + len(out[-1].value) == tok.start
                and out[-1].value + tok.value in _TWO_CHAR_OPERATORS):
            out[-1] = Token("punct", out[-1].value + tok.value, out[-1].start)
        else:
            out.append(tok)
    return out


def _parse_failure(text: str) -> tuple[int, int, str] | None:
    """(line, column, expected) of Oxigraph's parse error on *text* (SERVICE read as GRAPH), or None."""
    safe = _without_service(text) if _SERVICE_WORD_RE.search(text) else text
    try:
        ox.Store().query(safe, base_iri=BASE_IRI)
    except SyntaxError as exc:
        m = _ERROR_AT_RE.match(str(exc))
        return (int(m.group(1)), int(m.group(2)), m.group(3)) if m else (0, 0, str(exc))
    except Exception:  # an evaluation error on the empty store: it parsed
        return None
    return None


def _viable(prefix: str) -> bool:
    """True if some valid query starts with *prefix* followed by a space: Oxigraph fails only at the end."""
    failure = _parse_failure(prefix + _PAD)
    if failure is None:
        return True
    safe = _without_service(prefix + _PAD) if _SERVICE_WORD_RE.search(prefix) else prefix + _PAD
    return failure[:2] == (safe.count("\n") + 1, len(_PAD))


def _expected_after(prefix: str) -> list[str]:
    """What may come after *prefix* in a SPARQL 1.1 query: the names of :data:`SPARQL11_NEXT` that fit there.

    Oxigraph's own list names the keywords it tried at the furthest place it read (often
    not this one), SPARQL 1.2 and its extensions among them; this one is SPARQL 1.1 only.

    >>> _expected_after("SELECT ?s WHERE { ?s ?p ?o } ORDER ")
    ['BY']
    """
    return [name for sample, name in SPARQL11_NEXT if _viable(prefix + sample)]


def _operators_only(text: str, tokens: list[Token]) -> str:
    """*text* with each '<' that is not the start of an IRI written '>' (the same grammar, same length).

    Oxigraph reads an IRI from '<' up to the next '>', wherever it is (spaces included), so that a
    prefix ending after a '<' operator would look like an unfinished IRI up to its end.
    """
    chars = list(text)
    for tok in tokens:
        if tok.kind == "punct" and tok.value == "<":
            chars[tok.start] = ">"
    return "".join(chars)


def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of 1-based (*line*, *column*) in *text*.

    >>> offset_of("ab\\ncd", 2, 2)
    4
    """
    return sum(len(x) + 1 for x in text.split("\n")[: line - 1]) + column - 1


def _first_dead_token(plain: str, tokens: list[Token], guess: int) -> int | None:
    """The index of the first of *tokens* after which *plain* cannot go on as a query, or None if it can.

    Bisection over the tokens (a prefix after a dead one is dead too), first in the few tokens
    before *guess* (Oxigraph's position, which is at or a keyword's length past the mistake).
    """
    def alive(i: int) -> bool:
        return _viable(plain[:tokens[i].start + len(tokens[i].value)])

    if alive(len(tokens) - 1):
        return None
    lo, hi = 0, len(tokens) - 1
    near = [i for i, t in enumerate(tokens) if guess - 32 <= t.start <= guess]
    if near:
        if near[0] > 0 and alive(near[0] - 1):
            lo = near[0]
        if lo <= near[-1] < hi and not alive(near[-1]):
            hi = near[-1]
    while lo < hi:
        mid = (lo + hi) // 2
        if alive(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _refine(text: str, exc: "SparqlSyntaxError", source: str) -> "SparqlSyntaxError":
    """The position of the token where *text* stops being SPARQL, and what could come there.

    Oxigraph reports the furthest place its parser looked at, which is often past the mistake
    (it reads a whole keyword before comparing), with the keywords it tried there. So the first
    token after which no valid query can go on is found by bisection over the tokens, each
    prefix parsed by Oxigraph; what could come there instead is :func:`_expected_after`.
    """
    all_tokens = tokenize(text)
    problem = _lexical_problem(text, all_tokens)
    if problem is not None:
        line, column = position(text, problem[0])
        return SparqlSyntaxError(text, line, column, problem[1], source)
    tokens = _candidates(all_tokens)
    if not tokens:
        return exc
    plain = _operators_only(text, all_tokens)  # what is tested: the same offsets

    def end(tok: Token) -> int:
        return tok.start + len(tok.value)

    def expected_after(prefix: str) -> str:
        listed = _expected_after(prefix) if len(text) <= MAX_CHARS_FOR_EXPECTED else []
        if len(listed) > 24:
            listed = listed[:24] + ["…"]
        return f": expected {'one of ' if len(listed) > 1 else ''}{', '.join(listed)}" if listed else ""

    lo = _first_dead_token(plain, tokens, offset_of(text, exc.line, exc.column))
    if lo is None:
        line, column = position(text, end(tokens[-1]))
        return SparqlSyntaxError(text, line, column, f"the query ends after '{tokens[-1].value[:40]}'"
                                 + expected_after(plain[:end(tokens[-1])]), source)
    tok = tokens[lo]
    line, column = position(text, tok.start)
    return SparqlSyntaxError(text, line, column, f"unexpected '{tok.value[:40]}'" + expected_after(plain[:tok.start]),
                             source)


# ---------------------------------------------------------------- policy


def check_query(
    text: str,
    *,
    allowed_graphs: set[str] | frozenset[str] | None = None,
    max_chars: int | None = DEFAULT_MAX_QUERY_CHARS,
    source: str = "query",
    syntax: bool = True,
) -> QueryInfo:
    """Check *text* and return its :class:`QueryInfo`, or raise a :class:`QueryError`.

    ``allowed_graphs``: the graph IRIs that ``FROM`` and ``FROM NAMED`` may name
    (our own graphs); any other is refused. ``syntax=False`` leaves out the parse
    (:func:`check_syntax`): the endpoint's workers parse, under the time limit and out of
    the server's process; every other check works on tokens.
    """
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    if max_chars is not None and len(text) > max_chars:
        raise QueryTooLarge(
            f"the query has {len(text)} characters, more than the maximum of {max_chars}",
            "shorten the query (or raise the limit with --max-query-chars).",
        )
    if not text.strip():
        raise SparqlSyntaxError(text, 1, 1, "the query is empty", source)
    if (too_deep := nesting_problem(text, source=source)) is not None:  # before any (recursive) parser
        raise QueryError(*too_deep)
    views = [tokenize(text)]
    expanded = expand_unicode_escapes(text)
    if expanded != text:
        views.append(tokenize(expanded))
    for tokens in views:
        for tok in keywords(tokens):
            if tok.value.upper() in UPDATE_KEYWORDS:
                raise QueryRefused(
                    f"SPARQL Update ({tok.value.upper()}) is not accepted: this service is read-only.",
                    "send a query (SELECT, ASK, CONSTRUCT or DESCRIBE).",
                )
    if syntax:
        check_syntax(text, source)
    for tokens in views:
        if any(t.value.upper() == "SERVICE" for t in keywords(tokens)):
            raise QueryRefused(
                "SERVICE is not allowed: this endpoint queries only its own graph "
                "and makes no request to other servers."
            )
    allowed = set(allowed_graphs or ())
    prefixes, dataset = prologue_and_dataset(views[0])
    for tokens in views[1:]:
        dataset = dataset + [d for d in prologue_and_dataset(tokens)[1] if d not in dataset]
    for kind, iri in dataset:
        if iri not in allowed:
            clause = "FROM NAMED" if kind == "named" else "FROM"
            ours = ", ".join(f"<{g}>" for g in sorted(allowed)) or "none"
            raise QueryRefused(
                f"{clause} <{iri}> is not allowed: FROM and FROM NAMED may name only the graphs of "
                f"this service ({ours}); nothing is loaded from elsewhere.",
                "remove the clause to query the default graph, or name one of our graphs.",
            )
    return QueryInfo(query_form(text) or "SELECT", dataset, prefixes)


def check_rdflib_algebra(query, allowed_graphs: set[str] | frozenset[str]) -> None:
    """Second check on the query as rdflib parsed it (rdflib expands escapes its own way).

    *query* is a ``rdflib.plugins.sparql.sparql.Query``; raises :class:`QueryRefused`.
    """
    def walk(node):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRefused("SERVICE is not allowed: this service makes no request to other servers.")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(query.algebra)
    for clause in query.algebra.get("datasetClause") or []:
        iri = clause.get("default") or clause.get("named")
        if iri is not None and str(iri) not in set(allowed_graphs):
            raise QueryRefused(f"FROM <{iri}> is not allowed: only this service's own graphs may be named.")
