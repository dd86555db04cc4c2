"""The OpenAI-compatible backend, against a real llama.cpp server and a misbehaving stub."""
import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import free_port

from rag.errors import BackendError
from rag.qa import answer, answer_stream
from rag.types import Answer


@pytest.fixture(scope="module")
def llama_server(rag_home, tmp_path_factory):
    from rag.models import bundled_gguf
    port = free_port()
    # the server logs verbosely while loading: a file, not an unread pipe that would fill and block it
    log = open(tmp_path_factory.mktemp("llama_server") / "server.log", "w+b")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
                             "--chat_format", "chatml", "--model_alias", "local"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"llama_cpp.server exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(base + "/models", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("llama_cpp.server did not start in 120 s")
    yield base
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def _api(ix, base, **kw):
    ix.config = ix.config.replace(llm="api", api_base=base, api_model="local", **kw)
    return ix


@pytest.mark.slow
def test_api_answer_with_verified_citation(fixture_index, llama_server):
    ix = _api(fixture_index, llama_server)
    ans = answer("地铁开通后，从城东到火车站的通勤时间缩短到多少分钟？", index=ix)
    assert not ans.refused, ans.notes
    assert "28" in ans.text
    assert ans.model.startswith("api:")
    c = ans.citations[0]
    assert ix.article(c.article_id)["body"][c.start:c.end] == c.quote


@pytest.mark.slow
def test_api_streaming_yields_deltas(fixture_index, llama_server):
    ix = _api(fixture_index, llama_server)
    items = list(answer_stream("市图书馆夜间开放首周有多少人次入馆？", index=ix))
    assert isinstance(items[-1], Answer)
    assert sum(isinstance(x, str) for x in items) >= 1
    assert "4600" in items[-1].text


@pytest.mark.slow
def test_max_tokens_limit_holds_on_llama_cpp_server(llama_server):
    from rag.config import Config
    from rag.llm import api_model
    m = api_model(Config(api_base=llama_server, api_model="local", max_new_tokens=16))
    out = m.invoke("请写一篇至少五百字的文章，介绍中国的长江。")
    usage = out.response_metadata.get("token_usage") or {}
    assert usage.get("completion_tokens", 99) <= 16, usage
    streamed = "".join(c.content for c in m.stream("请写一篇至少五百字的文章，介绍中国的黄河。"))
    assert 0 < len(streamed) < 80  # 16 tokens of Chinese text; without the limit it runs to hundreds


class _Stub(BaseHTTPRequestHandler):
    mode = "ok"

    def log_message(self, *a):
        pass

    def do_POST(self):
        mode = type(self).mode
        if mode == "slow":
            time.sleep(3)
        if mode in ("401", "429", "500"):
            self.send_response(int(mode))
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"error": {"message": mode, "type": "x"}}).encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{this is not json")


@pytest.fixture()
def stub():
    handler = type("Handler", (_Stub,), {})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()


@pytest.mark.parametrize("mode,words", [("401", "rejected the key"), ("429", "rate-limiting"),
                                         ("malformed", "could not use"), ("slow", "did not answer in time"),
                                         ("refused", "cannot connect")])
def test_api_faults_are_clear_messages(fixture_index, stub, mode, words):
    handler, base = stub
    handler.mode = mode
    if mode == "refused":
        base = f"http://127.0.0.1:{free_port()}/v1"
    ix = _api(fixture_index, base, api_timeout=1.0, fallback_extractive=False)
    with pytest.raises(BackendError, match=words):
        answer("地铁9号线二期工程全长多少公里？", index=ix)
    # with the fallback configured, the reader still gets a verified extractive answer
    ix.config = ix.config.replace(fallback_extractive=True)
    ans = answer("地铁9号线二期工程全长多少公里？", index=ix)
    assert "12.6公里" in ans.text and any(words in n for n in ans.notes)
