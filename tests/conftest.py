"""Shared fixtures: the repository root, a full build of it, and small fixture projects.

* ``repo_root``: the root of this repository.
* ``built``: a full build of the repository (``cppcc-kg build``) into a temporary
  folder, made once per test session; its ``Path`` holds ``graph.ttl`` and the rest.
* ``shared_dir``: ``../shared`` beside the repository (skips the test when absent).
* ``analysis_graph()``: a plain function (import it from ``support``, like ``copy_project``): a new rdflib graph of
  the ontology and ``tests/fixtures/analysis/small.ttl``, the small graph the analysis and
  entity-graph tests share.
* ``make_project``: a factory that copies the small project of
  ``tests/fixtures/build/minimal`` (plus overlay folders of ``tests/fixtures/build/``)
  into a temporary folder, with the repository's ``ontology.ttl`` and ``rules/``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from support import (  # noqa: F401
    ANALYSIS_FIXTURE,
    BUILD_FIXTURES,
    REPO_ROOT,
    SHARED,
    analysis_graph,
    copy_project,
)


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


@pytest.fixture
def make_project(tmp_path):
    """``make_project(*overlays)`` -> Path of a fresh copy of the minimal fixture project."""
    counter = iter(range(1000))

    def make(*overlays: str) -> Path:
        return copy_project(tmp_path / f"project{next(counter)}", *overlays)
    return make
