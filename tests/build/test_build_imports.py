"""A clean build of the repository's graph (scale 1) imports neither pandas nor scipy: its tables are
written without DataFrames (``network.metrics.measure_columns``) and a graph of at most
``network.centrality.SMALL_GRAPH`` entities needs no sparse matrix; those imports were a third of such a
build (bench/README.md, "Issue 15, session 7: engineer A"). The outputs stay the golden ones
(tests/build/test_golden.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cppcc_kg.build.outdir import MARKER
from cppcc_kg.build.pipeline import build

CHILD = """
import json, sys
from cppcc_kg.cli.build import import_pipeline
from cppcc_kg.project import workers
r = import_pipeline(clean=True).build(sys.argv[1], sys.argv[2], cache=False)
print(json.dumps({"files": sorted(p.name for p in r["out"].iterdir()), "left": workers.take_helper() is not None,
                  "pinyin": r["load"]["pinyin_computed"],
                  "loaded": sorted({m.split(".")[0] for m in sys.modules} & {"pandas", "scipy", "rdflib"})}))
"""


def test_a_clean_build_of_the_repository_imports_no_pandas_nor_scipy(repo_root, tmp_path):
    # as the command imports it (import_pipeline: the helper worker started before the imports), with the
    # outputs of a build made here (in this process, which imported pandas, scipy and numpy as usual)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(repo_root), str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.splitlines()[-1])
    assert {"metrics.csv", "metrics.ttl", "graph.html", "nodes.csv"} <= set(got["files"])
    assert got["loaded"] == ["rdflib"]  # the check sees the modules: rdflib is there
    assert got["pinyin"] > 0 and got["left"] is False  # the early helper computed the pinyin, taken by the loader
    here = build(repo_root, tmp_path / "here", cache=False)["out"]
    files = sorted(p.name for p in here.iterdir() if p.is_file() and p.name != MARKER)
    assert files and all((here / n).read_bytes() == (tmp_path / "out" / n).read_bytes() for n in files)


THREADS = """
import os, sys
{how}
print(len(os.listdir("/proc/self/task")), os.environ.get("OPENBLAS_NUM_THREADS", "-"))
"""


def _threads(how: str, **env) -> tuple[int, str]:
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | env
    out = subprocess.run([sys.executable, "-c", THREADS.format(how=how)], capture_output=True, text=True,
                         check=True, env=environ).stdout.split()
    return int(out[0]), out[1]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2, reason="Linux, 2 CPUs")
def test_the_command_imports_numpy_with_one_blas_thread():
    # OpenBLAS starts its threads as numpy is imported: one thread fewer here than with a plain import
    command = "from cppcc_kg.cli.build import import_pipeline; import_pipeline()"
    one, left = _threads(command)
    plain, _ = _threads("import cppcc_kg.build.pipeline")
    assert one < plain
    assert left == "-"  # the environment as it was: the processes the build starts have their own threads
    assert _threads(command, OPENBLAS_NUM_THREADS="2") == (2, "2")  # the user's choice is kept: two threads
