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


def write_atomic(path: Path | str, data: str | bytes | Iterable[bytes]) -> Path:
    """Write *data* (text, bytes or chunks of bytes) to *path* through a temporary file
    in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    h = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as f:
            chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
            for chunk in chunks:
                f.write(chunk)
                h.update(chunk)
                size += len(chunk)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    st = path.stat()
    DIGESTS[str(path.resolve())] = (st.st_size, st.st_mtime_ns, h.hexdigest())
    return path
