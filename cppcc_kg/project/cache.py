"""The loader's cache: entries under ``ROOT/.cache/cppcc-kg``, kept only when a build succeeds.

The N-Triples of a file that passed the checks are kept under the sha256 of the file
(with its path and the parser's version), and so is the pinyin of the labels seen; a
file whose bytes did not change is not parsed or checked again. The cache only saves
work: the results are byte for byte those of a clean load (tested).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> c = Cache(root)
>>> c.put("a.nt", b"x"); c.save(); Cache(root).get("a.nt")
b'x'
"""
from __future__ import annotations

import hashlib
import os
import shutil
import zlib
from pathlib import Path

import pyoxigraph as ox

#: the cache folder, under the project root
CACHE_DIR = Path(".cache") / "cppcc-kg"
#: bump when the checks or the N-Triples form change, so that old cache entries are not used
CACHE_VERSION = "1"


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
        self._created = [d for d in (self.dir.parent, self.dir) if not d.exists()]
        self._staging = self.dir / f".staging-{os.getpid()}"

    def key(self, rel: str, data: bytes) -> str:
        """The cache key of the file *rel* with the bytes *data*."""
        h = hashlib.sha256(f"{CACHE_VERSION}\0{ox.__version__}\0{rel}\0".encode())
        h.update(hashlib.sha256(data).digest())
        return h.hexdigest()

    def get(self, name: str) -> bytes | None:
        """The entry *name* (staged or kept), or ``None`` when it is absent or broken."""
        if not self.enabled:
            return None
        for folder in (self._staging, self.dir):
            try:
                raw = (folder / name).read_bytes()
            except OSError:
                continue
            head, _, data = raw.partition(b"\n")
            if head != b"%08x" % zlib.crc32(data):
                return None
            self.used.add(name)
            return data
        return None

    def has(self, name: str) -> bool:
        """Whether an entry *name* is there (staged or kept; not read, so not checked)."""
        return self.enabled and any((folder / name).is_file() for folder in (self._staging, self.dir))

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
        except OSError:  # a read-only checkout still builds, without a cache
            self.write = False

    def save(self) -> None:
        """Move the staged entries into the cache and remove the entries not used."""
        if not self.write:
            self.discard()
            return
        for name in self.staged:
            os.replace(self._staging / name, self.dir / name)
        self.staged.clear()
        shutil.rmtree(self._staging, ignore_errors=True)
        if self.dir.is_dir():
            for p in self.dir.iterdir():
                if p.is_file() and p.name not in self.used:
                    p.unlink(missing_ok=True)

    def discard(self) -> None:
        """Forget the staged entries; remove the cache folders this run created, if empty."""
        shutil.rmtree(self._staging, ignore_errors=True)
        self.staged.clear()
        for d in reversed(self._created):
            try:
                d.rmdir()
            except OSError:
                pass
