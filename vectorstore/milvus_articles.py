"""Articles and chunk rows in Milvus, read through one generation's visibility filter.

Milvus has no multi-row transactions, so every row carries `born` (the generation that
wrote it) and a generation's manifest names what it no longer sees (`dead`): readers of
generation g see `floor <= born <= g` minus the dead keys. A writer stages rows under
g+1, which no reader sees until the generation pointer moves; what it replaces is only
listed as dead, and deleted for real after the pointer moved (MilvusWriter.finish).
"""
from __future__ import annotations

import json

import numpy as np
import xxhash

BODY_PART = 16_000            # characters per body row: VARCHAR holds 65,535 bytes, CJK is 3 bytes
TEXT_MAX = 65_535
ITER_BATCH = 4_000
ART_FIELDS = ["key", "id", "part", "born", "title", "date", "authors", "url", "source", "meta", "body", "hash",
              "minhash", "bands", "n_chunks", "reprints"]
CHUNK_FIELDS = ["id", "article_id", "n", "start", "end", "title", "date", "text"]


def row_key(gen: int, article_id: str, part: int) -> str:
    """Primary key of an article row. The id is hashed: pymilvus' query_iterator pages by
    primary key without escaping it, so a quote in a raw id broke every later read."""
    return f"{gen}:{xxhash.xxh3_128_hexdigest(article_id.encode())}:{part}"


def q(s: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(s, ensure_ascii=False)


class View:
    """Which rows one generation sees."""

    def __init__(self, gen: int, floor: int, dead_chunks=(), dead_articles=()):
        self.gen, self.floor = gen, floor
        self.dead_chunks, self.dead_articles = set(dead_chunks), set(dead_articles)

    def chunks(self) -> str:
        e = f"born >= {self.floor} and born <= {self.gen}"
        if self.dead_chunks:
            e += f" and id not in {sorted(self.dead_chunks)}"
        return e

    def articles(self) -> str:
        e = f"born >= {self.floor} and born <= {self.gen}"
        if self.dead_articles:
            e += f" and key not in {json.dumps(sorted(self.dead_articles), ensure_ascii=False)}"
        return e


class MilvusArticles:
    """The ArticleStore protocol over two collections; writable when `writer` is given."""

    def __init__(self, client, names: tuple[str, str], view: View, writer=None):
        self.client, (self.art, self.chk), self.view, self.writer = client, names, view, writer

    # -- helpers
    def _query(self, coll: str, expr: str, fields: list[str], limit: int | None = None) -> list[dict]:
        if limit is not None:
            return self.client.query(coll, filter=expr, output_fields=fields, limit=limit)
        out, it = [], self.client.query_iterator(coll, batch_size=ITER_BATCH, filter=expr, output_fields=fields)
        try:
            while batch := it.next():
                out.extend(batch)
        finally:
            it.close()
        return out

    def _count(self, coll: str, expr: str) -> int:
        return int(self.client.query(coll, filter=expr, output_fields=["count(*)"])[0]["count(*)"])

    def _head(self, article_id: str, fields: list[str]) -> dict | None:
        rows = self._query(self.art, f"id == {q(article_id)} and part == 0 and {self.view.articles()}", fields, 1)
        return rows[0] if rows else None

    # -- transaction hooks: a Milvus write is staged by generation, not by a transaction
    def close(self) -> None:
        pass

    def begin(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def backfill_lsh(self, band_keys) -> None:
        pass   # band keys are written with every article

    # -- writes (writer only)
    def next_ids(self, n: int) -> np.ndarray:
        return self.writer.next_ids(n)

    def add(self, article, chunks, minhash: np.ndarray | None, bands: list[int] | None = None) -> np.ndarray:
        a, w = article, self.writer
        body = a.body
        parts = [body[i:i + BODY_PART] for i in range(0, max(len(body), 1), BODY_PART)]
        rows = []
        for p, text in enumerate(parts):
            head = p == 0
            rows.append({
                "key": row_key(w.gen, a.id, p), "id": a.id, "part": p, "born": w.gen,
                "title": a.title if head else "", "date": (a.date or "") if head else "",
                "authors": json.dumps(a.authors, ensure_ascii=False) if head else "[]",
                "url": (a.url or "") if head else "", "source": (a.source or "") if head else "",
                "meta": json.dumps(a.meta, ensure_ascii=False, default=str) if head else "{}",
                "body": text, "hash": a.content_hash if head else "",
                "minhash": minhash.astype(np.uint32).tobytes().hex() if head and minhash is not None else "",
                "bands": [int(b) for b in (bands or [])] if head else [],
                "n_chunks": len(chunks), "reprints": "[]", "v": [0.0, 0.0]})
        self.client.upsert(self.art, rows)
        ids = self.next_ids(len(chunks))
        date = a.date or ""
        for i, c in zip(ids.tolist(), chunks):
            # the stored text is the body slice itself, so a quote of it verifies exactly
            w.stage_chunk({"id": i, "article_id": a.id, "n": c.n, "start": c.start, "end": c.end,
                           "title": a.title[:4000], "date": date, "date_hi": date + "-99-99" if date else "",
                           "text": body[c.start:c.end]})
        return ids

    def delete_article(self, article_id: str) -> np.ndarray:
        w = self.writer
        keys = [r["key"] for r in self._query(self.art, f"id == {q(article_id)} and {self.view.articles()}",
                                                ["key", "born"])]
        rows = self._query(self.chk, f"article_id == {q(article_id)} and {self.view.chunks()}", ["id"])
        ids = [r["id"] for r in rows] + w.unstaged_ids(article_id)
        w.retire(keys, ids)
        return np.asarray(sorted(ids), dtype=np.int64)

    def add_reprint(self, canonical_id: str, reprint: dict) -> None:
        w = self.writer
        rows = self._query(self.art, f"id == {q(canonical_id)} and {self.view.articles()}", ART_FIELDS + ["v"])
        if not rows:
            raise KeyError(canonical_id)
        old = [r["key"] for r in rows]
        for r in rows:
            if r["part"] == 0:
                r["reprints"] = json.dumps(json.loads(r["reprints"]) + [reprint], ensure_ascii=False)
            r["born"], r["key"] = w.gen, row_key(w.gen, r["id"], r["part"])
        self.client.upsert(self.art, rows)
        w.retire([k for k in old if not k.startswith(f"{w.gen}:")], [])

    # -- reads
    def hits(self, ids) -> dict[int, dict]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        rows = self._query(self.chk, f"id in {ids} and {self.view.chunks()}", CHUNK_FIELDS, len(ids))
        return {r["id"]: {k: (r[k] or None) if k == "date" else r[k] for k in CHUNK_FIELDS} for r in rows}

    def article(self, article_id: str) -> dict | None:
        rows = self._query(self.art, f"id == {q(article_id)} and {self.view.articles()}",
                           ["part", "title", "date", "authors", "url", "source", "meta", "body", "hash"])
        if not rows:
            return None
        rows.sort(key=lambda r: r["part"])
        h = rows[0]
        return dict(id=article_id, title=h["title"], date=h["date"] or None, authors=json.loads(h["authors"]),
                    url=h["url"] or None, source=h["source"] or None, meta=json.loads(h["meta"]),
                    body="".join(r["body"] for r in rows), hash=h["hash"])

    def neighborhood(self, article_id: str, n: int, radius: int = 1) -> str:
        rows = self._query(self.chk, f"article_id == {q(article_id)} and n >= {n - radius} and n <= {n + radius} "
                                     f"and {self.view.chunks()}", ["start", "end"])
        a = self.article(article_id) if rows else None
        if a is None:
            return ""
        text = a["body"][min(r["start"] for r in rows):max(r["end"] for r in rows)]
        return "\n".join(x for x in (a["title"], text) if x)

    def articles(self) -> list[dict]:
        rows = self._query(self.art, f"part == 0 and {self.view.articles()}", ["id", "title", "date", "source", "n_chunks"])
        rows.sort(key=lambda r: r["id"])
        rows.sort(key=lambda r: r["date"] or "", reverse=True)   # SQLite's DESC: missing dates last
        return [dict(id=r["id"], title=r["title"], date=r["date"] or None, source=r["source"] or None,
                     chunks=r["n_chunks"]) for r in rows]

    def hash_of(self, article_id: str) -> str | None:
        r = self._head(article_id, ["hash"])
        return r["hash"] if r else None

    def id_by_hash(self, h: str) -> str | None:
        rows = self._query(self.art, f"hash == {q(h)} and part == 0 and {self.view.articles()}", ["id"], 1)
        return rows[0]["id"] if rows else None

    def _signatures(self, expr: str) -> tuple[list[str], np.ndarray]:
        rows = [r for r in self._query(self.art, f"{expr} and part == 0 and {self.view.articles()}", ["id", "minhash"])
                if r["minhash"]]
        if not rows:
            return [], np.zeros((0, 0), np.uint32)
        return [r["id"] for r in rows], np.stack([np.frombuffer(bytes.fromhex(r["minhash"]), np.uint32) for r in rows])

    def near_candidates(self, bands: list[int]) -> tuple[list[str], np.ndarray]:
        if not bands:
            return [], np.zeros((0, 0), np.uint32)
        return self._signatures(f"array_contains_any(bands, {[int(b) for b in bands]})")

    def minhashes(self) -> tuple[list[str], np.ndarray]:
        return self._signatures("part >= 0")

    def counts(self) -> dict:
        return {"articles": self._count(self.art, f"part == 0 and {self.view.articles()}"),
                "chunks": self._count(self.chk, self.view.chunks())}

    def all_chunk_ids(self) -> np.ndarray:
        return np.asarray(sorted(r["id"] for r in self._query(self.chk, self.view.chunks(), ["id"])), dtype=np.int64)

    def chunk_ids_where(self, date_from, date_to, article_ids) -> np.ndarray:
        expr = " and ".join([self.view.chunks(), *filter_exprs(date_from, date_to, article_ids)])
        return np.asarray([r["id"] for r in self._query(self.chk, expr, ["id"])], dtype=np.int64)

    def reprints(self, article_id: str) -> list[dict]:
        r = self._head(article_id, ["reprints"])
        return json.loads(r["reprints"]) if r else []

    def reprint_groups(self) -> int:
        return self._count(self.art, f'part == 0 and reprints != "[]" and {self.view.articles()}')


def filter_exprs(date_from: str | None, date_to: str | None, article_ids: list[str] | None) -> list[str]:
    """The chunk-store date/article filters as Milvus expressions. A reduced-precision date
    ("2025-07") matches when any day of its period is in range: `date_hi` is the date with
    "-99-99" appended, the same trick the SQLite store uses."""
    out = []
    if date_from:
        out.append(f'date != "" and date_hi >= {q(date_from)}')
    if date_to:
        out.append(f'date != "" and date <= {q(date_to)}')
    if article_ids:
        out.append(f"article_id in {json.dumps(list(article_ids), ensure_ascii=False)}")
    return out
