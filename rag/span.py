"""The shortest span of a quote that answers: "3天", not the sentence around it.

Used for extractive answers (the citation keeps the whole sentence, so the reader still
sees the context). Only typed questions get a span: a number with its unit, a date, a
person or organisation, a place. Free-text questions keep the sentence.
"""
from __future__ import annotations

import re

from .constraints import answer_kind
from .text import normalize
from .verify import salient_terms

_NUM = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)"
_UNIT_WORD = (r"(?:多)?(?:[万亿千百]?(?:平方米|平方公里|公顷|公里|千米|千克|公斤|人次|元|美元|欧元|人|户|米|吨|天|年|月|日|家|个|项|件|所|支|辆|台|架|艘|"
              r"秒|名|次|成|倍|座|亩|份|位|条|度|分钟|小时|周|岁|斤|场|届|部|本|篇|套|只|头|株|枚|GW|MW|kW|GWh|km|kg|G|万|亿)|%|‰)")
_ONE = _NUM + r"\s*(?:余|多)?\s*" + _UNIT_WORD + r"(?:以上|左右|多)?"
# a range is one answer: 25元至40元, 3-5天
_NUMBER = re.compile(r"(?:" + _NUM + r"\s*(?:" + _UNIT_WORD + r")?\s*(?:至|到|~|～|-|—|－)\s*)?" + _ONE + "|" + _NUM + r"\s*[%％]")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*)?\d{1,2}\s*[日号]|\d{4}\s*年\s*\d{1,2}\s*月(?:[上中下]旬|[初底])?|"
                   r"\d{4}\s*年(?:[上下]半年|[初底])?|\d{1,2}\s*月(?:[上中下]旬|[初底])|[一二三四五六七八九十]+月[一二三四五六七八九十]*[日号]?")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")


_ASKED_UNIT = re.compile(r"(?:多少|几)\s*([\u4e00-\u9fff%])")
_MONEY = {"钱": "元"}


def _asked_unit(question: str) -> str | None:
    """The unit a 多少X/几X question names (钱 means 元); None when it names none."""
    m = _ASKED_UNIT.search(normalize(question))
    if not m or m.group(1) in "的个是在":
        return None
    return _MONEY.get(m.group(1), m.group(1))


def _typed_matches(kind: str, question: str, text: str) -> list[tuple[int, int]]:
    if kind == "number":
        unit = _asked_unit(question)
        # only a number carrying the asked unit is a confident answer; anything else keeps the sentence
        return [m.span() for m in _NUMBER.finditer(text) if unit and unit in m.group()]
    if kind == "date":
        return [m.span() for m in _DATE.finditer(text)]
    return []


def answer_span(question: str, quote: str) -> tuple[int, int] | None:
    """[a, b) of `quote` holding what the question asks for, or None (serve the sentence).

    Only confident shapes are cut out: a number carrying the unit the question names
    (几天 -> 3天, 多少钱 -> 25元) and a date for a when-question. The clause sharing most
    of the question's terms is searched first; within it the last match wins, since
    Chinese states a change as 从20天减到3天, the current value last."""
    kind = answer_kind(question)
    if kind not in ("number", "date"):
        return None
    terms = salient_terms(question)
    norm = normalize(quote)
    if len(norm) != len(quote):   # offsets must stay valid in the original text
        return None
    qn = normalize(question)
    best = None
    for m in _CLAUSE.finditer(quote):
        found = [s for s in _typed_matches(kind, question, quote[m.start():m.end()])
                 # the question's own words are not its answer (asked about 2023年, 2023年 is not it)
                 if quote[m.start() + s[0]:m.start() + s[1]] not in qn]
        if found:
            key = sum(t in norm[m.start():m.end()] for t in terms)
            if best is None or key > best[0]:
                best = (key, m.start() + found[-1][0], m.start() + found[-1][1])
    return (best[1], best[2]) if best else None
