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
