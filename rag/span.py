"""The shortest span of a quote that answers: "3天", not the sentence around it.

Used for extractive answers (the citation keeps the whole sentence, so the reader still
sees the context). Only typed questions get a span: a number with its unit, a date, a
person or organisation, a place. Free-text questions keep the sentence.
"""
from __future__ import annotations

import re

from .constraints import answer_kind, asks_year
from .text import common_prefix, normalize
from .units import UNIT, asked_units, carries_unit
from .verify import salient_terms

_NUM = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)"
_UNIT_WORD = r"(?:多)?(?:[万亿千百]?" + UNIT + r"|[万亿])"
_ONE = _NUM + r"\s*(?:余|多)?\s*" + _UNIT_WORD + r"(?:以上|左右|多)?"
# a range is one answer: 25元至40元, 3-5天
_NUMBER = re.compile(r"(?:" + _NUM + r"\s*(?:" + _UNIT_WORD + r")?\s*(?:至|到|~|～|-|—|－)\s*)?" + _ONE + "|" + _NUM + r"\s*[%％]")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TIME_OF_DAY = r"(?:\s*(?:凌晨|早上|上午|中午|下午|傍晚|晚上|夜间)?\s*\d{1,2}\s*(?:时|点|:)(?:\s*\d{1,2}\s*分?)?)?"
# a bare day is not the end of a longer number (the case number 608号); a year or month in front
# vouches for it (an address glued to a date: 大厦3022023年3月11日)
_DATE = re.compile(r"(?:\d{4}\s*年\s*(?:\d{1,2}\s*月\s*)?|\d{1,2}\s*月\s*|(?<![\d.]))\d{1,2}\s*[日号]" + _TIME_OF_DAY + r"|\d{4}\s*年\s*\d{1,2}\s*月(?:[上中下]旬|[初底])?|"
                   r"\d{4}\s*年(?:[上下]半年|[初底])?|\d{1,2}\s*月(?:[上中下]旬|[初底])|[一二三四五六七八九十]+月[一二三四五六七八九十]*[日号]?")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")


def _typed_matches(kind: str, question: str, text: str) -> list[tuple[int, int]]:
    if kind == "number":
        units = asked_units(question)
        # only a number carrying the asked unit is a confident answer; anything else keeps the sentence
        # 第二次 is an ordinal, not an amount of 次
        return [m.span() for m in _NUMBER.finditer(text)
                if units and carries_unit(m.group(), units) and text[m.start() - 1:m.start()] != "第"]
    if kind == "date":
        # asked 哪一年, a day without its year (5月13日) is not the answer
        year = asks_year(question)
        return [m.span() for m in _DATE.finditer(text) if not year or "年" in m.group()]
    return []


_FROM_TO = re.compile(r"(?:从|由)\s*(?P<a>[^，,；;。从]{1,20}?)\s*(?:[\u4e00-\u9fff]{0,2}?)(?:到|至)\s*(?P<b>[^，,；;。]{1,20})")
_BEFORE = re.compile(r"之前|以前|此前|以往|原来|原先|过去|改革前|[^一-龥]?前[，,]?|起初")


_ASKED_TAIL = re.compile(r"(?:多少|几)(.{2,})")
_NUM_CHARS = "0123456789.,零〇一二两三四五六七八九十百千余多 "


def _common_run(a: str, b: str) -> tuple[int, int]:
    """(length, end in a) of the longest common substring: where a clause repeats the question."""
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for i, ca in enumerate(a, 1):
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, end = cur[j], i
        prev = cur
    return best, end


def _pick(question: str, clause: str, found: list[tuple[int, int]]) -> tuple[int, int]:
    """Of several matches in one clause: in 从A减到B, A when the question asks about before
    (改革前, 以往), else B; otherwise the one nearest the words the clause shares with the
    question (培育了26所“特色学校”和3所“幼儿园”: 26所 for the schools)."""
    if len(found) == 1:
        return found[0]
    # 从A到B / 由A缩短至B between two of the found numbers (not 从城东到火车站, a route)
    starts = [i for i, ch in enumerate(clause) if ch in "从由"]   # overlapping: 从城东到… holds 由55分钟至28分钟
    for m in filter(None, (_FROM_TO.match(clause, i) for i in starts)):
        sides = {k: [s for s in found if m.start(k) <= s[0] < m.end(k)] for k in ("a", "b")}
        if sides["a"] and sides["b"]:
            return sides["a" if _BEFORE.search(normalize(question)) else "b"][0]
    # 改建6座大桥、23座中小桥梁, asked 多少座中小桥梁: the number whose words after it repeat the
    # question's after 多少 (the unit alone is shared by all of them)
    tail = _ASKED_TAIL.search(normalize(question))
    if tail:
        norm = normalize(clause)
        reach = {s: common_prefix(norm[s[0]:].lstrip(_NUM_CHARS), tail.group(1)) for s in found}
        most = max(reach.values())
        if most >= 2 and list(reach.values()).count(most) == 1 \
                and most > max(len(normalize(clause[s[0]:s[1]]).lstrip(_NUM_CHARS)) for s in found if reach[s] == most):
            return max(found, key=reach.get)
    n, end = _common_run(normalize(clause), normalize(question))
    if n < 2:
        return found[-1]
    start = end - n
    return min(found, key=lambda s: (max(start - s[1], s[0] - end, 0), -s[0]))


def answer_span(question: str, quote: str) -> tuple[int, int] | None:
    """[a, b) of `quote` holding what the question asks for, or None (serve the sentence).

    Only confident shapes are cut out: a number carrying the unit the question names
    (几天 -> 3天, 多少钱 -> 25元) and a date for a when-question. The clause repeating
    the longest stretch of the question's wording is searched; within it, see _pick."""
    kind = answer_kind(question)
    if kind not in ("number", "date"):
        return None
    terms = salient_terms(question)
    norm = normalize(quote)
    if len(norm) != len(quote):   # offsets must stay valid in the original text
        return None
    qn = normalize(question)
    best = None
    since = prev = 0   # end of the last clause holding an answer; start of the one before this
    for m in _CLAUSE.finditer(quote):
        found = [s for s in _typed_matches(kind, question, quote[m.start():m.end()])
                 # the question's own words are not its answer (asked about 2023年, 2023年 is not it)
                 if quote[m.start() + s[0]:m.start() + s[1]] not in qn]
        if found:
            # a clause is read with the one before it if that holds no answer of its own: in
            # "李某被拘留5日，其安全负责人张某因指使李某作业，被拘留10日", 10日 is the 负责人's
            clause, before = norm[m.start():m.end()], norm[max(since, prev):m.start()]
            # the clause repeating the longest stretch of the question's wording, then most of its
            # terms, then most of them in the clause before (李某被拘留5日 stays 李某's, however
            # often the next clauses name him)
            key = (_common_run(clause, qn)[0], sum(len(t) for t in terms if t in clause),
                   sum(len(t) for t in terms if t in before and t not in clause))
            if best is None or key > best[0]:
                a, b = _pick(question, quote[m.start():m.end()], found)
                best = (key, m.start() + a, m.start() + b)
            since = m.end()
        prev = m.start()
    return (best[1], best[2]) if best else None


_NAME_FLAGS = ("ns", "nt", "nz")
_NAME_REACH = 12   # characters a name may add in front of the answer
_KIND_WORD = 8     # longer answers are phrases, not a kind word missing its name


def whole_name(question: str, answer: str, quote: str) -> str:
    """A place or organisation given as its bare kind word takes the name the quote puts in
    front of it: "体育馆" in 在广宁县体育馆举行 is 广宁县体育馆, "医院" in 由深圳市人民医院 is
    深圳市人民医院. A reader asking where, or which body, cannot tell which 体育馆 is meant.
    Only for questions asking a place or an organisation (answer_kind place/person), only
    when the answer is common nouns alone (jieba n), and only a name glued to it (jieba
    place, organisation or other proper noun, possibly with one common noun between, as
    深圳市|人民|医院): 该公司 and 两所学校 stay as they are."""
    a = answer.strip()
    i = quote.find(a) if a else -1
    if i <= 0 or len(a) > _KIND_WORD or answer_kind(question) not in ("place", "person"):
        return answer
    import jieba.posseg as pseg
    start = max(0, i - _NAME_REACH - 4)
    toks, pos = [], start
    window = quote[start:i + len(a)]
    simple = normalize(window)   # jieba tags simplified script: 丘處機 is no common noun
    for w, flag in pseg.cut(simple if len(simple) == len(window) else window):
        toks.append((pos, w, flag))
        pos += len(w)
    inside = [t for t in toks if t[0] >= i]
    if not inside or inside[0][0] != i or any(flag != "n" for _, _, flag in inside) \
            or toks[-1][0] + len(toks[-1][1]) != i + len(a):
        return answer   # cut inside a word, or not a bare kind word (a name, a verb, a clause)
    head, nouns_between = i, 0
    for p, w, flag in reversed([t for t in toks if t[0] < i]):
        if flag in _NAME_FLAGS and len(w) >= 2:
            head = p
        elif flag == "n" and nouns_between < 1 and head == i:
            nouns_between += 1   # 人民 in 深圳市人民医院: counts only if a name comes before it
        else:
            break
    if head == i or i - head > _NAME_REACH:
        return answer
    return quote[head:i] + a


_ASKED_NOUN_MAX = 8


def _placed(answer: str, quote: str) -> tuple[str, str, int]:
    """The normalized answer and quote, and where the one starts in the other: -1 when it is
    not there, or when normalizing changed a length (offsets would not map back)."""
    a, q = normalize(answer), normalize(quote)
    i = q.find(a) if a else -1
    return a, q, i if len(a) == len(answer) and len(q) == len(quote) else -1


def with_asked_noun(question: str, answer: str, quote: str) -> str:
    """A counted answer with the noun the question counts, when the quote puts it right after:
    asked 多少个行政村, "178个" in 覆盖178个行政村 is "178个行政村" (the reader sees what was
    counted, as the quote says it). Only all the question says after the unit, up to its
    clause's end and at most 8 characters, exactly as the question words it."""
    tail = _ASKED_TAIL.search(normalize(question))
    a, q, i = _placed(answer, quote)
    num = re.match(r".*[\d.,]\s*(?:余|多)?", a)
    if not tail or i < 0 or not num:
        return answer
    unit = a[num.end():]
    if not tail.group(1).startswith(unit):
        return answer
    # all the question says after the unit, to its clause's end: a part of it (医院参 of
    # 医院参与) would be cut mid-word
    noun = re.match(r"[^，,。？?！!；;：:的是了吗呢]*", tail.group(1)[len(unit):]).group()
    if len(noun) > _ASKED_NOUN_MAX:
        return answer
    after = q[i + len(a):]
    if len(noun) >= 2 and after.startswith(noun):
        return answer + quote[i + len(a):i + len(a) + len(noun)]
    return answer


# a question about a change: its answer's sign is the reader's first doubt
_CHANGE_ASKED = re.compile(r"增速|增幅|增长|增加|下降|降幅|降低|减少|上涨|下跌|涨幅|跌幅|提高|提升|回升|回落|上升|下滑|同比|环比|变化")
_DIRECTION = re.compile(r"(?:增长|增加|下降|降低|减少|上涨|下跌|提高|提升|回升|回落|上升|下滑|增|降|涨|跌)(?:了|约|近|达)?\s*$")


def with_direction(question: str, answer: str, quote: str) -> str:
    """A change answered by its size alone ("3.6%" for 增速是多少) leaves out whether it rose
    or fell; the quote's direction word right before the number goes with it (增长3.6%, 平均
    降低3%), verbatim, so the answer stays a piece of the quote."""
    a, q, i = _placed(answer, quote)
    if i < 0 or not _CHANGE_ASKED.search(normalize(question)) or not re.match(r"[\d.]", a):
        return answer
    m = _DIRECTION.search(q[max(0, i - 5):i])
    return quote[i - len(m.group()):i] + answer if m else answer


_BOUND = re.compile(r"超过|超出|少于|低于|高于|多于|大于|小于|足|到|满|逾")


def with_negation(answer: str, quote: str) -> str:
    """A bound the quote negates keeps its 不: "超过5个" of 不超过5个字 says the opposite."""
    a, q, i = _placed(answer, quote)
    if i > 0 and q[i - 1] == "不" and _BOUND.match(a):
        return quote[i - 1] + answer
    return answer
