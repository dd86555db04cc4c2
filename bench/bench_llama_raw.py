"""Raw llama.cpp speed of this build: prompt processing and decode, no RAG around it.

    .venv/bin/python bench/bench_llama_raw.py                      # the bundled GGUF
    .venv/bin/python bench/bench_llama_raw.py --gguf other.gguf --out out/raw.json

The system prompt is evaluated once (it is the cached prefix in real use); then, each
round, a 170-token Chinese news passage plus the chat template is evaluated after it and
20 tokens are decoded greedily. The first round is a warm-up and is not counted.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from llama_cpp import Llama, llama_print_system_info  # noqa: E402

from rag.models import bundled_gguf  # noqa: E402
from rag.prompts import SYSTEM  # noqa: E402
from rag.threads import budget  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--gguf", action="append", help="model file(s); default the bundled one")
ap.add_argument("--tokens", type=int, default=170)
ap.add_argument("--rounds", type=int, default=6)
ap.add_argument("--out")
args = ap.parse_args()
text = (ROOT / "corpus" / sorted(p.name for p in (ROOT / "corpus").glob("*.md"))[0]).read_text(encoding="utf-8")
rows = []
for path in args.gguf or [str(bundled_gguf())]:
    n = budget()
    llm = Llama(model_path=path, n_ctx=2048, n_threads=n, n_threads_batch=n, n_batch=512, verbose=False)
    prefix = llm.tokenize(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n".encode(), add_bos=False, special=True)
    body = llm.tokenize(text.encode(), add_bos=False)[: args.tokens]
    body += llm.tokenize(b"<|im_end|>\n<|im_start|>assistant\n", add_bos=False, special=True)
    llm.eval(prefix)
    pp, tg = [], []
    for r in range(args.rounds):
        llm.n_tokens = len(prefix)   # drop the previous round, keep the cached prefix
        t = time.perf_counter()
        llm.eval(body)
        t1 = time.perf_counter()
        for _ in range(20):
            llm.eval([llm.sample(temp=0.0)])
        t2 = time.perf_counter()
        if r:
            pp.append(t1 - t)
            tg.append(t2 - t1)
    rows.append({"gguf": Path(path).name, "prompt_tokens": len(body), "prompt_s_p50": statistics.median(pp),
                 "prompt_tok_s": len(body) / statistics.median(pp), "decode_tok_s": 20 / statistics.median(tg)})
    del llm
info = llama_print_system_info().decode().strip()
print(info)
print("| model file | prompt tokens | prompt time p50 | prompt tokens/s | decode tokens/s |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['gguf']} | {r['prompt_tokens']} | {r['prompt_s_p50'] * 1000:.0f} ms | {r['prompt_tok_s']:.0f} | {r['decode_tok_s']:.1f} |")
if args.out:
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"system_info": info, "rows": rows}, indent=2))
