"""The index: articles, chunks, dense vectors and BM25 postings, committed together.

Readers hold an immutable `Snapshot` of one generation; a writer builds the next
generation beside it and swaps it in, so queries keep working during an ingest.
"""
from __future__ import annotations

import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from filelock import Timeout as LockTimeout

from vectorstore.base import ArticleStore, Backend, StoreSnapshot, StoreUnavailable, get_backend
from vectorstore.generations import CorruptGeneration, Generations

from . import dedup as near_dup
from . import paths
from .chunking import chunk_article
from .config import Config
from .embedders import Embedder, get_embedder
from .errors import IndexBusyError, IndexCorruptError, IndexError_, IndexMismatchError
from .loaders import iter_files, load_file
from .text import match_form
from .tokenize import tokenize
from .types import Article

Progress = Callable[[str, int, int], None]   # (stage, done, total)
NEAR_DUP = 0.85          # estimated Jaccard over 5-char shingles
EMBED_BATCH = 16


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (new id, existing id, similarity)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    chunks_added: int = 0

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": [{"id": a, "duplicate_of": b, "similarity": round(s, 3)} for a, b, s in self.duplicates],
                "removed": self.removed, "problems": self.problems, "chunks_added": self.chunks_added}


class Snapshot:
    """One committed generation, opened read-only and verified."""

    def __init__(self, gen: Path, manifest: dict, store: StoreSnapshot):
        """`store`: the backend's view of `gen` (opened, or handed over by the writer that committed it)."""
        self.gen, self.manifest, self.store = gen, manifest, store
        self.chunks: ArticleStore = store.articles
        counts = manifest["counts"]
        got = store.counts()
        if len(set(got.values())) != 1 or got["chunks"] != counts["chunks"]:
            raise CorruptGeneration(f"{gen}: store counts disagree {got} vs manifest {counts}")

    def close(self):
        self.store.close()


class Index:
    def __init__(self, path: Path | str | None = None, config: Config | None = None,
                 embedder: Embedder | None = None, load: bool = True):
        self.path = Path(path) if path else paths.default_index_dir()
        self.gens = Generations(self.path)
        saved = self.path / "config.json"
        if config is None:
            config = Config.load(saved) if saved.exists() else Config()
        self.config = config
        self._embedder = embedder
        self._snap: Snapshot | None = None
        self._snap_lock = threading.Lock()
        self.backend: Backend = get_backend(config.backend, self.path, config.uri, paths.milvus_token())
        if load:
            self.refresh()

    # ------------------------------------------------------------------ reading
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.config.embedder, paths.cache_dir() / "embeddings.sqlite")
        return self._embedder

    @property
    def exists(self) -> bool:
        return self._snap is not None

    def snapshot(self) -> Snapshot:
        """The current generation; reloads if another process committed a newer one."""
        self.refresh()
        if self._snap is None:
            raise IndexCorruptError(f"no index at {self.path}: run `rag ingest corpus/` first")
        return self._snap

    def refresh(self) -> None:
        try:
            gen = self.gens.current()
        except CorruptGeneration as e:
            raise IndexCorruptError(f"{e}; repair with `rag reindex --index {self.path}`") from e
        if gen is None or (self._snap is not None and self._snap.gen == gen):
            return
        with self._snap_lock:
            if self._snap is not None and self._snap.gen == gen:
                return
            try:
                manifest = self.gens.manifest(gen)
                self.gens.verify(gen, manifest)
                self._check_identity(manifest)
                snap = Snapshot(gen, manifest, self.backend.open(gen, manifest))
            except StoreUnavailable as e:
                raise IndexError_(f"index at {self.path}: {e}") from e
            except (CorruptGeneration, sqlite3.DatabaseError, RuntimeError) as e:
                raise IndexCorruptError(f"index at {self.path} is damaged: {e}; "
                                        f"repair with `rag reindex --index {self.path}`") from e
            self._snap = snap

    def _check_identity(self, manifest: dict) -> None:
        built_with = manifest.get("backend", "faiss")   # indexes from before backends were pluggable
        if built_with != self.backend.name:
            raise IndexMismatchError(f"index at {self.path} is stored in {built_with}, but this run asks for "
                                     f"{self.backend.name}; unset RAG_BACKEND or use another --index")
        want = self.config.index_identity()
        have = manifest["config"]
        diff = {k: (have.get(k), want[k]) for k in want if have.get(k) != want[k]}
        if diff:
            raise IndexMismatchError(
                f"index at {self.path} was built with {{{', '.join(f'{k}={a!r}' for k, (a, _) in diff.items())}}} "
                f"but this run asks for {{{', '.join(f'{k}={b!r}' for k, (_, b) in diff.items())}}}; "
                f"use the same settings or rebuild with `rag reindex`")
        if self._embedder is not None:
            mine = self._embedder.identity()
            if manifest["embedder"] != mine:
                raise IndexMismatchError(f"index at {self.path} holds vectors of {manifest['embedder']['name']} "
                                         f"(dim {manifest['embedder']['dim']}), not {mine['name']} "
                                         f"(dim {mine['dim']}); rebuild with `rag reindex`")

    def stats(self) -> dict:
        snap = self._snap
        if snap is None:
            return {"path": str(self.path), "articles": 0, "chunks": 0, "generation": None, **self.backend.describe()}
        m = snap.manifest
        return {"path": str(self.path), "generation": snap.gen.name, **m["counts"],
                "embedder": m["embedder"]["name"], "dense_kind": m["dense_kind"], "config": m["config"],
                **self.backend.describe()}

    def articles(self) -> list[dict]:
        return self._snap.chunks.articles() if self._snap else []

    def article(self, article_id: str) -> dict | None:
        return self._snap.chunks.article(article_id) if self._snap else None

    # Narrow reads for answering and verification: nothing outside vectorstore/ and this
    # module touches a concrete store.
    def idf(self, term: str) -> float | None:
        """BM25 idf of a term; None when no chunk contains it."""
        return self.snapshot().store.idf(term)

    def doc_share(self, term: str) -> float:
        """Share of chunks that contain the term."""
        return self.snapshot().store.doc_share(term)

    def chunk_count(self) -> int:
        return self.snapshot().manifest["counts"]["chunks"]

    def neighborhood(self, article_id: str, n: int, radius: int = 1) -> str:
        """Chunk n of the article with `radius` chunks either side, and the title."""
        return self.snapshot().chunks.neighborhood(article_id, n, radius)

    # ------------------------------------------------------------------ writing
    def ingest(self, inputs: Iterable[Path | str], progress: Progress | None = None) -> IngestReport:
        """Add or update articles from files and folders. Bad files are reported, not fatal."""
        files, problems = iter_files(list(inputs))
        report = IngestReport(problems=[str(p) for p in problems])
        articles: list[Article] = []
        for i, f in enumerate(files):
            res = load_file(f)
            articles.extend(res.articles)
            report.problems.extend(str(p) for p in res.problems)
            if progress:
                progress("read", i + 1, len(files))
        self.add_articles(articles, progress=progress, report=report)
        return report

    def add_articles(self, articles: list[Article], progress: Progress | None = None,
                     report: IngestReport | None = None, dedup: bool = True) -> IngestReport:
        report = report or IngestReport()
        seen: dict[str, str] = {}
        batch: list[Article] = []
        for a in articles:
            if a.id in seen:
                report.problems.append(f"{a.source}: article id {a.id!r} also comes from {seen[a.id]}; kept the first")
                continue
            seen[a.id] = a.source or "?"
            batch.append(a)
        with self._write() as w:
            for a in batch:
                w.upsert(a, report, dedup)
            w.embed_pending(progress)
        return report

    def remove(self, article_ids: Iterable[str]) -> IngestReport:
        report = IngestReport()
        with self._write() as w:
            for aid in article_ids:
                if w.chunks.hash_of(aid) is None:
                    report.problems.append(f"no article with id {aid!r}")
                    continue
                w.delete(aid)
                report.removed.append(aid)
        return report

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Rebuild every store from the stored article bodies (after a config change or damage)."""
        source = self._readable_chunkstore()
        arts = []
        for row in source.articles():
            d = source.article(row["id"])
            arts.append(Article(id=d["id"], title=d["title"], body=d["body"], date=d["date"],
                                authors=d["authors"], url=d["url"], source=d["source"], meta=d["meta"]))
        source.close()
        report = IngestReport()
        with self._write(fresh=True) as w:
            for a in arts:
                w.upsert(a, report)
            w.embed_pending(progress)
        return report

    def _readable_chunkstore(self) -> ArticleStore:
        try:
            return self.backend.readable_articles()
        except CorruptGeneration as e:
            raise IndexCorruptError(str(e)) from e

    def _write(self, fresh: bool = False) -> "_Writer":
        return _Writer(self, fresh)


class _Writer:
    """Builds the next generation in a staging folder; commits on clean exit only."""

    def __init__(self, index: Index, fresh: bool):
        self.index, self.fresh = index, fresh

    def __enter__(self) -> "_Writer":
        ix = self.index
        self._lock_cm = ix.gens.writer(timeout=0.5)
        try:
            self._lock_cm.__enter__()
        except LockTimeout:
            raise IndexBusyError(f"another process is writing the index at {ix.path}; "
                                 f"try again when it finishes") from None
        try:
            if not self.fresh:
                ix.refresh()   # build on whatever the last writer committed
            self.stage = ix.gens.stage()
            base = None if self.fresh else ix._snap
            previous = ix._snap.manifest if ix._snap is not None else self._last_manifest()
            try:
                self.store = ix.backend.writer(self.stage, base.store if base else None, ix.embedder.dim, previous)
            except StoreUnavailable as e:
                shutil.rmtree(self.stage, ignore_errors=True)
                raise IndexError_(f"index at {ix.path}: {e}") from e
            self.chunks = self.store.articles
            self.chunks.begin()
            self.chunks.backfill_lsh(near_dup.band_keys)
            self.pending: list[tuple[np.ndarray, list[str], list[str]]] = []
            self.changed = self.fresh
        except BaseException:
            self._lock_cm.__exit__(None, None, None)
            raise
        return self

    def _last_manifest(self) -> dict | None:
        """The current generation's manifest even when its stores are unreadable (reindex)."""
        try:
            gen = self.index.gens.current()
            return self.index.gens.manifest(gen) if gen else None
        except CorruptGeneration:
            return None

    def upsert(self, a: Article, report: IngestReport, dedup: bool = True) -> None:
        old = self.chunks.hash_of(a.id)
        h = a.content_hash
        if old == h:
            report.unchanged.append(a.id)
            return
        sig = near_dup.signature(a.title + "\n" + a.body)
        bands = near_dup.band_keys(sig)
        if dedup:
            twin = self.chunks.id_by_hash(h)
            if twin and twin != a.id:
                report.duplicates.append((a.id, twin, 1.0))
                return
            ids, sigs = self.chunks.near_candidates(bands)
            keep = [i != a.id for i in ids]
            other, sim = near_dup.most_similar(sig, [i for i in ids if i != a.id], sigs[keep] if ids else sigs)
            if other and sim >= NEAR_DUP:
                report.duplicates.append((a.id, other, sim))
                return
        chunks = chunk_article(a, self.index.config.chunk_size, self.index.config.chunk_overlap)
        if not chunks:
            report.problems.append(f"{a.source}: article {a.id!r} has no text to index")
            return
        self.changed = True
        if old is not None:
            self.delete(a.id)
            report.updated.append(a.id)
        else:
            report.added.append(a.id)
        ids = self.chunks.add(a, chunks, sig, bands)
        title = a.title if self.index.config.title_enhance else ""
        self.pending.append((ids, [title] * len(chunks), [c.text for c in chunks]))
        report.chunks_added += len(chunks)

    def delete(self, article_id: str) -> None:
        self.changed = True
        ids = self.chunks.delete_article(article_id)
        self.store.delete(ids)
        # chunks staged earlier in this same write are not in the stores yet
        self.pending = [p for p in self.pending if not np.isin(p[0], ids).any()]

    def embed_pending(self, progress: Progress | None) -> None:
        ids = np.concatenate([p[0] for p in self.pending]) if self.pending else np.zeros(0, np.int64)
        titles = [t for p in self.pending for t in p[1]]
        texts = [t for p in self.pending for t in p[2]]
        # Embedding and BM25 see a matching form (NFKC, simplified script) with the title
        # in front; stored and quoted text stays the original body.
        emb_texts = [match_form(f"{ti}\n{t}" if ti else t) for ti, t in zip(titles, texts)]
        emb = self.index.embedder
        # longest first: batches of similar length waste less padding
        order = sorted(range(len(ids)), key=lambda i: -len(emb_texts[i]))
        vecs = np.zeros((len(ids), emb.dim), np.float32)
        for s in range(0, len(order), EMBED_BATCH):
            part = order[s:s + EMBED_BATCH]
            vecs[part] = emb.embed_batch([emb_texts[i] for i in part], "passage")
            if progress:
                progress("embed", min(s + EMBED_BATCH, len(order)), len(order))
        self.store.add(ids, vecs, [tokenize(f"{ti} {t}") for ti, t in zip(titles, texts)])
        self.pending = []

    def __exit__(self, exc_type, exc, tb):
        ix = self.index
        try:
            if exc_type is not None or not self.changed:
                self.store.abort()
                shutil.rmtree(self.stage, ignore_errors=True)
                return False
            try:
                files, stored = self.store.commit(self.stage)
                manifest = {"embedder": ix.embedder.identity(), "config": ix.config.index_identity(),
                            "backend": ix.backend.name, **stored}
                counts = stored["counts"]
                if not (counts["chunks"] == counts["dense"] == counts["bm25"]):
                    raise IndexCorruptError(f"internal error: store counts disagree {counts}; nothing committed")
                ix.config.save(ix.path / "config.json")
                final = ix.gens.commit(self.stage, files, manifest)
            except BaseException:
                self.store.abort()
                shutil.rmtree(self.stage, ignore_errors=True)
                raise
            manifest = ix.gens.manifest(final)
            with ix._snap_lock:
                ix._snap = Snapshot(final, manifest, self.store.published(final, manifest))
            self.store.finish()
        finally:
            self._lock_cm.__exit__(None, None, None)
        return False


_OPEN: dict[str, Index] = {}
_OPEN_LOCK = threading.Lock()


def open_index(path: Path | str | None = None, *, build_from: Path | None = paths.CORPUS_DIR,
               progress: Progress | None = None, config: Config | None = None,
               backend: str | None = None, uri: str | None = None) -> Index:
    """The index at `path` (default: $RAG_HOME/index), opened once per process.

    If it does not exist yet it is built from `build_from` (the bundled corpus/), so the
    first `rag ask` on a fresh machine just works. `backend`/`uri` choose the storage
    ("faiss", or "milvus" with a Lite file path or http(s)://host:port) over the config's.
    """
    p = str(Path(path) if path else paths.default_index_dir())
    if backend is not None or uri is not None:
        saved = Path(p) / "config.json"
        config = (config or (Config.load(saved) if saved.exists() else Config())).replace(backend=backend, uri=uri)
    with _OPEN_LOCK:
        ix = _OPEN.get(p)
        if ix is None or (config is not None and config != ix.config):
            ix = Index(p, config=config)
            _OPEN[p] = ix
    if not ix.exists and build_from is not None and Path(build_from).is_dir():
        rep = ix.ingest([build_from], progress=progress)
        if not ix.exists:
            raise IndexCorruptError(f"could not build an index from {build_from}: {rep.problems[:3]}")
    return ix
