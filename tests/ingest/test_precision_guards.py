"""Tests of the precision guards of issue 13, seventh pass (c): spans no careful reader would mark (a half-closed
quote, a count before a name, a particle inside a name, a fragment of a word, generic phrases); sentences written
for these tests."""
from __future__ import annotations


def _names(ingester, text: str) -> dict[str, str]:
    r = ingester.run(text, source_id="precision-guards")
    return {m["exact"]: m["class"] for m in r["mentions"] if m["status"] in ("linked", "new")}


def test_a_quoted_slogan_keeps_its_opening_quote(ingester):
    names = _names(ingester, "全县实现村、组“三个全覆盖”,成效明显。")
    assert "“三个全覆盖”" in names
    assert not any(n.endswith("”") and not n.startswith("“") for n in names)
