"""Dense vectors in FAISS: inner product over L2-normalized vectors, int64 ids."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

KINDS = ("flat", "hnsw")


class FaissStore:
    """`flat` is exact; `hnsw` is approximate and takes over for large indexes.

    HNSW cannot remove vectors, so deletions there are tombstones filtered at search
    time and dropped when the graph is rebuilt.
    """

    FILE = "dense.faiss"
    TOMBS = "dense_deleted.npy"

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = 96):
        if kind not in KINDS:
            raise ValueError(f"unknown FAISS index kind {kind!r}; expected one of {KINDS}")
        self.dim, self.kind, self.ef_search = dim, kind, ef_search
        if kind == "flat":
            base = faiss.IndexFlatIP(dim)
        else:
            base = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 80
        self.index = faiss.IndexIDMap2(base)
        self.deleted: set[int] = set()

    def __len__(self) -> int:
        return int(self.index.ntotal) - len(self.deleted)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors must be (n, {self.dim}), got {vectors.shape}")
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) != len(vectors):
            raise ValueError("ids and vectors differ in length")
        if len(ids):
            self.index.add_with_ids(vectors, ids)

    def delete(self, ids) -> None:
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        if self.kind == "flat":
            self.index.remove_ids(faiss.IDSelectorBatch(ids))
        else:
            self.deleted.update(int(i) for i in ids)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, scores) for one query vector; `allowed` restricts to those ids."""
        if self.index.ntotal == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        sel = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        if self.deleted:
            dead = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.fromiter(self.deleted, np.int64)))
            sel = dead if sel is None else faiss.IDSelectorAnd(sel, dead)
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        else:
            params = faiss.SearchParameters()
        if sel is not None:
            params.sel = sel
        kk = min(k, int(self.index.ntotal))
        scores, ids = self.index.search(q, kk, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def save(self, folder: Path) -> list[str]:
        faiss.write_index(self.index, str(folder / self.FILE))
        np.save(folder / self.TOMBS, np.fromiter(sorted(self.deleted), np.int64), allow_pickle=False)
        return [self.FILE, self.TOMBS]

    @classmethod
    def load(cls, folder: Path, kind: str) -> "FaissStore":
        index = faiss.read_index(str(folder / cls.FILE))
        store = cls.__new__(cls)
        store.index, store.kind, store.dim, store.ef_search = index, kind, index.d, 96
        store.deleted = set(np.load(folder / cls.TOMBS, allow_pickle=False).tolist())
        return store
