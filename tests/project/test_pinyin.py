"""The generated pinyin (cppcc_kg.project.pinyin): words as a dictionary has them, proper names
capitalised after GB/T 16159, by the entity's class or by jieba's dictionary tags."""
from __future__ import annotations

import pytest
from rdflib import Graph

from cppcc_kg.project.load import load
from cppcc_kg.project.pinyin import (
    entity_pinyin_styles,
    pinyin_triples,
    start_project_pinyin,
    to_pinyin,
)
from cppcc_kg.rdf.namespaces import CPPCC
from cppcc_kg.rdf.store import store_of_graph


@pytest.mark.parametrize("text, words", [
    ("民商事纠纷多元化解机制", "mínshāngshì jiūfēn duōyuán huàjiě jīzhì"),  # not 多元化 解
    ("京蒙协作 政协助力", "jīngméng xiézuò zhèngxié zhùlì"),
    ("关于充分发挥新时代政协委员作用的意见", "guānyú chōngfèn fāhuī xīn shídài zhèngxié wěiyuán zuòyòng de yìjiàn"),
    # four syllables that jieba joins, two dictionary words: written apart (GB/T 16159 6.1.2)
    ("加强和改进新时代市县政协工作文件", "jiāqiáng hé gǎijìn xīn shídài shìxiàn zhèngxié gōngzuò wénjiàn"),
    ("政府常务会议", "zhèngfǔ chángwù huìyì"),
    ("实施方案", "shíshī fāng'àn"),
    ("政协工作手册", "zhèngxié gōngzuò shǒucè"),
    # two or three syllables stay one word; a four-character set phrase is not cut
    ("党中央", "Dǎngzhōngyāng"),  # a party organ (jieba: nt), capitalised
    ("一心一意", "yìxīnyíyì"),
])
def test_words_are_dictionary_words(text, words):
    assert to_pinyin(text) == words


@pytest.mark.parametrize("text, style, expected", [
    ("习近平", "person", "Xí Jìnpíng"),  # surname and given name apart
    ("李睿琦", "person", "Lǐ Ruìqí"),  # a name that jieba does not know: the class decides
    ("内蒙古自治区政协", "name", "Nèiménggǔ Zìzhìqū Zhèngxié"),  # every word of an organization's name
    ("中国共产党", "name", "Zhōngguó Gòngchǎndǎng"),
    ("兴安盟", "name", "Xīng'ān Méng"),  # a place apart from its generic part
    ("北京市政协", "name", "Běijīng Shì Zhèngxié"),
    ("人民政协", "name", "Rénmín Zhèngxié"),  # four characters are a compound in a name
    ("习近平总书记考察内蒙古", None, "Xí Jìnpíng zǒngshūjì kǎochá Nèiménggǔ"),  # names inside a label
    ("学习贯彻习近平新时代中国特色社会主义思想主题教育", None,
     "xuéxí guànchè Xí Jìnpíng xīn shídài Zhōngguó tèsè shèhuì zhǔyì sīxiǎng zhǔtí jiàoyù"),
    ("党建和党风廉政建设工作会议", None, "dǎngjiàn hé dǎngfēng liánzhèng jiànshè gōngzuò huìyì"),  # nr tags: no
])
def test_proper_names_are_capitalised(text, style, expected):
    assert to_pinyin(text, style) == expected


def test_styles_come_from_the_ontology(repo_root):
    g = Graph().parse(repo_root / "ontology.ttl")
    g.parse(format="turtle", data="""
        @prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> .
        <http://e.org/p> a cppcc:Person . <http://e.org/c> a cppcc:Court .
        <http://e.org/u> a cppcc:PartyGroup . <http://e.org/d> a cppcc:Plan .""")
    styles = entity_pinyin_styles(store_of_graph(g), union=False)
    assert styles == {"http://e.org/p": "person", "http://e.org/c": "name", "http://e.org/u": "name"}


def test_same_label_other_style_other_pinyin():
    labels = {"http://e.org/a": ["李睿琦"], "http://e.org/b": ["李睿琦"]}
    triples = start_project_pinyin(labels, styles={"http://e.org/a": "person"})()
    out = {str(s): str(o) for s, _, o in triples}
    assert out["http://e.org/a"] == "Lǐ Ruìqí"
    assert out["http://e.org/b"] == to_pinyin("李睿琦") != out["http://e.org/a"]


def test_project_and_graph_pinyin_use_the_class(make_project):
    project = load(make_project())
    org = "https://w3id.org/cppcc-kg/id/org/test-city-cppcc"
    (p,) = [str(o) for s, _, o in project.pinyin if str(s) == org]
    assert p == to_pinyin("测试市政协", "name") and p[0].isupper()
    from_graph = {str(s): str(o) for s, _, o in pinyin_triples(project.graph) if (s, CPPCC.pinyin, o)}
    assert from_graph[org] == p


@pytest.mark.parametrize("where", ["repository", "synthetic"])
def test_pinyin_kept_per_word_is_the_pinyin_made_afresh(where, repo_root, tmp_path):
    """The syllables kept per word (``_syllables``' cache) give each label the pinyin that a process
    without them gives: on the real graph and a synthetic project, each label made with the cache
    emptied first equals the label made after all the others (the cache full)."""
    from cppcc_kg.project import pinyin as P
    from cppcc_kg.project.entities import entity_zh_labels
    from cppcc_kg.project.synth import write_corpus

    root = repo_root
    if where == "synthetic":
        write_corpus(tmp_path / "s", scale=3, seed=0)
        root = tmp_path / "s"
    store = load(root, cache=False).store
    styles = entity_pinyin_styles(store)
    keys = sorted({(label, styles.get(e)) for e, labels in entity_zh_labels(store).items() for label in labels})
    assert len(keys) > 100
    afresh = []
    for label, style in keys:
        P._syllables.cache_clear()
        afresh.append(to_pinyin(label, style))
    assert [to_pinyin(label, style) for label, style in keys] == afresh
    assert P._syllables.cache_info().hits > len(keys)
