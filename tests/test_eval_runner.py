"""`rag eval` end to end on tiny sets: report keys, per-question rows, HTML, compare, floors."""
import json
import subprocess
import sys

from rag.evaluation import runner

from .conftest import ROOT

REPORT_KEYS = {"n", "retrieval", "answer", "citation", "refusal", "latency_ms", "config"}


def _seed_file(tmp_path):
    rows = [
        {"id": "a", "question": "地铁9号线二期工程全长多少公里？", "answers": ["12.6公里"], "answerable": True,
         "article_ids": ["metro-line-9"], "category": "number"},
        {"id": "b", "question": "春茶博览会签约金额达到多少？", "answers": ["4.8亿元"], "answerable": True,
         "article_ids": ["spring-tea-fair"], "category": "number"},
        {"id": "c", "question": "春茶博览会的金奖茶叶是哪一款？", "answers": [], "answerable": False,
         "category": "unanswerable"},
        {"id": "d", "question": "那每斤卖多少钱？", "answers": ["25元至40元"], "answerable": True,
         "article_ids": ["cherry-harvest"], "history": [["南山村的樱桃今年预计产量是多少？", "180万斤"]],
         "category": "followup"},
    ]
    p = tmp_path / "mini.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return p


def test_seed_style_eval_writes_reports(fixture_index, tmp_path):
    out = tmp_path / "out"
    rep = runner.run(_seed_file(tmp_path), llm="extractive", index=fixture_index, out=out)
    assert REPORT_KEYS <= set(rep)
    assert rep["n"] == 4
    assert rep["answer"]["accuracy"] == 1.0, [json.loads(l) for l in (out / "results.jsonl").read_text().splitlines()]
    assert {k: rep["refusal"][k] for k in ("precision", "recall", "false_refusal")} == {
        "precision": 1.0, "recall": 1.0, "false_refusal": 0.0}
    assert rep["refusal"]["rule_refusals_with_answer_in_top_chunk"] == 0
    assert rep["citation"]["precision"] == 1.0 and rep["citation"]["recall"] == 1.0
    assert rep["retrieval"]["recall@5"] == 1.0
    assert rep["retrieval"]["document"]["recall@5"] == 1.0 and rep["retrieval"]["in_sources"] == 1.0
    rows = [json.loads(l) for l in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} == {"a", "b", "c", "d"} and all("scores" in r for r in rows)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "recall@k" in html
    assert json.loads((out / "report.json").read_text())["n"] == 4


def test_squad_style_eval_builds_an_isolated_index(tmp_path, rag_home):
    data = {"version": "t", "data": [
        {"title": "港口", "id": "p", "paragraphs": [{"id": "P1", "context": "本港今年集装箱吞吐量达到86万标准箱，同比增长12%。",
                                                      "qas": [{"id": "q1", "question": "集装箱吞吐量达到多少？",
                                                               "answers": [{"text": "86万标准箱", "answer_start": 12}]}]}]},
        {"title": "樱桃", "id": "c", "paragraphs": [{"id": "P2", "context": "南山村樱桃每斤售价在25元至40元之间。",
                                                      "qas": [{"id": "q2", "question": "樱桃每斤卖多少钱？",
                                                               "answers": [{"text": "25元至40元", "answer_start": 11}]}]}]}]}
    f = tmp_path / "mini_squad.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rep = runner.run(f, retrieval_only=True)
    assert rep["retrieval"]["recall@1"] == 1.0 and rep["n"] == 2
    assert "answer" not in rep  # retrieval only
    rep2 = runner.run(f, llm="extractive")
    assert rep2["answer"]["accuracy"] == 1.0 and rep2["answer"]["f1"] > 0


def test_compare_and_floors_from_the_cli(fixture_index, tmp_path):
    a = {"n": 2, "retrieval": {"recall@1": 0.5}, "answer": {"f1": 40.0}}
    b = {"n": 2, "retrieval": {"recall@1": 0.75}, "answer": {"f1": 38.0}}
    (tmp_path / "a.json").write_text(json.dumps(a))
    (tmp_path / "b.json").write_text(json.dumps(b))
    out = subprocess.run([sys.executable, "-m", "rag.cli", "eval", "--compare", str(tmp_path / "a.json"),
                          str(tmp_path / "b.json")], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "retrieval.recall@1" in out and "+0.2500" in out and "-2.0000" in out
    assert runner.check_floors(b, {"retrieval.recall@1": 0.7, "answer.f1": 39}) == [
        "answer.f1 = 38.0000 is below the floor 39"]
    assert runner.check_floors(b, {"min": {"answer.f1": 30}, "max": {"retrieval.recall@1": 0.7}}) == [
        "retrieval.recall@1 = 0.7500 is above the ceiling 0.7"]
    assert runner.check_floors(b, {"max": {"latency_ms.answer_p50": 10}}) == ["latency_ms.answer_p50: missing from the report"]


def test_unreadable_reports_and_floors_name_the_file_before_any_work(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"n": 1}))
    (tmp_path / "bad.json").write_text("{not json")
    cases = [["--compare", str(tmp_path / "a.json"), str(tmp_path / "missing.json")],
             ["--compare", str(tmp_path / "bad.json"), str(tmp_path / "a.json")],
             # the floors file is read before the eval starts: this returns in seconds, not after a run
             ["evals/seed_qa.jsonl", "--llm", "extractive", "--floors", str(tmp_path / "missing.json")]]
    for args, name in zip(cases, ["missing.json", "bad.json", "missing.json"]):
        r = subprocess.run([sys.executable, "-m", "rag.cli", "eval", *args], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
        assert r.returncode == 1 and name in r.stderr and "Traceback" not in r.stderr, r.stderr


def _mini_squad(tmp_path, extra_q=None):
    qas = [{"id": "q1", "question": "集装箱吞吐量达到多少？", "answers": [{"text": "86万标准箱", "answer_start": 12}]}]
    if extra_q:
        qas += extra_q
    data = {"version": "t", "data": [
        {"title": "港口", "id": "p", "paragraphs": [
            {"id": "P1", "context": "本港今年集装箱吞吐量达到86万标准箱，同比增长12%。", "qas": qas},
            {"id": "P1b", "context": "港口新建的三号码头于今年春天投入使用，可停靠十万吨级货轮。", "qas": []}]},
        {"title": "樱桃", "id": "c", "paragraphs": [{"id": "P2", "context": "南山村樱桃每斤售价在25元至40元之间。",
                                                      "qas": [{"id": "q2", "question": "樱桃每斤卖多少钱？",
                                                               "answers": [{"text": "25元至40元", "answer_start": 11}]}]}]}]}
    f = tmp_path / "mini_squad.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return f


def test_bad_rows_are_skipped_counted_and_listed(fixture_index, tmp_path, rag_home):
    # CMRC 2018 trial has questions with an empty `question` field: the run goes on
    f = _mini_squad(tmp_path, [{"id": "empty", "question": "  ", "answers": [{"text": "12%", "answer_start": 21}]}])
    rep = runner.run(f, retrieval_only=True, out=tmp_path / "o")
    assert rep["n"] == 2 and rep["skipped"]["n"] == 1 and rep["skipped"]["rows"][0]["id"] == "empty"
    assert "empty" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    # a JSONL row that is not JSON, or lacks its question, is skipped with its line number
    p = _seed_file(tmp_path)
    p.write_text(p.read_text(encoding="utf-8") + '\n{"id": "broken", \n{"id": "noq", "answers": []}\n', encoding="utf-8")
    rep = runner.run(p, llm="extractive", index=fixture_index)
    assert rep["n"] == 4 and [r["line"] for r in rep["skipped"]["rows"]] == [5, 6]
    assert all("mini.jsonl" in r["error"] for r in rep["skipped"]["rows"])


def test_negatives_ask_each_question_again_without_its_gold_passages(tmp_path, rag_home):
    rep = runner.run(_mini_squad(tmp_path), llm="extractive", negatives=True, out=tmp_path / "o")
    rows = [json.loads(l) for l in (tmp_path / "o" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    twins = [r for r in rows if r["id"].endswith("~neg")]
    assert len(twins) == 2 and all(r["category"] == "gold_removed" and not r["answerable"] for r in twins)
    # with its passages filtered out, no twin may cite them
    assert all("86万" not in r["answer"] and "25元" not in r["answer"] for r in twins), twins
    assert rep["refusal"]["recall"] == 1.0 and rep["answer"]["accuracy_answerable"] == 1.0
    assert rep["sweep"] and {"threshold", "refusal_recall", "false_refusal", "containment"} <= set(rep["sweep"][0])
    assert "threshold sweep" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_index_is_accepted_before_or_after_the_subcommand(tmp_path):
    from rag.cli import build_parser
    p = build_parser()
    assert p.parse_args(["ingest", "x", "--index", "D"]).index == "D"
    assert p.parse_args(["--index", "D", "search", "q"]).index == "D"
    assert p.parse_args(["search", "q", "--index", "E"]).index == "E"
    assert p.parse_args(["stats"]).index is None


def test_each_citation_is_checked_against_the_claim_it_stands_behind():
    assert runner._claims("中信银行：200万元[1]；泰隆银行：80万元[2]") == {1: "200万元", 2: "80万元"}
    assert runner._claims("3天[1]") == {1: "3天"}
    assert runner._claims("青山水库：资料中没有找到；南山樱桃：50吨[1]") == {1: "50吨"}


def test_document_rank_counts_each_document_once():
    # an article's chunks cluster on a question it answers: a gold article behind three
    # chunks of one other article and one of another is the third document, not the fifth
    from rag.types import Hit
    hits = [Hit(chunk_id=f"{a}#{n}", article_id=a, title="", date=None, start=0, end=1, text="", score=0.0)
            for a, n in (("x", 0), ("x", 1), ("x", 2), ("y", 0), ("gold", 3), ("z", 0))]
    assert runner.document_rank(hits, {"gold"}.__contains__) == 3
    assert runner.document_rank(hits, {"none"}.__contains__) is None


def test_english_questions_are_ranked_as_the_answer_path_searches_them(fixture_index, tmp_path, monkeypatch):
    # without a model the answer path searches an English question by meaning only; its
    # English words matched by keyword would rank by whichever article has "the" and "of"
    row = {"id": "e", "question": "How long is the second phase of Metro Line 9?", "answers": ["12.6公里"],
           "answerable": True, "article_ids": ["metro-line-9"], "category": "english"}
    p = tmp_path / "en.jsonl"
    p.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    seen = []
    real = runner.search

    def spy(index, query, k=None, **kw):
        seen.append(kw.get("dense_only"))
        return real(index, query, k, **kw)
    monkeypatch.setattr(runner, "search", spy)
    rep = runner.run(p, retrieval_only=True, index=fixture_index)
    assert seen == [True]
    assert rep["retrieval"]["document"]["recall@1"] == 1.0
