"""Per-file results of the checks, kept in the loader's cache (:class:`cppcc_kg.project.cache.Cache`).

A check whose result for a file depends on that file alone (and on things named in the
key: the ontology, the source texts it reads, this code) keeps that result under a key made
of the file's cache key (the sha256 of its bytes, its path and the parser's version), the
ontology, the code of :mod:`cppcc_kg.validate` and of the modules it reads the data through
(:data:`CODE_PARTS`), and what else the check names. An entry is
used only when every part of its key is the same, so a changed ontology or a new version of
the code never reads an old entry. Entries are JSON; a broken one is a miss.

>>> import tempfile
>>> from pathlib import Path
>>> from cppcc_kg.project.cache import Cache
>>> c = Cache(Path(tempfile.mkdtemp()))
>>> name = entry_name("labels", "key-of-a-file", "ontology-digest")
>>> put_json(c, name, ["某名"]); get_json(c, name)
['某名']
>>> get_json(c, entry_name("labels", "key-of-a-file", "another-ontology")) is None
True
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import rdflib

from cppcc_kg.project.cache import get_json, put_json  # the cache's JSON entries (used with these keys)

#: bump when the form of an entry changes (the code digest changes with any edit anyway)
FORM = "1"


#: the code a kept result depends on, besides :mod:`cppcc_kg.validate`: the loader makes the store the checks
#: read (the graphs' names, every file's graph complete for the rules with ``GRAPH``: ``project/load.py``,
#: ``project/files.py``), the entities whose labels are checked are its query (``project/entities.py``), the
#: store's reading of a solution (``rdf/store.py``), the ontology's reading (``schema.py``)
CODE_PARTS = ("validate", "project", "rdf", "schema.py", "errors.py")


def code_files(package: Path) -> list[str]:
    """The modules of *package* (the ``cppcc_kg`` folder) whose code :data:`CODE_DIGEST` digests, relative, sorted."""
    found = []
    for part in CODE_PARTS:
        path = Path(package) / part
        found += [path.name] if path.is_file() else \
            [p.relative_to(package).as_posix() for p in path.rglob("*.py") if "__pycache__" not in p.parts]
    return sorted(found)


def _code_digest(package: Path | None = None) -> str:
    """The code of *package* (:func:`code_files`; by default the running ``cppcc_kg``) and the versions of the
    libraries whose reading of a literal it relies on (rdflib decides whether a literal is well typed, as
    pySHACL does)."""
    package = Path(package) if package is not None else Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{FORM}\0{rdflib.__version__}\0{ox.__version__}\0".encode())
    for rel in code_files(package):
        h.update(rel.encode() + b"\0" + (package / rel).read_bytes() + b"\0")
    return h.hexdigest()


#: the digest of the code of :mod:`cppcc_kg.validate` and of what it reads the data through (:data:`CODE_PARTS`),
#: and of the libraries' versions (part of every key)
CODE_DIGEST = _code_digest()


def digest(*parts: str | bytes) -> str:
    """The sha256 of *parts* (each length-prefixed, so that no two lists of parts give the same bytes).

    >>> digest("a", "bc") != digest("ab", "c")
    True
    """
    h = hashlib.sha256()
    for p in parts:
        b = p if isinstance(p, bytes) else p.encode("utf-8")
        h.update(b"%d:" % len(b))
        h.update(b)
    return h.hexdigest()


def entry_name(check: str, *parts: str) -> str:
    """The cache entry name of *check*'s result for the key *parts* (with the code digest)."""
    return f"validate-{check}-{digest(CODE_DIGEST, check, *parts)}.json"
