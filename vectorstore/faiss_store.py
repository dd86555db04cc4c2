"""Dense vectors in FAISS: inner product over L2-normalized vectors, int64 ids."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

KINDS = ("flat", "hnsw", "hnsw_sq8")


class FaissStore:
    """`flat` is exact; `hnsw` is approximate; `hnsw_sq8` is HNSW over vectors stored as one
    byte per dimension (384 B instead of 1,536 B a vector: what keeps a million chunks
    within ~3 KB each), and is what large indexes switch to.

    HNSW cannot remove vectors, so deletions there are tombstones filtered at search
    time and dropped when the graph is rebuilt.
    """

    FILE = "dense.faiss"
    TOMBS = "dense_deleted.npy"

    # Measured on 136K chunks (docs/BENCHMARKS.md): efConstruction 80 / efSearch 96 found
    # only 0.79 of the exact top 10; 200 / 512 finds 0.97 at ~2 ms a query.
    EF_CONSTRUCTION = 200
    EF_SEARCH = 512

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = EF_SEARCH):
        if kind not in KINDS:
            raise ValueError(f"unknown FAISS index kind {kind!r}; expected one of {KINDS}")
        self.dim, self.kind, self.ef_search = dim, kind, ef_search
        if kind == "flat":
            base = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            base = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        else:
            base = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        if kind != "flat":
            base.hnsw.efConstruction = self.EF_CONSTRUCTION
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
            if not self.index.is_trained:
                # the quantizer learns each dimension's range from the first batch; vectors
                # are unit length, so later ones fall in nearly the same ranges
                self.index.train(vectors)
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
        if self.kind != "flat":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        else:
            params = faiss.SearchParameters()
        if sel is not None:
            params.sel = sel
        kk = min(k, int(self.index.ntotal))
        scores, ids = self.index.search(q, kk, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def copy(self) -> "FaissStore":
        """An independent copy to modify while readers keep searching this one."""
        c = FaissStore.__new__(FaissStore)
        c.dim, c.kind, c.ef_search = self.dim, self.kind, self.ef_search
        c.index, c.deleted = faiss.clone_index(self.index), set(self.deleted)
        return c

    def save(self, folder: Path) -> list[str]:
        faiss.write_index(self.index, str(folder / self.FILE))
        np.save(folder / self.TOMBS, np.fromiter(sorted(self.deleted), np.int64), allow_pickle=False)
        return [self.FILE, self.TOMBS]

    @classmethod
    def load(cls, folder: Path, kind: str) -> "FaissStore":
        index = faiss.read_index(str(folder / cls.FILE))
        store = cls.__new__(cls)
        store.index, store.kind, store.dim, store.ef_search = index, kind, index.d, cls.EF_SEARCH
        store.deleted = set(np.load(folder / cls.TOMBS, allow_pickle=False).tolist())
        return store
