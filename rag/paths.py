"""Where things live. The only module that reads RAG_HOME."""
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
