"""The thread budget reaches every pool, and RAG_THREADS caps it (checked in a fresh process,
because pools read their settings once, at load)."""
import json
import os
import subprocess
import sys

from .conftest import ROOT

PROBE = """
import json, os, rag, faiss, torch
from rag.threads import budget
print(json.dumps({"budget": budget(), "faiss": faiss.omp_get_max_threads(), "torch": torch.get_num_threads(),
                  "wait": os.environ.get("OMP_WAIT_POLICY")}))
"""


def _probe(**env):
    e = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "RAG_THREADS")}
    e.update(env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=e, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_pool_gets_the_budget_and_idle_threads_sleep():
    p = _probe()
    assert p["budget"] == len(os.sched_getaffinity(0))
    assert p["faiss"] == p["torch"] == p["budget"]
    assert p["wait"] == "PASSIVE"


def test_rag_threads_caps_the_budget():
    p = _probe(RAG_THREADS="1")
    assert p == {"budget": 1, "faiss": 1, "torch": 1, "wait": "PASSIVE"}
