"""Rebuild corpus/*.md from the seed newspaper page.

The page is a column-broken OCR-like dump: sentences break across lines and across
blank lines, titles follow their bodies and one line holds a subtitle and the next
article's byline. The layout knowledge lives in ARTICLES below (line numbers are
1-based and inclusive); everything else is mechanical. tests/test_corpus.py proves
the output against the page, so a wrong line number here fails loudly.

    python scripts/build_corpus.py ../shared/seed/000_782a22009b903a76.txt corpus/
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Line ranges of each article on the page. "byline" may be (line, start_col) when the
# byline shares its line with the previous article's subtitle.
ARTICLES = [
    dict(id="2025-07-22-shiweichangweihui", date="2025-07-22",
         title=[69], subtitle=[(70, 0, "□")], byline=[1], body=(2, 67)),
    dict(id="2025-07-20-wendinggongzuo", date="2025-07-20",
         title=[98, 99], byline=[(70, "□", None)], body=(72, 96)),
    dict(id="2025-07-naixinzaozhuang", date="2025-07",  # the article itself carries no day
         title=[336], subtitle=[338], byline=[339], body=(101, 334),
         headings=[(119, 120), (198, 199), (277, 278)]),
    dict(id="2025-07-19-shiganzhengxian", date="2025-07-19",
         title=[401], byline=[341], body=(342, 399)),
    dict(id="2025-07-24-shipinanquan", date="2025-07-24",
         title=[427, 428], byline=[403], body=(404, 426)),
    dict(id="2025-07-24-fangxunkanghan", date="2025-07-24",
         title=[449, 450], byline=[430], body=(431, 448)),
    dict(id="2025-07-21-qingshaonianzuqiu", date="2025-07-21",
         title=[473, 474, 476], byline=[452], body=(453, 471)),
]

_CLOSERS = "。！？”…）」』"
_ASCII = re.compile(r"[0-9A-Za-z.%]")


def clean_spaces(s: str) -> str:
    """Drop layout spaces; keep a space only between two ASCII words/numbers."""
    out = []
    for i, ch in enumerate(s):
        if ch in " \t\u3000":
            prev = s[i - 1] if i else ""
            nxt = s[i + 1] if i + 1 < len(s) else ""
            if prev and nxt and _ASCII.match(prev) and _ASCII.match(nxt):
                out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def _part(lines: list[str], spec) -> str:
    """A line number, or (line, start, end) where start/end are columns or marker chars."""
    if isinstance(spec, int):
        return lines[spec - 1]
    n, start, end = spec
    text = lines[n - 1]
    a = text.index(start) if isinstance(start, str) else start
    b = text.index(end) if isinstance(end, str) else (len(text) if end is None else end)
    return text[a:b]


def paragraphs(lines: list[str], first: int, last: int, skip: set[int]) -> list[str]:
    """Rejoin column-broken lines into paragraphs.

    A paragraph ends at a blank line that follows closing punctuation, or at a line
    ending in 。！？ that is clearly shorter than the column (the page's indentation
    is lost, so width is the only other signal). A blank line after an unfinished
    sentence is a column break and is joined over.
    """
    body = [(n, lines[n - 1].rstrip()) for n in range(first, last + 1) if n not in skip]
    width = max(len(t) for _, t in body if t)
    paras, cur = [], ""
    for idx, (n, t) in enumerate(body):
        if not t.strip():
            if cur and cur.rstrip()[-1:] in _CLOSERS:
                paras.append(cur)
                cur = ""
            continue
        cur += t.strip()
        if t.rstrip()[-1:] in "。！？" and len(t) <= width - 3:
            nxt = body[idx + 1][1] if idx + 1 < len(body) else ""
            if nxt.strip():
                paras.append(cur)
                cur = ""
    if cur:
        paras.append(cur)
    return [clean_spaces(p) for p in paras]


def build(seed: Path, out: Path) -> list[dict]:
    lines = seed.read_text(encoding="utf-8").split("\n")
    docs = []
    for spec in ARTICLES:
        first, last = spec["body"]
        heads = spec.get("headings", [])
        skip = {n for h in heads for n in h}
        title = clean_spaces("".join(_part(lines, s).strip() for s in spec["title"]))
        subtitle = clean_spaces("".join(_part(lines, s).strip() for s in spec.get("subtitle", [])))
        byline = " ".join(_part(lines, s).strip() for s in spec["byline"])
        # "□记者 董宏涛" / "大众日报记者 吴荣欣 孟令洋": the role, then the names.
        role, *names = byline.lstrip("□").split()
        sections = []
        text_paras = []
        # Headings sit between paragraphs: split the body range at each heading.
        bounds = [first] + [h[1] + 1 for h in heads]
        ends = [h[0] - 1 for h in heads] + [last]
        for i, (a, b) in enumerate(zip(bounds, ends)):
            if i:
                h = heads[i - 1]
                label = clean_spaces(lines[h[0] - 1].strip())
                sub = clean_spaces(lines[h[1] - 1].strip())
                sections.append(f"{label}：{sub}")
                text_paras.append(f"## {label}：{sub}")
            text_paras.extend(paragraphs(lines, a, b, skip))
        doc = dict(id=spec["id"], title=title, subtitle=subtitle, authors=names,
                   byline_role=role, date=spec["date"], source="大众日报·市中区新闻",
                   sections=sections)
        front = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in doc.items())
        (out / f"{spec['id']}.md").write_text(f"---\n{front}\n---\n\n" + "\n\n".join(text_paras) + "\n",
                                              encoding="utf-8")
        docs.append(doc)
    return docs


if __name__ == "__main__":
    seed, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for d in build(seed, out):
        print(d["id"], d["title"])
