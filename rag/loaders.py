"""Read articles from files: formats, encodings, front matter. One bad file or line is a
reported problem, never an aborted ingest."""
from __future__ import annotations

import bz2
import codecs
import gzip
import json
import lzma
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from . import dates
from .boilerplate import derive_title
from .errors import InputError
from .types import Article

if TYPE_CHECKING:
    from .feeds import FieldMap

SUFFIXES = {".md", ".markdown", ".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".docx", ".pdf"}
# JSONL feeds may come compressed; they are read as a stream, a line at a time.
COMPRESSED = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}
STREAMED = {".jsonl", ".ndjson"}
MAX_FILE_BYTES = 64 * 1024 * 1024      # a JSONL feed may be large
MAX_ARTICLE_CHARS = 200_000            # a long news feature is ~20,000; beyond this it is not an article


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)


def kind_of(path: Path) -> str:
    """The format suffix that decides how a file is read: '.jsonl' for 'feed.jsonl.xz'."""
    sfx = [x.lower() for x in path.suffixes[-2:]]
    if len(sfx) == 2 and sfx[1] in COMPRESSED and sfx[0] in STREAMED:
        return sfx[0]
    return path.suffix.lower()


def is_streamed(path: Path) -> bool:
    return kind_of(path) in STREAMED


# ---------------------------------------------------------------- encodings

def decode(data: bytes, path: str) -> str:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 (BOM or NUL pattern) or GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    sample = data[:4096]
    if b"\x00" in sample and len(data) % 2 == 0:
        # BOM-less UTF-16: pick the byte order that decodes to plausible text.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_err = e
    if b"\x00" in sample:
        raise InputError("binary file (NUL bytes), not text", path=path)
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
        if best is not None and _looks_like_text(str(best)):
            return str(best)
    except Exception:  # noqa: BLE001 - detector failure means "unreadable", reported below
        pass
    raise InputError(f"unreadable text encoding (not UTF-8/UTF-16/GB18030): {utf8_err.reason} "
                     f"at byte {utf8_err.start}", path=path)


def _plausible(s: str) -> bool:
    """Mostly CJK, CJK punctuation, ASCII or whitespace: what news text is made of."""
    head = s[:2000]
    ok = sum(1 for c in head if c.isascii() and (c.isprintable() or c in "\t\r\n")
             or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
             or c in "“”‘’…—·")
    return bool(head) and ok / len(head) > 0.95


def _looks_like_text(s: str) -> bool:
    if not s:
        return True
    bad = sum(1 for c in s[:5000] if (ord(c) < 32 and c not in "\t\r\n\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad / min(len(s), 5000) < 0.01


def clean_text(s: str) -> str:
    """Unify line endings and drop NULs and zero-width marks; otherwise leave text as is."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", s)


# ---------------------------------------------------------------- fields

def parse_date(value) -> str | None:
    """Normalize a date to ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD); None if absent; ValueError if
    unrecognized. Strict, for dates a person wrote (front matter, JSON); feed stamps go
    through dates.parse_stamp, which never fails a record."""
    return dates.legacy_parse(value)


def slug(s: str) -> str:
    s = re.sub(r"[^\w\-.]+", "-", s, flags=re.UNICODE).strip("-.")
    return s[:120] or "article"


def _authors(v) -> list[str]:
    if not v:
        return []
    if isinstance(v, str):
        return [a for a in re.split(r"[,，、;；\s]+", v) if a]
    return [str(a) for a in v]


_KNOWN = {"id", "title", "text", "body", "content", "date", "url", "authors", "author"}

def article_from_record(rec: dict, default_id: str, path: str, line: int | None = None,
                        fields: "FieldMap | None" = None, date_of=None) -> Article:
    """One record as an Article. `fields` maps keys (feeds); `date_of(raw) -> DateResult` makes
    dates lenient (a feed's bad stamp loses the date, not the article); without it a bad date
    is an error, as it always was for front matter and JSON."""
    if not isinstance(rec, dict):
        raise InputError("expected a JSON object", path=path, line=line)
    if fields is not None:
        f = fields.resolve(rec)
        body = rec.get(f["body"]) if f["body"] else None
        raw_date, title, rid = (rec.get(f[k]) if f[k] else None for k in ("date", "title", "id"))
        known = {v for v in f.values() if v} | {"url", "authors", "author"}
        need = f"field {f['body']}" if f["body"] else "fields text/content/body"
    else:
        body = rec.get("text") or rec.get("body") or rec.get("content") or ""
        raw_date, title, rid, known = rec.get("date"), rec.get("title"), rec.get("id"), _KNOWN
        need = "fields text/body/content"
    if not isinstance(body, str) or not body.strip():
        raise InputError(f"record has no text ({need})", path=path, line=line)
    if len(body) > MAX_ARTICLE_CHARS:
        raise InputError(f"article text is {len(body):,} characters, over the {MAX_ARTICLE_CHARS:,} limit; "
                         f"split it into articles", path=path, line=line)
    meta = {k: v for k, v in rec.items() if k not in known}
    if date_of is not None:
        res = date_of(raw_date)
        date = res.iso
        meta["date_status"] = res.status
        if raw_date not in (None, "") and str(raw_date) != date:
            meta["date_raw"] = str(raw_date)
    else:
        try:
            date = parse_date(raw_date)
        except ValueError as e:
            raise InputError(str(e), path=path, line=line) from None
        meta["date_status"] = dates.PARSED if date else dates.MISSING
    body = clean_text(body).strip()
    title = str(title or "").strip() or derive_title(body)
    return Article(id=slug(str(rid or default_id)), title=title, body=body,
                   date=date, authors=_authors(rec.get("authors") or rec.get("author")),
                   url=rec.get("url"), source=path, meta=meta)


# ---------------------------------------------------------------- formats

_FRONT = re.compile(r"\A---\n(.*?)\n---\n?", re.S)
_HEADING = re.compile(r"^#{1,6}\s+", re.M)


def _markdown(text: str, path: Path) -> list[Article]:
    rec: dict = {}
    m = _FRONT.match(text)
    if m:
        import yaml
        try:
            rec = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", None)
            raise InputError(f"bad front matter: {e.__class__.__name__}", path=str(path),
                             line=None if line is None else line + 2) from None
        if not isinstance(rec, dict):
            raise InputError("front matter is not a mapping", path=str(path), line=2)
        text = text[m.end():]
    body = _HEADING.sub("", text).strip()
    if not rec.get("title"):
        first, _, rest = body.partition("\n")
        rec["title"], body = first.strip(), rest.strip() or first.strip()
    rec["text"] = body
    return [article_from_record(rec, path.stem, str(path))]


def _plain(text: str, path: Path) -> list[Article]:
    text = text.strip()
    title, _, body = text.partition("\n")
    return [article_from_record({"title": title.strip(), "text": body.strip() or title}, path.stem, str(path))]


def _json(text: str, path: Path) -> list[Article]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path=str(path), line=e.lineno) from None
    recs = data if isinstance(data, list) else [data]
    return [article_from_record(r, f"{path.stem}-{i}" if len(recs) > 1 else path.stem, str(path))
            for i, r in enumerate(recs)]


class _HTMLText(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "header", "footer", "blockquote", "pre", "ul", "ol", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def _html(text: str, path: Path) -> list[Article]:
    p = _HTMLText()
    p.feed(text)
    body = "\n".join(ln.strip() for ln in "".join(p.parts).split("\n"))
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return [article_from_record({"title": p.title.strip(), "text": body}, path.stem, str(path))]


def _docx(path: Path) -> list[Article]:
    import docx
    d = docx.Document(str(path))
    paras = [p.text.strip() for p in d.paragraphs if p.text.strip()]
    title = (d.core_properties.title or "").strip()
    if not title and paras:
        title = paras.pop(0)
    return [article_from_record({"title": title, "text": "\n\n".join(paras)}, path.stem, str(path))]


def _pdf(path: Path) -> list[Article]:
    import pypdf
    reader = pypdf.PdfReader(str(path))
    text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    title = ((reader.metadata or {}).get("/Title") or "") if reader.metadata else ""
    return [article_from_record({"title": title, "text": text}, path.stem, str(path))]


def load_file(path: Path | str) -> LoadResult:
    """Parse one file. Problems (bad file, bad JSONL line) are returned, not raised."""
    path = Path(path)
    res = LoadResult()
    try:
        suffix = kind_of(path)
        if suffix in STREAMED and path.exists():
            from .feeds import iter_jsonl   # feeds builds on this module
            for item in iter_jsonl(path):
                (res.problems if isinstance(item, InputError) else res.articles).append(item)
            return res
        if suffix not in SUFFIXES:
            raise InputError(f"unsupported file type {suffix or '(none)'}; "
                             f"expected one of {' '.join(sorted(SUFFIXES))}", path=str(path))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit",
                             path=str(path))
        if size == 0:
            raise InputError("empty file", path=str(path))
        if suffix == ".docx":
            res.articles = _docx(path)
        elif suffix == ".pdf":
            res.articles = _pdf(path)
        else:
            text = clean_text(decode(path.read_bytes(), str(path)))
            if not text.strip():
                raise InputError("file has no text", path=str(path))
            if suffix in (".md", ".markdown"):
                res.articles = _markdown(text, path)
            elif suffix == ".txt":
                res.articles = _plain(text, path)
            elif suffix == ".json":
                res.articles = _json(text, path)
            else:
                res.articles = _html(text, path)
    except InputError as e:
        res.problems.append(e)
    except Exception as e:  # noqa: BLE001 - a library choking on one file must not stop the rest
        res.problems.append(InputError(f"cannot read {path.suffix} file: {e.__class__.__name__}: {e}",
                                       path=str(path)))
    return res


def iter_files(paths: list[Path | str]) -> tuple[list[Path], list[InputError]]:
    """Expand folders; refuse symlinks that lead outside the folder being ingested."""
    files: list[Path] = []
    problems: list[InputError] = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(InputError("no such file or folder", path=str(p)))
        elif p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*")):
                if f.name.startswith(".") or not (f.is_file() or f.is_symlink()):
                    continue
                real = f.resolve()
                if f.is_symlink() and not real.is_relative_to(root):
                    problems.append(InputError(f"symlink leads outside {p} (to {real}); refused", path=str(f)))
                elif real.is_file() and kind_of(f) in SUFFIXES | STREAMED:
                    files.append(f)
                elif real.is_file():
                    problems.append(InputError(f"unsupported file type {f.suffix or '(none)'}; skipped", path=str(f)))
        else:
            files.append(p)
    return files, problems
