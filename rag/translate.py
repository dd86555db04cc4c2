"""A question in another language than the articles, read in theirs.

The articles are Chinese. Multilingual e5 bridges languages for retrieval, but keyword
search, the sentence scores and the answerability signals (term coverage, asked years,
answer kind) all read Chinese: with no Chinese question they had nothing to read, and on
news an English question was refused even when its article came first (docs/EVALS.md,
eleventh session). The model (local or API) translates it; the translation's names are a guess
(Berkshire Hathaway may come back as another company), so the checks that compare names
are not applied to it (rag/stages.py).
"""
from __future__ import annotations

import re

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from . import prompts

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LABEL = re.compile(r"^(?:中文|译文|翻译|问题)\s*[:：]\s*")


def needs_translation(question: str) -> bool:
    """A question with letters and no Chinese character at all (English, French ...)."""
    return not _CJK.search(question) and bool(re.search(r"[A-Za-z]{2}", question))


def to_chinese(question: str, model: BaseChatModel | None) -> str | None:
    """The question in Chinese, or None when there is no model or its output is unusable
    (no Chinese in it, or far longer than a translation can be)."""
    if model is None:
        return None
    try:
        out = str(model.invoke([SystemMessage(prompts.TRANSLATE_SYSTEM), HumanMessage(question)],
                               max_tokens=96).content)
    except Exception:  # noqa: BLE001 - a failed translation leaves the cross-lingual path
        return None
    lines = [l.strip() for l in out.strip().splitlines() if l.strip()]
    cand = _LABEL.sub("", lines[0]).strip("“”\"' ") if lines else ""
    if not _CJK.search(cand) or len(cand) > 2 * len(question) or "无法" in cand:
        return None
    return cand


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def keep_what_the_reader_said(cons, question: str):
    """Constraints read from a translation, cut to what the reader's own words state: a year
    only if its digits are in the question, a month only if the question names it; no
    ordinal (a translation turns "first" into 第一轮) and no asked unit ("how many times"
    comes back as 多少次 where the article says 38倍). Periods (second quarter, first half)
    stay: the translation renders them faithfully."""
    q = question.lower()
    cons.years = [y for y in cons.years if str(y) in q]
    cons.months = [m for m in cons.months if re.search(rf"\b{_MONTHS[m - 1]}", q)]
    cons.ordinals = []
    cons.units = None
    return cons


def interleave(by_terms: list, by_meaning: list, rrf_k: int = 60) -> list:
    """Sentences of the translation's ranking (term coverage) reordered by reciprocal-rank
    fusion with their ranking by meaning against the reader's own question: a mistranslated
    question still finds the sentence its original means. The scores stay the term scores
    the answerability model was fitted on."""
    def key(s):
        return s[1].chunk_id, s[2], s[3]
    meaning = {key(s): r for r, s in enumerate(by_meaning)}
    last = len(by_meaning)
    fused = {key(s): 1 / (rrf_k + r + 1) + 1 / (rrf_k + meaning.get(key(s), last) + 1) for r, s in enumerate(by_terms)}
    return sorted(by_terms, key=lambda s: -fused[key(s)])
