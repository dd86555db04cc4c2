"""HTTP service (FastAPI): answers, search, article writes, and (rag/service_openai.py)
OpenAI-compatible chat and embeddings over one index, for many users at once.

Settings are edge settings read from the environment when a worker builds its app
(`rag serve` sets them; `uvicorn --factory rag.service:create_app` works too):
RAG_SERVE_INDEX (index folder), RAG_SERVE_LLM (local|api|extractive), RAG_SERVE_QUEUE
(requests that may wait for the in-process LLM), RAG_API_KEYS (comma-separated keys for
the write routes). Every worker opens the index itself and follows new generations that
any worker commits (Index.snapshot() reloads), so a POSTed article is searchable in all.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException

from .errors import (BackendError, ConfigError, IndexBusyError, IndexCorruptError, IndexMismatchError,
                     InputError, ModelError, RagError)
from .index import IngestReport, open_index
from .loaders import MAX_ARTICLE_CHARS, article_from_record, parse_date
from .qa import answer_stream, warm_up
from .retriever import check_question, search
from .types import Answer

log = logging.getLogger("rag.service")

# The most specific class wins (looked up along the MRO).
STATUS = {InputError: 400, IndexBusyError: 503, IndexCorruptError: 503, IndexMismatchError: 500,
          ModelError: 503, BackendError: 502, ConfigError: 500, RagError: 500}


class ServiceError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def _error(status: int, message: str, kind: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status, headers=headers)


def _status_of(e: RagError) -> int:
    return next(STATUS[c] for c in type(e).__mro__ if c in STATUS)


@dataclass
class Settings:
    index: str | None = None
    llm: str | None = None          # None: the index config's llm
    queue: int = 8
    api_keys: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_env(cls) -> "Settings":
        try:
            queue = int(os.environ.get("RAG_SERVE_QUEUE") or 8)
        except ValueError:
            raise ConfigError(f"RAG_SERVE_QUEUE must be a number, got {os.environ['RAG_SERVE_QUEUE']!r}") from None
        keys = frozenset(k.strip() for k in (os.environ.get("RAG_API_KEYS") or "").split(",") if k.strip())
        return cls(index=os.environ.get("RAG_SERVE_INDEX") or None, llm=os.environ.get("RAG_SERVE_LLM") or None,
                   queue=max(0, queue), api_keys=keys)


class Gate:
    """Admission to the in-process LLM: one llama.cpp context runs one generation at a time,
    so requests wait their turn, at most `size` of them; beyond that they get a 503 at once
    instead of a timeout minutes later. API and extractive backends need no gate."""

    def __init__(self, size: int):
        self.size, self.pending = size, 0   # pending: admitted and not finished (running or waiting)
        self._sem = asyncio.Semaphore(1)

    @property
    def waiting(self) -> int:
        return max(0, self.pending - (1 if self._sem.locked() else 0))

    def enter(self) -> "_Ticket":
        if self.pending >= self.size + 1:
            raise ServiceError(503, f"the local model is busy ({self.waiting} requests waiting, limit {self.size}); "
                                    f"try again shortly", {"Retry-After": "5"})
        self.pending += 1
        return _Ticket(self)


class _Ticket:
    def __init__(self, gate: Gate):
        self.gate, self.open = gate, True

    async def __aenter__(self):
        try:
            await self.gate._sem.acquire()
        except BaseException:   # cancelled while waiting: the client left
            self._done()
            raise

    async def __aexit__(self, *exc):
        self.gate._sem.release()
        self._done()

    def _done(self):
        if self.open:
            self.open = False
            self.gate.pending -= 1

    def __del__(self):
        self._done()   # a streamed response whose client left before its body started never enters


class _Open:
    """No admission control: concurrent requests run side by side in the threadpool."""

    async def __aenter__(self):
        return None

    async def __aexit__(self, *exc):
        return None


# ------------------------------------------------------------------ request bodies
class Message(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


def _text_of(content) -> str:
    if isinstance(content, list):   # OpenAI content parts: keep the text ones
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return content or ""


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=20000)
    history: list[Message] | list[tuple[str, str]] | None = None
    k: int | None = Field(None, ge=1, le=50)
    date_from: str | None = None
    date_to: str | None = None
    stream: bool = False


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="allow")   # extra fields are kept in the article's meta
    id: str = Field(min_length=1, max_length=200)
    title: str = Field("", max_length=1000)
    body: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    date: str | None = None
    authors: list[str] | str | None = None
    url: str | None = None


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1, max_length=1000)


def _date(value: str | None, name: str) -> str | None:
    try:
        return parse_date(value)
    except ValueError as e:
        raise InputError(f"{name}: {e}") from None


# ------------------------------------------------------------------ the app
class Service:
    """What every route needs: the index, the LLM gate, and the answer generator run off
    the event loop (retrieval, embedding and generation all block)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.gate: Gate | None = None

    def ix(self):
        return open_index(self.settings.index, build_from=None)

    def backend(self) -> str:
        return self.settings.llm or self.ix().config.llm

    def slot(self):
        return self.gate.enter() if self.gate is not None else _Open()

    def run_answer(self, question: str, history, k, date_from, date_to):
        """The answer generator (blocking), its arguments checked now: a bad question gets a
        400, not an error event inside a 200 stream."""
        i = self.ix()
        check_question(question, i.config.max_question_chars)
        return answer_stream(question, history=history, k=k, llm=self.settings.llm, index=i,
                             date_from=_date(date_from, "date_from"), date_to=_date(date_to, "date_to"))

    @staticmethod
    async def final_answer(gen) -> Answer:
        return await run_in_threadpool(lambda: next(item for item in gen if isinstance(item, Answer)))

    @staticmethod
    def sse(gen, ticket, frame, first: str | None = None) -> StreamingResponse:
        """Server-sent events from the blocking answer generator; `frame(item)` formats each item
        (None: skip it; `frame(None)` is the closing frame); errors become a last error frame,
        never a traceback."""
        async def body() -> AsyncIterator[str]:
            if first:
                yield first
            try:
                async with ticket:
                    async for item in iterate_in_threadpool(gen):
                        out = frame(item)
                        if out:
                            yield out
            except RagError as e:
                yield frame(e)
            except Exception as e:  # noqa: BLE001 - reported in the stream, logged here
                log.exception("stream failed")
                yield frame(RuntimeError(f"internal error ({type(e).__name__}); see the server log"))
            finally:
                try:
                    gen.close()
                except ValueError:   # still running in a worker thread (client went away): it ends on its own
                    pass
            done = frame(None)
            if done:
                yield done
        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def error_frame(e: Exception) -> str:
    status = _status_of(e) if isinstance(e, RagError) else 500
    return json.dumps({"error": {"message": str(e), "code": status}}, ensure_ascii=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    svc = Service(settings or Settings.from_env())
    s = svc.settings
    ix = svc.ix

    @asynccontextmanager
    async def lifespan(app):
        svc.gate = Gate(s.queue) if svc.backend() == "local" else None

        def warm():
            try:
                warm_up(ix(), s.llm)
            except Exception as e:  # noqa: BLE001 - the first request reports the same problem as a message
                log.warning("warm-up failed (the first request will say why): %s", e)
        threading.Thread(target=warm, daemon=True, name="warm-up").start()
        yield

    app = FastAPI(title="rag: Chinese news QA with verified citations", version="1", lifespan=lifespan,
                  description="Answers carry `[n]` markers; each citation's quote is verbatim "
                              "`body[start:end]` of its article. Errors are `{\"error\": {\"message\"}}`.")

    @app.middleware("http")
    async def worker_header(request: Request, call_next):
        resp = await call_next(request)
        resp.headers["X-Rag-Worker"] = str(os.getpid())   # which worker answered (tests, debugging)
        return resp

    @app.exception_handler(RagError)
    async def rag_error(request, e: RagError):
        status = _status_of(e)
        return _error(status, str(e), type(e).__name__, {"Retry-After": "2"} if status == 503 else None)

    @app.exception_handler(ServiceError)
    async def service_error(request, e: ServiceError):
        return _error(e.status, e.message, "service_error", e.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request, e: RequestValidationError):
        parts = []
        for err in e.errors():
            loc = list(err.get("loc", ()))
            loc = ".".join(str(x) for x in (loc[1:] if loc[:1] in (["body"], ["query"], ["path"]) else loc))
            parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
        return _error(400, "invalid request: " + "; ".join(parts[:5]), "invalid_request_error")

    @app.exception_handler(HTTPException)
    async def http_error(request, e: HTTPException):
        return _error(e.status_code, str(e.detail), "http_error", getattr(e, "headers", None))

    @app.exception_handler(Exception)
    async def internal(request, e: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, f"internal error ({type(e).__name__}); see the server log", "internal_error")

    def require_key(request: Request) -> None:
        if not s.api_keys:
            raise ServiceError(403, "writes are disabled: the server has no RAG_API_KEYS")
        auth = request.headers.get("authorization") or ""
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-api-key") or ""
        if not key or not any(secrets.compare_digest(key.encode(), k.encode()) for k in s.api_keys):
            raise ServiceError(401, "missing or wrong API key (send `Authorization: Bearer KEY` or `X-API-Key: KEY`)",
                               {"WWW-Authenticate": "Bearer"})

    # ---------------------------------------------------------------- native routes
    @app.get("/healthz", tags=["service"])
    async def healthz():
        def read():
            i = ix()
            i.snapshot()   # picks up a generation another worker committed
            return i.stats()
        st = await run_in_threadpool(read)
        gate = svc.gate
        return {"status": "ok", "generation": st["generation"], "articles": st["articles"], "chunks": st["chunks"],
                "embedder": st.get("embedder"), "dense_kind": st.get("dense_kind"),
                "vector_backend": os.environ.get("RAG_BACKEND") or "faiss", "llm": svc.backend(),
                "queue": {"waiting": gate.waiting, "size": gate.size} if gate else None, "worker": os.getpid()}

    @app.post("/v1/answer", tags=["answers"])
    async def answer_route(req: AnswerRequest):
        """`Answer.to_dict()`; with `"stream": true`, events `delta` (the model's draft; may be
        replaced), then `answer` (the verified Answer: render this one), or `error`."""
        history = [{"role": m.role, "content": _text_of(m.content)} if isinstance(m, Message) else tuple(m)
                   for m in req.history or []]
        gen = svc.run_answer(req.question, history, req.k, req.date_from, req.date_to)
        ticket = svc.slot()
        if not req.stream:
            async with ticket:
                return (await svc.final_answer(gen)).to_dict()

        def frame(item):
            if item is None:
                return None
            if isinstance(item, Answer):
                return f"event: answer\ndata: {json.dumps(item.to_dict(), ensure_ascii=False)}\n\n"
            if isinstance(item, Exception):
                return f"event: error\ndata: {error_frame(item)}\n\n"
            return f"event: delta\ndata: {json.dumps({'text': item}, ensure_ascii=False)}\n\n"
        return svc.sse(gen, ticket, frame)

    @app.get("/v1/search", tags=["answers"])
    async def search_route(q: str = Query(..., min_length=1, max_length=20000), k: int = Query(5, ge=1, le=50),
                           date_from: str | None = None, date_to: str | None = None,
                           article: list[str] | None = Query(None, description="restrict to these article ids")):
        hits = await run_in_threadpool(lambda: search(ix(), q, k, date_from=_date(date_from, "date_from"),
                                                      date_to=_date(date_to, "date_to"), article_ids=article))
        return {"query": q, "hits": [h.to_dict() for h in hits]}

    @app.get("/v1/articles/{article_id}", tags=["articles"])
    async def get_article(article_id: str):
        def read():
            i = ix()
            i.snapshot()
            return i.article(article_id)
        art = await run_in_threadpool(read)
        if art is None:
            raise ServiceError(404, f"no article with id {article_id!r}")
        return art

    @app.post("/v1/articles", tags=["articles"], dependencies=[Depends(require_key)])
    async def add_articles(req: ArticlesIn):
        """Add or update articles (same id: replaced). Needs an API key. One bad article is
        reported in `problems`; the others are still added."""
        report = IngestReport()
        arts = []
        for i, a in enumerate(req.articles):
            rec = {**(a.model_extra or {}), **a.model_dump(exclude_none=True, exclude=set(a.model_extra or {}))}
            try:
                art = article_from_record(rec, a.id, f"articles[{i}]")
            except InputError as e:
                report.problems.append(str(e))
                continue
            art.source = "api"
            arts.append(art)
        if not arts:
            raise InputError("no usable article: " + "; ".join(report.problems[:5]))
        rep = await run_in_threadpool(lambda: ix().add_articles(arts, report=report))
        return rep.to_dict()

    @app.delete("/v1/articles/{article_id}", tags=["articles"], dependencies=[Depends(require_key)])
    async def delete_article(article_id: str):
        rep = await run_in_threadpool(lambda: ix().remove([article_id]))
        if not rep.removed:
            raise ServiceError(404, rep.problems[0] if rep.problems else f"no article with id {article_id!r}")
        return rep.to_dict()

    from .service_openai import add_routes
    add_routes(app, svc)
    return app


def run(host: str = "127.0.0.1", port: int = 8080, workers: int = 1, index: str | None = None,
        llm: str | None = None, queue: int = 8) -> None:
    """Serve with uvicorn. Settings travel to the workers through the environment, which is
    also how a worker built by `uvicorn --factory` gets them."""
    import uvicorn
    for key, val in (("RAG_SERVE_INDEX", index), ("RAG_SERVE_LLM", llm), ("RAG_SERVE_QUEUE", queue)):
        if val is not None:
            os.environ[key] = str(val)
    # A worker loading torch or tracing the query encoder can hold the GIL for seconds on a busy
    # machine; uvicorn's default 5 s health check would kill and restart it mid-request.
    import inspect
    extra = {"timeout_worker_healthcheck": 60} if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters else {}
    uvicorn.run("rag.service:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=os.environ.get("RAG_SERVE_LOG", "warning"), timeout_graceful_shutdown=5, **extra)
