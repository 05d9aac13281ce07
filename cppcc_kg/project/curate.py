"""Helpers for curators: find the exact offsets of a quote and write evidence as Turtle.

Curated Turtle in ``graph/`` is the source of truth. These helpers only print
Turtle blocks that follow the evidence pattern of ``docs/curation.md``, so that
offsets are computed, never typed.

>>> c = Curator.from_text("nmg", "甲乙丙甲乙")
>>> c.span("甲乙", occurrence=2)
(3, 5)
>>> c.span("乙", after=2)
(4, 5)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cppcc_kg.rdf.namespaces import EVIDENCE, KG, statement_iri


def turtle_string(text: str) -> str:
    """Quote *text* as a Turtle string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"'


@dataclass
class Curator:
    source_id: str
    text: str

    @classmethod
    def from_file(cls, path: str | Path) -> "Curator":
        path = Path(path)
        source_id = path.name.split(".")[0]
        return cls(source_id, path.read_text(encoding="utf-8"))

    @classmethod
    def from_text(cls, source_id: str, text: str) -> "Curator":
        return cls(source_id, text)

    @property
    def source_iri(self) -> str:
        return str(KG["source"][self.source_id])

    def span(self, exact: str, occurrence: int = 1, after: int = 0) -> tuple[int, int]:
        """Offsets (start, end) of the *occurrence*-th match of *exact* at or after *after*."""
        pos = after - 1
        for _ in range(occurrence):
            pos = self.text.find(exact, pos + 1)
            if pos < 0:
                raise ValueError(f"{exact!r} occurs fewer than {occurrence} times after offset {after}")
        return pos, pos + len(exact)

    def occurrences(self, exact: str) -> list[int]:
        out, pos = [], self.text.find(exact)
        while pos >= 0:
            out.append(pos)
            pos = self.text.find(exact, pos + 1)
        return out

    def evidence_iri(self, start: int, end: int) -> str:
        return f"{EVIDENCE}{self.source_id}/{start}-{end}"

    def annotation(self, start: int, end: int, bodies: list[str], motivation: str = "describing") -> str:
        """Turtle for the annotation of text[start:end] supporting *bodies* (IRIs)."""
        exact = self.text[start:end]
        if not exact:
            raise ValueError("empty span")
        a = self.evidence_iri(start, end)
        body = ", ".join(f"<{b}>" for b in sorted(set(map(str, bodies))))
        return (
            f"<{a}> a oa:Annotation ;\n"
            f"    oa:motivatedBy oa:{motivation} ;\n"
            f"    oa:hasBody {body} ;\n"
            f"    cppcc:quoteSource <{self.source_iri}> ;\n"
            f'    cppcc:quoteStart "{start}"^^xsd:nonNegativeInteger ;\n'
            f'    cppcc:quoteEnd "{end}"^^xsd:nonNegativeInteger ;\n'
            f"    cppcc:quoteExact {turtle_string(exact)} .\n"
        )

    def quote(self, exact: str, bodies: list[str], occurrence: int = 1, after: int = 0) -> str:
        start, end = self.span(exact, occurrence=occurrence, after=after)
        return self.annotation(start, end, bodies)

    @staticmethod
    def statement(subject: str, prop: str, obj: str) -> tuple[str, str]:
        """(IRI, Turtle) of the relation triple and its rdf:Statement node."""
        st = statement_iri(subject, prop, obj)
        ttl = (
            f"<{subject}> <{prop}> <{obj}> .\n"
            f"<{st}> a rdf:Statement ;\n"
            f"    rdf:subject <{subject}> ;\n"
            f"    rdf:predicate <{prop}> ;\n"
            f"    rdf:object <{obj}> .\n"
        )
        return str(st), ttl
