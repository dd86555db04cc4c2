"""The held-out news question sets (evals/news_qa_holdout.jsonl, evals/news_qa_holdout2.jsonl,
evals/news_qa_holdout3.jsonl, evals/news_qa_holdout4.jsonl, evals/news_qa_holdout5.jsonl,
evals/news_qa_holdout6.jsonl, evals/news_qa_holdout7.jsonl, evals/news_qa_holdout8.jsonl, evals/news_qa_holdout9.jsonl, evals/news_qa_holdout10.jsonl, evals/news_qa_holdout11.jsonl, evals/news_qa_holdout12.jsonl and evals/news_qa_holdout13.jsonl) are well-formed, share no article with the development set (evals/news_qa.jsonl)
nor with each other, and their gold answers really are in the CRUD-RAG news sample.
(evals/news_qa_english.jsonl repeats dev rows with their articles, so the check against the development set
covers it.)

Each set is written blind and used once, as a final check: these tests only look at its shape and at the
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
EVALS = ROOT / "evals"
DEV_SET = EVALS / "news_qa.jsonl"
NEWS = ROOT.parent / "shared" / "news" / "crud_news_20k.jsonl.xz"
KEYS = {"id", "question", "answers", "answerable", "article_ids", "category", "split"}
ANSWERABLE = {"number", "date", "who", "where", "fact", "time", "two_article", "english", "traditional"}
UNANSWERABLE = {"unanswerable_time", "unanswerable_entity", "unanswerable_figure"}

# file -> (id pattern, split name, earlier sets it must not share an article with)
SETS = {
    "news_qa_holdout.jsonl": (r"hold-\d{3}", "holdout", ["news_qa.jsonl"]),
    "news_qa_holdout2.jsonl": (r"h2-\d{3}", "holdout2", ["news_qa.jsonl", "news_qa_holdout.jsonl"]),
    "news_qa_holdout3.jsonl": (r"h3-\d{3}", "holdout3", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl"]),
    "news_qa_holdout4.jsonl": (r"h4-\d{3}", "holdout4", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl"]),
    "news_qa_holdout5.jsonl": (r"h5-\d{3}", "holdout5", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl"]),
    "news_qa_holdout6.jsonl": (r"h6-\d{3}", "holdout6", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl"]),
    "news_qa_holdout7.jsonl": (r"h7-\d{3}", "holdout7", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl"]),
    "news_qa_holdout8.jsonl": (r"h8-\d{3}", "holdout8", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl"]),
    "news_qa_holdout9.jsonl": (r"h9-\d{3}", "holdout9", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl", "news_qa_holdout8.jsonl"]),
    "news_qa_holdout10.jsonl": (r"h10-\d{3}", "holdout10", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl", "news_qa_holdout8.jsonl", "news_qa_holdout9.jsonl"]),
    "news_qa_holdout11.jsonl": (r"h11-\d{3}", "holdout11", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl", "news_qa_holdout8.jsonl", "news_qa_holdout9.jsonl", "news_qa_holdout10.jsonl"]),
    "news_qa_holdout12.jsonl": (r"h12-\d{3}", "holdout12", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl", "news_qa_holdout8.jsonl", "news_qa_holdout9.jsonl", "news_qa_holdout10.jsonl", "news_qa_holdout11.jsonl"]),
    "news_qa_holdout13.jsonl": (r"h13-\d{3}", "holdout13", ["news_qa.jsonl", "news_qa_holdout.jsonl", "news_qa_holdout2.jsonl", "news_qa_holdout3.jsonl", "news_qa_holdout4.jsonl", "news_qa_holdout5.jsonl", "news_qa_holdout6.jsonl", "news_qa_holdout7.jsonl", "news_qa_holdout8.jsonl", "news_qa_holdout9.jsonl", "news_qa_holdout10.jsonl", "news_qa_holdout11.jsonl", "news_qa_holdout12.jsonl"]),
}


def _rows(name):
    return [json.loads(l) for l in (EVALS / name).read_text(encoding="utf-8").splitlines() if l.strip()]


ROWS = {name: _rows(name) for name in SETS}

needs_news = pytest.mark.skipif(not NEWS.exists(), reason=f"news corpus not found at {NEWS} (see /work/shared/news/README.md)")
per_set = pytest.mark.parametrize("name", sorted(SETS))


@pytest.fixture(scope="module")
def corpus():
    """id -> text of every document in the news sample (one pass over the file)."""
    out = {}
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out[r["id"]] = r["text"]
    return out


@per_set
def test_rows_are_well_formed(name):
    rows = ROWS[name]
    id_pattern, split, _ = SETS[name]
    assert len(rows) >= 50
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert len({r["question"] for r in rows}) == len(rows), "duplicate question"
    for r in rows:
        extra = {"must_include"} if r["category"] == "two_article" else set()
        assert set(r) == KEYS | extra, r["id"]
        assert re.fullmatch(id_pattern, r["id"]), r["id"]
        assert r["split"] == split, r["id"]
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


def test_the_sets_do_not_reuse_questions():
    seen = {}
    for name in ["news_qa.jsonl", *sorted(SETS)]:
        for r in ROWS.get(name) or _rows(name):
            assert r["question"] not in seen, (name, r["id"], seen.get(r["question"]))
            seen[r["question"]] = r["id"]


@per_set
def test_mix_of_categories(name):
    rows = ROWS[name]
    cats = Counter(r["category"] for r in rows)
    assert sum(not r["answerable"] for r in rows) / len(rows) >= 0.40
    assert set(cats) == ANSWERABLE | UNANSWERABLE, cats  # every kind of question is represented


@per_set
def test_at_most_two_questions_per_article(name):
    per = Counter(a for r in ROWS[name] for a in r["article_ids"])
    assert max(per.values()) <= 2, per.most_common(3)


@per_set
def test_no_article_is_shared_with_an_earlier_set(name):
    _, _, earlier = SETS[name]
    mine = {a for r in ROWS[name] for a in r["article_ids"]}
    for other in earlier:
        rows = ROWS[other] if other in ROWS else _rows(other)
        shared = mine & {a for r in rows for a in r["article_ids"]}
        assert not shared, (other, sorted(shared))


@needs_news
@per_set
def test_article_ids_exist_in_the_corpus(name, corpus):
    for r in ROWS[name]:
        for a in r["article_ids"]:
            assert a in corpus, (r["id"], a)


@needs_news
@per_set
def test_gold_answers_and_must_include_are_in_their_articles(name, corpus):
    # answers[0] is the span copied from the article; later answers are variants ("3.5亿", "81.4 billion")
    for r in ROWS[name]:
        if not r["answerable"]:
            continue
        text = normalize("\n".join(corpus[a] for a in r["article_ids"]))
        assert normalize(r["answers"][0]) in text, (r["id"], r["answers"][0])
        for m in r.get("must_include", []):
            assert normalize(m) in text, (r["id"], m)


@needs_news
@per_set
def test_two_article_parts_come_from_different_articles(name, corpus):
    for r in ROWS[name]:
        if r["category"] != "two_article":
            continue
        homes = [{a for a in r["article_ids"] if normalize(m) in normalize(corpus[a])} for m in r["must_include"]]
        assert all(homes), (r["id"], "a part is in none of its articles")
        assert not set.intersection(*homes), (r["id"], "one article answers every part")
        # each part can be given its own article
        assert any(len(set(pick)) == len(pick) for pick in itertools.product(*homes)), r["id"]
