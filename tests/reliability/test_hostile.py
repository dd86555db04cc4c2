"""Hostile and broken input: each is reported by name (file, line, limit) and loses nothing else."""
import json
import re

import pytest

from rag.errors import InputError
from rag.index import Index
from rag.qa import answer

from ..conftest import ROOT

GOOD = "港口集装箱吞吐量创新高\n本报讯 6月，港口集装箱吞吐量达到86万标准箱，同比增长12%。"


def _ingest(ix_path, folder):
    ix = Index(ix_path)
    return ix, ix.ingest([folder])


def test_a_folder_of_hostile_files_ingests_the_good_ones(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (src / "nul.txt").write_bytes("NUL标题\n正文\x00中间有\x00空字节。".encode("utf-8"))
    (src / "gbk.txt").write_bytes("国标编码\n这是一篇GBK编码的文章。".encode("gbk"))
    (src / "utf16.txt").write_bytes("十六位编码\n这是一篇UTF-16编码的文章。".encode("utf-16"))
    (src / "crlf.txt").write_bytes("换行混杂\r\n第一行。\r第二行。\n第三行。".encode("utf-8"))
    (src / "zw.txt").write_text("零宽字符\n零\u200b宽\u200d字符与全角数字１２３和表情😀都在这里。", encoding="utf-8")
    (src / "huge.txt").write_bytes(("很" * 1000 + "\n").encode("utf-8") * 17000)       # ~51 MB
    (src / "longline.txt").write_text("一行\n" + "长" * 1_000_000, encoding="utf-8")      # one 1M-char line
    (src / "feed.jsonl").write_text(json.dumps({"id": "j1", "title": "甲", "text": "第一条。"}, ensure_ascii=False)
                                    + "\n{broken\n" + json.dumps({"id": "j2", "title": "乙", "text": "第二条。"},
                                                                 ensure_ascii=False), encoding="utf-8")
    (src / "page.html").write_text("<title>网页</title><script>steal()</script><style>x{}</style><p>网页正文。</p>",
                                   encoding="utf-8")
    (src / "notes.xyz").write_text("unsupported", encoding="utf-8")
    ix, rep = _ingest(tmp_path / "ix", src)
    problems = "\n".join(rep.problems)
    assert set(rep.added) == {"good", "nul", "gbk", "utf16", "crlf", "zw", "j1", "j2", "page"}, rep.to_dict()
    assert re.search(r"empty\.txt: empty file", problems)
    assert re.search(r"binary\.txt: .*binary|binary\.txt: unreadable", problems)
    assert re.search(r"huge\.txt: .*over the 200,000 limit", problems)
    assert re.search(r"longline\.txt: .*1,000,000 characters, over the 200,000 limit", problems)
    assert re.search(r"feed\.jsonl:2: invalid JSON", problems)
    assert re.search(r"notes\.xyz: unsupported file type", problems)
    assert "\x00" not in ix.article("nul")["body"]
    assert "\u200b" not in ix.article("zw")["body"] and "😀" in ix.article("zw")["body"]
    assert "\r" not in ix.article("crlf")["body"]
    assert "steal" not in ix.article("page")["body"]


def test_ten_thousand_small_files(tmp_path):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(10_000):
        # ten distinct stories, each reposted a thousand times
        (src / f"f{i:05d}.txt").write_text(f"快讯{i % 10}\n本报讯 第{i % 10}号仓库新增货架{i % 10 * 7}组。", encoding="utf-8")
    ix, rep = _ingest(tmp_path / "ix", src)
    assert len(rep.added) == 10
    assert len(rep.duplicates) == 9_990
    assert ix.stats()["articles"] == 10 and not rep.problems


@pytest.mark.parametrize("q,msg", [("", "empty"), ("   \n\t", "empty"), ("问" * 10_000, "limit is 1000")])
def test_bad_questions_name_the_problem(fixture_index, q, msg):
    with pytest.raises(InputError, match=msg):
        answer(q, index=fixture_index, llm="extractive")


def test_punctuation_and_markup_questions_refuse_cleanly(fixture_index):
    for q in ["？？？！！！", "<script>alert(1)</script>", "**粗体** [链接](http://x)"]:
        a = answer(q, index=fixture_index, llm="extractive")
        assert a.refused and a.text


def test_no_pickle_or_unsafe_loading_in_code():
    pattern = re.compile(r"import pickle|from pickle|pickle\.loads?\(|allow_pickle\s*=\s*True|"
                         r"allow_dangerous_deserialization|torch\.load\(|\.load_local\(|import dill|joblib\.load")
    offenders = []
    for folder in ("rag", "vectorstore", "ui", "scripts"):
        for f in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, offenders
