"""HNSW parameters vs recall against exact search, on the scale corpus's vectors.

    .venv/bin/python bench/bench_hnsw.py --chunks 136000 --ef-construction 80 200

Builds HNSW (flat and 8-bit vectors) over the first N chunks of bench/scale_corpus.py,
embedded with its HashEmbedder, and reports for each efSearch the share of the exact top 10
(brute-force inner product over the unquantized vectors, 200 CMRC questions) that HNSW
returns, and the time per query.
"""
import argparse
import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale_corpus import HashEmbedder, generate  # noqa: E402
from rag.chunking import chunk_article  # noqa: E402
from rag.evaluation.squad import load_squad  # noqa: E402
from rag.text import match_form  # noqa: E402


def vectors(n: int, cache: Path | None = None):
    """Stand-in vectors of the first n scale-corpus chunks, 200 CMRC question vectors, and
    each question's exact top 10 (brute-force inner product). `cache` keeps the chunk
    vectors on disk between runs (they take minutes at 1M)."""
    emb = HashEmbedder()
    if cache is not None and cache.exists():
        x = np.load(cache)
    else:
        texts = []
        for a in generate(n, seed=0):
            texts += [match_form(f"{a.title}\n{c.text}") for c in chunk_article(a, 300, 1)]
            if len(texts) >= n:
                break
        x = np.concatenate([emb.embed_batch(texts[i:i + 2000]) for i in range(0, n, 2000)])
        if cache is not None:
            np.save(cache, x)
    qs = [q.question for q in load_squad(ROOT.parent / "shared" / "evals" / "cmrc2018_dev.json")[1][:200]]
    q = emb.embed_batch(qs, "query")
    exact = []
    for v in q:
        s = x @ v
        top = np.argpartition(-s, 10)[:10]
        exact.append(top[np.argsort(-s[top])])
    exact = np.stack(exact)
    return x, q, exact


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=136000)
    ap.add_argument("--ef-construction", type=int, nargs="+", default=[80, 200])
    ap.add_argument("--ef-search", type=int, nargs="+", default=[96, 256, 512])
    args = ap.parse_args()
    x, q, exact = vectors(args.chunks)
    print(f"| vectors | efConstruction | build | efSearch | recall@10 vs exact | ms / query |\n|---|---|---|---|---|---|")
    for efc in args.ef_construction:
        for name, idx in (("float32", faiss.IndexHNSWFlat(384, 32, faiss.METRIC_INNER_PRODUCT)),
                          ("8-bit", faiss.IndexHNSWSQ(384, faiss.ScalarQuantizer.QT_8bit, 32,
                                                      faiss.METRIC_INNER_PRODUCT))):
            idx.hnsw.efConstruction = efc
            t = time.perf_counter()
            if not idx.is_trained:
                idx.train(x[:50000])
            idx.add(x)
            build = time.perf_counter() - t
            for ef in args.ef_search:
                t = time.perf_counter()
                _, got = idx.search(q, 10, params=faiss.SearchParametersHNSW(efSearch=ef))
                ms = (time.perf_counter() - t) / len(q) * 1000
                rec = np.mean([len(set(got[i]) & set(exact[i])) / 10 for i in range(len(q))])
                print(f"| {name} | {efc} | {build:.0f} s | {ef} | {rec:.4f} | {ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
