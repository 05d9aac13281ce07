"""The parse workers leave each file's N-Triples in a file of a folder in memory (``project.files.check_file_into``)
instead of sending the bytes through the pool's pipe (session 9): the same N-Triples as a parse in one process,
the folder emptied and removed whatever happens, and the bytes through the pipe when no file can be written."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cppcc_kg.errors import TurtleSyntaxError
from cppcc_kg.project import files
from cppcc_kg.project.layout import project_files
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.project.workers import PARALLEL_MIN_FILES


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("parse") / "p"
    write_corpus(root, scale=40, seed=0)
    rels = project_files(root)
    assert len(rels) >= 2 * PARALLEL_MIN_FILES  # the workers parse
    return root, rels


@pytest.fixture(scope="module")
def in_one_process(project):
    root, rels = project
    return list(files.iter_files(root, rels, workers=0))


@pytest.fixture
def shm(tmp_path, monkeypatch):
    folder = tmp_path / "shm"
    folder.mkdir()
    monkeypatch.setattr(files, "SHARED_MEMORY", folder)
    return folder


def test_the_workers_give_the_n_triples_of_one_process_through_files(project, in_one_process, shm, monkeypatch):
    root, rels = project
    made = []
    real = files._results_folder
    monkeypatch.setattr(files, "_results_folder", lambda: made.append(real()) or made[-1])
    kinds = []
    taken = files._taken
    monkeypatch.setattr(files, "_taken", lambda got: kinds.append(type(got)) or taken(got))
    stats: dict = {}
    got = list(files.iter_files(root, rels, workers=2, stats=stats))
    assert got == in_one_process and stats["parsed"] == len(rels)
    assert set(kinds) == {str}  # each through a file
    assert len(made) == 1 and made[0].startswith(str(shm))  # in the shared memory's folder
    assert list(shm.iterdir()) == []  # every file taken, the folder removed


def test_without_a_folder_the_bytes_come_through_the_pipe(project, in_one_process, shm, monkeypatch):
    root, rels = project
    monkeypatch.setattr(files, "_results_folder", lambda: str(shm / "gone"))  # no such folder: no file written
    kinds = []
    taken = files._taken
    monkeypatch.setattr(files, "_taken", lambda got: kinds.append(type(got)) or taken(got))
    assert list(files.iter_files(root, rels, workers=2)) == in_one_process
    assert set(kinds) == {bytes}


def test_a_missing_shared_memory_folder_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "SHARED_MEMORY", tmp_path / "missing")
    monkeypatch.setattr(files.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = files._results_folder()
    assert folder.startswith(str(tmp_path / "tmp"))


def test_the_folder_is_removed_after_a_syntax_error_and_after_an_interruption(project, shm, tmp_path):
    root, rels = project
    bad = rels[len(rels) // 2]
    (root / bad).write_bytes((root / bad).read_bytes() + b"\n<http://e.org/a> <http://e.org/b> .\n")
    try:
        with pytest.raises(TurtleSyntaxError):
            list(files.iter_files(root, rels, workers=2))
        assert list(shm.iterdir()) == []
        it = files.iter_files(root, rels, workers=2)
        next(it)
        it.close()  # a build stopped while the files are parsed
        assert list(shm.iterdir()) == []
    finally:
        (root / bad).write_bytes((root / bad).read_bytes().removesuffix(b"\n<http://e.org/a> <http://e.org/b> .\n"))


def test_the_folders_a_killed_build_left_are_removed(shm):
    """A build killed by SIGTERM or SIGKILL cannot remove its folder of results: the next one removes the
    folders whose build process is gone, and leaves those of running builds."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = shm / f"{files.RESULTS_PREFIX}{gone.pid}-abc"
    left.mkdir()
    (left / "x.nt").write_bytes(b"<a:b> <a:c> <a:d> .\n")
    running = shm / f"{files.RESULTS_PREFIX}{os.getppid()}-def"  # (the process that started the tests)
    running.mkdir()
    other = shm / "someone-else-1-x"
    other.mkdir()
    made = files._results_folder()
    try:
        assert not left.exists() and running.is_dir() and other.is_dir()
        assert made.startswith(str(shm / f"{files.RESULTS_PREFIX}{os.getpid()}-"))
    finally:
        os.rmdir(made)
