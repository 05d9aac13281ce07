"""Writing what ingest proposes: ``graph/proposed/SOURCE.ttl`` and ``review/SOURCE.html``.

The Turtle holds the source description, the proposed entities, relations (each with its
``rdf:Statement``) and figures, all marked ``cppcc:proposed true``, and one
``oa:Annotation`` per span: ``oa:identifying`` for a mention (its body the entity, existing
or proposed), ``oa:describing`` for a sentence that states a relation or a figure. IRIs
follow the curated evidence (``id/evidence/SOURCE/START-END`` with ``-target``,
``-position`` and ``-quote``); nothing is a blank node. The output is sorted and has no
timestamps: the same input gives the same bytes. Everything written into the Turtle is escaped:
literals (:func:`turtle_literal`), IRIs (:func:`iri_ref`: the characters an IRI may not hold are
percent-encoded) and comments (:func:`turtle_comment`: no line end or control character can end one).

The review page shows the text with every mention highlighted in the colour of its class
(linked mentions filled, new ones dashed), and tables of the proposals. All text is escaped.

>>> turtle_literal('a "b"\\n', "zh")
'"a \\\\"b\\\\"\\\\n"@zh'
"""
from __future__ import annotations

import html
import re
from importlib import resources
from string import Template

from cppcc_kg.rdf.namespaces import BASE, EVIDENCE, KG, PREFIXES, local_key

PROPOSED = BASE + "id/proposed/"


def turtle_literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A Turtle string literal (escaped), with a language tag or a datatype.

    Control characters are escaped, and a lone surrogate (from an undecodable command-line argument),
    which no UTF-8 file can hold, becomes U+FFFD.
    """
    out = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
           .replace("\t", "\\t"))
    out = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04X}", out)
    out = re.sub(r"[\ud800-\udfff]", "\\\\uFFFD", out)
    lit = f'"{out}"'
    if lang:
        return f"{lit}@{lang}"
    if datatype:
        return f"{lit}^^{datatype}"
    return lit


def turtle_comment(text: str) -> str:
    """*text* made safe inside a ``#`` comment: line ends, other control characters and lone
    surrogates are shown escaped (a comment ends at a line end, so none may be in it).

    >>> turtle_comment("a.txt\\n<http://x> <http://y> <http://z> .")
    'a.txt\\\\n<http://x> <http://y> <http://z> .'
    """
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]",
                  lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


#: characters an IRI reference may not hold (Turtle's IRIREF): percent-encoded by :func:`iri_ref`
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')


def iri_ref(iri: str) -> str:
    """``<iri>``, with the characters an IRI may not hold percent-encoded (as UTF-8).

    >>> iri_ref("https://example.org/a b>c")
    '<https://example.org/a%20b%3Ec>'
    """
    def encode(m: re.Match) -> str:
        return "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8", "replace"))
    return f"<{_IRI_FORBIDDEN.sub(encode, iri)}>"


def _iri(iri: str) -> str:
    """A compact form (prefix:local) when the local part is simple, else <iri>."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            local = iri[len(ns):]
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", local):
                return f"{prefix}:{local}"
            break
    return iri_ref(iri)


def key_of(iri: str) -> str:
    """``kind.slug`` of an entity IRI, for statement IRIs; proposed IRIs drop their ``proposed/``."""
    if iri.startswith(PROPOSED):
        kind, _, slug = iri[len(PROPOSED):].partition("/")
        return f"{kind}.{slug}"
    return local_key(iri)


def statement_iri(subject: str, prop_local: str, obj: str) -> str:
    """The statement IRI of a proposed relation: curated form between existing entities, else under proposed/."""
    if subject.startswith(PROPOSED) or obj.startswith(PROPOSED):
        return f"{PROPOSED}relation/{key_of(subject)}--{prop_local}--{key_of(obj)}"
    return f"{KG['relation']}{key_of(subject)}--{prop_local}--{key_of(obj)}"


def to_turtle(result: dict) -> str:
    """The Turtle of an ingest result (see :func:`cppcc_kg.ingest.pipeline.ingest`)."""
    #: span (start, end) -> motivation and the IRIs its annotation describes or identifies
    bodies: dict[tuple[int, int], dict] = {}
    lines = _source_lines(result["source"])
    lines += _entity_lines(result["entities"], result["classes"])
    lines += _relation_lines(result["relations"], bodies)
    lines += _observation_lines(result["observations"], bodies)
    for m in result["mentions"]:
        if not m["entity"]:
            continue
        b = bodies.setdefault((m["start"], m["end"]), {"motivation": "identifying", "bodies": set()})
        b["motivation"] = "identifying"
        b["bodies"].add(m["entity"])
    lines += _annotation_lines(result["source"], result["text"], bodies)
    return "\n".join(lines)


def _source_lines(src: dict) -> list[str]:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    return lines + [
        "",
        (f"# Proposed by `cppcc-kg ingest` from {turtle_comment(src['path'])} ({src['characters']} characters): "
         "NOT reviewed."),
        "# Nothing here is part of the graph until a curator checks it and moves it out of graph/proposed/.",
        "# Mentions are oa:identifying annotations; relations and figures are oa:describing ones on their sentence.",
        "",
        f"{_iri(src['iri'])} a cppcc:Source ;",
        f"    dcterms:title {turtle_literal(src['title'], 'zh')} ;",
        f"    dcterms:language {turtle_literal(src['language'])} ;",
        f"    dcterms:format {turtle_literal('text/plain; charset=' + src['encoding'])} ;",
        f"    cppcc:localPath {turtle_literal(src['path'])} ;",
        f"    cppcc:characterCount {src['characters']} ;",
        f"    cppcc:sha256 {turtle_literal(src['sha256'])} ;",
        "    cppcc:proposed true ;",
        f"    rdfs:comment {turtle_literal(src['comment'], 'en')} .",
        "",
    ]


def _entity_lines(entities: list[dict], classes: dict[str, str]) -> list[str]:
    lines = ["# ---- proposed entities"] if entities else []
    for e in sorted(entities, key=lambda e: e["iri"]):
        lines.append(f"{_iri(e['iri'])} a {_iri(classes[e['class']])} ;")
        lines.append(f"    rdfs:label {turtle_literal(e['label_zh'], 'zh')}, {turtle_literal(e['label_en'], 'en')} ;")
        if e.get("title"):
            lines.append(f"    dcterms:title {turtle_literal(e['title'], 'zh')} ;")
        lines.append("    cppcc:proposed true ;")
        lines.append(f"    rdfs:comment {turtle_literal(e['comment'], 'en')} .")
    lines.append("")
    return lines


def _relation_lines(relations: list[dict], bodies: dict) -> list[str]:
    lines = ["# ---- proposed relations, each with its statement"] if relations else []
    for r in sorted(relations, key=lambda r: (r["subject"], r["property"], r["object"])):
        st = r["statement"]
        lines.append(f"{_iri(r['subject'])} {_iri(r['property_iri'])} {_iri(r['object'])} .")
        lines.append(f"{_iri(st)} a rdf:Statement ;")
        lines.append(f"    rdf:subject {_iri(r['subject'])} ;")
        lines.append(f"    rdf:predicate {_iri(r['property_iri'])} ;")
        lines.append(f"    rdf:object {_iri(r['object'])} ;")
        lines.append("    cppcc:proposed true ;")
        lines.append(f"    rdfs:comment {turtle_literal('Proposed from the sentence pattern ' + r['pattern'] + '.', 'en')} .")
        b = bodies.setdefault((r["start"], r["end"]), {"motivation": "describing", "bodies": set()})
        b["bodies"].add(st)
    lines.append("")
    return lines


def _observation_lines(observations: list[dict], bodies: dict) -> list[str]:
    lines = ["# ---- proposed figures"] if observations else []
    for o in sorted(observations, key=lambda o: o["iri"]):
        lines.append(f"{_iri(o['iri'])} a cppcc:Observation ;")
        lines.append(f"    rdfs:label {turtle_literal(o['label_zh'], 'zh')}, {turtle_literal(o['label_en'], 'en')} ;")
        lines.append(f"    cppcc:measuredProperty {turtle_literal(o['measured_zh'], 'zh')}, {turtle_literal(o['measured_en'], 'en')} ;")
        lines.append(f"    cppcc:observationAbout {_iri(o['about'])} ;")
        value = o["value"]
        lines.append(f"    cppcc:value {value if isinstance(value, int) else turtle_literal(str(value), datatype='xsd:decimal')} ;")
        lines.append(f"    cppcc:qualifier cppcc:{o['qualifier']} ;")
        lines.append(f"    cppcc:unit {turtle_literal(o['unit'], 'zh')}, {turtle_literal(o['unit_en'], 'en')} ;")
        dt = {"year": "xsd:gYear", "month": "xsd:gYearMonth", "day": "xsd:date"}[o["precision"]]
        lines.append(f"    cppcc:observationDate {turtle_literal(o['date'], datatype=dt)} ;")
        lines.append(f"    cppcc:datePrecision cppcc:{o['precision'].capitalize()}Precision ;")
        lines.append("    cppcc:proposed true .")
        b = bodies.setdefault((o["start"], o["end"]), {"motivation": "describing", "bodies": set()})
        b["bodies"].add(o["iri"])
    lines.append("")
    return lines


def _annotation_lines(src: dict, text: str, bodies: dict) -> list[str]:
    lines = ["# ---- evidence: one annotation per span, by start offset"]
    for (start, end) in sorted(bodies):
        b = bodies[(start, end)]
        a = f"{EVIDENCE}{src['id']}/{start}-{end}"
        body = ", ".join(_iri(x) for x in sorted(b["bodies"]))
        lines.append(f"{iri_ref(a)} a oa:Annotation ;")
        lines.append(f"    oa:motivatedBy oa:{b['motivation']} ;")
        lines.append(f"    oa:hasBody {body} ;")
        lines.append("    cppcc:proposed true ;")
        lines.append(f"    cppcc:quoteSource {_iri(src['iri'])} ;")
        lines.append(f'    cppcc:quoteStart "{start}"^^xsd:nonNegativeInteger ;')
        lines.append(f'    cppcc:quoteEnd "{end}"^^xsd:nonNegativeInteger ;')
        lines.append(f"    cppcc:quoteExact {turtle_literal(text[start:end])} .")
    lines.append("")
    return lines


# ---------------------------------------------------------------- review page

def _rgba(hex_color: str, alpha: float) -> str:
    m = re.fullmatch(r"#?([0-9a-fA-F]{6})", hex_color.strip())
    if not m:
        return f"rgba(153,153,153,{alpha})"
    v = m.group(1)
    return f"rgba({int(v[0:2], 16)},{int(v[2:4], 16)},{int(v[4:6], 16)},{alpha})"


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def to_html(result: dict) -> str:
    """The review page of an ingest result (our own template, ``ingest_review.html``)."""
    text = result["text"]
    colors = result["colors"]
    labels = result["labels"]
    mentions = [m for m in result["mentions"] if m["end"] > m["start"]]
    # the text, with mentions as nested spans
    events = sorted(mentions, key=lambda m: (m["start"], -m["end"]))
    out: list[str] = []
    stack: list[int] = []
    pos = 0

    def close_until(x: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= x:
            end = stack.pop()
            out.append(_esc(text[pos:end]))
            out.append("</span>")
            pos = end

    for m in events:
        close_until(m["start"])
        if stack and m["end"] > stack[-1]:
            continue  # crossing spans are not drawn (they do not occur: mentions nest)
        out.append(_esc(text[pos:m["start"]]))
        pos = m["start"]
        status = m["status"] or "none"
        title = f"{m['class']} · {status} · {labels.get(m['entity'], m['entity'])} · {m['rule']}"
        if m.get("note"):
            title += f" · {m['note']}"
        out.append(f'<span class="m {status}" style="--c:{_esc(colors.get(m["class"], "#999999"))};'
                   f'--bg:{_rgba(colors.get(m["class"], "#999999"), 0.22)}" title="{_esc(title)}" '
                   f'data-class="{_esc(m["class"])}" data-entity="{_esc(m["entity"])}">')
        stack.append(m["end"])
    close_until(len(text) + 1)
    out.append(_esc(text[pos:]))
    body_text = "".join(out)

    used = sorted({m["class"] for m in mentions}, key=lambda c: (result["class_order"].get(c, 999), c))
    legend = "".join(f'<li><span class="swatch" style="background:{_esc(colors.get(c, "#999"))}"></span>{_esc(c)} '
                     f'<small>{_esc(result["class_labels"].get(c, ""))}</small></li>' for c in used)

    def table(headers: list[str], rows: list[list]) -> str:
        if not rows:
            return "<p class='empty'>none</p>"
        head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    ent_rows = [[e["label_zh"], e["class"], len(e["mentions"]), e["iri"], e["label_en"], e.get("note", "")]
                for e in sorted(result["entities"], key=lambda e: (e["first"], e["iri"]))]
    link_counts: dict[str, int] = {}
    for m in mentions:
        if m["status"] == "linked":
            link_counts[m["entity"]] = link_counts.get(m["entity"], 0) + 1
    link_rows = [[labels.get(iri, iri), n, iri] for iri, n in sorted(link_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    rel_rows = [[labels.get(r["subject"], r["subject"]), r["property"], labels.get(r["object"], r["object"]),
                 r["pattern"], text[r["start"]:r["end"]]] for r in result["relations"]]
    fig_rows = [[f["text"], f["value"], f["qualifier"], f["unit"], labels.get(f.get("about", ""), f.get("about", "")),
                 f.get("date", ""), "proposed" if f.get("observation") else f.get("why_not", "")]
                for f in result["figures"]]
    mention_rows = [[m["start"], m["end"], m["exact"], m["class"], m["status"], labels.get(m["entity"], m["entity"]),
                     m["rule"], m.get("note", "")] for m in events]
    src = result["source"]
    summary = (f"{len(mentions)} mentions ({sum(1 for m in mentions if m['status'] == 'linked')} linked to the graph, "
               f"{sum(1 for m in mentions if m['status'] == 'new')} new), {len(result['entities'])} new entities, "
               f"{len(result['relations'])} relations, {len(result['observations'])} figures proposed")
    notes = "".join(f"<li>{_esc(n)}</li>" for n in result.get("notes", []))
    tpl = Template(resources.files("cppcc_kg.ingest").joinpath("assets", "review.html").read_text(encoding="utf-8"))
    return tpl.substitute(
        title=_esc(src["title"]), source_id=_esc(src["id"]), path=_esc(src["path"]), sha256=_esc(src["sha256"]),
        characters=_esc(src["characters"]), encoding=_esc(src["encoding"]), language=_esc(src["language"]),
        summary=_esc(summary), notes=notes, legend=legend, text=body_text,
        entities=table(["label (zh)", "class", "mentions", "provisional IRI", "English label", "note"], ent_rows),
        links=table(["entity", "mentions", "IRI"], link_rows),
        relations=table(["subject", "property", "object", "pattern", "evidence"], rel_rows),
        figures=table(["figure", "value", "qualifier", "unit", "about", "date", "status"], fig_rows),
        mentions=table(["start", "end", "text", "class", "status", "entity", "rule", "note"], mention_rows),
        turtle=_esc(result.get("turtle_path", "")))
