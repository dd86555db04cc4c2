"""One contract, every store implementation: add / search / delete / save / load."""
import numpy as np
import pytest

from vectorstore import BM25Store, FaissStore

rng = np.random.default_rng(0)
WORDS = [f"w{i}" for i in range(40)]


def _vec_items(n):
    v = rng.normal(size=(n, 16)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _doc_items(n):
    return [list(rng.choice(WORDS, 6)) + [f"uniq{i}"] for i in range(n)]


class VecCase:
    def __init__(self, kind):
        self.kind = kind

    def new(self):
        return FaissStore(16, self.kind)

    def items(self, n):
        return _vec_items(n)

    def query_for(self, items, i):
        return items[i]

    def load(self, folder):
        return FaissStore.load(folder, self.kind)


class BM25Case:
    def new(self):
        return BM25Store()

    def items(self, n):
        return _doc_items(n)

    def query_for(self, items, i):
        return [f"uniq{i}"]

    def load(self, folder):
        return BM25Store.load(folder)


CASES = [VecCase("flat"), VecCase("hnsw"), VecCase("hnsw_sq8"), VecCase("ivf_sq8"), VecCase("ivf_fp16"), BM25Case()]


@pytest.fixture(params=CASES, ids=["faiss-flat", "faiss-hnsw", "faiss-hnsw-sq8", "faiss-ivf-sq8", "faiss-ivf-fp16", "bm25"])
def case(request):
    return request.param


def test_add_then_search_finds_the_item_first(case):
    s = case.new()
    items = case.items(50)
    s.add(np.arange(100, 150), items)
    assert len(s) == 50
    for i in (0, 17, 49):
        ids, scores = s.search(case.query_for(items, i), 5)
        assert ids[0] == 100 + i
        assert list(scores) == sorted(scores, reverse=True)


def test_delete_removes_from_results_and_count(case):
    s = case.new()
    items = case.items(30)
    s.add(np.arange(30), items)
    s.delete([3, 4])
    assert len(s) == 28
    ids, _ = s.search(case.query_for(items, 3), 30)
    assert 3 not in ids and 4 not in ids


def test_allowed_ids_restrict_results(case):
    s = case.new()
    items = case.items(30)
    s.add(np.arange(30), items)
    ids, _ = s.search(case.query_for(items, 5), 10, allowed=np.array([7, 8, 9]))
    assert set(ids) <= {7, 8, 9}


def test_save_load_round_trip(case, tmp_path):
    s = case.new()
    items = case.items(20)
    s.add(np.arange(20), items)
    s.delete([2])
    s.save(tmp_path)
    t = case.load(tmp_path)
    assert len(t) == 19
    for i in (0, 5, 19):
        assert t.search(case.query_for(items, i), 3)[0][0] == s.search(case.query_for(items, i), 3)[0][0] == i


def test_empty_store_returns_nothing(case):
    s = case.new()
    ids, scores = s.search(case.query_for(case.items(1), 0), 5)
    assert len(ids) == 0 and len(scores) == 0


def test_copy_is_independent_of_the_original(case):
    """Writers modify a copy while readers keep searching the original."""
    s = case.new()
    items = case.items(40)
    s.add(np.arange(30), items[:30])
    c = s.copy()
    c.add(np.arange(30, 40), items[30:])
    c.delete([0])
    assert len(s) == 30 and len(c) == 39
    assert s.search(case.query_for(items, 0), 1)[0][0] == 0
    assert 0 not in c.search(case.query_for(items, 0), 40)[0]
    assert 35 not in s.search(case.query_for(items, 35), 40)[0]
    assert c.search(case.query_for(items, 35), 1)[0][0] == 35


# ---------------------------------------------------------------------------------------
# The backend contract: every storage backend (vectorstore.base.BACKENDS) stages a
# generation, commits it, and serves hybrid search, term statistics and the article store
# the same way. Milvus runs as Milvus Lite (a local file).
from pathlib import Path  # noqa: E402

from rag.chunking import chunk_article  # noqa: E402
from rag.types import Article  # noqa: E402
from vectorstore.base import BACKENDS, Filters, get_backend  # noqa: E402
from vectorstore.generations import Generations  # noqa: E402

DIM = 16
BODY = "第{i}段：本报讯 {d}，某市第{i}号仓库完成改造，新增货架{i}组。" * 12


class Harness:
    """Drives a backend the way rag/index.py does, without an embedder."""

    def __init__(self, name: str, root: Path):
        self.name, self.root = name, root
        self.backend = get_backend(name, root, uri="")
        self.gens = Generations(root)
        self.snap = None
        self.vecs: dict[int, np.ndarray] = {}
        self.rng = np.random.default_rng(1)

    def write(self, fn, fresh: bool = False, fail: bool = False):
        stage = self.gens.stage()
        cur = self.gens.current()
        previous = self.gens.manifest(cur) if cur else None
        w = self.backend.writer(stage, None if fresh or self.snap is None else self.snap, DIM, previous)
        w.articles.begin()
        try:
            fn(w)
            if fail:
                raise RuntimeError("simulated failure before commit")
            files, stored = w.commit(stage)
            final = self.gens.commit(stage, files, {"backend": self.name, **stored})
        except BaseException:
            w.abort()
            import shutil
            shutil.rmtree(stage, ignore_errors=True)
            raise
        self.snap = w.published(final, self.gens.manifest(final))
        w.finish()
        return self.snap

    def add(self, w, aid: str, date: str | None = "2025-06-10", body: str | None = None):
        a = Article(id=aid, title=f"标题{aid}", body=body or BODY.format(i=aid, d=date or ""), date=date)
        chunks = chunk_article(a, 120, 1)
        ids = w.articles.add(a, chunks, np.arange(64, dtype=np.uint32) + len(aid), [hash(aid) >> 2, 7])
        v = self.rng.normal(size=(len(ids), DIM)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        self.vecs.update(zip(ids.tolist(), v))
        # filler words give every chunk of an article its own length, so BM25 scores do not tie
        w.add(ids, v, [[f"tok{aid}", "共同", f"n{c.n}"] + ["填充"] * c.n for c in chunks])
        return ids

    def reopen(self):
        if self.name == "milvus":
            from vectorstore.milvus_store import release
            release()
        gen = self.gens.current()
        self.snap = self.backend.open(gen, self.gens.manifest(gen))
        return self.snap


@pytest.fixture(params=sorted(BACKENDS))
def harness(request, tmp_path):
    if request.param == "milvus":
        pytest.importorskip("pymilvus")
    h = Harness(request.param, tmp_path / "ix")
    yield h
    if request.param == "milvus":
        from vectorstore.milvus_store import release
        release()


def _dense(snap, v, k=5, filters=None):
    return [f.id for f in snap.hybrid_search(v, None, k, 50, filters, (1.0, 0.0), 60)]


def _sparse(snap, toks, k=5, filters=None):
    return [f.id for f in snap.hybrid_search(None, toks, k, 50, filters, (0.0, 1.0), 60)]


def test_backend_search_finds_each_chunk_first_by_vector_and_by_term(harness):
    ids = {}
    snap = harness.write(lambda w: ids.update({a: harness.add(w, a) for a in ("a1", "a2", "a3")}))
    assert snap.counts() == {"chunks": sum(map(len, ids.values())), "dense": sum(map(len, ids.values())),
                             "bm25": sum(map(len, ids.values()))}
    for aid, cids in ids.items():
        assert _dense(snap, harness.vecs[int(cids[0])])[0] == cids[0]
        assert set(_sparse(snap, [f"tok{aid}"], k=50)) == set(cids.tolist())
    fused = snap.hybrid_search(harness.vecs[int(ids["a2"][0])], ["toka2"], 3, 50, None, (1.0, 1.0), 60)
    assert fused[0].id == ids["a2"][0] and fused[0].score == pytest.approx(2 / 61, rel=1e-5)


def test_backend_term_statistics(harness):
    ids = {}
    snap = harness.write(lambda w: ids.update({a: harness.add(w, a) for a in ("a1", "a2", "a3", "a4")}))
    n = snap.counts()["chunks"]
    df = len(ids["a1"])
    assert snap.doc_share("toka1") == pytest.approx(df / n)
    assert snap.idf("toka1") == pytest.approx(np.log1p((n - df + 0.5) / (df + 0.5)), rel=1e-6)
    assert snap.doc_share("共同") == 1.0 and snap.doc_share("nope") == 0.0
    assert snap.idf("nope") is None and snap.idf("toka1") > snap.idf("共同") > 0


def test_backend_article_store_round_trip_and_verbatim_chunks(harness):
    snap = harness.write(lambda w: [harness.add(w, "a1", "2025-06-10"), harness.add(w, "a2", None)])
    art = snap.articles.article("a1")
    assert art["title"] == "标题a1" and art["date"] == "2025-06-10" and art["authors"] == []
    rows = snap.articles.hits(snap.articles.all_chunk_ids())
    assert rows and all(snap.articles.article(r["article_id"])["body"][r["start"]:r["end"]] == r["text"]
                        for r in rows.values())
    assert [a["id"] for a in snap.articles.articles()] == ["a1", "a2"]   # dated first, like SQLite's DESC
    assert snap.articles.counts() == {"articles": 2, "chunks": len(rows)}
    h = art["hash"]
    assert snap.articles.hash_of("a1") == h and snap.articles.id_by_hash(h) == "a1"
    assert snap.articles.hash_of("zz") is None and snap.articles.article("zz") is None
    assert snap.articles.near_candidates([7])[0] and snap.articles.near_candidates([12345])[0] == []
    nb = snap.articles.neighborhood("a1", 1, 1)
    assert nb.startswith("标题a1\n") and nb[len("标题a1\n"):] in art["body"]


def test_backend_long_article_round_trips_exactly(harness):
    """Longer than one Milvus VARCHAR (65,535 bytes = 21,845 CJK characters)."""
    body = "".join(f"第{i}句，长篇报道的正文继续展开。" for i in range(3000))
    assert len(body.encode()) > 2 * 65_535
    snap = harness.write(lambda w: harness.add(w, "long", body=body))
    assert snap.articles.article("long")["body"] == body
    rows = snap.articles.hits(snap.articles.all_chunk_ids())
    assert len(rows) > 100 and all(body[r["start"]:r["end"]] == r["text"] for r in rows.values())


def test_backend_reprints_are_recorded_on_the_canonical_article(harness):
    harness.write(lambda w: [harness.add(w, "a1"), harness.add(w, "a2")])
    probe = harness.snap.articles
    if not hasattr(probe, "add_reprint"):
        pytest.skip("this article store has no reprint grouping yet (ChunkStore gains it on another branch)")
    rep = {"id": "a1-copy", "source": "wire.jsonl", "similarity": 0.97}
    snap = harness.write(lambda w: w.articles.add_reprint("a1", rep))
    assert snap.articles.reprints("a1") == [rep] and snap.articles.reprints("a2") == []
    assert snap.articles.reprint_groups() == 1
    snap = harness.write(lambda w: w.articles.add_reprint("a1", {"id": "a1-copy2"}))
    assert [r["id"] for r in snap.articles.reprints("a1")] == ["a1-copy", "a1-copy2"]
    assert snap.articles.reprint_groups() == 1 and snap.articles.article("a1")["title"] == "标题a1"
    assert snap.articles.counts()["articles"] == 2


def test_backend_filters_restrict_by_article_and_month_precision_date(harness):
    ids = {}
    snap = harness.write(lambda w: ids.update(
        {a: harness.add(w, a, d) for a, d in (("a1", "2025-06-10"), ("a2", "2025-07"), ("a3", None))}))
    q = harness.vecs[int(ids["a1"][0])]
    assert {snap.articles.hits(_dense(snap, q, 50, Filters(article_ids=["a2"])))[i]["article_id"]
            for i in _dense(snap, q, 50, Filters(article_ids=["a2"]))} == {"a2"}
    got = {r["article_id"] for r in snap.articles.hits(_dense(snap, q, 50, Filters(date_from="2025-07-15"))).values()}
    assert got == {"a2"}
    got = {r["article_id"] for r in snap.articles.hits(_dense(snap, q, 50, Filters(date_to="2025-06-30"))).values()}
    assert got == {"a1"}
    assert set(snap.articles.chunk_ids_where("2025-06-01", "2025-06-30", None).tolist()) == set(ids["a1"].tolist())


def test_backend_delete_and_replace_leave_no_trace_and_old_snapshot_unchanged(harness):
    ids = {}
    old = harness.write(lambda w: ids.update({a: harness.add(w, a) for a in ("a1", "a2")}))
    n_old = old.counts()["chunks"]

    def replace(w):
        gone = w.articles.delete_article("a1")
        w.delete(gone)
        ids["a1new"] = harness.add(w, "a1", body="全新的正文，只有一句话。")
        w.delete(w.articles.delete_article("a2"))
    new = harness.write(replace)
    assert set(new.articles.all_chunk_ids().tolist()) == set(ids["a1new"].tolist())
    assert new.articles.article("a1")["body"] == "全新的正文，只有一句话。" and new.articles.article("a2") is None
    assert _sparse(new, ["toka2"]) == [] and new.doc_share("toka2") == 0.0
    assert new.counts()["chunks"] == len(ids["a1new"]) and new.articles.counts()["articles"] == 1
    again = harness.reopen()
    assert set(again.articles.all_chunk_ids().tolist()) == set(ids["a1new"].tolist())
    assert again.idf("toka2") is None and again.doc_share("共同") == 1.0
    if harness.name == "faiss":   # FAISS snapshots are separate files: the old one still reads
        assert old.counts()["chunks"] == n_old


def test_backend_failed_write_leaves_nothing_visible(harness):
    harness.write(lambda w: harness.add(w, "a1"))
    with pytest.raises(RuntimeError, match="simulated"):
        harness.write(lambda w: [harness.add(w, "b1"), w.delete(w.articles.delete_article("a1"))], fail=True)
    snap = harness.reopen()
    assert [a["id"] for a in snap.articles.articles()] == ["a1"]
    assert _sparse(snap, ["tokb1"]) == [] and snap.idf("tokb1") is None
    # and the next write still works on top of it
    snap = harness.write(lambda w: harness.add(w, "c1"))
    assert {a["id"] for a in snap.articles.articles()} == {"a1", "c1"}


def test_backend_fresh_write_replaces_everything(harness):
    harness.write(lambda w: [harness.add(w, "a1"), harness.add(w, "a2")])
    snap = harness.write(lambda w: harness.add(w, "z9"), fresh=True)
    assert [a["id"] for a in snap.articles.articles()] == ["z9"]
    assert snap.counts()["chunks"] == len(snap.articles.all_chunk_ids()) and _sparse(snap, ["toka1"]) == []


def test_backend_empty_generation_returns_nothing(harness):
    snap = harness.write(lambda w: None)
    assert snap.counts()["chunks"] == 0 and snap.articles.articles() == []
    assert snap.hybrid_search(np.ones(DIM, np.float32) / 4, ["x"], 5, 50, None, (1.0, 1.0), 60) == []
    assert snap.idf("x") is None and snap.doc_share("x") == 0.0


def test_backends_rank_the_same(tmp_path):
    """Same articles, vectors and tokens in every backend: the same channel scores and the
    same fused ranking (on data without tied BM25 scores, whose order no backend promises)."""
    pytest.importorskip("pymilvus")
    got = {}
    for name in sorted(BACKENDS):
        h = Harness(name, tmp_path / name)
        snap = h.write(lambda w: [h.add(w, f"a{i}", f"2025-06-{10 + i}") for i in range(8)])
        qv = np.random.default_rng(5).normal(size=DIM).astype(np.float32)
        qv /= np.linalg.norm(qv)
        fused = snap.hybrid_search(qv, ["toka3"], 10, 50, None, (1.0, 1.0), 60)
        dense = snap.hybrid_search(qv, None, 10, 50, None, (1.0, 0.0), 60)
        bm25 = snap.hybrid_search(None, ["toka3", "n2"], 200, 200, None, (0.0, 1.0), 60)
        groups: dict[float, set] = {}
        for f in bm25:
            groups.setdefault(f.bm25[1], set()).add(f.id)   # tied scores are bit-equal within a backend
        got[name] = ([(f.id, round(f.score, 6)) for f in fused], [(f.id, round(f.dense[1], 5)) for f in dense],
                     sorted(groups.items(), reverse=True),
                     # the fused result still says how similar each hit is (the answerability model reads it)
                     [(f.id, round(f.dense[1], 4)) for f in fused if f.dense is not None])
    from vectorstore.milvus_store import release
    release()
    assert got["faiss"][1] == got["milvus"][1]
    assert [ids for _, ids in got["faiss"][2]] == [ids for _, ids in got["milvus"][2]]
    assert [sc for sc, _ in got["faiss"][2]] == pytest.approx([sc for sc, _ in got["milvus"][2]], rel=1e-5)
    assert got["faiss"][0] == got["milvus"][0]
    assert len(got["milvus"][3]) == 10 and got["faiss"][3] == got["milvus"][3]
