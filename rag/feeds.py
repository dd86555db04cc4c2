"""News feeds: JSONL, plain or compressed (.xz/.gz/.bz2), read one line at a time.

A feed names its fields its own way; `FieldMap` says which key fills which Article field,
given (`rag ingest --field date=published`) or auto-detected from the first record. Time
stamps go through rag/dates.py, leniently: a bad stamp costs the date, never the article.
"""
from __future__ import annotations

import codecs
import json
import lzma
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import dates
from .errors import InputError
from .loaders import COMPRESSED, article_from_record
from .types import Article

# Our field <- the record keys tried, in order, when the caller names none (also in
# `rag ingest --help`); what was chosen is reported once per file and in the ingest report.
FIELD_CANDIDATES = {
    "body": ("text", "content", "body"),
    "date": ("date", "published", "pub_time", "time"),
    "title": ("title", "headline"),
    "id": ("id", "url"),
}


@dataclass
class FieldMap:
    """Which record key feeds which Article field: given ones win, the rest auto-detected."""
    given: dict[str, str] = field(default_factory=dict)
    chosen: dict[str, str | None] | None = None

    def __post_init__(self):
        bad = set(self.given) - set(FIELD_CANDIDATES)
        if bad:
            raise InputError(f"unknown field {sorted(bad)[0]!r} in --field; "
                             f"use one of {', '.join(FIELD_CANDIDATES)} (e.g. --field body=text)")

    def resolve(self, rec: dict) -> dict[str, str | None]:
        """Fixed by the first record of the file, so every record is read the same way."""
        if self.chosen is None:
            self.chosen = {ours: self.given.get(ours) or next((k for k in cands if k in rec), None)
                           for ours, cands in FIELD_CANDIDATES.items()}
        return self.chosen

    def describe(self) -> str:
        c = self.chosen or {}
        return ", ".join(f"{ours}<-{c.get(ours) or '(none)'}{'' if ours in self.given else ' (auto)'}"
                         for ours in FIELD_CANDIDATES)

    @staticmethod
    def parse(specs: list[str] | None) -> "FieldMap":
        given = {}
        for spec in specs or []:
            ours, sep, theirs = spec.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise InputError(f"bad --field {spec!r}: expected OURS=THEIRS, e.g. date=published")
            given[ours.strip()] = theirs.strip()
        return FieldMap(given)


@dataclass
class StreamInfo:
    """What reading a feed decided, for the ingest report."""
    path: str
    fields: FieldMap
    reference_year: int | None = None
    year_source: str = ""                 # "--year", "file", or "" (none needed / none found)
    records: int = 0
    dates: dates.DateCounts = field(default_factory=dates.DateCounts)

    def to_dict(self) -> dict:
        return {"path": self.path, "fields": self.fields.describe(), "records": self.records,
                "reference_year": self.reference_year, "year_source": self.year_source,
                "dates": self.dates.to_dict()}


def _open_lines(path: Path):
    opener = COMPRESSED.get(path.suffix.lower())
    return opener(path, "rb") if opener else open(path, "rb")


def _raw_lines(path: Path, limit: int | None) -> Iterator[tuple[int, bytes]]:
    """Non-empty lines with their 1-based numbers, at most `limit` of them."""
    seen = 0
    with _open_lines(path) as fh:
        for n, raw in enumerate(fh, 1):
            if limit is not None and seen >= limit:
                return
            if not raw.strip():
                continue
            seen += 1
            yield n, raw


def _decode_line(raw: bytes, n: int) -> str:
    if n == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _stamps(path: Path, fields: FieldMap, limit: int | None) -> Iterator:
    for n, raw in _raw_lines(path, limit):
        try:
            rec = json.loads(_decode_line(raw, n))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(rec, dict):
            key = fields.resolve(rec)["date"]
            if key:
                yield rec.get(key)


def iter_jsonl(path: Path | str, fields: FieldMap | None = None, limit: int | None = None,
               year: int | None = None, info: StreamInfo | None = None) -> Iterator[Article | InputError]:
    """Stream a (possibly compressed) JSONL feed: Articles and per-line problems, in file order.

    Year-less stamps take `year`; failing that, the first one met triggers one cheap extra
    pass over the stamps (no bodies kept) to find the year all dated records share."""
    path = Path(path)
    info = info or StreamInfo(str(path), fields or FieldMap())
    fm = info.fields
    info.reference_year, info.year_source = (year, "--year") if year else (None, "")
    scanned = year is not None

    def date_of(raw):
        nonlocal scanned
        res = dates.parse_stamp(raw, info.reference_year)
        if res.reason == "no reference year" and not scanned:
            scanned = True
            info.reference_year = dates.reference_year(_stamps(path, fm, limit))
            info.year_source = "file" if info.reference_year else ""
            res = dates.parse_stamp(raw, info.reference_year)
        info.dates.add(raw, res)
        return res

    try:
        for n, raw in _raw_lines(path, limit):
            info.records += 1
            try:
                rec = json.loads(_decode_line(raw, n))
                yield article_from_record(rec, f"{path.name.split('.')[0]}-{n}", str(path), n, fm, date_of)
            except json.JSONDecodeError as e:
                yield InputError(f"invalid JSON: {e.msg}", path=str(path), line=n)
            except UnicodeDecodeError:
                yield InputError("line is neither UTF-8 nor GB18030 text", path=str(path), line=n)
            except InputError as e:
                yield e
    except (OSError, EOFError, lzma.LZMAError) as e:
        # a truncated or damaged archive: what came before is kept
        yield InputError(f"cannot read on: {e.__class__.__name__}: {e}", path=str(path))
