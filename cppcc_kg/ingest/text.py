"""Reading, normalising and splitting a text for ingest, without losing its offsets.

Offsets in the graph are 0-based, end-exclusive code points of the text as decoded
(``text[start:end]``). Ingest matches on a *normalised* copy of the text: full-width
letters and digits become ASCII, ASCII punctuation becomes the Chinese full-width
form (``,`` -> ``，``, ``(`` -> ``（``, ``"`` -> ``“``/``”``), traditional characters
become simplified (OpenCC, one character for one character) and stray horizontal
whitespace between Chinese characters is dropped. :class:`NormalizedText` keeps,
for every character of the normalised copy, the offset of the character it came
from, so a match in the copy maps back to an exact span of the original.

>>> nt = normalize("呼和浩特 市政協,2023年")
>>> nt.norm
'呼和浩特市政协，2023年'
>>> start, end = nt.span(5, 7)          # '政协' in the copy
>>> nt.text[start:end]
'政協'
>>> other = normalize("甲。乙！\\n丙")
>>> [other.text[s:e] for s, e in split_sentences(other)]
['甲。', '乙！', '丙']
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from cppcc_kg.errors import InputError

# ---------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class IngestInputError(InputError):
    """A file that ingest cannot read as a text (empty, binary, unknown encoding, too large)."""


@dataclass
class DecodedText:
    """A decoded text file: the text, the encoding used, a note for the user, the bytes' sha256."""

    text: str
    encoding: str
    sha256: str
    size: int
    notes: list[str] = field(default_factory=list)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\t\n\r\f\v")
    return bad / len(text)


def _plausible(text: str) -> float:
    """Share of the characters that a Chinese text is made of: Chinese characters, punctuation, digits, whitespace."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if is_cjk(ch) or ch.isspace() or ch.isdigit() or _JOINING.match(ch))
    return good / len(text)


def _utf16_by_nuls(data: bytes) -> str | None:
    """The UTF-16 byte order that the NUL bytes of BOM-less *data* show, else ``None``.

    A text never holds a NUL byte, but UTF-16 puts one beside every ASCII character (a line end, a digit):
    on odd offsets in little-endian, on even ones in big-endian. The pattern is strong when the NULs are
    (almost) all on one side and there are enough of them (one in 500 code units).
    """
    if len(data) % 2 or len(data) < 4:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    need = max(1, len(data) // 2 // 500)
    if odd >= need and even * 4 <= odd:
        return "utf-16-le"
    if even >= need and odd * 4 <= even:
        return "utf-16-be"
    return None


def _guess_utf16(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when BOM-less *data* that is not UTF-8 reads clearly better as UTF-16 than as GB18030
    (a Chinese text in UTF-16 with no ASCII character, hence no NUL byte)."""
    if len(data) % 2 or len(data) < 4:
        return None
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausible(text)
        if _control_ratio(text) <= 0.01 and score >= 0.6 and (best is None or score > best[0]):
            best = (score, text, enc)
    if best is None:
        return None
    try:
        other = data.decode("gb18030")
    except UnicodeDecodeError:
        return best[1], best[2]
    if _control_ratio(other) <= 0.01 and _plausible(other) >= best[0]:
        return None
    return best[1], best[2]


_HINT_TEXT = "give ingest a plain-text file (UTF-8, UTF-16 with a BOM, or GB18030/GBK)."


def _decode_with_bom(data: bytes, name: str) -> tuple[str, str, list[str]] | None:
    """(text, encoding, notes) of *data* that starts with a byte-order mark, else ``None``."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise IngestInputError(
                    f"{name}: the file starts with a {enc.upper()} byte-order mark but byte {exc.start} is not valid {enc.upper()}",
                    _HINT_TEXT) from None
            note = f"decoded as {enc.upper()} (byte-order mark)" if enc != "utf-8-sig" \
                else "decoded as UTF-8 (with a byte-order mark)"
            return text.lstrip("\ufeff"), enc, [note]
    return None


def _decode_without_bom(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """(text, encoding, notes) of BOM-less *data*: UTF-16 if its NUL bytes say so, else UTF-8 (strict; pure
    ASCII is UTF-8), else UTF-16 if it reads clearly better so than as GB18030, else GB18030."""
    enc16 = _utf16_by_nuls(data)
    if enc16 is not None:
        try:
            text = data.decode(enc16)
        except UnicodeDecodeError:
            text = ""
        if text and _control_ratio(text) <= 0.01:
            return text, enc16, [f"decoded as {enc16.upper()} (no byte-order mark; its NUL bytes show UTF-16)"]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise IngestInputError(f"{name}: this is a binary file, not a text (it holds NUL bytes at byte {nul})",
                               _HINT_TEXT)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        return utf16[0], utf16[1], [f"decoded as {utf16[1].upper()} (no byte-order mark; guessed from its bytes)"]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc2:
        line = data.count(b"\n", 0, first_bad) + 1
        raise IngestInputError(
            f"{name}: line {line}: byte {first_bad} is not valid UTF-8, and byte {exc2.start} is not valid GB18030 either",
            _HINT_TEXT + " Convert the file to UTF-8 (for example with iconv).") from None
    return text, "gb18030", [f"not valid UTF-8 (byte {first_bad}); decoded as GB18030 (a superset of GBK and GB2312)"]


def decode_bytes(data: bytes, name: str = "<text>") -> DecodedText:
    """Decode the bytes of a text file: BOMs first, then UTF-16 if NUL bytes show it, then UTF-8 (strict),
    then GB18030 (or UTF-16 without NUL bytes, when it reads clearly better).

    Raises :class:`IngestInputError` with a message that names the file and says what
    to do, for an empty file, a binary file (NUL bytes, control characters) or bytes
    that are neither UTF-8 nor GB18030.

    >>> decode_bytes("政协".encode("gb18030")).encoding
    'gb18030'
    >>> decode_bytes(codecs.BOM_UTF16_LE + "政协".encode("utf-16-le")).text
    '政协'
    >>> decode_bytes(b"hello world!").encoding    # pure ASCII is UTF-8, whatever its length
    'utf-8'
    >>> decode_bytes(b"\\x00\\x01\\x02binary", "x.bin")
    Traceback (most recent call last):
    ...
    cppcc_kg.ingest.text.IngestInputError: x.bin: this is a binary file, not a text (it holds NUL bytes at byte 0)
      -> give ingest a plain-text file (UTF-8, UTF-16 with a BOM, or GB18030/GBK).
    """
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        what = "empty (0 bytes)" if not data else f"blank ({len(data)} bytes of whitespace only)"
        raise IngestInputError(f"{name}: the file is {what}: there is nothing to ingest",
                               "give ingest a file that holds the text of a document.")
    text, encoding, notes = _decode_with_bom(data, name) or _decode_without_bom(data, name)
    if not text.strip():
        raise IngestInputError(f"{name}: the file holds no text once decoded as {encoding} (only a byte-order mark "
                               f"or whitespace): there is nothing to ingest",
                               "give ingest a file that holds the text of a document.")
    ratio = _control_ratio(text)
    if ratio > 0.01:
        raise IngestInputError(f"{name}: this looks like a binary file, not a text ({ratio:.0%} control characters once decoded as {encoding})",
                               _HINT_TEXT)
    return DecodedText(text=text, encoding=encoding, sha256=digest, size=len(data), notes=notes)


def read_text_file(path: str | Path, *, max_chars: int | None = None) -> DecodedText:
    """Read and decode a text file (see :func:`decode_bytes`); refuse texts longer than *max_chars*."""
    path = Path(path)
    if not path.exists():
        raise IngestInputError(f"{path}: no such file", "check the path of the text to ingest.")
    if path.is_dir():
        raise IngestInputError(f"{path}: is a folder, not a text file", "give the path of one .txt file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestInputError(f"{path}: cannot be read ({exc.strerror})", "check the file's permissions.") from None
    decoded = decode_bytes(data, str(path))
    if max_chars is not None and len(decoded.text) > max_chars:
        raise IngestInputError(
            f"{path}: the text has {len(decoded.text):,} characters ({len(data):,} bytes), more than ingest's limit of {max_chars:,}",
            "ingest proposes entities for a person to review one document at a time: split the file into documents, "
            "or raise the limit with --max-chars if you really mean to review it as one.")
    return decoded


# ---------------------------------------------------------------- normalising

#: ASCII and other variants of punctuation -> the Chinese form used for matching.
_PUNCT = {
    ",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？",
    "\uff64": "、", "\uff61": "。", "\u300c": "“", "\u300d": "”", "\u300e": "“", "\u300f": "”",
    "\u201f": "“", "\u2033": "”", "\uff02": '"', "[": "【", "]": "】", "\u3008": "《", "\u3009": "》",
    "\u2014": "—", "\u2015": "—", "\u2500": "—", "\u00b7": "·", "\u30fb": "·", "\u2027": "·",
}
_SPACES = set(" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff")


def is_cjk(ch: str) -> bool:
    """True for a Chinese character (CJK unified ideographs and extensions, compatibility ideographs).

    >>> is_cjk("政"), is_cjk("a"), is_cjk("，")
    (True, False, False)
    """
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F
            or 0xF900 <= o <= 0xFAFF)


_JOINING = re.compile(r"[\u3000-\u303f\uff00-\uffef“”‘’—…·]")


def _joins(ch: str) -> bool:
    """Characters across which stray whitespace is dropped: Chinese characters and Chinese punctuation."""
    return is_cjk(ch) or bool(_JOINING.match(ch))


@lru_cache(maxsize=1)
def _opencc():
    return OpenCC("t2s")  # pure Python, ships its dictionaries: no download


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    out = _opencc().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC, keeping one character for one character.

    Lines are converted with OpenCC's phrase dictionaries when that keeps their length,
    else character by character.

    >>> to_simplified("政協內蒙古自治區委員會")
    '政协内蒙古自治区委员会'
    """
    if all(_t2s_char(ch) == ch for ch in set(text) if is_cjk(ch)):
        return text
    out = []
    for line in text.splitlines(keepends=True):
        conv = _opencc().convert(line)
        if len(conv) != len(line):
            conv = "".join(_t2s_char(ch) if is_cjk(ch) else ch for ch in line)
        out.append(conv)
    return "".join(out)


@dataclass
class NormalizedText:
    """The original *text*, its normalised copy *norm*, and ``pos[i]``, the offset in *text* of ``norm[i]``."""

    text: str
    norm: str
    pos: list[int]
    traditional: int = 0

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original (start, end) of the normalised span norm[i:j]."""
        if j <= i:
            raise ValueError("empty span")
        return self.pos[i], self.pos[j - 1] + 1

    def original(self, i: int, j: int) -> str:
        s, e = self.span(i, j)
        return self.text[s:e]


def normalize(text: str) -> NormalizedText:
    """Normalise *text* for matching; see the module docstring. Offsets map back through ``pos``."""
    simp = to_simplified(text)
    traditional = sum(1 for a, b in zip(text, simp) if a != b)
    chars: list[str] = []
    pos: list[int] = []
    n = len(simp)
    open_quote = True
    i = 0
    while i < n:
        ch = simp[i]
        if ch in _SPACES:
            # drop a run of horizontal whitespace between two Chinese characters or punctuation marks
            j = i
            while j < n and simp[j] in _SPACES:
                j += 1
            prev = chars[-1] if chars else ""
            nxt = simp[j] if j < n else ""
            if prev and nxt and _joins(prev) and _joins(nxt):
                i = j
                continue
            chars.append(" ")
            pos.append(i)
            i += 1
            continue
        if ch in "\r\n":
            open_quote = True
        o = ord(ch)
        if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
            ch = chr(o - 0xFEE0)
        elif ch == "\uff0e":
            ch = "."
        elif ch == '"' or ch == "\uff02":
            ch = "“" if open_quote else "”"
            open_quote = not open_quote
        else:
            ch = _PUNCT.get(ch, ch)
        chars.append(ch)
        pos.append(i)
        i += 1
    pos.append(n)
    return NormalizedText(text=text, norm="".join(chars), pos=pos, traditional=traditional)


# ---------------------------------------------------------------- sentences

_SENT_END = re.compile(r"[。！？；!?]+[”’）」』]*|\r\n|\n|\r")


def sentence_norm_spans(nt: NormalizedText) -> list[tuple[int, int]]:
    """Sentences as spans of the normalised copy (same rule as :func:`split_sentences`)."""
    norm = nt.norm
    out = []

    def add(i: int, j: int) -> None:  # the span without the whitespace around it, if any is left
        while i < j and norm[i].isspace():
            i += 1
        while j > i and norm[j - 1].isspace():
            j -= 1
        if j > i:
            out.append((i, j))

    start = 0
    for m in _SENT_END.finditer(norm):
        add(start, m.end() if norm[m.start()] not in "\r\n" else m.start())
        start = m.end()
    add(start, len(norm))
    return out


def split_sentences(nt: NormalizedText) -> list[tuple[int, int]]:
    """Sentences of the text as original (start, end) spans, without surrounding whitespace.

    A sentence ends after 。！？； (and any closing quote that follows) or at a line end.
    """
    return [nt.span(i, j) for i, j in sentence_norm_spans(nt)]
