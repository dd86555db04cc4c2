"""The held-out news question set (evals/news_qa_holdout.jsonl) is well-formed, shares no article with
the development set (evals/news_qa.jsonl), and its gold answers really are in the CRUD-RAG news sample.

The set is written blind and used once, as a final check: these tests only look at its shape and at the
corpus, never at what the system answers."""
import itertools
import json
import lzma
import re
from collections import Counter
from pathlib import Path

import pytest

from rag.text import normalize

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "evals" / "news_qa_holdout.jsonl"
DEV_SET = ROOT / "evals" / "news_qa.jsonl"
NEWS = ROOT.parent / "shared" / "news" / "crud_news_20k.jsonl.xz"
ROWS = [json.loads(l) for l in SET.read_text(encoding="utf-8").splitlines() if l.strip()]
KEYS = {"id", "question", "answers", "answerable", "article_ids", "category", "split"}
ANSWERABLE = {"number", "date", "who", "where", "fact", "time", "two_article", "english", "traditional"}
UNANSWERABLE = {"unanswerable_time", "unanswerable_entity", "unanswerable_figure"}

needs_news = pytest.mark.skipif(not NEWS.exists(), reason=f"news corpus not found at {NEWS} (see /work/shared/news/README.md)")


@pytest.fixture(scope="module")
def corpus():
    """id -> text of every document in the news sample (one pass over the file)."""
    out = {}
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out[r["id"]] = r["text"]
    return out


def test_rows_are_well_formed():
    assert len(ROWS) >= 50
    ids = [r["id"] for r in ROWS]
    assert len(set(ids)) == len(ids)
    assert len({r["question"] for r in ROWS}) == len(ROWS), "duplicate question"
    for r in ROWS:
        extra = {"must_include"} if r["category"] == "two_article" else set()
        assert set(r) == KEYS | extra, r["id"]
        assert re.fullmatch(r"hold-\d{3}", r["id"]), r["id"]
        assert r["split"] == "holdout", r["id"]
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        assert isinstance(r["answerable"], bool), r["id"]
        assert isinstance(r["answers"], list) and all(isinstance(a, str) and a.strip() for a in r["answers"]), r["id"]
        assert bool(r["answers"]) == r["answerable"], r["id"]
        assert r["category"] in (ANSWERABLE if r["answerable"] else UNANSWERABLE), r["id"]
        assert r["article_ids"] and all(isinstance(a, str) and a for a in r["article_ids"]), r["id"]
        assert len(set(r["article_ids"])) == len(r["article_ids"]), r["id"]
        if r["category"] == "two_article":
            assert len(r["article_ids"]) >= 2 and len(r["must_include"]) >= 2, r["id"]
            assert all(isinstance(m, str) and m.strip() for m in r["must_include"]), r["id"]
        else:
            assert len(r["article_ids"]) == 1, r["id"]


def test_mix_of_categories():
    cats = Counter(r["category"] for r in ROWS)
    assert sum(not r["answerable"] for r in ROWS) / len(ROWS) >= 0.40
    assert set(cats) == ANSWERABLE | UNANSWERABLE, cats  # every kind of question is represented


def test_at_most_two_questions_per_article():
    per = Counter(a for r in ROWS for a in r["article_ids"])
    assert max(per.values()) <= 2, per.most_common(3)


def test_no_article_is_shared_with_the_development_set():
    dev = [json.loads(l) for l in DEV_SET.read_text(encoding="utf-8").splitlines() if l.strip()]
    dev_articles = {a for r in dev for a in r["article_ids"]}
    shared = {a for r in ROWS for a in r["article_ids"]} & dev_articles
    assert not shared, sorted(shared)


@needs_news
def test_article_ids_exist_in_the_corpus(corpus):
    for r in ROWS:
        for a in r["article_ids"]:
            assert a in corpus, (r["id"], a)


@needs_news
def test_gold_answers_and_must_include_are_in_their_articles(corpus):
    # answers[0] is the span copied from the article; later answers are variants ("3.5亿", "81.4 billion")
    for r in ROWS:
        if not r["answerable"]:
            continue
        text = normalize("\n".join(corpus[a] for a in r["article_ids"]))
        assert normalize(r["answers"][0]) in text, (r["id"], r["answers"][0])
        for m in r.get("must_include", []):
            assert normalize(m) in text, (r["id"], m)


@needs_news
def test_two_article_parts_come_from_different_articles(corpus):
    for r in ROWS:
        if r["category"] != "two_article":
            continue
        homes = [{a for a in r["article_ids"] if normalize(m) in normalize(corpus[a])} for m in r["must_include"]]
        assert all(homes), (r["id"], "a part is in none of its articles")
        assert not set.intersection(*homes), (r["id"], "one article answers every part")
        # each part can be given its own article
        assert any(len(set(pick)) == len(pick) for pick in itertools.product(*homes)), r["id"]
