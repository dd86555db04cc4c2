"""Metrics on cases computed by hand."""
import pytest

from rag.evaluation.metrics import contains, em, f1, ranks_to_metrics


def test_em_ignores_punctuation_case_and_space():
    assert em("《战国无双3》", ["战国无双3"]) == 100.0
    assert em("Omega Force", ["omega force"]) == 100.0
    assert em("3天", ["三天"]) == 0.0


def test_f1_longest_common_substring_over_cjk_chars():
    # gold "20天减到3天" -> 20,天,减,到,3,天 (a digit run is one token): 6 tokens
    # pred "从20天减到3天。" -> 从,20,天,减,到,3,天 (。 dropped): 7 tokens; LCS = 6; P = 6/7, R = 1
    assert f1("从20天减到3天。", ["20天减到3天"]) == pytest.approx(100 * 2 * (6 / 7) * 1 / (6 / 7 + 1))
    # pred "退税三天" vs gold "3天": tokens 退 税 三 天 / 3 天 -> LCS 1 (天): P=1/4, R=1/2 -> F1 = 1/3
    assert f1("退税三天", ["3天"]) == pytest.approx(100 / 3)
    assert f1("无关", ["3天"]) == 0.0
    # best over golds
    assert f1("3天", ["三天", "3天"]) == 100.0


def test_contains_normalizes_script_and_width():
    assert contains("退稅流程從20天減到３天[1]", ["3天"])
    assert not contains("退税流程很长", ["3天"])
    # thousands separators are not part of a number; a comma between numbers still separates
    assert contains("京东集团的收入：2,879亿元[1]", ["2879亿元"]) and contains("2879亿元", ["2,879亿元"])
    assert not contains("分别为2,87亿元", ["287亿元"]) and not contains("12,3456", ["123456"])


def test_recall_and_mrr():
    m = ranks_to_metrics([1, 2, None, 6])
    assert m["recall@1"] == 0.25 and m["recall@5"] == 0.5 and m["recall@10"] == 0.75
    assert m["mrr@10"] == pytest.approx((1 + 0.5 + 1 / 6) / 4)
