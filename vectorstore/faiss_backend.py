"""The local backend: FAISS vectors, numpy BM25 postings and the SQLite article store, all
files inside the generation folder (so the generation commit makes them current together).

The dense index follows corpus size: exact search, then HNSW over 8-bit vectors from
HNSW_FROM chunks, then IVF over 16-bit vectors from IVF_FROM (docs/BENCHMARKS.md).
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np

from .base import ArticleStore, Filters, Fused, rrf
from .bm25 import BM25Store
from .chunkstore import ChunkStore
from .faiss_store import IVF_KINDS, FaissStore
from .generations import CorruptGeneration

HNSW_FROM = 50_000       # chunks; below this exact search is fast enough (docs/BENCHMARKS.md)
IVF_FROM = 500_000       # chunks; HNSW's build cost grows past what 2 cores do in minutes


class FaissSnapshot:
    def __init__(self, gen: Path, manifest: dict, dense: FaissStore | None = None, bm25: BM25Store | None = None):
        """`dense`/`bm25` given: the stores a writer just committed to `gen`, still in memory."""
        self.gen = gen
        try:
            self.articles = ChunkStore(gen / ChunkStore.FILE, readonly=True)
        except sqlite3.DatabaseError as e:
            raise CorruptGeneration(f"{gen}/{ChunkStore.FILE}: {e}") from e
        self.dense = dense if dense is not None else FaissStore.load(gen, manifest["dense_kind"])
        self.bm25 = bm25 if bm25 is not None else BM25Store.load(gen)
        self.kind = self.dense.kind

    def counts(self) -> dict[str, int]:
        return {"chunks": self.articles.counts()["chunks"], "dense": len(self.dense), "bm25": len(self.bm25)}

    def hybrid_search(self, query_vec, query_tokens, k, depth, filters: Filters | None,
                      weights: tuple[float, float], rrf_k: int) -> list[Fused]:
        allowed = None
        if filters:
            allowed = self.articles.chunk_ids_where(filters.date_from, filters.date_to, filters.article_ids)
            if not len(allowed):
                return []
        channels = {}
        if weights[0] > 0 and query_vec is not None:
            channels["dense"] = self.dense.search(query_vec, depth, allowed)
        if weights[1] > 0 and query_tokens is not None:
            channels["bm25"] = self.bm25.search(query_tokens, depth, allowed)
        return rrf(channels, {"dense": weights[0], "bm25": weights[1]}, rrf_k, k)

    def idf(self, term: str) -> float | None:
        return self.bm25.idf(term)

    def doc_share(self, term: str) -> float:
        return self.bm25.doc_share(term)

    def close(self) -> None:
        self.articles.close()


class FaissWriter:
    def __init__(self, stage: Path, base: FaissSnapshot | None, dim: int):
        if base is not None:
            # The snapshot's stores are verified and in memory: copying them beats
            # re-reading and re-parsing their files (the difference grows with the index).
            shutil.copy2(base.gen / ChunkStore.FILE, stage / ChunkStore.FILE)
            self.dense = base.dense.copy()
            self.bm25 = base.bm25.copy()
        else:
            self.dense = FaissStore(dim, "flat")
            self.bm25 = BM25Store()
        self.articles = ChunkStore(stage / ChunkStore.FILE)

    def add(self, ids, vectors, docs) -> None:
        self.dense.add(ids, vectors)
        self.bm25.add(ids, docs)

    def delete(self, ids) -> None:
        self.dense.delete(ids)
        self.bm25.delete(ids)

    def commit(self, stage: Path) -> tuple[list[str], dict]:
        self.articles.commit()
        counts = self.articles.counts()
        self.articles.close()
        if self.dense.kind not in IVF_KINDS and len(self.dense) >= IVF_FROM:
            self.dense = _convert(self.dense, "ivf_fp16")
        elif self.dense.kind == "flat" and len(self.dense) >= HNSW_FROM:
            self.dense = _convert(self.dense, "hnsw_sq8")
        files = [ChunkStore.FILE, *self.dense.save(stage), *self.bm25.save(stage)]
        return files, {"dense_kind": self.dense.kind,
                       "counts": {**counts, "dense": len(self.dense), "bm25": len(self.bm25)}}

    def published(self, gen: Path, manifest: dict) -> FaissSnapshot:
        # The files were checksummed as they were committed; what we hold in memory is
        # what they contain, so readers in this process switch over without a reload.
        return FaissSnapshot(gen, manifest, self.dense, self.bm25)

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        try:
            if self.articles.db.in_transaction:
                self.articles.db.execute("ROLLBACK")
        except sqlite3.ProgrammingError:
            pass   # already committed and closed: the generation commit is what failed
        self.articles.close()


class FaissBackend:
    name = "faiss"

    def __init__(self, index_dir: Path, uri: str = "", token: str | None = None):
        self.index_dir = index_dir

    def open(self, gen: Path, manifest: dict) -> FaissSnapshot:
        return FaissSnapshot(gen, manifest)

    def writer(self, stage: Path, base: FaissSnapshot | None, dim: int, previous: dict | None) -> FaissWriter:
        return FaissWriter(stage, base, dim)

    def readable_articles(self) -> ArticleStore:
        gens = sorted((p for p in self.index_dir.glob("gen-*") if not p.name.endswith(".tmp")), reverse=True)
        for g in gens:
            try:
                cs = ChunkStore(g / ChunkStore.FILE, readonly=True)
                if cs.db.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                    return cs
                cs.close()
            except sqlite3.DatabaseError:
                continue
        raise CorruptGeneration(f"no readable article store under {self.index_dir}; re-ingest the source files")

    def describe(self) -> dict:
        return {"backend": self.name, "uri": str(self.index_dir)}

    def close(self) -> None:
        pass


def _convert(old: FaissStore, kind: str) -> FaissStore:
    """The same live vectors in another kind of FAISS index (tombstones dropped)."""
    ids, vecs = old.items()
    if old.deleted:
        live = ~np.isin(ids, np.fromiter(old.deleted, np.int64))
        ids, vecs = ids[live], vecs[live]
    new = FaissStore(old.dim, kind)
    new.add(ids, vecs)
    return new
