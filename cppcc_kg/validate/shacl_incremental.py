"""SHACL after a cached build: the local constraints re-checked only where the graph changed.

A build keeps, in the loader's cache, the cache key of every file it validated and the verdicts
(violations) of the *local* constraints (:mod:`cppcc_kg.validate.shacl_local`), in one entry named
by the code of :mod:`cppcc_kg.validate` and the compiled shapes (:func:`state_entry`). The next build
compares each file's key with the recorded one; the triples that changed are the lines of the
changed files' N-Triples (the earlier ones read from the loader's cache) that are in one version
and not the other. Then:

1. the *dirty* nodes ``D``: the subjects and objects of the changed triples; the nodes that point to
   the subject ``a`` of a changed triple ``(a, p, b)`` when a local constraint reads ``p`` of its
   out-neighbours; the nodes ``a`` points to when one reads ``p`` of its in-neighbours; the nodes
   ``b`` points to when one reads ``p`` into its in-neighbours (what each constraint reads:
   :attr:`cppcc_kg.validate.shacl_local.Locality.reads`; the neighbours are taken in the graph as it is
   now: an edge that differs from before is itself a changed triple, so both its ends are in ``D``);
2. the focus nodes ``F``: the nodes of ``D`` that a shape targets (its targets read the node's own
   triples and the schema triples only);
3. the neighbourhood of ``F`` (every triple a local constraint reads for a node of ``F``) and every
   schema triple are copied into a small store, where the local constraints run;
4. the result: the earlier violations whose focus is not in ``D``, and the new ones whose focus is
   in ``F``.

Why that is the full run's result: a local constraint's verdict on a node ``x`` reads the triples
of ``x``, some triples (by predicate) whose subject is a neighbour of ``x`` or whose object is an
in-neighbour of ``x``, and schema triples. A changed triple ``(a, p, b)`` among them has ``x`` in
``{a, b}``, or ``x`` pointing to ``a`` (``p`` read of out-neighbours), or ``a`` pointing to ``x``
(``p`` read of in-neighbours), or ``b`` pointing to ``x`` (``p`` read into in-neighbours): ``x`` is
in ``D``. A changed triple whose predicate is a schema predicate, a changed ontology, a blank node
in a changed line, an earlier file not in the cache, or no record: the whole run, as without a cache.
The constraints that are not local always run on the whole store.

Where the lookups read. Steps 1 to 3 look up triples with a bound node or schema predicate only. They are
answered from the lines of the files' N-Triples that mention these terms
(:class:`~cppcc_kg.validate.line_lookup.LineLookup`: it gives the whole store's answer to a lookup that binds
a term it covers, anywhere or as the subject, and refuses any other), read in passes, each before the lookups
that need it: (1) the lines of the schema predicates and of the pointed nodes (the subjects whose in-neighbours
are dirty: looked up as objects), those that begin with a node of a changed triple (the pointing nodes are
among them: looked up as subjects); (2) the lines of the other dirty nodes (the targets read a focus
candidate's own triples; a focus node's are read as subject and object); (3) those that begin with an
out-neighbour of a focus node, the lines of its in-neighbours, and the lines of the focus nodes covered as
subjects only so far (nodes of the changed triples: known from the lines of the focus nodes, or those that
begin with them); (4) if there were such, the lines of their in-neighbours. Every lookup of :func:`_dirty`,
:func:`_focus`, :func:`_schema_quads` and :func:`_neighbourhood` then binds a covered term in a covered
position. A blank node among the nodes to look up: that step and those after it read the store (the answers
are the same).
Each pass reads only the files that mention the terms it covers, by an index of each file's IRIs kept in the
loader's cache by the file's key (:mod:`~cppcc_kg.validate.term_index`: made for a file only when it is not
there, by a build that restricts or runs everything with the cache written).
So after an edit that touches few nodes, the restriction does not wait for a store being loaded beside it.

The generated pinyin graph has no cache key and is left out of the comparison. Its triples
(``cppcc:pinyin`` of an entity) change with the entity's Chinese label, which makes the entity
dirty; a shape could only read them through a statement whose ``rdf:predicate`` is ``cppcc:pinyin``,
and then the whole run would depend on whether the pinyin, computed beside the validation, is in
the store yet. The lines read for the lookups include those of the pinyin graph given with the files'
(:meth:`cppcc_kg.project.load.Project.graphs`): a focus node's ``cppcc:pinyin`` triple may be in its
neighbourhood, or not, as when it is read from the store, with the same (absent) effect on the verdicts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cppcc_kg.project.files import changed_nt_lines, rel_of_graph
from cppcc_kg.validate.file_cache import digest, entry_name, get_json, put_json
from cppcc_kg.validate.line_lookup import LineLookup
from cppcc_kg.validate.shacl_compile import RDFS_SUBCLASS, ShapeCompiler
from cppcc_kg.validate.shacl_local import RDF_TYPE, READS, sparql_locality
from cppcc_kg.validate.term_index import term_index

#: above this many focus nodes to re-check, the whole run is as cheap
MAX_FOCUS = 50_000


@dataclass
class Restriction:
    """What a build re-checks: ``local`` (plan positions of the local constraints), ``store`` (the
    neighbourhood of the focus nodes; ``None``: run everything on the whole store), ``focus`` (the
    values of the focus nodes re-checked) and ``kept`` (the earlier violations, as tuples, whose
    focus is not dirty); ``reason``: why the whole run;
    ``datatypes``: what the datatype checks found in each file recorded."""

    local: list[int]
    store: ox.Store | None = None
    focus: set[str] = field(default_factory=set)
    kept: list[tuple] = field(default_factory=list)
    reason: str = ""
    #: cache key of each file recorded -> what the datatype checks found in it (``None``: no record)
    datatypes: dict | None = None
    #: the passes over the files' N-Triples that read the lines of the nodes looked up (:class:`LineLookup`)
    passes: int = 0
    #: the documents those passes read (each time it read one: :attr:`LineLookup.scanned`)
    scanned: int = 0


def plan_locality(compiled: ShapeCompiler) -> tuple[list[int], set[str], dict[str, set[str]]]:
    """``(positions of the plan entries that are local, the schema predicates they read, what they read
    of the neighbours' other triples)`` (:class:`cppcc_kg.validate.shacl_local.Locality`)."""
    schema = {RDFS_SUBCLASS}  # sh:class, sh:targetClass: rdf:type/rdfs:subClassOf*
    # sh:class reads the rdf:type of a value: an out-neighbour, or an in-neighbour on an inverse path
    reads = {kind: ({RDF_TYPE} if kind != "into in-neighbours" else set()) for kind in READS}
    local = []
    for k, (_query, members) in enumerate(compiled.plan):
        indices = [members] if isinstance(members, int) else [m[0] for m in members]
        found = [sparql_locality(*compiled.sparql_sources[i]) for i in indices if i in compiled.sparql_sources]
        if all(loc.local for loc in found):
            local.append(k)
            for loc in found:
                schema |= loc.schema
                for kind, predicates in loc.reads.items():
                    reads[kind] |= predicates
    return local, schema, reads


def state_entry(compiled: ShapeCompiler) -> str:
    """The cache entry of the SHACL record: named by the code (:data:`~cppcc_kg.validate.file_cache.CODE_DIGEST`)
    and the compiled shapes, so that other shapes or other code never read it."""
    checks = [(*c[:2], sorted(c[2]), *c[3:]) for c in compiled.datatype_checks]  # no set: the same in every process
    parts = [q for q, *_rest in compiled.queries] + [repr(compiled.plan), repr(sorted(compiled.antijoins.items())),
                                                     repr(checks)]
    return entry_name("shacl-state", digest(*parts))


def save_state(compiled: ShapeCompiler, keys: dict[str, str], cache, violations: list[tuple],
               datatypes: dict[str, list]) -> None:
    """Record *keys* (graph -> cache key), the violations of the local constraints (tuples) and what
    the datatype checks found in the files (cache key -> bad values; none: nothing)."""
    put_json(cache, state_entry(compiled), {"keys": keys, "violations": sorted(map(list, violations)),
                                            "datatypes": {k: datatypes[k] for k in sorted(datatypes)}})


def changed_lines(before: dict, keys: dict, ntriples: dict, cache) -> set[bytes] | str:
    """The N-Triples lines in the earlier or the present version of a changed file but not both; or why not.

    *before* and *keys* map a graph IRI to the file's cache key (recorded, and now), *ntriples* a graph IRI
    to its N-Triples now; the earlier versions are read from *cache* without keeping them. A changed ontology,
    or an earlier version that is not in the cache, gives the reason (a string) instead.
    """
    if any(rel_of_graph(n) == "ontology.ttl" and before.get(n) != keys.get(n) for n in set(before) | set(keys)):
        return "the ontology changed"
    lines = changed_nt_lines(cache, before, keys, ntriples)
    return f"the earlier version of {lines} is not in the cache" if isinstance(lines, str) else lines


def changed_triples(before: dict, keys: dict, ntriples: dict, cache) -> list | str:
    """The triples of :func:`changed_lines`, parsed; or why not (its reason, or a blank node in a changed line)."""
    lines = changed_lines(before, keys, ntriples, cache)
    if isinstance(lines, str):
        return lines
    if any(b"_:" in line for line in lines):
        return "a changed triple has a blank node"
    return list(ox.parse(b"\n".join(sorted(lines)) + b"\n", format=ox.RdfFormat.N_TRIPLES)) if lines else []


def _is_node(term) -> bool:
    return isinstance(term, (ox.NamedNode, ox.BlankNode))


def _pointers(changed: list, reads: dict[str, set[str]]) -> tuple[set, set]:
    """``(pointed, pointing)``: the nodes of the *changed* triples whose in-neighbours (out-neighbours) are
    dirty (module docstring)."""
    def reads_of(kind: str, predicate: str) -> bool:
        return predicate in reads[kind] or "*" in reads[kind]

    pointed, pointing = set(), set()
    for t in changed:
        if _is_node(t.object) and reads_of("into in-neighbours", t.predicate.value):
            pointing.add(t.object)
        if reads_of("out of out-neighbours", t.predicate.value):
            pointed.add(t.subject)
        if reads_of("out of in-neighbours", t.predicate.value):
            pointing.add(t.subject)
    return pointed, pointing


def _dirty(store: ox.Store, changed: list, reads: dict[str, set[str]]) -> set:
    """The dirty nodes of the module docstring (pyoxigraph terms)."""
    dirty = _nodes(changed)
    pointed, pointing = _pointers(changed, reads)
    for node in pointed:  # the nodes that read it as an out-neighbour
        dirty.update(q.subject for q in store.quads_for_pattern(None, None, node, None))
    for node in pointing:  # the nodes that read it as an in-neighbour
        dirty.update(q.object for q in store.quads_for_pattern(node, None, None, None) if _is_node(q.object))
    return dirty


def _schema_quads(store: ox.Store, schema: set[str]) -> list:
    return [ox.Quad(q.subject, q.predicate, q.object) for p in sorted(schema)
            for q in store.quads_for_pattern(None, ox.NamedNode(p), None, None)]


def _focus(store: ox.Store, compiled: ShapeCompiler, dirty: set, schema_quads: list) -> set:
    """The dirty nodes that a shape targets: each target run on their own triples and the schema's."""
    small = ox.Store()
    small.bulk_extend(schema_quads)
    small.bulk_extend(ox.Quad(q.subject, q.predicate, q.object)
                      for d in dirty for q in store.quads_for_pattern(d, None, None, None))
    found = set()
    for target in sorted(set(compiled.targets)):
        found.update(sol["this"] for sol in small.query(f"SELECT ?this WHERE {{ {target} }}"))
    return found & dirty


def _triples(store: ox.Store, node, predicates: set[str], *, into: bool = False) -> list:
    """The triples (default-graph quads) whose subject (*into*: object) is *node* and whose predicate
    is one of *predicates* (``*``: any)."""
    wanted = [None] if "*" in predicates else [ox.NamedNode(p) for p in sorted(predicates)]
    return [ox.Quad(q.subject, q.predicate, q.object) for p in wanted
            for q in (store.quads_for_pattern(None, p, node, None) if into else store.quads_for_pattern(node, p, None, None))]


def _nodes(changed: list) -> set:
    """The subjects and the node objects of the triples *changed*."""
    return {t.subject for t in changed} | {t.object for t in changed if _is_node(t.object)}


def _neighbourhood(store: ox.Store, focus: set, schema_quads: list, reads: dict[str, set[str]]) -> ox.Store:
    """A store with every triple a local constraint reads for a node of *focus* (module docstring)."""
    quads = set(schema_quads)
    for x in focus:
        out = _triples(store, x, {"*"})
        into = _triples(store, x, {"*"}, into=True)
        quads.update(out)
        quads.update(into)
        for y in {q.object for q in out if _is_node(q.object)}:
            quads.update(_triples(store, y, reads["out of out-neighbours"]))
        for y in {q.subject for q in into}:
            quads.update(_triples(store, y, reads["out of in-neighbours"]))
            quads.update(_triples(store, y, reads["into in-neighbours"], into=True))
    small = ox.Store()
    small.bulk_extend(quads)
    return small


def _whole(local: list[int], reason: str, cache, ntriples: dict, keys: dict, datatypes: dict | None = None
           ) -> Restriction:
    """Everything runs again (*reason*); where the cache is written, the index of the files' IRIs is made for
    the next build's restriction (:func:`~cppcc_kg.validate.term_index.term_index`: only the files not in it)."""
    if getattr(cache, "write", False):
        term_index(cache, ntriples, keys)
    return Restriction(local, reason=reason, datatypes=datatypes)


def restriction(compiled: ShapeCompiler, store: ox.Store, ntriples: dict, keys: dict, cache, text, *,
                restrict: bool = True) -> Restriction:
    """What this validation must re-check (see the module docstring); *text* gives a term's value as
    the violations hold it; ``restrict=False``: everything (the record is read all the same)."""
    local, schema, reads = plan_locality(compiled)
    state = get_json(cache, state_entry(compiled))
    if not isinstance(state, dict) or not isinstance(state.get("keys"), dict):
        return _whole(local, "no record of an earlier validation", cache, ntriples, keys)
    found = state.get("datatypes", {})
    datatypes = {key: found.get(key, []) for key in state["keys"].values()}
    if not restrict:
        return _whole(local, "asked for", cache, ntriples, keys, datatypes)
    changed = changed_triples(state["keys"], keys, ntriples, cache)
    if isinstance(changed, str):
        return _whole(local, changed, cache, ntriples, keys, datatypes)
    if any(t.predicate.value in schema for t in changed):
        return _whole(local, "a schema triple changed", cache, ntriples, keys, datatypes)
    lines = LineLookup(ntriples, term_index(cache, ntriples, keys))
    # each step's lookups answered from the lines of the terms they bind (module docstring), else from the store
    pointed, _pointing = _pointers(changed, reads)
    source = lines if lines.cover(anywhere=pointed | {ox.NamedNode(p) for p in schema},
                                  subjects=_nodes(changed)) else store
    dirty = _dirty(source, changed, reads)
    # (the nodes of the changed triples that are not pointed, objects mostly, as subjects only: a class may be one)
    source = source if source is store or lines.cover(anywhere=dirty - _nodes(changed), subjects=dirty) else store
    schema_quads = _schema_quads(source, schema)
    focus = _focus(source, compiled, dirty, schema_quads)
    if len(focus) > MAX_FOCUS:
        return Restriction(local, reason=f"{len(focus)} focus nodes to check again", datatypes=datatypes,
                           passes=lines.passes, scanned=len(lines.scanned))
    if source is lines:  # the lines of the focus nodes' neighbours (and of those not covered anywhere yet)
        late = {x for x in focus if not lines.covers(x)}
        out = {q.object for x in focus for q in lines.quads_for_pattern(x, None, None) if _is_node(q.object)}
        into = {q.subject for x in focus - late for q in lines.quads_for_pattern(None, None, x)}
        source = lines if lines.cover(anywhere=late | into, subjects=out) else store
    if source is lines and late:  # and the in-neighbours of those
        source = lines if lines.cover(anywhere={q.subject for x in late
                                                for q in lines.quads_for_pattern(None, None, x)}) else store
    dirty_text = {text(d) for d in dirty}
    kept = [tuple(v) for v in state.get("violations", []) if v[0] not in dirty_text]
    return Restriction(local, _neighbourhood(source, focus, schema_quads, reads), {text(f) for f in focus}, kept,
                       datatypes=datatypes, passes=lines.passes, scanned=len(lines.scanned))
