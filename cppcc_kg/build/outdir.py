"""The output folder: refused unless it is a previous build, written in a temporary folder
beside it, and swapped in at once when the build succeeds.

The temporary folders are named ``.OUT.tmp-PID-…`` (and ``.OUT.old-PID`` where the swap cannot be
atomic); a build that is killed leaves its own, and the next build removes those whose process
is gone (never the folder of a concurrent build).
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path

from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.project.cache import remove_dead_folders

__all__ = ["MARKER", "check_out_dir", "remove_leftovers", "swap_in", "staging_folder"]

#: the file whose presence marks a folder as a build output (it may be replaced)
MARKER = "summary.json"


def check_out_dir(out: Path) -> None:
    """Refuse to replace *out* unless it is absent, empty or a previous build (has ``summary.json``)."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ProjectLayoutError(f"{out}: the output must be a folder (not a file or a symbolic link)",
                                 "pass another --out.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ProjectLayoutError(
            f"{out}: the folder is not empty and is not a previous build (no {MARKER}); "
            "the build replaces its output folder as a whole, so it will not touch this one",
            "pass an empty or new folder with --out.")


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
