"""What the build would refuse in a review's plan, refused before anything is written.

* :func:`check_plan`: an accepted entity has one English label (two mentions grouped into one
  entity may not give two); a new entity's Chinese names (its label and the span texts that become
  its aliases) are names of no entity of the project and of no other entity of the review (the
  build's rule ``duplicate-chinese-label``): the answer is to merge; a merge points at an entity
  that exists (of the graph, or accepted in this review).
* :func:`check_removals`: an IRI that the review wrote and that another file uses (another
  source's evidence merged into it, a curator's hand file) may not disappear (a new English label
  changes the IRI; undo removes it): 409, naming the file.

All raise :class:`~cppcc_kg.review.decisions.DecisionError`.
"""
from __future__ import annotations

from collections.abc import Callable

from cppcc_kg.review.decisions import DecisionError
from cppcc_kg.review.others import Others
from cppcc_kg.review.writer import Plan

__all__ = ["check_plan", "check_removals"]


def check_plan(the_plan: Plan, others: Others, is_entity_class: Callable[[str], bool]) -> None:
    for key, target in sorted(the_plan.dangling.items()):
        raise DecisionError(409, f"{key} is merged into {target}, which is no entity of the graph or of this "
                                 "review (any more): undo that merge, or accept that entity again as it was")
    names: dict[str, dict] = {}
    for g in sorted(the_plan.entities, key=lambda g: g["iri"]):
        if len(g["labels_en"]) > 1:
            raise DecisionError(400, f"{g['label_zh']} ({g['class']}) is accepted with two English labels "
                                     f"({', '.join(repr(x) for x in sorted(g['labels_en']))}): one entity has one, "
                                     "give every mention of it the same")
        for name in sorted({g["label_zh"]} | g["exacts"]):
            graph = sorted(iri for iri in others.names.get(name, ())
                           if any(is_entity_class(c) for c in others.types.get(iri, ())))
            if graph:
                raise DecisionError(400, f"{name} is a name of {graph[0]} in the graph already: "
                                         f"merge with {graph[0]} instead of accepting a new entity")
            other = names.setdefault(name, g)
            if other is not g:
                raise DecisionError(400, f"{name} is already a name of {other['label_zh']} / {other['label_en']} "
                                         f"({other['class']}), accepted in this review: merge with {other['iri']} "
                                         "(or accept with the same class and Chinese label)")


def check_removals(the_plan: Plan, others: Others, own_before: set[str]) -> None:
    after = {g["iri"] for g in the_plan.entities} | {f["iri"] for f in the_plan.figures}
    for iri in sorted(own_before - after):
        users = sorted(set(others.iris.get(iri, ())))
        if users:
            raise DecisionError(409, f"{iri}, written by this review, is used by {users[0]}: it cannot be "
                                     "renamed (a new English label makes a new IRI) or removed while that file "
                                     f"uses it; keep its English label, or change {users[0]} first")
