"""The data rules' verdicts kept in the loader's cache (``validate.rule_cache``).

On a copy of the repository and on a small synthetic project, with the cache warm (a validation
kept): for each rule of ``rules/``, an edit that breaks it makes it run and fire, and the rules'
problems are those of a run without the cache; an edit of a property that no rule reads runs only the
rules whose properties cannot be told. Each rule reads only the properties :func:`rule_reads` gives:
on a store that holds only their triples it has the rows it has on the whole store.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import REPO_ROOT

from cppcc_kg.project.files import PINYIN_GRAPH
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus
from cppcc_kg.rdf.ntriples import NT
from cppcc_kg.rdf.store import values
from cppcc_kg.validate import rule_cache
from cppcc_kg.validate.rule_cache import (
    EXISTS,
    FILES_ONLY,
    GENERATED,
    IRI_OBJECTS,
    LANG,
    RuleCache,
    file_views,
    lang_matches,
    rule_reads,
    state_entry,
    views_entry,
)
from cppcc_kg.validate.rules import (
    kept_rules,
    read_rule,
    read_rules,
    rule_problems,
    uses_graph,
)
from cppcc_kg.validate.run import where_in

RULES = sorted(p.name for p in (REPO_ROOT / "rules").glob("*.rq"))
CPPCC, ID = "https://w3id.org/cppcc-kg/ontology#", "https://w3id.org/cppcc-kg/id/"
RDF, RDFS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#"
SKOS, OA = "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: the rules whose properties cannot be told (a variable in the property position): they always run
ALWAYS: set[str] = set()


def _pick(project) -> dict:
    """IRIs and labels of the project that the edits refer to."""
    (e, e2, label), *_ = values(project.store, f"""SELECT ?e ?e2 ?l WHERE {{
        ?c <{RDFS}subClassOf>* <{CPPCC}Entity> . ?e a ?c ; <{RDFS}label> ?l
        FILTER (langMatches(lang(?l), "zh") && STRLEN(?l) > 2)
        ?e2 a ?c FILTER (?e2 != ?e) }} ORDER BY ?e ?e2 LIMIT 1""")
    (source,), *_ = values(project.store, f"SELECT ?s WHERE {{ ?a <{CPPCC}quoteSource> ?s }} ORDER BY ?s LIMIT 1")
    return {"e": e, "e2": e2, "label": label, "source": source}


#: rule -> the Turtle (N-Triples) appended to a file that breaks it, from the picks of :func:`_pick`
BREAKS = {
    "date-precision-matches-datatype.rq": lambda k: (
        f'<{k["e"]}> <https://schema.org/startDate> "2020"^^<{XSD}gYear> ; '
        f'<{CPPCC}datePrecision> <{CPPCC}DayPrecision> .'),
    "duplicate-chinese-label.rq": lambda k: f'<{k["e2"]}> <{SKOS}altLabel> "{k["label"]}"@zh .',
    "entity-defined-in-several-files.rq": lambda k: f'<{k["e"]}> <{RDFS}comment> "defined again"@en .',
    "evidence-in-full-form.rq": lambda k: f'<{ID}evidence/full-position> <{OA}start> 0 .',
    "evidence-iri.rq": lambda k: (
        f'<{ID}evidence/not-its-iri> a <{OA}Annotation> ; <{CPPCC}quoteSource> <{k["source"]}> ; '
        f'<{CPPCC}quoteStart> 0 ; <{CPPCC}quoteEnd> 1 .'),
    "figure-in-a-name-without-date.rq": lambda k: (
        f'<{ID}observation/x> a <{CPPCC}Observation> ; <{CPPCC}observationDate> "2020"^^<{XSD}gYear> ; '
        f'<{RDFS}label> "{k["label"][1:]}"@zh ; <{CPPCC}observationAbout> <{k["e"]}> .'),
    "figure-per-period-without-date.rq": lambda k: (
        f'<{ID}observation/y> a <{CPPCC}Observation> ; <{CPPCC}perPeriod> "P1Y"^^<{XSD}duration> ; '
        f'<{CPPCC}observationDate> "2020"^^<{XSD}gYear> .'),
    "first-without-its-word.rq": lambda k: f'<{ID}first/z> a <{CPPCC}FirstClaim> ; <{CPPCC}firstKind> "首次" .',
    "iri-kind-matches-class.rq": lambda k: f'<{ID}place/not-an-org> a <{CPPCC}Organization> .',
    "pinyin-written-by-hand.rq": lambda k: f'<{k["e"]}> <{CPPCC}pinyin> "pin yin" .',
    "quote-outside-an-annotation.rq": lambda k: f'<{ID}evidence/untyped> <{CPPCC}quoteStart> 0 .',
    "reference-to-undefined-iri.rq": lambda k: f'<{k["e"]}> <{RDFS}seeAlso> <{ID}org/no-such-body> .',
    "statement-iri.rq": lambda k: (
        f'<{ID}relation/not-its-iri> a <{RDF}Statement> ; <{RDF}subject> <{k["e"]}> ; '
        f'<{RDF}predicate> <{CPPCC}partOf> ; <{RDF}object> <{k["e2"]}> .'),
}


def UNRELATED(k: dict) -> str:
    """An edit of a property that no rule reads."""
    return f'<{k["e"]}> <{RDFS}seeAlso> "a note" .'


def test_every_rule_has_an_edit_that_breaks_it():
    assert set(BREAKS) == set(RULES)


def test_the_properties_of_each_rule_are_told_or_it_always_runs():
    told = {name: rule_reads(read_rule(REPO_ROOT / "rules" / name)[2]) for name in RULES}
    assert {name for name, reads in told.items() if reads is None} == ALWAYS
    # GRAPH ?g1 { { ?focus rdf:type ?x1 } UNION { ?focus rdfs:label ?x2 } ... }, each object used once: which entities
    # have a label (a type, ...) in each file; the entities by their types and the classes
    assert told["entity-defined-in-several-files.rq"] == {
        f"{EXISTS}{RDF}type", f"{EXISTS}{RDFS}label", f"{EXISTS}{SKOS}altLabel", f"{EXISTS}{RDFS}comment",
        f"{RDF}type", f"{RDFS}subClassOf"}
    # GRAPH ?g { ?focus cppcc:pinyin ?pinyin } FILTER (?g != <the generated graph>): that graph is not read
    assert told["pinyin-written-by-hand.rq"] == {f"{EXISTS}{CPPCC}pinyin", FILES_ONLY}
    # ?focus ?property ?undefined FILTER (isIRI(?undefined) ...) MINUS { ?undefined a ?anyClass }
    assert told["reference-to-undefined-iri.rq"] == {IRI_OBJECTS, f"{EXISTS}{RDF}type"}
    # { ?focus oa:hasTarget ?x1 } UNION ... UNION { ?focus a oa:SpecificResource } ...: which nodes have a property
    # of the full form, and the types
    assert told["evidence-in-full-form.rq"] == {f"{EXISTS}{OA}{p}" for p in (
        "hasTarget", "hasSource", "hasSelector", "start", "end", "exact")} | {f"{RDF}type"}
    # { ?focus cppcc:quoteSource ?x1 } UNION ... MINUS { ?focus a oa:Annotation FILTER isIRI(?focus) }: which nodes
    # have a quote's property, and the types
    assert told["quote-outside-an-annotation.rq"] == {f"{EXISTS}{CPPCC}quote{p}" for p in (
        "Source", "Start", "End", "Exact")} | {f"{RDF}type"}
    # the compact form: the rules read the evidence on the annotation
    assert told["evidence-iri.rq"] == {f"{RDF}type"} | {f"{CPPCC}quote{p}" for p in ("Source", "Start", "End")}
    assert f"{CPPCC}quoteExact" in told["first-without-its-word.rq"]


@pytest.mark.parametrize("query", [
    "SELECT ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER (isIRI(?o) || true) }",
    "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?o a ?c FILTER (isIRI(?o)) } }",
    "SELECT ?s WHERE { ?s !<http://e.org/p> ?o }",
    "SELECT * WHERE { SERVICE <http://e.org/sparql> { ?s <http://e.org/p> ?o } }",
    "SELECT ?s WHERE { ?s a ?c FILTER NOT EXISTS { ?s ?p ?o } }",
    "SELECT ?s WHERE { OPTIONAL { ?s ?p ?o } VALUES ?p { <http://e.org/p> } }",  # not a join with the pattern
    "SELECT ?s WHERE { VALUES ?p { <http://e.org/p> UNDEF } ?s ?p ?o }",
    "SELECT ?g WHERE { GRAPH ?g { } }",  # the names of the graphs
    "SELECT ?g WHERE { GRAPH ?g { FILTER (true) } }",
    "SELECT ?s WHERE { ?s <http://e.org/p> ?o",  # not SPARQL: Oxigraph reports it
])
def test_a_rule_whose_properties_cannot_be_told(query):
    assert rule_reads(query) is None


@pytest.fixture(scope="module", params=["repository", "synthetic"])
def warm(request, tmp_path_factory) -> tuple[Path, str]:
    """A project whose loader's cache holds a validation of the rules, and the file the edits go to."""
    root = tmp_path_factory.mktemp("rcache") / "p"
    if request.param == "synthetic":
        write_corpus(root, scale=2, seed=0)
        edited = "graph/synth-0002/relations.ttl"
    else:
        root.mkdir()
        for name in ("ontology.ttl", "sources", "graph", "rules"):
            copy = shutil.copytree if (REPO_ROOT / name).is_dir() else shutil.copy2
            copy(REPO_ROOT / name, root / name)
        edited = max(p.relative_to(root).as_posix() for p in (root / "graph").rglob("*.ttl"))
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    about: dict = {}
    assert _rules(project, about) == []
    assert set(about["run"]) == {f"rules/{n}" for n in RULES}
    project.save_cache()
    return root, edited


#: a rule that reads the generated pinyin graph (none of the repository's does)
READS_GENERATED = f"SELECT ?focus WHERE {{ ?focus <{CPPCC}pinyin> ?p FILTER (STRLEN(?p) > 1000) }}"


def _rules(project, about: dict | None = None) -> list[dict]:
    return rule_problems(project.store, project.root / "rules", graph=project.view, where=where_in(project),
                         root=project.root, project=project, about=about)


def _edited(root: Path, rel: str, text: str):
    """The project loaded with *text* appended to *rel* (the file is restored at once; nothing is kept)."""
    path = root / rel
    before = path.read_bytes()
    try:
        path.write_bytes(before + b"\n" + text.encode("utf-8") + b"\n")
        project = load(root, cache=True, write_cache=True)
    finally:
        path.write_bytes(before)
    project.finish_pinyin()
    return project


@pytest.mark.parametrize("rule", RULES)
def test_an_edit_that_breaks_a_rule_makes_it_fire_with_the_cache_warm(warm, rule, monkeypatch):
    root, rel = warm
    picks = _pick(load(root, cache=True))
    project = _edited(root, rel, BREAKS[rule](picks))
    about: dict = {}
    cached = _rules(project, about)
    project.discard_cache()  # the cache stays warm for the next edit
    assert f"rules/{rule}" in about["run"]
    assert any(p["rule"] == f"rules/{rule}" for p in cached), [p["rule"] for p in cached]
    assert about["kept"], "the rules that the edit did not concern were not run"
    monkeypatch.setattr(project, "cache", None)
    assert cached == _rules(project)


def test_an_edit_that_no_rule_reads_runs_only_the_rules_that_always_run(warm, monkeypatch):
    root, rel = warm
    project = _edited(root, rel, UNRELATED(_pick(load(root, cache=True))))
    about: dict = {}
    assert _rules(project, about) == []
    project.discard_cache()
    assert set(about["run"]) == {f"rules/{n}" for n in ALWAYS}
    assert set(about["kept"]) == {f"rules/{n}" for n in RULES} - set(about["run"])


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_reads_only_what_it_is_said_to_read(warm, rule):
    """On the project with the edit that breaks the rule, the rule on what it is said to read alone (every file's
    graph complete, and the pinyin) has the rows it has on the whole store: the triples of its properties, the
    triples whose object is an IRI for :data:`IRI_OBJECTS`, and for ``"exists P"`` one triple per subject that has
    ``P``, its object replaced (then only whether it has rows is the same)."""
    root, rel = warm
    project = _edited(root, rel, BREAKS[rule](_pick(load(root, cache=True))))
    project.discard_cache()
    query = read_rule(root / "rules" / rule)[2]
    reads = rule_reads(query)
    if reads is None:
        assert rule in ALWAYS
        return
    wanted = {f"<{p}>".encode() for p in reads}
    exists = {f"<{p.removeprefix(EXISTS)}>".encode() for p in reads if p.startswith(EXISTS)} - wanted
    langs = [(f"<{p.split(' ', 2)[2]}>".encode(), p.split(" ", 2)[1]) for p in reads if p.startswith(LANG)]
    part = ox.Store()
    for g, nt in project.graphs().items():
        if FILES_ONLY in reads and g == str(PINYIN_GRAPH):  # (said not to be read)
            continue
        kept = set()
        for line in filter(None, nt.split(b"\n")):
            s, p, o = line.split(b" ", 2)
            if p in wanted or (IRI_OBJECTS in reads and o.startswith(b"<")):
                kept.add(line)
            if p in exists:
                kept.add(s + b" " + p + b' "exists" .')
            tag = next(iter(ox.parse(line + b"\n", format=NT))).object
            if any(p == prop and isinstance(tag, ox.Literal) and tag.language
                   and lang_matches(tag.language, lang_range) for prop, lang_range in langs):
                kept.add(line)
        if kept:
            part.load(b"".join(line + b"\n" for line in sorted(kept)), format=NT, to_graph=ox.NamedNode(g))
    assert len(part) < len(project.store)
    if uses_graph(query):
        with project.with_duplicates() as whole:
            expected = sorted(map(str, whole.query(query, use_default_graph_as_union=True)))
    else:
        expected = sorted(map(str, project.store.query(query, use_default_graph_as_union=True)))
    assert expected
    got = sorted(map(str, part.query(query, use_default_graph_as_union=True)))
    assert (bool(got) == bool(expected)) if exists else (got == expected)


def test_an_english_label_edited_runs_only_the_rules_that_read_the_labels(tmp_path):
    """The edit of the benchmarks: the rules that read which entities have a label in each file, or the triples
    whose object is an IRI, keep their verdicts; those that read the labels' text run."""
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    assert _rules(project) == []
    project.save_cache()
    path = root / "graph" / "synth-0002" / "entities.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('synth-0002-0"@en', 'synth-0002-0 (edited)"@en', 1),
                    encoding="utf-8")
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    about: dict = {}
    assert _rules(project, about) == []
    assert about["run"] == []  # (the rules that read labels read only those tagged zh or zh-...)
    # a Chinese label edited, whatever the case or the subtag of its tag: they run
    for tag in ("zh", "zh-Hans", "ZH"):
        project.save_cache()
        text = path.read_text(encoding="utf-8")
        i = text.index('"@zh')
        path.write_text(text[:i] + "改" + f'"@{tag}' + text[i + 4:], encoding="utf-8")
        project = load(root, cache=True, write_cache=True)
        project.finish_pinyin()
        assert _rules(project, about) == []
        assert {"rules/duplicate-chinese-label.rq", "rules/figure-in-a-name-without-date.rq"} <= set(about["run"])


def test_a_rule_that_reads_the_generated_pinyin_is_not_kept_when_it_changed_meanwhile(warm, monkeypatch):
    """The verdict of a rule that read the pinyin graph while it was being loaded is not kept."""
    root, _rel = warm
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    verdicts = RuleCache(project)
    query = READS_GENERATED
    verdicts.clean("pinyin", query)
    project.store.remove_graph(next(q.graph_name for q in project.store.quads_for_pattern(
        None, ox.NamedNode(f"{CPPCC}pinyin"), None, None) if q.graph_name.value.endswith("/pinyin")))
    staged = list(project.cache.staged)
    verdicts.keep("pinyin", [])
    assert project.cache.staged == staged
    project.discard_cache()


def test_a_kept_verdict_is_not_used_when_the_generated_pinyin_differs(warm):
    """What a rule reads of the generated pinyin graph is a part of its key: here, that graph not loaded yet."""
    root, _rel = warm
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    verdicts = RuleCache(project)
    assert verdicts.needs_store(READS_GENERATED) and not verdicts.clean("generated", READS_GENERATED)
    verdicts.keep("generated", [])
    assert RuleCache(project).clean("generated", READS_GENERATED)
    project.store.remove_graph(ox.NamedNode(str(PINYIN_GRAPH)))  # as if the pinyin were not loaded yet
    assert not RuleCache(project).clean("generated", READS_GENERATED)
    project.discard_cache()


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?x <http://e.org/p>* ?y }",
    "SELECT ?x WHERE { ?x <http://e.org/p>? ?x }",
    "SELECT ?x WHERE { ?x (<http://e.org/p>|<http://e.org/q>*) ?y FILTER (isLiteral(?x)) }",
    "SELECT ?x WHERE { ?x ^<http://e.org/p>* ?y }",
    "SELECT ?x WHERE { ?x <http://e.org/p>*/<http://e.org/q>? ?y }",
    "SELECT ?x WHERE { ?x <http://e.org/p>* [] }",
    "SELECT ?x WHERE { ?x <http://e.org/p>* ?y . ?y <http://e.org/q>* ?z }",
    "SELECT ?x WHERE { ?x <http://e.org/p>* ?y . ?z <http://e.org/other> ?w FILTER (isLiteral(?x)) }",
])
def test_a_path_of_length_zero_between_two_variables_reads_every_node(query):
    """``?x p* ?y`` matches ``?x = ?y`` = every subject and object of the graph, of whatever property."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e.org/a"), ox.NamedNode("http://e.org/other"), ox.Literal("x"),
                      ox.NamedNode("http://e.org/g")))
    assert list(store.query(query, use_default_graph_as_union=True)), "rows from the triple of another property"
    assert rule_reads(query) is None


@pytest.mark.parametrize("query, reads", [
    ("SELECT ?c WHERE { ?c <http://e.org/p>* ?top . ?top <http://e.org/q> ?x . ?x <http://e.org/r> ?c }",
     {"http://e.org/p", "http://e.org/q", "http://e.org/r"}),
    ("SELECT ?c WHERE { ?c <http://e.org/p>* <http://e.org/top> . ?c a ?k }",
     {"http://e.org/p", f"{EXISTS}{RDF}type"}),
    ("SELECT ?c WHERE { ?c <http://e.org/p>+ ?top }", {"http://e.org/p"}),
])
def test_a_path_of_length_zero_with_an_end_bound_by_another_pattern_is_told(query, reads):
    assert rule_reads(query) == reads


def test_a_rule_with_a_path_of_length_zero_fires_after_an_edit_of_another_property(tmp_path):
    """A rule ``?focus p* ?top`` (every node is its own top): a new node, with no ``p``, breaks it."""
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "zz-under.rq").write_text(
        f"# a body not under another\nSELECT ?focus WHERE {{ ?focus <{CPPCC}noSuchLink>* ?top . "
        f'FILTER (STRSTARTS(STR(?focus), "{ID}org/zz-")) }}\n', encoding="utf-8")

    def run(project):
        return rule_problems(project.store, rules, graph=project.view, where=where_in(project), project=project)

    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    assert run(project) == []
    project.save_cache()
    path = root / "graph" / "synth-0002" / "relations.ttl"
    path.write_bytes(path.read_bytes() + f'\n<{ID}org/zz-new> <{RDFS}seeAlso> "a note" .\n'.encode())
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    assert [p["focus"] for p in run(project)] == [f"{ID}org/zz-new"]


#: on one line, a '#' in an IRI before GRAPH (not a comment): the rule compares the files
DEFINED_TWICE = (f"# described in two files\nSELECT DISTINCT ?focus WHERE {{ ?focus <{RDFS}comment> ?c . "
                 f"GRAPH ?g1 {{ ?focus <{RDFS}comment> ?x }} GRAPH ?g2 {{ ?focus <{RDFS}comment> ?y }} "
                 f'FILTER (STR(?g1) < STR(?g2) && STRSTARTS(STR(?focus), "{ID}org/zz-")) }}\n')


def test_a_rule_with_a_hash_in_an_iri_before_graph_uses_graph():
    assert uses_graph(DEFINED_TWICE)
    assert uses_graph(f"SELECT * {{ ?s a <{CPPCC}Person> . GRAPH ?g {{ ?s ?p ?o }} }}")
    assert not uses_graph(f'SELECT * {{ ?s <{CPPCC}note> "# GRAPH" . ?s ?p ?o }}\n# GRAPH ?g')


def test_a_rule_that_compares_files_sees_each_file_complete_with_the_cache_warm(tmp_path):
    """Two files hold the same triple: the rule sees it in both (not only in the file where the store keeps it);
    after an edit of one file's copy, the rule's problems are those of a run without the cache."""
    root = tmp_path / "s"
    write_corpus(root, scale=2, seed=0)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "zz-defined-twice.rq").write_text(DEFINED_TWICE, encoding="utf-8")
    a, b = root / "graph" / "synth-0001" / "relations.ttl", root / "graph" / "synth-0002" / "relations.ttl"
    for path in (a, b):
        path.write_bytes(path.read_bytes() + f'\n<{ID}org/zz-dup> <{RDFS}comment> "x" .\n'.encode())

    def run(project, cache=True):
        if not cache:
            project.cache = None
        return rule_problems(project.store, rules, graph=project.view, where=where_in(project), project=project)

    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    assert [p["focus"] for p in run(project)] == [f"{ID}org/zz-dup"]
    project.save_cache()
    a.write_bytes(a.read_bytes().replace(b'"x" .\n', b'"y" .\n'))
    project = load(root, cache=True, write_cache=True)
    project.finish_pinyin()
    cached = run(project)
    assert cached == run(project, cache=False)
    assert [p["focus"] for p in cached] == [f"{ID}org/zz-dup"]


def test_the_generated_graph_holds_only_its_properties_with_literal_objects(warm):
    """What :data:`GENERATED` says (a rule that reads none of its properties reads nothing of that graph)."""
    root, _rel = warm
    project = load(root, cache=True)
    project.finish_pinyin()
    quads = list(project.store.quads_for_pattern(None, None, None, ox.NamedNode(str(PINYIN_GRAPH))))
    project.close()
    assert quads
    assert {q.predicate.value for q in quads} <= GENERATED
    assert all(isinstance(q.object, ox.Literal) for q in quads)


def test_the_kept_verdicts_are_told_without_the_store(warm, monkeypatch):
    """After an edit that no rule reads, every rule is kept with no read of the store (none reads the generated
    graph); one that reads it needs the store to be told."""
    root, rel = warm
    project = _edited(root, rel, UNRELATED(_pick(load(root, cache=True))))
    rules = read_rules(root / "rules", root=root)
    verdicts = RuleCache(project)
    with monkeypatch.context() as m:
        m.setattr(type(project), "store", property(lambda _p: pytest.fail("the store was read")))
        first = kept_rules(verdicts, rules, reading_store=False)
    assert set(first) == {f"rules/{n}" for n in RULES}
    # the digests recorded by the last build: no view made, the record staged once
    assert project.cache.staged.count(views_entry()) == 0 and project.cache.staged.count(state_entry()) == 1
    assert [r[0] for r in rules + [("generated", "", "", READS_GENERATED)] if verdicts.needs_store(r[3])] == \
        ["generated"]
    project.discard_cache()


_P, _Q = "<http://e.org/p>", "<http://e.org/q>"
_ZH = 'langMatches(lang(?v), "zh")'


@pytest.mark.parametrize("query", [
    f"SELECT ?s WHERE {{ {{ ?s {_P} ?v }} UNION {{ ?s {_Q} ?w }} FILTER ({_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s {_Q} ?w OPTIONAL {{ ?s {_P} ?v }} FILTER ({_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s {_Q} ?w MINUS {{ ?s {_P} ?v FILTER (isLiteral(?v)) }} FILTER ({_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s {_Q} ?w FILTER NOT EXISTS {{ ?s {_P} ?v }} FILTER ({_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s {_P} ?v ; {_Q} ?v FILTER ({_ZH} || isIRI(?v)) }}",
    f"SELECT ?s WHERE {{ ?s {_P} ?v ; {_Q} ?v {{ FILTER ({_ZH}) }} }}",
    f"SELECT ?s WHERE {{ ?s {_P} ?v ; {_Q} ?v FILTER (!{_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s {_P}/{_Q} ?v ; {_Q} ?v FILTER ({_ZH}) }}",
    f"SELECT ?s WHERE {{ ?s ^{_P} ?v ; {_Q} ?v FILTER ({_ZH}) }}",
    f'SELECT ?s WHERE {{ ?s {_P} ?v ; {_Q} ?v FILTER (langMatches(lang(?v), "*")) }}',
])
def test_a_pattern_outside_the_filters_group_or_not_kept_to_zh_reads_every_triple(query):
    """No ``lang`` narrowing of ``<p>``: the pattern is in another group than the filter (UNION, OPTIONAL, MINUS, NOT
    EXISTS, a group of its own), the filter is not a conjunction that requires the tag (``||``, ``!``), the path's
    object is not the pattern's (a sequence, an inverse), or the range has a ``*``."""
    reads = rule_reads(query)
    assert reads is None or not any(r.startswith(LANG) and r.endswith("http://e.org/p") for r in reads), reads


def test_a_lang_view_holds_the_lines_of_zh_literals_of_the_property():
    p = "http://e.org/p"
    objects = ['"x"@zh', '"y"@ZH-Hans', '"z"@zhx', '"w"@en', '"v"', "<http://e.org/zh>"]
    lines = [f"<http://e.org/a> <{p}> {t} ." for t in objects]
    nt = "\n".join(lines).encode() + b"\n"
    view = LANG + "zh " + p
    only = "\n".join(lines[:2]).encode() + b"\n"
    assert file_views(nt, [view])[view] == file_views(only, [view])[view] != ""
    assert file_views(b"\n".join(x.encode() for x in lines[2:]) + b"\n", [view])[view] == ""


_PINYIN = f"<{PINYIN_GRAPH}>"


@pytest.mark.parametrize("query, files_only", [
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} FILTER (?g != {_PINYIN}) }}", True),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v FILTER NOT EXISTS {{ ?s {_Q} ?w }} }} "
     f"FILTER ({_PINYIN} != ?g && isIRI(?v)) }}", True),
    (f"SELECT ?s WHERE {{ GRAPH <https://w3id.org/cppcc-kg/graph/graph/a.ttl> {{ ?s {_P} ?v }} }}", True),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} ?s {_Q} ?w FILTER (?g != {_PINYIN}) }}", False),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} FILTER (?g = {_PINYIN}) }}", False),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} FILTER (?g != {_PINYIN} || isIRI(?v)) }}", False),
    (f"SELECT ?s WHERE {{ GRAPH {_PINYIN} {{ ?s {_P} ?v }} }}", False),
    (f"SELECT ?s WHERE {{ {{ GRAPH ?g {{ ?s {_P} ?v }} }} UNION {{ ?s {_Q} ?v }} FILTER (?g != {_PINYIN}) }}", False),
    (f"SELECT ?s WHERE {{ ?s {_Q} ?w OPTIONAL {{ GRAPH ?g {{ ?s {_P} ?v }} }} FILTER (?g != {_PINYIN}) }}", None),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} FILTER NOT EXISTS {{ ?s {_Q} ?w }} "
     f"FILTER (?g != {_PINYIN}) }}", False),
    (f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s {_P} ?v }} GRAPH ?h {{ ?s {_Q} ?w }} FILTER (?g != {_PINYIN}) }}", False),
])
def test_a_rule_reads_no_generated_graph_only_where_a_filter_of_its_group_excludes_it(query, files_only):
    """:data:`FILES_ONLY`: every triple pattern is inside ``GRAPH ?g`` that a conjunct ``?g != <the generated graph>``
    of the filter of its group excludes (or inside ``GRAPH`` of another fixed graph)."""
    reads = rule_reads(query)
    if files_only is None:
        assert reads is None or FILES_ONLY not in reads
    else:
        assert (FILES_ONLY in reads) == files_only, reads


def _entries(project, rules, monkeypatch, *, record: bool) -> dict[str, str]:
    """Rule -> the cache entry of its verdict that :meth:`RuleCache.clean` names (*record*: with the last build's
    record; else without one, every digest made from every file)."""
    with monkeypatch.context() as m:
        if not record:
            m.setattr(rule_cache, "state_entry", lambda: "no-such-record.json")
        verdicts = RuleCache(project)
        for name, _d, _h, query in rules:
            verdicts.clean(name, query)
    return {name: asked[0] for name, asked in verdicts._asked.items()}


@pytest.mark.parametrize("edit", ["unrelated", "english label", *sorted(BREAKS)])
def test_the_digests_after_an_edit_are_those_made_from_every_file(warm, edit, monkeypatch):
    """The entry of each rule's verdict named from the last build's record (the files that changed compared) is
    the one named from every file, whatever the edit."""
    root, rel = warm
    k = _pick(load(root, cache=True))
    text = {"unrelated": UNRELATED(k), "english label": f'<{k["e"]}> <{RDFS}label> "another name"@en .'}.get(edit) \
        or BREAKS.get(edit, lambda _k: "")(k)
    project = _edited(root, rel, text)
    rules = read_rules(root / "rules", root=root) + [("generated", "", "", READS_GENERATED),
                                                       ("lines", "", "", f"SELECT ?s WHERE {{ ?s <{CPPCC}pinyin> ?p }}")]
    assert _entries(project, rules, monkeypatch, record=True) == _entries(project, rules, monkeypatch, record=False)
    project.discard_cache()


@pytest.mark.parametrize("form", ["digests a list", "a key a number", "files a text"])
def test_a_record_of_another_form_is_as_no_record(warm, form, monkeypatch):
    """A record of the rules that reads as JSON but is not of the record's form (written by hand, or by another
    program) is not used: each rule's entry is the one named from every file, and nothing raises."""
    root, rel = warm
    project = _edited(root, rel, UNRELATED(_pick(load(root, cache=True))))
    rules = read_rules(root / "rules", root=root)
    real = rule_cache.get_json
    record = real(project.cache, state_entry())
    assert isinstance(record, dict) and record["digests"]  # (the last build's: each rule's digests are there)
    bad = {"digests a list": {"digests": [], "files": record["files"]},
           "a key a number": {**record, "files": [[r, 12345] for r, _key in record["files"]]},
           "files a text": {**record, "files": "graph"}}[form]
    with monkeypatch.context() as m:
        m.setattr(rule_cache, "get_json", lambda cache, name, **k: bad if name == state_entry() else real(cache, name, **k))
        odd = _entries(project, rules, m, record=True)
    assert odd == _entries(project, rules, monkeypatch, record=False)
    project.discard_cache()


def test_the_digests_after_an_edit_read_only_the_edited_file(warm, monkeypatch):
    """After an edit that no rule reads, no digest of the files' properties is made and only the edited file's
    views (of its two versions) are: the cost of the edit, not of the project."""
    root, rel = warm
    project = _edited(root, rel, UNRELATED(_pick(load(root, cache=True))))
    rules = read_rules(root / "rules", root=root)
    read: list[bytes] = []
    real = rule_cache.file_views
    monkeypatch.setattr(rule_cache, "file_views", lambda nt, views: read.append(nt) or real(nt, views))
    monkeypatch.setattr(type(project), "predicate_digest", lambda *_a: pytest.fail("every file's digests made"))
    verdicts = RuleCache(project)
    assert set(kept_rules(verdicts, rules)) == {f"rules/{n}" for n in RULES}
    assert project.nt[rel] in read  # the edited file's views, now and (below) before
    others = {nt for r, nt in project.nt.items() if r != rel}
    assert not any(nt in others for nt in read)
    assert len({bytes(nt) for nt in read}) == 2
    project.discard_cache()
