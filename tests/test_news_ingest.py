"""Ingesting real news feeds: streaming, field mapping, dates, reprints, resumable batches.

Most tests use `CharGrams`, a small real embedder (hashed character bigrams), so that batches,
commits and resumes are exercised in milliseconds; the CLI kill test uses the default one.
"""
import bz2
import gzip
import io
import json
import lzma
import os
import signal
import subprocess
import sys
import time
from contextlib import redirect_stdout

import numpy as np
import pytest
import xxhash

from rag import cli
from rag.errors import InputError
from rag.index import Index

from .conftest import ROOT, SHARED

NEWS = SHARED / "news" / "crud_news_20k.jsonl.xz"


class CharGrams:
    """Hashed character-bigram vectors: deterministic, fast, similar texts get similar vectors."""
    name, dim = "test-chargrams", 64

    def __init__(self, fail_after: int | None = None):
        self.calls = 0
        self.texts = 0
        self.fail_after = fail_after

    def identity(self):
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": "test"}

    def embed_batch(self, texts, role="passage"):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("injected embedder failure")
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[i, xxhash.xxh32_intdigest((a + b).encode()) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def real_slice(n=50) -> list[str]:
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        return [next(f) for _ in range(n)]


def write_feed(path, rows, opener=lzma.open):
    with opener(path, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) + "\n")
    return path


def body(i: int) -> str:
    return (f"第{i}号新闻：本市第{i}届科技节开幕，{i * 7}家企业参展，展出新品{i * 3}件。"
            f"主办方表示，今年观众预计达到{i * 1000}人次，比去年增长{i}成。（来源：测试日报）")


needs_news = pytest.mark.skipif(not NEWS.exists(), reason="needs /work/shared/news")


@needs_news
def test_real_slice_streams_with_auto_detected_fields(tmp_path):
    feed = tmp_path / "news.jsonl.xz"
    feed.write_bytes(lzma.compress("".join(real_slice()).encode("utf-8")))
    told = []
    ix = Index(tmp_path / "ix", embedder=CharGrams())
    rep = ix.ingest([feed], batch=20, announce=told.append)
    assert len(rep.added) + len(rep.reprints) == 50 and not rep.problems
    assert rep.commits == 3
    assert "body<-text (auto)" in told[0] and "date<-published (auto)" in told[0] and "title<-(none)" in told[0]
    assert rep.feeds[0]["records"] == 50
    d = rep.dates
    assert d.parsed + d.inferred + d.missing == 50 and d.parsed > 30
    a = ix.article("part_10_part_1-5")          # the `id` field is kept as the article id
    assert a["date"] == "2023-08-16" and a["meta"]["date_raw"] == "2023-08-16 17:52:53"
    assert a["meta"]["date_status"] == "parsed" and 0 < len(a["title"]) <= 40
    assert a["body"].startswith("IT之家") and "广告声明" in a["body"]  # stored verbatim
    snap = ix.snapshot()
    for hit in snap.chunks.hits(snap.chunks.all_chunk_ids()).values():
        assert "广告声明" not in hit["text"] and "返回搜狐" not in hit["text"]
    st = ix.ingest_stats()
    assert sum(st["dates"].values()) == len(rep.added)


def test_limit_field_mapping_and_other_compressions(tmp_path):
    rows = [{"url": f"https://x.cn/{i}", "headline": f"标题{i}", "content": body(i), "pub_time": "2023-07-0%d" % (i + 1)}
            for i in range(6)]
    for opener, ext in ((gzip.open, "gz"), (bz2.open, "bz2")):
        ix = Index(tmp_path / f"ix-{ext}", embedder=CharGrams())
        rep = ix.ingest([write_feed(tmp_path / f"f.jsonl.{ext}", rows, opener)], limit=4)
        assert len(rep.added) == 4 and rep.feeds[0]["records"] == 4
        assert "body<-content (auto)" in rep.feeds[0]["fields"] and "id<-url (auto)" in rep.feeds[0]["fields"]
        a = ix.article("https-x.cn-2")
        assert (a["title"], a["date"]) == ("标题2", "2023-07-03")
    # named fields win over detection: the date comes from `seen`, the title from `kicker`
    rows = [{"id": "n1", "text": body(1), "date": "2020-01-01", "seen": "2023-08-06", "kicker": "副题"}]
    ix = Index(tmp_path / "ix-map", embedder=CharGrams())
    rep = ix.ingest([write_feed(tmp_path / "m.jsonl", rows, open)], fields={"date": "seen", "title": "kicker"})
    a = ix.article("n1")
    assert (a["date"], a["title"]) == ("2023-08-06", "副题") and a["meta"]["date"] == "2020-01-01"
    with pytest.raises(InputError, match="unknown field 'summary'"):
        ix.ingest([tmp_path / "m.jsonl"], fields={"summary": "x"})


def test_bad_lines_are_reported_with_file_and_line_rest_ingested(tmp_path):
    rows = [{"id": "a", "published": "2023-07-01", "text": body(1)}, "{not json\n",
            {"id": "b", "published": "07-02 10:00", "text": ""}, {"id": "c", "published": "来源：某报", "text": body(3)},
            "\n", {"id": "d", "published": "2023-07-04", "text": body(4)}]
    feed = write_feed(tmp_path / "bad.jsonl.xz", rows)
    ix = Index(tmp_path / "ix", embedder=CharGrams())
    rep = ix.ingest([feed])
    assert sorted(rep.added) == ["a", "c", "d"]
    assert any(p.startswith(f"{feed}:2: invalid JSON") for p in rep.problems), rep.problems
    assert any(p.startswith(f"{feed}:3: record has no text") for p in rep.problems), rep.problems
    assert rep.dates.warnings == 1 and ix.article("c")["date"] is None
    # a damaged archive keeps what was read before the damage
    data = lzma.compress("".join(json.dumps({"id": f"t{i}", "text": body(i)}, ensure_ascii=False) + "\n"
                                 for i in range(200)).encode())
    (tmp_path / "cut.jsonl.xz").write_bytes(data[: len(data) // 2])
    rep = Index(tmp_path / "ix2", embedder=CharGrams()).ingest([tmp_path / "cut.jsonl.xz"])
    assert rep.added and any("cut.jsonl.xz" in p and "cannot read on" in p for p in rep.problems)


def test_reprints_are_grouped_under_the_indexed_article_and_earliest_is_recorded(tmp_path, monkeypatch):
    text = "".join(body(i) for i in range(5, 9))
    rows = [{"id": "late", "published": "2023-08-10 09:00", "text": text},
            {"id": "early", "published": "2023-08-01 09:00", "text": "（转载）" + text},
            {"id": "copy", "published": "2023-08-12 09:00", "text": text},
            {"id": "other", "published": "2023-08-02 09:00", "text": body(9)}]
    feed = write_feed(tmp_path / "r.jsonl", rows, open)
    ix = Index(tmp_path / "ix", embedder=CharGrams())
    rep = ix.ingest([feed])
    assert sorted(rep.added) == ["late", "other"]
    assert {r[0]: r[1] for r in rep.reprints} == {"early": "late", "copy": "late"}
    a = ix.article("late")
    assert [r["id"] for r in a["also_reported_by"]] == ["early", "copy"]
    early = a["also_reported_by"][0]
    assert early["date"] == "2023-08-01" and early["earliest"] is True and early["source"] == "测试日报"
    assert early["similarity"] >= 0.85 and a["also_reported_by"][1]["earliest"] is False
    assert a["earliest"] == {"id": "early", "date": "2023-08-01"}
    assert ix.article("early") is None                       # not indexed: one per group in retrieval
    assert ix.ingest_stats()["reprint_groups"] == 1
    gen = ix.stats()["generation"]
    def no_model(*a, **k):
        raise AssertionError("a re-run with nothing new must not load an embedder")
    monkeypatch.setattr("rag.index.get_embedder", no_model)
    again = Index(tmp_path / "ix")
    rep = again.ingest([feed])                               # again: nothing new, nothing committed
    assert again.stats()["generation"] == gen and rep.commits == 0
    assert sorted(rep.unchanged) == ["late", "other"]
    assert len(again.article("late")["also_reported_by"]) == 2
    monkeypatch.undo()
    # a rebuild from the stored articles keeps the groups
    rebuilt = Index(tmp_path / "ix", embedder=CharGrams())
    rebuilt.reindex()
    assert [r["id"] for r in rebuilt.article("late")["also_reported_by"]] == ["early", "copy"]
    assert rebuilt.ingest_stats()["reprint_groups"] == 1


def test_retrieval_metrics_count_the_indexed_copy_of_a_gold_reprint(tmp_path):
    # a question set names the article its writer read; when that article is a reprint, the
    # index searches its group under the first copy's id, and finding that copy is a hit
    from rag.evaluation import runner
    text = "".join(body(i) for i in range(5, 9))
    rows = [{"id": "late", "published": "2023-08-10 09:00", "text": text},
            {"id": "early", "published": "2023-08-01 09:00", "text": "（转载）" + text},
            {"id": "other", "published": "2023-08-02 09:00", "text": body(9)}]
    ix = Index(tmp_path / "ix", embedder=CharGrams())
    ix.ingest([write_feed(tmp_path / "r.jsonl", rows, open)])
    q = {"id": "q", "question": text[:30], "answers": ["35家企业"], "answerable": True, "article_ids": ["early"],
         "category": "number"}
    (tmp_path / "q.jsonl").write_text(json.dumps(q, ensure_ascii=False), encoding="utf-8")
    rep = runner.run(tmp_path / "q.jsonl", retrieval_only=True, index=ix)
    assert rep["retrieval"]["article"]["recall@1"] == 1.0, rep["retrieval"]
    assert rep["retrieval"]["recall@5"] == 1.0, rep["retrieval"]


def test_killed_ingest_resumes_without_redoing_or_duplicating(tmp_path):
    rows = [{"id": f"n{i}", "published": f"2023-07-{i % 28 + 1:02d}", "text": body(i)} for i in range(1, 26)]
    feed = write_feed(tmp_path / "big.jsonl.xz", rows)
    path = tmp_path / "ix"
    broken = CharGrams(fail_after=1)    # one embed call per batch here: batch 2 fails
    with pytest.raises(RuntimeError, match="injected"):
        Index(path, embedder=broken).ingest([feed], batch=10)
    ix = Index(path, embedder=CharGrams())
    assert ix.stats()["articles"] == 10                     # batch 1 was committed
    healthy = ix.embedder
    rep = ix.ingest([feed], batch=10)
    assert sorted(rep.unchanged) == sorted(f"n{i}" for i in range(1, 11))
    assert len(rep.added) == 15 and not rep.updated
    st = ix.stats()
    assert st["articles"] == 25 and st["chunks"] == st["dense"] == st["bm25"]
    assert healthy.texts == rep.chunks_added                # only the new articles were embedded
    gens = sorted(p.name for p in path.glob("gen-*"))
    assert len(gens) <= 2 and not any(g.endswith(".tmp") for g in gens)
    before = healthy.calls
    rep = ix.ingest([feed], batch=10)                       # finished: lookups only
    assert len(rep.unchanged) == 25 and healthy.calls == before and rep.commits == 0


def test_stats_cli_reports_reprint_groups_and_dates(tmp_path):
    rows = [{"id": "a", "published": "2023-07-01", "text": body(1) * 3},
            {"id": "b", "published": "07-03 10:00", "text": body(2)},
            {"id": "c", "published": "", "text": body(3)},
            {"id": "a2", "published": "2023-07-02", "text": body(1) * 3 + "（完）"}]
    ix = Index(tmp_path / "ix", embedder=CharGrams())
    ix.ingest([write_feed(tmp_path / "s.jsonl.gz", rows, gzip.open)])
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["--index", str(tmp_path / "ix"), "stats", "--json"]) == 0
    st = json.loads(out.getvalue())
    assert (st["articles"], st["reprint_groups"]) == (3, 1)
    assert st["dates"] == {"parsed": 1, "inferred": 1, "missing": 1}


@pytest.mark.slow
@needs_news
def test_cli_killed_after_first_commit_then_rerun_completes(tmp_path):
    """The real CLI and embedder: SIGKILL once a generation exists, run again, nothing lost or doubled."""
    feed = tmp_path / "news.jsonl.xz"
    feed.write_bytes(lzma.compress("".join(real_slice(40)).encode("utf-8")))
    ix_dir = tmp_path / "ix"
    cmd = [sys.executable, "-m", "rag.cli", "--index", str(ix_dir), "ingest", str(feed), "--batch", "10", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAG_THREADS": "1"}
    p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (ix_dir / "CURRENT").exists() and p.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    first = Index(ix_dir).stats()["articles"]
    assert 0 < first < 40
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    rep = json.loads(done.stdout)
    assert len(rep["unchanged"]) == first
    assert len(rep["unchanged"]) + len(rep["added"]) + len(rep["reprints"]) == 40
    st = Index(ix_dir).stats()
    assert st["articles"] == first + len(rep["added"]) and st["chunks"] == st["dense"] == st["bm25"]


def test_cli_ingest_flags_parse_and_bad_field_is_a_clear_error(tmp_path, capsys):
    args = cli.build_parser().parse_args(["ingest", "f.jsonl.xz", "--field", "date=published", "--field", "body=text",
                                          "--limit", "2000", "--year", "2023", "--batch", "100"])
    assert (args.field, args.limit, args.year, args.batch) == (["date=published", "body=text"], 2000, 2023, 100)
    assert cli.main(["--index", str(tmp_path / "ix"), "ingest", "x.jsonl", "--field", "published"]) == 1
    assert "bad --field 'published'" in capsys.readouterr().err
    assert cli.main(["--index", str(tmp_path / "ix"), "ingest", "x.jsonl", "--field", "summary=x"]) == 1
    assert "unknown field 'summary'" in capsys.readouterr().err
