"""corpus/ is a faithful split of the seed page: nothing lost, nothing duplicated."""
import re
from collections import Counter
from pathlib import Path

import pytest

from rag.loaders import load_file

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_782a22009b903a76.txt"
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/seed (present in CI)")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _articles():
    return [load_file(p).articles[0] for p in sorted((ROOT / "corpus").glob("*.md"))]


def _all_text(a) -> str:
    # Every field that came from the page; "□" and the "：" joining a section's label
    # and sub-heading are the only characters the split adds or drops.
    return "".join([a.title, a.meta.get("subtitle", ""), a.meta.get("byline_role", ""),
                    "".join(a.authors), a.body])


def test_seven_articles_with_titles_and_iso_dates():
    arts = _articles()
    assert len(arts) == 7
    assert len({a.id for a in arts}) == 7
    for a in arts:
        assert re.fullmatch(r"2025-07(-\d\d)?", a.date), a.date
        assert a.title and a.body and a.authors


def test_every_character_of_the_page_lands_exactly_once():
    page = Counter(_squash(SEED.read_text(encoding="utf-8")))
    page.pop("□", None)
    got = Counter()
    for a in _articles():
        text = _all_text(a)
        got.update(_squash(text))
    # Each section heading is written "label：sub-heading"; the page has no "：" there.
    n_sections = sum(len(a.meta.get("sections", [])) for a in _articles())
    got["："] -= n_sections
    assert +got == +page, {"missing": +(page - got), "extra": +(got - page)}


def test_every_sentence_is_in_order_in_exactly_one_article():
    page = _squash(SEED.read_text(encoding="utf-8"))
    arts = _articles()
    for a in arts:
        pos = 0
        for para in a.body.split("\n\n"):
            if para in a.meta.get("sections", []):
                continue
            for sent in re.findall(r"[^。！？]+[。！？]?”?", _squash(para)):
                at = page.find(sent, pos)
                assert at >= 0, (a.id, sent)
                pos = at  # sentences of one article appear in page order
                owners = [b.id for b in arts if sent in _squash(b.body)]
                assert owners == [a.id] or len(sent) < 8, (sent, owners)
