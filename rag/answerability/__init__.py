"""The answerability decision: does this quote answer this question?

A small logistic model over measured signals (term coverage, dense similarity, question
constraints, answer kind, page-furniture signs, ...). Its weights and threshold are data
(`weights.json`), fitted by `python -m rag.answerability.fit` on one split and checked on
another (docs/EVALS.md). With a language model, `serve.json` (fitted by `python -m
rag.answerability.serve` on that model's answers to news questions) weighs the same signals plus
the model's, and the likeliest candidate is served."""
from .features import FEATURES, Candidate, features
from .model import SERVE, Decider, load

__all__ = ["FEATURES", "Candidate", "features", "Decider", "SERVE", "load"]
