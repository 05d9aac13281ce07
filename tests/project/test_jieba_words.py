"""jieba's dictionary read from its sorted words (cppcc_kg.project.jieba_words) is jieba's own, key by
key, and the pinyin made with it is the pinyin made with jieba's loaded dictionary."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import jieba
import pytest
from support import REPO_ROOT

from cppcc_kg.project import jieba_words as J
from cppcc_kg.project import pinyin as P
from cppcc_kg.project.entities import entity_zh_labels
from cppcc_kg.project.load import load
from cppcc_kg.project.synth import write_corpus


@pytest.fixture(scope="module")
def loaded():
    """jieba's tokenizer loaded as jieba loads it, and the tags as the dictionary's lines give them."""
    tok = jieba.Tokenizer()
    tok.initialize()
    tags = {}
    with tok.get_dict_file() as f:
        for line in f:
            parts = line.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tok, tags


@pytest.fixture(scope="module")
def lines(loaded, tmp_path_factory):
    tok, tags = loaded
    path = tmp_path_factory.mktemp("jieba") / "words.txt"
    J.write_words(path, tok.FREQ, tok.total, tags)
    return J.sorted_words(path)


def test_words_are_jiebas_prefix_dictionary(loaded, lines):
    tok, _ = loaded
    words = J.Words(lines)
    assert J.Words.total_of(lines) == tok.total
    assert len(words) == len(tok.FREQ) > 450_000
    assert all(w in words and words[w] == f and words.get(w) == f for w, f in tok.FREQ.items())
    assert list(words) == sorted(tok.FREQ)
    # not keys: words with a character added, a tab, nothing, another type
    others = [w + "鿕" for w in list(tok.FREQ)[::997]] + ["\t", "", "政协\t", "\U0010ffff", 5, None]
    assert all(o not in tok.FREQ for o in others)
    assert not any(o in words for o in others) and all(words.get(o) is None for o in others)
    with pytest.raises(KeyError):
        words["鿕鿕"]


def test_tags_are_the_dictionarys(loaded, lines):
    _, tags = loaded
    got = J.Tags(lines)
    assert dict(got) == tags and len(got) == len(tags) > 300_000
    assert got.get("鿕鿕") is None and got.get("鿕鿕", "") == ""


def test_a_missing_or_broken_file_is_none(tmp_path):
    assert J.sorted_words(tmp_path / "absent.txt") is None
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe")
    assert J.sorted_words(tmp_path / "bad.txt") is None
    (tmp_path / "cut.txt").write_text("12\nword\t3\tn", encoding="utf-8")  # no final line break
    assert J.sorted_words(tmp_path / "cut.txt") is None
    with pytest.raises(ValueError, match="a tab"):
        J.write_words(tmp_path / "x.txt", {"a\tb": 1}, 1, {})
    assert J.words_file(b"one") != J.words_file(b"two")


@pytest.mark.parametrize("where", ["repository", "synthetic"])
def test_pinyin_from_the_sorted_words_is_jiebas(where, repo_root, tmp_path, monkeypatch):
    """Each label of the real graph and of a synthetic project: the same pinyin from jieba's loaded
    dictionary (no file yet: it is written) and from the file of sorted words."""
    root = repo_root
    if where == "synthetic":
        write_corpus(tmp_path / "s", scale=3, seed=0)
        root = tmp_path / "s"
    store = load(root, cache=False).store
    styles = P.entity_pinyin_styles(store)
    keys = sorted({(label, styles.get(e)) for e, labels in entity_zh_labels(store).items() for label in labels})
    assert len(keys) > 100
    monkeypatch.setattr(P, "words_file", lambda raw: tmp_path / "words.txt")
    made = []
    for kind in (dict, J.Words):  # first jieba's own loading (it writes the file), then the file
        P._dictionary.cache_clear()
        P._syllables.cache_clear()
        assert type(P._tokenizer().FREQ) is kind
        made.append([P.to_pinyin(label, style) for label, style in keys])
        P.save_words()  # the first time: the file written
    P._dictionary.cache_clear()
    assert made[0] == made[1]


def test_the_helper_writes_the_sorted_words_after_the_labels(tmp_path, monkeypatch):
    """The first time on a machine, the helper worker loads jieba's dictionary, computes the labels, then
    writes the file (not before them); the labels are the same."""
    path = tmp_path / "words.txt"
    monkeypatch.setattr(P, "words_file", lambda raw: path)
    P._dictionary.cache_clear()
    labels = {"https://w3id.org/cppcc-kg/id/org/a": ["全国政协"], "https://w3id.org/cppcc-kg/id/org/b": ["北京市政协"]}
    pool = P.pinyin_pool()
    try:
        finish = P.start_project_pinyin(labels, pool=pool, background=True)
        first = finish()
        pool.close()
        pool.join()  # the jobs in order: the labels, then the file (written by a process of its own)
    finally:
        pool.terminate()
    deadline = time.monotonic() + 60
    while J.sorted_words(path) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert J.Words.total_of(J.sorted_words(path)) > 0
    pool = P.pinyin_pool()  # the next time: from the file
    try:
        assert P.start_project_pinyin(labels, pool=pool, background=True)() == first
    finally:
        pool.terminate()
        P._dictionary.cache_clear()


JIEBA_PROBE = """
import sys
from cppcc_kg.project import pinyin
print(pinyin.to_pinyin("政协委员"), "pkg_resources" in sys.modules)
"""


def test_jieba_is_imported_without_pkg_resources():
    out = subprocess.run([sys.executable, "-c", JIEBA_PROBE], capture_output=True, text=True, check=True,
                         cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT))).stdout
    assert out.split() == ["zhèngxié", "wěiyuán", "False"]


def test_a_truncated_altered_or_foreign_file_is_none(loaded, tmp_path):
    """The file lives in the shared temporary folder under a name anyone can compute: a file cut at a line
    break, with a frequency changed, or written by another user is not read (jieba's dictionary is loaded)."""
    tok, tags = loaded
    path = tmp_path / "words.txt"
    J.write_words(path, tok.FREQ, tok.total, tags)
    whole = path.read_bytes()
    assert J.sorted_words(path) is not None
    path.write_bytes(whole[:whole.index(b"\n", len(whole) // 2) + 1])  # cut at a line break
    assert J.sorted_words(path) is None
    i = whole.index("\n政协\t".encode()) + len("\n政协\t".encode())
    path.write_bytes(whole[:i] + b"9" + whole[i + 1:])  # one digit of a frequency changed
    assert J.sorted_words(path) is None
    path.write_bytes(whole)
    if os.getuid() == 0:
        os.chown(path, 65534, 65534)
        assert J.sorted_words(path) is None
