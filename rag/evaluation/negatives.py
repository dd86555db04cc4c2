"""Gold-removed twins: each SQuAD-style question asked again with every passage that holds
one of its gold answers filtered out at query time (no re-index), so it must be refused.

Filtering only the gold passage is not enough: a gold answer string also occurs in
another passage for 23% of CMRC 2018 dev and 49% of DRCD dev questions. The passages of
the same article that lack the answer stay in, as topical distractors. The index's term
statistics still count the filtered passages (a filter, not a deletion), which makes the
twin slightly harder to refuse than a truly missing passage.
"""
from __future__ import annotations

from ..text import normalize
from .metrics import contains

GOLD_REMOVED = "gold_removed"


def excluded_passages(answers: list[str], bodies: dict[str, str]) -> set[str]:
    """Ids of every passage whose text holds one of the gold answers (normalized)."""
    golds = [normalize(a) for a in answers if a.strip()]
    return {pid for pid, body in bodies.items() if any(g in body for g in golds)}


def normalized_bodies(articles) -> dict[str, str]:
    return {a.id: normalize(a.body) for a in articles}


def sweep(rows: list[dict], steps: int = 19) -> list[dict]:
    """Refusal recall (gold-removed side), false refusals and accuracy (normal side) had the
    decision threshold been t, from each row's recorded decision score.

    A row settled before the decision stage (no article matched, a noun absent from every
    article, the model said no) stays refused at every t; otherwise the served or best
    candidate is answered when its score >= t, and counts as correct on the normal side
    when its quote holds a gold answer."""
    pos = [r for r in rows if r.get("answerable") and "decision" in r]
    neg = [r for r in rows if not r.get("answerable") and "decision" in r]
    if not pos or not neg:
        return []

    def answered(r: dict, t: float) -> bool:
        d = r["decision"] or {}
        if d.get("stage") != "decide" or d.get("score") is None:
            return not r.get("refused", True)      # settled before the decision: the same at any t
        if (d.get("candidate") or {}).get("blocked"):
            return False                           # contradicts the question's year at any t
        return d["score"] >= t

    def correct(r: dict) -> bool:
        c = (r["decision"] or {}).get("candidate") or {}
        return bool(c) and contains(c.get("quote", ""), r.get("gold") or [])

    out = []
    for i in range(1, steps + 1):
        t = round(i / (steps + 1), 3)
        fr = sum(not answered(r, t) for r in pos) / len(pos)
        rr = sum(not answered(r, t) for r in neg) / len(neg)
        acc_pos = sum(answered(r, t) and correct(r) for r in pos) / len(pos)
        out.append({"threshold": t, "refusal_recall": round(rr, 4), "false_refusal": round(fr, 4),
                    "containment": round(acc_pos, 4)})
    return out
