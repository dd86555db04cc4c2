"""Where things live. The only module that reads the environment (RAG_HOME, RAG_MODELS, RAG_BACKEND, RAG_MILVUS_*)."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO_ROOT / "corpus"


def home() -> Path:
    env = os.environ.get("RAG_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("zhnews-rag", appauthor=False))


def default_index_dir() -> Path:
    return home() / "index"


def models_dir() -> Path:
    """RAG_MODELS lets several RAG_HOMEs (test runs, eval indexes) share one assembled model."""
    env = os.environ.get("RAG_MODELS")
    return Path(env).expanduser() if env else home() / "models"


def cache_dir() -> Path:
    return home() / "cache"


def backend() -> str:
    """The storage backend for indexes created by this process ("faiss" unless RAG_BACKEND says)."""
    return os.environ.get("RAG_BACKEND", "").strip().lower() or "faiss"


def milvus_uri() -> str:
    """RAG_MILVUS_URI: a file path (Milvus Lite) or http(s)://host:19530; empty means a Lite
    file inside the index folder."""
    uri = os.environ.get("RAG_MILVUS_URI", "").strip()
    if uri and not uri.lower().startswith(("http://", "https://")):
        uri = str(Path(uri).expanduser().resolve())   # saved with the index: not relative to today's cwd
    return uri


def milvus_token() -> str | None:
    """RAG_MILVUS_TOKEN ("user:password" or an API key). Never saved beside the index."""
    return os.environ.get("RAG_MILVUS_TOKEN") or None
