"""The page's data as JSON that is safe inside ``<script>``, whole (:func:`json_for_script`) or in pieces.

:func:`data_pieces` gives the same text as :func:`json_for_script` cut into pieces: the fixed parts and
one piece per element of the long lists of the page's data (:data:`SECTIONS`), so that a kept page can
have a few of its rows replaced (:mod:`cppcc_kg.viz.kept_page`).

>>> data = {"nodes": [{"b": 1, "a": "<"}, {"a": 2}], "edges": [], "evidence": [[0]], "title": "t",
...         "vis": {"nodes": [], "edges": [{"id": 0}], "options": {}}}
>>> pieces, sizes = data_pieces(data)
>>> "".join(pieces) == json_for_script(data), sizes, pieces[4:6]
(True, [0, 1, 2, 1, 0], ['{"a":"\\\\u003c","b":1}', ',{"a":2}'])
"""
from __future__ import annotations

import json
import re
from json import encoder as _encoder

__all__ = ["SECTIONS", "data_pieces", "json_for_script", "json_texts", "section_starts"]

#: the long lists of the page's data, in the order of its JSON (sorted keys): one piece per element
SECTIONS = (("edges",), ("evidence",), ("nodes",), ("vis", "edges"), ("vis", "nodes"))

_UNSAFE = re.compile("[&<>\u2028\u2029]")


def _escape(text: str) -> str:
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def json_for_script(value) -> str:
    """JSON that is safe inside ``<script type="application/json">`` and in JavaScript.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can close or change the element), and U+2028/U+2029 are escaped too. The
    output is deterministic (sorted keys, no spaces).

    >>> json_for_script({"b": "</script><img src=x>", "a": "甲&乙"})
    '{"a":"甲\\\\u0026乙","b":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    return _escape(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False))


def _not_json(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_texts(values) -> list[str]:
    """:func:`json_for_script` of each of *values* (one encoder for all: a fifth of the time of a call each).

    >>> json_texts([{"b": 1, "a": [1.5, "&"]}, "x"])
    ['{"a":[1.5,"\\\\u0026"],"b":1}', '"x"']
    """
    make = getattr(_encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the same text, slower
        texts = [json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
                 for v in values]
    else:
        encode = make(None, _not_json, _encoder.encode_basestring, None, ":", ",", True, False, False)
        texts = ["".join(encode(v, 0)) for v in values]
    return [_escape(t) if _UNSAFE.search(t) else t for t in texts]


def _section(data: dict, path: tuple) -> list:
    return data[path[0]] if len(path) == 1 else data[path[0]][path[1]]


def data_pieces(data: dict) -> tuple[list[str], list[int]]:
    """(the pieces of ``json_for_script(data)``, the number of elements of each of :data:`SECTIONS`).

    The pieces are: a fixed part, the elements of the first section (each after the first with its
    comma), a fixed part, … and a last fixed part (:func:`section_starts` tells where each section starts).
    """
    markers = [f"\0section {i}\0" for i in range(len(SECTIONS))]
    skeleton = {**data, "vis": dict(data["vis"])}
    for (*outer, last), marker in zip(SECTIONS, markers):
        (skeleton[outer[0]] if outer else skeleton)[last] = [marker]
    text = json_for_script(skeleton)
    pieces, sizes = [], []
    for path, marker in zip(SECTIONS, markers):
        quoted = json_for_script([marker])
        before, found, text = text.partition(quoted)
        if not found or quoted in text:
            raise ValueError("the page's data holds the text of a section marker")
        elements = json_texts(_section(data, path))
        pieces.append(before + "[")
        pieces += [("," + t if i else t) for i, t in enumerate(elements)]
        sizes.append(len(elements))
        text = "]" + text
    pieces.append(text)
    return pieces, sizes


def section_starts(sizes: list[int]) -> list[int]:
    """The index of the first element piece of each section, for pieces of :func:`data_pieces`.

    >>> section_starts([0, 1, 2, 1, 0])
    [1, 2, 4, 7, 9]
    """
    starts, at = [], 0
    for s in sizes:
        starts.append(at + 1)
        at += 1 + s
    return starts
