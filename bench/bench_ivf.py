"""IVF (the 1M-chunk index) probes vs recall against exact search, on the scale corpus's vectors.

    .venv/bin/python bench/bench_ivf.py --chunks 1000000 --nprobe 64 128 256 512

Builds the product's IVF FaissStore (`--kind`, default the one the index chooses) the way a growing index gets it: converted (and
trained, cells sized) when the corpus reaches IVF_FROM chunks, the rest added afterwards.
Reports, for each nprobe, the share of the exact top 10 returned (200 CMRC questions) and
the time per query, one query at a time as the retriever asks.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_hnsw import vectors  # noqa: E402
from vectorstore.faiss_backend import IVF_FROM  # noqa: E402
from vectorstore.faiss_store import IVF_KINDS, FaissStore  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=1_000_000)
    ap.add_argument("--nprobe", type=int, nargs="+", default=[64, 128, 256, 512])
    ap.add_argument("--train-at", type=int, default=IVF_FROM, help="chunks present when IVF is trained")
    ap.add_argument("--kind", default="ivf_fp16", choices=IVF_KINDS)
    ap.add_argument("--cache", type=Path, help="keep the chunk vectors here (.npy) between runs")
    args = ap.parse_args()
    x, q, exact = vectors(args.chunks, args.cache)
    store = FaissStore(x.shape[1], args.kind)
    t = time.perf_counter()
    ids = np.arange(len(x), dtype=np.int64)
    first = min(args.train_at, len(x))
    store.add(ids[:first], x[:first])
    store.add(ids[first:], x[first:])
    build = time.perf_counter() - t
    print(f"{len(x):,} vectors, {store.index.nlist} cells (trained at {first:,}), build {build:.0f} s")
    print("| nprobe | recall@10 vs exact | ms / query |\n|---|---|---|")
    for nprobe in args.nprobe:
        store.NPROBE = nprobe
        got, t = [], time.perf_counter()
        for v in q:
            got.append(store.search(v[None, :], 10)[0])
        ms = (time.perf_counter() - t) / len(q) * 1000
        rec = np.mean([len(set(np.ravel(g)[:10]) & set(e)) / 10 for g, e in zip(got, exact)])
        print(f"| {nprobe} | {rec:.4f} | {ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
