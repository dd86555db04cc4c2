"""evals/news_qa_english.jsonl: English versions of news_qa.jsonl dev questions. Each row
must keep its source row's article, answerability and gold answers, and be asked in
English only (a stray Chinese word would let keyword search in through the back door)."""
import json
import re
from pathlib import Path

EVALS = Path(__file__).resolve().parents[1] / "evals"


def _rows(name):
    return [json.loads(l) for l in (EVALS / name).read_text(encoding="utf-8").splitlines() if l.strip()]


def test_english_rows_mirror_their_chinese_source():
    rows, src = _rows("news_qa_english.jsonl"), {r["id"]: r for r in _rows("news_qa.jsonl")}
    assert len(rows) >= 40 and len({r["id"] for r in rows}) == len(rows)
    assert sum(not r["answerable"] for r in rows) >= 0.4 * len(rows)
    assert len({r["source_id"] for r in rows}) == len(rows)
    for r in rows:
        s = src[r["source_id"]]
        assert re.fullmatch(r"en-\d{3}", r["id"]) and r["split"] == "english_dev", r["id"]
        assert s["split"] == "dev", r["id"]     # the English set tunes; news test and the held-out sets confirm
        assert not re.search(r"[\u4e00-\u9fff]", r["question"]), r["id"]
        assert r["answerable"] == s["answerable"] and r["article_ids"] == s["article_ids"], r["id"]
        assert r["answers"][:len(s["answers"])] == s["answers"], r["id"]
        assert r["category"] == ("english" if s["answerable"] else s["category"]), r["id"]
