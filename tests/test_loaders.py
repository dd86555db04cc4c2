import json

import pytest

from rag.loaders import decode, iter_files, load_file, parse_date

TEXT = "枣庄锂电产业\n二手车出口退税流程从20天减到3天。"


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_encodings_round_trip(tmp_path, enc):
    p = tmp_path / f"a-{enc}.txt"
    p.write_bytes(TEXT.encode(enc))
    res = load_file(p)
    assert not res.problems
    a = res.articles[0]
    assert a.title == "枣庄锂电产业"
    assert a.body == "二手车出口退税流程从20天减到3天。"


def test_binary_and_empty_files_are_reported_by_name(tmp_path):
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "empty.md").write_bytes(b"")
    for name, word in (("bin.txt", "binary"), ("empty.md", "empty")):
        res = load_file(tmp_path / name)
        assert not res.articles
        assert name in str(res.problems[0]) and word in str(res.problems[0])


def test_jsonl_bad_line_reported_with_line_number_rest_kept(tmp_path):
    p = tmp_path / "feed.jsonl"
    rows = [json.dumps({"id": "a", "title": "甲", "text": "第一篇。", "date": "2025年7月1日"}, ensure_ascii=False),
            "{not json",
            json.dumps({"id": "b", "title": "乙", "text": "第二篇。"}, ensure_ascii=False),
            json.dumps({"id": "c", "title": "丙"}, ensure_ascii=False)]
    p.write_text("\n".join(rows), encoding="utf-8")
    res = load_file(p)
    assert [a.id for a in res.articles] == ["a", "b"]
    assert res.articles[0].date == "2025-07-01"
    msgs = [str(e) for e in res.problems]
    assert any(m.startswith(f"{p}:2:") for m in msgs), msgs
    assert any(m.startswith(f"{p}:4:") and "no text" in m for m in msgs), msgs


def test_html_drops_scripts_and_styles(tmp_path):
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>新闻标题</title><style>p{color:red}</style></head><body>"
                 "<script>alert('x')</script><p>第一段。</p><p>第二段&amp;更多。</p></body></html>", encoding="utf-8")
    a = load_file(p).articles[0]
    assert a.title == "新闻标题"
    assert "alert" not in a.body and "color" not in a.body
    assert "第一段。" in a.body and "第二段&更多。" in a.body


def test_markdown_front_matter_and_bad_front_matter(tmp_path):
    good = tmp_path / "g.md"
    good.write_text('---\nid: x1\ntitle: 标题\ndate: 2025-07-22\nauthors: [张三]\n---\n\n## 小标题\n\n正文。\n', encoding="utf-8")
    a = load_file(good).articles[0]
    assert (a.id, a.title, a.date, a.authors) == ("x1", "标题", "2025-07-22", ["张三"])
    assert a.body == "小标题\n\n正文。"
    bad = tmp_path / "b.md"
    bad.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    res = load_file(bad)
    assert not res.articles and "front matter" in str(res.problems[0])


def test_docx_and_pdf(tmp_path):
    import docx
    d = docx.Document()
    d.core_properties.title = "文档标题"
    d.add_paragraph("第一段内容。")
    d.add_paragraph("第二段内容。")
    d.save(tmp_path / "a.docx")
    a = load_file(tmp_path / "a.docx").articles[0]
    assert a.title == "文档标题" and a.body == "第一段内容。\n\n第二段内容。"

    # A minimal one-page PDF written by hand (ASCII text: no CJK font needed).
    stream = b"BT /F1 12 Tf 72 720 Td (Harbor traffic rose 12 percent in June.) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    (tmp_path / "p.pdf").write_bytes(out)
    res = load_file(tmp_path / "p.pdf")
    assert not res.problems, res.problems
    assert "Harbor traffic rose 12 percent" in res.articles[0].body


def test_symlink_escaping_the_folder_is_refused(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    (inside / "ok.txt").write_text("标题\n正文。", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("机密\n不应被收录。", encoding="utf-8")
    (inside / "link.txt").symlink_to(secret)
    files, problems = iter_files([inside])
    assert [f.name for f in files] == ["ok.txt"]
    assert "outside" in str(problems[0]) and "link.txt" in str(problems[0])


def test_dates():
    assert parse_date("2025/7/2") == "2025-07-02"
    assert parse_date("2025年07月") == "2025-07"
    with pytest.raises(ValueError):
        parse_date("yesterday")


def test_decode_prefers_utf8():
    assert decode("退税".encode("utf-8"), "x") == "退税"


def test_compressed_feeds_in_a_folder_are_found_and_streamed(tmp_path):
    import gzip
    import lzma
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "g1", "text": "第一篇。", "published": "2023-07-01 08:00"}, ensure_ascii=False) + "\n")
    (tmp_path / "b.jsonl.xz").write_bytes(lzma.compress(
        json.dumps({"id": "x1", "content": "第二篇。"}, ensure_ascii=False).encode()))
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress("标题\n正文。".encode()))
    files, problems = iter_files([tmp_path])
    assert sorted(f.name for f in files) == ["a.jsonl.gz", "b.jsonl.xz"]
    assert "c.txt.gz" in str(problems[0])
    a = load_file(tmp_path / "a.jsonl.gz").articles[0]
    assert (a.id, a.date, a.meta["date_status"]) == ("g1", "2023-07-01", "parsed")
    assert load_file(tmp_path / "b.jsonl.xz").articles[0].body == "第二篇。"
