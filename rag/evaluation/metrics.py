"""Metrics, implemented here and unit-tested on hand-computed cases.

EM/F1 follow the CMRC 2018 evaluation script: each CJK character is a token, other
runs are words; lower case; a fixed punctuation list removed; F1 from the longest
common contiguous substring; best over the gold answers; 0-100 scale.
"""
from __future__ import annotations

import re

import numpy as np

PUNCT = set("-:_*^/\\~`+=，。：？！“”；’《》……·、「」（）－～『』")
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3040-\u30ff]")


def _tokens(s: str) -> list[str]:
    out, word = [], ""
    for ch in s.lower().strip():
        if ch in PUNCT:
            continue
        if _CJK.match(ch) or ch in PUNCT or ch.isspace():
            if word:
                out.append(word)
                word = ""
            if not ch.isspace():
                out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _remove_punct(s: str) -> str:
    return "".join(ch for ch in s.lower().strip() if ch not in PUNCT and not ch.isspace())


def _lcs_len(a: list[str], b: list[str]) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def f1(pred: str, golds: list[str]) -> float:
    best = 0.0
    p = _tokens(pred)
    for g in golds:
        gt = _tokens(g)
        lcs = _lcs_len(gt, p)
        if lcs == 0:
            continue
        prec, rec = lcs / len(p), lcs / len(gt)
        best = max(best, 2 * prec * rec / (prec + rec))
    return 100.0 * best


def em(pred: str, golds: list[str]) -> float:
    p = _remove_punct(pred)
    return 100.0 if any(p == _remove_punct(g) for g in golds) else 0.0


_GROUPED = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")   # 2,879亿元 is 2879亿元


def contains(pred: str, golds: list[str]) -> bool:
    """Free-form accuracy: some gold answer appears in the answer text (a number's thousands
    separators do not count)."""
    from ..text import normalize
    p = _remove_punct(_GROUPED.sub("", normalize(pred)))
    return any(_remove_punct(_GROUPED.sub("", normalize(g))) in p for g in golds if g)


def ranks_to_metrics(first_relevant_ranks: list[int | None], ks=(1, 5, 10)) -> dict:
    """recall@k and MRR@10 from the 1-based rank of the first relevant hit (None: missed)."""
    n = max(len(first_relevant_ranks), 1)
    out = {f"recall@{k}": sum(1 for r in first_relevant_ranks if r is not None and r <= k) / n for k in ks}
    out["mrr@10"] = sum(1.0 / r for r in first_relevant_ranks if r is not None and r <= 10) / n
    return out


def percentiles(xs: list[float], ps=(50, 95)) -> dict:
    if not xs:
        return {f"p{p}": None for p in ps}
    return {f"p{p}": float(np.percentile(xs, p)) for p in ps}
