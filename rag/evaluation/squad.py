"""SQuAD-style files (CMRC 2018, DRCD) as open-domain QA: every passage is an article
in one isolated index, every question searches all of them."""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..text import to_simplified
from ..types import Article


@dataclass
class Question:
    id: str
    question: str
    answers: list[str]
    spans: list[tuple[int, int]]      # gold char spans in the passage body
    article_id: str
    answerable: bool = True
    category: str | None = None
    must_include: list[str] | None = None
    history: list | None = None
    article_ids: list[str] | None = None
    as_of: str | None = None          # reference date for 昨天/上周 in the question
    split: str | None = None          # dev (tune) | test (report)


def load_squad(path: Path | str, script: str | None = None) -> tuple[list[Article], list[Question]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"not a SQuAD-style JSON file ({{'data': [...]}}): {e}", path=str(path)) from None
    articles, questions = [], []
    for doc in data:
        for para in doc["paragraphs"]:
            ctx, pid = para["context"], str(para["id"])
            articles.append(Article(id=pid, title=doc.get("title", ""), body=ctx, source=str(path)))
            for qa in para["qas"]:
                texts, spans = [], []
                for a in qa.get("answers", []):
                    t, s = a["text"], int(a.get("answer_start", -1))
                    if ctx[s:s + len(t)] != t:     # a few gold offsets are off: use the text
                        s = ctx.find(t)
                    if s >= 0 and t not in texts:
                        texts.append(t)
                        spans.append((s, s + len(t)))
                if not texts:
                    continue
                q = qa["question"]
                if script == "simplified":
                    q = to_simplified(q)
                questions.append(Question(id=str(qa["id"]), question=q, answers=texts, spans=spans, article_id=pid))
    return articles, questions


def sample(questions: list, limit: int | None, seed: int = 0) -> list:
    if not limit or limit >= len(questions):
        return questions
    rng = random.Random(seed)
    return sorted(rng.sample(questions, limit), key=lambda q: questions.index(q))


def file_key(path: Path) -> str:
    h = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return h[:16]
