"""Validate a loaded project: evidence against the sources, labels, SHACL shapes, data rules.

:func:`validate` runs every check on a :class:`cppcc_kg.project.load.Project` and returns a
report; :func:`raise_for_problems` raises its problems as one
:class:`cppcc_kg.errors.ValidationError`. The modules:

* :mod:`~cppcc_kg.validate.report`: problems, their text, the error;
* :mod:`~cppcc_kg.validate.evidence`: every quote is the text of its source at its offsets;
* :mod:`~cppcc_kg.validate.labels`: the Chinese label of every entity occurs in a source text;
* :mod:`~cppcc_kg.validate.shapes`: the SHACL shapes of ``ontology.ttl``, by the fast engine
  (:mod:`~cppcc_kg.validate.shacl`, compiled by :mod:`~cppcc_kg.validate.shacl_compile`) or pySHACL;
* :mod:`~cppcc_kg.validate.rules`: the data rules ``rules/*.rq``;
* :mod:`~cppcc_kg.validate.run`: all of them, :func:`validate` and :func:`validate_graph_rules`.
"""
from __future__ import annotations

from cppcc_kg.validate.report import format_problem, problem, raise_for_problems
from cppcc_kg.validate.run import validate, validate_graph_rules, where_in
from cppcc_kg.validate.shapes import SHACL_ENGINES, resolve_engine

__all__ = ["validate", "validate_graph_rules", "raise_for_problems", "resolve_engine", "SHACL_ENGINES",
           "problem", "format_problem", "where_in"]
