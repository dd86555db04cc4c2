"""What the index needs from a storage backend, and the registry that picks one.

Three small store protocols (dense vectors, BM25 postings with the term statistics that
retrieval and verification use, articles with their chunk offsets), and the two objects a
backend hands to rag/index.py: a read-only `StoreSnapshot` of one committed generation
and a `StoreWriter` that stages the next one. rag/ only ever sees these protocols; a new
backend is a module here plus one line in BACKENDS.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# name -> "module:Class"; imported on first use so optional clients (pymilvus) stay optional
BACKENDS = {
    "faiss": "vectorstore.faiss_backend:FaissBackend",
    "milvus": "vectorstore.milvus_store:MilvusBackend",
}


class StoreUnavailable(Exception):
    """The backend's store cannot be reached or opened (server down, Lite file held by
    another process, client library missing); str() says which and where."""


@runtime_checkable
class DenseStore(Protocol):
    dim: int
    kind: str

    def __len__(self) -> int: ...
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...
    def delete(self, ids) -> None: ...
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...


@runtime_checkable
class SparseStore(Protocol):
    def __len__(self) -> int: ...
    def add(self, ids, docs: list[list[str]]) -> None: ...
    def delete(self, ids) -> None: ...
    def search(self, query: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...
    def idf(self, term: str) -> float | None: ...
    def doc_share(self, term: str) -> float: ...


@runtime_checkable
class ArticleStore(Protocol):
    """Articles (full body, metadata, content hash, near-duplicate signature) and their
    chunks as offsets: a chunk's text is always body[start:end] of its article."""

    def close(self) -> None: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def next_ids(self, n: int) -> np.ndarray: ...
    def add(self, article, chunks, minhash: np.ndarray | None, bands: list[int] | None = None) -> np.ndarray: ...
    def delete_article(self, article_id: str) -> np.ndarray: ...
    def hits(self, ids) -> dict[int, dict]: ...
    def neighborhood(self, article_id: str, n: int, radius: int = 1) -> str: ...
    def article(self, article_id: str) -> dict | None: ...
    def articles(self) -> list[dict]: ...
    def hash_of(self, article_id: str) -> str | None: ...
    def id_by_hash(self, h: str) -> str | None: ...
    def near_candidates(self, bands: list[int]) -> tuple[list[str], np.ndarray]: ...
    def backfill_lsh(self, band_keys) -> None: ...
    def minhashes(self) -> tuple[list[str], np.ndarray]: ...
    def counts(self) -> dict: ...
    def all_chunk_ids(self) -> np.ndarray: ...
    def chunk_ids_where(self, date_from: str | None, date_to: str | None,
                        article_ids: list[str] | None) -> np.ndarray: ...
    # reprint grouping (an article published again elsewhere points at its canonical copy)
    def add_reprint(self, canonical_id: str, reprint: dict) -> None: ...
    def reprints(self, article_id: str) -> list[dict]: ...
    def reprint_groups(self) -> int: ...


@dataclass
class Fused:
    """One fused result: chunk id, fused score, and (rank, score) in each channel when the
    backend knows them."""
    id: int
    score: float
    dense: tuple[int, float] | None = None
    bm25: tuple[int, float] | None = None


@dataclass
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    article_ids: list[str] | None = None

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.article_ids)


class StoreSnapshot(Protocol):
    """The stores of one committed generation, read-only."""
    articles: ArticleStore
    kind: str            # the dense index kind, recorded in the manifest

    def counts(self) -> dict[str, int]: ...          # {"chunks", "dense", "bm25"}
    def hybrid_search(self, query_vec: np.ndarray | None, query_tokens: list[str] | None, k: int, depth: int,
                      filters: Filters | None, weights: tuple[float, float], rrf_k: int) -> list[Fused]: ...
    def idf(self, term: str) -> float | None: ...
    def doc_share(self, term: str) -> float: ...
    def close(self) -> None: ...


class StoreWriter(Protocol):
    """Stages the next generation; nothing it does is visible to readers before commit."""
    articles: ArticleStore

    def add(self, ids: np.ndarray, vectors: np.ndarray, docs: list[list[str]]) -> None: ...
    def delete(self, ids: np.ndarray) -> None: ...
    def commit(self, stage: Path) -> tuple[list[str], dict]: ...   # (files in stage, manifest fields)
    def published(self, gen: Path, manifest: dict) -> StoreSnapshot: ...
    def finish(self) -> None: ...     # after the generation is current: drop what it replaced
    def abort(self) -> None: ...


class Backend(Protocol):
    name: str

    def open(self, gen: Path, manifest: dict) -> StoreSnapshot: ...
    def writer(self, stage: Path, base: StoreSnapshot | None, dim: int, previous: dict | None) -> StoreWriter: ...
    def readable_articles(self) -> ArticleStore: ...   # for `rag reindex`: the newest intact article store
    def describe(self) -> dict: ...                    # {"backend": ..., "uri": ...} for `rag stats`
    def close(self) -> None: ...                       # let go of connections (a Lite file admits one process)


def get_backend(name: str, index_dir: Path, uri: str = "", token: str | None = None) -> Backend:
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown storage backend {name!r}; expected one of {sorted(BACKENDS)}") from None
    mod, cls = target.split(":")
    return getattr(importlib.import_module(mod), cls)(Path(index_dir), uri=uri, token=token)


def rrf(channels: dict[str, tuple[np.ndarray, np.ndarray]], weights: dict[str, float], rrf_k: int,
        k: int) -> list[Fused]:
    """Weighted reciprocal-rank fusion; ties broken by chunk id so results are reproducible."""
    ranks: dict[int, dict[str, tuple[int, float]]] = {}
    for name, (ids, scores) in channels.items():
        for r, (i, s) in enumerate(zip(ids.tolist(), scores.tolist()), 1):
            ranks.setdefault(i, {})[name] = (r, s)
    fused = []
    for i, rs in ranks.items():
        score = sum(weights[name] / (rrf_k + rs[name][0]) for name in weights if name in rs)
        fused.append((score, i))
    fused.sort(key=lambda t: (-t[0], t[1]))
    return [Fused(i, s, ranks[i].get("dense"), ranks[i].get("bm25")) for s, i in fused[:k]]
