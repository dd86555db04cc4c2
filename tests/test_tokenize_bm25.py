"""BM25 terms: jieba's words plus adjacent-character pairs, identical for both scripts."""
from rag.tokenize import bm25_terms, tokenize


def test_pairs_match_a_name_jieba_segments_differently():
    # a transliterated name: whatever jieba makes of it, its character pairs are shared
    q, p = set(bm25_terms("亞塞拜然人住在哪裡？")), set(bm25_terms("亚塞拜然人多数住在高加索"))
    assert {"亚塞", "塞拜", "拜然", "然人"} <= q & p


def test_traditional_and_simplified_give_the_same_terms():
    assert bm25_terms("軟體資訊，１９９８年") == bm25_terms("软体资讯，1998年")


def test_words_come_first_and_no_pair_spans_punctuation_or_space():
    terms = bm25_terms("北京， 上海")
    assert terms[:len(tokenize("北京， 上海"))] == tokenize("北京， 上海")
    assert "京上" not in terms and "京，" not in terms and set(terms) == {"北京", "上海"}
