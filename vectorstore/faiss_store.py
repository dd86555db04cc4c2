"""Dense vectors in FAISS: inner product over L2-normalized vectors, int64 ids."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

KINDS = ("flat", "hnsw", "hnsw_sq8", "ivf_sq8", "ivf_fp16")
IVF_KINDS = ("ivf_sq8", "ivf_fp16")


class FaissStore:
    """`flat` is exact; `hnsw` is approximate; `hnsw_sq8` is HNSW over vectors stored as one
    byte per dimension (384 B instead of 1,536 B a vector), what indexes switch to from
    50K chunks.

    `ivf_fp16` (inverted lists over k-means cells, 16-bit float vectors) takes over at the
    largest sizes: it builds in minutes where HNSW takes half an hour for a million vectors
    on two cores, and it removes vectors for real. Its cells are learned from the vectors
    present when it is created (`add` on an empty ivf store trains on that first batch).
    `ivf_sq8` (8-bit vectors) is still read, but no longer chosen: at a million chunks even
    a full scan of its 8-bit vectors finds only 0.975 of the exact top 10, fp16 0.999.

    HNSW cannot remove vectors, so deletions there are tombstones filtered at search
    time and dropped when the graph is rebuilt.
    """

    FILE = "dense.faiss"
    TOMBS = "dense_deleted.npy"

    # Measured on 136K chunks (docs/BENCHMARKS.md): efConstruction 80 / efSearch 96 found
    # only 0.79 of the exact top 10; 200 / 512 finds 0.97 at ~2 ms a query.
    EF_CONSTRUCTION = 200
    EF_SEARCH = 512
    # 1M chunks, 2,828 cells: 64 found 0.89 of the exact top 10, 384 find 0.959 (BENCHMARKS.md)
    NPROBE = 384
    TRAIN_SAMPLE = 200_000

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = EF_SEARCH):
        if kind not in KINDS:
            raise ValueError(f"unknown FAISS index kind {kind!r}; expected one of {KINDS}")
        self.dim, self.kind, self.ef_search = dim, kind, ef_search
        self.deleted: set[int] = set()
        if kind in IVF_KINDS:
            self.index = None   # created by the first add, sized to it
            return
        if kind == "flat":
            base = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            base = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        else:
            base = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        if kind != "flat":
            base.hnsw.efConstruction = self.EF_CONSTRUCTION
        self.index = faiss.IndexIDMap2(base)

    def _make_ivf(self, vectors: np.ndarray) -> None:
        n = len(vectors)
        nlist = int(min(16384, n, max(1, 4 * np.sqrt(n))))   # ~4 sqrt(N) cells, the usual rule
        quantizer = faiss.IndexFlatIP(self.dim)
        qt = faiss.ScalarQuantizer.QT_8bit if self.kind == "ivf_sq8" else faiss.ScalarQuantizer.QT_fp16
        base = faiss.IndexIVFScalarQuantizer(quantizer, self.dim, nlist, qt, faiss.METRIC_INNER_PRODUCT)
        base.by_residual = False   # codes are the vectors themselves (decodable by items())
        rng = np.random.default_rng(0)
        sample = vectors if n <= self.TRAIN_SAMPLE else vectors[rng.choice(n, self.TRAIN_SAMPLE, replace=False)]
        base.train(sample)
        # no IndexIDMap2 around it: IVF keeps our ids in its lists, and IDMap2's id table
        # goes out of step with IVF after remove_ids (IVF does not renumber what remains)
        self.index = base
        self._quantizer = quantizer   # the IVF index refers to it; keep it alive

    def __len__(self) -> int:
        return (int(self.index.ntotal) if self.index is not None else 0) - len(self.deleted)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors must be (n, {self.dim}), got {vectors.shape}")
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) != len(vectors):
            raise ValueError("ids and vectors differ in length")
        if len(ids):
            if self.index is None:
                self._make_ivf(vectors)
            if not self.index.is_trained:
                # the quantizer learns each dimension's range from the first batch; vectors
                # are unit length, so later ones fall in nearly the same ranges
                self.index.train(vectors)
            self.index.add_with_ids(vectors, ids)

    def delete(self, ids) -> None:
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return
        if self.kind == "flat" or self.kind in IVF_KINDS:
            if self.index is not None:
                self.index.remove_ids(faiss.IDSelectorBatch(ids))
        else:
            self.deleted.update(int(i) for i in ids)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, scores) for one query vector; `allowed` restricts to those ids."""
        if self.index is None or self.index.ntotal == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        sel = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        if self.deleted:
            dead = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.fromiter(self.deleted, np.int64)))
            sel = dead if sel is None else faiss.IDSelectorAnd(sel, dead)
        if self.kind in IVF_KINDS:
            params = faiss.SearchParametersIVF(nprobe=min(self.NPROBE, self.index.nlist))
        elif self.kind != "flat":
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k))
        else:
            params = faiss.SearchParameters()
        if sel is not None:
            params.sel = sel
        kk = min(k, int(self.index.ntotal))
        scores, ids = self.index.search(q, kk, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """Every stored (id, vector), tombstoned ones included; vectors as stored (8-bit
        kinds decode to approximations)."""
        if self.index is None or self.index.ntotal == 0:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        if self.kind not in IVF_KINDS:
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            return ids, self.index.index.reconstruct_n(0, self.index.ntotal)
        inv = self.index.invlists
        ids, codes = [], []
        for lst in range(self.index.nlist):
            n = inv.list_size(lst)
            if n:
                ids.append(faiss.rev_swig_ptr(inv.get_ids(lst), n).copy())
                codes.append(faiss.rev_swig_ptr(inv.get_codes(lst), n * inv.code_size).copy())
        codes = np.concatenate(codes).reshape(-1, inv.code_size)
        return np.concatenate(ids).astype(np.int64), self.index.sq.decode(codes)

    def copy(self) -> "FaissStore":
        """An independent copy to modify while readers keep searching this one."""
        c = FaissStore.__new__(FaissStore)
        c.dim, c.kind, c.ef_search = self.dim, self.kind, self.ef_search
        c.index = faiss.clone_index(self.index) if self.index is not None else None
        c.deleted = set(self.deleted)
        return c

    def save(self, folder: Path) -> list[str]:
        # an ivf store that never received a vector has no index yet: an empty one stands in
        index = self.index if self.index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        faiss.write_index(index, str(folder / self.FILE))
        np.save(folder / self.TOMBS, np.fromiter(sorted(self.deleted), np.int64), allow_pickle=False)
        return [self.FILE, self.TOMBS]

    @classmethod
    def load(cls, folder: Path, kind: str) -> "FaissStore":
        index = faiss.read_index(str(folder / cls.FILE))
        store = cls.__new__(cls)
        store.index, store.kind, store.dim, store.ef_search = index, kind, index.d, cls.EF_SEARCH
        store.deleted = set(np.load(folder / cls.TOMBS, allow_pickle=False).tolist())
        if kind in IVF_KINDS and index.ntotal == 0:
            store.index = None
        return store
