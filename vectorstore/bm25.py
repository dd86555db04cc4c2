"""BM25 over pre-tokenized documents, stored as sparse arrays (npy, no pickle).

Documents are kept doc-major (CSR) so adding and deleting are array appends and
masks; the term-major view that search needs is derived lazily after a change.
Scoring is Lucene's BM25 (idf = ln(1 + (N - df + .5) / (df + .5))).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse


class BM25Store:
    FILES = ("bm25_ids.npy", "bm25_indptr.npy", "bm25_terms.npy", "bm25_tf.npy", "bm25_vocab.json")

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.ids = np.zeros(0, np.int64)
        self.indptr = np.zeros(1, np.int64)
        self.terms = np.zeros(0, np.int32)
        self.tf = np.zeros(0, np.float32)
        self._csc = None

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids, docs: list[list[str]]) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) != len(docs):
            raise ValueError("ids and docs differ in length")
        rows_t, rows_f, lens = [], [], []
        for toks in docs:
            c = Counter(toks)
            tids = [self.vocab.setdefault(t, len(self.vocab)) for t in c]
            rows_t.append(np.asarray(tids, np.int32))
            rows_f.append(np.asarray(list(c.values()), np.float32))
            lens.append(len(c))
        if not len(ids):
            return
        self.ids = np.concatenate([self.ids, ids])
        self.indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(lens)])
        self.terms = np.concatenate([self.terms, *rows_t])
        self.tf = np.concatenate([self.tf, *rows_f])
        self._csc = None

    def delete(self, ids) -> None:
        dead = np.isin(self.ids, np.asarray(list(ids), dtype=np.int64))
        if not dead.any():
            return
        lens = np.diff(self.indptr)
        keep_nz = np.repeat(~dead, lens)
        self.terms, self.tf = self.terms[keep_nz], self.tf[keep_nz]
        self.ids = self.ids[~dead]
        self.indptr = np.concatenate([[0], np.cumsum(lens[~dead])]).astype(np.int64)
        self._csc = None

    def _matrix(self):
        if self._csc is None:
            n = len(self.ids)
            m = sparse.csr_matrix((self.tf, self.terms, self.indptr), shape=(n, max(len(self.vocab), 1)))
            doc_len = np.asarray(m.sum(axis=1)).ravel()
            avgdl = doc_len.mean() if n else 1.0
            df = np.bincount(self.terms, minlength=m.shape[1])
            self._df = df
            self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            self._norm = (self.k1 * (1 - self.b + self.b * doc_len / max(avgdl, 1e-9))).astype(np.float32)
            self._csc = m.tocsc()
        return self._csc

    def search(self, query: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.ids) or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        m = self._matrix()
        scores = np.zeros(len(self.ids), np.float32)
        for t in set(query):
            tid = self.vocab.get(t)
            if tid is None:
                continue
            a, b = m.indptr[tid], m.indptr[tid + 1]
            rows, f = m.indices[a:b], m.data[a:b]
            scores[rows] += self._idf[tid] * f * (self.k1 + 1) / (f + self._norm[rows])
        if allowed is not None:
            scores[~np.isin(self.ids, allowed)] = 0
        nz = np.flatnonzero(scores > 0)
        if not len(nz):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if len(nz) > k:  # common terms touch most documents: select before sorting
            nz = nz[np.argpartition(-scores[nz], k - 1)[:k]]
        top = nz[np.argsort(-scores[nz], kind="stable")]
        return self.ids[top], scores[top]

    def copy(self) -> "BM25Store":
        """An independent copy: arrays are only ever replaced, never written in place, so
        sharing them is safe; the vocabulary grows in place and is copied."""
        c = BM25Store(self.k1, self.b)
        c.vocab = dict(self.vocab)
        c.ids, c.indptr, c.terms, c.tf = self.ids, self.indptr, self.terms, self.tf
        return c

    def idf(self, term: str) -> float | None:
        """The term's idf in the live documents; None if no live document has it."""
        tid = self.vocab.get(term)
        if tid is None:
            return None
        self._matrix()
        if tid >= len(self._df) or self._df[tid] == 0:
            return None
        return float(self._idf[tid])

    def doc_share(self, term: str) -> float:
        """Fraction of live documents containing the term (0 for an unknown term)."""
        tid = self.vocab.get(term)
        if tid is None or not len(self.ids):
            return 0.0
        self._matrix()
        return float(self._df[tid]) / len(self.ids) if tid < len(self._df) else 0.0

    def save(self, folder: Path) -> list[str]:
        for name, arr in zip(self.FILES, (self.ids, self.indptr, self.terms, self.tf)):
            np.save(folder / name, arr, allow_pickle=False)
        terms = [None] * len(self.vocab)
        for t, i in self.vocab.items():
            terms[i] = t
        (folder / self.FILES[4]).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        return list(self.FILES)

    @classmethod
    def load(cls, folder: Path, k1: float = 1.2, b: float = 0.75) -> "BM25Store":
        s = cls(k1, b)
        s.ids, s.indptr, s.terms, s.tf = (np.load(folder / n, allow_pickle=False) for n in cls.FILES[:4])
        terms = json.loads((folder / cls.FILES[4]).read_text(encoding="utf-8"))
        s.vocab = {t: i for i, t in enumerate(terms)}
        return s
