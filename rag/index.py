"""The index: articles, chunks, dense vectors and BM25 postings, committed together.

Readers hold an immutable `Snapshot` of one generation; a writer builds the next
generation beside it and swaps it in, so queries keep working during an ingest.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable


from vectorstore.base import ArticleStore, Backend, StoreSnapshot, StoreUnavailable, get_backend
from vectorstore.generations import CorruptGeneration, Generations

from . import paths
from .config import Config
from .dates import DateCounts, DateResult
from .embedders import Embedder, get_embedder
from .errors import IndexCorruptError, IndexError_, IndexMismatchError, InputError
from .feeds import FieldMap, StreamInfo, iter_jsonl
from .loaders import is_streamed, iter_files, load_file
from .types import Article

if TYPE_CHECKING:
    from .writer import Writer

Progress = Callable[[str, int, int], None]   # (stage, done, total)
INGEST_BATCH = 500       # articles per committed generation: what a killed ingest can lose


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (new id, existing id, similarity)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    chunks_added: int = 0
    reprints: list[tuple[str, str, float]] = field(default_factory=list)   # (reprint id, canonical id, similarity)
    feeds: list[dict] = field(default_factory=list)       # per streamed file: fields chosen, reference year, dates
    dates: DateCounts = field(default_factory=DateCounts)  # over every article read
    commits: int = 0                                      # generations written by this ingest

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": [{"id": a, "duplicate_of": b, "similarity": round(s, 3)} for a, b, s in self.duplicates],
                "reprints": [{"id": a, "reprint_of": b, "similarity": round(s, 3)} for a, b, s in self.reprints],
                "removed": self.removed, "problems": self.problems, "chunks_added": self.chunks_added,
                "feeds": self.feeds, "dates": self.dates.to_dict(), "commits": self.commits}


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
        """The stored article, with `also_reported_by` (its reprints, oldest first) and
        `earliest` (id and date of the first-dated member of its reprint group)."""
        if not self._snap:
            return None
        d = self._snap.chunks.article(article_id)
        if d is None:
            return None
        d["also_reported_by"] = self._snap.chunks.reprints(article_id)
        dated = [(r["date"], r["id"]) for r in d["also_reported_by"] if r.get("date")]
        if d["date"]:
            dated.append((d["date"], d["id"]))
        first = min(dated) if dated else (d["date"], d["id"])
        d["earliest"] = {"id": first[1], "date": first[0]}
        return d

    def ingest_stats(self) -> dict:
        """Reprint groups and how article dates were obtained (meta["date_status"])."""
        if not self._snap:
            return {"reprint_groups": 0, "dates": {"parsed": 0, "inferred": 0, "missing": 0}}
        cs = self._snap.chunks
        counts = {"parsed": 0, "inferred": 0, "missing": 0}
        for row in cs.articles():
            d = cs.article(row["id"])
            status = d["meta"].get("date_status") or ("parsed" if d["date"] else "missing")
            counts[status] = counts.get(status, 0) + 1
        return {"reprint_groups": cs.reprint_groups(), "dates": counts}

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
    def ingest(self, inputs: Iterable[Path | str], progress: Progress | None = None, *,
               fields: dict[str, str] | None = None, limit: int | None = None, year: int | None = None,
               batch: int = INGEST_BATCH, announce: Callable[[str], None] | None = None) -> IngestReport:
        """Add or update articles from files and folders. Bad files and lines are reported, not fatal.

        JSONL feeds (also .xz/.gz/.bz2) are streamed, and every `batch` articles are committed
        as a generation, so a killed ingest keeps what it committed; run again, it skips those
        articles by content hash (no chunking, no embedding) and carries on. `limit` stops after
        that many records; `year` is the reference year for stamps without one; `announce` is
        told once per feed which fields were used.
        """
        if batch < 1 or (limit is not None and limit < 0):
            raise InputError(f"batch must be >= 1 and limit >= 0 (got batch={batch}, limit={limit})")
        FieldMap(dict(fields or {}))   # a bad field name fails now, before anything is read
        files, problems = iter_files(list(inputs))
        report = IngestReport(problems=[str(p) for p in problems])
        seen: dict[str, str] = {}
        pending: list[Article] = []
        left = limit
        taken = 0

        def take(a: Article, count_date: bool) -> None:
            nonlocal pending, taken
            taken += 1
            if progress and limit and taken % 50 == 0:
                progress("records", taken, limit)
            if count_date:   # feeds count their own stamps, with the reasons
                st = a.meta.get("date_status")
                report.dates.add(None, DateResult(a.date, st or ("parsed" if a.date else "missing"),
                                                  "" if a.date else "empty"))
            pending.append(a)
            if len(pending) >= batch:
                self.add_articles(pending, progress, report, seen=seen)
                pending = []

        for i, f in enumerate(files):
            if left is not None and left <= 0:
                break
            if is_streamed(f):
                info = StreamInfo(str(f), FieldMap(dict(fields or {})))
                told = False
                for item in iter_jsonl(f, info.fields, left, year, info):
                    if isinstance(item, InputError):
                        report.problems.append(str(item))
                        continue
                    if not told and announce:
                        announce(f"{f}: reading {info.fields.describe()}")
                        told = True
                    take(item, False)
                report.dates.merge(info.dates)
                feed = info.to_dict()
                report.feeds.append(feed)
                if announce and info.year_source:
                    announce(f"{f}: year-less stamps take {info.reference_year} ({info.year_source})")
                if left is not None:
                    left -= info.records
            else:
                res = load_file(f)
                report.problems.extend(str(p) for p in res.problems)
                arts = res.articles if left is None else res.articles[:left]
                for a in arts:
                    take(a, True)
                if left is not None:
                    left -= len(arts)
            if progress:
                progress("read", i + 1, len(files))
        if pending:
            self.add_articles(pending, progress, report, seen=seen)
        return report

    def add_articles(self, articles: list[Article], progress: Progress | None = None,
                     report: IngestReport | None = None, dedup: bool = True,
                     seen: dict[str, str] | None = None) -> IngestReport:
        """Commit articles as one generation. Ones already stored with the same content are
        skipped before a writer is opened, so re-running a finished ingest costs lookups only."""
        report = report or IngestReport()
        seen = {} if seen is None else seen
        batch: list[Article] = []
        for a in articles:
            if a.id in seen:
                report.problems.append(f"{a.source}: article id {a.id!r} also comes from {seen[a.id]}; kept the first")
                continue
            seen[a.id] = a.source or "?"
            batch.append(a)
        self.refresh()
        if self._snap is not None:
            stored = self._snap.chunks
            fresh = []
            for a in batch:
                if stored.hash_of(a.id) == a.content_hash:
                    report.unchanged.append(a.id)
                else:
                    fresh.append(a)
            batch = fresh
        if not batch:
            return report
        gen = self._snap.gen if self._snap else None
        with self._write() as w:
            for a in batch:
                w.upsert(a, report, dedup)
            if w.pending:   # a batch of known reprints needs no embedder (nor its load time)
                w.embed_pending(progress)
        if self._snap is not None and self._snap.gen != gen:
            report.commits += 1
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
        arts, reprints = [], {}
        for row in source.articles():
            d = source.article(row["id"])
            arts.append(Article(id=d["id"], title=d["title"], body=d["body"], date=d["date"],
                                authors=d["authors"], url=d["url"], source=d["source"], meta=d["meta"]))
            reprints[d["id"]] = source.reprints(d["id"])   # the groups live beside the articles, not in them
        source.close()
        report = IngestReport()
        with self._write(fresh=True) as w:
            for a in arts:
                w.upsert(a, report)
            w.embed_pending(progress)
            for canonical, recs in reprints.items():
                for r in recs:
                    w.chunks.add_reprint(canonical, r)
        return report

    def _readable_chunkstore(self) -> ArticleStore:
        try:
            return self.backend.readable_articles()
        except CorruptGeneration as e:
            raise IndexCorruptError(str(e)) from e

    def _write(self, fresh: bool = False) -> "Writer":
        from .writer import Writer
        return Writer(self, fresh)


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
