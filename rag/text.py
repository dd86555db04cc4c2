"""Chinese text handling: matching normalization and sentence boundaries.

Normalization is for *matching only* (search, dedup, quote verification). Stored text
is never normalized, so quotes and offsets stay exact; `normalize_with_map` keeps the
way back from a normalized position to the original one.
"""
from __future__ import annotations

import functools
import re
import unicodedata

_WS = set(" \t\r\n\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff")
TERMINATORS = set("。！？；…!?;")
CLOSERS = set("”’」』）)》】\"'")
OPENERS = {"“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】"}
_CLOSE_OF = {v: k for k, v in OPENERS.items()}


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(s: str) -> str:
    return _t2s().convert(s) if s else s


def normalize(s: str) -> str:
    """NFKC (full-width digits/letters), traditional->simplified, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", s)).lower()


def match_form(s: str) -> str:
    """What embedders see: NFKC and simplified script, case kept (e5 is cased)."""
    return to_simplified(unicodedata.normalize("NFKC", s))


_PERIOD_CODE = re.compile(r"(?<![a-z0-9])(?:q([1-4])|h([12]))(?![a-z0-9])")


def spell_periods(s: str) -> str:
    """Financial shorthand in normalized text spelled out for matching: q2 -> 第二季度,
    h1 -> 上半年 ("雪佛龙Q2营收为489亿美元" answers a question about 第二季度)."""
    return _PERIOD_CODE.sub(lambda m: f"第{'一二三四'[int(m[1]) - 1]}季度" if m[1] else "上半年" if m[2] == "1" else "下半年", s)


def normalize_with_map(s: str) -> tuple[str, list[int]]:
    """Normalize and drop whitespace, returning the original index of every output char."""
    chars, where = [], []
    for i, ch in enumerate(s):
        if ch in _WS or ch.isspace():
            continue
        n = unicodedata.normalize("NFKC", ch).lower()
        for c in n:
            if not c.isspace():
                chars.append(c)
                where.append(i)
    joined = "".join(chars)
    simp = to_simplified(joined)
    if len(simp) != len(joined):  # phrase conversion changed length: go char by char
        simp = "".join(to_simplified(c)[:1] or c for c in joined)
    return simp, where


def find_verbatim(needle: str, haystack: str) -> tuple[int, int] | None:
    """Locate `needle` in `haystack` ignoring whitespace/width/script; return original offsets."""
    n, _ = normalize_with_map(needle)
    if not n:
        return None
    h, where = normalize_with_map(haystack)
    at = h.find(n)
    if at < 0:
        return None
    return where[at], where[at + len(n) - 1] + 1


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence boundaries as (start, end) offsets, whitespace-trimmed.

    Splits after 。！？；… (and ASCII .!? before a space), keeping closing quotes with
    their sentence; never inside an open quotation or bracket; always at a line break.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    depth: list[str] = []
    s = start
    i = start

    def emit(a: int, b: int):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))

    while i < end:
        ch = text[i]
        if ch == "\n":
            emit(s, i)
            s, depth = i + 1, []
        elif ch in OPENERS and ch not in CLOSERS:
            depth.append(OPENERS[ch])
        elif ch in _CLOSE_OF or ch == "”":
            if depth and depth[-1] == ch:
                depth.pop()
        if ch in TERMINATORS or (ch == "." and i + 1 < end and text[i + 1] in " \n"
                                 and i > start and text[i - 1].isalpha()):
            j = i + 1
            while j < end and (text[j] in TERMINATORS or text[j] in CLOSERS):
                if depth and text[j] == depth[-1]:
                    depth.pop()
                j += 1
            if not depth:
                emit(s, j)
                s = j
            i = j
            continue
        i += 1
    emit(s, end)
    return spans


_SOFT = set("，、：,:")


def split_long(text: str, a: int, b: int, size: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence into pieces <= size at commas, never inside a number."""
    out = []
    while b - a > size:
        cut = None
        for j in range(a + size, a + size // 3, -1):
            if text[j - 1] in _SOFT:
                cut = j
                break
        if cut is None:
            cut = a + size
            # back off so that digits/latin words and the char after them stay together
            while cut > a + 1 and re.match(r"[0-9A-Za-z.%]", text[cut - 1]) and re.match(r"[0-9A-Za-z.%]", text[cut]):
                cut -= 1
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def common_prefix(a: str, b: str) -> int:
    """How many leading characters a and b share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n
