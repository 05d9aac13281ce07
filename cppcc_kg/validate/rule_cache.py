"""The data rules' verdicts kept in the loader's cache by the triples they read.

A rule (``rules/*.rq``) that returned no row keeps that verdict in the loader's cache under the digest
of its query, the code of :mod:`cppcc_kg.validate` and what it may read of the data
(:func:`~cppcc_kg.validate.query_reads.rule_reads`), file by file: the triples of its properties (:meth:`cppcc_kg.project.load.Project.predicate_digest`, as the
build keeps the entity graph's query solutions, :mod:`cppcc_kg.build.graph_rows`), which subjects have a
property (``"exists P"``), the triples whose object is an IRI (:data:`IRI_OBJECTS`) and those of a property
whose object is a literal tagged ``zh`` or ``zh-...`` (``"lang zh P"``, :data:`LANG`), all by :func:`file_views`.
A rule whose reads are those of the last build that found it clean is not run again.
A rule that returned rows is run again at every build (its rows are the report), and so is a rule whose
reads cannot be told (:func:`rule_reads` is ``None``).

Why the verdict is the one a run would give. The solutions of a SPARQL query are a function of the
dataset; a triple pattern with the property ``P`` matches triples of ``P`` only (but for a path of length
zero between two variables, which matches every node: :func:`rule_reads` tells it apart), one whose property is a
variable that a ``FILTER (isIRI(?o))`` over it keeps to IRI objects contributes only triples with an IRI
object to a solution, and when its object is a variable used nowhere else in a query without grouping or
``LIMIT``, whether the query has a row depends on which subjects have the property and not on the objects.
A pattern whose properties are IRIs (or an alternative of IRIs: each match is one triple whose object is the
pattern's) and whose object is a variable ``?v`` that a conjunct ``langMatches(lang(?v), "zh")`` of a
``FILTER`` keeps to literals tagged ``zh`` or ``zh-...``, the pattern reached from the filter through joins,
``BIND`` and ``GRAPH`` only (the same group: not inside ``OPTIONAL``, ``UNION``, ``MINUS``, ``EXISTS``, another
group), contributes to a solution that the filter keeps only a triple with such an object: the filter is true
only if each conjunct is (``||``, ``!`` are not narrowed; an error rejects), each solution of the operators
between the filter and the pattern extends one of the pattern's, and the other patterns read their triples
whole (the restricted dataset holds them); so dropping the pattern's other triples drops only solutions that
the filter rejects (``"lang zh P"``: the lines of ``P`` with such an object). An English label edited then
keeps the verdicts of the rules that read only the Chinese ones.
So the query on the dataset restricted to what :func:`rule_reads` says has a row exactly when the query on
the whole dataset has one (tested for every rule of the repository, with an edit that breaks it). The
digests are made file by file, with the file's graph name, so they also cover what ``GRAPH ?g`` reads; a
rule that uses ``GRAPH`` runs on every file's graph complete
(:meth:`~cppcc_kg.project.load.Project.with_duplicates`), the triples of the files' N-Triples that the
digests read. The generated pinyin graph is computed beside the validation: what a rule reads of it is
read from the store before the run (a part of the key) and after it, and the verdict is kept only if it
did not change meanwhile.

Which digests read the store. The digests of the files' properties and views are made from the files'
N-Triples (and the loader's cache), not from the store. The generated graph holds only the triples of
:data:`GENERATED` (``cppcc:pinyin``), each with a literal object (tested): a rule that reads none of these
properties (:data:`IRI_OBJECTS` reads none: its objects are IRIs) reads nothing of it, and its key has an
empty part for it, made without the store (:func:`generated_reads`). So does a rule none of whose triple
patterns matches in the generated graph (:data:`FILES_ONLY`): each is inside ``GRAPH ?g`` where a conjunct
``?g != <the generated graph>`` of a filter reaching it through joins, ``BIND`` and ``GRAPH`` only keeps ``?g``
from naming it (or inside ``GRAPH`` of another named graph); a solution that matched a pattern in the generated
graph binds ``?g`` to it and the filter rejects it (a conjunction is true only if each conjunct is), and
everything inside ``GRAPH ?g`` (``EXISTS`` too) reads the graph ``?g`` only, so the solutions kept do not depend
on the generated graph. So only the rules that read ``cppcc:pinyin`` elsewhere wait for the store to be told
(:meth:`RuleCache.needs_store`); the others' kept verdicts are decided before it is loaded, and only the rules
that run wait for it.

The digests after an edit, in time of the edit (:meth:`RuleCache.clean`). Each build records the files (path
and cache key, in load order) and, for each rule asked about, the two digests of its key that read the files
(:meth:`~cppcc_kg.project.load.Project.predicate_digest` of its properties, :func:`file_views` of its views:
:func:`state_entry`). Both are functions of the list of files, in load order, and of each file's part: the
digests of the rule's properties in it (:func:`~cppcc_kg.project.predicates.predicate_digests`), its views; and,
for a rule that reads ``cppcc:pinyin`` as a property, of the generated graph. A file whose cache key is the one
recorded has the same part (the key names its bytes, path and the parser's version, hence its N-Triples). So
when the list of paths is the recorded one, the rule reads no ``cppcc:pinyin`` as a property, and each file
whose key changed has the same part in its earlier version (read from the loader's cache) as now, the digests
are the recorded ones: they are taken without reading the other files. Else (a file added, removed or
renamed, an earlier version not in the cache, a part that differs, no record) they are made from every file.
"""
from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox

from cppcc_kg.project.files import PINYIN_GRAPH, nt_entry
from cppcc_kg.project.predicates import predicate_digests
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.validate.file_cache import digest, entry_name, get_json, put_json
from cppcc_kg.validate.query_reads import (
    EXISTS,
    FILES_ONLY,
    IRI_OBJECTS,
    LANG,
    is_view,
    lang_matches,
    read_property,
    rule_reads,
)

__all__ = ["RuleCache", "rule_reads"]


def views_entry() -> str:
    """The cache entry of the files' views (:func:`file_views`): file key -> view -> digest, for every rule."""
    return entry_name("rule-views")


def state_entry() -> str:
    """The cache entry of the last build's files and rules' digests (module docstring): ``{"files": [[path, cache
    key], ...], "digests": {digest of a rule's query: [digest of its properties, of its views]}}``."""
    return entry_name("rule-state")


#: the properties of the triples of the generated graph (:data:`~cppcc_kg.project.files.PINYIN_GRAPH`), whose
#: objects are literals
GENERATED = frozenset({str(CPPCC.pinyin)})


class RuleCache:
    """The verdicts of the rules of one validation of *project*, read from and kept in its loader's cache.

    :meth:`clean` says whether a rule is known to return no row (then it need not run) and notes what it
    read (:meth:`save_views` stages the files' views it made, once the rules are asked about); :meth:`keep`
    records a rule that returned no row. Without a cache (a clean build, ``--no-cache``)
    nothing is read or kept and no digest is made.
    """

    def __init__(self, project):
        cache = getattr(project, "cache", None)
        self.project = project
        self.cache = cache if cache is not None and cache.enabled else None
        self._asked: dict[str, tuple[str, frozenset[str], str]] = {}
        self._views: dict | None = None  # file key -> view -> digest (:meth:`_views_digest`)
        self._views_changed = False
        self._reads: dict[str, frozenset[str] | None] = {}
        self._state: dict | None = None  # the last build's record (:func:`state_entry`), read once
        self._digests: dict[str, list[str]] = {}  # query digest -> [properties' digest, views' digest], this build
        self._files: list[list[str]] | None = None  # [path, cache key] of the files, in load order
        self._parts: dict[str, tuple | None] = {}  # cache key -> (N-Triples, predicate digests) (:meth:`_part`)

    def reads(self, query: str) -> frozenset[str] | None:
        """:func:`rule_reads` of *query*, kept in the cache by the query's text (no parse on the next build)."""
        if query in self._reads:
            return self._reads[query]
        name = entry_name("rule-reads", query)
        got = get_json(self.cache, name)
        if isinstance(got, dict) and "reads" in got:
            found = None if got["reads"] is None else frozenset(got["reads"])
        else:
            found = rule_reads(query)
            put_json(self.cache, name, {"reads": None if found is None else sorted(found)})
        self._reads[query] = found
        return found

    def clean(self, name: str, query: str) -> bool:
        """Whether the rule *name* with *query* returned no row on the same triples (it need not run)."""
        if self.cache is None:
            return False
        reads = self.reads(query)
        if reads is None:
            return False
        views = sorted(r for r in reads if is_view(r))
        lines = [r for r in reads if r not in views and r != FILES_ONLY]
        generated = self._generated(reads)
        entry = entry_name("rule", query, *self._file_digests(query, lines, views), generated)
        self._asked[name] = (entry, reads, generated)
        return get_json(self.cache, entry) is not None

    def _file_digests(self, query: str, lines: list[str], views: list[str]) -> list[str]:
        """``[digest of the properties *lines*, of the *views*]`` of the files: the recorded ones when every file
        that changed since has the same part, else made from every file (module docstring). With ``cppcc:pinyin``
        among *lines* (the generated graph's part, made when asked): made, and neither kept nor recorded."""
        q = digest(query)
        live = str(CPPCC.pinyin) in lines
        if q in self._digests and not live:
            return self._digests[q]
        recorded = None if live else self._recorded().get("digests", {}).get(q)
        if not (isinstance(recorded, list) and len(recorded) == 2 and self._unchanged(lines, views)):
            recorded = [self.project.predicate_digest(lines), self._views_digest(query, views) if views else ""]
        if not live:
            self._digests[q] = [str(d) for d in recorded]
        return recorded

    def _recorded(self) -> dict:
        if self._state is None:
            got = get_json(self.cache, state_entry())
            self._state = got if _record_form(got) else {}  # (a record of another form: as if none)
            self._files = [[rel, self.project.keys.get(rel, "")] for rel in self.project.nt]
        return self._state

    def _unchanged(self, lines: list[str], views: list[str]) -> bool:
        """Whether each file whose key is not the recorded one has the same part (properties *lines*, *views*)
        in its earlier version; ``False`` when the paths are not those recorded."""
        before = self._recorded().get("files")  # (of the record's form: _record_form)
        if before is None or len(before) != len(self._files) or any(b[0] != now[0] for b, now in zip(before, self._files)):
            return False
        for (rel, old), (_rel, key) in zip(before, self._files):
            if old != key:
                parts = [self._part(old, None, lines, views), self._part(key, self.project.nt[rel], lines, views)]
                if None in parts or parts[0] != parts[1]:
                    return False
        return True

    def _part(self, key: str, nt: bytes | None, lines: list[str], views: list[str]) -> tuple | None:
        """The part of the file with cache *key* (N-Triples *nt*; ``None``: its earlier version, read from the
        loader's cache): its digests of the properties *lines* and its *views*; ``None`` if it is not there."""
        if key not in self._parts:
            data = nt if nt is not None else self.cache.get(nt_entry(key), keep=False)
            self._parts[key] = None if data is None else (data, predicate_digests(data))
        got = self._parts[key]
        if got is None:
            return None
        data, digests = got
        made = file_views(data, views) if views else {}
        return tuple(digests.get(p) for p in lines), tuple(made[v] for v in views)

    def keep(self, name: str, rows: list) -> None:
        """Record that the rule *name* (asked about with :meth:`clean`) returned *rows*: kept if none, and if
        the generated triples it reads did not change while it ran."""
        if name not in self._asked or rows:
            return
        entry, reads, before = self._asked[name]
        if self._generated(reads) == before:
            put_json(self.cache, entry, {"rows": 0})

    def needs_store(self, query: str) -> bool:
        """Whether :meth:`clean` reads the store to tell the verdict of the rule with *query*: when it reads a
        property of the generated graph (:func:`generated_reads`). Without a cache, or when the rule's reads
        cannot be told, it reads nothing (the rule runs)."""
        if self.cache is None:
            return False
        reads = self.reads(query)
        return reads is not None and bool(generated_reads(reads))

    def _generated(self, reads: frozenset[str]) -> str:
        """The part of a rule's key for the generated graph: ``""`` (no store read) when the rule reads none
        of its properties, else :func:`generated_digest` of the store now."""
        predicates = generated_reads(reads)
        return generated_digest(self.project.store, predicates) if predicates else ""

    def _views_digest(self, query: str, views: list[str]) -> str:
        """The sha256 of the *views* (:func:`file_views`) of every file, in load order; each file's are kept in
        the cache by the file's key, in one entry for every rule (:meth:`save_views` stages it)."""
        if self._views is None:
            kept = get_json(self.cache, views_entry())
            self._views = kept if isinstance(kept, dict) else {}
        h = hashlib.sha256("\0".join(views).encode("utf-8") + b"\n")
        for rel, nt in self.project.nt.items():
            key = self.project.keys.get(rel, "")
            found = self._views.get(key)
            missing = [v for v in views if not isinstance(found, dict) or v not in found]
            if missing:
                found = {**(found if isinstance(found, dict) else {}), **file_views(nt, missing)}
                self._views[key] = found
                self._views_changed = True
            for v in views:
                if found[v]:
                    h.update(f"{rel}\0{v}\0{found[v]}\n".encode())
        return h.hexdigest()

    def prepare(self, query: str) -> None:
        """Make the files' digests that :meth:`clean` of the rule with *query* reads (no store read), so that
        :meth:`save_views` keeps them (and the views made) even if the rule is asked about after it."""
        reads = self.reads(query) if self.cache is not None else None
        if reads is not None:
            views = sorted(r for r in reads if is_view(r))
            self._file_digests(query, [r for r in reads if r not in views and r != FILES_ONLY], views)

    def save_views(self) -> None:
        """Stage the files' views made by :meth:`clean` (those of the present files), if any was new; once in a
        build (a cache entry is staged once: views made after it are made again by the next build)."""
        self._save_state()
        name = views_entry()
        if self._views is None and self.cache is not None:
            self.cache.get(name)  # (not read this time: kept for the next build that reads it)
        if self._views is None or self.cache is None or name in self.cache.staged:
            return
        keys = set(self.project.keys.values())
        if self._views_changed or set(self._views) - keys:
            self._views = {k: v for k, v in sorted(self._views.items()) if k in keys}
            put_json(self.cache, name, self._views)
        self._views_changed = False

    def _save_state(self) -> None:
        """Stage the record of this build's files and rules' digests (:func:`state_entry`), once in a build, if it
        is not the one read."""
        name = state_entry()
        if self.cache is None or self._files is None or name in self.cache.staged:
            return
        state = {"files": self._files, "digests": dict(sorted(self._digests.items()))}
        if state != self._state:
            put_json(self.cache, name, state)


def file_views(nt: bytes, views: list[str]) -> dict[str, str]:
    """View -> the sha256 of what the canonical N-Triples *nt* hold of it (``""``: nothing): for
    ``"exists P"``, the subjects that have the property ``P`` (sorted, once each); for :data:`IRI_OBJECTS`,
    the lines whose object is an IRI (in order); for ``"lang zh P"``, the lines of ``P`` whose object is a literal
    whose language tag matches ``zh`` (:func:`lang_matches`; in order).

    >>> nt = b'<http://e.org/a> <http://e.org/p> "x" .\\n<http://e.org/a> <http://e.org/p> "y" .\\n'
    >>> v = file_views(nt, ["exists http://e.org/p", IRI_OBJECTS])
    >>> v[IRI_OBJECTS], v["exists http://e.org/p"] == file_views(nt.split(b"\\n")[0], ["exists http://e.org/p"])["exists http://e.org/p"]
    ('', True)
    """
    wanted = {f"<{v[len(EXISTS):]}>".encode(): v for v in views if v.startswith(EXISTS)}
    subjects: dict[str, set[bytes]] = {v: set() for v in wanted.values()}
    iris = []
    want_iris = IRI_OBJECTS in views  # else the lines with an IRI object are not gathered
    langs: dict[bytes, list[tuple[str, str]]] = {}  # property token -> (view, range)
    for v in views:
        if v.startswith(LANG):
            lang_range, prop = v[len(LANG):].split(" ", 1)
            langs.setdefault(f"<{prop}>".encode(), []).append((v, lang_range))
    tagged: dict[str, list[bytes]] = {v: [] for ps in langs.values() for v, _r in ps}
    for line in nt.split(b"\n"):
        if not line:
            continue
        s, p, rest = line.split(b" ", 2)
        if p in wanted:
            subjects[wanted[p]].add(s)
        if want_iris and rest.startswith(b"<"):
            iris.append(line)
        if p in langs:
            tag = _lang_tag(rest)
            for v, lang_range in langs[p]:
                if tag is not None and lang_matches(tag, lang_range):
                    tagged[v].append(line)
    out = {v: hashlib.sha256(b"\n".join(sorted(found))).hexdigest() if found else "" for v, found in subjects.items()}
    out.update({v: hashlib.sha256(b"\n".join(found)).hexdigest() if found else "" for v, found in tagged.items()})
    if want_iris:
        out[IRI_OBJECTS] = hashlib.sha256(b"\n".join(iris)).hexdigest() if iris else ""
    return out


#: the end of a language-tagged literal object in a line of canonical N-Triples: ``"@tag .``
_TAGGED = re.compile(rb'"@([A-Za-z]+(?:-[A-Za-z0-9]+)*) \.$')


def _lang_tag(rest: bytes) -> str | None:
    """The language tag of the object of a line whose object and end are *rest*, or ``None`` (not a tagged literal).

    >>> _lang_tag(b'"a"@zh-Hans .'), _lang_tag(b'"x"^^<http://e.org/t> .'), _lang_tag(b'<http://e.org/o> .')
    ('zh-Hans', None, None)
    """
    m = _TAGGED.search(rest)
    return m.group(1).decode() if m and rest.startswith(b'"') else None


def generated_reads(reads: frozenset[str]) -> list[str]:
    """The properties of the generated graph (:data:`GENERATED`) among *reads* (:func:`rule_reads`), as
    properties or as ``"exists P"``; sorted. :data:`IRI_OBJECTS` reads none of its triples (literal objects).

    >>> generated_reads(frozenset({EXISTS + "https://w3id.org/cppcc-kg/ontology#pinyin", IRI_OBJECTS}))
    ['https://w3id.org/cppcc-kg/ontology#pinyin']
    >>> generated_reads(frozenset({IRI_OBJECTS, "http://www.w3.org/2000/01/rdf-schema#label"}))
    []
    """
    return [] if FILES_ONLY in reads else sorted({read_property(r) for r in reads} & GENERATED)


def generated_digest(store: ox.Store, predicates: list[str]) -> str:
    """The sha256 of the triples of the properties *predicates* in the generated pinyin graph of *store*, now
    (its N-Triples lines, sorted)."""
    wanted = {f"<{p}>".encode() for p in predicates}
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(PINYIN_GRAPH)))
    lines = sorted(line for line in data.split(b"\n") if line and line.split(b" ", 2)[1] in wanted)
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def _record_form(state) -> bool:
    """Whether *state* has the form of the rules' record: a dict whose ``digests`` is a dict and whose ``files``
    is a list of ``[path, key]`` strings (each optional)."""
    if not isinstance(state, dict) or not isinstance(state.get("digests", {}), dict):
        return False
    files = state.get("files", [])
    return isinstance(files, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in files)
