"""Articles and chunk offsets in SQLite. Chunk text is never stored twice: it is
body[start:end], sliced by SQLite (substr counts characters on TEXT)."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, authors TEXT NOT NULL, url TEXT,
  source TEXT, meta TEXT NOT NULL, body TEXT NOT NULL, hash TEXT NOT NULL, minhash BLOB,
  added_at TEXT DEFAULT (datetime('now')));
CREATE INDEX IF NOT EXISTS articles_hash ON articles(hash);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
  n INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lsh (band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_key ON lsh(key);
CREATE INDEX IF NOT EXISTS lsh_article ON lsh(article_id);
CREATE TABLE IF NOT EXISTS reprints (
  canonical_id TEXT NOT NULL, id TEXT NOT NULL, date TEXT, source TEXT, similarity REAL,
  extra TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (canonical_id, id));
"""


class ChunkStore:
    FILE = "chunks.sqlite"

    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        if not readonly:
            self.db.executescript("PRAGMA journal_mode=DELETE;" + SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _q(self, sql: str, args=()):
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    # -- writes (only inside a staged generation) --
    def begin(self):
        self.db.execute("BEGIN")

    def commit(self):
        self.db.execute("COMMIT")

    def next_ids(self, n: int) -> np.ndarray:
        row = self.db.execute("SELECT value FROM counters WHERE name='chunk'").fetchone()
        first = row[0] if row else 1
        self.db.execute("INSERT OR REPLACE INTO counters VALUES ('chunk', ?)", (first + n,))
        return np.arange(first, first + n, dtype=np.int64)

    def add(self, article, chunks, minhash: np.ndarray | None, bands: list[int] | None = None) -> np.ndarray:
        a = article
        self.db.execute("INSERT INTO articles (id,title,date,authors,url,source,meta,body,hash,minhash) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (a.id, a.title, a.date, json.dumps(a.authors, ensure_ascii=False), a.url, a.source,
                         json.dumps(a.meta, ensure_ascii=False, default=str), a.body, a.content_hash,
                         None if minhash is None else minhash.astype(np.uint32).tobytes()))
        if bands:
            self.db.executemany("INSERT INTO lsh VALUES (?,?,?)", [(b, k, a.id) for b, k in enumerate(bands)])
        ids = self.next_ids(len(chunks))
        self.db.executemany('INSERT INTO chunks (id,article_id,n,start,"end") VALUES (?,?,?,?,?)',
                            [(int(i), c.article_id, c.n, c.start, c.end) for i, c in zip(ids, chunks)])
        return ids

    def delete_article(self, article_id: str) -> np.ndarray:
        ids = [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE article_id=?", (article_id,))]
        self.db.execute("DELETE FROM chunks WHERE article_id=?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE id=?", (article_id,))
        self.db.execute("DELETE FROM lsh WHERE article_id=?", (article_id,))
        return np.asarray(ids, dtype=np.int64)

    # -- reprints (转载): near-duplicates recorded against the article that is indexed --
    _REPRINT_KEYS = ("id", "date", "source", "similarity")

    def add_reprint(self, canonical_id: str, reprint: dict) -> None:
        """Record (or refresh) one reprint of `canonical_id`; keys beyond id/date/source/similarity
        are kept too. Idempotent: recording the same reprint again replaces it."""
        extra = {k: v for k, v in reprint.items() if k not in self._REPRINT_KEYS}
        self.db.execute("INSERT OR REPLACE INTO reprints (canonical_id,id,date,source,similarity,extra) "
                        "VALUES (?,?,?,?,?,?)",
                        (canonical_id, str(reprint["id"]), reprint.get("date"), reprint.get("source"),
                         reprint.get("similarity"), json.dumps(extra, ensure_ascii=False, default=str)))

    def reprints(self, article_id: str) -> list[dict]:
        """The reprints recorded against an article, oldest first (undated last)."""
        try:
            rows = self._q("SELECT id,date,source,similarity,extra FROM reprints WHERE canonical_id=? "
                           "ORDER BY date IS NULL, date, id", (article_id,))
        except sqlite3.OperationalError:   # a generation written before the table existed
            return []
        # only what was recorded: an undated reprint has no "date" key, as on every backend
        return [{k: v for k, v in (("id", r[0]), ("date", r[1]), ("source", r[2]), ("similarity", r[3])) if v is not None}
                | json.loads(r[4]) for r in rows]

    def reprint_groups(self) -> int:
        """How many indexed articles have at least one reprint."""
        try:
            return self._q("SELECT COUNT(DISTINCT canonical_id) FROM reprints")[0][0]
        except sqlite3.OperationalError:
            return 0

    # -- reads --
    def hits(self, ids) -> dict[int, dict]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        rows = self._q(
            'SELECT c.id, c.article_id, c.n, c.start, c."end", a.title, a.date, '
            'substr(a.body, c.start + 1, c."end" - c.start) FROM chunks c JOIN articles a ON a.id = c.article_id '
            f'WHERE c.id IN ({",".join("?" * len(ids))})', ids)
        keys = ("id", "article_id", "n", "start", "end", "title", "date", "text")
        return {r[0]: dict(zip(keys, r)) for r in rows}

    def neighborhood(self, article_id: str, n: int, radius: int = 1) -> str:
        """Title and text of chunk n of an article with `radius` chunks either side."""
        rows = self._q('SELECT a.title, substr(a.body, MIN(c.start) + 1, MAX(c."end") - MIN(c.start)) '
                       'FROM chunks c JOIN articles a ON a.id = c.article_id '
                       'WHERE c.article_id = ? AND c.n BETWEEN ? AND ?', (article_id, n - radius, n + radius))
        return "\n".join(x for x in rows[0] if x) if rows and rows[0][0] is not None else ""

    def article(self, article_id: str) -> dict | None:
        rows = self._q("SELECT id,title,date,authors,url,source,meta,body,hash FROM articles WHERE id=?",
                       (article_id,))
        if not rows:
            return None
        r = rows[0]
        return dict(id=r[0], title=r[1], date=r[2], authors=json.loads(r[3]), url=r[4], source=r[5],
                    meta=json.loads(r[6]), body=r[7], hash=r[8])

    def articles(self) -> list[dict]:
        rows = self._q("SELECT a.id, a.title, a.date, a.source, COUNT(c.id) FROM articles a "
                       "LEFT JOIN chunks c ON c.article_id = a.id GROUP BY a.id ORDER BY a.date DESC, a.id")
        return [dict(id=r[0], title=r[1], date=r[2], source=r[3], chunks=r[4]) for r in rows]

    def hash_of(self, article_id: str) -> str | None:
        r = self._q("SELECT hash FROM articles WHERE id=?", (article_id,))
        return r[0][0] if r else None

    def id_by_hash(self, h: str) -> str | None:
        r = self._q("SELECT id FROM articles WHERE hash=?", (h,))
        return r[0][0] if r else None

    def near_candidates(self, bands: list[int]) -> tuple[list[str], np.ndarray]:
        """Stored articles sharing at least one LSH band key, with their signatures."""
        if not bands:
            return [], np.zeros((0, 0), np.uint32)
        # keys are seeded per band, so a key match across bands is as unlikely as a hash collision
        rows = self._q(f"SELECT DISTINCT a.id, a.minhash FROM lsh l JOIN articles a ON a.id = l.article_id "
                       f"WHERE l.key IN ({','.join('?' * len(bands))}) AND a.minhash IS NOT NULL", bands)
        if not rows:
            return [], np.zeros((0, 0), np.uint32)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], np.uint32) for r in rows])

    def backfill_lsh(self, band_keys) -> None:
        """Indexes written before the LSH table existed get it filled once."""
        if self.db.execute("SELECT 1 FROM lsh LIMIT 1").fetchone():
            return
        ids, sigs = self.minhashes()
        self.db.executemany("INSERT INTO lsh VALUES (?,?,?)",
                            [(b, k, aid) for aid, sig in zip(ids, sigs) for b, k in enumerate(band_keys(sig))])

    def minhashes(self) -> tuple[list[str], np.ndarray]:
        rows = self._q("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL")
        if not rows:
            return [], np.zeros((0, 0), np.uint32)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], np.uint32) for r in rows])

    def counts(self) -> dict:
        a = self._q("SELECT COUNT(*) FROM articles")[0][0]
        c = self._q("SELECT COUNT(*) FROM chunks")[0][0]
        return {"articles": a, "chunks": c}

    def all_chunk_ids(self) -> np.ndarray:
        return np.asarray([r[0] for r in self._q("SELECT id FROM chunks ORDER BY id")], dtype=np.int64)

    def chunk_ids_where(self, date_from: str | None, date_to: str | None,
                        article_ids: list[str] | None) -> np.ndarray:
        """Chunk ids whose article matches. A reduced-precision date ("2025-07") matches
        when any day of its period falls in the range."""
        sql = "SELECT c.id FROM chunks c JOIN articles a ON a.id = c.article_id WHERE 1=1"
        args: list = []
        if date_from:
            # the period's last day is >= date_from  <=>  date || '-99' >= date_from
            sql += " AND a.date IS NOT NULL AND (a.date || '-99-99') >= ?"
            args.append(date_from)
        if date_to:
            sql += " AND a.date IS NOT NULL AND a.date <= ?"
            args.append(date_to)
        if article_ids:
            sql += f" AND a.id IN ({','.join('?' * len(article_ids))})"
            args += list(article_ids)
        return np.asarray([r[0] for r in self._q(sql, args)], dtype=np.int64)
