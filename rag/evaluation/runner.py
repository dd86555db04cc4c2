"""`rag eval`: run a question set through retrieval (and answering), score it, write reports."""
from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Callable

from ..config import Config
from ..errors import InputError
from ..index import Index, open_index
from ..qa import answer
from ..retriever import check_question, search
from ..translate import needs_translation
from ..text import normalize
from ..verify import answer_supported
from . import negatives as negatives_mod
from .metrics import contains, em, f1, percentiles, ranks_to_metrics
from .retrieval import eval_index, first_relevant
from .squad import Question, load_squad, sample

_MARKS = re.compile(r"\[\d{1,2}\]")


def load_jsonl(path: Path, skipped: list[dict] | None = None) -> list[Question]:
    """Questions of a JSONL set; a malformed row is skipped and listed, never fatal."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            out.append(Question(id=str(r["id"]), question=r["question"], answers=list(r.get("answers", [])), spans=[],
                                article_id=(r.get("article_ids") or [""])[0], answerable=bool(r.get("answerable", True)),
                                category=r.get("category"), must_include=r.get("must_include"),
                                history=r.get("history"), article_ids=r.get("article_ids"),
                                as_of=r.get("as_of"), split=r.get("split")))
        except (ValueError, KeyError, TypeError) as e:
            err = InputError(f"bad eval row: {type(e).__name__}: {e}", path=str(path), line=n)
            if skipped is None:
                raise err from None
            skipped.append({"line": n, "id": None, "error": str(err)})
    return out


DOC_DEPTH = 40   # chunks searched for the document ranks


def _group(index: Index, article_id: str, cache: dict) -> set[str]:
    """The article and the reprints recorded against it: a reprint is not indexed again, so
    a gold reprint is found under the id of the copy that is (rag/writer.py)."""
    if article_id not in cache:
        art = index.article(article_id) or {}
        cache[article_id] = {article_id, *(r["id"] for r in art.get("also_reported_by") or [])}
    return cache[article_id]


def _chunk_rank_by_text(hits, q: Question, index: Index, groups: dict) -> tuple[int | None, int | None]:
    """For free-form sets: relevant = a chunk of a gold article (or of the indexed copy of a
    gold reprint) that contains a gold answer."""
    gold_arts = set(q.article_ids or [q.article_id])
    golds = [normalize(a) for a in q.answers]
    c = a = None
    for r, h in enumerate(hits, 1):
        # a gold hit needs no lookup; only the others may be a gold reprint's indexed copy
        if h.article_id in gold_arts or _group(index, h.article_id, groups) & gold_arts:
            a = a or r
            if c is None and any(g in normalize(h.text) for g in golds):
                c = r
    return c, a


def document_rank(hits, is_gold) -> int | None:
    """1-based rank of the first gold document among the distinct documents of `hits`: the
    same article's second and third chunks take no place (an article's chunks cluster on a
    question it answers, and counting them put a gold article found third at rank 5)."""
    seen: list[str] = []
    for h in hits:
        if h.article_id in seen:
            continue
        seen.append(h.article_id)
        if is_gold(h.article_id):
            return len(seen)
    return None


def _gold_document(q: Question, index: Index, groups: dict, squad: bool):
    gold = set(q.article_ids or [q.article_id])
    if squad:
        return gold.__contains__
    return lambda a: a in gold or bool(_group(index, a, groups) & gold)


def _claims(text: str) -> dict[int, str]:
    """What each [n] marker stands behind: the text since the previous marker, without a
    half's label ("青山水库：资料中没有找到；南山樱桃：50吨[1]" -> {1: "50吨"})."""
    out, last = {}, 0
    for m in _MARKS.finditer(text):
        out[int(m.group()[1:-1])] = re.split(r"[：；;]", text[last:m.start()])[-1].strip("，, ")
        last = m.end()
    return out


def score_answer(q: Question, ans, index: Index) -> dict:
    text = _MARKS.sub("", ans.text).strip() if not ans.refused else ""
    res = {"refused": ans.refused}
    if q.answerable:
        res["em"] = em(text, q.answers)
        res["f1"] = f1(text, q.answers)
        ok = (not ans.refused) and contains(text, q.answers)
        if q.must_include:
            ok = (not ans.refused) and all(contains(text, [m]) for m in q.must_include)
        res["correct"] = ok
    else:
        res["correct"] = ans.refused
    verified = []
    claims = _claims(ans.text) if not ans.refused else {}
    for c in ans.citations:
        art = index.article(c.article_id)
        verbatim = bool(art) and art["body"][c.start:c.end] == c.quote
        verified.append(verbatim and answer_supported(claims.get(c.n) or text or c.quote, [c.quote]))
    res["citations"] = len(ans.citations)
    res["citations_precise"] = sum(verified)
    return res


def run(path: Path | str, *, limit: int | None = None, seed: int = 0, llm: str | None = None,
        retrieval_only: bool = False, out: Path | str | None = None, script: str | None = None,
        k: int | None = None, index: Index | None = None, config: Config | None = None,
        overrides: dict | None = None, progress: Callable[[int, int], None] | None = None,
        negatives: bool = False, split: str | None = None, as_of: str | None = None) -> dict:
    """Score a question set. With `negatives` (SQuAD-style files), every question is also
    asked with its gold passages filtered out and must then be refused (negatives.py)."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such eval file", path=str(path))
    squad = path.suffix == ".json"
    skipped: list[dict] = []
    if squad:
        articles, questions = load_squad(path, script=script)
        ix = index or eval_index(path, articles, config or Config())
    else:
        if negatives:
            raise InputError("--negatives needs a SQuAD-style .json file (its passages are filtered per question)",
                             path=str(path))
        questions = load_jsonl(path, skipped)
        ix = index or open_index(config=config)
    if split:
        questions = [q for q in questions if q.split == split]
    questions = sample(questions, limit, seed)
    bodies = negatives_mod.normalized_bodies(articles) if negatives else {}
    cfg = ix.config
    if llm or overrides:
        from ..config import INDEX_KEYS
        bad = set(overrides or {}) & set(INDEX_KEYS)
        if bad:
            raise InputError(f"{sorted(bad)} shape the index; they cannot be overridden at query time")
        ix.config = cfg = cfg.replace(llm=llm, **(overrides or {}))
    k_eval = max(10, k or cfg.k)
    depth = max(DOC_DEPTH, k_eval)   # enough chunks for ten distinct documents
    rows, chunk_ranks, art_ranks, doc_ranks, source_ranks, lat_r, lat_a = [], [], [], [], [], [], []
    groups: dict[str, set[str]] = {}   # article id -> it and its reprints
    for i, q in enumerate(questions):
        try:
            check_question(q.question, cfg.max_question_chars)
        except InputError as e:   # one bad row (an empty question in CMRC trial) never stops the run
            skipped.append({"id": q.id, "question": q.question, "error": str(e)})
            continue
        t = time.perf_counter()
        # retrieval metrics use the question with its history's questions in front (the
        # answer path rewrites follow-ups itself)
        # a question with no Chinese is searched by meaning only, as the answer path does
        # without a model to translate it (rag/stages.py)
        asked = " ".join([h[0] for h in (q.history or [])] + [q.question])
        deep = search(ix, asked, depth, dense_only=needs_translation(asked))
        hits = deep[:k_eval]
        lat_r.append((time.perf_counter() - t) * 1000)
        row = {"id": q.id, "question": q.question, "category": q.category, "answerable": q.answerable,
               "gold": q.answers}
        is_gold = _gold_document(q, ix, groups, squad) if q.answerable else None
        if q.answerable:
            c, a = first_relevant(hits, q) if squad else _chunk_rank_by_text(hits, q, ix, groups)
            chunk_ranks.append(c)
            art_ranks.append(a)
            doc_ranks.append(document_rank(deep, is_gold))
            row.update(chunk_rank=c, article_rank=a, document_rank=doc_ranks[-1],
                       answer_in_top_chunk=bool(hits) and contains(hits[0].text, q.answers))
        if not retrieval_only:
            ref = q.as_of or as_of
            ans = answer(q.question, history=q.history, k=k, index=ix, as_of=date.fromisoformat(ref) if ref else None)
            lat_a.append(ans.timings["total_ms"])
            row.update(answer=ans.text, refused=ans.refused, citations=[c.to_dict() for c in ans.citations],
                       standalone_question=ans.standalone_question, notes=ans.notes, timings=ans.timings,
                       model=ans.model)
            row["scores"] = score_answer(q, ans, ix)
            if q.answerable:
                # the sources the reader was shown: the answer path's own retrieval (a
                # translation of an English question, the question's period preferred)
                source_ranks.append(document_rank(ans.contexts, is_gold))
                row["source_rank"] = source_ranks[-1]
            row["decision"] = ans.decision
        row["retrieve_ms"] = lat_r[-1]
        rows.append(row)
        if negatives and not retrieval_only:
            gone = negatives_mod.excluded_passages(q.answers, bodies)
            twin = answer(q.question, k=k, index=ix, article_ids=[a for a in bodies if a not in gone])
            lat_a.append(twin.timings["total_ms"])
            tq = Question(id=f"{q.id}~neg", question=q.question, answers=[], spans=[], article_id="", answerable=False,
                          category=negatives_mod.GOLD_REMOVED)
            rows.append({"id": tq.id, "question": q.question, "category": tq.category, "answerable": False,
                         "gold": q.answers, "excluded_passages": len(gone), "answer": twin.text,
                         "refused": twin.refused, "citations": [c.to_dict() for c in twin.citations],
                         "notes": twin.notes, "timings": twin.timings, "model": twin.model,
                         "decision": twin.decision, "scores": score_answer(tq, twin, ix), "retrieve_ms": 0.0})
        if progress:
            progress(i + 1, len(questions))
    report = summarize(rows, chunk_ranks, art_ranks, lat_r, lat_a, retrieval_only)
    report["retrieval"]["document"] = ranks_to_metrics(doc_ranks)
    if source_ranks:
        report["retrieval"]["in_sources"] = _rate(sum(r is not None for r in source_ranks), len(source_ranks))
    report["skipped"] = {"n": len(skipped), "rows": skipped}
    if negatives and not retrieval_only:
        report["sweep"] = negatives_mod.sweep(rows)
    report["config"] = {"file": str(path), "n_questions": len(questions), "limit": limit, "seed": seed,
                        "embedder": ix.stats().get("embedder"), "llm": None if retrieval_only else cfg.llm,
                        "k": k or cfg.k, "chunk_size": cfg.chunk_size, "script": script,
                        "retrieval_only": retrieval_only, "overrides": overrides or {}, "negatives": negatives,
                        "split": split, "as_of": as_of}
    if out:
        write_reports(Path(out), report, rows)
    return report


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _by_rule(decision: dict | None) -> bool:
    d = decision or {}
    return d.get("stage") not in ("decide", "generate", "multipart") or bool((d.get("candidate") or {}).get("blocked"))


def summarize(rows, chunk_ranks, art_ranks, lat_r, lat_a, retrieval_only) -> dict:
    r = ranks_to_metrics(chunk_ranks)
    report = {"n": len(rows),
              "retrieval": {**r, "article": ranks_to_metrics(art_ranks)},
              "latency_ms": {"retrieve_p50": percentiles(lat_r)["p50"], "retrieve_p95": percentiles(lat_r)["p95"]}}
    if retrieval_only:
        return report
    scored = [x for x in rows if "scores" in x]
    ans = [x for x in scored if x["answerable"]]
    unans = [x for x in scored if not x["answerable"]]
    refused = [x for x in scored if x["scores"]["refused"]]
    answered = [x for x in scored if not x["scores"]["refused"]]
    n_cite = sum(x["scores"]["citations"] for x in scored)
    report["answer"] = {
        "em": sum(x["scores"]["em"] for x in ans) / max(len(ans), 1),
        "f1": sum(x["scores"]["f1"] for x in ans) / max(len(ans), 1),
        "accuracy": _rate(sum(x["scores"]["correct"] for x in scored), len(scored)),
        "accuracy_answerable": _rate(sum(x["scores"]["correct"] for x in ans), len(ans)),
    }
    report["citation"] = {
        "precision": _rate(sum(x["scores"]["citations_precise"] for x in scored), n_cite),
        "recall": _rate(sum(1 for x in answered if x["scores"]["citations"] > 0), len(answered)),
    }
    report["refusal"] = {
        "precision": _rate(sum(1 for x in refused if not x["answerable"]), len(refused)),
        "recall": _rate(sum(1 for x in unans if x["scores"]["refused"]), len(unans)),
        "false_refusal": _rate(sum(1 for x in ans if x["scores"]["refused"]), len(ans)),
        # a rule (not the fitted score) refused although the answer was in the first chunk
        "rule_refusals_with_answer_in_top_chunk": sum(
            1 for x in ans if x["scores"]["refused"] and x.get("answer_in_top_chunk") and _by_rule(x.get("decision"))),
    }
    p = percentiles(lat_a)
    report["latency_ms"].update(answer_p50=p["p50"], answer_p95=p["p95"])
    gen = percentiles([x["timings"]["generate_ms"] for x in scored if "timings" in x])
    ttft = percentiles([x["timings"]["ttft_ms"] for x in scored if "ttft_ms" in x.get("timings", {})])
    tps = [x["timings"]["tokens_per_s"] for x in scored if x.get("timings", {}).get("tokens_per_s")]
    report["latency_ms"].update(generate_p50=gen["p50"], generate_p95=gen["p95"], ttft_p50=ttft["p50"],
                                ttft_p95=ttft["p95"])
    report["tokens_per_s_p50"] = percentiles(tps)["p50"]
    cats = defaultdict(list)
    for x in scored:
        cats[x.get("category") or "all"].append(x["scores"]["correct"])
    report["by_category"] = {c: {"n": len(v), "accuracy": sum(v) / len(v)} for c, v in sorted(cats.items())}
    return report


def write_reports(out: Path, report: dict, rows: list[dict]) -> None:
    from .html import render_report
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    with open(out / "results.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "report.html").write_text(render_report(report, rows), encoding="utf-8")


def flatten(d: dict, prefix: str = "") -> dict[str, float]:
    out = {}
    for key, v in d.items():
        name = f"{prefix}{key}"
        if isinstance(v, dict):
            out.update(flatten(v, name + "."))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[name] = float(v)
    return out


def read_json(path: str | Path, what: str) -> dict:
    """A JSON object from `path`, or an InputError naming the file and what it should be."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such {what}", path=str(p)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"not a readable JSON {what}: {e}", path=str(p)) from None
    if not isinstance(data, dict):
        raise InputError(f"not a JSON object, so not a {what}", path=str(p))
    return data


def load_report(path: str | Path) -> dict:
    report = read_json(path, "eval report (an eval run's --out folder holds report.json)")
    if "n" not in report:
        raise InputError("not an eval report (no question count 'n')", path=str(path))
    return report


def compare(a: dict, b: dict) -> str:
    fa, fb = flatten({k: v for k, v in a.items() if k != "config"}), flatten({k: v for k, v in b.items() if k != "config"})
    lines = [f"{'metric':34s} {'A':>10s} {'B':>10s} {'delta':>10s}"]
    for key in sorted(set(fa) | set(fb)):
        va, vb = fa.get(key), fb.get(key)
        d = f"{vb - va:+10.4f}" if va is not None and vb is not None else f"{'':>10s}"
        lines.append(f"{key:34s} {'' if va is None else f'{va:10.4f}':>10s} {'' if vb is None else f'{vb:10.4f}':>10s} {d}")
    return "\n".join(lines)


def check_floors(report: dict, floors: dict) -> list[str]:
    """`floors` is {"min": {metric: bound}, "max": {metric: bound}} with dotted metric names
    (a flat {metric: bound} means minimums). Returns what failed, in words."""
    bounds = floors if ("min" in floors or "max" in floors) else {"min": floors}
    flat = flatten(report)
    failures = []
    for kind, table in (("min", bounds.get("min", {})), ("max", bounds.get("max", {}))):
        for key, bound in table.items():
            got = flat.get(key)
            if got is None:
                failures.append(f"{key}: missing from the report")
            elif kind == "min" and got < bound:
                failures.append(f"{key} = {got:.4f} is below the floor {bound}")
            elif kind == "max" and got > bound:
                failures.append(f"{key} = {got:.4f} is above the ceiling {bound}")
    return failures
