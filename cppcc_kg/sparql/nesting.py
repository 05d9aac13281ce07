"""How deep the brackets of a query nest, found without recursion before any parser sees the text.

Oxigraph's SPARQL parser (Rust, recursive descent) uses the stack of the calling thread for each
level of ``{``, ``(`` and ``[``: about 2200 nested ``{ }`` or 220 nested ``[ ]`` overflow an 8 MB
stack and kill the whole process (a segmentation fault, not an exception); rdflib's parser
raises ``RecursionError`` much earlier. :func:`nesting_problem` counts the depth with a plain
loop over the tokens of :func:`~cppcc_kg.sparql.text.tokenize` (brackets inside strings, IRIs
and comments do not count), on the text as written and with its ``\\u`` escapes expanded (both
parsers expand them first), so :mod:`cppcc_kg.sparql.guard` refuses a query that nests deeper
than :data:`MAX_NESTING` before calling any parser.

The limit, 64 levels of any mix of brackets, is far above what real queries use (the queries of
``queries/`` nest at most 5 deep) and far below what overflows: a query nested 64 deep in every
form parses in a thread with a 512 KB stack (the smallest default, macOS's), where the server's
threads have 8 MB on Linux.

>>> nesting_problem("SELECT * WHERE { ?s ?p ?o }") is None
True
>>> message, hint = nesting_problem("ASK " + "{" * 70 + "}" * 70)
>>> message
'query:1:69: the brackets of the query nest 70 deep, more than the limit of 64'
"""
from __future__ import annotations

from cppcc_kg.sparql.text import expand_unicode_escapes, position, tokenize

#: the deepest nesting of ``{ }``, ``( )`` and ``[ ]`` (together) that a query may have
MAX_NESTING = 64

_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")


def _openings(text: str):
    """``(depth, offset)`` of each opening bracket of *text*, outside strings, IRIs and comments."""
    depth = 0
    for tok in tokenize(text):
        if tok.kind != "punct":
            continue
        if tok.value in _OPEN:
            depth += 1
            yield depth, tok.start
        elif tok.value in _CLOSE and depth > 0:  # an unbalanced one is the parser's to report
            depth -= 1


def deepest_nesting(text: str) -> tuple[int, int]:
    """``(depth, offset)``: the deepest nesting of brackets in *text* and where it is first reached.

    ``offset`` is -1 when *text* has no bracket.

    >>> deepest_nesting('SELECT * { ?s ?p "{{{" FILTER((?s)) }')
    (3, 30)
    """
    return max(_openings(text), key=lambda x: (x[0], -x[1]), default=(0, -1))


def nesting_problem(text: str, max_depth: int = MAX_NESTING, source: str = "query") -> tuple[str, str] | None:
    """``(message, hint)`` when the brackets of *text* nest deeper than *max_depth*, else ``None``.

    The message names the depth, the limit and where (``source:line:column`` of the first bracket
    past the limit).
    """
    for view in dict.fromkeys((text, expand_unicode_escapes(text))):
        depth, _ = deepest_nesting(view)
        if depth > max_depth:
            offset = next(start for level, start in _openings(view) if level > max_depth)
            line, column = position(view, offset)
            message = f"{source}:{line}:{column}: the brackets of the query nest {depth} deep, "
            message += f"more than the limit of {max_depth}"
            return (message,
                    "flatten the query (fewer nested { }, ( ) and [ ]); no real query needs that many levels.")
    return None
