"""The Milvus backend: one code path for Milvus Lite (a local file) and a Milvus server
(http(s)://host:19530 with a token), through the official `pymilvus` client.

Chunks live in one collection with their dense vector and a BM25 sparse vector, searched
with Milvus' own `hybrid_search` + `RRFRanker`; articles live in a second collection.
The sparse vectors are our jieba BM25 (the same tokens, k1, b and idf as the FAISS
backend's BM25Store) stored as per-document term weights and searched by inner product with
a query vector of idf weights; the term table (vocabulary, document frequencies, length
totals) is a file in the generation folder, so it changes atomically with the generation.
docs/SCALE_OUT.md says why this beats Milvus' built-in BM25 function here, with numbers.

What Milvus does not give (multi-row transactions) the generation scheme supplies: see
vectorstore/milvus_articles.py.
"""
from __future__ import annotations

import json
import math
import re
import secrets
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from .base import Filters, Fused, StoreUnavailable, rrf
from .generations import CorruptGeneration
from .milvus_articles import TEXT_MAX, MilvusArticles, View, filter_exprs

K1, B = 1.2, 0.75            # as BM25Store
TERMS = "milvus_terms.json"
HNSW = {"M": 32, "efConstruction": 200}   # as FaissStore's HNSW
EF_SEARCH = 512

_CLIENTS: dict[tuple[str, str | None], object] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(uri: str, token: str | None):
    """One client per (uri, token) and process: Milvus Lite lets only one process open a
    file, and every client of this process shares that one."""
    import logging

    from pymilvus import MilvusClient
    # the Lite server answers query_iterator's timestamp probe with a warning on every call
    logging.getLogger("pymilvus").setLevel(logging.ERROR)
    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)   # Lite serves in-process; same probe
    with _CLIENTS_LOCK:
        c = _CLIENTS.get((uri, token))
        if c is None:
            try:
                c = MilvusClient(uri=uri, token=token or "")
            except Exception as e:  # noqa: BLE001 - pymilvus raises several kinds; all mean "not reachable"
                hint = ("a Milvus Lite file is open in one process at a time" if not uri.startswith("http")
                        else "is the server up, and RAG_MILVUS_TOKEN right?")
                raise StoreUnavailable(f"cannot open Milvus at {uri} ({hint}): {e}") from e
            _CLIENTS[(uri, token)] = c
        return c


def release(uri: str | None = None) -> None:
    """Close clients (all, or those of one uri), so another process may open a Lite file."""
    with _CLIENTS_LOCK:
        for key in [k for k in _CLIENTS if uri is None or k[0] == uri]:
            try:
                _CLIENTS.pop(key).close()
            except Exception:  # noqa: BLE001 - closing a dead connection is not an error
                pass


class TermStats:
    """Vocabulary and document frequencies of the live chunks, for BM25 weights and idf."""

    def __init__(self, terms=(), df=(), n: int = 0, total_len: int = 0):
        self.vocab = {t: i for i, t in enumerate(terms)}
        self.df = list(df)
        self.n, self.total_len = n, total_len

    def copy(self) -> "TermStats":
        c = TermStats(n=self.n, total_len=self.total_len)
        c.vocab, c.df = dict(self.vocab), list(self.df)
        return c

    def tid(self, term: str) -> int:
        i = self.vocab.setdefault(term, len(self.vocab))
        if i == len(self.df):
            self.df.append(0)
        return i

    def idf(self, term: str) -> float | None:
        i = self.vocab.get(term)
        if i is None or not self.df[i]:
            return None
        return math.log1p((self.n - self.df[i] + 0.5) / (self.df[i] + 0.5))

    def doc_share(self, term: str) -> float:
        i = self.vocab.get(term)
        return self.df[i] / self.n if i is not None and self.n else 0.0

    def query_vector(self, tokens: list[str]) -> dict[int, float]:
        return {self.vocab[t]: float(w) for t in set(tokens) if (w := self.idf(t)) is not None}

    def save(self, folder: Path) -> str:
        terms = [None] * len(self.vocab)
        for t, i in self.vocab.items():
            terms[i] = t
        (folder / TERMS).write_text(json.dumps({"terms": terms, "df": self.df, "n": self.n,
                                                "total_len": self.total_len}, ensure_ascii=False), encoding="utf-8")
        return TERMS

    @classmethod
    def load(cls, folder: Path) -> "TermStats":
        d = json.loads((folder / TERMS).read_text(encoding="utf-8"))
        return cls(d["terms"], d["df"], d["n"], d["total_len"])


def _gen_number(path: Path) -> int:
    return int(re.search(r"(\d+)", path.name).group(1))


class MilvusSnapshot:
    def __init__(self, backend: "MilvusBackend", gen: Path, manifest: dict, terms: TermStats | None = None):
        m = manifest["milvus"]
        self.backend, self.names, self.kind = backend, (m["articles"], m["chunks"]), manifest["dense_kind"]
        self.client = backend.client()
        self.view = View(m["gen"], m["floor"], m.get("dead_chunks", ()), m.get("dead_articles", ()))
        self.terms = terms if terms is not None else TermStats.load(gen)
        self.articles = MilvusArticles(self.client, self.names, self.view)
        for name in self.names:
            if not self.client.has_collection(name):
                raise CorruptGeneration(f"{gen}: Milvus collection {name!r} is missing at {backend.uri}")
            self.client.load_collection(name)

    def counts(self) -> dict[str, int]:
        n = self.articles.counts()["chunks"]
        return {"chunks": n, "dense": n, "bm25": n}   # one row holds the chunk and both vectors

    def hybrid_search(self, query_vec, query_tokens, k, depth, filters: Filters | None,
                      weights: tuple[float, float], rrf_k: int) -> list[Fused]:
        from pymilvus import AnnSearchRequest, RRFRanker
        # the filter goes on each request: hybrid_search ignores a top-level one (docs/SCALE_OUT.md)
        expr = " and ".join([self.view.chunks(), *filter_exprs(filters.date_from, filters.date_to,
                                                                 filters.article_ids)] if filters else [self.view.chunks()])
        dense_p = {"metric_type": "IP", "params": {"ef": max(EF_SEARCH, depth)} if self.kind == "milvus-hnsw" else {}}
        sparse_p = {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}}
        sq = self.terms.query_vector(query_tokens) if query_tokens is not None and weights[1] > 0 else {}
        use_dense, use_sparse = query_vec is not None and weights[0] > 0, bool(sq)
        chk = self.names[1]
        if use_dense and use_sparse and weights[0] == weights[1]:
            reqs = [AnnSearchRequest([np.asarray(query_vec, np.float32).tolist()], "dense", dense_p, depth, expr=expr),
                    AnnSearchRequest([sq], "sparse", sparse_p, depth, expr=expr)]
            # all candidates, then our tie order (score, then chunk id), as the FAISS backend
            res = self.client.hybrid_search(chk, reqs, RRFRanker(rrf_k), limit=2 * depth, output_fields=["id"])[0]
            top = sorted(((float(h["distance"]) * weights[0], int(h["id"])) for h in res), key=lambda t: (-t[0], t[1]))[:k]
            # the fused result carries no per-channel score; the answerability decision wants the
            # dense one, so read the k winners' vectors back and take the inner product here
            sims = self._dense_scores(chk, [i for _, i in top], query_vec)
            return [Fused(i, s, dense=(None, sims[i]) if i in sims else None) for s, i in top]
        channels = {}
        if use_dense:
            channels["dense"] = self._one(chk, [np.asarray(query_vec, np.float32).tolist()], "dense", dense_p, depth, expr)
        if use_sparse:
            channels["bm25"] = self._one(chk, [sq], "sparse", sparse_p, depth, expr)
        return rrf(channels, {"dense": weights[0], "bm25": weights[1]}, rrf_k, k)

    def _dense_scores(self, coll, ids: list[int], query_vec) -> dict[int, float]:
        if not ids:
            return {}
        rows = self.client.get(coll, ids=ids, output_fields=["id", "dense"])
        q = np.asarray(query_vec, np.float32)
        return {int(r["id"]): float(np.asarray(r["dense"], np.float32) @ q) for r in rows}

    def _one(self, coll, data, field, params, limit, expr) -> tuple[np.ndarray, np.ndarray]:
        res = self.client.search(coll, data, anns_field=field, search_params=params, limit=limit, filter=expr,
                                 output_fields=["id"])[0]
        return (np.asarray([int(h["id"]) for h in res], np.int64), np.asarray([h["distance"] for h in res], np.float32))

    def idf(self, term: str) -> float | None:
        return self.terms.idf(term)

    def doc_share(self, term: str) -> float:
        return self.terms.doc_share(term)

    def close(self) -> None:
        pass   # the client is shared by the process (see client_for)


class MilvusWriter:
    def __init__(self, backend: "MilvusBackend", stage: Path, base: MilvusSnapshot | None, dim: int,
                 previous: dict | None):
        self.backend, self.dim = backend, dim
        self.client = backend.client()
        self.gen = _gen_number(stage)
        prev = (previous or {}).get("milvus")
        if prev is None:
            # one server or Lite file may hold many indexes: each gets its own collections
            prefix = f"zhnews_{secrets.token_hex(4)}"
            prev = {"articles": f"{prefix}_articles", "chunks": f"{prefix}_chunks", "gen": 0, "floor": 0, "next_id": 1}
        self.names = (prev["articles"], prev["chunks"])
        self.kind = "milvus-flat" if backend.lite else "milvus-hnsw"
        self._ensure_collections()
        # rows a crashed writer staged, and rows the last commit retired but did not get to delete
        self._purge(f"born > {prev['gen']}")
        self._purge_dead(prev.get("dead_chunks", []), prev.get("dead_articles", []))
        self.next_id = prev["next_id"]
        if base is not None:
            self.terms = base.terms.copy()
            self.view = View(self.gen, base.view.floor)
        else:   # fresh: everything older is retired when this generation commits
            self.terms = TermStats()
            self.view = View(self.gen, self.gen)
        self.old_floor = prev["floor"]
        self.staged: dict[int, dict] = {}
        self.articles = MilvusArticles(self.client, self.names, self.view, writer=self)

    def _ensure_collections(self) -> None:
        from pymilvus import DataType
        c = self.client
        art, chk = self.names
        if not c.has_collection(art):
            s = c.create_schema(auto_id=False)
            s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=1024)
            s.add_field("id", DataType.VARCHAR, max_length=512)
            for f in ("part", "born", "n_chunks"):
                s.add_field(f, DataType.INT64)
            for f, n in (("title", 8192), ("date", 32), ("authors", 8192), ("url", 4096), ("source", 4096),
                         ("meta", TEXT_MAX), ("body", TEXT_MAX), ("hash", 128), ("minhash", 4096), ("reprints", TEXT_MAX)):
                s.add_field(f, DataType.VARCHAR, max_length=n)
            s.add_field("bands", DataType.ARRAY, element_type=DataType.INT64, max_capacity=64)
            s.add_field("v", DataType.FLOAT_VECTOR, dim=2)   # Milvus requires a vector field; unused
            ip = c.prepare_index_params()
            ip.add_index("v", index_type="FLAT", metric_type="L2")
            c.create_collection(art, schema=s, index_params=ip, consistency_level="Strong")
        if not c.has_collection(chk):
            s = c.create_schema(auto_id=False)
            s.add_field("id", DataType.INT64, is_primary=True)
            s.add_field("article_id", DataType.VARCHAR, max_length=512)
            for f in ("n", "start", "end", "born", "dl"):
                s.add_field(f, DataType.INT64)
            for f, n in (("title", 12288), ("date", 32), ("date_hi", 40), ("text", TEXT_MAX)):
                s.add_field(f, DataType.VARCHAR, max_length=n)
            s.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
            s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            ip = c.prepare_index_params()
            if self.kind == "milvus-hnsw":
                ip.add_index("dense", index_type="HNSW", metric_type="IP", params=HNSW)
            else:
                ip.add_index("dense", index_type="FLAT", metric_type="IP")
            ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
            c.create_collection(chk, schema=s, index_params=ip, consistency_level="Strong")
        for name in self.names:
            c.load_collection(name)

    def _purge(self, expr: str) -> None:
        for name in self.names:
            self.client.delete(name, filter=expr)

    def _purge_dead(self, chunk_ids, article_keys) -> None:
        if chunk_ids:
            self.client.delete(self.names[1], ids=list(chunk_ids))
        if article_keys:
            self.client.delete(self.names[0], ids=list(article_keys))

    # -- called by MilvusArticles
    def next_ids(self, n: int) -> np.ndarray:
        first, self.next_id = self.next_id, self.next_id + n
        return np.arange(first, first + n, dtype=np.int64)

    def stage_chunk(self, row: dict) -> None:
        self.staged[row["id"]] = row

    def unstaged_ids(self, article_id: str) -> list[int]:
        return [i for i, r in self.staged.items() if r["article_id"] == article_id]

    def retire(self, article_keys: list[str], chunk_ids: list[int]) -> None:
        """Rows this write staged go now; committed ones become dead for the new generation."""
        mine = f"{self.gen}:"
        self._purge_dead([], [k for k in article_keys if k.startswith(mine)])
        self.view.dead_articles.update(k for k in article_keys if not k.startswith(mine))
        for i in chunk_ids:
            self.staged.pop(i, None)
        rows = self.client.query(self.names[1], filter=f"id in {[int(i) for i in chunk_ids]} and {self.view.chunks()}",
                                 output_fields=["id", "born", "dl", "sparse"]) if chunk_ids else []
        for r in rows:   # their terms leave the statistics
            self.terms.n -= 1
            self.terms.total_len -= r["dl"]
            for tid in r["sparse"]:
                self.terms.df[int(tid)] -= 1
        self._purge_dead([r["id"] for r in rows if r["born"] == self.gen], [])
        self.view.dead_chunks.update(r["id"] for r in rows if r["born"] != self.gen)

    # -- StoreWriter
    def add(self, ids, vectors, docs) -> None:
        counts = [Counter(d) for d in docs]
        for c, d in zip(counts, docs):
            self.terms.n += 1
            self.terms.total_len += len(d)
            for t in c:
                self.terms.df[self.terms.tid(t)] += 1
        avgdl = self.terms.total_len / max(self.terms.n, 1)
        rows = []
        for i, v, c, d in zip(np.asarray(ids).tolist(), vectors, counts, docs):
            norm = K1 * (1 - B + B * len(d) / max(avgdl, 1e-9))
            sparse = {self.terms.vocab[t]: float(f * (K1 + 1) / (f + norm)) for t, f in c.items()}
            rows.append({**self.staged.pop(i), "born": self.gen, "dl": len(d),
                         "dense": np.asarray(v, np.float32).tolist(), "sparse": sparse})
        for s in range(0, len(rows), 500):
            self.client.insert(self.names[1], rows[s:s + 500])

    def delete(self, ids) -> None:
        pass   # MilvusArticles.delete_article retired the rows already

    def commit(self, stage: Path) -> tuple[list[str], dict]:
        if self.staged:
            raise RuntimeError(f"{len(self.staged)} chunks were stored without vectors")
        for name in self.names:
            self.client.flush(name)
        counts = self.articles.counts()
        n = counts["chunks"]
        files = [self.terms.save(stage)]
        self.manifest_part = {"articles": self.names[0], "chunks": self.names[1], "gen": self.gen,
                              "floor": self.view.floor, "next_id": self.next_id, "uri": self.backend.display_uri,
                              "dead_chunks": sorted(self.view.dead_chunks),
                              "dead_articles": sorted(self.view.dead_articles)}
        return files, {"dense_kind": self.kind, "counts": {**counts, "dense": n, "bm25": n},
                       "milvus": self.manifest_part}

    def published(self, gen: Path, manifest: dict) -> MilvusSnapshot:
        return MilvusSnapshot(self.backend, gen, manifest, self.terms)

    def finish(self) -> None:
        """The new generation is current: delete for real what it no longer sees."""
        self._purge_dead(self.view.dead_chunks, self.view.dead_articles)
        if self.view.floor > self.old_floor:
            self._purge(f"born < {self.view.floor}")

    def abort(self) -> None:
        self._purge(f"born >= {self.gen}")


class MilvusBackend:
    name = "milvus"

    def __init__(self, index_dir: Path, uri: str = "", token: str | None = None):
        self.index_dir, self.token = index_dir, token
        self.lite = not uri.lower().startswith(("http://", "https://"))
        self.uri = str(Path(uri).expanduser().resolve()) if self.lite and uri else (uri or str(index_dir / "milvus.db"))
        self.display_uri = self.uri

    def client(self):
        try:
            import pymilvus  # noqa: F401
        except ImportError as e:
            raise StoreUnavailable("the Milvus backend needs `pip install -e '.[milvus]'` (pymilvus, milvus-lite)") from e
        if self.lite:
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        return client_for(self.uri, self.token)

    def open(self, gen: Path, manifest: dict) -> MilvusSnapshot:
        return MilvusSnapshot(self, gen, manifest)

    def writer(self, stage: Path, base: MilvusSnapshot | None, dim: int, previous: dict | None) -> MilvusWriter:
        return MilvusWriter(self, stage, base, dim, previous)

    def readable_articles(self) -> MilvusArticles:
        from .generations import Generations
        g = Generations(self.index_dir)
        gen = g.current()
        if gen is None:
            raise CorruptGeneration(f"no index at {self.index_dir}")
        m = g.manifest(gen)["milvus"]
        return MilvusArticles(self.client(), (m["articles"], m["chunks"]),
                              View(m["gen"], m["floor"], m.get("dead_chunks", ()), m.get("dead_articles", ())))

    def describe(self) -> dict:
        return {"backend": self.name, "uri": self.display_uri}

    def close(self) -> None:
        release(self.uri)
