"""A quote that says the asked thing about another entity: the near-miss news produces most.

"大同市卫健委确定了多少所婚检机构？" is not answered by "太原市卫健委确定17所婚检定点医疗机构",
nor "女子100米" by "男子100米赛会纪录", nor "嘉兴南站" by "嘉善南站站房面积". The quote repeats
the question's wording around a name and puts another name of the same kind in its slot.

The check is an alignment, not a list of entities: for each noun X of the question that the
quote lacks, the text right after X (or right before it) is looked up in the quote, and the word
the quote has in X's place is the rival Y. It fires only when Y is of X's kind:
- both are proper names (jieba ns/nr/nt/nz), with 3+ aligned characters or X and its
  neighbour forming one compound (嘉兴南站 / 嘉善南站);
- both end in the same place or organisation suffix (五常市 / 尚志市, 某银行 / 某银行);
- they are the two sides of a contrast news keeps apart (男子 / 女子, 决赛 / 预赛).
Three looser readings need no alignment:
- asked for a figure or a date about a bank, company or city (工商银行) the quote lacks, a quote
  naming another one (中国建设银行) gives the other's. Not for 谁/什么/哪 questions, whose answer
  may itself be such a name (its former name, the county it merged into);
- asked for one of a company's measures (净利润), a quote stating only another family's (营收);
- a contrast in the question (女子) with only its other side in the quote (男子).

An alias is no rival: a word whose characters are the other's in order (建行 / 中国建设银行),
or one pointing back (本届, 该公司, 全市).
"""
from __future__ import annotations

import functools
import re

from .checks import without_kind_words
from .constraints import answer_kind
from .text import normalize
from .tokenize import cut, nouns

_NAMES = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}
_SUFFIX = re.compile(r"(?:省|市|县|区|州|镇|乡|村|国|站|路|街|社区|银行|公司|集团|大学|学院|医院|队|组|赛)$")
_POINTS_BACK = re.compile(r"^[本该此全其这我今去明那各每]")
_POINTER = re.compile(r"(?:这|那|该|此|本|其)[个只位家名座条种项所届]?$")   # 这只宝可梦 is the one asked about
_GLUED = re.compile(r"^[和与及或跟同]")                                       # jieba's 和渝昆 is 和 + 渝昆
_CONTRASTS = ({"男子", "女子"}, {"决赛", "预赛", "半决赛", "复赛"}, {"上半年", "下半年"},
              {"进口", "出口"}, {"同比", "环比"})
_CONTRAST_WORDS = set().union(*_CONTRASTS)
_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]+")
_MAX_CONTEXT = 6
_NAMED_SUFFIX = ("公司", "银行", "集团", "大学", "医院", "证券", "保险", "基金", "市", "省", "县", "州", "区", "镇")
# a suffix word after these starts a new name (对XX银行, 与XX公司); after a common noun it is
# part of a description (研究型大学)
# what the characters of a split name are tagged: nouns, adjectives (齐), abbreviations,
# distinguishing words; never a verb or preposition (是|由|省 is no name)
_NAME_PARTS = ("n", "a", "j", "b")
_NAME_STARTS = ("", "，", ",", "、", "和", "与", "是", "对", "在", "于")   # normalized text has "," for "，"


@functools.lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(word, POS flag, start, end) over `text` (already normalized)."""
    import jieba.posseg as pseg
    cut("")   # jieba initialized once, quietly (rag.tokenize)
    out, p = [], 0
    for w, f in pseg.cut(text):
        out.append((w, f, p, p + len(w)))
        p += len(w)
    return tuple(out)


def _in_order(a: str, b: str) -> bool:
    it = iter(b)
    return all(c in it for c in a)


def _same_kind(x: str, fx: str, y: str, fy: str, aligned: int, compound: bool) -> bool:
    if len(y) < 2 or _in_order(x, y) or _in_order(y, x) or _POINTS_BACK.match(y) or _GLUED.match(y):
        return False
    if any(x in c and y in c for c in _CONTRASTS):
        return True
    if fy[:1] != "n" or (aligned < 3 and not compound):
        return False
    if fx in _NAMES and fy in _NAMES:
        return True
    sx, sy = _SUFFIX.search(x), _SUFFIX.search(y)
    return bool(sx and sy and sx.group(0) == sy.group(0))


def rivals(question: str, quote: str) -> list[tuple[str, str]]:
    """(asked, other) pairs: the quote puts `other` where the question has `asked`."""
    # the kind of answer asked for (哪个城市, 什么院系) is not a name the quote must repeat
    q, t = without_kind_words(question), normalize(quote)
    qtags, ttags = _tagged(q), _tagged(t)
    ends = {e: (w, f) for w, f, _, e in ttags}
    starts = {s: (w, f) for w, f, s, _ in ttags}
    asked = set(nouns(q)) | _CONTRAST_WORDS
    found: list[tuple[str, str]] = []
    for x, fx, s, e in qtags:
        if x not in asked or len(x) < 2 or x in t:
            continue
        after = q[e:]
        m = _RUN.match(after.lstrip("的"))
        right = m.group(0) if m else ""
        m = re.search(r"[\u4e00-\u9fffA-Za-z0-9.]+$", q[:s].rstrip("的"))
        left = m.group(0) if m else ""
        slots = [*_slots_before(t, right, ends, compound=not after.startswith("的")), *_slots_after(t, left, starts)]
        y = next((y for y, fy, k, joined in slots if y not in q and _same_kind(x, fx, y, fy, k, joined)), None)
        if y:
            found.append((x, y))
    return found or _siblings(question, q, t) or _other_measure(question, t) or _other_side(q, t)


def _other_side(q: str, t: str) -> list[tuple[str, str]]:
    """A contrast named in the question and only its other side in the quote: asked about
    女子100米, "男子丁组100米预赛中…打破赛会纪录" is the men's record, however worded."""
    t = t.replace("进出口", "进口出口")   # both sides at once
    for side in _CONTRASTS:
        asked = [w for w in side if w in q and not any(w != v and w in v and v in q for v in side)]
        if len(asked) == 1 and not any(w in t for w in side if asked[0] in w or w in asked[0]):
            other = [w for w in side if w in t and w not in q]
            if other:
                return [(asked[0], other[0])]
    return []


# A company's figures come in families a reader keeps apart: 营收 is not 净利润 ("a different
# measure of the same entity"). Longest names first, so 毛利率 is not read as 毛利.
_MEASURE_FAMILIES = {
    "营业总收入": "revenue", "营业收入": "revenue", "总营收": "revenue", "营收": "revenue", "收入": "revenue",
    "归母净利润": "profit", "扣非净利润": "profit", "净利润": "profit", "净利": "profit", "纯利": "profit",
    "净亏损": "profit", "毛利润": "gross", "毛利率": "gross margin", "毛利": "gross", "净利率": "net margin",
}
_MEASURE = re.compile("|".join(sorted(_MEASURE_FAMILIES, key=len, reverse=True)))


def _other_measure(question: str, t: str) -> list[tuple[str, str]]:
    if answer_kind(question) != "number":
        return []
    asked = {m.group(): _MEASURE_FAMILIES[m.group()] for m in _MEASURE.finditer(normalize(question))}
    if len(set(asked.values())) != 1:
        return []
    family = next(iter(asked.values()))
    stated = [m.group() for m in _MEASURE.finditer(t)]
    if not stated or any(_MEASURE_FAMILIES[w] == family for w in stated):
        return []
    return [(next(iter(asked)), stated[0])]


def _named(text: str) -> list[tuple[str, str, int]]:
    """(name, suffix, start) of the proper names with a bank/company/place suffix in `text`."""
    tags, out = _tagged(text), []
    for i, (w, f, s, _) in enumerate(tags):
        prev = tags[i - 1] if i else None
        if w in _NAMED_SUFFIX and prev and len(prev[0]) == 1:
            # a name jieba does not know falls apart into characters (齐|商|银行): those
            # characters back to where a name may start are the name
            j = i
            while j > 0 and len(tags[j - 1][0]) == 1 and tags[j - 1][1][:1] in _NAME_PARTS and s - tags[j - 1][2] <= 4:
                j -= 1
            head = tags[j][2]
            if s - head >= 2 and text[head - 1:head] in _NAME_STARTS and not _POINTS_BACK.match(text[head:s]):
                out.append((text[head:s] + w, w, head))
        elif w in _NAMED_SUFFIX and prev and len(prev[0]) >= 2 and (
                prev[1] in _NAMES or prev[1] == "j" or (prev[1] in ("n", "a") and text[prev[2] - 1:prev[2]] in _NAME_STARTS)):
            out.append((prev[0] + w, w, prev[2]))
        elif (f in _NAMES or f == "j") and len(w) >= 3 and w.endswith(_NAMED_SUFFIX):
            out.append((w, next(x for x in _NAMED_SUFFIX if w.endswith(x)), s))
    return out


def _siblings(question: str, q: str, t: str) -> list[tuple[str, str]]:
    if answer_kind(question) not in ("number", "date"):
        return []
    found = []
    for x, sx, _ in _named(q):
        if x in t or x[:-len(sx)] in t:
            continue
        for y, sy, p in _named(t):
            if sy == sx and y not in q and not (_in_order(x, y) or _in_order(y, x) or _POINTS_BACK.match(y)
                                                or _GLUED.match(y) or _POINTER.search(t[:p])):
                found.append((x, y))
                break
    return found


def _slots_before(t: str, right: str, ends: dict, compound: bool):
    """The quote's words right before a start of `right` (its longest starts first)."""
    for k in range(min(len(right), _MAX_CONTEXT), 1, -1):
        ctx, p = right[:k], t.find(right[:k])
        while p >= 0:
            joined = compound and t[p - 1:p] != "的"
            word = ends.get(p - (t[p - 1:p] == "的")) if p else None
            if word and p + k in ends:   # whole words aligned: 银行 is not 银行业's start
                if not _POINTER.search(t[:p - len(word[0]) - (t[p - 1:p] == "的")]):
                    yield (*word, k, joined)
            p = t.find(ctx, p + 1)


def _slots_after(t: str, left: str, starts: dict):
    """The quote's words right after an end of `left` (its longest ends first)."""
    for k in range(min(len(left), _MAX_CONTEXT), 1, -1):
        ctx, p = left[-k:], t.find(left[-k:])
        while p >= 0:
            word = starts.get(p + k + (t[p + k:p + k + 1] == "的"))
            if word and p in starts:
                yield (*word, k, False)
            p = t.find(ctx, p + 1)
