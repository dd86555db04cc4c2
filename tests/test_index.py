import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import IndexCorruptError, IndexMismatchError, InputError
from rag.index import Index
from rag.retriever import as_langchain_retriever, search
from rag.types import Article

from .conftest import FIXTURES, ROOT


def _chunk_ids(ix, article_id):
    snap = ix.snapshot()
    return [r[0] for r in snap.chunks.db.execute("SELECT id FROM chunks WHERE article_id=? ORDER BY n", (article_id,))]


def test_counts_agree_and_stats(fixture_index):
    st = fixture_index.stats()
    assert st["articles"] == 5
    assert st["chunks"] == st["dense"] == st["bm25"] >= 5
    assert st["embedder"].startswith("intfloat/multilingual-e5-small")


def test_reingest_is_idempotent(fixture_index):
    gen = fixture_index.stats()["generation"]
    rep = fixture_index.ingest([FIXTURES])
    assert sorted(rep.unchanged) == sorted(a["id"] for a in fixture_index.articles())
    assert not rep.added and not rep.updated
    assert fixture_index.stats()["generation"] == gen  # nothing to commit


def test_changed_article_replaces_only_its_own_chunks(fixture_index, tmp_path):
    before_other = _chunk_ids(fixture_index, "spring-tea-fair")
    before_metro = _chunk_ids(fixture_index, "metro-line-9")
    changed = (FIXTURES / "metro.md").read_text(encoding="utf-8").replace("28分钟", "25分钟")
    (tmp_path / "metro.md").write_text(changed, encoding="utf-8")
    rep = fixture_index.ingest([tmp_path / "metro.md"])
    assert rep.updated == ["metro-line-9"]
    assert _chunk_ids(fixture_index, "spring-tea-fair") == before_other
    assert not set(_chunk_ids(fixture_index, "metro-line-9")) & set(before_metro)
    hit = search(fixture_index, "地铁开通后从城东到火车站要多久", 1)[0]
    assert "25分钟" in hit.text
    st = fixture_index.stats()
    assert st["articles"] == 5 and st["chunks"] == st["dense"] == st["bm25"]


def test_exact_and_near_duplicates_are_reported_not_indexed(fixture_index, tmp_path):
    body = (FIXTURES / "tea.md").read_text(encoding="utf-8")
    (tmp_path / "copy.md").write_text(body.replace('id: "spring-tea-fair"', 'id: "tea-copy"'), encoding="utf-8")
    repost = body.replace('id: "spring-tea-fair"', 'id: "tea-repost"').replace("本报讯", "（转载）本报讯")
    (tmp_path / "repost.md").write_text(repost, encoding="utf-8")
    rep = fixture_index.ingest([tmp_path])
    dups = {d[0]: d[1] for d in rep.duplicates}
    assert dups == {"tea-copy": "spring-tea-fair", "tea-repost": "spring-tea-fair"}
    assert fixture_index.stats()["articles"] == 5


def test_remove(fixture_index):
    rep = fixture_index.remove(["cherry-harvest", "no-such-id"])
    assert rep.removed == ["cherry-harvest"] and "no-such-id" in rep.problems[0]
    assert all(h.article_id != "cherry-harvest" for h in search(fixture_index, "樱桃冷库能储存多少吨", 5))
    st = fixture_index.stats()
    assert st["articles"] == 4 and st["chunks"] == st["dense"] == st["bm25"]


def test_gb18030_file_and_traditional_query(fixture_index, tmp_path):
    p = tmp_path / "port.txt"
    p.write_bytes("港口集装箱吞吐量创新高\n本报讯 6月，港口集装箱吞吐量达到86万标准箱，同比增长12%。".encode("gb18030"))
    rep = fixture_index.ingest([p])
    assert rep.added == ["port"], rep.to_dict()
    hit = search(fixture_index, "港口貨櫃吞吐量達到多少標準箱？", 1)[0]
    assert hit.article_id == "port" and "86万标准箱" in hit.text


def test_date_and_article_filters(fixture_index):
    hits = search(fixture_index, "开幕 开通 演练", 10, date_from="2025-06-01", date_to="2025-06-30")
    assert hits and {h.article_id for h in hits} <= {"metro-line-9", "reservoir-flood-drill"}
    hits = search(fixture_index, "客商", 10, article_ids=["city-library-night"])
    assert {h.article_id for h in hits} <= {"city-library-night"}


def test_month_precision_date_matches_ranges_that_overlap_the_month(fixture_index):
    fixture_index.add_articles([Article(id="m", title="月度报道", body="七月某日，城区新增绿道三条。", date="2025-07")])
    assert {h.article_id for h in search(fixture_index, "绿道", 3, date_from="2025-07-15")} == {"m"}
    assert "m" not in {h.article_id for h in search(fixture_index, "绿道", 3, date_to="2025-06-30")}


def test_config_mismatch_is_a_clear_error(fixture_index):
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        Index(fixture_index.path, config=Config(chunk_size=500))


def test_embedder_mismatch_is_a_clear_error(fixture_index):
    class Other:
        name, dim = "other-model", 8

        def identity(self):
            return {"name": self.name, "dim": 8, "normalized": True, "runtime": "x"}

    with pytest.raises(IndexMismatchError, match="other-model"):
        Index(fixture_index.path, embedder=Other())


def test_save_interrupted_part_way_leaves_old_index(fixture_index, monkeypatch, tmp_path):
    from vectorstore import generations
    before = fixture_index.stats()

    def boom(*a, **k):
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(generations, "checksum", boom)  # dies after stores are written, before commit
    (tmp_path / "n.txt").write_text("新文章\n内容。", encoding="utf-8")
    with pytest.raises(OSError):
        fixture_index.ingest([tmp_path / "n.txt"])
    monkeypatch.undo()
    reopened = Index(fixture_index.path)
    assert reopened.stats()["generation"] == before["generation"]
    assert reopened.stats()["articles"] == 5
    assert not list(Path(fixture_index.path).glob("*.tmp"))


def test_damaged_file_is_detected_with_repair_hint(fixture_index):
    gen = fixture_index.snapshot().gen
    with open(gen / "dense.faiss", "r+b") as f:
        f.seek(200)
        f.write(b"\xff\xfe\xfd")
    with pytest.raises(IndexCorruptError, match="rag reindex"):
        Index(fixture_index.path)
    # reindex rebuilds from the stored article bodies
    ix = Index(fixture_index.path, load=False)
    rep = ix.reindex()
    assert len(rep.added) == 5
    assert search(Index(fixture_index.path), "樱桃冷库", 1)[0].article_id == "cherry-harvest"


def test_question_limits(fixture_index):
    with pytest.raises(InputError, match="empty"):
        search(fixture_index, "   ")
    with pytest.raises(InputError, match="limit is 1000"):
        search(fixture_index, "问" * 1001)


def test_langchain_retriever_in_an_lcel_chain(fixture_index):
    from langchain_core.runnables import RunnableLambda
    retriever = as_langchain_retriever(fixture_index, k=2)
    chain = retriever | RunnableLambda(lambda docs: [(d.metadata["article_id"], d.metadata["start"]) for d in docs])
    out = chain.invoke("图书馆夜间开放到几点")
    assert out[0][0] == "city-library-night"
    doc = retriever.invoke("图书馆夜间开放到几点")[0]
    body = fixture_index.article(doc.metadata["article_id"])["body"]
    assert body[doc.metadata["start"]:doc.metadata["end"]] == doc.page_content


def test_cli_search_json_on_the_corpus(corpus_index_dir):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(corpus_index_dir), "search",
                          "二手车出口退税流程缩短到了几天", "--json"],
                         capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    hits = json.loads(out.stdout)
    assert hits[0]["article_id"] == "2025-07-naixinzaozhuang"
    assert "退税流程从20天减到3天" in hits[0]["text"]


def test_cli_reports_bad_file_and_ingests_the_rest(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("好文章\n正文内容。", encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    out = subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(tmp_path / "ix"), "ingest", str(src)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert "added 1" in out.stdout and "bad.txt" in out.stderr


def test_saved_config_keeps_index_settings_and_user_choices_only(tmp_path):
    cfg = Config(k=7)
    cfg.save(tmp_path / "config.json")
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved == {"embedder": "e5", "chunk_size": 300, "chunk_overlap": 1, "title_enhance": True, "k": 7}
    assert Config.load(tmp_path / "config.json") == cfg


def test_near_duplicate_lookup_uses_lsh_and_backfills_old_indexes(tmp_path):
    """An index written before the LSH table existed gets it filled, and candidates come
    from shared band keys, not a scan of every stored signature."""
    from rag import dedup
    from rag.types import Article
    from vectorstore import ChunkStore
    cs = ChunkStore(tmp_path / "c.sqlite")
    body = "本报讯 6月10日，青山水库举行防汛应急演练，模拟强降雨导致水位超过警戒线的情形。" * 3
    a = Article(id="a", title="演练", body=body)
    sig = dedup.signature(a.title + "\n" + a.body)
    cs.add(a, [], sig)                       # as an old writer did: no band keys
    keys = dedup.band_keys(dedup.signature("演练\n" + body.replace("6月10日", "6月11日")))
    assert cs.near_candidates(keys)[0] == []
    cs.backfill_lsh(dedup.band_keys)
    ids, sigs = cs.near_candidates(keys)
    assert ids == ["a"] and (sigs[0] == sig).all()
    other = dedup.band_keys(dedup.signature("春茶博览会吸引三万名客商，茶农现场签约。"))
    assert cs.near_candidates(other)[0] == []


def test_large_index_switches_to_hnsw_and_records_it(tmp_path, monkeypatch):
    """The index type follows corpus size (the threshold is lowered so five articles cross it)."""
    from rag.index import Index
    from vectorstore import faiss_backend as index_mod
    monkeypatch.setattr(index_mod, "HNSW_FROM", 3)
    ix = Index(tmp_path / "ix")
    ix.ingest([FIXTURES])
    assert ix.stats()["dense_kind"] == "hnsw_sq8"
    assert ix.snapshot().manifest["dense_kind"] == "hnsw_sq8"
    assert search(ix, "地铁9号线二期工程全长多少公里", 1)[0].article_id == "metro-line-9"
    ix.remove(["metro-line-9"])
    assert all(h.article_id != "metro-line-9" for h in search(ix, "地铁9号线二期工程全长多少公里", 5))
    assert Index(tmp_path / "ix").stats()["dense_kind"] == "hnsw_sq8"


def test_largest_indexes_switch_to_ivf(tmp_path, monkeypatch):
    """Past IVF_FROM the vectors move to an IVF index (thresholds lowered for five articles)."""
    from rag.index import Index
    from vectorstore import faiss_backend as index_mod
    monkeypatch.setattr(index_mod, "HNSW_FROM", 2)
    monkeypatch.setattr(index_mod, "IVF_FROM", 4)
    ix = Index(tmp_path / "ix")
    ix.ingest([FIXTURES / "metro.md", FIXTURES / "tea.md"])
    assert ix.stats()["dense_kind"] == "hnsw_sq8"
    ix.ingest([FIXTURES])
    assert ix.stats()["dense_kind"] == "ivf_fp16" and ix.stats()["chunks"] >= 5
    assert search(ix, "地铁9号线二期工程全长多少公里", 1)[0].article_id == "metro-line-9"
    ix.remove(["metro-line-9"])
    st = Index(tmp_path / "ix").stats()
    assert st["dense_kind"] == "ivf_fp16" and st["chunks"] == st["dense"]
    assert all(h.article_id != "metro-line-9" for h in search(ix, "地铁9号线二期工程全长多少公里", 5))


def test_a_question_in_another_language_is_searched_by_meaning_only(tmp_path, rag_home):
    """English words match only the few English articles, never a Chinese answer: for a
    question with no Chinese the keyword channel is dropped (stages.retrieve)."""
    from rag import stages
    ix = Index(tmp_path / "ix")
    ix.add_articles([
        Article(id="zh", title="三星泰勒工厂", date="2023-08-01",
                body="三星电子预计将在得克萨斯州泰勒市的新芯片工厂投资170亿美元。"),
        Article(id="en", title="Samsung news roundup", date="2023-08-01",
                body="Samsung Electronics said its chip plant in Taylor, Texas is on schedule, the company expected."),
    ])
    q = "How much is Samsung Electronics expected to invest in its new chip plant in Taylor, Texas?"
    assert any(h.bm25_score is not None for h in search(ix, q, 5))
    only = search(ix, q, 5, dense_only=True)
    assert only and all(h.bm25_score is None and h.dense_score is not None for h in only)
    run = stages.Run(question=q, index=ix, cfg=ix.config, model=None, model_name="extractive", k=5, filters={})
    stages.rewrite(run)
    stages.retrieve(run)
    assert run.cross_lingual and all(h.bm25_score is None for h in run.hits)
