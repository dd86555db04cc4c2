"""Ingest and query cost of each storage backend on synthetic chunks, no embedder: random
unit vectors (384-d, as e5-small) and random jieba-like token lists, written through the
same writer protocol rag/index.py uses, in batches of --batch articles (one generation each).

    python bench/backend_scale.py --chunks 20000 --backends faiss milvus [--uri http://127.0.0.1:19530]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rag.types import Article, Chunk  # noqa: E402
from vectorstore.base import get_backend  # noqa: E402
from vectorstore.generations import Generations  # noqa: E402

DIM, PER_ARTICLE, VOCAB = 384, 4, 30_000


def run(name: str, root: Path, uri: str, n_chunks: int, batch: int, queries: int) -> dict:
    rng = np.random.default_rng(0)
    backend, gens = get_backend(name, root, uri=uri), Generations(root)
    words = [f"词{i}" for i in range(VOCAB)]
    zipf = 1 / np.arange(1, VOCAB + 1)
    zipf /= zipf.sum()
    snap, n_art, t_write = None, n_chunks // PER_ARTICLE, 0.0
    for start in range(0, n_art, batch):
        stage = gens.stage()
        cur = gens.current()
        t = time.perf_counter()
        w = backend.writer(stage, snap, DIM, gens.manifest(cur) if cur else None)
        w.articles.begin()
        for j in range(start, min(start + batch, n_art)):
            body = "本报讯。" * 40 * PER_ARTICLE
            a = Article(id=f"a{j}", title=f"标题{j}", body=body, date=f"2025-{1 + j % 12:02d}-01")
            chunks = [Chunk(a.id, n, n * 160, (n + 1) * 160, body[n * 160:(n + 1) * 160]) for n in range(PER_ARTICLE)]
            ids = w.articles.add(a, chunks, None, [])
            v = rng.normal(size=(len(ids), DIM)).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            w.add(ids, v, [list(rng.choice(words, 60, p=zipf)) for _ in ids])
        files, stored = w.commit(stage)
        final = gens.commit(stage, files, {"backend": name, **stored})
        snap = w.published(final, gens.manifest(final))
        w.finish()
        t_write += time.perf_counter() - t
    out = {"backend": name, "kind": snap.kind, "chunks": snap.counts()["chunks"],
           "ingest_chunks_per_s": round(snap.counts()["chunks"] / t_write, 1)}
    # fused, then each channel alone: where a query's time goes
    for label, weights in (("hybrid", (1.0, 1.0)), ("dense", (1.0, 0.0)), ("bm25", (0.0, 1.0))):
        lat = []
        for _ in range(queries):
            qv = rng.normal(size=DIM).astype(np.float32)
            qv /= np.linalg.norm(qv)
            toks = list(rng.choice(words[:3000], 6))
            t = time.perf_counter()
            snap.hybrid_search(qv, toks, 10, 50, None, weights, 60)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        out[f"{label}_ms_p50"] = round(lat[len(lat) // 2], 2)
        out[f"{label}_ms_p95"] = round(lat[int(len(lat) * 0.95)], 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=1000, help="articles per generation")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--backends", nargs="+", default=["faiss", "milvus"])
    ap.add_argument("--uri", default="", help="milvus: file path or http(s)://host:port (default: a temp Lite file)")
    args = ap.parse_args()
    for name in args.backends:
        root = Path(tempfile.mkdtemp())
        try:
            print(json.dumps(run(name, root / "ix", args.uri, args.chunks, args.batch, args.queries)), flush=True)
        finally:
            if name == "milvus":
                from vectorstore.milvus_store import release
                release()
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
