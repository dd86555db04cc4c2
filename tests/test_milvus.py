"""The whole index on Milvus: Milvus Lite (a local file) and a Milvus server (a
`milvus-lite server` process standing in for one), through the same code path."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.config import Config
from rag.errors import IndexMismatchError
from rag.index import Index
from rag.retriever import search

from .conftest import FIXTURES, ROOT, free_port

pytest.importorskip("pymilvus")
from vectorstore.milvus_store import release  # noqa: E402


@pytest.fixture(autouse=True)
def _release_clients():
    yield
    release()   # a Lite file is open in one process at a time; let the next test (or a CLI) have it


def _verified(ix, hits):
    for h in hits:
        body = ix.article(h.article_id)["body"]
        assert body[h.start:h.end] == h.text


def test_lite_index_ingests_searches_and_verifies_offsets(tmp_path):
    ix = Index(tmp_path / "ix", config=Config(backend="milvus"))
    rep = ix.ingest([FIXTURES])
    assert len(rep.added) == 5, rep.to_dict()
    st = ix.stats()
    assert st["backend"] == "milvus" and st["uri"] == str(tmp_path / "ix" / "milvus.db")
    assert st["articles"] == 5 and st["chunks"] == st["dense"] == st["bm25"] >= 5
    hits = search(ix, "地铁9号线二期工程全长多少公里", 3)
    assert hits[0].article_id == "metro-line-9"
    _verified(ix, hits)
    assert ix.idf("地铁") is not None and 0 < ix.doc_share("地铁") <= 1 and ix.chunk_count() == st["chunks"]
    assert "地铁" in ix.neighborhood("metro-line-9", 0)
    # a fresh process view (saved config picks the backend, no argument needed)
    release()
    again = Index(tmp_path / "ix")
    assert again.config.backend == "milvus" and again.stats()["articles"] == 5
    assert search(again, "樱桃冷库能储存多少吨", 1)[0].article_id == "cherry-harvest"


def test_lite_reingest_changes_nothing_and_replace_delete_are_clean(tmp_path):
    ix = Index(tmp_path / "ix", config=Config(backend="milvus"))
    ix.ingest([FIXTURES])
    gen = ix.stats()["generation"]
    rep = ix.ingest([FIXTURES])
    assert len(rep.unchanged) == 5 and not rep.added and not rep.updated
    assert ix.stats()["generation"] == gen

    changed = (FIXTURES / "metro.md").read_text(encoding="utf-8").replace("28分钟", "25分钟")
    (tmp_path / "metro.md").write_text(changed, encoding="utf-8")
    rep = ix.ingest([tmp_path / "metro.md"])
    assert rep.updated == ["metro-line-9"]
    hit = search(ix, "地铁开通后从城东到火车站要多久", 1)[0]
    assert "25分钟" in hit.text
    _verified(ix, [hit])
    st = ix.stats()
    assert st["articles"] == 5 and st["chunks"] == len(ix.snapshot().chunks.all_chunk_ids())
    texts = [r["text"] for r in ix.snapshot().chunks.hits(ix.snapshot().chunks.all_chunk_ids()).values()]
    assert not any("28分钟" in t for t in texts)   # the old version's chunks are gone, not just hidden

    rep = ix.remove(["cherry-harvest"])
    assert rep.removed == ["cherry-harvest"]
    assert all(h.article_id != "cherry-harvest" for h in search(ix, "樱桃冷库能储存多少吨", 5))
    assert ix.stats()["articles"] == 4 and ix.idf("樱桃") is None


def test_lite_filters_and_near_duplicates(tmp_path):
    ix = Index(tmp_path / "ix", config=Config(backend="milvus"))
    ix.ingest([FIXTURES])
    hits = search(ix, "开幕 开通 演练", 10, date_from="2025-06-01", date_to="2025-06-30")
    assert hits and {h.article_id for h in hits} <= {"metro-line-9", "reservoir-flood-drill"}
    body = (FIXTURES / "tea.md").read_text(encoding="utf-8")
    repost = body.replace('id: "spring-tea-fair"', 'id: "tea-repost"').replace("本报讯", "（转载）本报讯")
    (tmp_path / "repost.md").write_text(repost, encoding="utf-8")
    rep = ix.ingest([tmp_path / "repost.md"])
    assert [d[:2] for d in rep.duplicates] == [("tea-repost", "spring-tea-fair")]


def test_existing_faiss_index_is_not_reopened_as_milvus(fixture_index, monkeypatch):
    monkeypatch.setenv("RAG_BACKEND", "milvus")
    assert Index(fixture_index.path).config.backend == "faiss"   # its saved config wins
    with pytest.raises(IndexMismatchError, match="faiss"):
        Index(fixture_index.path, config=Config())


def _cli(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, **kw)


@pytest.mark.slow   # three CLI processes, each loading the embedder (~30 s)
def test_cli_env_selects_milvus_lite_and_answers_with_a_verified_citation(tmp_path):
    env = dict(os.environ, RAG_BACKEND="milvus", RAG_MILVUS_URI=str(tmp_path / "x.db"))
    ix = tmp_path / "ix"
    out = _cli(["--index", str(ix), "ingest", str(ROOT / "corpus")], env)
    assert out.returncode == 0, out.stderr[-2000:]
    out = _cli(["--index", str(ix), "stats", "--json"], env)
    st = json.loads(out.stdout)
    assert st["backend"] == "milvus" and st["uri"] == str(tmp_path / "x.db") and st["articles"] == 7
    out = _cli(["--index", str(ix), "ask", "改革后，二手车出口退税流程需要几天？", "--json", "--llm", "extractive"], env)
    assert out.returncode == 0, out.stderr[-2000:]
    ans = json.loads(out.stdout)
    assert not ans["refused"] and ans["citations"]
    c = ans["citations"][0]
    release()
    body = Index(ix).article(c["article_id"])["body"]
    assert body[c["start"]:c["end"]] == c["quote"] and "3天" in ans["text"] + c["quote"]


@pytest.fixture()
def milvus_server(tmp_path):
    """A `milvus-lite server` on a free loopback port: the http:// path a real cluster takes."""
    exe = Path(sys.executable).with_name("milvus-lite")
    if not exe.exists():
        pytest.skip("milvus-lite's server command is not installed")
    port = free_port()
    proc = subprocess.Popen([str(exe), "server", "--data-dir", str(tmp_path / "srv"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    uri = f"http://127.0.0.1:{port}"
    try:
        from pymilvus import MilvusClient
        deadline = time.time() + 30
        while True:
            try:
                MilvusClient(uri=uri, timeout=2).list_collections()
                break
            except Exception:  # noqa: BLE001 - not up yet
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"milvus-lite server did not start: {proc.stderr.read()[-1000:]!r}")
                time.sleep(0.3)
        yield uri
    finally:
        release(uri)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_server_uri_path_ingests_searches_replaces(milvus_server, tmp_path):
    ix = Index(tmp_path / "ix", config=Config(backend="milvus", uri=milvus_server))
    assert len(ix.ingest([FIXTURES]).added) == 5
    st = ix.stats()
    assert st["uri"] == milvus_server and st["dense_kind"] == "milvus-hnsw" and st["articles"] == 5
    hits = search(ix, "地铁9号线二期工程全长多少公里", 3)
    assert hits[0].article_id == "metro-line-9"
    _verified(ix, hits)
    assert ix.remove(["metro-line-9"]).removed == ["metro-line-9"]
    assert all(h.article_id != "metro-line-9" for h in search(ix, "地铁9号线二期工程全长多少公里", 5))
    # a second index on the same server gets its own collections
    other = Index(tmp_path / "ix2", config=Config(backend="milvus", uri=milvus_server))
    other.ingest([FIXTURES / "tea.md"])
    assert other.stats()["articles"] == 1 and Index(tmp_path / "ix").stats()["articles"] == 4


def test_unreachable_server_is_a_clear_error(tmp_path):
    from rag.errors import IndexError_
    uri = f"http://127.0.0.1:{free_port()}"
    t = time.time()
    with pytest.raises(IndexError_, match="cannot open Milvus at http://127.0.0.1"):
        from rag.types import Article
        Index(tmp_path / "ix", config=Config(backend="milvus", uri=uri)).add_articles(
            [Article(id="a", title="标题", body="一条要写入的正文。" * 5)])
    assert time.time() - t < 30
    assert not list((tmp_path / "ix").glob("gen-*"))


def test_filter_values_are_quoted_not_interpreted(tmp_path):
    from rag.types import Article
    ix = Index(tmp_path / "ix", config=Config(backend="milvus"))
    ix.add_articles([Article(id='a"b\\c', title="引号", body="本报讯 绿道三条今日开放。", date="2025-07-01"),
                     Article(id="plain", title="其他", body="本报讯 绿道五条明日开放。", date="2025-07-02")])
    assert {h.article_id for h in search(ix, "绿道", 5, article_ids=['a"b\\c'])} == {'a"b\\c'}
    assert search(ix, "绿道", 5, article_ids=['x" or article_id != "']) == []
    assert ix.article('a"b\\c')["title"] == "引号"


@pytest.mark.slow   # each trial starts a CLI process (~10 s)
def test_sigkill_during_milvus_lite_ingest_leaves_old_or_new(tmp_path, monkeypatch):
    from rag.crashcheck import prepare, run_trials
    monkeypatch.setenv("RAG_BACKEND", "milvus")   # read by the indexes prepare() creates, and by the killed CLIs
    monkeypatch.delenv("RAG_MILVUS_URI", raising=False)   # the Lite file inside each index folder
    s = prepare(tmp_path, FIXTURES, 12)
    assert Index(s.base).config.backend == "milvus"
    release()
    assert len(s.new) == len(s.old) + 12
    trials = run_trials(s.base, s.new_files, s.old, s.new, int(os.environ.get("RAG_CRASH_TRIALS", "6")),
                        s.undisturbed_s * 1.2, tmp_path / "t")
    assert not [t for t in trials if t.outcome.startswith("BROKEN")], trials


def test_open_index_takes_backend_and_uri(tmp_path):
    from rag.index import open_index
    ix = open_index(tmp_path / "ix", build_from=FIXTURES, backend="milvus", uri=str(tmp_path / "m.db"))
    st = ix.stats()
    assert st["backend"] == "milvus" and st["uri"] == str(tmp_path / "m.db") and st["articles"] == 5
    with pytest.raises(Exception, match="backend must be one of"):
        open_index(tmp_path / "other", build_from=None, backend="nope")
