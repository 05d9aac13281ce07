"""The loader's cache: entries under ``ROOT/.cache/cppcc-kg``, kept only when a build succeeds.

The N-Triples of a file that passed the checks are kept under the sha256 of the file
(with its path and the parser's version), and so is the pinyin of the labels seen; a
file whose bytes did not change is not parsed or checked again. The cache only saves
work: the results are byte for byte those of a clean load (tested). Writing it is best effort:
:meth:`Cache.save` never raises, it says what it could not keep.

A build that is killed leaves its staging folder ``.staging-PID``; the next one that writes the
cache removes those whose process is gone (:func:`remove_dead_folders`).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> c = Cache(root)
>>> c.put("a.nt", b"x"); c.save(); Cache(root).get("a.nt")
[]
b'x'
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import zlib
from pathlib import Path

import pyoxigraph as ox

from cppcc_kg.project.layout import CACHE_DIR  # the cache folder, under the project root
from cppcc_kg.project.workers import pid_alive

#: bump when the checks or the N-Triples form change, so that old cache entries are not used
CACHE_VERSION = "1"
#: a folder named by a prefix and no PID (the form of earlier versions) is removed as a leftover
#: once it has not changed for this many seconds
UNOWNED_AFTER = 3600.0


def remove_dead_folders(parent: Path, prefix: str) -> list[Path]:
    """Remove the folders of *parent* named ``PREFIX PID`` or ``PREFIX PID-…`` whose process
    *PID* is gone (left by a killed run); return them.

    The folder of a live process (a concurrent run) is kept, and so is one whose PID is
    alive but reused by another process (it is removed once that one ends). A folder named
    ``PREFIX`` and no PID is removed once unchanged for :data:`UNOWNED_AFTER` seconds.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    pattern = re.compile(re.escape(prefix) + r"(\d+)(?:-.*)?", re.DOTALL)
    for p in entries:
        if not p.name.startswith(prefix) or p.is_symlink() or not p.is_dir():
            continue
        m = pattern.fullmatch(p.name)
        if m is not None:
            dead = not pid_alive(int(m.group(1)))
        else:
            try:
                dead = time.time() - p.stat().st_mtime > UNOWNED_AFTER
            except OSError:
                continue
        if dead:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


class Cache:
    """Entries under ``ROOT/.cache/cppcc-kg``, each checked by a CRC on reading (a broken entry is a miss).

    New entries are written to a staging folder at once (memory stays small) and
    moved into the cache by :meth:`save` when the build succeeds; :meth:`discard`
    removes them and leaves the project folder as it was. :meth:`save` also removes
    the entries this build did not use, so the cache holds one build's worth.
    """

    def __init__(self, root: Path, enabled: bool = True, *, write: bool = True):
        self.dir = Path(root) / CACHE_DIR
        self.enabled = enabled
        self.write = enabled and write
        self.used: set[str] = set()
        self.staged: list[str] = []
        self._staged: set[str] = set()  # the same names
        self._created = [d for d in (self.dir.parent, self.dir) if not d.exists()]
        self._staging = self.dir / f".staging-{os.getpid()}"
        self._paths = (str(self._staging) + os.sep, str(self.dir) + os.sep)  # (names joined as strings: thousands)
        self._index: frozenset[str] | None = None  # the names of the files in the folder, listed at the first has()
        if self.write:
            remove_dead_folders(self.dir, ".staging-")

    def key(self, rel: str, data: bytes, digest: bytes | None = None) -> str:
        """The cache key of the file *rel* with the bytes *data* (*digest*: their sha256, if already made)."""
        h = hashlib.sha256(f"{CACHE_VERSION}\0{ox.__version__}\0{rel}\0".encode())
        h.update(digest if digest is not None else hashlib.sha256(data).digest())
        return h.hexdigest()

    def get(self, name: str, *, keep: bool = True) -> bytes | None:
        """The entry *name* (staged or kept), or ``None`` when it is absent or broken; ``keep=False``:
        reading it does not keep it (an entry of an earlier build, read to compare)."""
        if not self.enabled:
            return None
        # the staging folder holds only what this cache put: not looked into for the others (thousands of reads)
        for folder in self._paths if name in self._staged else self._paths[1:]:
            try:
                with open(folder + name, "rb", buffering=0) as f:
                    raw = f.read()
            except OSError:
                continue
            head, _, data = raw.partition(b"\n")
            if head != b"%08x" % zlib.crc32(data):
                return None
            if keep:
                self.used.add(name)
            return data
        return None

    def has(self, name: str) -> bool:
        """Whether an entry *name* is there (staged or kept; not read, so not checked).

        The cache folder is listed once, at the first call (one listing, not a ``stat`` a name): an entry that
        another process adds later is not seen (a miss: parsed again), one that it removes is still "there"
        (:meth:`get` then gives ``None``, as for a broken entry: every caller reads with :meth:`get` and falls
        back on the work the entry saves). So the answers are those of a listing made when the build started.
        """
        if not self.enabled:
            return False
        if name in self._staged:
            return True
        if self._index is None:
            self._index = frozenset(_files_in(self.dir))
        return name in self._index

    def listing(self) -> set[str]:
        """The names of the entries there now (one listing of the folder, as :meth:`has` makes it once) and
        those staged; none when the cache is disabled."""
        if not self.enabled:
            return set()
        return set(_files_in(self.dir)) | self._staged

    def put(self, name: str, data: bytes) -> None:
        """Stage *data* under *name* (moved into the cache by :meth:`save`)."""
        if not self.write:
            return
        self.used.add(name)
        try:
            self._staging.mkdir(parents=True, exist_ok=True)
            with open(self._staging / name, "wb") as f:
                f.write(b"%08x\n" % zlib.crc32(data))
                f.write(data)
            self.staged.append(name)
            self._staged.add(name)
        except OSError:  # a read-only checkout still builds, without a cache
            self.write = False

    def save(self) -> list[str]:
        """Move the staged entries into the cache and remove the entries not used.

        Best effort: nothing here raises (the build that calls it has already produced its
        outputs). An entry that is in the way as a folder is replaced; what cannot be kept (the
        cache folder removed meanwhile, a read-only disk) is returned as messages, each saying
        what was not kept and why.
        """
        if not self.write:
            self.discard()
            return []
        problems: list[str] = []
        for name in self.staged:
            problem = self._keep(name)
            if problem:
                problems.append(problem)
        self.staged.clear()
        self._staged.clear()
        self._index = None
        shutil.rmtree(self._staging, ignore_errors=True)
        for name in _files_in(self.dir):
            if name not in self.used:
                try:
                    os.unlink(self._paths[1] + name)
                except OSError:
                    pass
        if problems:
            entries = "1 entry" if len(problems) == 1 else f"{len(problems)} entries"
            message = (f"the cache {self.dir} was not updated for {entries} ({problems[0]}); the next build "
                       "parses those files again (the outputs are the same)")
            return [message]
        return []

    def _keep(self, name: str) -> str | None:
        """Move the staged entry *name* into the cache; the reason it could not, or ``None``."""
        target = self.dir / name
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)  # a folder where an entry goes: not an entry of ours
            os.replace(self._staging / name, target)
        except OSError as exc:
            return f"{exc.filename or target}: {exc.strerror or exc}"
        return None

    def discard(self) -> None:
        """Forget the staged entries; remove the cache folders this run created, if empty."""
        shutil.rmtree(self._staging, ignore_errors=True)
        self.staged.clear()
        self._staged.clear()
        self._index = None
        for d in reversed(self._created):
            try:
                d.rmdir()
            except OSError:
                pass


def _files_in(folder: Path) -> list[str]:
    """The names of the regular files in *folder* (none if it cannot be listed), from one listing: the type that
    the listing gives (no ``stat`` a name, where the file system gives it), symbolic links followed as
    :meth:`pathlib.Path.is_file` does."""
    try:
        with os.scandir(folder) as entries:
            return [e.name for e in entries if _is_file(e)]
    except OSError:
        return []


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def get_json(cache, name: str, *, keep: bool = True):
    """The entry *name* of *cache* as JSON, or ``None`` (no cache, absent, broken); ``keep=False``: read
    without keeping it (an earlier build's, :meth:`Cache.get`)."""
    if cache is None:
        return None
    data = cache.get(name) if keep else cache.get(name, keep=False)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def put_json(cache, name: str, value) -> None:
    """Stage *value* as JSON under *name* in *cache* (kept if the build succeeds)."""
    if cache is not None:
        cache.put(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
