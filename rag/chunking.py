"""Chinese-aware chunking on sentence boundaries, with exact char offsets."""
from __future__ import annotations

from .boilerplate import boilerplate_spans, kept_ranges
from .text import sentence_spans, split_long
from .types import Article, Chunk


def _wordy(s: str) -> bool:
    return any(c.isalnum() for c in s)


def chunk_article(article: Article, size: int = 300, overlap: int = 1,
                  skip_boilerplate: bool = True) -> list[Chunk]:
    """Pack whole sentences into chunks of about `size` chars.

    Each chunk after the first repeats the last `overlap` sentences of the previous one
    so that a fact straddling a boundary is whole in at least one chunk. Boilerplate spans
    (rag/boilerplate.py) are gaps: no chunk contains or crosses one, and body[start:end]
    is still exactly each chunk's text.
    """
    body = article.body
    ranges = kept_ranges(body, boilerplate_spans(body)) if skip_boilerplate else [(0, len(body))]
    chunks: list[Chunk] = []
    for lo, hi in ranges:
        sents: list[tuple[int, int]] = []
        for a, b in sentence_spans(body, lo, hi):
            if _wordy(body[a:b]):
                sents.extend(split_long(body, a, b, size) if b - a > size else [(a, b)])
        i = 0
        while i < len(sents):
            j = i
            while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= size:
                j += 1
            a, b = sents[i][0], sents[j][1]
            chunks.append(Chunk(article.id, len(chunks), a, b, body[a:b]))
            if j + 1 >= len(sents):
                break
            i = max(j + 1 - overlap, i + 1)
    return chunks
