"""Fit the answerability model on gold-removed twins and write weights.json.

    python -m rag.answerability.fit                       # CMRC 2018 dev, 1,200 questions, seed 0
    python -m rag.answerability.fit --data FILE --limit N --seed S --out PATH

Every sampled question is asked twice through the real pipeline stages (extractive, no
LLM): once normally and once with every passage holding a gold answer filtered out
(rag/evaluation/negatives.py). Each candidate quote the verify stage offers becomes a
row: its features, and label 1 when it holds a gold answer. A logistic regression
(L2, Newton steps, numpy only) is fitted on the rows; the threshold is the one that
refuses the most gold-removed twins while keeping false refusals on the normal side at
or under --max-false-refusal, measured by replaying the decide stage. Deterministic:
the same data, sample and code give the same JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ..config import Config
from ..evaluation import negatives
from ..evaluation.metrics import contains
from ..evaluation.retrieval import eval_index
from ..evaluation.squad import load_squad, sample
from .features import FEATURES
from .model import WEIGHTS, Decider

# Features the fit uses: the model's signals never occur in extractive training data, and
# span came later (rag/answerability/serve.py weighs it); without them weights.json stays
# what its recorded command reproduces.
FIT_FEATURES = tuple(f for f in FEATURES if f not in ("from_llm", "has_answer", "span"))
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "evals" / "cmrc2018_dev.json"


def collect(path: Path, limit: int, seed: int, progress=None) -> list[dict]:
    """One record per (question, side): its candidates' features and labels, or how an
    earlier stage settled it."""
    from .. import stages
    articles, questions = load_squad(path)
    ix = eval_index(path, articles, Config())
    ix.config = ix.config.replace(llm="extractive")
    bodies = negatives.normalized_bodies(articles)
    out = []
    questions = [q for q in sample(questions, limit, seed) if q.question.strip()]
    for i, q in enumerate(questions):
        gone = negatives.excluded_passages(q.answers, bodies)
        for side, filters in (("normal", {}), ("removed", {"article_ids": [a for a in bodies if a not in gone]})):
            run = stages.Run(question=q.question, index=ix, cfg=ix.config, model=None, model_name="extractive",
                             k=ix.config.k, filters=filters)
            stages.rewrite(run)
            settled = stages.retrieve(run) or stages.select_context(run) or stages.verify(run)
            rec = {"id": q.id, "side": side, "settled": settled.stage if settled else None, "cands": []}
            if settled is None:
                stages.decide(run, _uniform())   # computes every candidate's features and constraint checks
                for c in run.candidates:
                    rec["cands"].append({"f": c.features, "blocked": c.blocked, "why": c.why_not,
                                         "y": int(side == "normal" and contains(c.quote, q.answers))})
            out.append(rec)
        if progress:
            progress(i + 1, len(questions))
    return out


def _uniform() -> Decider:
    n = len(FIT_FEATURES)
    return Decider(FIT_FEATURES, (0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, 0.5, {})


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (bias unpenalised)."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -30, 30)))
        g = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def design(rows: list[tuple[dict, int]], names: tuple[str, ...] = FIT_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (NaN where a signal is missing) and labels."""
    X = np.array([[np.nan if f.get(n) is None else f[n] for n in names] for f, _ in rows], dtype=np.float64)
    return X, np.array([lab for _, lab in rows], dtype=np.float64)


def fit_rows(rows: list[tuple[dict, int]], l2: float, names: tuple[str, ...] = FIT_FEATURES) -> Decider:
    """Standardize, fit, and wrap as a Decider (threshold 0.5 until one is chosen)."""
    X, y = design(rows, names)
    mean, scale = np.nanmean(X, 0), np.nanstd(X, 0)
    scale[scale < 1e-6] = 1.0
    # a signal the backend did not give (no dense score for a BM25-only hit) sits at its
    # mean, as Decider.score treats it: it weighs nothing either way
    X = np.where(np.isnan(X), mean, X)
    w, b = fit_logistic((X - mean) / scale, y, l2)
    return Decider(names, tuple(mean.round(6)), tuple(scale.round(6)), tuple(w.round(6)), round(b, 6), 0.5, {})


def likeliest(record: dict, dec: Decider, t: float) -> dict | None:
    """The candidate the decide stage serves at threshold t: the best-scored unblocked one at
    or over it (None: refused, or settled by an earlier stage)."""
    if record["settled"] is not None:
        return None
    scored = [(dec.score(c["f"]), c) for c in record["cands"] if not c["blocked"]]
    passing = [x for x in scored if x[0] >= t]
    return max(passing, key=lambda x: x[0])[1] if passing else None


def replay(records: list[dict], dec: Decider, t: float) -> dict:
    """The decide stage's outcome per record at threshold t: refusal recall on the
    gold-removed side, false refusals and containment on the normal side."""
    pos = neg = fr = rr = ok = 0
    for r in records:
        served = likeliest(r, dec, t)
        if r["side"] == "normal":
            pos += 1
            fr += served is None
            ok += served is not None and served["y"] == 1
        else:
            neg += 1
            rr += served is None
    return {"threshold": t, "refusal_recall": rr / max(neg, 1), "false_refusal": fr / max(pos, 1),
            "containment": ok / max(pos, 1)}


def choose_threshold(records: list[dict], dec: Decider, max_fr: float) -> tuple[float, list[dict]]:
    curve = [replay(records, dec, t / 100) for t in range(2, 99, 2)]
    ok = [c for c in curve if c["false_refusal"] <= max_fr]
    best = max(ok, key=lambda c: (c["refusal_recall"], c["containment"])) if ok else \
        max(curve, key=lambda c: c["refusal_recall"] + c["containment"])
    return best["threshold"], curve


def cached_records(cache: Path | None, collect_fn) -> list[dict]:
    """The records in `cache` if it exists; else `collect_fn(progress)`'s, written to `cache`
    when one is named (a refit then needs no pipeline run)."""
    if cache and cache.exists():
        return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    records = collect_fn(lambda i, n: print(f"\r{i}/{n}", end="", file=sys.stderr, flush=True))
    print(file=sys.stderr)
    if cache:
        cache.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rag.answerability.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SQuAD-style file to tune on (default CMRC 2018 dev)")
    ap.add_argument("--limit", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--max-false-refusal", type=float, default=0.10)
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--cache", type=Path, help="JSONL of collected records: reused if present, written if not")
    args = ap.parse_args(argv)
    records = cached_records(args.cache, lambda progress: collect(args.data, args.limit, args.seed, progress))
    rows = [(c["f"], c["y"]) for r in records for c in r["cands"] if not c["blocked"]]
    dec = fit_rows(rows, args.l2)
    t, curve = choose_threshold(records, dec, args.max_false_refusal)
    at = next(c for c in curve if c["threshold"] == t)
    meta = {"fitted": True, "data": args.data.name, "limit": args.limit, "seed": args.seed, "l2": args.l2,
            "rows": len(rows), "positives": sum(lab for _, lab in rows), "questions": len(records) // 2,
            "max_false_refusal": args.max_false_refusal, "at_threshold_on_tuning_split": at,
            "command": f"python -m rag.answerability.fit --data ../shared/evals/{args.data.name} --limit {args.limit} "
                       f"--seed {args.seed} --l2 {args.l2} --max-false-refusal {args.max_false_refusal}"}
    final = Decider(dec.names, dec.mean, dec.scale, dec.weights, dec.bias, t, meta)
    args.out.write_text(json.dumps(final.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"threshold": t, **at, "weights": dict(zip(FIT_FEATURES, [round(x, 3) for x in dec.weights]))}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
