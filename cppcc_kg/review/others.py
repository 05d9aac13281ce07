"""What the rest of the project holds, read again before every write of a review.

A review allocates new IRIs and new Chinese names; both must be free in the whole project *as it is
now* (another review may have written meanwhile), not only in the graph loaded when the review
started. :func:`scan` reads every Turtle file of ``graph/`` (``graph/proposed/`` left out) and
``sources/``, except the review's own files, and gives:

* every IRI used in them (subject or object), with the files that use it: a new IRI is allocated
  outside this set, and an IRI that the review wrote may not disappear while another file uses it;
* the Chinese names (``rdfs:label``, ``skos:altLabel``, ``dcterms:title`` in Chinese) of their
  entities, so that a new entity does not take one.

Each file is parsed once and kept while its size and modification time stay the same.

>>> others_relative(Path("p"), Path("p/graph/doc/evidence.ttl"))
'graph/doc/evidence.ttl'
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from cppcc_kg.ingest.files import PROPOSED_DIR
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.schema import local_name

__all__ = ["Others", "others_relative", "scan"]

NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, DCTERMS.title)

_CACHE: dict[Path, tuple[tuple[int, int], dict, dict, dict]] = {}
_CACHE_LOCK = threading.Lock()


@dataclass
class Others:
    """IRIs and entity names of the project's files other than the review's own."""

    iris: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # IRI -> files using it
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # Chinese name -> IRIs
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # IRI -> class local names


def others_relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files(root: Path, exclude: set[str]) -> list[Path]:
    out = []
    for folder in ("graph", "sources"):
        for path in sorted((root / folder).rglob("*.ttl")):
            rel = others_relative(root, path)
            if rel.startswith(PROPOSED_DIR + "/") or rel in exclude or not path.is_file():
                continue
            out.append(path)
    return out


def _read(path: Path) -> tuple[dict, dict, dict]:
    """(IRIs, names, types) of one file (cached while its size and mtime hold)."""
    st = path.stat()
    stamp = (st.st_size, st.st_mtime_ns)
    with _CACHE_LOCK:
        hit = _CACHE.get(path)
    if hit and hit[0] == stamp:
        return hit[1], hit[2], hit[3]
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception:  # noqa: BLE001 - the build reports a broken file; its IRIs are unknown here
        return {}, {}, {}
    iris: set[str] = set()
    names: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for s, p, o in g:
        for x in (s, o):
            if isinstance(x, URIRef):
                iris.add(str(x))
        if p == RDF.type and str(o).startswith(str(CPPCC)):
            types[str(s)].add(local_name(o))
        elif p in NAME_PROPERTIES and isinstance(o, Literal) and (o.language or "").lower().startswith("zh"):
            names[str(o)].add(str(s))
    result = ({i: None for i in iris}, dict(names), dict(types))
    with _CACHE_LOCK:
        _CACHE[path] = (stamp, *result)
    return result


def scan(root: Path, exclude: set[str]) -> Others:
    """The IRIs and entity names of every Turtle file of ``graph/`` and ``sources/`` under *root*,
    except ``graph/proposed/`` and the paths (relative to *root*) in *exclude*."""
    root = Path(root)
    out = Others()
    for path in _files(root, exclude):
        rel = others_relative(root, path)
        iris, names, types = _read(path)
        for iri in iris:
            out.iris[iri].append(rel)
        for name, subjects in names.items():
            out.names[name] |= subjects
        for iri, classes in types.items():
            out.types[iri] |= classes
    return out
