"""Scan a news feed without indexing it: the shapes of its time stamps and how much of its
text each boilerplate pattern keeps out of the index.

    python scripts/scan_news.py ../shared/news/crud_news_20k.jsonl.xz            # boilerplate share
    python scripts/scan_news.py ../shared/news/crud_news_20k.jsonl.xz --dates    # stamp shapes

Streams the file (rag.loaders.iter_jsonl); nothing is embedded or stored.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag import dates  # noqa: E402
from rag.boilerplate import PATTERNS, boilerplate_spans  # noqa: E402
from rag.errors import InputError  # noqa: E402
from rag.feeds import FieldMap, StreamInfo, iter_jsonl  # noqa: E402


def shapes(path: Path, limit: int | None, show: int) -> dict:
    """Distinct stamp shapes (digits as 9) with counts, an example and what each becomes."""
    info = StreamInfo(str(path), FieldMap())
    raws = []
    for item in iter_jsonl(path, info.fields, limit, None, info):
        if not isinstance(item, InputError):
            raws.append(item.meta.get("date_raw", item.date or ""))
    ref = dates.reference_year(raws)
    count, example = Counter(), {}
    for r in raws:
        shape = re.sub(r"\d", "9", r)
        count[shape] += 1
        example.setdefault(shape, r)
    rows = []
    for shape, n in count.most_common(show):
        res = dates.parse_stamp(example[shape], ref)
        rows.append({"shape": shape, "count": n, "example": example[shape], "iso": res.iso,
                     "status": res.status, "reason": res.reason})
    return {"records": len(raws), "distinct_shapes": len(count), "reference_year": ref,
            "dates": info.dates.to_dict(), "shapes": rows}


def boilerplate_share(path: Path, limit: int | None) -> dict:
    chars, docs, with_any = 0, 0, 0
    per_kind, per_kind_docs = Counter(), Counter()
    t0 = time.perf_counter()
    for item in iter_jsonl(path, None, limit):
        if isinstance(item, InputError):
            continue
        body = item.body
        docs += 1
        chars += len(body)
        sp = boilerplate_spans(body)
        with_any += bool(sp)
        seen = set()
        for s, e, k in sp:
            per_kind[k] += e - s
            seen.add(k)
        per_kind_docs.update(seen)
    removed = sum(per_kind.values())
    return {
        "documents": docs, "chars": chars, "seconds": round(time.perf_counter() - t0, 1),
        "removed_chars": removed, "removed_pct": round(100 * removed / max(chars, 1), 2),
        "documents_with_boilerplate": with_any,
        "by_pattern": {p.kind: {"chars": per_kind[p.kind], "pct_of_chars": round(100 * per_kind[p.kind] / max(chars, 1), 3),
                                "documents": per_kind_docs[p.kind]} for p in PATTERNS},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--dates", action="store_true", help="list the distinct time-stamp shapes instead")
    ap.add_argument("--show", type=int, default=200, help="shapes to list (most frequent first)")
    args = ap.parse_args(argv)
    out = shapes(args.path, args.limit, args.show) if args.dates else boilerplate_share(args.path, args.limit)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
