"""Questions about two things at once: "A和B分别…". Each half is asked on its own and
the answer covers both with a citation each, or says which half the articles lack.
"""
from __future__ import annotations

from .text import normalize
from .types import REFUSAL_TEXT, Answer

_CONJ = {"和", "与", "及", "、", "跟", "以及"}
_EACH = ("分别", "各自", "各是", "各为", "各有")
# parts of speech a named thing is made of (jieba): nouns, names, numbers/ordinals, Latin words
_NOUNISH = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "m", "eng", "j", "vn", "an", "q")


def split_question(question: str) -> list[tuple[str, str]] | None:
    """[(label, sub-question), (label, sub-question)] for "A和B分别…", else None."""
    q = normalize(question)
    each = next((w for w in _EACH if w in q), None)
    if each is None:
        return None
    import jieba.posseg as pseg
    toks = [(w, f) for w, f in pseg.cut(q)]
    words = [w for w, _ in toks]
    pos, at, stop = q.index(each), 0, len(toks)
    for i, w in enumerate(words):
        if at >= pos:
            stop = i
            break
        at += len(w)
    conj = [i for i in range(stop) if words[i] in _CONJ]
    if not conj:
        return None
    c = conj[-1]
    lo = c
    while lo > 0 and toks[lo - 1][1].startswith(_NOUNISH) and toks[lo - 1][0] not in _CONJ:
        lo -= 1
    # the right-hand thing runs to 的 or to 分别; a date after a name (北京7月) is shared by both
    hi = c + 1
    while hi < stop and not toks[hi][1].startswith("u") and toks[hi][0] not in _CONJ:
        hi += 1
    while hi - 1 > c + 1 and toks[hi - 1][1].startswith("m") and not toks[c + 1][1].startswith("m"):
        hi -= 1
    left, right = "".join(words[lo:c]), "".join(words[c + 1:hi])
    if not left or not right:
        return None
    # 第一届和第二届论坛: the ordinal on the left shares the right's head noun
    if all(f.startswith("m") for _, f in toks[lo:c]) and hi - (c + 1) > 1:
        left += "".join(words[c + 2:hi])
    # 分别/各自 go; of 各是/各有 only 各 goes (是, 有 carry the question)
    head, tail = "".join(words[:lo]), "".join(words[hi:]).replace(each, each if each in ("分别", "各自") else each[1], 1)
    tail = tail.replace("分别", "").replace("各自", "")
    return [(left, head + left + tail), (right, head + right + tail)]


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
