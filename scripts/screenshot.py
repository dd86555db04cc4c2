"""docs/screenshots/chat.png: the chat UI answering a corpus question with the local model,
captured in Debian's headless Chromium.

    .venv/bin/python scripts/screenshot.py "改革后，二手车出口退税流程需要几天？"
"""
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from rag.index import open_index  # noqa: E402
from ui.app import build_app  # noqa: E402
from ui.render import CSS  # noqa: E402

question = sys.argv[1] if len(sys.argv) > 1 else "改革后，二手车出口退税流程需要几天？"
out = ROOT / "docs" / "screenshots" / (sys.argv[2] if len(sys.argv) > 2 else "chat.png")
open_index()
app = build_app(None, llm="local")
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS)
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])
    page = b.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(f"http://127.0.0.1:{port}/")
    box = page.locator("#question textarea")
    box.wait_for(timeout=30000)
    box.fill(question)
    page.locator("#send").click()
    page.locator("#chat .rag-answer:not(:has-text('▍')), #chat .rag-refusal").last.wait_for(timeout=180000)
    page.wait_for_timeout(500)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    b.close()
app.close()
print(out)
