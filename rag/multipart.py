"""Questions about two things at once: "A和B分别…". Each half is asked on its own and
the answer covers both with a citation each, or says which half the articles lack.
"""
from __future__ import annotations

import re

from .text import normalize
from .types import REFUSAL_TEXT, Answer

_EACH = ("分别", "各自", "各是", "各为", "各有")


_CONJ_CHARS = "和与及、跟"
_RIGHT_END = ("的", "这次", "此次", "本次", "这两", "两家", "两地")
_CLAUSE_START = "，,。？?！!；;：:"


def split_question(question: str) -> list[tuple[str, str]] | None:
    """[(label, sub-question), (label, sub-question)] for "A和B分别…", else None.

    Character-based around the conjunction (jieba reads 和泰隆 as a name), with jieba only
    to push shared dates (8月18日 A和B…, A和B7月的…) out of the two names."""
    q = normalize(question)
    each = next((w for w in _EACH if w in q), None)
    if each is None:
        return _two_questions(question)
    pos = q.index(each)
    c = max((q.rfind(ch, 0, pos) for ch in _CONJ_CHARS), default=-1)
    if c <= 0:
        return None
    start = max(q.rfind(ch, 0, c) for ch in _CLAUSE_START) + 1
    import jieba.posseg as pseg
    # the second name ends at a clause break (截至14日和截至16日，毛伊岛大火的…: the fire is
    # both halves'), or at 的 — unless 的 follows a verb, a relative clause inside the second
    # name (新任厅长和被查的副主席)
    ends = [i for i in (q.find(ch, c + 1, pos) for ch in _CLAUSE_START) if i >= 0]
    for w in _RIGHT_END:
        i = q.find(w, c + 1, pos)
        before = list(pseg.cut(q[c + 1:i])) if i >= 0 and w == "的" else []
        if i >= 0 and not (before and before[-1].flag.startswith("v")):
            ends.append(i)
    end = min(ends + [pos])
    left, right = q[start:c], q[c + 1:end]
    lt = list(pseg.cut(left))
    lead = 0   # a date or a verb in front of the first name is shared by both halves
    while lead < len(lt) - 1 and (lt[lead].flag.startswith(("m", "t", "p", "v", "d", "r")) or lt[lead].word in "在于"):
        lead += 1
    while 0 < lead and all(t.flag.startswith(("m", "t")) for t in lt[lead - 1:]):
        lead -= 1   # the first half is itself a date (截至10日和截至12日): the date is its name
    head = q[:start] + "".join(t.word for t in lt[:lead])
    if head[-1:] in ("日", "号", "月", "年"):
        head += "，"   # 8月18日蒙草生态 is cut 日蒙草 by jieba; a comma keeps the name whole
    left = "".join(t.word for t in lt[lead:])
    if right.startswith(head[start:]) and len(head) > start:
        right = right[len(head) - start:]   # 截至A和截至B: the shared 截至 is not said twice
    rt = list(pseg.cut(right))
    trail = len(rt)   # 北京7月: the month after the second name is shared too
    while trail > 1 and rt[trail - 1].flag.startswith(("m", "t")) and any(ch.isdigit() or ch in "年月日号季" for ch in rt[trail - 1].word):
        trail -= 1
    is_date = all(t.flag.startswith(("m", "t")) for t in rt[:trail])
    if is_date:
        trail = len(rt)   # the second half is itself a date (截至8月16日): nothing after it is shared
    shared_tail = "".join(t.word for t in rt[trail:])
    right = "".join(t.word for t in rt[:trail])
    if not left or not right:
        return None
    # 第一届和第二届论坛: an ordinal on the left shares the right's head noun
    if all(t.flag.startswith("m") for t in lt[lead:]) and len(rt[:trail]) > 1 and not is_date:
        left += "".join(t.word for t in rt[1:trail])
    # 分别/各自 go; of 各是/各有 only 各 goes (是, 有 carry the question)
    tail = shared_tail + q[end:].replace(each, each if each in ("分别", "各自") else each[1], 1)
    tail = tail.replace("分别", "").replace("各自", "")
    return [(_as_asked(question, q, left), head + left + tail), (_as_asked(question, q, right), head + right + tail)]


_ASKS = re.compile(r"多少|什么|哪|谁|几|何时|何地|怎样|怎么|是否|吗")


def _two_questions(question: str) -> list[tuple[str, str]] | None:
    """Two questions in one message ("X罚款多少？Y又受到了什么处理？"): each is asked on its
    own, labelled by itself. Only when each half names something of its own (a noun):
    "成立了多少年？哪一年上市？" leans on the first half and stays one question."""
    halves = [h.strip() for h in re.split(r"(?<=[？?])", question) if h.strip()]
    if len(halves) != 2 or not all(_ASKS.search(normalize(h)) for h in halves):
        return None
    from .checks import question_nouns
    if not all(question_nouns(h) for h in halves):
        return None
    return [(h.rstrip("？? "), h) for h in halves]


def _as_asked(question: str, norm: str, label: str) -> str:
    """The half's label in the reader's own writing (LC 500h, 漳州 in 繁體), not normalized."""
    i = norm.find(label)
    if i < 0 or len(norm) != len(question):
        return label
    return question[i:i + len(label)]


def combine(question: str, parts: list[tuple[str, Answer]]) -> Answer:
    """One Answer over the halves: each answered half with its own citation numbers; a
    half the articles lack is named, not dropped silently."""
    texts, cites, notes, contexts = [], [], [], []
    missing = []
    for label, a in parts:
        contexts.extend(h for h in a.contexts if h not in contexts)
        notes.extend(f"{label}：{n}" for n in a.notes)
        if a.refused:
            missing.append(label)
            texts.append(f"{label}：资料中没有找到")
            continue
        shift = len(cites)
        text = a.text
        for c in sorted(a.citations, key=lambda c: -c.n):   # renumber from the highest so [1] -> [2] never collides
            text = text.replace(f"[{c.n}]", f"[{c.n + shift}]")
        for c in a.citations:
            c.n += shift
        cites.extend(a.citations)
        texts.append(f"{label}：{text}")
    refused = len(missing) == len(parts)
    timings = {k: sum(a.timings.get(k, 0.0) for _, a in parts) for k in ("retrieve_ms", "generate_ms", "total_ms")}
    reason = ("资料中没有" + "、".join(missing) + "的相关信息") if missing else "both halves answered"
    return Answer(question=question, text=REFUSAL_TEXT if refused else "；".join(texts), citations=cites,
                  refused=refused, contexts=contexts, model=parts[0][1].model, timings=timings, notes=notes,
                  decision={"stage": "multipart", "refused": refused, "reason": reason,
                            "parts": [{"label": label, "question": a.question, "decision": a.decision} for label, a in parts]})
