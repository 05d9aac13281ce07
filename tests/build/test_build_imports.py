"""A clean build of the repository's graph (scale 1) imports neither pandas nor scipy: its tables are
written without DataFrames (``network.metrics.measure_columns``) and a graph of at most
``network.centrality.SMALL_GRAPH`` entities needs no sparse matrix; those imports were a third of such a
build (bench/README.md, "Issue 15, session 7: engineer A"). The outputs stay the golden ones
(tests/build/test_golden.py)."""
from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, sys
from cppcc_kg.build.pipeline import build
from cppcc_kg.network.kernels import igraph_without_drawing
igraph_without_drawing()  # as the command does
r = build(sys.argv[1], sys.argv[2], cache=False)
print(json.dumps({"files": sorted(p.name for p in r["out"].iterdir()),
                  "loaded": sorted({m.split(".")[0] for m in sys.modules} & {"pandas", "scipy", "rdflib"})}))
"""


def test_a_clean_build_of_the_repository_imports_no_pandas_nor_scipy(repo_root, tmp_path):
    proc = subprocess.run([sys.executable, "-c", CHILD, str(repo_root), str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.splitlines()[-1])
    assert {"metrics.csv", "metrics.ttl", "graph.html", "nodes.csv"} <= set(got["files"])
    assert got["loaded"] == ["rdflib"]  # the check sees the modules: rdflib is there
