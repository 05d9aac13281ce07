"""A synthetic corpus that follows the ontology and shapes, for benchmarks at scale.

``write_corpus(out_dir, scale=N, seed=0)`` writes a complete project root that
``cppcc-kg build --root OUT`` accepts: ``ontology.ttl`` and ``rules/`` (copied), ``sources/`` with
one synthetic Chinese text and its description per synthetic source, and
``graph/synth-NNNN/`` with the entities, relations, observations, firsts and
evidence of that source. Scale 1 is about the size of the curated graph of the
first source; scale 1000 is about a million triples.

The text is made of short sentences that state each fact, so every piece of
evidence is a real span of its source (``exact == text[start:end]``) and every
Chinese label occurs in a source. The shape follows the real graph: one CPPCC
committee per source as a hub with its units, party and state organs, places by
level with containment, programmes, mechanisms, documents issued by
organizations, dated events in places, honours, observations and firsts. A few
entities (the national committee, the central committee, the provinces) are
shared between sources and become the hubs that link them; the other targets
are chosen by preferential attachment, giving the heavy-tailed degree
distribution of the real graph. Everything is deterministic for a seed.

The facts and the text of each source come from :mod:`cppcc_kg.project.synth_facts`, its words
(classes, relations, Chinese sentence patterns, names) from ``synth_vocabulary.json``; this
module writes them as Turtle.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> stats = write_corpus(d, scale=1, seed=1)
>>> stats["sources"], stats["entities"] > 80
(1, True)
>>> sorted(p.name for p in (d / "graph" / "synth-0001").iterdir())
['entities.ttl', 'evidence.ttl', 'relations.ttl']
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

from cppcc_kg.errors import ProjectLayoutError
from cppcc_kg.project.cache import remove_dead_folders
from cppcc_kg.project.layout import BUILD_MARKER, is_build_marker
from cppcc_kg.project.synth_facts import (
    ID,
    REPORT,
    REVIEW,
    Entity,
    First,
    Names,
    Observation,
    SourceFacts,
    shared_entities,
    source_facts,
    vocabulary,
)
from cppcc_kg.rdf.files import sha256_of_file, write_atomic
from cppcc_kg.rdf.namespaces import BASE, statement_iri
from cppcc_kg.schema import ONTOLOGY_PATH

__all__ = ["MARKER", "check_out_dir", "write_corpus"]

#: the file that marks a folder as the output of synth: it lists every file synth wrote, with its sha256
MARKER = ".cppcc-kg-synth.json"
#: what the marker says it is (its ``written_by``); a file of that name saying anything else is not a marker
MARKER_WRITER = "cppcc-kg synth"

PREFIXES = """@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
#: date length -> (precision individual, datatype)
_DATE_KINDS = {4: ("YearPrecision", "xsd:gYear"), 7: ("MonthPrecision", "xsd:gYearMonth"), 10: ("DayPrecision", "xsd:date")}


# ---------------------------------------------------------------------------- Turtle

def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _entity_ttl(e: Entity) -> str:
    lines = [f"<{e.iri}> a cppcc:{e.cls} ;", f"    rdfs:label {_lit(e.zh)}@zh, {_lit(e.en)}@en"]
    if e.date:
        precision, datatype = _DATE_KINDS[len(e.date)]
        lines[-1] += " ;"
        lines.append(f'    {e.date_property} "{e.date}"^^{datatype} ;')
        lines.append(f"    cppcc:datePrecision cppcc:{precision}")
    return "\n".join(lines) + " .\n"


def _observation_ttl(o: Observation) -> str:
    measured = vocabulary()["observations"]["measured"]
    return (
        f"<{o.iri}> a cppcc:Observation ;\n    rdfs:label {_lit(o.label)}@zh, {_lit(f'{o.value} {o.unit_en}')}@en ;\n"
        f"    cppcc:measuredProperty {_lit(measured['zh'])}@zh, {_lit(measured['en'])}@en ;\n"
        f"    cppcc:observationAbout <{o.about}> ;\n    cppcc:value {o.value} ;\n    cppcc:qualifier cppcc:{o.qualifier} ;\n"
        f"    cppcc:unit {_lit(o.unit_zh)}@zh, {_lit(o.unit_en)}@en ;\n"
        f'    cppcc:observationDate "2023"^^xsd:gYear ;\n    cppcc:datePrecision cppcc:YearPrecision .\n'
    )


def _first_ttl(f: First) -> str:
    kind = vocabulary()["firsts"]["kind"]
    return (
        f"<{f.iri}> a cppcc:FirstClaim ;\n    rdfs:label {_lit(f.label)}@zh, {_lit(f.label_en)}@en ;\n"
        f"    cppcc:firstKind {_lit(kind)} ;\n    cppcc:firstBy <{f.by}> ;\n    cppcc:firstAbout <{f.about}> .\n"
    )


def _relation_ttl(s: str, p: str, o: str) -> str:
    st = statement_iri(s, f"{BASE}ontology#{p}", o)
    return (f"<{s}> cppcc:{p} <{o}> .\n<{st}> a rdf:Statement ;\n    rdf:subject <{s}> ;\n"
            f"    rdf:predicate cppcc:{p} ;\n    rdf:object <{o}> .\n")


def _annotation_ttl(sid: str, start: int, end: int, bodies: set[str], text: str) -> str:
    a = f"{ID}evidence/{sid}/{start}-{end}"
    body = ", ".join(f"<{b}>" for b in sorted(bodies))
    return (
        f"<{a}> a oa:Annotation ;\n    oa:motivatedBy oa:describing ;\n    oa:hasBody {body} ;\n"
        f"    cppcc:quoteSource <{ID}source/{sid}> ;\n"
        f'    cppcc:quoteStart "{start}"^^xsd:nonNegativeInteger ;\n'
        f'    cppcc:quoteEnd "{end}"^^xsd:nonNegativeInteger ;\n'
        f"    cppcc:quoteExact {_lit(text[start:end])} .\n"
    )


def _source_ttl(i: int, sid: str, text: str) -> str:
    title = vocabulary()["source"]
    return (PREFIXES
            + f"<{ID}source/{sid}> a cppcc:Source ;\n"
            f"    dcterms:title {_lit(title['zh'].format(i=i))}@zh, {_lit(title['en'].format(i=i))}@en ;\n"
            f'    dcterms:language "zh-Hans" ;\n    cppcc:localPath "sources/{sid}.zh.txt" ;\n'
            f"    cppcc:characterCount {len(text)} ;\n"
            f'    cppcc:sha256 "{hashlib.sha256(text.encode("utf-8")).hexdigest()}" .\n')


# ---------------------------------------------------------------------------- files

def _prepare(out: Path, ontology: str | Path | None) -> None:
    """Copy the ontology and its rules into the new folder *out*."""
    onto = Path(ontology) if ontology else ONTOLOGY_PATH
    shutil.copyfile(onto, out / "ontology.ttl")
    rules = onto.parent / "rules"  # the data rules travel with the ontology, so the build runs them too
    if rules.is_dir():
        shutil.copytree(rules, out / "rules")


def _marker_files(out: Path) -> dict[str, str] | None:
    """The files (relative path -> sha256) the synth marker of *out* lists; ``None``: no valid marker."""
    marker = out / MARKER
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if data.get("written_by") != MARKER_WRITER or not isinstance(files, dict) \
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def _is_build(folder: Path) -> bool:
    """Whether *folder* holds the marker that only ``cppcc-kg build`` writes (then its files are the build's)."""
    try:
        return is_build_marker((folder / BUILD_MARKER).read_bytes())
    except OSError:
        return False


def _not_written_by_synth(out: Path, files: dict[str, str]) -> str | None:
    """The first file of *out* that synth did not write as it is (added, changed, or not a plain file)."""
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel == MARKER or (path.is_dir() and not path.is_symlink()):
            continue
        top = rel.split("/")[0]
        if top == ".cache" or (top == "build" and _is_build(out / "build")):
            continue
        if path.is_symlink() or not path.is_file():
            return f"{rel} (not a plain file)"
        if rel not in files:
            return f"{rel} (synth did not write it)"
        if sha256_of_file(path) != files[rel]:
            return f"{rel} (changed since synth wrote it)"
    return None


def check_out_dir(out: str | Path) -> None:
    """Refuse *out* unless it is absent, an empty folder, or a previous output of synth left as synth wrote it.

    A previous output is recognised by its marker (:data:`MARKER`, a JSON file that says it was written
    by synth and lists every file with its sha256): every file in the folder must be one of those, unchanged,
    or lie under ``.cache/`` or a ``build/`` that holds the build's marker (what a build of the corpus writes
    into it). Anything else
    (a project, its ``graph/``, a folder holding a file of yours) is refused before anything is touched.
    Raises :class:`~cppcc_kg.errors.ProjectLayoutError` (exit code 2).
    """
    out = Path(out)
    hint = "pass a new or empty folder with --out (synth writes a whole project root and replaces that folder)."
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ProjectLayoutError(f"{out}: the output must be a folder (not a file or a symbolic link)", hint)
    if not out.is_dir() or not any(out.iterdir()):
        return
    files = _marker_files(out)
    if files is None:
        raise ProjectLayoutError(
            f"{out}: the folder is not empty and is not a previous output of synth (it has no {MARKER}); "
            "synth replaces its output folder as a whole, so it will not touch this one", hint)
    other = _not_written_by_synth(out, files)
    if other is not None:
        raise ProjectLayoutError(
            f"{out}: a previous output of synth, but it holds {other}; synth replaces its output folder as a whole, "
            "so it will not touch this one", "move that file away, or " + hint)


def _replace(new: Path, out: Path) -> None:
    """Put the folder *new* at *out*: a rename over an absent or empty *out*; else the old *out* is
    renamed aside, *new* renamed in, and the old one removed."""
    try:
        os.rename(new, out)  # atomic, also over an empty folder
        return
    except OSError:
        if not out.is_dir():
            raise
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-old-{os.getpid()}-", dir=out.parent))
    os.rename(out, old / out.name)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Remove the temporary folders beside *out* that a killed synth left (its process is gone)."""
    for kind in ("tmp", "old"):
        remove_dead_folders(out.parent, f".{out.name}.synth-{kind}-")


def _write_marker(out: Path, scale: int, seed: int) -> None:
    files = {p.relative_to(out).as_posix(): sha256_of_file(p) for p in sorted(out.rglob("*")) if p.is_file()}
    marker = {"written_by": MARKER_WRITER, "scale": scale, "seed": seed, "files": files}
    write_atomic(out / MARKER, json.dumps(marker, indent=1, sort_keys=True) + "\n")


def _write_source(out: Path, i: int, facts: SourceFacts, new_shared: list[Entity]) -> int:
    """Write source *i*: its text and description, its entities (and *new_shared*), relations and
    evidence; return the number of annotations."""
    text, sid = facts.text.text, facts.sid
    write_atomic(out / "sources" / f"{sid}.zh.txt", text)
    write_atomic(out / "sources" / f"{sid}.ttl", _source_ttl(i, sid, text))
    entities = [_entity_ttl(e) for e in sorted(facts.entities, key=lambda e: e.iri)]
    entities += [_entity_ttl(e) for e in new_shared]
    observed = [_observation_ttl(o) for o in facts.observations] + [_first_ttl(f) for f in facts.firsts]
    relations = [_relation_ttl(s, p, o) for s, p, o, _sentence in sorted(facts.relations)]
    evidence = [_annotation_ttl(sid, s, e, b, text) for (s, e), b in sorted(facts.text.annotations.items())]
    folder = out / "graph" / sid
    write_atomic(folder / "entities.ttl", PREFIXES + "\n".join(entities + observed))
    write_atomic(folder / "relations.ttl", PREFIXES + "\n".join(relations))
    write_atomic(folder / "evidence.ttl", PREFIXES + "\n".join(evidence))
    return len(evidence)


def write_corpus(out_dir: str | Path, scale: int = 1, seed: int = 0, ontology: str | Path | None = None) -> dict:
    """Write a synthetic project root of *scale* sources into *out_dir*.

    The corpus is written into a temporary folder beside *out_dir*, then renamed into place: an
    error leaves *out_dir* as it was. *out_dir* must be new, empty, or a previous output of synth
    (see :func:`check_out_dir`); anything else is refused before anything is written.

    Parameters
    ----------
    out_dir : path
        The folder to write (created, or replaced as a whole when it is a previous output).
    scale : int
        Number of synthetic sources; 1 is about the size of the curated graph.
    seed : int
        Seed of the random choices: the same seed gives byte-identical files.
    ontology : path, optional
        The ontology to copy; by default the one of this repository.

    Returns
    -------
    dict
        Counts: ``sources``, ``entities``, ``relations``, ``observations``, ``annotations``.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    out = Path(os.path.abspath(out_dir))
    check_out_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-tmp-{os.getpid()}-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)
        counts = _write_all(tmp, scale, seed, ontology)
        _write_marker(tmp, scale, seed)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts


def _write_all(out: Path, scale: int, seed: int, ontology: str | Path | None) -> dict:
    """Write the corpus into the new folder *out*; return its counts."""
    _prepare(out, ontology)
    rng = random.Random(seed)
    names = Names(rng)
    shared = shared_entities()
    first_mention: set[str] = set()
    counts = {"sources": 0, "entities": 0, "relations": 0, "observations": 0, "annotations": 0}
    shared_used: set[str] = set()
    for i in range(1, scale + 1):
        facts = source_facts(i, rng, names, shared, first_mention, REVIEW if i == 1 else REPORT)
        new_shared = [e for e in shared if e.iri in first_mention and e.iri not in shared_used]
        shared_used.update(e.iri for e in new_shared)
        counts["annotations"] += _write_source(out, i, facts, new_shared)
        counts["sources"] += 1
        counts["entities"] += len(facts.entities)
        counts["relations"] += len(facts.relations)
        counts["observations"] += len(facts.observations)
    counts["entities"] += len(shared_used)
    return counts
