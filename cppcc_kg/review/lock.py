"""One writing review per project at a time: the lock file ``review/.review.lock``.

``cppcc-kg review`` takes it before serving and gives it back when it stops; it holds the process id.
A second review (of any source of the project) is refused with a message that names that process;
a lock left by a process that no longer runs (killed, crashed) is taken over.
"""
from __future__ import annotations

import os
from pathlib import Path

from cppcc_kg.ingest.files import REVIEW_DIR
from cppcc_kg.project.workers import pid_alive
from cppcc_kg.review.proposals import ReviewInputError

__all__ = ["LOCK_NAME", "acquire_lock", "release_lock"]

LOCK_NAME = ".review.lock"


def _holder(path: Path) -> int:
    try:
        return int(path.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return 0


def acquire_lock(root: Path, sid: str) -> Path:
    """Take the review lock of the project *root* for this process (reviewing *sid*); its path.

    Raises :class:`~cppcc_kg.review.proposals.ReviewInputError` when a running process holds it."""
    path = Path(root) / REVIEW_DIR / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = path.relative_to(root).as_posix()
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            pid = _holder(path)
            if pid and pid != os.getpid() and pid_alive(pid):
                raise ReviewInputError(f"{rel}: another cppcc-kg review (process {pid}) is writing this project",
                                       f"use that review, or stop it (process {pid}) first; one review writes "
                                       "at a time.") from None
            path.unlink(missing_ok=True)  # left by a process that is gone (or by this one): taken over
            continue
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()} {sid}\n")
        return path
    raise ReviewInputError(f"{rel}: could not take the review lock", "run cppcc-kg review again.")


def release_lock(path: Path) -> None:
    """Give the lock *path* back (only when this process holds it)."""
    if _holder(path) == os.getpid():
        path.unlink(missing_ok=True)
