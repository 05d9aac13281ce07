"""The output stages of the build, as an explicit list of callables.

A stage is a function of one argument, the :class:`StageContext`, that writes its files
into ``ctx.out`` (a temporary folder, swapped in when the build succeeds) and may return a
result that later stages read from ``ctx.results``. Adding an output is one function here
and one line in :data:`STAGES`. The stages run in order; the summary is written after them.

>>> [s.name for s in STAGES]
['entities', 'metrics', 'html', 'graph']
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cppcc_kg.build.entity_files import write_entity_files
from cppcc_kg.build.fingerprint import code_fingerprint, notebook_inputs, output_stamp
from cppcc_kg.build.graph_rows import entity_graph_of_project
from cppcc_kg.build.notebooks import write_notebook_pages
from cppcc_kg.build.rdf_files import write_graph_files
from cppcc_kg.build.summary import file_digests
from cppcc_kg.network import read_node_attribute
from cppcc_kg.network.metrics import write_metrics
from cppcc_kg.rdf.files import write_atomic
from cppcc_kg.schema import Schema
from cppcc_kg.viz.layout import kept_layouts
from cppcc_kg.viz.render import write_project_page

__all__ = ["NOTEBOOKS", "STAGES", "Stage", "StageContext"]


@dataclass
class StageContext:
    """What a stage may read: the project and its merged graph, the output folder, the entity
    graph (made once, by the first stage that asks), the validation report (waiting for the
    validation that runs beside the stages) and the results of earlier stages."""

    root: Path
    out: Path
    project: object
    validated: Callable[[], dict]
    #: the Turtle and JSON-LD of the files, being made by the helper worker (``start_bodies``)
    bodies_job: object = None
    results: dict = field(default_factory=dict)
    #: seconds spent making the entity graph (in the first stage that asked for it)
    entity_graph_seconds: float = 0.0
    #: the build being replaced (its folder and record, :mod:`cppcc_kg.build.fingerprint`): a stage
    #: whose inputs did not change may keep its output
    previous: Path | None = None
    previous_record: dict | None = None
    #: the digest of the inputs of each stage that may be kept next time (recorded in the marker)
    stage_keys: dict = field(default_factory=dict)
    #: the digest of the code (:func:`cppcc_kg.build.fingerprint.code_fingerprint`): part of the key of
    #: what a stage keeps in the loader's cache (the measures)
    code: str = ""
    _schema: Schema | None = None
    _entity_graph: object = None

    @property
    def graph(self):
        """The merged graph, an rdflib view of the project's store."""
        return self.project.view

    @property
    def schema(self) -> Schema:
        """The ontology of the project (read once per build; while the store is loaded beside the stages, from
        a graph of what the schema reads: :meth:`cppcc_kg.project.load.Project.schema_graph`)."""
        if self._schema is None:
            schema_graph = getattr(self.project, "schema_graph", None)
            self._schema = Schema(schema_graph() if schema_graph is not None else self.project.view)
        return self._schema

    @property
    def entity_graph(self):
        """The entity graph of the project (:func:`cppcc_kg.network.build_entity_graph`; the solutions of
        its queries that the loader's cache keeps are taken from there: :mod:`cppcc_kg.build.graph_rows`)."""
        if self._entity_graph is None:
            t0 = time.perf_counter()
            self._entity_graph = entity_graph_of_project(self.project, self.schema, self.code, self.previous)
            self.entity_graph_seconds = time.perf_counter() - t0
        return self._entity_graph

    def pinyin_loaded(self) -> None:
        """The generated pinyin is now in the store: the entity graph, if a stage that does not read the
        pinyin made it before (:attr:`Stage.before_pinyin`), reads its ``pinyin`` attribute again."""
        if self._entity_graph is not None:
            read_node_attribute(self._entity_graph, self.project.store, "pinyin")

    @property
    def report(self) -> dict:
        """The validation report; waits for the validation, and raises if the data is invalid."""
        return self.validated()

    @property
    def metrics(self):
        """The measures made by the ``metrics`` stage, IRI -> {measure: value} (None without it)."""
        res = self.results.get("metrics")
        return res.get("measures") if isinstance(res, dict) else None


@dataclass(frozen=True)
class Stage:
    """An output stage: *run* writes files into ``ctx.out``. An *optional* stage whose
    third-party dependency is not installed is skipped instead of failing the build. A stage
    *before_pinyin* runs first, while the generated pinyin is computed."""

    name: str
    run: Callable[[StageContext], object]
    optional: bool = False
    #: the stage reads nothing of the generated pinyin (nor the entity graph's ``pinyin`` attribute): it
    #: may run while the helper worker computes it (:meth:`StageContext.pinyin_loaded` follows)
    before_pinyin: bool = False
    #: the stage may read the project's store (False: it reads the N-Triples and the helper's bodies only);
    #: the data rules with ``GRAPH`` run beside the last stages that do not (:mod:`cppcc_kg.build.validation`)
    reads_store: bool = True


def entity_files(ctx: StageContext):
    """``entities.graphml``, ``nodes.csv``, ``edges.csv``."""
    return write_entity_files(ctx.graph, ctx.out, entity_graph=ctx.entity_graph)


def metrics(ctx: StageContext):
    """``metrics.csv``, ``metrics.ttl``: the network measures of every entity; those of an entity graph
    of the same structure as a previous build's (an edited label) are taken from the loader's cache."""
    return write_metrics(ctx.graph, ctx.out, entity_graph=ctx.entity_graph,
                         cache=getattr(ctx.project, "cache", None), code=ctx.code, frame=False)


def page(ctx: StageContext):
    """``graph.html``: the interactive page (its layout kept in the loader's cache: :func:`kept_layouts`)."""
    cache = getattr(ctx.project, "cache", None)
    with kept_layouts(cache, ctx.code) if cache is not None and cache.enabled else contextlib.nullcontext():
        return write_project_page(ctx.graph, ctx.out, metrics=ctx.metrics, root=ctx.root, project=ctx.project,
                                  entity_graph=ctx.entity_graph, schema=ctx.schema)


def graph_files(ctx: StageContext):
    """``graph.ttl``, ``graph.nt``, ``graph.jsonld``, ``graph.trig``: on an edit, what did not change is copied
    from the build being replaced when its files are as it left them (:mod:`cppcc_kg.build.graph_splice`)."""
    return write_graph_files(ctx.graph, ctx.out, project=ctx.project, bodies_job=ctx.bodies_job,
                             previous=ctx.previous, previous_record=ctx.previous_record, code=ctx.code)


def notebook_pages(ctx: StageContext):
    """``notebooks/NAME.html``: each notebook of ``ROOT/notebooks`` executed on this build (opt-in:
    ``cppcc-kg build --notebooks``; it reads the files of the stages before it).

    The pages of the build being replaced are kept (copied) when what the notebooks read is the same
    bytes: the outputs written before this stage, ``notebooks/`` and ``queries/``, and the code
    (:func:`notebooks_key`); the pages are the same bytes for the same build.
    """
    key = ctx.stage_keys["notebooks"] = notebooks_key(ctx.root, ctx.out)
    kept = _kept_pages(ctx, key)
    if kept is not None:
        return kept
    return write_notebook_pages(ctx.root / "notebooks", ctx.out, ctx.out / "notebooks")


def notebooks_key(root: Path, out: Path) -> str:
    """The digest of what the notebooks stage reads: every file of *out* so far (the outputs of the
    stages before it), the files of ``ROOT/notebooks`` and ``ROOT/queries``, and the code."""
    h = hashlib.sha256(json.dumps(code_fingerprint(), sort_keys=True).encode())
    names = sorted(p.relative_to(out).as_posix() for p in Path(out).rglob("*") if p.is_file())
    for name, digest in file_digests(out, names).items():
        h.update(f"out\0{name}\0{digest['sha256']}\n".encode())
    for rel in notebook_inputs(root):
        h.update(f"in\0{rel}\0{file_digests(root, [rel])[rel]['sha256']}\n".encode())
    return h.hexdigest()


def _kept_pages(ctx: StageContext, key: str) -> dict | None:
    """Copy the pages of the previous build into ``ctx.out`` if its notebooks key is *key* and its
    pages are there as it left them (:func:`~cppcc_kg.build.fingerprint.output_stamp`); None otherwise."""
    record = ctx.previous_record or {}
    if ctx.previous is None or (record.get("stages") or {}).get("notebooks") != key:
        return None
    pages = {rel: stamp for rel, stamp in (record.get("outputs") or {}).items() if rel.startswith("notebooks/")}
    data = {}
    for rel, stamp in pages.items():
        try:
            st = os.lstat(ctx.previous / rel)
            if output_stamp(st) != stamp:
                return None
            data[rel] = (ctx.previous / rel).read_bytes()
        except OSError:
            return None
    if not data or any(len(b) != pages[rel][0] for rel, b in data.items()):
        return None
    return {Path(rel).stem: {"path": write_atomic(ctx.out / rel, b), "kept": True} for rel, b in data.items()}


#: The output stages, in order; the summary is written after all of them.
STAGES: list[Stage] = [
    Stage("entities", entity_files),
    Stage("metrics", metrics, optional=True, before_pinyin=True),
    Stage("html", page, optional=True),
    Stage("graph", graph_files, reads_store=False),
]

#: The stage that executes the notebooks: not in :data:`STAGES` (it takes seconds where the
#: build takes one or two); ``cppcc-kg build --notebooks`` runs it after them.
NOTEBOOKS = Stage("notebooks", notebook_pages)
