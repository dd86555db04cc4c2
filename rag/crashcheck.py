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
    ix.backend.close()   # the next trial's process may need the same store
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


@dataclass
class Setup:
    base: Path          # the index before the ingest
    new_files: Path     # the folder the killed ingest reads
    old: set[str]
    new: set[str]
    undisturbed_s: float


def prepare(workdir: Path, base_sources: Path, n_new: int) -> Setup:
    """A base index, `n_new` new article files, and one undisturbed timed ingest of them
    (which also warms the embedding cache, so trials spend their time where commits happen)."""
    base = workdir / "base"
    ix = Index(base)
    ix.ingest([base_sources])
    ix.backend.close()
    new = workdir / "new"
    new.mkdir(parents=True)
    for i in range(n_new):
        (new / f"n{i}.txt").write_text(f"第{i}条快讯\n本报讯 第{i}号仓库完成改造，新增货架{i * 7 + 3}组，"
                                       f"日吞吐量提升{i + 2}成。", encoding="utf-8")
    ix = Index(base)
    old = {a["id"] for a in ix.articles()}
    ix.backend.close()
    probe = workdir / "probe"
    shutil.copytree(base, probe)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(probe), "ingest", str(new)], check=True,
                   capture_output=True)
    took = time.perf_counter() - t
    ix = Index(probe)
    got = {a["id"] for a in ix.articles()}
    ix.backend.close()
    shutil.rmtree(probe, ignore_errors=True)
    return Setup(base, new, old, got, took)
