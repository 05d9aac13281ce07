"""The solutions of a SPARQL query read in one piece: Oxigraph writes them as CSV, Python's ``csv`` reads them.

:func:`cppcc_kg.rdf.store.values` asks Oxigraph for one solution at a time and reads each value of each
solution in Python. :func:`csv_values` gives the same tuples of strings from one call into Oxigraph
(which writes the solutions as SPARQL CSV) and one pass of the ``csv`` module's C reader. For a query of
many variables (the evidence check's eight: 65 686 rows at scale 1000) this takes about a third less
CPU, and in the build, where the checks run in a thread beside Python stages, it does not wait for the
GIL at every solution (a solution read alone takes it back each time: the wall time of the read halved
beside a busy thread, measured). For two or three variables ``values`` is as fast (CSV costs about 3 µs
a row, ``values`` about 1 µs a value).

Oxigraph's CSV writes an IRI as it is, so an IRI holding a comma splits its field: a row whose number of
fields is not the number of variables is the sign, and then the query is read again with ``values``.
Literals are quoted when they hold a quote, a comma or a line break; a blank node is written ``_:`` and
its label, an unbound variable as an empty field: what ``values`` gives.

>>> import pyoxigraph as ox
>>> s = ox.Store()
>>> s.add(ox.Quad(ox.NamedNode("http://e.org/a"), ox.NamedNode("http://e.org/p"), ox.Literal('x, "y"')))
>>> csv_values(s, "SELECT ?s ?o ?none WHERE { ?s ?p ?o }")
[('http://e.org/a', 'x, "y"', '')]
>>> s.add(ox.Quad(ox.NamedNode("http://e.org/a,b"), ox.NamedNode("http://e.org/p"), ox.Literal("z")))
>>> sorted(csv_values(s, "SELECT ?s ?o WHERE { ?s ?p ?o }"))  # (read again by values)
[('http://e.org/a', 'x, "y"'), ('http://e.org/a,b', 'z')]
"""
from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from cppcc_kg.rdf.store import values

CSV = ox.QueryResultsFormat.CSV


def csv_values(store: ox.Store, query: str, *, union: bool = True) -> list[tuple]:
    """The solutions of the ``SELECT`` *query* as :func:`cppcc_kg.rdf.store.values` gives them, read from
    Oxigraph's CSV (*union*: the default graph is the union of the named graphs)."""
    solutions = store.query(query, use_default_graph_as_union=union)
    width = len(solutions.variables)
    text = solutions.serialize(format=CSV).decode("utf-8")
    rows = list(map(tuple, csv.reader(io.StringIO(text, newline=""))))
    if width < 2 or any(len(row) != width for row in rows):  # (one variable: an empty value is an empty line)
        return values(store, query, union=union)
    return rows[1:]  # (the first row names the variables)
