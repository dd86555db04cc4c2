"""Which BM25 for the Milvus backend? Our jieba BM25 (BM25Store: the tokens, k1, b and idf
the FAISS backend uses, which the Milvus backend stores as sparse vectors) against Milvus'
built-in BM25 function over a VARCHAR field analyzed by its jieba tokenizer.

BM25 only, no embedder: chunk recall@1/5/10 (the retrieved chunk holds the gold span) on
the CMRC 2018 dev questions the CI eval samples, plus build and query times.

    python bench/milvus_bm25_choice.py ../shared/evals/cmrc2018_dev.json --limit 200 --seed 0
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rag.chunking import chunk_article  # noqa: E402
from rag.evaluation.retrieval import first_relevant  # noqa: E402
from rag.evaluation.squad import load_squad, sample  # noqa: E402
from rag.text import match_form  # noqa: E402
from rag.tokenize import tokenize  # noqa: E402
from rag.types import Hit  # noqa: E402
from vectorstore.bm25 import BM25Store  # noqa: E402


def recall(ranked: list[list[Hit]], questions) -> dict:
    ranks = [first_relevant(h, q)[0] for h, q in zip(ranked, questions)]
    return {f"recall@{k}": round(sum(1 for r in ranks if r and r <= k) / len(ranks), 3) for k in (1, 5, 10)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    articles, questions = load_squad(args.path)
    questions = sample(questions, args.limit, args.seed)
    chunks = [c for a in articles for c in chunk_article(a, 300, 1)]
    titles = {a.id: a.title for a in articles}
    meta = [(c.article_id, c.start, c.end) for c in chunks]
    out = {"chunks": len(chunks), "questions": len(questions)}

    def hits(idx):
        return [Hit(chunk_id="", article_id=meta[i][0], title="", date=None, start=meta[i][1], end=meta[i][2],
                    text="", score=0.0) for i in idx]

    t = time.perf_counter()
    ours = BM25Store()
    ours.add(np.arange(len(chunks)), [tokenize(f"{titles[c.article_id]} {c.text}") for c in chunks])
    out["ours_build_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    ranked = [hits(ours.search(tokenize(q.question), 10)[0].tolist()) for q in questions]
    out["ours_query_ms"] = round((time.perf_counter() - t) * 1000 / len(questions), 2)
    out["ours"] = recall(ranked, questions)

    from pymilvus import DataType, Function, FunctionType, MilvusClient
    tmp = Path(tempfile.mkdtemp())
    c = MilvusClient(str(tmp / "bm25.db"))
    s = c.create_schema(auto_id=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("text", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                analyzer_params={"tokenizer": "jieba"})
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                            output_field_names=["sparse"]))
    ip = c.prepare_index_params()
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    c.create_collection("c", schema=s, index_params=ip)
    t = time.perf_counter()
    rows = [{"id": i, "text": match_form(f"{titles[ch.article_id]}\n{ch.text}")} for i, ch in enumerate(chunks)]
    for i in range(0, len(rows), 1000):
        c.insert("c", rows[i:i + 1000])
    c.flush("c")
    out["milvus_builtin_build_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    ranked = []
    for q in questions:
        res = c.search("c", [match_form(q.question)], anns_field="sparse", limit=10, output_fields=["id"],
                       search_params={"metric_type": "BM25"})[0]
        ranked.append(hits([int(h["id"]) for h in res]))
    out["milvus_builtin_query_ms"] = round((time.perf_counter() - t) * 1000 / len(questions), 2)
    out["milvus_builtin"] = recall(ranked, questions)
    c.close()
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
