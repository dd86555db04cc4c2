"""Hybrid retrieval: jieba-BM25 and dense vectors, fused by weighted reciprocal rank in the
storage backend (FAISS files, or Milvus' own hybrid search)."""
from __future__ import annotations

from typing import Any

from vectorstore.base import Filters

from .errors import InputError
from .index import Index
from .text import match_form
from .tokenize import tokenize
from .types import Hit


def check_question(q: str, limit: int) -> str:
    if q is None or not str(q).strip():
        raise InputError("the question is empty")
    q = str(q).strip()
    if len(q) > limit:
        raise InputError(f"the question is {len(q)} characters long; the limit is {limit}")
    return q


def search(index: Index, query: str, k: int | None = None, *, date_from: str | None = None,
           date_to: str | None = None, article_ids: list[str] | None = None, dense_only: bool = False) -> list[Hit]:
    """The top k chunks for `query`. `dense_only` drops the keyword channel: for a question
    in another language than the articles, its words match only the few articles in that
    language, never the answer's (docs/EVALS.md, tenth session)."""
    cfg = index.config
    query = check_question(query, cfg.max_question_chars)
    k = k or cfg.k
    snap = index.snapshot()
    depth = max(cfg.candidates, k)
    weights = (cfg.dense_weight, 0.0 if dense_only and cfg.dense_weight > 0 else cfg.bm25_weight)
    # each channel runs only when it counts; the backend fuses (RRF) where its data lives
    qv = index.embedder.embed_batch([match_form(query)], "query")[0] if weights[0] > 0 else None
    tokens = tokenize(query) if weights[1] > 0 else None
    filters = Filters(date_from, date_to, list(article_ids) if article_ids else None)
    top = snap.store.hybrid_search(qv, tokens, k, depth, filters, weights, cfg.rrf_k)
    rows = snap.chunks.hits([f.id for f in top])
    hits = []
    for f in top:
        row = rows.get(f.id)
        if row is None:  # the stores disagree: verified at open, so this is a bug
            continue
        d, b = f.dense, f.bm25
        hits.append(Hit(chunk_id=f"{row['article_id']}#{row['n']}", article_id=row["article_id"],
                        title=row["title"], date=row["date"], start=row["start"], end=row["end"],
                        text=row["text"], score=f.score, dense_rank=d and d[0], bm25_rank=b and b[0],
                        dense_score=d and d[1], bm25_score=b and b[1]))
    return hits


def fuse(lists: list[list[Hit]], k: int, rrf_k: int = 60) -> list[Hit]:
    """Reciprocal-rank fusion of result lists for the same question asked two ways; a
    chunk found by several keeps the first list's Hit (its scores)."""
    score: dict[str, float] = {}
    first: dict[str, Hit] = {}
    for hits in lists:
        for rank, h in enumerate(hits):
            score[h.chunk_id] = score.get(h.chunk_id, 0.0) + 1.0 / (rrf_k + rank + 1)
            first.setdefault(h.chunk_id, h)
    order = sorted(score, key=lambda c: -score[c])   # stable: ties keep first-seen order
    return [first[c] for c in order[:k]]


def as_langchain_retriever(index: Index, k: int | None = None, **filters):
    """A langchain-core BaseRetriever over this index, for use in any LCEL chain."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from pydantic import ConfigDict

    class NewsRetriever(BaseRetriever):
        model_config = ConfigDict(arbitrary_types_allowed=True)
        index: Any
        k: int | None = None
        filters: dict = {}

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return [Document(page_content=h.text, id=h.chunk_id,
                             metadata={"article_id": h.article_id, "title": h.title, "date": h.date,
                                       "chunk_id": h.chunk_id, "start": h.start, "end": h.end, "score": h.score})
                    for h in search(self.index, query, self.k, **self.filters)]

    return NewsRetriever(index=index, k=k, filters=filters)
