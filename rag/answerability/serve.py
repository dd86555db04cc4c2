"""Fit the decider for answers a language model drafts (serve.json) on news questions.

    python -m rag.answerability.serve --index ~/.rag/news20k \\
        evals/news_qa.jsonl:dev evals/news_qa_holdout.jsonl evals/news_qa_holdout2.jsonl \\
        evals/news_qa_holdout3.jsonl evals/news_qa_holdout4.jsonl --cache rag/answerability/serve_records.jsonl

weights.json is fitted on encyclopedia passages with no model in the loop; it decides well
whether a sentence holds an answer, but not which of the model's quote and the extractive
sentences to serve, nor how far to trust the model. Here every question goes through the real
stages with the local model; each candidate the verify stage offers becomes a row: its
features, and label 1 when serving it gives the reader a right answer (a gold answer in what
assemble would show; never for an unanswerable question). A logistic regression over the same
signals plus the model's (from_llm, has_answer, span) is fitted on those rows. The threshold is
the one under which serving the likeliest passing candidate, or refusing, is right most often
on the same questions. `FILE:split` keeps only that split's rows. Deterministic given the
records: --cache keeps them, so refits need no model run.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path

from ..evaluation.metrics import contains
from .features import FEATURES
from .fit import cached_records, fit_rows, likeliest
from .model import SERVE, Decider

# violations counts only soft constraints, and every kind is hard now: it is always 0
SERVE_FEATURES = tuple(f for f in FEATURES if f != "violations")
# the records serve.json was fitted on (features and labels, no text): a refit needs no model run
RECORDS = Path(__file__).with_name("serve_records.jsonl")
_MARK = re.compile(r"\[\d+\]")


def _rows(spec: str) -> list[dict]:
    path, _, split = spec.partition(":")
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if not split or r.get("split") == split]


def collect(index_path: str | None, specs: list[str], llm: str = "local", progress=None) -> list[dict]:
    """One record per question: how an early stage settled it, or its candidates' features
    and whether serving each would be right."""
    from .. import qa, stages
    from ..index import open_index
    from ..multipart import split_question
    from .fit import _uniform
    ix = open_index(index_path)
    model, name = qa._resolve_model(llm, ix.config, [])
    out = []
    rows = [(spec, r) for spec in specs for r in _rows(spec)]
    for i, (spec, r) in enumerate(rows):
        if progress:
            progress(i, len(rows))
        if split_question(r["question"]):
            continue   # its halves have no gold answer of their own
        as_of = date.fromisoformat(r["as_of"]) if r.get("as_of") else date.today()
        run = stages.Run(question=r["question"], index=ix, cfg=ix.config, model=model, model_name=name,
                         k=ix.config.k, as_of=as_of)
        stages.rewrite(run)
        settled = stages.retrieve(run)
        if settled is None:
            stages.rerank(run)
            settled = stages.select_context(run)
        if settled is None:
            for _ in stages.generate(run):
                pass
            settled = stages.verify(run)
        rec = {"set": spec, "id": r["id"], "answerable": r["answerable"], "settled": settled.stage if settled else None,
               "cands": []}
        if settled is None:
            stages.decide(run, _uniform())   # computes every candidate's features and constraint checks
            for c in run.candidates:
                shown = _MARK.sub("", stages.assemble(run, stages.Decision("fit", False, "", None, None, c)).text)
                rec["cands"].append({"f": {k: None if v is None else round(v, 4) for k, v in c.features.items()},
                                     "blocked": c.blocked,
                                     "y": int(r["answerable"] and contains(shown, r["answers"]))})
        out.append(rec)
    return out


def replay(records: list[dict], dec: Decider, t: float) -> dict:
    """Accuracy, refusal recall and false refusals when the likeliest candidate at or over t is
    served (a question settled early is refused)."""
    right = ans = unans = rr = fr = 0
    for r in records:
        best = likeliest(r, dec, t)
        if r["answerable"]:
            ans += 1
            fr += best is None
            right += best is not None and best["y"] == 1
        else:
            unans += 1
            rr += best is None
            right += best is None
    return {"threshold": t, "accuracy": right / max(len(records), 1), "refusal_recall": rr / max(unans, 1),
            "false_refusal": fr / max(ans, 1)}


def fit(records: list[dict], l2: float) -> Decider:
    """The logistic model on the unblocked candidates, with the threshold that is right most
    often on the same records (ties go to the lower threshold: fewer false refusals)."""
    rows = [(c["f"], c["y"]) for r in records for c in r["cands"] if not c["blocked"]]
    dec = fit_rows(rows, l2, SERVE_FEATURES)
    curve = [replay(records, dec, t / 100) for t in range(5, 96, 5)]
    at = max(curve, key=lambda c: (round(c["accuracy"], 6), -c["threshold"]))
    return Decider(dec.names, dec.mean, dec.scale, dec.weights, dec.bias, at["threshold"], {"at": at})


L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def choose_l2(records: list[dict]) -> tuple[float, dict]:
    """Leave one question set out: fit on the others, score the one left out. The L2 weight
    right most often wins; ties go to the stronger one (a rare signal, like a kind check that
    fired on 2% of the rows, should not outweigh the rest)."""
    sets = sorted({r["set"] for r in records})
    scores = {}
    for l2 in L2_GRID:
        right = 0.0
        for s in sets:
            dec = fit([r for r in records if r["set"] != s], l2)
            held = [r for r in records if r["set"] == s]
            right += replay(held, dec, dec.threshold)["accuracy"] * len(held)
        scores[l2] = round(right / len(records), 4)
    best = max(L2_GRID, key=lambda l2: (scores[l2], l2))
    return best, scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rag.answerability.serve", description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", help="question files (JSONL, seed_qa format), FILE:split for one split")
    ap.add_argument("--index", help="index the questions are asked against (default: the configured one)")
    ap.add_argument("--llm", default="local")
    ap.add_argument("--l2", type=float, help="L2 weight (default: chosen by leaving one question set out)")
    ap.add_argument("--out", type=Path, default=SERVE)
    ap.add_argument("--cache", type=Path, help="JSONL of collected records: reused if present, written if not")
    args = ap.parse_args(argv)
    records = cached_records(args.cache, lambda progress: collect(args.index, args.sets, args.llm, progress))
    l2, cv = (args.l2, None) if args.l2 is not None else choose_l2(records)
    dec = fit(records, l2)
    at = dec.meta["at"]
    rows = [c for r in records for c in r["cands"] if not c["blocked"]]
    sets = " ".join(args.sets)
    meta = {"fitted": True, "policy": "likeliest", "sets": args.sets, "llm": args.llm, "l2": l2,
            "l2_leave_one_set_out_accuracy": cv, "rows": len(rows), "positives": sum(c["y"] for c in rows),
            "questions": len(records), "at_threshold_on_tuning_split": at,
            "command": f"python -m rag.answerability.serve --index INDEX {sets} --llm {args.llm} "
                       f"--cache {RECORDS.relative_to(RECORDS.parents[2]).as_posix()}"}
    final = Decider(dec.names, dec.mean, dec.scale, dec.weights, dec.bias, dec.threshold, meta)
    args.out.write_text(json.dumps(final.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({**at, "l2": l2, "cv": cv, "weights": dict(zip(dec.names, [round(x, 3) for x in dec.weights]))},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
