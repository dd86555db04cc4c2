"""The typed records that flow between ingest, retrieval, answering, UI, CLI and evals."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Article:
    id: str
    title: str
    body: str
    date: str | None = None           # ISO 8601, possibly reduced precision ("2025-07")
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    source: str | None = None          # path it was ingested from
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.title, "\x00", self.body, "\x00", self.date or ""):
            h.update(part.encode("utf-8"))
        return h.hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Chunk:
    article_id: str
    n: int                # position within the article
    start: int            # char offsets into Article.body: body[start:end] == text
    end: int
    text: str

    @property
    def chunk_id(self) -> str:
        return f"{self.article_id}#{self.n}"


@dataclass
class Hit:
    """A retrieved chunk with its provenance and the ranks that produced it."""
    chunk_id: str
    article_id: str
    title: str
    date: str | None
    start: int
    end: int
    text: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    dense_score: float | None = None   # cosine similarity of query and chunk
    bm25_score: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    n: int
    article_id: str
    title: str
    date: str | None
    quote: str            # verbatim from the article body
    chunk_id: str
    start: int            # body[start:end] == quote
    end: int
    score: float
    also_reported_by: int = 0          # reprints (转载) of this article the index grouped under it
    earliest: dict | None = None       # {"id", "date"} of the group's first-dated report, when not this one

    def to_dict(self) -> dict:
        return asdict(self)


REFUSAL_TEXT = "资料中没有找到相关信息，无法回答这个问题。"


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    contexts: list[Hit] = field(default_factory=list)
    model: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None   # the rewritten follow-up, when there was history
    notes: list[str] = field(default_factory=list)  # why a fallback/refusal happened
    decision: dict | None = None   # which stage settled the answer, and why (stages.Decision.to_dict())

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "contexts": [h.to_dict() for h in self.contexts],
            "model": self.model,
            "timings": dict(self.timings),
            "standalone_question": self.standalone_question,
            "notes": list(self.notes),
            "decision": self.decision,
        }
