"""The OpenAI-compatible routes of `rag serve`: /v1/chat/completions, /v1/embeddings and
/v1/models, so chat front ends and the `openai` client talk to the service unchanged.

Chat: the last user message is the question, earlier user/assistant turns the history;
system messages are ignored (the answer prompt is ours). The text keeps its `[n]` markers,
and the response adds the verified quotes as `choices[0].message.citations` and top-level
`citations`, plus `refused`. Sampling fields are accepted and ignored: answers are greedy
and verified. Extra body fields `k`, `date_from`, `date_to` filter retrieval.
"""
from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Literal

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .errors import InputError
from .service import Message, Service, _text_of, error_frame
from .types import Answer

CHAT_MODEL = "rag"
EMBED_BATCH = 32          # texts per embedder call: bounds padding memory for long lists
MAX_EMBED_INPUTS = 2048   # OpenAI's own limit per request


class ChatRequest(BaseModel):
    """OpenAI's chat request (see the module docstring for what is used)."""
    model_config = ConfigDict(extra="allow")
    model: str = CHAT_MODEL
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    k: int | None = Field(None, ge=1, le=50)
    date_from: str | None = None
    date_to: str | None = None


class EmbeddingsRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    input: str | list[str]
    model: str = "e5"
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = None



def _split_role(text: str) -> tuple[str, str]:
    for role in ("query", "passage"):
        if text.startswith(role + ": "):
            return role, text[len(role) + 2:]
    return "query", text


def add_routes(app: FastAPI, svc: Service) -> None:
    @app.get("/v1/models", tags=["openai"])
    async def models():
        now = int(time.time())
        emb = await run_in_threadpool(lambda: svc.ix().embedder.name)
        return {"object": "list", "data": [{"id": CHAT_MODEL, "object": "model", "created": now, "owned_by": "rag"},
                                           {"id": emb, "object": "model", "created": now, "owned_by": "rag"}]}

    @app.post("/v1/chat/completions", tags=["openai"])
    async def chat(req: ChatRequest):
        """The last user message is the question, earlier user/assistant turns the history.
        The text keeps its `[n]` markers; `choices[0].message.citations` and top-level
        `citations` carry the verified quotes, `refused` says whether it declined. Streaming
        sends the verified text only (a draft cannot be taken back from a chat client)."""
        turns = [m for m in req.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user":
            raise InputError("the last message must be the user's question")
        history = [{"role": m.role, "content": _text_of(m.content)} for m in turns[:-1]]
        gen = svc.run_answer(_text_of(turns[-1].content), history, req.k, req.date_from, req.date_to)
        ticket = svc.slot()
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        head = {"id": cid, "created": created, "model": req.model}

        def extra(a: Answer) -> dict:
            return {"citations": [c.to_dict() for c in a.citations], "refused": a.refused}
        if not req.stream:
            async with ticket:
                a = await svc.final_answer(gen)
            msg = {"role": "assistant", "content": a.text, **extra(a)}
            return {**head, "object": "chat.completion", **extra(a),
                    "choices": [{"index": 0, "message": msg, "finish_reason": "stop", "logprobs": None}]}

        def chunk(delta: dict, finish=None, **more) -> str:
            body = {**head, "object": "chat.completion.chunk", **more,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        def frame(item):
            if item is None:
                return "data: [DONE]\n\n"
            if isinstance(item, Answer):
                return (chunk({"content": item.text}) +
                        chunk({"citations": extra(item)["citations"]}, "stop", **extra(item)))
            if isinstance(item, Exception):
                return f"data: {error_frame(item)}\n\n"
            return None   # drafts are not sent

        return svc.sse(gen, ticket, frame, first=chunk({"role": "assistant", "content": ""}))

    @app.post("/v1/embeddings", tags=["openai"])
    async def embeddings(req: EmbeddingsRequest):
        """The index's embedder (multilingual-e5). e5 needs a role: an input starting with
        "query: " or "passage: " is embedded in that role (prefix as e5 was trained), an
        input without one as a query. Clients such as rag's `openai:` embedder add the
        prefixes themselves, as they must for text-embeddings-inference or vLLM."""
        texts = [req.input] if isinstance(req.input, str) else req.input
        if not texts or len(texts) > MAX_EMBED_INPUTS:
            raise InputError(f"input must hold 1 to {MAX_EMBED_INPUTS} strings, got {len(texts)}")
        if any(not t.strip() for t in texts):
            raise InputError("input strings must not be empty")

        def embed() -> np.ndarray:
            emb = svc.ix().embedder
            roles, bare = zip(*(_split_role(t) for t in texts))
            out = np.zeros((len(texts), emb.dim), np.float32)
            for role in ("query", "passage"):
                idx = [i for i, r in enumerate(roles) if r == role]
                for b in range(0, len(idx), EMBED_BATCH):
                    part = idx[b:b + EMBED_BATCH]
                    out[part] = emb.embed_batch([bare[i] for i in part], role)
            return out
        vecs = await run_in_threadpool(embed)
        if req.dimensions is not None and req.dimensions != vecs.shape[1]:
            raise InputError(f"dimensions={req.dimensions} is not offered: this model gives {vecs.shape[1]}")
        if req.encoding_format == "base64":
            data = [base64.b64encode(v.astype("<f4").tobytes()).decode() for v in vecs]
        else:
            data = [v.tolist() for v in vecs]
        return {"object": "list", "model": req.model, "usage": {"prompt_tokens": 0, "total_tokens": 0},
                "data": [{"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(data)]}
