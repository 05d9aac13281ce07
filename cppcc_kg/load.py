"""Load a cppcc-kg project: strict Turtle, checked sources, generated pinyin.

A project root holds ``ontology.ttl``, ``sources/*.ttl`` (one description per
source text) and ``graph/**/*.ttl`` (the curated graph; ``graph/proposed/`` is
left out until reviewed). :func:`load` reads them in that order and

1. checks every file as strict Turtle 1.1 (:mod:`cppcc_kg.syntax`) and rejects
   blank nodes in ``graph/``: all syntax errors are reported together, as
   ``FILE:LINE:COLUMN: message``;
2. checks every ``cppcc:Source``: the file at its ``cppcc:localPath`` exists and
   still has its ``cppcc:sha256`` and ``cppcc:characterCount``;
3. adds ``cppcc:pinyin`` (tone marks, one word per space) for the Chinese label
   of every entity.

It keeps, for every triple, the files it came from, so that errors can name the
file that defines an entity, and so that the graph can be written with one named
graph per file (:func:`graph_iri`).

>>> to_pinyin("兴安盟")
"xīng'ānméng"
>>> graph_iri("graph/core.ttl")
rdflib.term.URIRef('https://w3id.org/cppcc-kg/graph/graph/core.ttl')
"""
from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .errors import (ProjectLayoutError, SourceChangedError, SourceMissingError,
                     SyntaxErrors, TurtleSyntaxError)
from .namespaces import BASE, CPPCC, bind_prefixes
from .syntax import check_no_blank_nodes, parse_turtle

#: named graphs of the dataset: one per input file, ``{GRAPH_BASE}{relative path}``
GRAPH_BASE = BASE + "graph/"
#: the named graph that holds the generated pinyin
PINYIN_GRAPH = URIRef(GRAPH_BASE + "pinyin")

Triple = tuple  # (subject, predicate, object) of rdflib terms


def graph_iri(relpath: str) -> URIRef:
    """IRI of the named graph that holds the triples of the file *relpath*."""
    return URIRef(GRAPH_BASE + str(relpath))


@dataclass
class SourceText:
    """A source document: its IRI, the path of its text and the text itself."""

    iri: URIRef
    path: str
    text: str
    defined_in: list[str] = field(default_factory=list)


@dataclass
class Project:
    """A loaded project: the merged graph and where each triple came from.

    Attributes
    ----------
    root : Path
    graph : rdflib.Graph
        Every triple of every file, plus the generated pinyin; prefixes bound.
    files : dict
        Relative path (posix) of each input file -> its triples, in file order.
    pinyin : list
        The generated ``cppcc:pinyin`` triples.
    sources : dict
        Source IRI -> :class:`SourceText`.
    """

    root: Path
    graph: Graph
    files: dict[str, list[Triple]]
    pinyin: list[Triple]
    sources: dict[URIRef, SourceText]
    _where: dict = field(default_factory=dict, repr=False)

    def files_of(self, s, p=None, o=None) -> list[str]:
        """Files (sorted) holding a triple matching (s, p, o); None is a wildcard."""
        found = set()
        for (ts, tp, to), files in self._where.get(s, {}).items():
            if (p is None or tp == p) and (o is None or to == o):
                found.update(files)
        return sorted(found)

    def defined_in(self, node) -> list[str]:
        """Files that give *node* its ``rdf:type`` (or, failing that, any triple about it)."""
        return self.files_of(node, RDF.type) or self.files_of(node)

    def dataset(self) -> Dataset:
        """The project as an rdflib Dataset: one named graph per file, plus the pinyin graph."""
        ds = Dataset()
        bind_prefixes(ds)
        for rel, triples in self.files.items():
            g = ds.graph(graph_iri(rel))
            for t in triples:
                g.add(t)
        g = ds.graph(PINYIN_GRAPH)
        for t in self.pinyin:
            g.add(t)
        return ds

    def quads(self) -> Iterable[tuple]:
        """(s, p, o, graph IRI) for every file triple and every pinyin triple."""
        for rel, triples in self.files.items():
            g = graph_iri(rel)
            for s, p, o in triples:
                yield s, p, o, g
        for s, p, o in self.pinyin:
            yield s, p, o, PINYIN_GRAPH


def project_files(root: Path) -> list[str]:
    """Relative paths of the input files of *root*, in load order.

    ``ontology.ttl``, then ``sources/*.ttl``, then ``graph/**/*.ttl`` without
    ``graph/proposed/``, each group sorted.
    """
    root = Path(root)
    if not (root / "ontology.ttl").is_file():
        raise ProjectLayoutError(f"{root / 'ontology.ttl'}: no ontology.ttl in the project root {root}",
                                 "run the command from the repository root or pass --root.")
    rels = ["ontology.ttl"]
    rels += sorted(p.relative_to(root).as_posix() for p in (root / "sources").glob("*.ttl") if p.is_file())
    graph_dir = root / "graph"
    rels += sorted(
        rel for rel in (p.relative_to(root).as_posix() for p in graph_dir.rglob("*.ttl") if p.is_file())
        if not rel.startswith("graph/proposed/")
    )
    return rels


def _bnode_prefix(rel: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", rel.removesuffix(".ttl")).strip("_") + "_b"


def read_files(root: Path, rels: list[str],
               progress: Callable[[int, int, str], None] | None = None) -> dict[str, list[Triple]]:
    """Parse every file of *rels* strictly; raise all syntax errors together."""
    out: dict[str, list[Triple]] = {}
    errors: list[TurtleSyntaxError] = []
    for i, rel in enumerate(rels):
        if progress:
            progress(i, len(rels), rel)
        try:
            data = (Path(root) / rel).read_bytes()
        except OSError as exc:
            raise ProjectLayoutError(f"{rel}: cannot read the file: {exc.strerror}") from None
        try:
            out[rel] = parse_turtle(data, rel, bnode_prefix=_bnode_prefix(rel))
            if rel.startswith("graph/"):
                check_no_blank_nodes(data, rel)
        except TurtleSyntaxError as exc:
            errors.append(exc)
    if progress:
        progress(len(rels), len(rels), "")
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SyntaxErrors(errors)
    return out


def entity_classes(graph: Graph) -> set:
    """``cppcc:Entity`` and all its subclasses (by ``rdfs:subClassOf*``)."""
    return set(graph.transitive_subjects(RDFS.subClassOf, CPPCC.Entity))


def entities(graph: Graph) -> list:
    """Sorted IRIs of the instances of ``cppcc:Entity`` and its subclasses."""
    classes = entity_classes(graph)
    return sorted({s for s, o in graph.subject_objects(RDF.type) if o in classes and isinstance(s, URIRef)})


def zh_labels(graph: Graph, node) -> list[str]:
    """The ``rdfs:label`` values of *node* tagged ``@zh`` (or a ``zh-…`` subtag), sorted."""
    return sorted(str(o) for o in graph.objects(node, RDFS.label)
                  if isinstance(o, Literal) and o.language and o.language.lower().split("-")[0] == "zh")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _split_compound(word: str) -> list[str]:
    """Split a long jieba word into the fewest, most frequent dictionary words of 2+ characters."""
    n = len(word)
    if n <= 4:
        return [word]
    freq = _tokenizer().FREQ
    best: list = [None] * (n + 1)
    best[0] = (0, 0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 2, n + 1):
            piece = word[i:j]
            f = freq.get(piece) if j - i < n else None
            if not f:
                continue
            cand = (best[i][0] + 1, best[i][1] - math.log(f), best[i][2] + [piece])
            if best[j] is None or cand[:2] < best[j][:2]:
                best[j] = cand
    return best[n][2] if best[n] else [word]


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_VOWEL_START = re.compile(r"^[aeoāáǎàēéěèōóǒò]")


def to_pinyin(text: str) -> str:
    """Hanyu pinyin of *text* with tone marks, one word per space.

    Words are cut by jieba (long compounds split again into dictionary words:
    内蒙古 自治区, not 内蒙古自治区); the syllables of a word are written together, with an
    apostrophe before a syllable that starts with a, o or e. Punctuation is
    dropped; Latin letters and digits are kept as they are.

    >>> to_pinyin("内蒙古自治区政协")
    'nèiménggǔ zìzhìqū zhèngxié'
    >>> to_pinyin("《2023年度工作规划》")
    '2023 niándù gōngzuò guīhuà'
    """
    from pypinyin import Style, lazy_pinyin

    words = []
    for word in (p for w in _tokenizer().cut(text, HMM=True) for p in _split_compound(w)):
        if _HAN.search(word):
            syllables = [s for s in lazy_pinyin(word, style=Style.TONE, errors="ignore") if s.strip()]
            out = syllables[0] if syllables else ""
            for s in syllables[1:]:
                out += ("'" if _VOWEL_START.match(s) else "") + s
            if out:
                words.append(out)
        else:
            words += re.findall(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*", word)
    return " ".join(words)


def pinyin_triples(graph: Graph) -> list[Triple]:
    """``(entity, cppcc:pinyin, "…")`` for the Chinese label of every entity."""
    out = []
    for e in entities(graph):
        for label in zh_labels(graph, e):
            p = to_pinyin(label)
            if p:
                out.append((e, CPPCC.pinyin, Literal(p)))
    return out


def check_sources(graph: Graph, root: Path, where: Callable[[object], list[str]] | None = None
                  ) -> dict[URIRef, SourceText]:
    """Read the text of every ``cppcc:Source`` and check its sha256 and length.

    Raises :class:`SourceMissingError` or :class:`SourceChangedError` naming every
    source that is missing or changed.
    """
    root = Path(root)
    where = where or (lambda node: [])
    out: dict[URIRef, SourceText] = {}
    missing, changed = [], []
    for src in sorted(s for s in graph.subjects(RDF.type, CPPCC.Source) if isinstance(s, URIRef)):
        files = where(src)
        described = f"{src} (described in {', '.join(files) or '?'})"
        path = graph.value(src, CPPCC.localPath)
        if path is None:
            missing.append(f"source {described} has no cppcc:localPath: add the path of its text")
            continue
        full = root / str(path)
        if not full.is_file():
            missing.append(f"source {described}: its text {path} does not exist")
            continue
        data = full.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            changed.append(f"source {described}: {path} is not valid UTF-8")
            continue
        problems = []
        sha = hashlib.sha256(data).hexdigest()
        want_sha = graph.value(src, CPPCC.sha256)
        if want_sha is None or str(want_sha).lower() != sha:
            problems.append(f"sha256 is {sha}, recorded {want_sha}")
        want_len = graph.value(src, CPPCC.characterCount)
        try:
            want_len_i = int(want_len) if want_len is not None else None
        except ValueError:
            want_len_i = None
        if want_len_i != len(text):
            problems.append(f"length is {len(text)} code points, recorded {want_len}")
        if problems:
            changed.append(f"source {described}: {path} has changed: " + "; ".join(problems))
            continue
        out[src] = SourceText(src, str(path), text, files)
    if missing:
        raise SourceMissingError(
            "missing source text:\n  " + "\n  ".join(missing + changed),
            "copy the source text to the path in cppcc:localPath (see README, 'Adding a source').")
    if changed:
        raise SourceChangedError(
            "changed source text (the evidence offsets point into the recorded text):\n  " + "\n  ".join(changed),
            "restore the original file (for example from ../shared/sources/); if the change is meant, "
            "re-check every piece of evidence on it and update cppcc:sha256 and cppcc:characterCount.")
    return out


def load(root: Path | str = Path("."), *,
         progress: Callable[[int, int, str], None] | None = None) -> Project:
    """Load the project at *root*: see the module docstring for the checks.

    Parameters
    ----------
    root : Path
        The project root (with ``ontology.ttl``).
    progress : callable, optional
        Called as ``progress(done, total, relpath)`` while files are parsed.

    Returns
    -------
    Project

    Raises
    ------
    cppcc_kg.errors.InputError
        On a syntax error, a blank node in ``graph/``, or a missing or changed source.
    """
    root = Path(root)
    rels = project_files(root)
    files = read_files(root, rels, progress=progress)
    graph = Graph()
    bind_prefixes(graph)
    where: dict = defaultdict(lambda: defaultdict(list))
    for rel, triples in files.items():
        for t in triples:
            graph.add(t)
            lst = where[t[0]][t]
            if not lst or lst[-1] != rel:
                lst.append(rel)
    project = Project(root, graph, files, [], {}, where)
    project.sources = check_sources(graph, root, where=project.defined_in)
    project.pinyin = pinyin_triples(graph)
    for t in project.pinyin:
        graph.add(t)
    return project


def load_project(root: Path | str = Path(".")) -> Graph:
    """The merged graph of the project at *root*, with generated pinyin.

    Raises :class:`cppcc_kg.errors.KGError` subclasses on bad input.
    """
    return load(root).graph
