"""The chat UI: in-process through gradio_client, and in a real headless Chromium."""
import os
import shutil
from pathlib import Path

import pytest

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture()
def ui(fixture_index):
    from rag.index import _OPEN
    from ui.app import build_app
    _OPEN[str(fixture_index.path)] = fixture_index
    app = build_app(str(fixture_index.path), llm="extractive")
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, show_error=False)
    yield f"http://127.0.0.1:{port}/", fixture_index
    app.close()


def test_gradio_client_gets_a_cited_answer(ui):
    from gradio_client import Client
    url, ix = ui
    c = Client(url, verbose=False)
    ans = c.predict("地铁9号线二期工程全长多少公里？", 5, "extractive", "", "", api_name="/ask")
    assert "12.6公里" in ans["text"] and not ans["refused"]
    cite = ans["citations"][0]
    assert cite["article_id"] == "metro-line-9"
    assert ix.article("metro-line-9")["body"][cite["start"]:cite["end"]] == cite["quote"]
    refused = c.predict("春茶博览会的金奖茶叶是哪一款？", 5, "extractive", "", "", api_name="/ask")
    assert refused["refused"] and "资料中没有找到相关信息" in refused["text"] and refused["contexts"]
    assert "error" in c.predict("   ", 5, "extractive", "", "", api_name="/ask")


def test_upload_then_ask_and_delete_then_ask(ui, tmp_path):
    from gradio_client import Client, handle_file
    url, ix = ui
    c = Client(url, verbose=False)
    p = tmp_path / "港口 新闻<1>.txt"
    p.write_text("港口集装箱吞吐量创新高\n本报讯 6月，港口集装箱吞吐量达到86万标准箱，同比增长12%。", encoding="utf-8")
    status, table = c.predict([handle_file(str(p))], api_name="/upload")
    assert "新增 1 篇" in status, status
    ids = [row[0] for row in table["data"]]
    new_id = [i for i in ids if i.startswith("港口")][0]
    stored = [f.name for f in (Path(os.environ["RAG_HOME"]) / "uploads").iterdir()]
    assert any(n.startswith("港口_新闻") and n.endswith(".txt") and " " not in n and "<" not in n for n in stored), stored
    ans = c.predict("港口集装箱吞吐量达到多少标准箱？", 5, "extractive", "", "", api_name="/ask")
    assert "86万标准箱" in ans["text"]
    status, table = c.predict(new_id, api_name="/delete")
    assert "已删除" in status and new_id not in [row[0] for row in table["data"]]
    ans = c.predict("港口集装箱吞吐量达到多少标准箱？", 5, "extractive", "", "", api_name="/ask")
    assert "86万标准箱" not in ans["text"]


def test_article_markup_is_escaped_in_the_rendered_answer(fixture_index):
    from rag.qa import answer
    from rag.types import Article
    from ui.render import render_answer
    fixture_index.add_articles([Article(id="xss", title="<script>alert(1)</script>公告",
                                        body="停车场公告：<img src=x onerror=alert(2)>停车场周末免费开放。")])
    ans = answer("停车场周末免费开放吗？", llm="extractive", index=fixture_index)
    html = render_answer(ans)
    assert ans.citations and "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "&lt;script&gt;" in html


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium (make browser-deps)")
def test_browser_asks_and_sees_the_quote(ui, tmp_path):
    from playwright.sync_api import sync_playwright
    url, ix = ui
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)  # no networkidle: Gradio's heartbeat keeps the network busy
        box = page.locator("#question textarea")
        box.wait_for(timeout=30000)
        box.fill("樱桃冷库能储存多少吨？<script>alert(1)</script>")
        page.locator("#send").click()
        mark = page.locator("#chat mark").first
        mark.wait_for(timeout=60000)
        assert "50吨" in mark.inner_text()
        chat = page.locator("#chat").inner_text()
        assert "来源" in chat
        assert "<script>alert(1)</script>" in chat, "the question's markup is displayed as text"
        page.screenshot(path=str(shots / "tmp-browser-test.png"), full_page=True)
        browser.close()


def test_history_reaches_the_model_as_plain_text():
    from ui.app import _plain_history
    from ui.render import esc
    hist = [{"role": "user", "content": esc('樱桃"冷库"<b>')},
            {"role": "assistant", "content": '<div class="rag-answer">50吨[1]</div>\n<details open><summary>来源（1）</summary>…</details>'}]
    assert _plain_history(hist) == [{"role": "user", "content": '樱桃"冷库"<b>'}, {"role": "assistant", "content": "50吨[1]"}]
