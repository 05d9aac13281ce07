"""`.ci/run`: the Debian packages of the browser and server tests are installed when possible, and a failing
apt (no network, no such package) does not fail the CI: the tests that need them skip, saying why."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support import REPO_ROOT

LOG = 'echo "$(basename "$0") $*" >> "$CALLS"'
FAKES = {
    "id": "echo 0",  # as root
    "dpkg-query": "exit 1",  # nothing installed
    "apt-get": f"{LOG}; exit 100",  # every apt command fails
    # the venv and the test command are faked too (in the copy of the script's folder, never in the repository)
    "python3": f'{LOG}; mkdir -p .venv/bin; for x in pip python; do cp "$LOGGER" .venv/bin/$x; done',
    "logger": LOG,
}


def test_ci_run_goes_on_when_apt_fails(tmp_path: Path):
    clone, bin_dir = tmp_path / "clone", tmp_path / "bin"
    (clone / ".ci").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / ".ci" / "run", clone / ".ci" / "run")
    bin_dir.mkdir()
    for name, body in FAKES.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / "calls"
    env = dict(os.environ, PATH=f"{bin_dir}:/usr/bin:/bin", CALLS=str(calls), LOGGER=str(bin_dir / "logger"))
    r = subprocess.run(["bash", str(clone / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    log = calls.read_text(encoding="utf-8").splitlines()
    assert "apt-get update -qq" in log
    installs = [line for line in log if line.startswith("apt-get install")]
    assert len(installs) == 4 and installs[-1].endswith(" virtuoso-opensource")  # one by one: one failure stops none
    assert "cannot install virtuoso-opensource: the tests that need it will be skipped" in r.stderr
    assert log[-1] == "python -m pytest"  # it went on to the README's test command


def test_the_test_command_collects_every_test_folder():
    """pytest skips folders named ``build`` by default: the README's command must still run tests/build and
    the doctests of cppcc_kg/build (pyproject's ``norecursedirs``)."""
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                       cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stdout[-2000:]
    ids = r.stdout.splitlines()
    folders = {Path(i.split("::")[0]).parent.as_posix() for i in ids if "::" in i}
    assert {"tests/build", "cppcc_kg/build", "tests/network", "cppcc_kg/network"} <= folders, sorted(folders)
