"""Candidates that put their answer in the slot the question asks about (rag/pinpoint.py)."""
from rag.pinpoint import name_reach, number_reach, reach
from rag.types import Article


def test_a_number_followed_by_the_questions_words_after_how_many():
    q = "上海G15嘉浏段拓宽改建工程中，项目团队需要改建多少座中小桥梁？"
    quote = "项目团队需要改建6座大桥、23座中小桥梁，以及2处箱涵。"
    assert number_reach(q, quote) == 5                       # 23|座中小桥梁
    assert number_reach(q, quote, quote.find("6座")) == 1    # 6|座 (大桥): the unit alone
    assert reach(q, quote, "23", None) == 5 and reach(q, quote, "6", None) == 1
    # 87个脱贫县, not 127个乡村振兴重点帮扶县, for 走进多少个脱贫县
    q = "截至2022年该集团已走进多少个脱贫县？"
    assert number_reach(q, "金域医学已走进17个省份87个脱贫县") == 4
    assert number_reach(q, "覆盖了127个乡村振兴重点帮扶县") == 1


def test_asked_how_tall_the_number_right_after_tall():
    q = "8月10日封顶的新市金沙江特大桥，其位于云南岸的主塔有多高？"
    assert number_reach(q, "此次封顶主塔位于大桥云南岸，主跨680米，高297.51米，相当于100层楼高") == 3
    assert number_reach(q, "新市金沙江特大桥全长1867米") == 0
    assert number_reach("主塔有多高？", "主塔塔高297米") == 3
    # 长 inside another word (时长) is not the length asked of 睡眠时间
    assert number_reach("深圳人的平均睡眠时间有多长？", "中国民众每晚平均睡眠时长为7.40小时") == 0


def test_the_role_asked_about_runs_up_to_the_name():
    q = "7月31日被通报接受审查调查的海关总署动植物检疫司副司长是谁？"
    right = "海关总署动植物检疫司副司长王新武涉嫌严重违纪违法"
    other = "今年1月16日，海关总署口岸监管司副司长窦树龙也被通报正在接受审查"
    assert name_reach(q, right) > name_reach(q, other) >= 2
    # a transliterated name jieba does not know, and the model's answer when it gave one
    q = "撤离途中伤重身亡的俄罗斯记者叫什么名字？"
    assert name_reach(q, "有4名记者受伤，其中记者罗斯季斯拉夫·茹拉夫廖夫在撤离途中伤重身亡。") == 2
    assert name_reach(q, "俄罗斯外交部发言人扎哈罗娃表示", "扎哈罗娃") == 0
    # a question without either shape has no pinpoint
    assert reach("扬州运河三湾生态文化公园是哪一天建成对外开放的？", "2017年9月29日，三湾公园建成开放。", None, None) == 0


def test_decide_serves_the_pinpointing_candidate_over_a_likelier_one(tmp_path, rag_home):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag import stages
    from rag.answerability import Candidate, Decider
    from rag.index import Index
    ix = Index(tmp_path / "ix")
    body = "该项目全长12公里，项目团队需要改建6座大桥。项目团队还需要改建23座中小桥梁。"
    ix.add_articles([Article(id="a", title="拓宽改建", date="2023-08-10", body=body)])
    from rag.retriever import search
    hit = search(ix, "项目团队需要改建多少座中小桥梁？", 1)[0]
    first, second = hit.text.find("该项目"), hit.text.find("项目团队还")
    run = stages.Run(question="项目团队需要改建多少座中小桥梁？", index=ix, cfg=ix.config,
                     model=FakeListChatModel(responses=["x"]), model_name="fake", k=1)
    stages.rewrite(run)
    run.hits = [hit]
    run.candidates = [Candidate(hit, first, second, 0, "llm", "6座", evidence=0.9),
                      Candidate(hit, second, len(hit.text), 0, "extractive", None, evidence=0.4)]
    likeliest = Decider(("evidence",), (0.5,), (0.1,), (1.0,), 0.0, 0.01, {"policy": "likeliest"})
    d = stages.decide(run, likeliest)
    assert not d.refused and d.candidate.source == "extractive"
    assert stages.assemble(run, d).text.startswith("23座")


def test_the_noun_the_question_measures_must_be_in_the_quote():
    q = "河南黄河湿地国家级自然保护区三门峡段目前记录到的鸟类有多少种？"
    assert number_reach(q, "而鸟类从2003年保护区设立前的175种，则增加到了目前的315种") >= 3
    assert number_reach(q, "如今，在黄河湿地保护区三门峡段，分布有野生动物1066种、昆虫582种") == 0
    # after the number as well as before it
    assert number_reach("今年沈阳全市计划整治楼道供热设施的小区有几个？", "814个小区") >= 3
