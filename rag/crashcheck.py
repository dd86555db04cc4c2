"""Kill-at-random-points durability trials (SQLite's crash tests, Lucene's crash()):
a real `rag ingest` process is SIGKILLed at a random moment, then the index must open,
agree with itself, and hold exactly the old or the new set of articles."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .index import Index


@dataclass
class Trial:
    delay_s: float
    outcome: str        # "old", "new" or "BROKEN: ..."


def consistent_state(index_dir: Path, old: set[str], new: set[str]) -> str:
    try:
        ix = Index(index_dir)
        snap = ix.snapshot()
    except Exception as e:  # noqa: BLE001 - any failure to open is the finding
        return f"BROKEN: cannot open: {e}"
    st = ix.stats()
    counts = {st["chunks"], st["dense"], st["bm25"], snap.chunks.counts()["chunks"]}
    if len(counts) != 1:
        return f"BROKEN: counts disagree {st}"
    ids = {a["id"] for a in ix.articles()}
    snap.close()
    if ids == old:
        return "old"
    if ids == new:
        return "new"
    return f"BROKEN: articles are neither old nor new ({len(ids)})"


def run_trials(base_index: Path, new_files: Path, old: set[str], new: set[str], trials: int, max_delay: float,
               workdir: Path, seed: int = 0) -> list[Trial]:
    rng = random.Random(seed)
    out = []
    for i in range(trials):
        d = workdir / f"trial-{i}"
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(base_index, d)
        delay = rng.uniform(0, max_delay)
        proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "--index", str(d), "ingest", str(new_files)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        out.append(Trial(delay, consistent_state(d, old, new)))
        shutil.rmtree(d, ignore_errors=True)
    return out
