"""``project_files`` lists the folders with ``os.scandir``: the same paths, in the same order, as the pathlib code it
replaced (``tests/oracles/project_files_pathlib.py``), on crafted trees (nested folders, symbolic links to folders
and files, broken links, a folder named ``*.ttl``, dot files, other cases, ``graph/proposed``) and real projects."""
from __future__ import annotations

import os

import pytest
from oracles.project_files_pathlib import project_files_pathlib
from support import REPO_ROOT

from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.project.layout import project_files
from cppcc_kg.project.synth import write_corpus


def _touch(root, *rels):
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def test_crafted_trees_are_listed_as_pathlib_lists_them(tmp_path):
    root = tmp_path / "p"
    _touch(root, "ontology.ttl", "sources/b.ttl", "sources/a.ttl", "sources/.hidden.ttl", "sources/C.TTL",
           "sources/sub/deep.ttl", "sources/notes.txt", "graph/z.ttl", "graph/a/b/c.ttl", "graph/a/x.ttl",
           "graph/proposed/p.ttl", "graph/proposed-not/q.ttl", "graph/dir.ttl/inside.ttl", "graph/.dot/e.ttl",
           "graph/a b/é.ttl", "graph/A.ttl", "graph/x.ttlx", "outside/o.ttl", "outside/f.ttl")
    os.symlink(root / "outside", root / "graph" / "linked")  # a link to a folder: not followed
    os.symlink(root / "outside" / "f.ttl", root / "graph" / "lf.ttl")  # a link to a file: kept
    os.symlink(root / "missing.ttl", root / "graph" / "broken.ttl")  # leads nowhere: left out
    os.symlink(root / "outside", root / "sources" / "linked.ttl")  # a folder named *.ttl: left out
    got = project_files(root)
    assert got == project_files_pathlib(root)
    assert "graph/lf.ttl" in got and "graph/dir.ttl/inside.ttl" in got and "graph/.dot/e.ttl" in got
    assert not any(r.startswith(("graph/linked/", "graph/proposed/")) for r in got) and "graph/broken.ttl" not in got


@pytest.mark.parametrize("case", ["no folders", "files in their place", "graph a link", "sources a link to itself",
                                  "graph a link to itself"])
def test_missing_or_odd_folders(tmp_path, case):
    root = tmp_path / "p"
    _touch(root, "ontology.ttl", "elsewhere/g.ttl", "elsewhere/sub/h.ttl")
    if case == "files in their place":
        _touch(root, "sources", "graph")
    if case == "graph a link":  # the root of the walk may be a link (pathlib follows it too)
        os.symlink(root / "elsewhere", root / "graph")
    if case.endswith("a link to itself"):  # a loop (ELOOP): pathlib lists nothing there, and no error
        name = case.split()[0]
        os.symlink(name, root / name)
        if name == "sources":
            os.symlink(root / "elsewhere", root / "graph")
    assert project_files(root) == project_files_pathlib(root)


def test_no_ontology_is_still_an_error(tmp_path):
    with pytest.raises(ProjectLayoutError):
        project_files(tmp_path)


def test_real_projects(tmp_path):
    write_corpus(tmp_path / "s", scale=3, seed=0)
    for root in (REPO_ROOT, tmp_path / "s"):
        assert project_files(root) == project_files_pathlib(root) and len(project_files(root)) > 3
