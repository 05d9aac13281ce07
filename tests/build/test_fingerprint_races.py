"""The up-to-date check against races and forged outputs (found by the review of issue 15)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from cppcc_kg.build.pipeline import build


def _age(path: Path, seconds: float = 60.0) -> None:
    t = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(t, t))


def _aged_build(make_project) -> Path:
    root = make_project()
    for p in root.rglob("*"):
        if p.is_file():
            _age(p)
    build(root)
    build(root)  # the stat cache knows every file
    return root


class _EditWhenLoadBegins:
    """A progress object whose ``begin("load")`` saves *data* into *path*: an edit landing after the
    up-to-date check and before the loader reads the file (the CLI spends seconds importing the
    pipeline there; at scale 1000 the loader reads files for seconds more)."""

    def __init__(self, path: Path, data: bytes):
        self.path, self.data = path, data

    def __call__(self, done, total, rel):
        pass

    def begin(self, name, until=None):
        if name == "load" and self.data is not None:
            self.path.write_bytes(self.data)
            self.data = None

    def end(self, name):
        pass


def test_an_edit_made_during_the_build_and_undone_leaves_a_stale_build_up_to_date(make_project):
    root = _aged_build(make_project)
    # a first, legitimate edit: the next build is not up to date
    rel = root / "graph" / "relations.ttl"
    rel.write_text(rel.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    p = root / "graph" / "entities.ttl"
    original = p.read_bytes()
    text = original.decode("utf-8")
    i = text.index('"@zh')
    start = text.rindex('"', 0, i)
    edited = (text[:start + 1] + text[start + 1:i - 1] + text[i:]).encode("utf-8")  # a Chinese label shortened
    nodes_clean = (root / "build" / "nodes.csv").read_bytes()
    # while that build runs, the curator saves an edit of entities.ttl ...
    result = build(root, progress=_EditWhenLoadBegins(p, edited))
    assert result["up_to_date"] is False
    assert (root / "build" / "nodes.csv").read_bytes() != nodes_clean  # the build shows the edited label
    p.write_bytes(original)  # ... and undoes it (editor undo, git checkout -- file, git stash)
    again = build(root)
    # BUG: "up to date", while build/nodes.csv holds a label that is in no curated file
    assert again["up_to_date"] is False, "stale build/ taken as up to date: " + again["reason"]


def test_an_output_edited_in_place_with_its_mtime_put_back_is_taken_as_up_to_date(make_project):
    """The record keeps (size, mtime, inode) of each output: an in-place edit of the same length whose
    mtime is put back (touch -d / touch -r, rsync --inplace -t, an editor that keeps times) is not seen."""
    root = _aged_build(make_project)
    nodes = root / "build" / "nodes.csv"
    st = nodes.stat()
    data = nodes.read_bytes()
    forged = data.replace(b",", b";", 1)  # the same length, another content
    assert forged != data and len(forged) == len(data)
    with open(nodes, "r+b") as f:  # in place: the same inode
        f.write(forged)
    os.utime(nodes, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = build(root)
    # BUG: up to date; build/nodes.csv is not what the curated files give (the ctime did change)
    assert result["up_to_date"] is False, "an edited output taken as up to date"


def test_a_file_present_only_while_the_build_loads_stays_in_an_up_to_date_build(make_project):
    """The same hole with a file: added after the check, loaded, removed after the build (a proposal
    copied into graph/ to try it, a checkout of another branch): its facts stay in build/ 'up to date'."""
    root = _aged_build(make_project)
    rel = root / "graph" / "relations.ttl"
    rel.write_text(rel.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")  # a build will run
    extra = root / "graph" / "tried.ttl"
    tried = ("<https://w3id.org/cppcc-kg/id/mechanism/test-members-workstations> "
             "<https://w3id.org/cppcc-kg/ontology#establishedBy> <https://w3id.org/cppcc-kg/id/org/test-city-cppcc> .\n")
    result = build(root, progress=_EditWhenLoadBegins(extra, tried.encode("utf-8")))
    assert result["up_to_date"] is False
    assert "graph/tried.ttl" in result["summary"]["files"]  # it was loaded into this build
    assert b"establishedBy" in (root / "build" / "graph.nt").read_bytes()
    extra.unlink()
    again = build(root)
    # BUG: up to date; build/summary.json lists graph/tried.ttl, which is gone
    assert again["up_to_date"] is False, "a build with a removed file's triples taken as up to date"


def test_an_output_that_vanishes_during_the_check_is_not_a_crash(make_project, monkeypatch):
    """A concurrent build swaps build/ and removes the old folder while this check walks it: an
    output listed by os.walk is gone at lstat. The check should say "not up to date" and build."""
    from cppcc_kg.build import fingerprint

    root = _aged_build(make_project)

    class _Os:  # os as fingerprint.py sees it, with one output gone at lstat (os itself untouched)
        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def lstat(path, *args, **kwargs):
            if str(path).endswith("nodes.csv"):
                raise FileNotFoundError(2, "No such file or directory", str(path))
            return os.lstat(path, *args, **kwargs)

    monkeypatch.setattr(fingerprint, "os", _Os())
    # BUG: FileNotFoundError out of output_files (the CLI turns it into "error: ...nodes.csv", exit 2)
    result = build(root)
    assert result["up_to_date"] is False
