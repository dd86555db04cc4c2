"""Isolated eval indexes for SQuAD-style files, and which retrieved chunk holds the gold span."""
from __future__ import annotations

from pathlib import Path

from .. import paths
from ..config import Config
from ..index import Index
from .squad import Question, file_key


def eval_index(source: Path, articles, config: Config, progress=None) -> Index:
    """An isolated index of a file's passages, cached by file content and index settings."""
    ident = "-".join(str(v) for v in config.index_identity().values()).replace("/", "_").replace(":", "_")
    d = paths.home() / "eval-indexes" / f"{Path(source).stem}-{file_key(source)}-{ident}"[:150]
    ix = Index(d, config=config)
    if not ix.exists:
        ix.add_articles(articles, progress=progress, dedup=False)
    return ix


def first_relevant(hits, q: Question) -> tuple[int | None, int | None]:
    chunk_rank = art_rank = None
    for r, h in enumerate(hits, 1):
        if h.article_id != q.article_id:
            continue
        art_rank = art_rank or r
        if any(h.start <= s and e <= h.end for s, e in q.spans):
            chunk_rank = r
            break
    return chunk_rank, art_rank
