"""Index at scale: ingest rate, open time, query latency, recall vs exact, memory, incremental add.

    .venv/bin/python bench/bench_scale.py --chunks 10000 --embedder e5 --out out/bench-scale-10k.json
    .venv/bin/python bench/bench_scale.py --chunks 100000 --embedder hash --out out/bench-scale-100k.json
    .venv/bin/python bench/bench_scale.py --chunks 1000000 --embedder hash --memo-tokens --out out/bench-scale-1m.json

The corpus comes from bench/scale_corpus.py (seed 0). Everything goes through the product's
own code: `Index.add_articles` (chunking, jieba BM25, SQLite, FAISS, crash-safe commit),
`Index(...)` to open, `retriever.search` to query. With `--embedder hash` the vectors come
from scale_corpus.HashEmbedder instead of e5 (embedding 1M chunks with e5 on 2 cores takes
hours); the real e5 query-embedding time is then measured separately and reported beside the
search time. `--memo-tokens` tokenizes each pool sentence once (1M chunks of jieba would take
over half an hour; chunks are built from pool sentences, so the tokens are the same words).
"""
import argparse
import functools
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale_corpus import HashEmbedder, generate  # noqa: E402
from rag import index as index_mod  # noqa: E402
from vectorstore import faiss_backend  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.evaluation.squad import load_squad  # noqa: E402
from rag.index import Index  # noqa: E402
from vectorstore import FaissStore  # noqa: E402
from vectorstore.faiss_store import IVF_KINDS  # noqa: E402
from rag.retriever import search  # noqa: E402
from rag.text import match_form, sentence_spans  # noqa: E402
from rag.tokenize import tokenize  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))], 2)


def memo_tokenize():
    once = functools.lru_cache(maxsize=None)(lambda s: tuple(tokenize(s)))

    def tok(text: str) -> list[str]:
        return [t for a, b in sentence_spans(text) for t in once(text[a:b])]
    return tok


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, required=True)
    ap.add_argument("--embedder", choices=["e5", "hash"], default="e5")
    ap.add_argument("--memo-tokens", action="store_true")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=20000, help="articles per commit during the bulk load")
    ap.add_argument("--dir", help="index folder (default: a temp dir, deleted afterwards)")
    ap.add_argument("--hnsw-from", type=int, help="override the chunk count where HNSW replaces exact search")
    ap.add_argument("--build-only", action="store_true", help="bulk load into --dir and stop")
    ap.add_argument("--measure-only", action="store_true", help="measure an index an earlier --build-only left in --dir")
    ap.add_argument("--out")
    args = ap.parse_args()

    if args.hnsw_from is not None:
        faiss_backend.HNSW_FROM = args.hnsw_from
    if args.memo_tokens:
        index_mod.tokenize = memo_tokenize()
    if args.embedder == "hash":
        emb, cfg = HashEmbedder(), Config(embedder="st:hash-bigram-384")
    else:
        from rag.embedders import E5TorchEmbedder
        emb, cfg = E5TorchEmbedder(), Config(embedder="e5")
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="scale-")) / "ix"
    res = {"machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                       "ram_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
           "target_chunks": args.chunks, "embedder": emb.name, "memo_tokens": args.memo_tokens}

    # bulk load, committed every --batch articles (as a newsroom feed would arrive)
    if args.measure_only:
        st = Index(folder, config=cfg, embedder=emb).stats()
        res.update(articles=st["articles"], chunks=st["chunks"], dense_kind=st["dense_kind"],
                   ingest="built by an earlier run (--measure-only)")
    else:
        arts = list(generate(args.chunks, seed=0))
        ix = Index(folder, config=cfg, embedder=emb, load=False)
        t = time.perf_counter()
        for i in range(0, len(arts), args.batch):
            ix.add_articles(arts[i:i + args.batch], dedup=False)
            print(f"  {min(i + args.batch, len(arts))}/{len(arts)} articles, {time.perf_counter() - t:.0f} s", flush=True)
        ingest_s = time.perf_counter() - t
        st = ix.stats()
        res.update(articles=st["articles"], chunks=st["chunks"], dense_kind=st["dense_kind"],
                   ingest_s=round(ingest_s, 1), ingest_chunks_per_s=round(st["chunks"] / ingest_s, 1))
        print(f"ingest: {st['chunks']} chunks in {ingest_s:.0f} s ({res['ingest_chunks_per_s']}/s), {st['dense_kind']}", flush=True)
        del ix
        if args.build_only:
            print(json.dumps(res, indent=1, ensure_ascii=False))
            if args.out:
                Path(args.out).write_text(json.dumps(res, indent=2, ensure_ascii=False))
            return

    # open: a new process would do exactly this (verify checksums, load stores)
    t = time.perf_counter()
    ix = Index(folder, config=cfg, embedder=emb)
    res["open_s"] = round(time.perf_counter() - t, 3)
    snap = ix.snapshot()
    gen_bytes = sum(f.stat().st_size for f in snap.gen.iterdir())
    qs = [q.question for q in load_squad(ROOT.parent / "shared" / "evals" / "cmrc2018_dev.json")[1][: args.queries]]
    t = time.perf_counter()
    search(ix, qs[0], 10)
    res["first_query_s"] = round(time.perf_counter() - t, 3)
    lat = []
    for q in qs:
        t = time.perf_counter()
        search(ix, q, 10)
        lat.append((time.perf_counter() - t) * 1000)
    res["search_ms"] = {"p50": pct(lat, 50), "p95": pct(lat, 95)}

    # memory of what search keeps in RAM: vectors (+graph) and BM25 arrays, text excluded
    import faiss
    dense_bytes = faiss.serialize_index(snap.store.dense.index).nbytes
    b = snap.store.bm25
    b._matrix()
    bm25_bytes = sum(a.nbytes for a in (b.ids, b.indptr, b.terms, b.tf)) + sum(
        a.nbytes for a in (b._csc.indptr, b._csc.indices, b._csc.data, b._idf, b._norm))
    res["memory"] = {"dense_bytes_per_chunk": round(dense_bytes / st["chunks"]),
                     "bm25_bytes_per_chunk": round(bm25_bytes / st["chunks"]),
                     "total_bytes_per_chunk": round((dense_bytes + bm25_bytes) / st["chunks"]),
                     "generation_on_disk_mb": round(gen_bytes / 2**20, 1), "max_rss_mb": round(rss_mb())}

    # recall@10 of the dense index against exact inner product over the same vectors
    if snap.store.dense.kind != "flat":
        # exact = brute force over the vectors as embedded, not as the index stores them
        # (hnsw_sq8 keeps one byte per dimension), so quantization loss counts against recall
        ids_all = snap.store.dense.items()[0]
        live = np.array([i not in snap.store.dense.deleted for i in ids_all])
        ids_all = ids_all[live]
        vecs = np.zeros((len(ids_all), emb.dim), np.float32)
        for s0 in range(0, len(ids_all), 10000):
            part = ids_all[s0:s0 + 10000]
            rows = snap.chunks.hits(part)
            vecs[s0:s0 + len(part)] = emb.embed_batch(
                [match_form(f"{rows[int(i)]['title']}\n{rows[int(i)]['text']}") for i in part])
        qv = emb.embed_batch(qs, "query")
        exact = [set(ids_all[np.argpartition(-(vecs @ v), 10)[:10]].tolist()) for v in qv]
        del vecs
        settings = [("NPROBE", p) for p in sorted({64, 256, FaissStore.NPROBE, 512})] if snap.store.dense.kind in IVF_KINDS else \
            [("EF_SEARCH", snap.store.dense.ef_search)]
        res["dense_recall@10_vs_exact"] = {}
        for attr, val in settings:
            old = getattr(FaissStore, attr)
            setattr(FaissStore, attr, val)
            snap.store.dense.ef_search = FaissStore.EF_SEARCH
            t = time.perf_counter()
            hit = sum(len(set(snap.store.dense.search(v, 10)[0].tolist()) & ex) for v, ex in zip(qv, exact))
            ms = (time.perf_counter() - t) / len(qv) * 1000
            res["dense_recall@10_vs_exact"][f"{attr.lower()}={val}"] = {"recall": round(hit / (10 * len(qv)), 4),
                                                                       "dense_ms": round(ms, 2)}
            setattr(FaissStore, attr, old)
            snap.store.dense.ef_search = FaissStore.EF_SEARCH

    if args.embedder == "hash":
        from rag.embedders import E5TorchEmbedder
        e5 = E5TorchEmbedder()
        e5.embed_batch(["预热"], "query")
        el = []
        for q in qs:
            t = time.perf_counter()
            e5.embed_batch([q], "query")
            el.append((time.perf_counter() - t) * 1000)
        res["e5_query_embed_ms"] = {"p50": pct(el, 50), "p95": pct(el, 95)}

    # incremental: one new article in, then out, each a full crash-safe commit
    adds, rms = [], []
    extra = list(generate(6, seed=99, start=10_000_000))
    for a in extra[:5]:
        t = time.perf_counter()
        ix.add_articles([a])
        adds.append(time.perf_counter() - t)
        t = time.perf_counter()
        ix.remove([a.id])
        rms.append(time.perf_counter() - t)
    res["add_one_article_s"] = {"p50": pct(adds, 50), "max": round(max(adds), 2)}
    res["remove_one_article_s"] = {"p50": pct(rms, 50), "max": round(max(rms), 2)}
    print(json.dumps(res, indent=1, ensure_ascii=False))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(res, indent=2, ensure_ascii=False))
    if not args.dir:
        shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
