"""LLM latency on this machine: time to first token, tokens/s, end-to-end answer time.

    .venv/bin/python bench/bench_llm.py --n 20 --out out/bench-llm.json

Questions are the answerable single-fact ones of evals/seed_qa.jsonl (the "default
question" of a reader), asked against the bundled corpus with the local model.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import prompts  # noqa: E402
from rag.index import open_index  # noqa: E402
from rag.llm import local_model  # noqa: E402
from rag.extractive import bm25_idf, sentence_scores  # noqa: E402
from rag.context import fit_context as _fit_context  # noqa: E402
from rag.qa import answer  # noqa: E402
from rag.retriever import search  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=20)
ap.add_argument("--out")
ap.add_argument("--set", action="append", default=[], help="config override, e.g. prompt_lookup=10")
args = ap.parse_args()
rows = [json.loads(l) for l in (ROOT / "evals" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()]
qs = [r["question"] for r in rows if r["answerable"] and r["category"] in ("number", "fact", "date", "who", "where")]
qs = qs[: args.n]
ix = open_index()
for kv in args.set:
    k, v = kv.split("=", 1)
    ix.config = ix.config.replace(**{k: type(getattr(ix.config, k))(v)})
model = local_model(ix.config)
t = time.perf_counter()
model._load()
load_s = time.perf_counter() - t
ttft, tps, e2e, prompt_toks, texts = [], [], [], [], []
for q in qs:
    hits = search(ix, q)
    ctx, excerpts = _fit_context(sentence_scores(q, hits, bm25_idf(ix)), hits, model, ix.config.context_tokens)
    prompt_toks.append(model.count_tokens(prompts.user_prompt(q, ctx, excerpts)))
    # the system prompt is the shared, cached prefix in real use: the question part is new
    a = answer(q, index=ix, llm="local")
    texts.append(a.text)
    e2e.append(a.timings["total_ms"] / 1000)
    ttft.append(a.timings.get("ttft_ms", 0) / 1000)
    tps.append(a.timings.get("tokens_per_s", 0))
res = {
    "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                "ram_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
    "model": model.model_name, "questions": len(qs), "model_load_s": round(load_s, 2),
    "question_prompt_tokens_median": statistics.median(prompt_toks),
    "ttft_s": {"p50": pct(ttft, 50), "p95": pct(ttft, 95)},
    "tokens_per_s": {"p50": pct(tps, 50)},
    "answer_s": {"p50": pct(e2e, 50), "p95": pct(e2e, 95)},
    "config": {kv.split("=")[0]: kv.split("=", 1)[1] for kv in args.set},
    "answers": dict(zip(qs, texts)),
}
print("| questions | prompt tokens after the cached system prefix (median) | TTFT p50 / p95 | decode tok/s p50 | answer p50 / p95 |")
print("|---|---|---|---|---|")
print(f"| {len(qs)} | {res['question_prompt_tokens_median']:.0f} | {res['ttft_s']['p50']:.2f} s / {res['ttft_s']['p95']:.2f} s | "
      f"{res['tokens_per_s']['p50']:.1f} | {res['answer_s']['p50']:.2f} s / {res['answer_s']['p95']:.2f} s |")
if args.out:
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
