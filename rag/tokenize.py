"""Tokens for BM25: jieba's search-mode cut over normalized text.

Documents and queries go through the same function, so full-width digits, traditional
characters and case never cause a miss.
"""
from __future__ import annotations

import functools
import logging
import threading
import unicodedata

from .text import normalize

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        jieba.initialize()
    return jieba


def _is_word(tok: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in tok)


def tokenize(text: str) -> list[str]:
    jb = _jieba()
    return [t for t in jb.cut_for_search(normalize(text)) if not t.isspace() and _is_word(t)]


def nouns(text: str) -> list[str]:
    """Nouns and named entities (jieba POS n*, vn) of 2+ characters, normalized."""
    _jieba()
    import jieba.posseg as pseg
    return [w for w, flag in pseg.cut(normalize(text))
            if len(w) >= 2 and (flag.startswith("n") or flag == "vn") and _is_word(w)]
