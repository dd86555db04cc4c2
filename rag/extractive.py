"""The no-LLM answer: the retrieved sentence that best covers the question's terms.

Used when asked for, when no model is available, and when an LLM answer fails
verification. Its score doubles as retrieval evidence for the refusal decision.
"""
from __future__ import annotations

import math
import re

from .text import normalize, sentence_spans, spell_periods
from .types import Hit
from .verify import salient_terms


def term_weights(terms: list[str], idf_of) -> dict[str, float]:
    return {t: max(idf_of(t), 0.1) for t in terms}


_NUM = r"[\d零〇一二两三四五六七八九十百千万亿.]+"
_WHEN = re.compile(r"什么时候|何时|哪一?天|哪一?年|几月|几号|几日|日期|时间是")
_HOW_MANY = re.compile(r"(?:多少|几)(钱|[\u4e00-\u9fff]{0,2})")
_PRICE = re.compile(r"多少钱|价格|售价|价钱|多少元")


def answer_pattern(question: str) -> re.Pattern | None:
    """What the answer looks like, from the question word: a number with its unit, a date."""
    q = normalize(question)
    if _PRICE.search(q):
        return re.compile(_NUM + r"\s*(?:万|亿)?元")
    if _WHEN.search(q):
        return re.compile(r"\d+\s*(?:年|月|日)")
    m = _HOW_MANY.search(q)
    if m:
        unit = m.group(1)
        # 多少公里 / 几天 / 多少家: the first character of the unit word is enough
        if unit and unit[0] not in "的个是在":
            return re.compile(_NUM + r"\s*(?:万|亿)?" + re.escape(unit[0]))
        return re.compile(r"\d")
    return None


_WHO = re.compile(r"谁|哪位|哪个人|什么人")


def _has_person(sentence: str) -> bool:
    import jieba.posseg as pseg
    return any(flag == "nr" and len(w) >= 2 for w, flag in pseg.cut(sentence))


Scored = tuple[float, Hit, int, int]   # (score, hit, start, end) with offsets into hit.text
TITLE_TERM_WEIGHT = 0.3


def sentence_scores(question: str, hits: list[Hit], idf_of, focus: str | None = None) -> list[Scored]:
    """Every sentence of the hits, best first: the idf-weighted share of the question's
    terms it contains, plus a bonus when it holds what the question asks for (a number
    with the asked unit, a date, a person). Terms of `focus` (the reader's own follow-up,
    before history was added) weigh double."""
    terms = salient_terms(question)
    if not terms or not hits:
        return []
    w = term_weights(terms, idf_of)
    if focus:
        for t in salient_terms(focus):
            if t in w:
                w[t] *= 2
    want = answer_pattern(focus or question)
    who = bool(_WHO.search(focus or question))
    out = []
    for rank, h in enumerate(hits):
        # terms of the article's title pick the article, not the sentence within it
        title = normalize(h.title)
        wh = {t: v * (TITLE_TERM_WEIGHT if t in title else 1.0) for t, v in w.items()}
        total = sum(wh.values())
        for a, b in sentence_spans(h.text):
            s = spell_periods(normalize(h.text[a:b]))
            got = sum(wt for t, wt in wh.items() if t in s) / total
            if (want is not None and want.search(s)) or (who and _has_person(s)):
                got = min(1.0, got + 0.3)
            # prefer higher-ranked chunks on ties; very short fragments say little
            got *= (1 - 0.02 * rank) * (1 if b - a >= 8 else 0.5)
            out.append((got, h, a, b))
    out.sort(key=lambda x: -x[0])
    return out


def dense_sentence_scores(question: str, hits: list[Hit], embedder, top: int = 3) -> list[Scored]:
    """For questions with no Chinese to match (English): sentences of the top chunks by
    embedding similarity to the question (multilingual e5 bridges the languages)."""
    cands = [(h, a, b) for h in hits[:top] for a, b in sentence_spans(h.text) if b - a >= 8]
    if not cands:
        return []
    qv = embedder.embed_batch([question], "query")[0]
    sims = embedder.embed_batch([h.text[a:b] for h, a, b in cands], "passage") @ qv
    return sorted(((float(s), h, a, b) for s, (h, a, b) in zip(sims, cands)), key=lambda x: -x[0])


def bm25_idf(index):
    """idf lookup from the index's BM25 statistics (a term no article has: maximal idf)."""
    top = math.log1p((max(index.chunk_count(), 1) + 0.5) / 0.5)

    def idf(t: str) -> float:
        v = index.idf(t)
        return top if v is None else v
    return idf

