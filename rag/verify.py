"""Checking what a model wrote against the retrieved text.

A claim survives only if (1) its quote is found verbatim (modulo whitespace, width and
script) in a retrieved chunk, (2) the quote is about the question, and (3) the short
answer is supported by the quote. Offsets come from the text, never from the model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import find_verbatim, normalize, sentence_spans
from .tokenize import tokenize
from .types import Citation, Hit
from .units import asked_units, carries_unit

# Question words and fillers: they say what is asked, not what it is about.
QUESTION_WORDS = set("""什么 哪 哪个 哪些 哪支 哪家 哪里 哪儿 哪年 哪天 哪位 几 几个 几天 几年 几次 几家 多少 多久 多大 多长 多高 谁 怎么 怎样
如何 为什么 为何 是否 是不是 吗 呢 吧 啊 请问 请 告诉 问 问题 是 的 了 在 和 与 及 有 有没有 没有 对 把 被 从 到 为 这 那 这个 那个 这届 此次
本次 本届 这次 该 其 它 他 她 他们 我们 什么样 哪种 何 何时 多 少 个 年 月 日 时候 时间 情况 方面 一下 一个 可以 能 会 要 都 也 就 还 又
后 前 中 里 上 下 之 所 以 而 或 等 据 根据 文章 报道 新闻 资料 提到 介绍 说 表示 呢 么
多长时间 多长 什么时候 哪一年 哪一天 几月 几号 名字 名称 原因 数量 人数 时长 具体 主要 分别 哪一个""".split())

_MARK = re.compile(r"\[(\d{1,2})\]")
_HEADER = re.compile(r"^\s*(?:\[\d{1,2}\]\s*)?《[^》]{1,80}》(?:（[^）]{0,20}）)?\s*")
_QUOTE_LINE = re.compile(r"原文\s*[:：]\s*(.+)")
_ANSWER_LINE = re.compile(r"答案\s*[:：]\s*(.+)")
_REFUSAL = re.compile(r"无法回答|无法确定|没有(?:提到|提及|相关|找到|说明)|未(?:提及|提到|说明|给出)|不知道|资料中没有|not (?:mentioned|found)")
_STRIP = "“”\"'‘’「」『』 \t。，,.;；"


@dataclass
class Parsed:
    quotes: list[tuple[str, list[int]]]   # (quote text, cited material numbers)
    answer: str
    says_unanswerable: bool
    raw: str


def parse(raw: str) -> Parsed:
    quotes, answer = [], ""
    in_quote, last_nums = False, []
    for line in raw.splitlines():
        m = _QUOTE_LINE.search(line)
        # (a line saying there is no answer is not part of the quote: "原文：[1]" then "资料中没有…")
        if m or (in_quote and line.strip() and not _ANSWER_LINE.search(line) and not _REFUSAL.search(line)):
            # the model copies the material's header line (《标题》（日期）) after 原文： and the
            # sentence on the lines below it, up to 答案：
            body = m.group(1) if m else line
            in_quote = True
            nums = [int(x) for x in _MARK.findall(body)] or ([] if m else last_nums)
            last_nums = nums
            text = _HEADER.sub("", _MARK.sub("", body)).strip(_STRIP)
            if text:
                quotes.append((text, nums))
            continue
        m = _ANSWER_LINE.search(line)
        if m:
            in_quote = False
            if not answer:
                answer = m.group(1).strip()
    answer_clean = _MARK.sub("", answer).strip(_STRIP)
    refuses = bool(_REFUSAL.search(answer_clean)) or (not quotes and not answer_clean and bool(_REFUSAL.search(raw)))
    return Parsed(quotes=quotes, answer=answer_clean, says_unanswerable=refuses, raw=raw)


def salient_terms(question: str) -> list[str]:
    return [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_WORDS and not t.isdigit()]


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def locate_quote(quote: str, cited: list[int], hits: list[Hit]) -> tuple[Hit, int, int] | None:
    """Find the quote in the cited hit first, then in any hit. If the model altered a
    few characters, fall back to the retrieved sentence it plainly copied (bigram
    overlap >= 0.8), so the citation is still verbatim text from the article."""
    order = list(dict.fromkeys([n - 1 for n in cited if 1 <= n <= len(hits)] + list(range(len(hits)))))
    # a quote spanning a "……" gap in the materials: the longest piece is the claim's support
    pieces = sorted((p.strip(_STRIP) for p in re.split(r"…+|\.{3,}", quote)), key=len, reverse=True)
    for piece in pieces[:1] if len(pieces) > 1 else [quote]:
        for i in order:
            span = find_verbatim(piece, hits[i].text)
            if span:
                return hits[i], span[0], span[1]
    qb = _bigrams(normalize(quote))
    if len(qb) < 4:
        return None
    best = (0.0, None)
    for i in order:
        h = hits[i]
        for a, b in sentence_spans(h.text):
            sb = _bigrams(normalize(h.text[a:b]))
            if not sb:
                continue
            score = len(qb & sb) / len(qb | sb) if len(qb) > len(sb) else len(qb & sb) / len(qb)
            if score > best[0]:
                best = (score, (h, a, b))
    return best[1] if best[0] >= 0.8 else None


def make_citation(n: int, hit: Hit, a: int, b: int) -> Citation:
    return Citation(n=n, article_id=hit.article_id, title=hit.title, date=hit.date, quote=hit.text[a:b],
                    chunk_id=hit.chunk_id, start=hit.start + a, end=hit.start + b, score=hit.score)


_NUM = re.compile(r"\d+(?:\.\d+)?")
_CONTENT = re.compile(r"[\u4e00-\u9fff0-9]")
_LATIN = re.compile(r"[a-z]{2,}")
# what may follow a number as its unit: 200亿元, 2400平方米, 44.88万人, 70%, 50GWh
_UNIT = re.compile(r"\d+(?:\.\d+)?(?:%|GWh|[万亿千百]?(?:平方米|平方公里|公里|人次|元|人|户|米|吨|天|年|月|日|家|个|项|件|所|支|辆|台|秒|名|次|成|倍|座|亩|份|位|条|度|分钟|小时|周|岁|斤)|[万亿])?")


def answer_supported(answer: str, quotes: list[str]) -> bool:
    """Every number in the answer, with its unit, and most of its Chinese characters are in
    the quotes."""
    a = re.sub(r"\s+", "", normalize(answer))
    src = normalize("".join(quotes))
    src_nospace = re.sub(r"\s+", "", src)
    whole = set(_UNIT.findall(src_nospace)) | set(_NUM.findall(src_nospace))
    if any(n not in whole for n in _UNIT.findall(a)):   # "4" is not "4600"; "15%" is not "15项"
        return False
    chars = _CONTENT.findall(a)
    if not chars:
        # an English answer to an English question: only numbers can be checked
        return bool(_NUM.search(a)) or bool(re.search(r"[a-z]", a))
    # a Latin word in a Chinese answer is checkable, and invented if the quote lacks it
    # ("特朗普 Political Action Committee" from "特朗普的政治行动委员会（PAC）")
    if re.search(r"[\u4e00-\u9fff]", a) and any(w not in src_nospace for w in _LATIN.findall(a)):
        return False
    covered = sum(1 for c in chars if c in src_nospace)
    return covered / len(chars) >= 0.7


_LEVEL_ASKED = re.compile(r"哪一?个?(省|县|镇|乡|村|区(?!域)|邦)")


def answer_unfit(question: str, answer: str) -> str | None:
    """Why the model's short answer cannot stand (None when it can): it only repeats the
    question's words (asked 是哪位选手的教练, "井村雅代"), it is not of the level asked (哪个省,
    "印度尼西亚"), or it is a number without the unit asked for (asked 爽约几次, "30天")."""
    a = normalize(answer).strip("。.，,；; ")
    q = normalize(question)
    if len(a) >= 2 and a in q:
        return "only repeats the question"
    # digits are not words: 10300辆次 does not rephrase a question dated 2023年8月6日
    core = [ch for ch in a if not ch.isspace() and not ch.isdigit()]
    if len(core) >= 6 and sum(ch in q for ch in core) / len(core) >= 0.85:
        return "only rephrases the question"   # 灵水村一名60岁的老人, asked that old man's name
    level = _LEVEL_ASKED.search(q)
    if level and level.group(1) not in a:
        return f"is not a {level.group(1)}"   # asked 哪个省, "印度尼西亚" names the country
    units = asked_units(question)
    # a bare "28" is fine (the quote gives its unit, see units.complete); "30天" for 几次 is not
    # nor is "20万" for 罚了多少钱 (a bare number with its magnitude: the quote gives 元)
    if units and re.search(r"\d", a) and not re.fullmatch(r"[\d.,]+\s*[十百千万亿]*", a) and not carries_unit(a, units):
        return f"is not a number of {'/'.join(sorted(units)[:3])}"
    return None
