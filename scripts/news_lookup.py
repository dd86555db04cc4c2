"""Grep and read the CRUD-RAG news sample while writing evals/news_qa.jsonl.

    python scripts/news_lookup.py show ID [ID ...]          # print documents
    python scripts/news_lookup.py grep WORD [WORD ...]      # docs (first 2,000 lines) containing all words
    python scripts/news_lookup.py grep --all WORD [...]     # same over all 20,000 documents
    python scripts/news_lookup.py sample N [--seed S]       # random documents of the first 2,000 lines

Matching drops whitespace and applies NFKC + lower case, because the sites write
"8 月 16 日" as often as "8月16日". Stdlib only, so it runs before the venv exists.
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "news" / "crud_news_20k.jsonl.xz"
EVAL_SLICE = 2000  # `rag ingest FILE --limit 2000` builds the eval index from these lines


def load(limit: int | None = None) -> list[dict]:
    out = []
    with lzma.open(DATA, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                break
            r = json.loads(line)
            r["line"] = n + 1
            out.append(r)
    return out


def squash(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).lower().split())


def grep(docs: list[dict], words: list[str], width: int = 40) -> list[tuple[dict, str]]:
    keys = [squash(w) for w in words]
    hits = []
    for d in docs:
        t = squash(d["text"])
        if all(k in t for k in keys):
            at = t.find(keys[0])
            hits.append((d, t[max(0, at - width): at + len(keys[0]) + width]))
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show"); s.add_argument("ids", nargs="+")
    g = sub.add_parser("grep"); g.add_argument("words", nargs="+"); g.add_argument("--all", action="store_true")
    g.add_argument("--max", type=int, default=20)
    m = sub.add_parser("sample"); m.add_argument("n", type=int); m.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.cmd == "show":
        docs = {d["id"]: d for d in load()}
        for i in a.ids:
            d = docs[i]
            print(f"=== {i} (line {d['line']}, published {d['published']!r}, {len(d['text'])} chars)\n{d['text']}\n")
    elif a.cmd == "grep":
        hits = grep(load(None if a.all else EVAL_SLICE), a.words)
        print(f"{len(hits)} documents")
        for d, snip in hits[: a.max]:
            print(f"{d['id']} (line {d['line']}): …{snip}…")
    else:
        docs = load(EVAL_SLICE)
        for d in random.Random(a.seed).sample(docs, a.n):
            print(f"=== {d['id']} (line {d['line']}, {len(d['text'])} chars)\n{d['text'][:1500]}\n")


if __name__ == "__main__":
    main()
