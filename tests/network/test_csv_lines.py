"""The CSV lines made with string methods are the csv module's, byte for byte."""
from __future__ import annotations

import csv
import io

from cppcc_kg.network.frames import table_csv, text_csv_lines

TRICKY = ["", "a", "a,b", 'a"b', '"', "a\nb", "a\rb", "a\r\nb", " a ", "a;b", "a\tb", "\x00", "\u2028", "\x85",
          "'", "\\", "甲,乙", '[{"a":"x,y"}]', ",", "\n", '""']


def _csv_module(rows) -> list[str]:
    lines = []
    for r in rows:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(r)
        lines.append(out.getvalue())
    return lines


def test_text_csv_lines_are_the_csv_modules():
    rows = [[a, b] for a in TRICKY for b in TRICKY] + [[t] for t in TRICKY] + [[], ["", ""], ["x", "", "y"]]
    assert text_csv_lines(rows) == _csv_module(rows)


def test_a_table_of_text_is_written_as_the_csv_module_writes_it():
    columns = {"a": TRICKY, "b,c": list(reversed(TRICKY))}
    assert table_csv(columns) == "".join(_csv_module([list(columns), *map(list, zip(*columns.values()))]))
