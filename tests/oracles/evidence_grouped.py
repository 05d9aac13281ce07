"""Test oracle: the former query of the entity graph's evidence, grouped by Oxigraph (``GROUP BY`` and ``MIN``).

:func:`cppcc_kg.network.records.evidence_query` gives a solution per combination of source and selectors,
read as one by :func:`cppcc_kg.network.records.one_per_annotation`; ``tests/network/test_evidence_query.py``
compares the two on the repository, a synthetic project and a graph that does not conform to the shapes.
"""
from __future__ import annotations

from cppcc_kg.rdf.namespaces import OA


def grouped_evidence_query() -> str:
    """Each annotation of each body, with the smallest source, start, end and exact of its target."""
    oa = str(OA)
    return f"""SELECT ?b ?a ?t (MIN(STR(?src)) AS ?source) (MIN(?st) AS ?start) (MIN(?en) AS ?end) (MIN(STR(?x)) AS ?exact)
        WHERE {{ ?a <{oa}hasBody> ?b ; <{oa}hasTarget> ?t .
            OPTIONAL {{ ?t <{oa}hasSource> ?src }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s1 . ?s1 <{oa}start> ?st }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s2 . ?s2 <{oa}end> ?en }}
            OPTIONAL {{ ?t <{oa}hasSelector> ?s3 . ?s3 <{oa}exact> ?x FILTER isLiteral(?x) }}
        }} GROUP BY ?b ?a ?t"""
