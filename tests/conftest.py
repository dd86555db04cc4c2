import os
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "news"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def rag_home(tmp_path_factory):
    """Every test run gets its own RAG_HOME (index, model copy, caches) unless CI gives one."""
    outer = os.environ.get("RAG_HOME")
    if outer and not os.environ.get("RAG_MODELS"):
        os.environ["RAG_MODELS"] = str(Path(outer) / "models")  # reuse the model `make model` assembled
    home = os.environ.get("RAG_TEST_HOME") or str(tmp_path_factory.mktemp("rag_home"))
    os.environ["RAG_HOME"] = home
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return Path(home)


@pytest.fixture(scope="session")
def fixture_index_dir(tmp_path_factory, rag_home):
    """An index of the five fixture articles, built once with the real default embedder."""
    from rag.index import Index
    d = tmp_path_factory.mktemp("fixture_index")
    rep = Index(d).ingest([FIXTURES])
    assert len(rep.added) == 5, rep.to_dict()
    return d


@pytest.fixture()
def fixture_index(fixture_index_dir, tmp_path):
    """A private, writable copy of the fixture index."""
    from rag.index import Index
    d = tmp_path / "ix"
    shutil.copytree(fixture_index_dir, d)
    return Index(d)


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory, rag_home):
    from rag.index import Index
    d = tmp_path_factory.mktemp("corpus_index")
    rep = Index(d).ingest([ROOT / "corpus"])
    assert len(rep.added) == 7, rep.to_dict()
    return d


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
