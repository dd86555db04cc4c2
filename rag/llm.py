"""LLM backends, all langchain-core chat models so they drop into any LCEL chain:

- local: the bundled Qwen2.5-Coder-1.5B GGUF (or RAG_LLM_GGUF) through llama-cpp-python
- api:   any OpenAI-compatible endpoint through langchain-openai
- extractive: no model at all (None here; see extractive.py)
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any, ClassVar, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from .config import Config
from .threads import budget
from .errors import BackendError, ConfigError, ModelError

STOP = ["<|im_end|>", "<|endoftext|>"]
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _to_dicts(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LocalChatModel(BaseChatModel):
    """llama.cpp in-process. One context serves one generation at a time (a lock), the
    KV cache of the shared prompt prefix is reused between calls, and generation stops
    at `max_tokens` or `max_seconds`, whichever comes first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_ctx: int = 4096
    n_threads: int = Field(default_factory=budget)
    max_tokens: int = 200
    max_seconds: float = 60.0
    temperature: float = 0.0
    _llm: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)
    _prefixes: Any = PrivateAttr(default_factory=dict)   # system text -> (its tokens, their KV cells)
    last_stats: dict = {}   # ttft_ms, tokens, tokens_per_s, prefix_restored of the latest generation
    MAX_PREFIXES: ClassVar[int] = 4

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def model_name(self) -> str:
        return os.path.basename(self.model_path)

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
                self._llm = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                  n_threads_batch=self.n_threads, n_batch=512, chat_format="chatml",
                                  verbose=False)
            except Exception as e:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError on bad files
                raise ModelError(f"cannot load {self.model_path} with llama.cpp: {e}") from e
        return self._llm

    def warm(self, system: str) -> None:
        """Load the weights and put `system` in the KV cache, so the first question pays
        only for its own tokens (the system prompt alone is ~150 tokens, 1.2-2 s here)."""
        llm = self._load()
        with self._lock:
            llm.create_chat_completion(messages=[{"role": "system", "content": system}, {"role": "user", "content": ""}],
                                       temperature=0.0, max_tokens=1)
            self._keep_prefix(llm, system)

    def _system_tokens(self, llm, system: str) -> list[int]:
        return llm.tokenize(f"<|im_start|>system\n{system}<|im_end|>\n".encode(), add_bos=False, special=True)

    def _keep_prefix(self, llm, system: str) -> None:
        """Snapshot the KV cells of the cached system prompt. llama.cpp keeps one cache, so a
        call with another system prompt (rewriting a follow-up) evicts it; restoring the
        snapshot (a few MB) costs milliseconds where evaluating it again costs over a second."""
        import ctypes
        import llama_cpp
        toks = self._system_tokens(llm, system)
        if llm.n_tokens < len(toks) or list(llm.input_ids[:len(toks)]) != toks:
            return
        # (llama-cpp-python 0.3.36 has no public call for this; the version is pinned)
        llm._ctx.kv_cache_seq_rm(0, len(toks), -1)   # the rest is the old question
        llm.n_tokens = len(toks)
        size = llama_cpp.llama_state_seq_get_size(llm.ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(llm.ctx, buf, size, 0)
        if n:
            if len(self._prefixes) >= self.MAX_PREFIXES:   # the answer's and the rewrite's, normally
                self._prefixes.pop(next(iter(self._prefixes)))
            self._prefixes[system] = (toks, bytes(buf)[:n])

    def _restore_prefix(self, llm, system: str) -> bool:
        import ctypes
        import llama_cpp
        if system not in self._prefixes:
            return False
        toks, state = self._prefixes[system]
        if llm.n_tokens >= len(toks) and list(llm.input_ids[:len(toks)]) == toks:
            return False   # still cached
        llm._ctx.kv_cache_seq_rm(0, 0, -1)
        buf = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if not llama_cpp.llama_state_seq_set_data(llm.ctx, buf, len(state), 0):
            llm.reset()
            del self._prefixes[system]
            return False
        llm.input_ids[:len(toks)] = toks
        llm.n_tokens = len(toks)
        return True

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        llm = self._load()
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        deadline = time.monotonic() + self.max_seconds
        dicts = _to_dicts(messages)
        system = dicts[0]["content"] if dicts and dicts[0]["role"] == "system" else None
        with self._lock:
            t0 = time.perf_counter()
            restored = False
            if system is not None:
                if system not in self._prefixes:
                    self._keep_prefix(llm, system)   # cached by an earlier call with this prompt
                restored = self._restore_prefix(llm, system)
            first, n_chunks = None, 0
            it = llm.create_chat_completion(messages=dicts, temperature=self.temperature,
                                            max_tokens=max_tokens, stop=STOP + (stop or []), stream=True)
            finish = None
            try:
                for part in it:
                    choice = part["choices"][0]
                    delta = choice.get("delta", {}).get("content")
                    finish = choice.get("finish_reason") or finish
                    if delta:
                        n_chunks += 1
                        first = first or time.perf_counter()
                        chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                        if run_manager:
                            run_manager.on_llm_new_token(delta, chunk=chunk)
                        yield chunk
                    if time.monotonic() > deadline:
                        finish = "time_limit"
                        break
            finally:
                it.close()
            end = time.perf_counter()
            # llama.cpp streams one token per chunk
            self.last_stats = {"ttft_ms": ((first or end) - t0) * 1000, "tokens": n_chunks, "prefix_restored": restored,
                               "tokens_per_s": (n_chunks - 1) / (end - first) if first and n_chunks > 1 and end > first else 0.0}
            # callers must know when an answer was cut off by a limit
            yield ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata={"finish_reason": finish}))

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(c.message.content for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


_LOCAL: dict[tuple, LocalChatModel] = {}
_LOCAL_LOCK = threading.Lock()


def local_model(config: Config) -> LocalChatModel:
    from .models import local_gguf
    path = str(local_gguf())
    key = (path, config.n_ctx)
    with _LOCAL_LOCK:
        if key not in _LOCAL:
            _LOCAL[key] = LocalChatModel(model_path=path, n_ctx=config.n_ctx)
        m = _LOCAL[key]
    m.max_tokens, m.max_seconds = config.max_new_tokens, config.max_generation_s
    return m


def api_model(config: Config) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    key = os.environ.get("RAG_API_KEY") or os.environ.get("OPENAI_API_KEY") or "not-needed"
    base = os.environ.get("RAG_API_BASE") or config.api_base
    model = os.environ.get("RAG_API_MODEL") or config.api_model
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"API base URL must start with http:// or https://, got {base!r}")
    # langchain-openai sends max_tokens as max_completion_tokens, which llama.cpp's server
    # (and other older OpenAI-compatible servers) ignore: send both so the limit holds.
    return ChatOpenAI(base_url=base, model=model, api_key=key, temperature=0, max_tokens=config.max_new_tokens,
                      timeout=config.api_timeout, max_retries=1,
                      extra_body={"max_tokens": config.max_new_tokens})


def get_chat_model(kind: str, config: Config) -> BaseChatModel | None:
    if kind == "local":
        return local_model(config)
    if kind == "api":
        return api_model(config)
    if kind == "extractive":
        return None
    raise ConfigError(f"unknown LLM backend {kind!r}: use local, api or extractive")


def describe_api_error(e: Exception, base: str) -> BackendError:
    """Turn openai/httpx exceptions into one clear sentence."""
    name = type(e).__name__
    import openai
    if isinstance(e, openai.APITimeoutError):
        msg = f"the API at {base} did not answer in time"
    elif isinstance(e, openai.APIConnectionError):
        msg = f"cannot connect to the API at {base} (is the server running?)"
    elif isinstance(e, openai.AuthenticationError):
        msg = f"the API at {base} rejected the key (401): set RAG_API_KEY"
    elif isinstance(e, openai.RateLimitError):
        msg = f"the API at {base} is rate-limiting requests (429): try again later"
    elif isinstance(e, openai.APIStatusError):
        msg = f"the API at {base} returned HTTP {e.status_code}"
    else:
        msg = f"the API at {base} sent a response we could not use ({name}: {e})"
    return BackendError(msg)
