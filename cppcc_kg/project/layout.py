"""The layout of a project, without a heavy import: which files the loader reads, where the cache
and the build's marker are (``cppcc-kg build`` checks whether it is up to date with these alone).

>>> BUILD_MARKER, CACHE_DIR.as_posix()
('.cppcc-kg-build', '.cache/cppcc-kg')
>>> is_build_marker(BUILD_MARKER_TEXT + b'{}'), is_build_marker(b'other')
(True, False)
"""
from __future__ import annotations

from pathlib import Path

from cppcc_kg.errors import ProjectLayoutError

__all__ = ["BUILD_MARKER", "BUILD_MARKER_TEXT", "CACHE_DIR", "is_build_marker", "project_files"]

#: the cache folder, under the project root
CACHE_DIR = Path(".cache") / "cppcc-kg"
#: the file that marks a folder as the output of ``cppcc-kg build`` (only the build writes it; see
#: :mod:`cppcc_kg.build.outdir`); its first line is :data:`BUILD_MARKER_TEXT`, what follows is the
#: build's record (:mod:`cppcc_kg.build.fingerprint`)
BUILD_MARKER = ".cppcc-kg-build"
BUILD_MARKER_TEXT = b"This folder is the output of `cppcc-kg build`, which replaces it as a whole.\n"


def is_build_marker(data: bytes) -> bool:
    """Whether *data* (a marker file's bytes) is the build's: its first line is :data:`BUILD_MARKER_TEXT`."""
    return data.startswith(BUILD_MARKER_TEXT)


def project_files(root: Path) -> list[str]:
    """Relative paths of the input files of *root*, in load order.

    ``ontology.ttl``, then ``sources/*.ttl``, then ``graph/**/*.ttl`` without
    ``graph/proposed/``, each group sorted.
    """
    root = Path(root)
    if not (root / "ontology.ttl").is_file():
        raise ProjectLayoutError(f"{root / 'ontology.ttl'}: no ontology.ttl in the project root {root}",
                                 "run the command from the repository root or pass --root.")
    rels = ["ontology.ttl"]
    rels += sorted(p.relative_to(root).as_posix() for p in (root / "sources").glob("*.ttl") if p.is_file())
    graph_dir = root / "graph"
    rels += sorted(
        rel for rel in (p.relative_to(root).as_posix() for p in graph_dir.rglob("*.ttl") if p.is_file())
        if not rel.startswith("graph/proposed/")
    )
    return rels
