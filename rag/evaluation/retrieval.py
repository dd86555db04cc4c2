"""Retrieval evaluation on SQuAD-style files: chunk- and article-level recall and MRR."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from .. import paths
from ..config import Config
from ..index import Index
from ..retriever import search
from .metrics import percentiles, ranks_to_metrics
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


def run_retrieval(ix: Index, questions: list[Question], k: int = 10,
                  on_result: Callable[[Question, list, float], None] | None = None) -> dict:
    chunk_ranks, art_ranks, lat = [], [], []
    for q in questions:
        t = time.perf_counter()
        hits = search(ix, q.question, k)
        ms = (time.perf_counter() - t) * 1000
        lat.append(ms)
        c, a = first_relevant(hits, q)
        chunk_ranks.append(c)
        art_ranks.append(a)
        if on_result:
            on_result(q, hits, ms)
    p = percentiles(lat)
    return {"n": len(questions), **ranks_to_metrics(chunk_ranks),
            "article": ranks_to_metrics(art_ranks),
            "latency_ms": {"retrieve_p50": p["p50"], "retrieve_p95": p["p95"]}}
