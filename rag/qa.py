"""answer(): the public entry point. Drives the named stages of rag/stages.py.

The model proposes; the code disposes. A model's answer is kept only when its quote is
verbatim in a retrieved chunk and the answerability decision (rag/answerability) accepts
it; otherwise the best verified extractive sentence is served if it passes, or the
assistant refuses and says why. `Answer.decision` records which stage decided and why.
"""
from __future__ import annotations

import time
from datetime import date
from typing import Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from . import prompts, stages
from .config import Config
from .errors import ModelError
from .index import Index, open_index
from .llm import get_chat_model
from .multipart import combine, split_question
from .retriever import check_question
from .types import Answer

History = list[tuple[str, str]] | list[dict] | None


def _history_pairs(history: History) -> list[tuple[str, str]]:
    """Accept [(q, a), ...] or OpenAI/Gradio-style [{"role", "content"}, ...]."""
    if not history:
        return []
    if isinstance(history[0], dict):
        pairs, q = [], None
        for m in history:
            content = m.get("content")
            content = content if isinstance(content, str) else str(content or "")
            if m.get("role") == "user":
                if q is not None:
                    pairs.append((q, ""))
                q = content
            elif m.get("role") == "assistant" and q is not None:
                pairs.append((q, content))
                q = None
        if q is not None:
            pairs.append((q, ""))
        return pairs
    return [(str(q), str(a or "")) for q, a in history]


def _resolve_model(llm, cfg: Config, notes: list[str]) -> tuple[BaseChatModel | None, str]:
    if isinstance(llm, BaseChatModel):
        return llm, getattr(llm, "model_name", None) or type(llm).__name__
    kind = llm or cfg.llm
    try:
        model = get_chat_model(kind, cfg)
    except ModelError as e:
        if not cfg.fallback_extractive:
            raise
        notes.append(f"local model unavailable ({e}); answered extractively")
        return None, "extractive"
    if model is None:
        return None, "extractive"
    name = getattr(model, "model_name", None) or kind
    return model, f"{kind}:{name}"


def warm_up(index: Index | None = None, llm: str | BaseChatModel | None = None) -> None:
    """Do before the first question what it would otherwise wait for: load the embedder
    and trace its one-question path, load the local model and evaluate the system prompt.
    Servers call it in the background at start; failures surface on the first question."""
    ix = index or open_index()
    ix.embedder.embed_batch(["新闻"], "query")
    model, _ = _resolve_model(llm, ix.config, [])
    warm = getattr(model, "warm", None)
    if warm is not None:
        warm(prompts.SYSTEM)


def answer_stream(question: str, *, history: History = None, k: int | None = None, llm=None,
                  index: Index | None = None, date_from: str | None = None, date_to: str | None = None,
                  article_ids: list[str] | None = None, as_of: date | None = None) -> Iterator[str | Answer]:
    """Yields text deltas while the answer is generated, then the final `Answer`.

    The deltas are the model's draft; the final Answer is what survived verification
    and may differ (a fallback or a refusal). Consumers should render the final one.
    """
    t0 = time.perf_counter()
    ix = index or open_index()
    cfg = ix.config
    question = check_question(question, cfg.max_question_chars)
    notes: list[str] = []
    model, model_name = _resolve_model(llm, cfg, notes)
    halves = split_question(question) if not history else None
    if halves:
        # "A和B分别…": each half asked alone, one Answer covering both (or naming the missing half)
        parts = [(label, answer(q, k=k, llm=model if model is not None else "extractive", index=ix,
                                date_from=date_from, date_to=date_to, article_ids=article_ids, as_of=as_of))
                 for label, q in halves]
        final = combine(question, parts)
        final.notes[:0] = notes
        yield final
        return
    filters = {key: v for key, v in (("date_from", date_from), ("date_to", date_to), ("article_ids", article_ids)) if v}
    run = stages.Run(question=question, index=ix, cfg=cfg, model=model, model_name=model_name,
                     history=_history_pairs(history), k=k or cfg.k, filters=filters, notes=notes, t0=t0,
                     as_of=as_of or date.today())
    stages.rewrite(run)
    decision = stages.retrieve(run)
    if decision is None:
        stages.rerank(run)
        decision = stages.select_context(run)
    if decision is None and model is not None:
        yield from stages.generate(run)
    if decision is None:
        decision = stages.verify(run) or stages.decide(run)
    yield stages.assemble(run, decision)


def answer(question: str, *, history: History = None, k: int | None = None, llm=None,
           index: Index | None = None, date_from: str | None = None, date_to: str | None = None,
           article_ids: list[str] | None = None, as_of: date | None = None) -> Answer:
    """Answer a question from the indexed articles, with verified citations or a refusal."""
    final = None
    for item in answer_stream(question, history=history, k=k, llm=llm, index=index,
                              date_from=date_from, date_to=date_to, article_ids=article_ids, as_of=as_of):
        if isinstance(item, Answer):
            final = item
    assert final is not None
    return final
