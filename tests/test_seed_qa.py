"""The hand-written eval set is well-formed and its gold answers really are in the corpus."""
import json
from pathlib import Path

from rag.loaders import load_file
from rag.text import normalize

ROOT = Path(__file__).resolve().parents[1]
ROWS = [json.loads(l) for l in (ROOT / "evals" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
BODIES = {a.id: a.body for a in (load_file(p).articles[0] for p in (ROOT / "corpus").glob("*.md"))}


def test_size_mix_and_format():
    assert len(ROWS) >= 80
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert sum(not r["answerable"] for r in ROWS) / len(ROWS) >= 0.20
    cats = {r["category"] for r in ROWS}
    assert {"paraphrase", "multi_article", "followup", "traditional", "english", "unanswerable"} <= cats
    for r in ROWS:
        assert set(r) <= {"id", "question", "answers", "answerable", "article_ids", "must_include", "history", "category"}
        assert r["question"].strip() and isinstance(r["answerable"], bool)
        assert bool(r["answers"]) == r["answerable"]


def test_gold_answers_and_must_include_are_in_their_articles():
    for r in ROWS:
        if not r["answerable"]:
            continue
        text = normalize("".join(BODIES[a] for a in r["article_ids"]))
        assert any(normalize(a) in text for a in r["answers"]), r["id"]
        for m in r.get("must_include", []):
            assert normalize(m) in text, (r["id"], m)
