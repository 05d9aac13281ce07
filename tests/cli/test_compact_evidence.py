"""``cppcc-kg compact-evidence``: rewrites curated files, checks without writing, and reports what it cannot do
as a message and an exit code."""
from __future__ import annotations

from click.testing import CliRunner

from cppcc_kg.cli import main
from cppcc_kg.rdf.evidence_form import expand
from cppcc_kg.rdf.ntriples import canonical_ntriples
from support import FULL_FORM_QUOTE as FULL



def _run(*args):
    return CliRunner().invoke(main, ["compact-evidence", *map(str, args)])


def test_check_writes_nothing_and_exits_1_then_the_rewrite_exits_0(tmp_path):
    f = tmp_path / "e.ttl"
    f.write_text(FULL, encoding="utf-8")
    r = _run("--check", tmp_path)
    assert r.exit_code == 1 and "e.ttl: would rewrite 1 quote(s)" in r.output and f.read_text(encoding="utf-8") == FULL
    r = _run(tmp_path)
    assert r.exit_code == 0 and "e.ttl: rewrote 1 quote(s)" in r.output
    assert expand(canonical_ntriples(f.read_bytes())) == canonical_ntriples(FULL.encode())
    r = _run("--check", f)
    assert r.exit_code == 0 and "nothing to do" in r.output


def test_full_form_it_cannot_rewrite_is_reported_with_exit_1(tmp_path):
    f = tmp_path / "e.ttl"
    odd = FULL.replace('oa:start "0"^^xsd:nonNegativeInteger ;\n    oa:end "2"^^xsd:nonNegativeInteger',
                       'oa:end "2"^^xsd:nonNegativeInteger ;\n    oa:start "0"^^xsd:nonNegativeInteger')
    f.write_text(odd, encoding="utf-8")
    r = _run(f)
    assert r.exit_code == 1 and "triple(s) of the full form left" in r.output and f.read_text(encoding="utf-8") == odd


def test_bad_input_is_a_message_and_exit_2(tmp_path):
    r = _run(tmp_path / "missing.ttl")
    assert r.exit_code == 2 and "missing.ttl: no such file or folder" in r.output and "Traceback" not in r.output
    f = tmp_path / "e.ttl"
    f.write_text(FULL + "<https://e.org/x> <https://e.org/p> .\n", encoding="utf-8")
    r = _run(f)
    assert r.exit_code == 2 and f"{f}:{len(FULL.splitlines()) + 1}:" in r.output and "Traceback" not in r.output
    f.write_text(FULL.replace("a-target", "t"), encoding="utf-8")
    r = _run(f)
    assert r.exit_code == 2 and "would not give back the same triples" in r.output
