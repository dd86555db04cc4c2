"""Crash windows of the generation commit that a resumed ingest runs into."""
from vectorstore.generations import Generations


def _commit(g: Generations, text: str):
    tmp = g.stage()
    (tmp / "data.txt").write_text(text)
    return g.commit(tmp, ["data.txt"], {"n": 1})


def test_a_generation_renamed_but_never_made_current_does_not_block_the_next_commit(tmp_path):
    g = Generations(tmp_path)
    with g.writer():
        first = _commit(g, "one")
    # a writer killed after renaming gen-000002.tmp to gen-000002, before CURRENT moved
    (tmp_path / "gen-000002").mkdir()
    (tmp_path / "gen-000002" / "half").write_text("never current")
    assert g.current() == first
    with g.writer():
        second = _commit(g, "two")
    assert g.current() == second and (second / "data.txt").read_text() == "two"
    assert not (second / "half").exists()
