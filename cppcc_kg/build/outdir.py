"""The output folder: refused unless it is a previous build (marked by :data:`MARKER`), written in a temporary folder
beside it, and swapped in at once when the build succeeds.

The temporary folders are named ``.OUT.tmp-PID-…`` (and ``.OUT.old-PID`` where the swap cannot be
atomic); a build that is killed leaves its own, and the next build removes those whose process
is gone (never the folder of a concurrent build).
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.project.cache import remove_dead_folders
from cppcc_kg.project.layout import BUILD_MARKER, BUILD_MARKER_TEXT, is_build_marker
from cppcc_kg.rdf.files import sha256_of_file, write_atomic

__all__ = ["MARKER", "MARKER_TEXT", "check_out_dir", "is_marked", "is_unmarked_build", "remove_leftovers",
           "staging_folder", "swap_in", "within_build", "write_marker"]

#: the file that only the build writes into its output folder: a folder that holds it (its first
#: line :data:`MARKER_TEXT`; then the build's record, :mod:`cppcc_kg.build.fingerprint`) is a
#: previous build and may be replaced as a whole
MARKER = BUILD_MARKER
MARKER_TEXT = BUILD_MARKER_TEXT
#: the summary of a build (which lists the build's other files)
SUMMARY = "summary.json"
_SUMMARY_FILES = ("summary.json", "summary.txt")


def is_marked(out: Path) -> bool:
    """Whether *out* holds the marker of a build (a regular file whose first line is the marker's text)."""
    marker = Path(out) / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        with open(marker, "rb") as f:
            return is_build_marker(f.read(len(MARKER_TEXT)))
    except OSError:
        return False


def is_unmarked_build(out: Path) -> bool:
    """Whether *out* is a build of an earlier version (before the marker): ``summary.json`` lists
    outputs (``graph.ttl`` among them), each file there has the sha256 the summary records, and the
    folder holds those files, the summary and nothing else (but the review pages ``review/*.html``
    that ``cppcc-kg ingest`` wrote there)."""
    out = Path(out)
    try:
        summary = json.loads((out / SUMMARY).read_text(encoding="utf-8"))
        entries = list(out.iterdir())
    except (OSError, ValueError):
        return False
    outputs = summary.get("outputs") if isinstance(summary, dict) else None
    if not isinstance(outputs, dict) or "graph.ttl" not in outputs:  # every build wrote graph.ttl
        return False
    for name, entry in outputs.items():  # each listed output is there, with the digest the build recorded
        if not (isinstance(entry, dict) and isinstance(name, str) and "/" not in name
                and _sha256_of(out / name) == entry.get("sha256")):
            return False
    allowed = set(outputs) | set(_SUMMARY_FILES)
    for p in entries:
        if p.is_symlink():
            return False
        if p.name == "review" and p.is_dir():
            if not all(q.is_file() and not q.is_symlink() and q.suffix == ".html" for q in p.iterdir()):
                return False
        elif not (p.is_file() and p.name in allowed):
            return False
    return True


def _sha256_of(path: Path) -> str | None:
    try:
        return None if path.is_symlink() or not path.is_file() else sha256_of_file(path)
    except OSError:
        return None


def within_build(path: Path) -> Path | None:
    """The build folder that holds *path* (itself or a folder above it), or None.

    >>> within_build(Path("/")) is None
    True
    """
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if folder.is_dir() and (is_marked(folder) or is_unmarked_build(folder)):
            return folder
    return None


def check_out_dir(out: Path) -> None:
    """Refuse to replace *out* unless it is absent, empty or a previous build: marked by
    :data:`MARKER` (or a build of an earlier version: :func:`is_unmarked_build`)."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ProjectLayoutError(f"{out}: the output must be a folder (not a file or a symbolic link)",
                                 "pass another --out.")
    if not out.is_dir() or not any(out.iterdir()) or is_marked(out) or is_unmarked_build(out):
        return
    raise ProjectLayoutError(
        f"{out}: the folder is not empty and is not a previous build (it lacks the file {MARKER} that "
        "every build writes); the build replaces its output folder as a whole, so it will not touch "
        "this one: nothing was changed",
        "pass an empty or new folder with --out, or move the files out of this one.")


def write_marker(folder: Path, data: bytes = MARKER_TEXT) -> Path:
    """Write the marker :data:`MARKER` into *folder* (a build being made): *data*, the marker's text
    and the build's record (:meth:`cppcc_kg.build.fingerprint.BuildCheck.record`)."""
    if not is_build_marker(data):
        raise ValueError("the marker starts with MARKER_TEXT")
    return write_atomic(Path(folder) / MARKER, data)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def swap_in(new: Path, out: Path) -> None:
    """Put the folder *new* at *out*, replacing the old *out* (removed afterwards)."""
    new, out = Path(new), Path(out)
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # *new* now holds the old output
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the temporary folders beside *out* that killed builds left (their process is gone)."""
    out = Path(out)
    return (remove_dead_folders(out.parent, f".{out.name}.tmp-")
            + remove_dead_folders(out.parent, f".{out.name}.old-"))


@contextlib.contextmanager
def staging_folder(out: Path, *, on_error=None):
    """A new temporary folder beside *out* (mode 0755) to write the outputs into; removed if
    the block fails (after calling *on_error*), left for the caller to :func:`swap_in` otherwise."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)
        yield tmp
    except BaseException:
        if on_error is not None:
            on_error()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
