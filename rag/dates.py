"""Publication time stamps as sources write them, turned into ISO dates.

A stamp gives an ISO date only when the date in it is unambiguous; otherwise the article
has no date and the reason is counted. A stamp without a year ("08-06 09:19") gets one
only from a stated reference year (`--year`, or the one year that every dated record of
the same file shares); it is then marked "inferred", never passed off as "parsed".

Shapes found in the 20K CRUD news sample (scripts/scan_news.py lists them with counts):
`2023-07-27 18:08`, `2023-08-16 17:52:53`, `2023-07-26`, `2023/07/20  10:56`, `2023/07/27`,
`2023年07月19日`, `2023年07月20日 21:07:00 来自北京市`, `23-07-26 05:56`, `202307/21 07:57:00`,
`202307/1915:55:52`, prefixed ones (`时间：…`, `发稿时间：…`, `来源：央视网  |  …`,
`华夏经纬网 > 新闻 > …  2023-07-26 18:00:49`, `http://…  2023年05月22日 10:33  来源：…`),
year-less `7-20 14:10`, `07-20 11:35`, `8-1 18:47`, `08/16  13:50`, `07/31`, `07月28日 16:18`,
and stamps with no date at all (``, `/`, `来源：中国青年报客户端`, `记者：韩轩`).
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass

PARSED, INFERRED, MISSING = "parsed", "inferred", "missing"

# Anchored whole-value forms that loaders.parse_date has always accepted (front matter, JSON),
# including reduced precision ("2025-07", "2025").
LEGACY_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), 3),
    (re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})"), 3),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), 3),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月"), 2),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), 2),
    (re.compile(r"^(\d{4})$"), 1),
]

# With a year: searched anywhere in the value, so site furniture around the stamp is ignored.
_WITH_YEAR = [
    re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})/(\d{2})"),            # 202307/21 07:57:00, 202307/1915:55:52
]
# Two-digit year: the whole value must be the stamp, so "3-1-2" in prose never becomes a date.
_SHORT_YEAR = re.compile(r"^\s*(\d{2})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
# No year: the whole value is month and day, optionally followed by a time of day.
_NO_YEAR = [
    re.compile(r"^\s*(\d{1,2})\s*[-/]\s*(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"),
    re.compile(r"^\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"),
]
_YEAR_RANGE = range(1900, 2101)


@dataclass(frozen=True)
class DateResult:
    iso: str | None
    status: str            # parsed | inferred | missing
    reason: str = ""       # why missing: empty, unrecognized, invalid, no reference year

    @property
    def warning(self) -> bool:
        """Missing although the source gave a stamp: worth counting and showing."""
        return self.status == MISSING and self.reason != "empty"


def _iso(y: int, m: int, d: int) -> str | None:
    if y not in _YEAR_RANGE:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def full_date(value) -> str | None:
    """The ISO date of a stamp that states its year; None otherwise."""
    s = "" if value is None else str(value)
    for pat in _WITH_YEAR:
        m = pat.search(s)
        if m:
            return _iso(*map(int, m.groups()))
    m = _SHORT_YEAR.match(s)
    if m:
        y, mo, d = map(int, m.groups())
        return _iso(2000 + y, mo, d)
    return None


def parse_stamp(value, ref_year: int | None = None) -> DateResult:
    """One time stamp as a DateResult; never guesses a year without `ref_year`."""
    s = "" if value is None else str(value).strip()
    if not s or not any(c.isdigit() for c in s):
        return DateResult(None, MISSING, "empty" if not s.strip("/-|") else "unrecognized")
    for pat in _WITH_YEAR:
        m = pat.search(s)
        if m:
            iso = _iso(*map(int, m.groups()))
            return DateResult(iso, PARSED) if iso else DateResult(None, MISSING, "invalid")
    m = _SHORT_YEAR.match(s)
    if m:
        y, mo, d = map(int, m.groups())
        iso = _iso(2000 + y, mo, d)
        return DateResult(iso, PARSED) if iso else DateResult(None, MISSING, "invalid")
    for pat in _NO_YEAR:
        m = pat.match(s)
        if m:
            if ref_year is None:
                return DateResult(None, MISSING, "no reference year")
            iso = _iso(ref_year, *map(int, m.groups()))
            return DateResult(iso, INFERRED) if iso else DateResult(None, MISSING, "invalid")
    for pat, parts in LEGACY_PATTERNS:
        m = pat.match(s)
        if m and parts < 3:
            try:
                return DateResult(legacy_parse(s), PARSED)
            except ValueError:
                return DateResult(None, MISSING, "invalid")
    return DateResult(None, MISSING, "unrecognized")


def legacy_parse(value) -> str | None:
    """Normalize a date to ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD); None if absent; raise if unknown."""
    if value in (None, ""):
        return None
    s = str(value).strip()
    for pat, parts in LEGACY_PATTERNS:
        m = pat.match(s)
        if m:
            nums = [int(x) for x in m.groups()[:parts]]
            if parts >= 2 and not 1 <= nums[1] <= 12 or parts == 3 and not 1 <= nums[2] <= 31:
                break
            return "-".join([f"{nums[0]:04d}"] + [f"{n:02d}" for n in nums[1:]])
    raise ValueError(f"unrecognized date {s!r} (use YYYY-MM-DD)")


def reference_year(stamps) -> int | None:
    """The year every stamp that states one shares; None if there are none or several."""
    years = Counter(d[:4] for d in map(full_date, stamps) if d)
    return int(next(iter(years))) if len(years) == 1 else None


@dataclass
class DateCounts:
    parsed: int = 0
    inferred: int = 0
    missing: int = 0
    reasons: Counter = None
    examples: dict = None

    def __post_init__(self):
        self.reasons = self.reasons or Counter()
        self.examples = self.examples or {}

    def add(self, raw, res: DateResult) -> None:
        setattr(self, res.status, getattr(self, res.status) + 1)
        if res.status == MISSING:
            self.reasons[res.reason] += 1
            if res.warning:
                self.examples.setdefault(res.reason, str(raw)[:60])

    def merge(self, other: "DateCounts") -> None:
        self.parsed += other.parsed
        self.inferred += other.inferred
        self.missing += other.missing
        self.reasons.update(other.reasons)
        for k, v in other.examples.items():
            self.examples.setdefault(k, v)

    @property
    def warnings(self) -> int:
        return sum(n for r, n in self.reasons.items() if r != "empty")

    def to_dict(self) -> dict:
        return {"parsed": self.parsed, "inferred": self.inferred, "missing": self.missing,
                "missing_reasons": dict(self.reasons), "warnings": self.warnings, "examples": self.examples}
