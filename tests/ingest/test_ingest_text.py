"""Tests of ingest's reading: decoding, normalising, sentences, titles and source ids."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cppcc_kg.ingest.pipeline import guess_title, source_id_for
from cppcc_kg.ingest.text import (
    IngestInputError,
    decode_bytes,
    normalize,
    read_text_file,
    split_sentences,
)

# ---------------------------------------------------------------- reading

@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("gbk", b""), ("gb18030", b"")])
def test_decode_encodings(encoding, bom):
    text = "内蒙古自治区政协召开会议，北京市政协出席。"
    d = decode_bytes(bom + text.encode(encoding), "x.txt")
    assert d.text == text
    if encoding in ("gbk", "gb18030"):
        assert d.encoding == "gb18030" and any("GB18030" in n for n in d.notes)


def test_decode_utf16_without_bom_is_guessed():
    text = "内蒙古自治区政协二〇二三年度创新实践综述，政协委员。"
    d = decode_bytes(text.encode("utf-16-le"), "x.txt")
    assert d.text == text and d.encoding == "utf-16-le" and d.notes


@pytest.mark.parametrize("data,what", [(b"", "empty"), (b"  \n\t\n", "blank"), (b"\x00\x01\x02\x03abc", "binary"),
                                       (codecs.BOM_UTF8, "no text"), (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "no text"),
                                       (bytes(range(256)) * 4, "binary")])
def test_decode_refuses_bad_bytes(data, what):
    with pytest.raises(IngestInputError) as exc:
        decode_bytes(data, "bad.txt")
    msg = str(exc.value)
    assert msg.startswith("bad.txt:") and what in msg and "->" in msg


def test_decode_refuses_bytes_that_are_neither_utf8_nor_gb18030():
    with pytest.raises(IngestInputError) as exc:
        decode_bytes("政协".encode("utf-8") + b"\xff\xff\xff\n", "odd.txt")
    assert "line 1" in str(exc.value) and "UTF-8" in str(exc.value)


def test_read_text_file_limits_length(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("政协" * 600, encoding="utf-8")
    with pytest.raises(IngestInputError) as exc:
        read_text_file(p, max_chars=1000)
    assert "1,200 characters" in str(exc.value) and "--max-chars" in str(exc.value)
    assert read_text_file(p, max_chars=2000).text == "政协" * 600


# ---------------------------------------------------------------- normalising

def test_normalize_keeps_offsets():
    text = "內蒙古自治區政協 召開會議,北京市政協(北京)出席:\"京蒙協作\"　２０２３年"
    nt = normalize(text)
    assert "内蒙古自治区政协召开会议，北京市政协（北京）出席：“京蒙协作”" in nt.norm
    assert "2023年" in nt.norm
    for i in range(len(nt.norm)):
        s, e = nt.span(i, i + 1)
        assert e - s == 1 and nt.text[s] in text
    i = nt.norm.index("政协")
    s, e = nt.span(i, i + 2)
    assert text[s:e] == "政協"
    assert nt.traditional >= 8


def test_sentences_split_on_stops_and_lines():
    nt = normalize("第一句。第二句！\n第三句；第四句?\r\n  第五句")
    spans = split_sentences(nt)
    assert [nt.text[s:e] for s, e in spans] == ["第一句。", "第二句！", "第三句；", "第四句?", "第五句"]


def test_guess_title_and_source_id():
    assert guess_title("往期阅读\n\n凝心聚力促发展\n\n——呼和浩特市政协2023年工作回顾\n正文。") == \
        "凝心聚力促发展——呼和浩特市政协2023年工作回顾"
    assert source_id_for(Path("自治区政协报告.txt")).startswith("zi-zhi-qu")
    assert source_id_for(Path("Report 2024.TXT")) == "report-2024"
