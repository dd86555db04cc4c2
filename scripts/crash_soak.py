"""Long crash soak: N SIGKILL trials of a real ingest. Prints a table for docs/RELIABILITY.md.

    .venv/bin/python scripts/crash_soak.py --trials 40
"""
import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.crashcheck import run_trials  # noqa: E402
from rag.index import Index  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=40)
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
work = Path(tempfile.mkdtemp())
base = work / "base"
Index(base).ingest([ROOT / "tests" / "fixtures" / "news"])
new = work / "new"
new.mkdir()
for i in range(40):
    (new / f"n{i}.txt").write_text(f"第{i}条快讯\n本报讯 第{i}号仓库完成改造，新增货架{i * 7 + 3}组。", encoding="utf-8")
old_ids = {a["id"] for a in Index(base).articles()}
new_ids = old_ids | {f"n{i}" for i in range(40)}
probe = work / "probe"
shutil.copytree(base, probe)
t = time.perf_counter()
subprocess.run([sys.executable, "-m", "rag.cli", "--index", str(probe), "ingest", str(new)], check=True,
               capture_output=True)
full = time.perf_counter() - t
trials = run_trials(base, new, old_ids, new_ids, args.trials, full * 1.2, work / "t", seed=args.seed)
c = collections.Counter("BROKEN" if t.outcome.startswith("BROKEN") else t.outcome for t in trials)
print(f"undisturbed ingest: {full:.2f} s; kill delays uniform in [0, {full * 1.2:.2f}] s")
print(f"| trials | old state | new state | broken |\n|---|---|---|---|\n| {len(trials)} | {c['old']} | {c['new']} | {c['BROKEN']} |")
for t in trials:
    if t.outcome.startswith("BROKEN"):
        print(f"  delay {t.delay_s:.2f}s: {t.outcome}")
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if c["BROKEN"] else 0)
