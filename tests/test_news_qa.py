"""The news question set (evals/news_qa.jsonl) is well-formed and its gold answers really are in the
CRUD-RAG news sample, among the first 2,000 lines that `rag ingest FILE --limit 2000` indexes."""
import json
import lzma
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from rag.loaders import slug
from rag.text import normalize

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "evals" / "news_qa.jsonl"
NEWS = ROOT.parent / "shared" / "news" / "crud_news_20k.jsonl.xz"
EVAL_SLICE = 2000
ROWS = [json.loads(l) for l in SET.read_text(encoding="utf-8").splitlines() if l.strip()]
KEYS = {"id", "question", "answers", "answerable", "article_ids", "category", "split", "must_include", "as_of"}
ANSWERABLE = {"number", "date", "who", "where", "fact", "time", "two_article", "english", "traditional"}
UNANSWERABLE = {"unanswerable_time", "unanswerable_entity", "unanswerable_figure"}
MINIMUM = {"time": 15, "two_article": 10, "english": 5, "traditional": 5,
           "unanswerable_time": 10, "unanswerable_entity": 10, "unanswerable_figure": 10}

needs_news = pytest.mark.skipif(not NEWS.exists(), reason=f"news corpus not found at {NEWS} (see /work/shared/news/README.md)")


def _read(limit=None, want=()):
    """id -> text of the first `limit` lines, reading on (past the limit) only until every id in `want` is seen."""
    out, want = {}, set(want)
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit and want <= set(out):
                break
            r = json.loads(line)
            out[r["id"]] = r["text"]
    return out


@pytest.fixture(scope="module")
def first_slice():
    return _read(EVAL_SLICE)


def test_rows_are_well_formed():
    assert len(ROWS) >= 150
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert set(r) <= KEYS and KEYS - {"must_include", "as_of"} <= set(r), r["id"]
        assert r["question"].strip() and isinstance(r["answerable"], bool), r["id"]
        assert bool(r["answers"]) == r["answerable"], r["id"]
        assert r["category"] in (ANSWERABLE if r["answerable"] else UNANSWERABLE), r["id"]
        assert r["article_ids"] and all(isinstance(a, str) for a in r["article_ids"]), r["id"]
        assert r["split"] in ("dev", "test"), r["id"]
        if r["category"] == "two_article":
            assert len(r["article_ids"]) >= 2 and len(r.get("must_include", [])) >= 2, r["id"]


def test_mix_of_categories():
    cats = Counter(r["category"] for r in ROWS)
    assert sum(not r["answerable"] for r in ROWS) / len(ROWS) >= 0.40
    for c, n in MINIMUM.items():
        assert cats[c] >= n, (c, cats[c])
    assert {"number", "date", "who", "where", "fact"} <= set(cats)


def test_split_is_balanced_and_keeps_articles_on_one_side():
    split = Counter(r["split"] for r in ROWS)
    assert abs(split["dev"] - split["test"]) <= 2
    for c in {r["category"] for r in ROWS}:
        per = Counter(r["split"] for r in ROWS if r["category"] == c)
        assert abs(per["dev"] - per["test"]) <= 2, (c, per)
    side = {}
    for r in ROWS:
        for a in r["article_ids"]:
            assert side.setdefault(a, r["split"]) == r["split"], (r["id"], a)


def test_at_most_two_questions_per_article():
    per = Counter(a for r in ROWS for a in r["article_ids"])
    assert max(per.values()) <= 2, per.most_common(3)


@needs_news
def test_article_ids_are_ingested_ids_in_the_eval_slice(first_slice):
    for r in ROWS:
        for a in r["article_ids"]:
            assert slug(a) == a, (r["id"], a)  # the loader keeps the `id` field as the article id
            assert a in first_slice, (r["id"], a)


@needs_news
def test_unanswerable_near_misses_exist_in_the_file():
    wanted = {a for r in ROWS if not r["answerable"] for a in r["article_ids"]}
    assert wanted <= set(_read(EVAL_SLICE, wanted))


@needs_news
def test_gold_answers_and_must_include_are_in_their_articles(first_slice):
    # the first answer is the span copied from the article; later ones are variants ("11 years", "三天")
    for r in ROWS:
        if not r["answerable"]:
            continue
        text = normalize("\n".join(first_slice[a] for a in r["article_ids"]))
        assert normalize(r["answers"][0]) in text, (r["id"], r["answers"][0])
        for m in r.get("must_include", []):
            assert normalize(m) in text, (r["id"], m)


@needs_news
def test_two_article_parts_come_from_different_articles(first_slice):
    for r in ROWS:
        if r["category"] != "two_article":
            continue
        homes = [{a for a in r["article_ids"] if normalize(m) in normalize(first_slice[a])} for m in r["must_include"]]
        assert all(homes), r["id"]
        assert not set.intersection(*homes), (r["id"], "one article answers every part")


def test_committed_set_is_what_the_script_writes(tmp_path):
    out = tmp_path / "news_qa.jsonl"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_news_qa.py"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == SET.read_text(encoding="utf-8")
