"""``cppcc-kg build`` as a process ends at once after the build (``common.end_at_once``): the same exit codes,
output and files as before, the :mod:`atexit` functions run, the objects not torn down; never under
``CliRunner`` (a caller of the command in its own process)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO_ROOT

from cppcc_kg.cli import main
from cppcc_kg.cli.common import _AT_ONCE
from cppcc_kg.errors import EXIT_INPUT, EXIT_VALIDATION

#: the command line in a process, with an object whose ``__del__`` says it was torn down (a module's global:
#: the interpreter's tear-down frees it), an atexit function and a thread that ends after the command
DRIVER = '''
import atexit, sys, threading, time
class Torn:
    def __del__(self):
        sys.stderr.write("torn down\\n")
kept = Torn()
atexit.register(lambda: sys.stderr.write("atexit ran\\n"))
import cppcc_kg.cli.build as b
build = b._build
def late_thread(*args, **kwargs):
    sys.stderr.write(f"process_ends={kwargs.get('process_ends')}\\n")
    result = build(*args, **kwargs)
    done = threading.Event()
    def late():
        done.wait()
        sys.stdout.write("late thread done\\n")
    threading.Thread(target=late).start()  # not a daemon: the process waits for it, as before
    done.set()
    return result
b._build = late_thread
from cppcc_kg.cli import main
sys.argv = ["cppcc-kg", *sys.argv[1:]]
main()
'''


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, str(driver), *args], capture_output=True, text=True, env=env,
                          timeout=600)


def _files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".cppcc-kg-build"}


def test_a_build_ends_at_once_with_its_output_and_files(make_project, tmp_path):
    root, other = make_project(), make_project()
    done = _run(tmp_path, "build", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "atexit ran" in done.stderr.splitlines()
    assert "process_ends=True" in done.stderr.splitlines()  # the build was told: its project is not freed either
    assert "torn down" not in done.stderr  # the objects were not freed one by one
    # the late thread ran to its end (the process waited for it); it may write before the command's lines or after
    # them (it is started before the command prints, and which of the two threads runs first is the system's)
    assert done.stdout.count("late thread done\n") == 1
    assert done.stdout.replace("late thread done\n", "", 1).startswith("built ")
    # the same files and output as the command run in this process (CliRunner: no end at once)
    r = CliRunner().invoke(main, ["build", "--root", str(other)])
    assert r.exit_code == 0, r.output
    assert _files(root / "build") == _files(other / "build")
    summary = [[line for line in text.replace(str(folder), "R").splitlines() if line.startswith("  ")]
               for text, folder in [(done.stdout, root), (r.output, other)]]
    assert summary[0] == summary[1] and summary[0]
    # the loader's cache was kept whole: the next build is up to date
    again = _run(tmp_path, "build", "--root", str(root))
    assert again.returncode == 0 and "up to date" in again.stdout, again.stdout + again.stderr
    assert "torn down" in again.stderr  # nothing built: the usual exit


@pytest.mark.parametrize(("overlay", "code"), [("bad-shacl", EXIT_VALIDATION), ("bad-syntax", EXIT_INPUT)])
def test_a_failed_build_ends_at_once_with_its_exit_code(make_project, tmp_path, overlay, code):
    root = make_project(overlay)
    done = _run(tmp_path, "build", "--root", str(root))
    assert done.returncode == code, done.stderr
    assert "error:" in done.stderr and "Traceback" not in done.stderr
    assert "torn down" not in done.stderr
    assert not (root / "build").exists()


def test_not_under_a_caller_of_the_command(make_project, monkeypatch):
    """CliRunner (args given): the command returns to its caller (this test would end otherwise), and the build is
    not told that the process ends (its project is freed, the store's loader stopped: nothing left running)."""
    import threading

    import cppcc_kg.cli.build as cli_build
    root = make_project()
    told, real = [], cli_build._build
    monkeypatch.setattr(cli_build, "_build", lambda *a, **k: told.append(k.get("process_ends")) or real(*a, **k))
    r = CliRunner().invoke(main, ["build", "--root", str(root), "--quiet"])
    assert r.exit_code == 0, r.output
    assert _AT_ONCE == [True]  # asked for, and not done
    assert told == [False] and not [t for t in threading.enumerate() if t.name == "cppcc-kg-store-loader"]


def test_not_under_a_caller_of_main_without_standalone_mode(make_project, monkeypatch):
    """``main.main(standalone_mode=False)`` (click's call for a program that goes on; the arguments from
    ``sys.argv``): the command returns, so the build is not told that the process ends."""
    import signal

    import cppcc_kg.cli.build as cli_build
    root = make_project()
    told, real = [], cli_build._build
    monkeypatch.setattr(cli_build, "_build", lambda *a, **k: told.append(k.get("process_ends")) or real(*a, **k))
    monkeypatch.setattr(sys, "argv", ["cppcc-kg", "build", "--root", str(root), "--quiet"])
    handler = signal.getsignal(signal.SIGINT)
    try:
        main.main(standalone_mode=False)
    finally:
        signal.signal(signal.SIGINT, handler)  # (main() as the entry sets its own)
    assert told == [False]
    assert not [t for t in threading.enumerate() if t.name == "cppcc-kg-store-loader"]
