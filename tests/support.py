"""What the tests share besides fixtures: the repository's paths, the fixture graphs, fixture projects.

Test modules import these from ``support`` (``tests/`` is on ``sys.path``, see ``pyproject.toml``);
the fixtures built on them are in ``tests/conftest.py``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import Graph

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
BUILD_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "build"
ANALYSIS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "small.ttl"


def analysis_graph():
    """A new graph of the ontology and the analysis fixture (callers may change it)."""
    g = Graph()
    g.parse(REPO_ROOT / "ontology.ttl")
    g.parse(ANALYSIS_FIXTURE)
    return g


def copy_project(dest: Path, *overlays: str, fixtures: Path = BUILD_FIXTURES) -> Path:
    """Copy ``fixtures/minimal`` and then each overlay folder onto *dest*, with the ontology and rules."""
    dest = Path(dest)
    shutil.copytree(fixtures / "minimal", dest, dirs_exist_ok=True)
    for name in overlays:
        shutil.copytree(fixtures / name, dest, dirs_exist_ok=True)
    shutil.copy2(REPO_ROOT / "ontology.ttl", dest / "ontology.ttl")
    shutil.copytree(REPO_ROOT / "rules", dest / "rules", dirs_exist_ok=True)
    return dest
