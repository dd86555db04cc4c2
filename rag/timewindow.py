"""The publication period a question points at (2023年8月, 8月15日, 昨天, 上周), for the
rerank and retrieve stages: relative words restrict, explicit dates only prefer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .text import normalize


@dataclass
class TimeWindow:
    start: date
    end: date
    words: str          # what the question said (昨天, 2023年8月)
    relative: bool      # resolved against the reference date: restricts, not just prefers

    def label(self) -> str:
        a, b = self.start.isoformat(), self.end.isoformat()
        return a if a == b else f"{a}至{b}"


_REL_DAYS = {"前天": (-2, -1), "昨天": (-1, 0), "昨日": (-1, 0), "今天": (0, 0), "今日": (0, 0)}
_RECENT = re.compile(r"最近|近日|近期|这几天")
_DAY = re.compile(r"(?:((?:19|20)\d{2})\s*年\s*)?(1[0-2]|0?[1-9])\s*月\s*([12]\d|3[01]|0?[1-9])\s*[日号]")
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(1[0-2]|0?[1-9])\s*月")


def _month_end(y: int, m: int) -> date:
    from calendar import monthrange
    return date(y, m, monthrange(y, m)[1])


def time_window(question: str, as_of: date) -> TimeWindow | None:
    """The publication period a question points at. Relative words (昨天, 上周, 本月, 最近)
    resolve against `as_of` and restrict; explicit dates (2023年8月, 8月15日) only prefer,
    since a report of a day or month is often published after it."""
    from datetime import timedelta
    q = normalize(question)
    for w, (a, b) in _REL_DAYS.items():
        if w in q:
            return TimeWindow(as_of + timedelta(days=a), as_of + timedelta(days=b + 1 if b < 0 else b), w, True)
    monday = as_of - timedelta(days=as_of.weekday())
    if "上周" in q or "上星期" in q:
        return TimeWindow(monday - timedelta(days=7), monday, "上周", True)
    if "本周" in q or "这周" in q:
        return TimeWindow(monday, as_of, "本周", True)
    if "上个月" in q or "上月" in q:
        first = as_of.replace(day=1) - timedelta(days=1)
        return TimeWindow(first.replace(day=1), as_of.replace(day=1) + timedelta(days=2), "上个月", True)
    if "本月" in q or "这个月" in q:
        return TimeWindow(as_of.replace(day=1), as_of, "本月", True)
    if _RECENT.search(q):
        return TimeWindow(as_of - timedelta(days=14), as_of, _RECENT.search(q).group(), True)
    m = _DAY.search(q)
    if m:
        y = int(m.group(1)) if m.group(1) else as_of.year
        try:
            d = date(y, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return TimeWindow(d, d + timedelta(days=2), m.group(), False)
    m = _YEAR_MONTH.search(q)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        # figures for a month are published during it and the month after
        nxt = _month_end(y + (mo == 12), mo % 12 + 1)
        return TimeWindow(date(y, mo, 1), nxt, m.group(), False)
    return None
