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
# # Centrality of the institutions and initiatives of cppcc-kg
#
# This notebook reads the **built** graph (`build/graph.ttl`, made by `cppcc-kg build`), turns it
# into the entity graph (organizations, places, programmes, mechanisms, documents, events,
# honours, persons as nodes; the relations of the ontology as edges) and asks:
#
# * how do the centrality measures compare, and do they agree?
# * which entities rank highest by each measure?
# * which communities does the graph fall into?
# * which bodies broker between the party, the state and the CPPCC?
# * which programmes connect the most organizations?
#
# Every number in the text below is computed by the cells, so it follows the graph as it grows.
# Set `CPPCC_KG_BUILD` to read another build folder.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

import cppcc_kg.network as A
from cppcc_kg.network import (
    build_entity_graph,
    load_rdf,
    nodes_of_kind,
    one_mode_projection,
    organization_program_graph,
    to_undirected_weighted,
)
from cppcc_kg.network.plotting import (
    draw_communities,
    missing_glyphs,
    plot_top_grid,
    render_warnings,
    use_cjk_font,
)
from cppcc_kg.project.files import project_root

pd.set_option("display.max_colwidth", 60)
FONT = use_cjk_font()


BUILD = Path(os.environ.get("CPPCC_KG_BUILD") or project_root() / "build")
rdf = load_rdf(BUILD / "graph.ttl")
G = build_entity_graph(rdf)
U = to_undirected_weighted(G)
print(f"graph.ttl of the build: {len(rdf)} triples")  # no path: the page of the build is the same wherever it runs
print(f"entity graph: {G.number_of_nodes()} entities, {G.number_of_edges()} relations, "
      f"{nx.number_connected_components(U)} connected components "
      f"(the largest has {len(max(nx.connected_components(U), key=len))} entities); font {FONT}")

# %% [markdown]
# ## The measures side by side
#
# Degrees count relations in the directed graph; the other measures run on the undirected
# graph (a relation read either way, weighted by the number of relations between two entities
# for eigenvector and PageRank). Eigenvector centrality is computed per connected component
# (it is undefined across components).

# %%
metrics = A.all_measures(G, seed=0)
MEASURES = ["degree", "betweenness", "closeness", "eigenvector", "pagerank", "kcore"]
if (BUILD / "metrics.csv").is_file():  # the build's metrics.csv holds the same numbers
    built = pd.read_csv(BUILD / "metrics.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(built[["iri"] + MEASURES], metrics[["iri"] + MEASURES], check_dtype=False)
table = metrics.sort_values(["pagerank", "iri"], ascending=[False, True])
table[["label_zh", "label_en", "class"] + MEASURES].head(20).reset_index(drop=True)

# %% [markdown]
# ### Do the measures agree? Spearman rank correlation

# %%
spearman = metrics[MEASURES].corr(method="spearman").round(3)
pairs = [(a, b, spearman.loc[a, b]) for i, a in enumerate(MEASURES) for b in MEASURES[i + 1:]]
low = min(pairs, key=lambda x: x[2])
high = max(pairs, key=lambda x: x[2])
print(f"most alike: {high[0]} and {high[1]} (ρ = {high[2]:.2f}); "
      f"least alike: {low[0]} and {low[1]} (ρ = {low[2]:.2f})")
fig, ax = plt.subplots(figsize=(5.5, 4.5))
im = ax.imshow(spearman.values, vmin=-1, vmax=1, cmap="RdBu_r")
ax.set_xticks(range(len(MEASURES)), MEASURES, rotation=45, ha="right")
ax.set_yticks(range(len(MEASURES)), MEASURES)
for i in range(len(MEASURES)):
    for j in range(len(MEASURES)):
        ax.text(j, i, f"{spearman.values[i, j]:.2f}", ha="center", va="center", fontsize=8)
fig.colorbar(im, ax=ax, shrink=0.8)
ax.set_title("Spearman rank correlation between measures")
fig.tight_layout()
spearman

# %% [markdown]
# Many entities are leaves (one relation), so ranks tie at the bottom; the correlations are
# driven by how the measures order the better-connected entities.
#
# ## Top 15 entities by each measure
# Bars are coloured by the class colour of the ontology (`cppcc:displayColor`).

# %%
colors = {n: d.get("color") or "#4c72b0" for n, d in G.nodes(data=True)}
top15 = {m: metrics.sort_values([m, "iri"], ascending=[False, True], kind="mergesort").head(15) for m in MEASURES}
fig = plot_top_grid(metrics, MEASURES, n=15, colors=colors, ncols=2)
drawn = "".join(t.get_text() for ax in fig.axes for t in ax.get_yticklabels())
missing = missing_glyphs(drawn)
glyph_warnings = [w for w in render_warnings(fig) if "missing from" in w.lower()]
assert not missing and not glyph_warnings, (missing, glyph_warnings)
print(f"{len(set(drawn))} distinct characters drawn in {FONT}, none missing")

# %% [markdown]
# ## Communities
# Louvain (seed 0) on the undirected weighted graph; communities are numbered from the largest.

# %%
comm = A.communities(G, method="louvain", seed=0)
greedy = A.communities(G, method="greedy")
print(f"Louvain: {comm['community'].nunique()} communities, modularity {comm.attrs['modularity']:.3f}; "
      f"greedy modularity: {greedy['community'].nunique()} communities, modularity {greedy.attrs['modularity']:.3f}")
communities_table = A.community_summary(G, comm, top=4)
fig, ax = plt.subplots(figsize=(13, 11))
draw_communities(G, comm, seed=0, label_top=30, ax=ax)
communities_table.head(12)

# %% [markdown]
# ## Who brokers between the party, the state and the CPPCC?
#
# The three sectors are the instances of `cppcc:PartyOrgan` (party), `cppcc:StateOrgan`
# (state, courts included) and `cppcc:CPPCCCommittee` (CPPCC), read from the ontology's class
# hierarchy. Brokerage counts, for every pair of entities from two different sectors, the share
# of their shortest paths that runs through an entity; the units inside the bodies (party
# groups, offices, special committees), programmes, documents and events can all broker.

# %%
groups = A.sector_groups(G)
print({k: len(v) for k, v in groups.items()})
brokers = A.brokerage(G, groups)
brokers = brokers[brokers["brokerage"] > 0]
cols = ["label_zh", "label_en", "class", "brokerage"] + [c for c in brokers.columns if "-" in c]
top_brokers = brokers[cols].head(12).reset_index(drop=True)
for pair in [c for c in brokers.columns if "-" in c]:
    best = brokers.sort_values([pair, "iri"], ascending=[False, True]).iloc[0] if len(brokers) else None
    if best is not None and best[pair] > 0:
        print(f"{pair}: the main broker is {best['label_zh']} ({best['label_en']}, {best['class']}), "
              f"on {best[pair]:.1f} of the shortest paths between the two sectors")
    else:
        print(f"{pair}: no entity lies between the two sectors")
organizations = set(nodes_of_kind(G, "org"))
body_brokers = brokers[brokers["iri"].isin(organizations)].reset_index(drop=True)
if len(body_brokers):
    b = body_brokers.iloc[0]
    print(f"among organizations and their units, the main broker is {b['label_zh']} ({b['label_en']}, "
          f"{b['class']}): brokerage {b['brokerage']:.1f}")
top_brokers

# %%
cut = A.articulation_points(G)
print(f"{len(cut)} entities hold the graph together (articulation points); the first five:")
cut.head(5)

# %% [markdown]
# ## Which programmes connect the most organizations?
#
# The organization–programme bipartite graph (organizations: `cppcc:Organization`,
# `cppcc:OrganizationalUnit` and subclasses; programmes: `cppcc:Program` and subclasses) and its
# projection on the organizations (two organizations are linked when they share a programme).

# %%
B = organization_program_graph(G)
programmes = [n for n, d in B.nodes(data=True) if d["bipartite"] == 1]
reach = A.degree(B)  # in the bipartite graph, a programme's degree is its number of organizations
program_reach = reach[reach["iri"].isin(programmes)].rename(columns={"degree": "organizations"})
program_reach = program_reach[program_reach["organizations"] > 0].reset_index(drop=True)
P = one_mode_projection(B, 0)
P.remove_nodes_from([n for n in list(P) if P.degree(n) == 0])
print(f"{len(programmes)} programmes, {sum(1 for n, d in B.nodes(data=True) if d['bipartite'] == 0)} organizations; "
      f"{len(program_reach)} programmes are linked to at least one organization")
if len(program_reach):
    first = program_reach.iloc[0]
    print(f"the programme that connects the most organizations: {first['label_zh']} ({first['label_en']}), "
          f"{first['organizations']} organizations")
print(f"organizations sharing a programme: {P.number_of_nodes()}, linked in {P.number_of_edges()} pairs")
program_reach.head(10)

# %% [markdown]
# ## What the figures say
#
# The cells above print their own reading; in short (computed below):

# %%
lead = metrics.sort_values(["pagerank", "iri"], ascending=[False, True]).iloc[0]
second = metrics.sort_values(["betweenness", "iri"], ascending=[False, True]).iloc[1]
summary_lines = [
    f"* {lead['label_zh']} ({lead['label_en']}) is the hub of the text: it has the highest PageRank "
    f"({lead['pagerank']:.3f}) and {lead['degree']} relations.",
    f"* After it, {second['label_zh']} ({second['label_en']}) lies on the most shortest paths "
    f"(betweenness {second['betweenness']:.3f}).",
    f"* The measures agree most for {high[0]}/{high[1]} (ρ = {high[2]:.2f}) and least for "
    f"{low[0]}/{low[1]} (ρ = {low[2]:.2f}).",
]
if len(top_brokers):
    summary_lines.append(f"* Between party, state and CPPCC the main broker is {top_brokers.iloc[0]['label_zh']} "
                         f"({top_brokers.iloc[0]['label_en']}, {top_brokers.iloc[0]['class']})"
                         + (f"; among bodies, {body_brokers.iloc[0]['label_zh']} ({body_brokers.iloc[0]['label_en']})."
                            if len(body_brokers) else "."))
if len(program_reach):
    summary_lines.append(f"* The programme that connects the most organizations is {program_reach.iloc[0]['label_zh']} "
                         f"({program_reach.iloc[0]['label_en']}, {program_reach.iloc[0]['organizations']}).")
print("\n".join(summary_lines))

# %% [markdown]
# A single review written about one committee makes that committee the centre of everything;
# betweenness, brokerage and the bipartite view are more telling than degree about the bodies
# *around* it, which the text links to the committee through joint work, leadership and documents.
# As more sources are added, the hub's dominance should fall and the brokers between sectors
# should become more varied.

# %% [markdown]
# ## When the graph is too large: analyse a query's result
#
# With a thousand sources the whole graph is large; an analyst often needs only part of it.
# `entity_graph_of_query` runs a `CONSTRUCT` query (on the build's Oxigraph store here, or on a
# SPARQL server filled by `cppcc-kg push`, with `endpoint=`) and makes the entity graph of its
# triples, which the same functions analyse. Here: the neighbourhood of the hub found above.

# %%
from cppcc_kg.network import entity_graph_of_query

HUB = lead["iri"]
NEIGHBOURHOOD = f"""
PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
CONSTRUCT {{ ?e ?p ?o }} WHERE {{
  {{ BIND(<{HUB}> AS ?e) }}
  UNION {{ <{HUB}> ?r ?e . ?r cppcc:displayAsEdge true }}
  UNION {{ ?e ?r <{HUB}> . ?r cppcc:displayAsEdge true }}
  ?e ?p ?o }}"""
part = entity_graph_of_query(NEIGHBOURHOOD, store="oxigraph", build_dir=BUILD,
                             ontology=project_root() / "ontology.ttl")
part_rank = A.pagerank(part)
print(f"the neighbourhood of {lead['label_zh']} ({lead['label_en']}): {part.number_of_nodes()} entities, "
      f"{part.number_of_edges()} relations")
part_rank.head(5)
