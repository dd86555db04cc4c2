"""A reproducible scale corpus: real news and encyclopedia sentences, recombined into new articles.

    from bench.scale_corpus import generate
    for article in generate(100_000, seed=0): ...

The sentence pool is every sentence of corpus/ and of the CMRC 2018 and DRCD dev passages
(~60K sentences, simplified and traditional script). Each generated article starts from one
real passage's sentences in order and swaps about a third of them for random pool sentences,
so term statistics, lengths and scripts are real while the articles are new. The same seed
gives the same articles on any machine. Target size is in chunks of ~300 characters, the
default chunking, so `generate(100_000)` yields about 100K chunks.

`HashEmbedder` is the stand-in for e5 at 100K and 1M chunks, where embedding on 2 cores would
take hours: character bigrams hashed into 2^14 buckets, then a fixed random projection to 384
dimensions. It is content-dependent (similar texts get similar vectors), which matters for
measuring an approximate index's recall against exact search.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.evaluation.squad import load_squad  # noqa: E402
from rag.loaders import iter_files, load_file  # noqa: E402
from rag.text import match_form, sentence_spans  # noqa: E402
from rag.types import Article  # noqa: E402

SHARED = ROOT.parent / "shared" / "evals"
CHUNK_CHARS = 300


@functools.lru_cache(maxsize=1)
def passages() -> list[tuple[str, list[str]]]:
    """(title, sentences) for every source passage, in a fixed order."""
    arts = [a for f in iter_files([ROOT / "corpus"])[0] for a in load_file(f).articles]
    for name in ("cmrc2018_dev.json", "drcd_dev.json"):
        if (SHARED / name).exists():
            arts += load_squad(SHARED / name)[0]
    out = []
    for a in arts:
        sents = [a.body[s:e] for s, e in sentence_spans(a.body)]
        sents = [s for s in sents if s.strip()]
        if sents:
            out.append((a.title, sents))
    return out


def generate(chunks: int, seed: int = 0, start: int = 0) -> Iterator[Article]:
    """Articles until about `chunks` chunks of ~300 characters have been produced."""
    pool = passages()
    flat = [s for _, ss in pool for s in ss]
    rng = np.random.default_rng(seed)
    made, i = 0.0, start
    while made < chunks:
        title, sents = pool[int(rng.integers(len(pool)))]
        take = int(rng.integers(3, 16))
        first = int(rng.integers(max(1, len(sents) - take + 1)))
        body = []
        for s in sents[first:first + take]:
            body.append(flat[int(rng.integers(len(flat)))] if rng.random() < 0.35 else s)
        text = "".join(body)
        day = int(rng.integers(0, 7 * 365))
        yield Article(id=f"s{i:07d}", title=f"{title}（{i}）", body=text,
                      date=str(np.datetime64("2020-01-01") + np.timedelta64(day, "D")), source="scale")
        made += max(1.0, len(text) / CHUNK_CHARS)
        i += 1


class HashEmbedder:
    """Character-bigram hashing + fixed random projection; a fast, content-aware stand-in."""

    name = "hash-bigram-384"
    dim = 384
    BUCKETS = 1 << 14

    def __init__(self):
        rng = np.random.default_rng(7)
        self._proj = (rng.standard_normal((self.BUCKETS, self.dim)) / np.sqrt(self.dim)).astype(np.float32)

    def embed_batch(self, texts: list[str], role: str = "passage") -> np.ndarray:
        from scipy import sparse
        cols, indptr = [], [0]
        for t in texts:
            c = np.frombuffer(match_form(t).encode("utf-32-le"), np.uint32).astype(np.uint64)
            h = (c[:-1] * 1000003 + c[1:]) % self.BUCKETS if len(c) > 1 else c % self.BUCKETS
            cols.append(h.astype(np.int32))
            indptr.append(indptr[-1] + len(h))
        cols = np.concatenate(cols) if cols else np.zeros(0, np.int32)
        m = sparse.csr_matrix((np.ones(len(cols), np.float32), cols, indptr), shape=(len(texts), self.BUCKETS))
        v = np.asarray(m @ self._proj, dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def identity(self) -> dict:
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": "numpy"}
