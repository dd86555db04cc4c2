"""SIGKILL a real ingest at random points; the index is always the old or the new one."""
import os
import shutil
import subprocess
import sys
import time

import pytest

from rag.crashcheck import run_trials
from rag.index import Index

from ..conftest import FIXTURES, ROOT

TRIALS = int(os.environ.get("RAG_CRASH_TRIALS", "6"))


@pytest.fixture()
def crash_setup(tmp_path, fixture_index_dir):
    base = tmp_path / "base"
    shutil.copytree(fixture_index_dir, base)
    new = tmp_path / "new"
    new.mkdir()
    for i in range(12):
        (new / f"n{i}.txt").write_text(f"第{i}条快讯\n本报讯 第{i}号仓库完成改造，新增货架{i * 7 + 3}组，日吞吐量提升{i + 2}成。",
                                       encoding="utf-8")
    old_ids = {a["id"] for a in Index(base).articles()}
    new_ids = old_ids | {f"n{i}" for i in range(12)}
    # one undisturbed run: how long an ingest takes here (and it warms the embedding cache)
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(probe), "ingest", str(new)], check=True,
                   capture_output=True, cwd=ROOT)
    full = time.perf_counter() - t
    assert {a["id"] for a in Index(probe).articles()} == new_ids
    return base, new, old_ids, new_ids, full


def test_sigkill_at_random_points_leaves_old_or_new(crash_setup, tmp_path):
    base, new, old_ids, new_ids, full = crash_setup
    trials = run_trials(base, new, old_ids, new_ids, TRIALS, max_delay=full * 1.2, workdir=tmp_path / "t")
    broken = [t for t in trials if t.outcome.startswith("BROKEN")]
    assert not broken, broken
    assert len(trials) == TRIALS
