"""Checks, against the installed pymilvus + milvus-lite, the behaviours the Milvus backend
relies on or works around (docs/SCALE_OUT.md quotes the output).

    python bench/milvus_probe.py [--uri /tmp/probe.db | --uri http://127.0.0.1:19530]
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import pymilvus
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker

DOCS = ["枣庄市二手车出口退税流程从20天减到3天", "地铁9号线二期工程正式开通运营", "樱桃冷库可储存樱桃300吨",
        "春茶博览会吸引三万名客商", "水库举行防汛应急演练"]


def bm25_collection(c: MilvusClient, name: str, analyzer: dict) -> None:
    s = c.create_schema(auto_id=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("tag", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=2000, enable_analyzer=True, analyzer_params=analyzer)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=4)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                            output_field_names=["sparse"]))
    ip = c.prepare_index_params()
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    ip.add_index("dense", index_type="FLAT", metric_type="IP")
    if c.has_collection(name):
        c.drop_collection(name)
    c.create_collection(name, schema=s, index_params=ip)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", default=str(Path(tempfile.mkdtemp()) / "probe.db"))
    args = ap.parse_args()
    c = MilvusClient(uri=args.uri)
    out = {"pymilvus": pymilvus.__version__, "uri": args.uri}
    try:
        import milvus_lite
        out["milvus_lite"] = milvus_lite.__version__
    except ImportError:
        pass

    try:
        bm25_collection(c, "p_chinese", {"type": "chinese"})
        out["analyzer_type_chinese"] = "accepted"
    except Exception as e:  # noqa: BLE001 - the finding is whether it raises
        out["analyzer_type_chinese"] = f"rejected: {str(e)[:120]}"

    bm25_collection(c, "p", {"tokenizer": "jieba"})
    c.insert("p", [{"id": i, "tag": i % 2, "text": t, "dense": [1.0, 0, 0, float(i)]} for i, t in enumerate(DOCS)])
    c.flush("p")
    res = c.search("p", ["二手车退税需要几天"], anns_field="sparse", limit=3, output_fields=["id"],
                   search_params={"metric_type": "BM25"})[0]
    out["jieba_bm25_top"] = [(h["id"], round(h["distance"], 4)) for h in res]
    out["bm25_distance_sign"] = "negative" if res and res[0]["distance"] < 0 else "positive"

    reqs = [AnnSearchRequest([[1.0, 0, 0, 0]], "dense", {"metric_type": "IP"}, 5),
            AnnSearchRequest(["樱桃 地铁 茶"], "sparse", {"metric_type": "BM25"}, 5)]
    top_level = c.hybrid_search("p", reqs, RRFRanker(60), limit=5, filter="tag == 1", output_fields=["tag"])[0]
    out["hybrid_top_level_filter_tags"] = sorted({h["entity"]["tag"] for h in top_level})
    reqs = [AnnSearchRequest([[1.0, 0, 0, 0]], "dense", {"metric_type": "IP"}, 5, expr="tag == 1"),
            AnnSearchRequest(["樱桃 地铁 茶"], "sparse", {"metric_type": "BM25"}, 5, expr="tag == 1")]
    per_req = c.hybrid_search("p", reqs, RRFRanker(60), limit=5, output_fields=["tag"])[0]
    out["hybrid_per_request_expr_tags"] = sorted({h["entity"]["tag"] for h in per_req})

    # per-segment idf: the same document scores differently once more documents sit in
    # another (sealed) segment that holds the query term
    before = c.search("p", ["樱桃"], anns_field="sparse", limit=1, search_params={"metric_type": "BM25"})[0][0]
    c.insert("p", [{"id": 100 + i, "tag": 0, "text": f"樱桃第{i}批上市", "dense": [0, 1.0, 0, 0]} for i in range(20)])
    c.flush("p")
    after = [h for h in c.search("p", ["樱桃"], anns_field="sparse", limit=30, output_fields=["id"],
                                  search_params={"metric_type": "BM25"})[0] if h["id"] == before["id"]]
    out["bm25_same_doc_score_before_after_more_docs"] = [round(before["distance"], 4),
                                                        round(after[0]["distance"], 4) if after else None]
    c.drop_collection("p")
    c.close()
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
