"""Tokens for BM25: jieba's search-mode cut over normalized text.

Documents and queries go through the same function, so full-width digits, traditional
characters and case never cause a miss.
"""
from __future__ import annotations

import functools
import logging
import threading
import unicodedata

import jieba

from .text import normalize

# jieba sets its logger to DEBUG when first imported, and its first cut anywhere (also
# jieba.posseg's, outside this module) prints "Building prefix dict ..." to stderr.
jieba.setLogLevel(logging.WARNING)
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _jieba():
    with _lock:
        jieba.initialize()
    return jieba


def cut(text: str) -> list[str]:
    """jieba's plain (dictionary + HMM) cut of `text` as given (not normalized)."""
    return list(_jieba().cut(text))


def word_freq(word: str) -> int:
    """How often jieba's dictionary counts `word` (0 when it is not a dictionary word): a
    common word (成本, 部门) is read as a word, not as a unit plus something else."""
    return _jieba().dt.FREQ.get(word, 0) or 0


def _is_word(tok: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in tok)


def tokenize(text: str) -> list[str]:
    jb = _jieba()
    return [t for t in jb.cut_for_search(normalize(text)) if not t.isspace() and _is_word(t)]


_ASKING = {"什么", "哪", "哪个", "哪些", "哪种", "何", "哪一", "多少", "怎样", "怎样的", "什么样", "什么样的"}


_NAMES = ("nr", "ns", "nt", "nz", "nrt", "nrfg")


# jieba's guess at an unknown word can swallow the conjunction or preposition before it
# (周杰伦和昆凌 -> 和昆凌, 於北魏發生 -> 于北魏): a word its dictionary lacks loses that
# character. A preposition goes only before a dictionary word, as it may begin a name
# itself (于和伟, 从化区, 同江市); so does a word that begins with one (和林格尔县).
_CONJUNCTIONS, _PREPOSITIONS = set("和与及"), set("于向由从对在跟同")


def _unglued(w: str) -> str:
    if len(w) < 3 or word_freq(w) >= 10 or any(word_freq(w[:k]) >= 10 for k in range(3, len(w))):
        return w
    if w[0] in _CONJUNCTIONS or (w[0] in _PREPOSITIONS and word_freq(w[1:]) >= 10):
        return w[1:]
    return w


def nouns(text: str, flags: tuple[str, ...] = ("n", *_NAMES)) -> list[str]:
    """Content nouns and names (jieba POS n, nr, ns, nt, nz) of 2+ characters, normalized.

    The noun right after a question word ("什么颜色", "什么职务") names the kind of
    answer wanted, not something the text must contain, so it is left out.
    """
    _jieba()
    import jieba.posseg as pseg
    out, prev = [], ""
    for w, flag in pseg.cut(normalize(text)):
        w = _unglued(w)
        if len(w) >= 2 and flag in flags and _is_word(w) and prev not in _ASKING:
            out.append(w)
        if not w.isspace():
            prev = w
    return out


def names(text: str) -> list[str]:
    """Proper names only: people, places, organizations, other proper nouns."""
    return nouns(text, _NAMES)


def people(text: str) -> list[str]:
    """Personal names only (jieba nr and its variants)."""
    return nouns(text, ("nr", "nrt", "nrfg"))
