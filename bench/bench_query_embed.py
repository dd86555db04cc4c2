"""One-question embedding latency: the traced encoder the default embedder uses for a single
text against eager torch, interleaved question by question so both see the same machine.

    .venv/bin/python bench/bench_query_embed.py --n 300

Questions are the first N of CMRC 2018 dev. Prints p50/p95 of each path, of the product's
path (the vector cache in front: a miss, so lookup + embed + insert), and the lowest cosine
between the traced and eager vectors.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag  # noqa: E402,F401 - thread budget first
from rag.embedders import CachedEmbedder, E5TorchEmbedder  # noqa: E402
from rag.evaluation.squad import load_squad  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000


ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=300)
args = ap.parse_args()
qs = [q.question for q in load_squad(ROOT.parent / "shared" / "evals" / "cmrc2018_dev.json")[1][: args.n]]
e = E5TorchEmbedder()
t = time.perf_counter()
traced = e._one_text_model()
print(f"trace + freeze: {time.perf_counter() - t:.2f} s ({'ok' if traced else 'failed: eager only'})")
e.embed_batch(qs[:10], "query")
cached = CachedEmbedder(e, Path(tempfile.mkdtemp()) / "embeddings.sqlite")
fast, eager, miss, cos = [], [], [], []
for q in qs:
    t = time.perf_counter()
    a = e.embed_batch([q], "query")[0]
    fast.append(time.perf_counter() - t)
    e._traced = False
    t = time.perf_counter()
    b = e.embed_batch([q], "query")[0]
    eager.append(time.perf_counter() - t)
    e._traced = traced
    cos.append(float(a @ b))
    t = time.perf_counter()
    cached.embed_batch([q], "query")
    miss.append(time.perf_counter() - t)
print("| path | p50 | p95 |\n|---|---|---|")
print(f"| traced + frozen (default for one text) | {pct(fast, 50):.2f} ms | {pct(fast, 95):.2f} ms |")
print(f"| eager torch | {pct(eager, 50):.2f} ms | {pct(eager, 95):.2f} ms |")
print(f"| traced, through the vector cache (a miss) | {pct(miss, 50):.2f} ms | {pct(miss, 95):.2f} ms |")
print(f"lowest cosine between the two: {min(cos):.7f} over {len(qs)} questions")
