"""The summary's relation counts (cppcc_kg.build.summary) equal those of the one SPARQL query
that counted them before (issue 15), on the repository, a synthetic project and the fixtures."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDFS
from support import REPO_ROOT, copy_project

from cppcc_kg.build.summary import summarize
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.store import values
from cppcc_kg.schema import Schema, local_name


def relations_by_one_query(project, edge_props: list[str]) -> dict[str, int]:
    """The oracle: the distinct (property, subject, object) between two entities, counted in SPARQL."""
    rdfs, cppcc = str(RDFS), str(CPPCC)
    query = f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?p ?s ?o WHERE {{
        VALUES ?p {{ {' '.join(f'<{x}>' for x in edge_props)} }}
        ?s ?p ?o . ?s a ?c1 . ?o a ?c2 .
        {{ SELECT DISTINCT ?c1 WHERE {{ ?c1 <{rdfs}subClassOf>* <{cppcc}Entity> }} }}
        {{ SELECT DISTINCT ?c2 WHERE {{ ?c2 <{rdfs}subClassOf>* <{cppcc}Entity> }} }} }} }} GROUP BY ?p"""
    out = {local_name(p): 0 for p in edge_props}
    for p, n in values(project.store, query):
        out[local_name(p)] += int(n)
    return dict(sorted(out.items()))


@pytest.mark.parametrize("which", ["repository", "synthetic", "fixture"])
def test_relation_counts_equal_the_single_query(which, tmp_path):
    if which == "repository":
        root = REPO_ROOT
    elif which == "synthetic":
        root = tmp_path / "synth"
        write_corpus(root, scale=10, seed=0)
    else:
        root = copy_project(tmp_path / "fixture")
    project = load(root, cache=False)
    edge_props = Schema(project.view).edge_properties
    summary = summarize(project)
    assert summary["relations_per_property"] == relations_by_one_query(project, edge_props)
    assert summary["relations"] > 0
