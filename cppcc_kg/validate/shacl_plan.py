"""Planning the ``FILTER NOT EXISTS`` of the shapes' SPARQL constraints for Oxigraph.

Oxigraph evaluates ``NOT EXISTS`` once per solution, with a plan that does not use the
variables already bound, which makes some of the shapes' constraints quadratic (minutes
for a hundred sources). :func:`plan_not_exists` rewrites the blocks where the meaning is
surely the same, with a small SPARQL tokenizer that only tells comments, strings, IRIs,
braces and words apart.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<open>\{) | (?P<close>\})
  | (?P<word>[^\s{}]+)
''', re.VERBOSE)
_KEYWORDS = {"OPTIONAL", "UNION", "MINUS", "VALUES", "BIND", "SERVICE", "GRAPH", "FILTER", "EXISTS", "NOT",
             "SELECT", "WHERE"}
_VARIABLE = re.compile(r"^[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _words(tokens) -> list[str]:
    return [m.group(0) for m in tokens if m.lastgroup in ("word", "iri", "string")]


def _is_plain_bgp(tokens) -> bool:
    """True for triple patterns only: no group, no keyword, no blank node brackets."""
    for m in tokens:
        if m.lastgroup in ("open", "close"):
            return False
        if m.lastgroup == "word":
            w = m.group(0)
            if w.upper().strip("(") in _KEYWORDS or "[" in w or "(" in w:
                return False
    return True


def _variables(words: list[str]) -> set[str]:
    return {m.group(1) for w in words for m in [_VARIABLE.match(w)] if m}


def _constant_predicates(words: list[str]) -> bool:
    """True when no triple pattern of *words* (a basic graph pattern) has a variable as predicate."""
    return not any(_VARIABLE.match(p) for p in _predicates(words))


_SIMPLE_PREDICATE = re.compile(r"^(?:a|<[^<>\s]*>|[A-Za-z_][\w.-]*:[^/*+|^?()<>\s]*)$")


def _roles(words: list[str]) -> list[tuple[str, str]]:
    """``(role, token)`` of the terms of a basic graph pattern written as *words*: role ``s``, ``p`` or ``o``."""
    seq = []
    for w in words:
        while w and w[-1] in ";,." and not (w[-1] == "." and w[:-1].replace(".", "").isdigit()):
            if w[:-1]:
                seq.append(w[:-1])
            seq.append(w[-1])
            w = ""
        if w:
            seq.append(w)
    out, expect = [], "s"
    for t in seq:
        if t in (";", ",", "."):
            expect = {";": "p", ",": "o", ".": "s"}[t]
            continue
        out.append((expect, t))
        expect = {"s": "p", "p": "o", "o": "o"}[expect]
    return out


def _predicates(words: list[str]) -> list[str]:
    """The predicate tokens of a basic graph pattern written as *words*."""
    return [t for role, t in _roles(words) if role == "p"]


def _open_ended(words: list[str]) -> bool:
    """True when every subject and object of the basic graph pattern *words* is a variable: evaluated
    alone, such a pattern reads every triple of its predicates (a path: every pair it links)."""
    return all(_VARIABLE.match(t) for role, t in _roles(words) if role != "p")



def _substituted(words: list[str], outer_vars: set[str]) -> list[str]:
    """The variables of the basic graph pattern *words* (a ``FILTER NOT EXISTS``) to give values one at a
    time: those in object position only, when the pattern is open-ended (:func:`_open_ended`: evaluated
    alone, Oxigraph walks a path such as ``?o rdf:type/rdfs:subClassOf* ?range`` from every node of the
    graph), all its variables are bound by the outer group, and some variable is left in subject
    position; else ``[]``.

    The pattern is then an anti-join (when the projection is plain variables) whose substituted variables
    the caller replaces by each of their values in the solutions of the outer query in turn (a constant
    end: Oxigraph walks the path from it); the caller falls back on the plan without substitution when
    a value cannot be written in a query (a blank node). The same: all of *P*'s variables bound,
    ``NOT EXISTS`` asks whether the tuple of their values is a solution of *P*, which is whether the
    tuple without the substituted values is a solution of *P* with them written in.
    """
    roles = _roles(words)
    variables = _variables(words)
    if not variables or not variables <= outer_vars or not _open_ended(words):
        return []
    subjects = {m.group(1) for role, t in roles if role == "s" for m in [_VARIABLE.match(t)] if m}
    objects = {m.group(1) for role, t in roles if role == "o" for m in [_VARIABLE.match(t)] if m}
    ends = sorted(objects - subjects)
    return ends if ends and variables - set(ends) else []


def _outside(select: str, blocks, start: int, close: int) -> str:
    """The text of the group from *start* to *close* without its ``FILTER NOT EXISTS`` *blocks*, ending with ``.``."""
    text, cut = "", start
    for filter_tok, _open, close_tok, _inner in blocks:
        text += select[cut:filter_tok.start()]
        cut = close_tok.end()
    return (text + select[cut:close]).strip().rstrip(".").rstrip() + " .\n"


def _group_end(tokens) -> int | None:
    """The index of the token that closes the group opened before *tokens* (``None``: unclosed)."""
    depth = 1
    for i, t in enumerate(tokens):
        if t.lastgroup == "open":
            depth += 1
        elif t.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return i
    return None


def _not_exists_blocks(body):
    """``(blocks, outer)``: the ``FILTER NOT EXISTS { … }`` of the group *body* as (filter token,
    open token, close token, inner tokens), and the other tokens; ``None`` if a block is unclosed."""
    blocks, outer, i = [], [], 0
    while i < len(body):
        w = [t.group(0).upper() for t in body[i:i + 4]]
        if len(w) == 4 and w[:3] == ["FILTER", "NOT", "EXISTS"] and body[i + 3].lastgroup == "open":
            j, d = i + 4, 1
            while j < len(body) and d:
                d += {"open": 1, "close": -1}.get(body[j].lastgroup, 0)
                j += 1
            if d:
                return None
            blocks.append((body[i], body[i + 3], body[j - 1], body[i + 4:j - 1]))
            i = j
        else:
            outer.append(body[i])
            i += 1
    return blocks, outer


def plan_not_exists(select: str, substitute: bool = False) -> tuple[str, list[tuple[str, list[str], list[str]]]]:
    """Plan the ``FILTER NOT EXISTS { P }`` of a SPARQL constraint for Oxigraph.

    Where the meaning is surely the same (the rest of the ``WHERE`` group is triple
    patterns only, so each of its variables is bound; *P* is triple patterns only and
    shares a variable with it; no variable predicate in *P*, which would read the whole
    graph where ``NOT EXISTS`` looks up one triple), *P* is evaluated once instead:

    * *P* with plain predicates becomes ``MINUS { P }``, at the end of the group: every variable
      it shares with the group is bound on both sides, so Oxigraph's ``MINUS`` joins on all of
      them (an anti-join in Python on the solutions, as before session 8, took twice the CPU);
    * *P* with property paths becomes ``MINUS { P }``, at the end of the group; when every
      subject and object of *P* is a variable (``?o rdf:type/rdfs:subClassOf* ?range``), it
      becomes ``MINUS { G . P }`` with *G* the rest of the group, so that *P* is joined with
      what it is compared with instead of evaluated over the whole graph. The same: *G* is
      triple patterns whose variables are all bound, so the solutions of ``G . P`` compatible
      with a solution of *G* are those that extend it, and they exist exactly when a solution of
      *P* compatible with it exists (and a shared variable makes the domains meet).
      With *substitute*, it is an anti-join instead when :func:`_substituted` allows it.

    Anything else is left as it is. Returns ``(query, anti-joins)``, each anti-join ``(query, shared
    variables, substituted variables)``.

    >>> plan_not_exists("SELECT ?this WHERE { ?this ?p ?o . FILTER NOT EXISTS { ?st <http://e.org/s> ?this } }")
    ('SELECT ?this WHERE { ?this ?p ?o .  MINUS { ?st <http://e.org/s> ?this } }', [])
    >>> plan_not_exists("SELECT ?this WHERE { ?this ex:p ?o . ex:p ex:r ?c FILTER NOT EXISTS { ?o a/ex:s* ?c } }", True)
    ('SELECT * WHERE { ?this ex:p ?o . ex:p ex:r ?c   }', [('SELECT DISTINCT ?o WHERE {  ?o a/ex:s* ?c  }', ['c', 'o'], ['c'])])
    >>> plan_not_exists("SELECT ?this WHERE { FILTER NOT EXISTS { ?this ^<http://e.org/s> <http://e.org/x> } ?this ?p ?o . }")
    ('SELECT ?this WHERE {  ?this ?p ?o . MINUS { ?this ^<http://e.org/s> <http://e.org/x> } }', [])
    >>> plan_not_exists("SELECT ?this WHERE { ?this ex:p ?o FILTER NOT EXISTS { ?o rdf:type/rdfs:subClassOf* ?c } }")[0]
    'SELECT ?this WHERE { ?this ex:p ?o  MINUS {?this ex:p ?o .\\n ?o rdf:type/rdfs:subClassOf* ?c } }'
    >>> plan_not_exists("SELECT ?this WHERE { ?this <http://e.org/p> ?o . FILTER NOT EXISTS { ?this ?p ?o } }")[0]
    'SELECT ?this WHERE { ?this <http://e.org/p> ?o . FILTER NOT EXISTS { ?this ?p ?o } }'
    """
    m = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    if not m:
        return select, []
    projection = select[:m.start()].split()
    plain_projection = (len(projection) >= 2 and projection[0].upper() == "SELECT"
                        and all(_VARIABLE.match(w) or w.upper() == "DISTINCT" for w in projection[1:]))
    tokens = list(_TOKEN.finditer(select, m.end()))
    end = _group_end(tokens)
    found = _not_exists_blocks([t for t in tokens[:end] if t.lastgroup != "comment"]) if end is not None else None
    if found is None:
        return select, []
    blocks, outer = found
    if not blocks or not _is_plain_bgp(outer):
        return select, []
    outer_vars = _variables(_words(outer))
    close = tokens[end].start()
    outer_text = _outside(select, blocks, m.end(), close)
    out, moved, antijoins, last = [], [], [], 0
    for filter_tok, open_tok, close_tok, inner in blocks:
        words = _words(inner)
        shared = _variables(words) & outer_vars
        if not (_is_plain_bgp(inner) and shared and _constant_predicates(words)):
            continue
        inner_text = select[open_tok.end():close_tok.start()]
        out.append(select[last:filter_tok.start()])
        last = close_tok.end()
        ends = _substituted(words, outer_vars) if substitute and plain_projection and "_:" not in inner_text else []
        if all(_SIMPLE_PREDICATE.match(p) for p in _predicates(words)) and not ends:
            # every shared variable bound on both sides: Oxigraph's MINUS hashes on all of them (measured: half
            # the CPU of an anti-join in Python on the solutions, linear from a quarter of scale 1000 to all of it)
            moved.append("MINUS {" + inner_text + "}")
        elif ends:
            rest = " ".join("?" + v for v in sorted(shared - set(ends)))
            antijoins.append((f"SELECT DISTINCT {rest} WHERE {{ {inner_text} }}", sorted(shared), ends))
        else:
            # a FILTER holds for the whole group wherever it is written; MINUS only for what
            # comes before it: so the MINUS goes at the end of the group
            repeat = outer_text if _open_ended(words) and "_:" not in outer_text else ""
            moved.append("MINUS {" + repeat + inner_text + "}")
    if not moved and not antijoins:
        return select, []
    text = "".join(out) + select[last:close].rstrip() + " " + " ".join(moved) + (" " if moved else " ") + select[close:]
    if antijoins:
        text = "SELECT * " + text[m.start():]
    return text, antijoins
