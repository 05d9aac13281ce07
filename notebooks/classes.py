# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Which kinds of body and document connect: top classes and fine types
#
# Every entity of cppcc-kg has a **fine type** (its class: 党组, 常务委员会, 意见, 办法, 规划方案, 研讨会, …)
# and a **top class** (about a dozen: organization, organizational unit, person, place, event,
# document, publication, programme, mechanism, concept, honour), the class among the fine type and
# its superclasses marked `cppcc:topClass true` in `ontology.ttl`. The page draws, colours and
# filters by top class; the fine types are a classification inside each.
#
# This notebook reads the **built** tables (`build/nodes.csv`, `build/edges.csv`, made by
# `cppcc-kg build`), where each entity carries both: the columns `class`, `class_iri`,
# `class_label_zh`, `class_label_en` (the fine type) and `top_class`, `top_class_iri`,
# `top_class_label_zh`, `top_class_label_en`. It asks:
#
# * how many entities of each top class and fine type does the graph hold?
# * how many relations join each pair of top classes?
# * within the bodies (organizations and their units) and the documents, which fine types connect?
#
# and does the same through SPARQL (`rdfs:subClassOf*` to a top class). Every number below is
# computed by the cells. Set `CPPCC_KG_BUILD` to read another build folder.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from cppcc_kg.network.plotting import missing_glyphs, render_warnings, use_cjk_font
from cppcc_kg.project.files import project_root
from cppcc_kg.schema import Schema
from cppcc_kg.sparql.query import query

pd.set_option("display.max_colwidth", 40)
FONT = use_cjk_font()

ROOT = project_root()  # the page of the build prints no path: it is the same wherever it runs
BUILD = Path(os.environ.get("CPPCC_KG_BUILD") or ROOT / "build")
nodes = pd.read_csv(BUILD / "nodes.csv", keep_default_na=False)
edges = pd.read_csv(BUILD / "edges.csv", keep_default_na=False)
schema = Schema.default()
# the top classes in legend order (cppcc:displayOrder), with their Chinese labels
TOP_ORDER = [schema.local(c) for c in schema.top_classes()]
TOP_ZH = {schema.local(c): schema.classes[c].label_zh for c in schema.top_classes()}
print(f"build: {len(nodes)} entities in {nodes['top_class'].nunique()} top classes and "
      f"{nodes['class'].nunique()} fine types; {len(edges)} relations; font {FONT}")

# %% [markdown]
# ## Entities per top class and fine type
#
# Filtering by a top class is a test on the column `top_class`; by a fine type, on `class`.

# %%
per_type = (nodes.groupby(["top_class", "top_class_label_zh", "class", "class_label_zh", "class_label_en"])
            .size().rename("entities").reset_index())
per_type["top_rank"] = per_type["top_class"].map({t: i for i, t in enumerate(TOP_ORDER)})
per_type = (per_type.sort_values(["top_rank", "entities", "class"], ascending=[True, False, True])
            .drop(columns="top_rank").reset_index(drop=True))
per_top = nodes["top_class"].value_counts().reindex([t for t in TOP_ORDER if t in set(nodes["top_class"])])
print(per_top.to_string())
per_type

# %%
organizations = nodes[nodes["top_class"] == "Organization"]          # a top class, with every fine type
opinions = nodes[nodes["class"] == "Opinions"]                        # one fine type (意见)
organizations[["label_zh", "label_en", "class", "class_label_zh"]].sort_values(["class", "label_zh"])

# %%
opinions[["label_zh", "label_en", "class_label_zh", "top_class_label_zh"]]

# %% [markdown]
# ## Relations between top classes
#
# Each relation of `edges.csv` runs from its `source` to its `target`; the table counts them by the
# top class at each end (rows: the subject's, columns: the object's).

# %%
top_of = nodes.set_index("iri")["top_class"]
fine_of = nodes.set_index("iri")["class"]
ends = edges.assign(source_top=edges["source"].map(top_of), target_top=edges["target"].map(top_of),
                    source_type=edges["source"].map(fine_of), target_type=edges["target"].map(fine_of))
present = [t for t in TOP_ORDER if t in set(nodes["top_class"])]
between_tops = (pd.crosstab(ends["source_top"], ends["target_top"])
                .reindex(index=present, columns=present, fill_value=0))
between_tops

# %%
fig, ax = plt.subplots(figsize=(8.5, 7))
ax.imshow(between_tops.values, cmap="Blues")
labels = [f"{TOP_ZH[t]}\n{t}" for t in present]
ax.set_xticks(range(len(present)), labels, rotation=60, ha="right", fontsize=8)
ax.set_yticks(range(len(present)), labels, fontsize=8)
for i in range(len(present)):
    for j in range(len(present)):
        n = between_tops.values[i, j]
        if n:
            ax.text(j, i, str(n), ha="center", va="center", fontsize=8,
                    color="white" if n > between_tops.values.max() / 2 else "black")
ax.set_xlabel("object's top class 宾语")
ax.set_ylabel("subject's top class 主语")
ax.set_title("Relations between top classes 顶层类之间的关系数")
fig.tight_layout()
glyph_warnings = render_warnings(fig)
missing = missing_glyphs("".join(labels))
plt.show()

# %% [markdown]
# The pairs of top classes joined most often, with the relations that join them:

# %%
pairs = (ends.groupby(["source_top", "target_top", "label_en"]).size().rename("relations").reset_index()
         .sort_values(["relations", "source_top", "target_top", "label_en"], ascending=[False, True, True, True])
         .reset_index(drop=True))
pairs.head(15)

# %% [markdown]
# ## Bodies and documents by fine type
#
# The bodies are the organizations and their units (the top classes `Organization` and
# `OrganizationalUnit`); the documents, the top class `Document`. Rows: the fine type of the body;
# columns: the fine type of the document; cells: relations between them in either direction
# (a body issues or revises a document, a document is approved by a body, …).

# %%
BODIES, DOCUMENTS = {"Organization", "OrganizationalUnit"}, {"Document"}
body_to_doc = ends[ends["source_top"].isin(BODIES) & ends["target_top"].isin(DOCUMENTS)]
doc_to_body = ends[ends["source_top"].isin(DOCUMENTS) & ends["target_top"].isin(BODIES)]
body_doc = pd.concat([
    body_to_doc[["source_type", "target_type", "label_en"]].set_axis(["body", "document", "relation"], axis=1),
    doc_to_body[["target_type", "source_type", "label_en"]].set_axis(["body", "document", "relation"], axis=1),
], ignore_index=True)
body_document_types = pd.crosstab(body_doc["body"], body_doc["document"])
body_document_types

# %%
by_relation = (body_doc.groupby(["body", "relation", "document"]).size().rename("relations").reset_index()
               .sort_values(["relations", "body", "relation", "document"], ascending=[False, True, True, True])
               .reset_index(drop=True))
by_relation

# %% [markdown]
# And among the bodies themselves (a unit part of a committee, a committee led by a party organ, …),
# by fine type:

# %%
among_bodies = ends[ends["source_top"].isin(BODIES) & ends["target_top"].isin(BODIES)]
body_body_types = pd.crosstab(among_bodies["source_type"], among_bodies["target_type"])
body_body_types

# %% [markdown]
# ## The same through SPARQL
#
# In the graph an entity is typed with its fine type only; a query reaches the top class through
# `rdfs:subClassOf*`. `queries/23-entities-per-top-class-and-fine-type.rq` counts the entities of
# each (the top class is the superclass marked `cppcc:topClass true`); `queries/21-…` lists the
# organizations of every kind, `queries/22-…` the documents of three fine types.

# %%
by_sparql = query(ROOT / "queries" / "23-entities-per-top-class-and-fine-type.rq", build_dir=BUILD, store="oxigraph")
by_sparql[["top", "top_zh", "type", "type_zh", "entities"]]

# %%
issued_documents = query("""
PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?body_type ?document_type (COUNT(*) AS ?relations) WHERE {
  ?body cppcc:issued ?document .
  ?body a ?body_type . ?body_type rdfs:subClassOf* ?body_top .
  VALUES ?body_top { cppcc:Organization cppcc:OrganizationalUnit }
  ?document a ?document_type . ?document_type rdfs:subClassOf* cppcc:Document .
}
GROUP BY ?body_type ?document_type
ORDER BY DESC(?relations) ?body_type ?document_type
""", build_dir=BUILD, store="oxigraph")
issued_documents
