import re
from pathlib import Path

from rag.chunking import chunk_article
from rag.loaders import load_file
from rag.text import find_verbatim, sentence_spans
from rag.types import Article

ROOT = Path(__file__).resolve().parents[1]


def corpus():
    return [load_file(p).articles[0] for p in sorted((ROOT / "corpus").glob("*.md"))]


def test_offsets_are_exact_for_every_chunk_of_the_corpus():
    n = 0
    for a in corpus():
        chunks = chunk_article(a, 300, 1)
        assert chunks
        for c in chunks:
            assert a.body[c.start:c.end] == c.text
            assert c.text == c.text.strip()
            n += 1
        # every sentence of the body is in some chunk
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        for s, e in sentence_spans(a.body):
            assert set(range(s, e)) <= covered
    assert n > 20


def test_chunk_sizes_and_one_sentence_overlap():
    a = [x for x in corpus() if x.id == "2025-07-naixinzaozhuang"][0]
    chunks = chunk_article(a, 300, 1)
    assert all(len(c.text) <= 300 for c in chunks)
    for prev, nxt in zip(chunks, chunks[1:]):
        assert nxt.start < prev.end, "consecutive chunks share the boundary sentence"
        assert nxt.start > prev.start


def test_never_splits_inside_a_number_or_quotation():
    body = ("他说：“我们拆分审批流程。科学集成服务事项。打通数据壁垒。”" * 3 +
            "总投资约200亿元的项目落地，产能为3.5GWh，相当于当时的十几倍。" * 12)
    a = Article(id="x", title="t", body=body)
    for size in (60, 80, 120):
        for c in chunk_article(a, size, 1):
            assert not re.match(r"[\d.]", body[c.start]) or c.start == 0 or not re.match(r"\d", body[c.start - 1])
            assert c.text.count("“") == c.text.count("”"), c.text


def test_sentence_spans_keep_closing_quotes_and_break_lines():
    t = "“得益于效率提升，订单增长10%。”徐峰说。\n新段落？是的！"
    assert [t[a:b] for a, b in sentence_spans(t)] == ["“得益于效率提升，订单增长10%。”", "徐峰说。", "新段落？", "是的！"]


def test_find_verbatim_ignores_width_whitespace_and_script():
    body = "改革后，退税流程从20天减到3天。"
    assert find_verbatim("退稅流程從２０天 減到3天", body) == (4, 16)
    assert body[4:16] == "退税流程从20天减到3天"
    assert find_verbatim("退税流程从30天", body) is None
