"""Shared fixtures: the repository root, a full build of it, and small fixture projects.

* ``repo_root``: the root of this repository.
* ``built``: a full build of the repository (``cppcc-kg build``) into a temporary
  folder, made once per test session; its ``Path`` holds ``graph.ttl`` and the rest.
* ``shared_dir``: ``../shared`` beside the repository (skips the test when absent).
* ``analysis_graph()``: a plain function (import it from ``conftest``): a new rdflib graph of
  the ontology and ``tests/fixtures/analysis/small.ttl``, the small graph the analysis and
  entity-graph tests share.
* ``make_project``: a factory that copies the small project of
  ``tests/fixtures/build/minimal`` (plus overlay folders of ``tests/fixtures/build/``)
  into a temporary folder, with the repository's ``ontology.ttl`` and ``rules/``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
BUILD_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "build"
ANALYSIS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "small.ttl"


def analysis_graph():
    """A new graph of the ontology and the analysis fixture (callers may change it)."""
    from rdflib import Graph

    g = Graph()
    g.parse(REPO_ROOT / "ontology.ttl")
    g.parse(ANALYSIS_FIXTURE)
    return g


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of the repository (holds ontology.ttl, graph/, sources/)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository; the test is skipped if it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (the shared test data lives beside the repository)")
    return SHARED


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Build the repository once into a temporary folder and return that folder."""
    from cppcc_kg.build.pipeline import build

    out = tmp_path_factory.mktemp("built") / "build"
    build(REPO_ROOT, out)
    return out


def copy_project(dest: Path, *overlays: str, fixtures: Path = BUILD_FIXTURES) -> Path:
    """Copy ``fixtures/minimal`` and then each overlay folder onto *dest*, with the ontology and rules."""
    dest = Path(dest)
    shutil.copytree(fixtures / "minimal", dest, dirs_exist_ok=True)
    for name in overlays:
        shutil.copytree(fixtures / name, dest, dirs_exist_ok=True)
    shutil.copy2(REPO_ROOT / "ontology.ttl", dest / "ontology.ttl")
    shutil.copytree(REPO_ROOT / "rules", dest / "rules", dirs_exist_ok=True)
    return dest


@pytest.fixture
def make_project(tmp_path):
    """``make_project(*overlays)`` -> Path of a fresh copy of the minimal fixture project."""
    counter = iter(range(1000))

    def make(*overlays: str) -> Path:
        return copy_project(tmp_path / f"project{next(counter)}", *overlays)
    return make
