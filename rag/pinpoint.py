"""Whether a candidate puts its answer in the very slot the question asks about.

Several candidates often pass the decision with the same topic: "改建6座大桥、23座中小桥梁"
and a sentence about the project's length both answer "改建多少座中小桥梁" by their terms. The
reader asked for the number *of 中小桥梁*, and for *the 副司长 of 动植物检疫司*: a quote whose
answer is followed by the question's words after 多少, or preceded by the question's words
before 是谁, pinpoints it; one that only shares the topic does not.

Four shapes, all read off the question's own wording (no list of nouns):
- a number question: the words after 多少/几 in the question follow the served number;
- a number question: the noun it measures (鸟类 in 鸟类有多少种) is in the quote at all;
- asked 有多高 (多长, 多深 …): the number comes right after 高, as a word of its own or after
  the thing asked about (主塔…塔高);
- a person question: the words before 是谁 / 叫什么 run up to a new name in the quote.
"""
from __future__ import annotations

import re

from .constraints import answer_kind
from .text import common_prefix, normalize

_AFTER_HOW_MANY = re.compile(r"(?:多少|几)(.{3,})")
_BEFORE_WHO = re.compile(r"(.{2,})(?:是谁|为谁|叫什么|的名字)")
# a transliterated name jieba does not know: 罗斯季斯拉夫·茹拉夫廖夫
_FOREIGN_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}[·•・][\u4e00-\u9fff]{2,}")
_HOW_ADJ = re.compile(r"多([高长宽深重远])")
_NUM_END = re.compile(r"[\d.,]+\s*(?:余|多)?")
# characters of the question's wording the answer must sit against: a number's unit alone
# (亿元) is shared by every amount; a role (记者, 局长) is two characters
PINPOINT_MIN = {"number": 3, "person": 2}


def _suffix(a: str, b: str) -> int:
    return common_prefix(a[::-1], b[::-1])


def number_reach(question: str, quote: str, at: int | None = None) -> int:
    """How many characters of the question's words after 多少 follow a number of the quote
    (the number at offset `at` only, when given). Asked 有多高 (多长, 多深 …), a number right
    after 高 (高度为, 高达) pinpoints it: "高297.51米", not "全长1867米"."""
    qn, q = normalize(question), normalize(quote)
    m = _AFTER_HOW_MANY.search(qn)
    adj = _HOW_ADJ.search(qn)
    if adj:
        # 高 as a word of its own ("，高297.51米") or after the thing asked about (主塔有多高:
        # 塔高); not inside another word (时长为7.40小时 is not 睡眠时间有多长)
        owner = re.search(r"([\u4e00-\u9fff]?)[有是]?$", qn[:adj.start()]).group(1)
        adj_before = r"(?:^|[^\u4e00-\u9fff]" + (f"|{re.escape(owner)}" if owner else "") + ")" + adj.group(1) \
            + r"(?:度|约|达|为|是|近|超过?)*$"
    measured = _measured(qn)
    best = 0
    for n in _NUM_END.finditer(q):
        if not n.group().strip(".,") or (at is not None and not n.start() <= at < n.end()):
            continue
        if measured and measured in q:
            best = max(best, PINPOINT_MIN["number"])
        if m:
            best = max(best, common_prefix(q[n.end():], m.group(1)))
        if adj and re.search(adj_before, q[max(0, n.start() - 6):n.start()]):
            best = max(best, PINPOINT_MIN["number"])
    return best


def _measured(qn: str) -> str | None:
    """The noun the question measures: 鸟类 in 记录到的鸟类有多少种, 中标率 in 中标率是多少."""
    m = re.search(r"(?:有|是|为|达|达到|共有|约)?(?:多少|几)", qn)
    if not m:
        return None
    import jieba.posseg as pseg
    words = list(pseg.cut(qn[:m.start()]))
    if words and words[-1].flag.startswith("n") and len(words[-1].word) >= 2:
        return words[-1].word
    return None


def name_reach(question: str, quote: str, answer: str | None = None) -> int:
    """How many characters of the question's words before 是谁 run up to a name in the quote
    that the question does not give: the model's `answer`, or else a name jieba knows (nr)."""
    qn = normalize(question)
    m = _BEFORE_WHO.search(qn)
    if not m:
        return 0
    head, q = m.group(1).rstrip("的"), normalize(quote)
    if answer is not None:
        a = normalize(answer)
        starts = [k.start() for k in re.finditer(re.escape(a), q)] if a and a not in qn else []
    else:
        from .tokenize import people
        starts = [k.start() for n in set(people(q)) if n not in qn for k in re.finditer(re.escape(n), q)]
        # where a transliterated name may begin (the run of characters before its dot has no
        # word boundary to tell)
        starts += [i for i in range(len(q)) if _FOREIGN_NAME.match(q, i) and _FOREIGN_NAME.match(q, i).group() not in qn]
    return max((_suffix(q[:i], head) for i in starts), default=0)


def reach(question: str, quote: str, answer: str | None, span: tuple[int, int] | None) -> int:
    """The candidate's pinpoint: how closely its served answer sits against the question's
    wording (0 when the question has neither shape)."""
    kind = answer_kind(question)
    if kind == "number":
        q = normalize(quote)
        if answer:
            lead = re.match(r"[\d.,]+", normalize(answer))
            at = re.search(r"(?<![\d.])" + re.escape(lead.group()), q) if lead else None
            return number_reach(question, quote, at.start()) if at else 0
        # no span to serve: the whole sentence is, and any of its numbers may be the one
        return number_reach(question, quote, span[0] if span else None)
    if kind == "person":
        return name_reach(question, quote, answer)
    return 0


def pinpointed(question: str, passing: list) -> list:
    """Of the passing candidates (rag.answerability.Candidate), those whose answer sits against
    the question's own wording (23座中小桥梁 for 多少座中小桥梁, 副司长王新武 for 副司长是谁),
    when some do; the decision then chooses among them only."""
    if len(passing) < 2:
        return passing
    from .span import answer_span
    r = {id(c): reach(question, c.quote, c.answer, None if c.answer else answer_span(question, c.quote)) for c in passing}
    top = max(r.values())
    if top < PINPOINT_MIN.get(answer_kind(question), 99):
        return passing
    kept = [c for c in passing if r[id(c)] == top]
    # the model's answer stands in the pinpointing sentence (it quoted "王伟" alone): served as
    # the short answer there, not the whole sentence
    for a in [c.answer for c in passing if c.source == "llm" and c.answer]:
        for c in kept:
            if c.answer is None and reach(question, c.quote, a, None) == top:
                c.answer = a
    return kept
