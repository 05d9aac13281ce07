"""Build the knowledge graph: the same as ``cppcc-kg build`` (same options, same exit codes).

    python build_graph.py [--root DIR] [--out DIR] [--quiet]

The default root is the folder of this script, so it builds this repository
from wherever it is run.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from cppcc_kg.cli.build import command  # noqa: E402

if __name__ == "__main__":
    command(prog_name="build_graph.py", default_map={"root": str(HERE)})
