"""The reader of ``cppcc:displayOrder`` that ``cppcc_kg.viz`` had before the ontology was read
once (by :meth:`cppcc_kg.schema.Schema.display_orders`): kept as the oracle of that method."""
from __future__ import annotations

from cppcc_kg.rdf.namespaces import CPPCC


def display_orders(graph) -> dict[str, float]:
    """``cppcc:displayOrder`` of every class and property of the ontology in *graph* (IRI -> order)."""
    out = {}
    for s, o in graph.subject_objects(CPPCC.displayOrder):
        try:
            out[str(s)] = float(o.toPython())
        except (TypeError, ValueError):
            continue
    return dict(sorted(out.items()))
