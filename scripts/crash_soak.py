"""Long crash soak: N SIGKILL trials of a real ingest. Prints a table for docs/RELIABILITY.md.

    .venv/bin/python scripts/crash_soak.py --trials 40
"""
import argparse
import collections
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.crashcheck import prepare, run_trials  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=40)
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
work = Path(tempfile.mkdtemp())
s = prepare(work, ROOT / "tests" / "fixtures" / "news", 40)
trials = run_trials(s.base, s.new_files, s.old, s.new, args.trials, s.undisturbed_s * 1.2, work / "t", seed=args.seed)
c = collections.Counter("BROKEN" if t.outcome.startswith("BROKEN") else t.outcome for t in trials)
print(f"undisturbed ingest: {s.undisturbed_s:.2f} s; kill delays uniform in [0, {s.undisturbed_s * 1.2:.2f}] s")
print(f"| trials | old state | new state | broken |\n|---|---|---|---|\n| {len(trials)} | {c['old']} | {c['new']} | {c['BROKEN']} |")
for t in trials:
    if t.outcome.startswith("BROKEN"):
        print(f"  delay {t.delay_s:.2f}s: {t.outcome}")
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if c["BROKEN"] else 0)
