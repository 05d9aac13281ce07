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
# # The SPARQL queries of cppcc-kg, from Python
#
# Every query of `queries/` runs on the built graph (`build/`, made by `cppcc-kg build`) through
# `cppcc_kg.sparql.query.query`, which returns a pandas DataFrame with Chinese and English labels next
# to each IRI column. The store is Oxigraph (`store="oxigraph"`), the faster of the two engines;
# `store="memory"` runs the same queries with rdflib. The network measures of `build/metrics.ttl` are in the named graph
# `<https://w3id.org/cppcc-kg/graph/metrics>`, so a query can rank entities by centrality.
# Set `CPPCC_KG_BUILD` to read another build folder.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from cppcc_kg.network.plotting import (
    entity_label,
    missing_glyphs,
    render_warnings,
    use_cjk_font,
)
from cppcc_kg.project.files import project_root
from cppcc_kg.sparql.query import query

pd.set_option("display.max_colwidth", 50)
FONT = use_cjk_font()


ROOT = project_root()
BUILD = Path(os.environ.get("CPPCC_KG_BUILD") or ROOT / "build")
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
STORE = "oxigraph"
print(f"{len(QUERIES)} queries in queries/")  # no path: the page of the build is the same wherever it runs

# %% [markdown]
# ## Every query of `queries/`
# The first comment lines of each file say, in English and Chinese, what it asks.

# %%
results: dict[str, pd.DataFrame] = {}
for path in QUERIES:
    question = next((l[len("# en:"):].strip() for l in path.read_text(encoding="utf-8").splitlines()
                     if l.startswith("# en:")), "")
    df = query(path, build_dir=BUILD, store=STORE)
    results[path.stem] = df
    print(f"{path.name}: {len(df)} rows — {question}")
overview = pd.DataFrame({"query": list(results), "rows": [len(df) for df in results.values()],
                         "columns": [", ".join(df.columns[:6]) for df in results.values()]})
overview

# %% [markdown]
# The first rows of each result:

# %%
for name, df in results.items():
    print(f"== {name}")
    print(df.head(5).to_string(max_colwidth=40) if len(df) else "(no rows)")
    print()

# %% [markdown]
# ## Ranking by centrality from SPARQL
# The measures are on each entity in the metrics graph; labels come from the default graph.
# The plot uses the query of `queries/` that returns a `pagerank` column (the centrality
# ranking); if there is none, the same question asked here.

# %%
RANK = """
PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#>
SELECT ?entity ?pagerank ?betweenness ?degree WHERE {
  GRAPH <https://w3id.org/cppcc-kg/graph/metrics> {
    ?entity cppcc:pagerank ?pagerank ; cppcc:betweenness ?betweenness ; cppcc:degree ?degree .
  }
}
ORDER BY DESC(?pagerank) ?entity
LIMIT 15
"""
ranked_from = next((name for name, df in results.items() if "pagerank" in df.columns and len(df)), None)
ranked = results[ranked_from] if ranked_from else query(RANK, build_dir=BUILD, store=STORE)
KEY = "entity" if "entity" in ranked else ranked.columns[0]  # the column of the entity IRIs
ranked = ranked.sort_values(["pagerank", KEY], ascending=[False, True]).head(15).reset_index(drop=True)
ranked = ranked.rename(columns={f"{KEY}_zh": "label_zh", f"{KEY}_en": "label_en"})
print(f"ranking from {ranked_from or 'the query above'}")
ranked[[c for c in ("label_zh", "label_en", "pagerank", "betweenness", "degree") if c in ranked]]

# %%
fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(ranked), 1) + 1.2))
labels = [entity_label(r) for _, r in ranked.fillna("").iterrows()][::-1]
ax.barh(range(len(ranked)), ranked["pagerank"].tolist()[::-1], color="#d62728")
ax.set_yticks(range(len(ranked)), labels, fontsize=7)
ax.set_xlabel("PageRank")
ax.set_title("top entities by PageRank (SPARQL on the metrics graph)")
fig.tight_layout()
drawn = "".join(t.get_text() for t in ax.get_yticklabels())
glyph_warnings = [w for w in render_warnings(fig) if "missing from" in w.lower()]
assert not missing_glyphs(drawn) and not glyph_warnings
print(f"{len(ranked)} entities drawn in {FONT}")

# %% [markdown]
# This is the ranking of `build/metrics.csv`, read through SPARQL: a query can filter by class,
# place or date and still rank by centrality.
