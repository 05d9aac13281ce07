"""The files of a project as ``cppcc_kg.project.layout.project_files`` listed them with pathlib (the oracle of
its listing by ``os.scandir``)."""
from __future__ import annotations

from pathlib import Path


def project_files_pathlib(root: Path) -> list[str]:
    root = Path(root)
    rels = ["ontology.ttl"]
    rels += sorted(p.relative_to(root).as_posix() for p in (root / "sources").glob("*.ttl") if p.is_file())
    graph_dir = root / "graph"
    rels += sorted(
        rel for rel in (p.relative_to(root).as_posix() for p in graph_dir.rglob("*.ttl") if p.is_file())
        if not rel.startswith("graph/proposed/")
    )
    return rels
