"""Gradio chat UI. It translates between widgets and the library; all logic is in rag/."""
from __future__ import annotations

import html
import logging
import os
import re
import shutil
import threading
from pathlib import Path

import gradio as gr

from rag import paths
from rag.errors import RagError
from rag.index import Index, open_index
from rag.qa import answer_stream, warm_up
from rag.types import Answer

from .render import CSS, esc, render_answer, render_draft

log = logging.getLogger("rag.ui")
MAX_UPLOAD_MB = 20
UPLOAD_TYPES = [".md", ".txt", ".json", ".jsonl", ".html", ".htm", ".docx", ".pdf"]
CORPUS_EXAMPLES = ["改革后，二手车出口退税流程需要几天？", "枣庄已集聚多少家锂电新能源企业？",
                   "青少年足球邀请赛共有多少支队伍参赛？", "这届青少年足球邀请赛的冠军是哪支队伍？"]


def _text_of(content) -> str:
    """Gradio 6 messages may carry a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return str(content or "")


_TAGS = re.compile(r"<[^>]+>")


def _plain_history(history) -> list[dict]:
    """The chat shows escaped questions and HTML answers; the model sees plain text."""
    out = []
    for m in history or []:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "role", None)
        text = _text_of(m.get("content") if isinstance(m, dict) else getattr(m, "content", ""))
        if role == "assistant":   # drop the sources panel, keep the answer line
            text = re.sub(r"来源（\d+）.*", "", _TAGS.sub(" ", text), flags=re.S).strip()
        out.append({"role": role, "content": html.unescape(text)})
    return out


def _safe_name(name: str) -> str:
    base = Path(name).name
    stem = re.sub(r"[^\w\-.]+", "_", Path(base).stem, flags=re.UNICODE).strip("._") or "upload"
    return stem[:80] + Path(base).suffix.lower()


def build_app(index_path: str | None = None, llm: str | None = None, show_notes: bool = False) -> gr.Blocks:
    def ix() -> Index:
        return open_index(index_path)

    def respond(message, history, k, backend, date_from, date_to):
        """`history` is already plain (see _plain_history)."""
        try:
            final = None
            draft = ""
            for item in answer_stream(_text_of(message), history=history, k=int(k),
                                      llm=backend or llm, index=ix(),
                                      date_from=(date_from or "").strip() or None,
                                      date_to=(date_to or "").strip() or None):
                if isinstance(item, Answer):
                    final = item
                else:
                    draft += item
                    yield render_draft(draft)
            yield render_answer(final, show_notes=show_notes)
        except RagError as e:
            yield f'<div class="rag-refusal">⚠ {esc(str(e))}</div>'
        except Exception as e:  # noqa: BLE001 - never show a traceback to the reader
            log.exception("answer failed")
            yield f'<div class="rag-refusal">⚠ 内部错误：{esc(type(e).__name__)}，请查看服务日志。</div>'

    def article_rows():
        try:
            return [[a["id"], a["title"], a["date"] or "", a["chunks"]] for a in ix().articles()]
        except RagError as e:
            gr.Warning(str(e))
            return []

    def upload(files, progress=gr.Progress()):
        if not files:
            return "请先选择文件。", article_rows()
        dest = paths.home() / "uploads"
        dest.mkdir(parents=True, exist_ok=True)
        saved, msgs = [], []
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            if src.stat().st_size > MAX_UPLOAD_MB * 2**20:
                msgs.append(f"{esc(src.name)}：超过 {MAX_UPLOAD_MB} MB 上限，未导入")
                continue
            target = dest / _safe_name(src.name)
            shutil.copyfile(src, target)
            saved.append(target)

        def prog(stage, done, total):
            progress(done / max(total, 1), desc="读取文件" if stage == "read" else "计算向量")
        try:
            rep = ix().ingest(saved, progress=prog) if saved else None
        except RagError as e:
            return f"⚠ {esc(str(e))}", article_rows()
        if rep:
            msgs.insert(0, f"新增 {len(rep.added)} 篇，更新 {len(rep.updated)} 篇，未变 {len(rep.unchanged)} 篇，"
                           f"重复 {len(rep.duplicates)} 篇，新增片段 {rep.chunks_added} 个")
            msgs += [f"重复：{esc(a)} 与 {esc(b)} 相似度 {s:.2f}" for a, b, s in rep.duplicates]
            msgs += [f"问题：{esc(p)}" for p in rep.problems]
        return "<br>".join(msgs), article_rows()

    def delete(article_id):
        article_id = (article_id or "").strip()
        if not article_id:
            return "请输入要删除的文章 ID。", article_rows()
        try:
            rep = ix().remove([article_id])
        except RagError as e:
            return f"⚠ {esc(str(e))}", article_rows()
        msg = f"已删除 {esc(article_id)}" if rep.removed else f"⚠ {esc(rep.problems[0])}"
        return msg, article_rows()

    def user_turn(message, history):
        # The reader's own text is shown escaped: markup in a question is displayed, not run.
        message = _text_of(message)
        if not message.strip():
            return gr.update(), history, ""
        return "", (history or []) + [{"role": "user", "content": esc(message)}], message

    def bot_turn(history, message, k, backend, date_from, date_to):
        if not message:
            yield history
            return
        past = _plain_history(history[:-1])
        for rendered in respond(message, past, k, backend, date_from, date_to):
            yield history + [{"role": "assistant", "content": rendered}]

    def ask_api(message: str, k: int = 5, backend: str = "", date_from: str = "", date_to: str = "") -> dict:
        """Programmatic endpoint (/ask): the full Answer as JSON, or {"error": ...}."""
        try:
            final = None
            for item in answer_stream(_text_of(message), k=int(k), llm=backend or llm, index=ix(),
                                      date_from=(date_from or "").strip() or None,
                                      date_to=(date_to or "").strip() or None):
                if isinstance(item, Answer):
                    final = item
            return final.to_dict()
        except RagError as e:
            return {"error": str(e)}

    examples = CORPUS_EXAMPLES if index_path is None else [f"《{row[1]}》讲了什么？" for row in article_rows()[:3]]
    with gr.Blocks(title="新闻问答") as demo:
        gr.Markdown("## 新闻问答 · 每个回答都附上可核对的原文引用")
        with gr.Tab("问答"):
            chatbot = gr.Chatbot(height=560, label="对话", sanitize_html=True, elem_id="chat",
                                 placeholder="提问关于已收录新闻的问题，回答会附上原文出处。")
            with gr.Row():
                box = gr.Textbox(placeholder="输入问题，按回车发送", show_label=False, scale=8, elem_id="question",
                                 max_length=2000)
                send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                clear = gr.Button("清空", scale=1)
            with gr.Accordion("设置", open=False):
                k = gr.Slider(1, 10, value=5, step=1, label="引用资料数 k")
                backend = gr.Radio(["local", "api", "extractive"], value=llm or "local", label="回答方式")
                with gr.Row():
                    date_from = gr.Textbox(label="起始日期", placeholder="2025-07-01")
                    date_to = gr.Textbox(label="截止日期", placeholder="2025-07-31")
            gr.Examples(examples, inputs=box, label="示例问题")
            pending = gr.State("")
            settings = [k, backend, date_from, date_to]
            for trigger in (box.submit, send.click):
                trigger(user_turn, [box, chatbot], [box, chatbot, pending], queue=False, api_name=False).then(
                    bot_turn, [chatbot, pending, *settings], chatbot, api_name=False, concurrency_limit=1,
                    concurrency_id="llm")
            clear.click(lambda: ([], ""), None, [chatbot, pending], queue=False, api_name=False)
            # one llama.cpp context: generations from the chat and the API share one queue slot
            gr.api(ask_api, api_name="ask", concurrency_limit=1, concurrency_id="llm")
        with gr.Tab("知识库"):
            files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="上传文章")
            up_btn = gr.Button("导入", variant="primary", elem_id="import")
            status = gr.HTML(elem_id="kb-status")
            table = gr.Dataframe(headers=["ID", "标题", "日期", "片段数"], value=article_rows, interactive=False,
                                 elem_id="articles")
            with gr.Row():
                del_id = gr.Textbox(label="文章 ID", elem_id="delete-id")
                del_btn = gr.Button("删除", variant="stop", elem_id="delete")
            # embedding (torch) and generation (llama.cpp) each want both cores: one slot
            up_btn.click(upload, inputs=files, outputs=[status, table], api_name="upload", concurrency_limit=1,
                         concurrency_id="llm")
            del_btn.click(delete, inputs=del_id, outputs=[status, table], api_name="delete", concurrency_limit=1,
                          concurrency_id="llm")
    demo.queue(default_concurrency_limit=1)
    return demo


def _log_progress(stage: str, done: int, total: int) -> None:
    if done == total or done % 64 == 0:
        print(f"building the index: {stage} {done}/{total}", flush=True)


def _warm(ix: Index, llm: str | None) -> None:
    try:
        warm_up(ix, llm)
    except Exception as e:  # noqa: BLE001 - the first question reports the same problem as a message
        log.warning("warm-up failed (the first question will show why): %s", e)


def launch(host: str = "127.0.0.1", port: int = 7860, index_path: str | None = None, llm: str | None = None,
           prevent_thread_lock: bool = False):
    auth = None
    if os.environ.get("RAG_UI_AUTH"):   # "user:password"
        user, _, pw = os.environ["RAG_UI_AUTH"].partition(":")
        auth = (user, pw)
    # build the index before the first visitor, not during their question
    ix = open_index(index_path, progress=_log_progress)
    log.warning("index ready: %s articles, %s chunks at %s", ix.stats()["articles"], ix.stats()["chunks"], ix.path)
    app = build_app(index_path, llm)
    threading.Thread(target=_warm, args=(ix, llm), daemon=True, name="warm-up").start()
    return app.launch(server_name=host, server_port=port, share=False, auth=auth, css=CSS,
                      max_file_size=f"{MAX_UPLOAD_MB}mb", prevent_thread_lock=prevent_thread_lock,
                      show_error=False)
