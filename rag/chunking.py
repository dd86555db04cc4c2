"""Chinese-aware chunking on sentence boundaries, with exact char offsets."""
from __future__ import annotations

from .text import sentence_spans, split_long
from .types import Article, Chunk


def chunk_article(article: Article, size: int = 300, overlap: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of about `size` chars.

    Each chunk after the first repeats the last `overlap` sentences of the previous one
    so that a fact straddling a boundary is whole in at least one chunk.
    """
    body = article.body
    sents: list[tuple[int, int]] = []
    for a, b in sentence_spans(body):
        sents.extend(split_long(body, a, b, size) if b - a > size else [(a, b)])
    chunks: list[Chunk] = []
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
