"""A follow-up ("那它的交易额呢？") rewritten as a standalone question before retrieval."""
from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from . import prompts
from .text import normalize
from .verify import salient_terms


def rewrite_followup(question: str, history: list[tuple[str, str]], model: BaseChatModel | None) -> str:
    """Turn "那它的交易额呢？" into a standalone question using the conversation."""
    if not history:
        return question
    if model is not None:
        try:
            msgs = [SystemMessage(prompts.REWRITE_SYSTEM), HumanMessage(prompts.rewrite_prompt(history, question))]
            out = str(model.invoke(msgs, max_tokens=64).content).strip().splitlines()
            cand = out[0].strip().strip("“”\"") if out else ""
            if 2 <= len(cand) <= 200 and "无法" not in cand:
                return cand
        except Exception:  # noqa: BLE001 - rewriting is an optimization; fall through
            pass
    # Without a model: carry the previous question's content terms into this one.
    prev = history[-1][0]
    extra = [t for t in salient_terms(prev) if t not in normalize(question)]
    return (" ".join(extra) + " " + question).strip() if extra else question
