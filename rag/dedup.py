"""Near-duplicate detection (转载, lightly edited reposts) with MinHash signatures.

Candidates come from LSH banding (16 bands of 4 rows): two articles share a band key with
probability 1 - (1 - J^4)^16, over 0.999 at the 0.85 similarity we act on and about 0.01
at 0.3, so each new article is compared with a handful of stored ones, not all of them.
"""
from __future__ import annotations

import numpy as np
import xxhash

from .text import normalize_with_map

PERMS = 64
SHINGLE = 5
_P = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20250722)  # fixed: signatures are stored in the index
_A = _rng.integers(1, (1 << 31) - 1, PERMS, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, PERMS, dtype=np.uint64)


def signature(text: str) -> np.ndarray:
    norm, _ = normalize_with_map(text)
    if len(norm) < SHINGLE:
        norm = norm.ljust(SHINGLE, "\x00")
    h = np.fromiter((xxhash.xxh32_intdigest(norm[i:i + SHINGLE].encode()) for i in range(len(norm) - SHINGLE + 1)),
                    dtype=np.uint64)
    h %= _P
    return ((_A[:, None] * h[None, :] + _B[:, None]) % _P).min(axis=1).astype(np.uint32)


BANDS = 16
ROWS = PERMS // BANDS


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per band (SQLite integers are signed 64-bit)."""
    rows = np.ascontiguousarray(sig, dtype=np.uint32).reshape(BANDS, ROWS)
    return [xxhash.xxh64_intdigest(r.tobytes(), seed=b) >> 1 for b, r in enumerate(rows)]


def most_similar(sig: np.ndarray, ids: list[str], sigs: np.ndarray) -> tuple[str | None, float]:
    """The stored article whose estimated Jaccard similarity to `sig` is highest."""
    if not ids:
        return None, 0.0
    sim = (sigs == sig[None, :]).mean(axis=1)
    i = int(sim.argmax())
    return ids[i], float(sim[i])
