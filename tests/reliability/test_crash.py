"""SIGKILL a real ingest at random points; the index is always the old or the new one."""
import os

from rag.crashcheck import prepare, run_trials

from ..conftest import FIXTURES

TRIALS = int(os.environ.get("RAG_CRASH_TRIALS", "6"))


def test_sigkill_at_random_points_leaves_old_or_new(tmp_path):
    s = prepare(tmp_path, FIXTURES, 12)
    assert len(s.new) == len(s.old) + 12, "the undisturbed ingest must add every new article"
    trials = run_trials(s.base, s.new_files, s.old, s.new, TRIALS, s.undisturbed_s * 1.2, tmp_path / "t")
    broken = [t for t in trials if t.outcome.startswith("BROKEN")]
    assert not broken, broken
    assert len(trials) == TRIALS
