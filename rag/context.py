"""The model's context: the best-scoring sentences that fit the prompt's token budget.

Prompt processing dominates latency on a small CPU (70-95 tokens/s here, ~120 with AMX), and the
small model answers better from a few relevant sentences than from whole chunks.
"""
from __future__ import annotations

from . import prompts
from .types import Hit


def fit_context(ranked, hits: list[Hit], model, budget: int) -> tuple[list[Hit], list[list[tuple[int, int]]]]:
    """The best-scoring sentences that fit the token budget, grouped by chunk."""
    count = getattr(model, "count_tokens", None) or (lambda s: len(s))
    chosen: dict[str, list[tuple[int, int]]] = {}
    order: list[Hit] = []
    seen: set[str] = set()   # overlapping chunks repeat sentences
    used = 0
    first: dict[str, int] = {}   # article -> number of its first source line
    for _, h, a, b in ranked:
        if h.text[a:b] in seen:
            continue
        n = count(h.text[a:b]) + 1
        if h.chunk_id not in chosen:   # a new source costs its numbered line too
            n += count(prompts.source_line(len(order) + 1, h, first.get(h.article_id))) + 2
        if order and used + n > budget:
            continue
        if h.chunk_id not in chosen:
            chosen[h.chunk_id] = []
            order.append(h)
            first.setdefault(h.article_id, len(order))
        chosen[h.chunk_id].append((a, b))
        seen.add(h.text[a:b])
        used += n
    if not order:  # nothing scored (no shared terms): fall back to the top chunk
        return hits[:1], [[(0, len(hits[0].text))]]
    return order, [chosen[h.chunk_id] for h in order]
