"""Load on `rag serve`: requests/s and latency of /v1/search and extractive /v1/answer at
1, 4 and 16 concurrent clients, all on 127.0.0.1.

    .venv/bin/python bench/bench_service.py --workers 2 --requests 160 --out out/bench-service.json

Starts `rag serve --llm extractive` over a private copy of --index (default: a fresh index
of corpus/), warms every worker, then runs bounded loops: each level sends --requests
requests (or stops after --max-seconds), from N clients that each wait for their answer
before asking again. The server caches query vectors, so every request asks a text no
earlier request asked (seed questions with varied lead-ins): the numbers are cache misses.

The store backend is whatever the environment selects (e.g. RAG_BACKEND=milvus
RAG_MILVUS_URI=/tmp/m.db); the server inherits the environment and /healthz reports it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LEADS = ["", "请问", "我想知道", "你好，", "麻烦问一下，", "想了解：", "问一下", "请告诉我", "查一下：", "帮我看看",
         "有人知道", "能否说明", "谁能回答", "请查资料：", "我很好奇，", "打听一下，", "劳驾，", "咨询一下，", "求解答：",
         "新闻里说，", "据报道，", "最后一个问题：", "再问一个，", "顺便问问，", "想请教：", "您好，", "你知道吗，",
         "有个问题：", "简单问下，", "问题："]


def questions() -> list[str]:
    seed = [json.loads(line)["question"] for line in (ROOT / "evals" / "seed_qa.jsonl").open(encoding="utf-8")]
    return [lead + q for lead in LEADS for q in seed]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000 if xs else float("nan")


async def level(base: str, route: str, clients: int, pool: list[str], max_seconds: float) -> dict:
    lat, errors, first_error = [], 0, None
    queue = list(reversed(pool))
    deadline = time.monotonic() + max_seconds

    async def client(c: httpx.AsyncClient):
        nonlocal errors, first_error
        while queue and time.monotonic() < deadline:
            q = queue.pop()
            t = time.perf_counter()
            try:
                if route == "search":
                    r = await c.get(f"{base}/v1/search", params={"q": q, "k": 5})
                else:
                    r = await c.post(f"{base}/v1/answer", json={"question": q})
                ok = r.status_code == 200
            except httpx.HTTPError as e:
                ok, r = False, e
            lat.append(time.perf_counter() - t)
            if not ok:
                errors += 1
                first_error = first_error or str(getattr(r, "text", r))[:200]

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(clients)))
        wall = time.perf_counter() - t0
    return {"route": route, "clients": clients, "requests": len(lat), "errors": errors, "first_error": first_error,
            "rps": len(lat) / wall, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "wall_s": wall}


def start_server(index: Path, workers: int, port: int, log) -> subprocess.Popen:
    # a fresh RAG_HOME: the query-vector cache starts empty on every run (shared models)
    sys.path.insert(0, str(ROOT))
    from rag.paths import models_dir
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAG_MODELS": str(models_dir()), "RAG_HOME": str(index.parent / "home")}
    return subprocess.Popen([sys.executable, "-m", "rag.cli", "--index", str(index), "serve", "--port", str(port),
                             "--workers", str(workers), "--llm", "extractive"], env=env, stdout=log, stderr=log)


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"rag serve exited with {proc.returncode}")
        try:
            r = httpx.get(f"{base}/healthz", timeout=5)
            if r.status_code == 200:
                return r.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("rag serve did not come up")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", help="index to copy and serve (default: build one from corpus/)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=160, help="requests per level")
    ap.add_argument("--max-seconds", type=float, default=60, help="cap per level")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--out")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    index = tmp / "ix"
    if args.index:
        shutil.copytree(args.index, index)
    sock = __import__("socket").socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    with open(tmp / "server.log", "w") as log:
        proc = start_server(index, args.workers, port, log)
        try:
            health = wait_up(base, proc)
            pool = questions()
            # every worker loads its embedder and traces the query path before timing starts
            warm = [f"预热{i}：{q}" for i, q in enumerate(pool[:8 * args.workers])]
            asyncio.run(level(base, "answer", 4 * args.workers, warm, 600))
            rows, used = [], 0
            for route in ("search", "answer"):
                for n in args.clients:
                    part = pool[used:used + args.requests]
                    used += len(part)
                    if len(part) < args.requests:
                        raise SystemExit(f"only {len(pool)} distinct questions; lower --requests")
                    row = asyncio.run(level(base, route, n, part, args.max_seconds))
                    rows.append(row)
                    print(f"{route:6s} clients={n:2d} requests={row['requests']:4d} errors={row['errors']} "
                          f"rps={row['rps']:.1f} p50={row['p50_ms']:.0f} ms p95={row['p95_ms']:.0f} ms", flush=True)
        finally:
            proc.terminate()
            proc.wait(30)
    result = {"health": health, "workers": args.workers, "threads_env": os.environ.get("RAG_THREADS"),
              "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "machine": platform.processor()
              or platform.machine(), "cpus": os.cpu_count(), "rows": rows}
    print(f"\nbackend: {health.get('vector_backend')} ({health.get('dense_kind')}), {health['articles']} articles, "
          f"{health['chunks']} chunks, {args.workers} workers; load average before {load_before[0]:.2f}, "
          f"after {result['loadavg_after'][0]:.2f}\n")
    print("| route | clients | requests | errors | requests/s | p50 | p95 |\n|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['route']} | {r['clients']} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | "
              f"{r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms |")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
