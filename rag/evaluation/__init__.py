"""Deterministic evaluation: retrieval, answers, citations, refusals, latency."""
