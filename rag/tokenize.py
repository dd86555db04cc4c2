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


def nouns(text: str, flags: tuple[str, ...] = ("n", *_NAMES)) -> list[str]:
    """Content nouns and names (jieba POS n, nr, ns, nt, nz) of 2+ characters, normalized.

    The noun right after a question word ("什么颜色", "什么职务") names the kind of
    answer wanted, not something the text must contain, so it is left out.
    """
    _jieba()
    import jieba.posseg as pseg
    out, prev = [], ""
    for w, flag in pseg.cut(normalize(text)):
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
