"""The UI under several sessions at once, with login, and with an oversized upload."""
import threading

import pytest

from ..conftest import free_port


@pytest.fixture()
def launched(fixture_index, monkeypatch):
    from rag.index import _OPEN
    from ui.app import build_app
    _OPEN[str(fixture_index.path)] = fixture_index

    def start(auth=None):
        app = build_app(str(fixture_index.path), llm="extractive")
        port = free_port()
        app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, auth=auth)
        started.append(app)
        return f"http://127.0.0.1:{port}/"
    started = []
    yield start
    for app in started:
        app.close()


def test_parallel_sessions_get_their_own_answers(launched):
    from gradio_client import Client
    url = launched()
    questions = {"地铁9号线二期工程全长多少公里？": "12.6公里", "樱桃冷库能储存多少吨？": "50吨",
                 "图书馆新增自助借还机多少台？": "12台", "抢险队员有多少人？": "320人"}
    results, errors = {}, []

    def ask(q):
        try:
            results[q] = Client(url, verbose=False).predict(q, 5, "extractive", "", "", api_name="/ask")["text"]
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=ask, args=(q,)) for q in questions for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    for q, want in questions.items():
        assert want in results[q], (q, results[q])


def test_login_from_the_environment_is_enforced(launched, monkeypatch):
    from gradio_client import Client
    url = launched(auth=("editor", "s3cret"))
    with pytest.raises(Exception):
        Client(url, verbose=False).predict("樱桃冷库能储存多少吨？", 5, "extractive", "", "", api_name="/ask")
    ok = Client(url, auth=("editor", "s3cret"), verbose=False)
    assert "50吨" in ok.predict("樱桃冷库能储存多少吨？", 5, "extractive", "", "", api_name="/ask")["text"]


def test_launch_reads_login_from_env(monkeypatch):
    import ui.app as app_mod
    seen = {}

    class Fake:
        def launch(self, **kw):
            seen.update(kw)
    monkeypatch.setenv("RAG_UI_AUTH", "editor:s3cret")
    monkeypatch.setattr(app_mod, "open_index", lambda *a, **k: type("I", (), {"stats": lambda s: {"articles": 0, "chunks": 0}, "path": "x"})())
    monkeypatch.setattr(app_mod, "build_app", lambda *a, **k: Fake())
    app_mod.launch()
    assert seen["auth"] == ("editor", "s3cret") and seen["server_name"] == "127.0.0.1" and seen["share"] is False
    assert seen["max_file_size"] == f"{app_mod.MAX_UPLOAD_MB}mb"


def test_oversized_upload_is_refused_and_nothing_is_ingested(launched, tmp_path, monkeypatch):
    from gradio_client import Client, handle_file
    import ui.app as app_mod
    monkeypatch.setattr(app_mod, "MAX_UPLOAD_MB", 1)
    url = launched()
    big = tmp_path / "big.txt"
    big.write_text("大文件\n" + "很长的正文。" * 200_000, encoding="utf-8")
    status, table = Client(url, verbose=False).predict([handle_file(str(big))], api_name="/upload")
    assert "超过 1 MB 上限" in status
    assert "big" not in [row[0] for row in table["data"]]
