"""Answer -> HTML for the chat. Every piece of article or user text is escaped here;
the only markup is ours."""
from __future__ import annotations

import html

from rag.types import Answer, Hit

CSS = """
.rag-answer {font-size: 1.05em; line-height: 1.7;}
.rag-refusal {border-left: 4px solid #d97706; background: #fffbeb; padding: .5em .8em; color: #92400e;}
.rag-sources {margin-top: .6em; font-size: .92em;}
.rag-source {border-top: 1px solid #e5e7eb; padding: .4em 0;}
.rag-source .meta {color: #6b7280;}
.rag-source mark {background: #fde68a; padding: 0 .1em;}
.rag-note {color: #9ca3af; font-size: .85em;}
"""

_STYLE = {
    "answer": "font-size:1.05em;line-height:1.7",
    "refusal": "border-left:4px solid #d97706;background:#fffbeb;padding:.5em .8em;color:#92400e",
    "mark": "background:#fde68a",
    "meta": "color:#6b7280",
}


def esc(s: str | None) -> str:
    return html.escape(s or "", quote=True)


def _chunk_with_mark(chunk: Hit | None, start: int, end: int, quote: str) -> str:
    """The chunk text with the quoted span highlighted; offsets are article offsets."""
    if chunk is None or not (chunk.start <= start and end <= chunk.end):
        return f'<mark style="{_STYLE["mark"]}">{esc(quote)}</mark>'
    a, b = start - chunk.start, end - chunk.start
    t = chunk.text
    return f'{esc(t[:a])}<mark style="{_STYLE["mark"]}">{esc(t[a:b])}</mark>{esc(t[b:])}'


def _reprint_note(c) -> str:
    if not c.also_reported_by:
        return ""
    first = f"，最早见于{c.earliest['id']}（{c.earliest.get('date') or '日期不详'}）" if c.earliest else ""
    return f" · 另有{c.also_reported_by}家转载{first}"


def render_answer(ans: Answer, show_notes: bool = False) -> str:
    by_chunk = {h.chunk_id: h for h in ans.contexts}
    parts = []
    if ans.refused:
        why = (ans.decision or {}).get("reason")
        # the reader sees why: which stage refused and what the nearest quote lacked
        why_html = f'<div class="rag-why" style="{_STYLE["meta"]}">{esc(why)}</div>' if why else ""
        parts.append(f'<div class="rag-refusal" style="{_STYLE["refusal"]}">⚠ {esc(ans.text)}{why_html}</div>')
    else:
        parts.append(f'<div class="rag-answer" style="{_STYLE["answer"]}">{esc(ans.text)}</div>')
    if ans.citations:
        items = []
        for c in ans.citations:
            items.append(
                f'<div class="rag-source"><b>[{c.n}] {esc(c.title)}</b> '
                f'<span class="meta" style="{_STYLE["meta"]}">{esc(c.date or "日期不详")} · {esc(c.article_id)}'
                f'{esc(_reprint_note(c))}</span>'
                f'<blockquote>{_chunk_with_mark(by_chunk.get(c.chunk_id), c.start, c.end, c.quote)}</blockquote></div>')
        parts.append(f'<details class="rag-sources" open><summary>来源（{len(ans.citations)}）</summary>'
                     f'{"".join(items)}</details>')
    elif ans.contexts:
        items = "".join(f'<li>{esc(h.title)} <span style="{_STYLE["meta"]}">{esc(h.date or "")}</span>'
                        f'<br><small>{esc(h.text[:120])}…</small></li>' for h in ans.contexts[:3])
        parts.append(f'<details class="rag-sources"><summary>最接近的资料</summary><ul>{items}</ul></details>')
    if show_notes and ans.notes:
        parts.append(f'<div class="rag-note">{esc("；".join(ans.notes))}</div>')
    return "\n".join(parts)


def render_draft(text: str) -> str:
    return f'<div class="rag-answer" style="{_STYLE["answer"]}">{esc(text)} ▍</div>'
