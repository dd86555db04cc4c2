import json
import lzma
from collections import Counter

import pytest

from rag.dates import INFERRED, MISSING, PARSED, parse_stamp, reference_year
from rag.feeds import FieldMap, StreamInfo, iter_jsonl

from .conftest import SHARED

NEWS = SHARED / "news" / "crud_news_20k.jsonl.xz"

# Every shape of `published` in the 20K sample (scripts/scan_news.py --dates lists them), one example each.
WITH_YEAR = [
    ("2023-08-16 17:52:53", "2023-08-16"),
    ("2023-07-26 07:06", "2023-07-26"),
    ("2023-07-26", "2023-07-26"),
    ("2023-07-20  19:08", "2023-07-20"),
    ("2023-07-29 09:37 \xa0\xa0\xa0\xa0", "2023-07-29"),
    ("2023/07/20  10:56", "2023-07-20"),
    ("2023/07/27", "2023-07-27"),
    ("2023年08月06日", "2023-08-06"),
    ("2023年07月26日 16:47:36", "2023-07-26"),
    ("2023年07月20日 21:07:00 来自北京市", "2023-07-20"),
    ("23-08-10 05:50", "2023-08-10"),
    ("202307/21 07:57:00", "2023-07-21"),
    ("202307/1915:55:52", "2023-07-19"),
    ("时间：2023-08-10 07:43:00", "2023-08-10"),
    ("发表时间：2023-07-23 08:23", "2023-07-23"),
    ("发布时间：2023-08-02 10:02:54", "2023-08-02"),
    ("发稿时间：2023-08-03 19:27:00      来源：        中国天气网", "2023-08-03"),
    ("来源：央视网  |  2023年07月20日 10:30:31", "2023-07-20"),
    ("华夏经纬网 > 新闻 > 大陆新闻 > 社会综合\xa0\xa0\xa0\xa0\xa0\xa02023-07-26 18:00:49", "2023-07-26"),
    ("http://www.gd.chinanews.com\xa0\xa0\xa0\xa02023年05月22日 10:33\xa0\xa0\xa0\xa0来源：中新网广东", "2023-05-22"),
    ("2023-07-25 23:46:26来源: 极目新闻              \t北京                举报", "2023-07-25"),
    ("2023-07-31 08:45 \xa0来源：        红星新闻网      \xa0", "2023-07-31"),
    ("新华网                                    2023-08-07 09:59", "2023-08-07"),
    ("新海南客户端、南海网    记者易帆     2023-08-09 09:07", "2023-08-09"),
]
NO_YEAR = [
    ("08-06 09:19", "08-06"), ("7-20 14:10", "07-20"), ("8-1 18:47", "08-01"),
    ("08/16  13:50", "08-16"), ("07/31", "07-31"), ("\t\t\t07/19\t\t\t", "07-19"), ("07月28日 16:18", "07-28"),
]
NO_DATE = ["", "/", "来源：中国青年报客户端", "记者：韩轩", "来源：环球时报"]


@pytest.mark.parametrize("raw,iso", WITH_YEAR)
def test_stamps_with_a_year_parse(raw, iso):
    assert parse_stamp(raw) == parse_stamp(raw, 1999)  # a reference year never overrides a stated one
    r = parse_stamp(raw)
    assert (r.iso, r.status) == (iso, PARSED)


@pytest.mark.parametrize("raw,md", NO_YEAR)
def test_yearless_stamps_need_a_stated_reference(raw, md):
    r = parse_stamp(raw)
    assert (r.iso, r.status, r.reason) == (None, MISSING, "no reference year") and r.warning
    r = parse_stamp(raw, 2023)
    assert (r.iso, r.status) == (f"2023-{md}", INFERRED)


@pytest.mark.parametrize("raw", NO_DATE)
def test_stamps_without_a_date_give_none(raw):
    r = parse_stamp(raw, 2023)
    assert r.iso is None and r.status == MISSING
    assert r.warning == (raw.strip("/") != "")   # an empty stamp is not worth a warning


@pytest.mark.parametrize("raw", ["2023-02-30 10:00", "2023-13-01", "02-30 08:00", "23-02-29 05:50", "1850-01-01"])
def test_impossible_dates_are_missing_never_wrong(raw):
    r = parse_stamp(raw, 2023)
    assert (r.iso, r.status, r.reason) == (None, MISSING, "invalid")


def test_prose_digits_are_not_dates():
    for raw in ["比分3-1 领先", "第1/2季度", "记者 王2"]:
        assert parse_stamp(raw, 2023).iso is None


def test_reference_year_is_the_one_year_all_dated_stamps_share():
    assert reference_year(["2023-07-01", "08-06 09:19", "", "23-08-10 05:50"]) == 2023
    assert reference_year(["2023-07-01", "2022-12-31 10:00"]) is None
    assert reference_year(["08-06 09:19", ""]) is None


def _feed(tmp_path, stamps, name="f.jsonl.xz"):
    p = tmp_path / name
    with lzma.open(p, "wt", encoding="utf-8") as f:
        for i, s in enumerate(stamps):
            f.write(json.dumps({"id": f"a{i}", "published": s, "text": f"第{i}篇正文。"}, ensure_ascii=False) + "\n")
    return p


def _read(p, year=None):
    info = StreamInfo(str(p), FieldMap())
    arts = list(iter_jsonl(p, info.fields, None, year, info))
    return {a.id: (a.date, a.meta["date_status"]) for a in arts}, info


def test_feed_infers_missing_year_from_its_own_dates_and_counts(tmp_path):
    got, info = _read(_feed(tmp_path, ["2023-07-27 18:08", "08-06 09:19", "", "来源：环球时报", "02-30 10:00"]))
    assert got == {"a0": ("2023-07-27", "parsed"), "a1": ("2023-08-06", "inferred"), "a2": (None, "missing"),
                   "a3": (None, "missing"), "a4": (None, "missing")}
    assert (info.reference_year, info.year_source) == (2023, "file")
    d = info.dates.to_dict()
    assert (d["parsed"], d["inferred"], d["missing"], d["warnings"]) == (1, 1, 3, 2)


def test_feed_with_two_years_infers_nothing_unless_told(tmp_path):
    p = _feed(tmp_path, ["2023-07-27 18:08", "2022-12-30 08:00", "08-06 09:19"])
    got, info = _read(p)
    assert got["a2"] == (None, "missing") and info.reference_year is None
    assert info.dates.reasons["no reference year"] == 1
    got, info = _read(p, year=2024)
    assert got["a2"] == ("2024-08-06", "inferred") and info.year_source == "--year"


@pytest.mark.skipif(not NEWS.exists(), reason="needs /work/shared/news")
def test_every_stamp_in_the_real_file_is_dated_or_missing_never_invalid():
    stamps = [json.loads(line)["published"] for line in lzma.open(NEWS, "rt", encoding="utf-8")]
    ref = reference_year(stamps)
    assert ref == 2023
    res = Counter()
    for s in stamps:
        r = parse_stamp(s, ref)
        res[r.status, r.reason] += 1
        if r.iso:
            assert r.iso.startswith("2023-") and any(ch.isdigit() for ch in s)
    assert res[MISSING, "invalid"] == 0
    # every stamp holding a digit is understood (the ones without are bylines and outlets)
    assert res[MISSING, "unrecognized"] == sum(1 for s in stamps if s.strip("/") and not any(c.isdigit() for c in s))
    assert res[PARSED, ""] + res[INFERRED, ""] > 16_000
