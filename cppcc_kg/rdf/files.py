"""Files written whole or not at all: through a temporary file in the same folder, then renamed.

Every output of cppcc-kg is written this way, so that an interrupted run never leaves half
a file. The size and sha256 of each file written are kept (:data:`DIGESTS`), so that the
build's summary need not read its outputs again.

>>> import tempfile, pathlib
>>> p = write_atomic(pathlib.Path(tempfile.mkdtemp()) / "a" / "b.txt", "甲乙")
>>> p.read_text(encoding="utf-8"), DIGESTS[str(p.resolve())][0]
('甲乙', 6)
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterable

#: size, mtime (ns) and sha256 of the files written here, by resolved path
DIGESTS: dict[str, tuple[int, int, str]] = {}


def sha256_of_file(path: Path | str) -> str:
    """The sha256 (hex) of the file at *path*, read in blocks.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_of_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


class AtomicFile:
    """A file written in parts through a temporary file beside *path*: :meth:`commit` renames it
    into place (mode 0644) and records its digest; :meth:`abort` removes it."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.file = os.fdopen(fd, "wb")
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)

    def commit(self) -> Path:
        self.file.close()
        try:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        except BaseException:
            Path(self.tmp).unlink(missing_ok=True)
            raise
        st = self.path.stat()
        DIGESTS[str(self.path.resolve())] = (st.st_size, st.st_mtime_ns, self.hash.hexdigest())
        return self.path

    def abort(self) -> None:
        self.file.close()
        Path(self.tmp).unlink(missing_ok=True)


def write_atomic(path: Path | str, data: str | bytes | Iterable[bytes]) -> Path:
    """Write *data* (text, bytes or chunks of bytes) to *path* through a temporary file
    in the same folder, then rename."""
    out = AtomicFile(path)
    try:
        chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
        for chunk in chunks:
            out.write(chunk)
    except BaseException:
        out.abort()
        raise
    return out.commit()
