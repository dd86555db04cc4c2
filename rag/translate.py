"""A question in another language than the articles, read in theirs.

The articles are Chinese. Multilingual e5 bridges languages for retrieval, but keyword
search, the sentence scores and the answerability signals (term coverage, asked years,
answer kind) all read Chinese: with no Chinese question they had nothing to read, and on
news an English question was refused even when its article came first (docs/EVALS.md,
eleventh session). The local model translates it; the translation's names are a guess
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
