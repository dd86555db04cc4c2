"""The writer of the next index generation: dedup, chunking, embedding, commit.

Builds the generation in a staging folder beside the current one and swaps it in on a clean
exit only, so readers keep their snapshot and a killed ingest loses at most one batch.
Used through `Index._write()`; nothing else should construct it.
"""
from __future__ import annotations

import shutil

import numpy as np
from filelock import Timeout as LockTimeout

from vectorstore.base import StoreUnavailable
from vectorstore.generations import CorruptGeneration

from . import dedup as near_dup
from .boilerplate import outlet
from .chunking import chunk_article
from .errors import IndexBusyError, IndexCorruptError, IndexError_
from .index import Index, IngestReport, Progress, Snapshot
from .text import match_form
from .tokenize import tokenize
from .types import Article

NEAR_DUP = 0.85          # estimated Jaccard over 5-char shingles
EMBED_BATCH = 16


class Writer:
    """Builds the next generation in a staging folder; commits on clean exit only."""

    def __init__(self, index: Index, fresh: bool):
        self.index, self.fresh = index, fresh

    def __enter__(self) -> "Writer":
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
                # an index that exists knows its vectors' size: a batch of only known articles
                # or reprints must not load the embedding model just to ask it
                dim = base.manifest["embedder"]["dim"] if base is not None else ix.embedder.dim
                self.store = ix.backend.writer(self.stage, base.store if base else None, dim, previous)
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
            other, sim = self.chunks.id_by_hash(h), 1.0
            if not other or other == a.id:
                ids, sigs = self.chunks.near_candidates(bands)
                keep = [i != a.id for i in ids]
                other, sim = near_dup.most_similar(sig, [i for i in ids if i != a.id], sigs[keep] if ids else sigs)
            if other and sim >= NEAR_DUP:
                # A reprint (转载): not indexed again, recorded against the article that is, so
                # retrieval shows one per group and the sources can say who else ran it.
                report.duplicates.append((a.id, other, sim))
                report.reprints.append((a.id, other, sim))
                self._add_reprint(other, a, sim)
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

    def _add_reprint(self, canonical_id: str, a: Article, sim: float) -> None:
        """The group keeps the first indexed article as the one searched; a reprint dated
        before everything in the group so far is marked `earliest` for citing."""
        canon = self.chunks.article(canonical_id) or {}
        known = self.chunks.reprints(canonical_id)
        dates = [d for d in [canon.get("date"), *(r.get("date") for r in known if r["id"] != a.id)] if d]
        rec = {"id": a.id, "date": a.date, "source": outlet(a.body) or a.url or a.source,
               "similarity": round(float(sim), 4), "title": a.title,
               "earliest": bool(a.date) and all(a.date < d for d in dates)}
        if any(r["id"] == a.id and all(r.get(k) == v for k, v in rec.items()) for r in known):
            return   # already recorded (a resumed ingest): nothing to commit
        if rec["earliest"]:
            for r in known:
                if r.get("earliest") and r["id"] != a.id:
                    self.chunks.add_reprint(canonical_id, {**r, "earliest": False})
        self.chunks.add_reprint(canonical_id, rec)
        self.changed = True

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
