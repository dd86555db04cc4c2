"""The decision stages: constraints read from the question, the answer span, the noun
check's question phrases, and a refusal that says which stage decided and why."""
from datetime import date

import pytest

from rag.checks import question_nouns
from rag.constraints import kind_matches, of_question, violations
from rag.span import answer_span
from rag.types import Article


def test_constraints_read_years_months_ordinals_and_kind():
    c = of_question("2021年全市GDP是多少？")
    assert c.years == [2021] and c.kind == "number"
    assert of_question("去年的冠军是谁？", as_of=date(2023, 8, 20)).years == [2022]
    assert of_question("第二届论坛在哪里举行？").ordinals == ["第二届"] and of_question("第二届论坛在哪里举行？").kind == "place"
    assert of_question("7月份出口增长了多少？").months == [7]
    assert of_question("会议什么时候召开？").kind == "date"
    # 哪个县/哪国 ask for a place, 哪个合唱团/哪家医院 for an organisation, like 哪里 and 哪家公司
    assert of_question("收到假币的任大爷是在湖北哪个县？").kind == "place"
    assert of_question("哪国的选手夺冠？").kind == "place"
    assert of_question("比赛的第一名是哪个合唱团？").kind == "person"
    assert kind_matches("person", "他被送往舍巴医院急诊室。") and not kind_matches("person", "他被送往急诊室。")
    byline = "深圳新闻网2023年7月28日讯（记者 张姗 通讯员 张丽芳 蒙单妮）7月26日，福城街道亲邻之家启动运营。"
    assert kind_matches("person", byline) is False


def test_a_figure_of_another_year_or_ordinal_violates_the_question():
    c = of_question("2021年全市GDP是多少？")
    assert violations(c, "2020年全市GDP为500亿元。", "2020年全市GDP为500亿元。", "2021-03-01")
    assert not violations(c, "2021年全市GDP为530亿元。", "", "2022-01-01")
    # an undated figure in an article of the asked year is not contradicted
    assert not violations(c, "全市GDP为530亿元。", "全市GDP为530亿元。", "2021-12-30")
    assert violations(of_question("第二届论坛有多少人参加？"), "第一届论坛有500人参加。", "第一届论坛", None)
    # 第一 and 第1 are one ordinal
    assert not violations(of_question("西米德兰兹郡的第一大城市是什么？"), "伯明翰是第1大城市。", "", None)
    assert not violations(of_question("第12届运动会在哪里举行？"), "第十二届运动会在成都举行。", "", None)
    assert not violations(of_question("香港杜鹃第一次被发现是在什么时候？"), "于1847年在香港岛首次发现。", "", None)
    # a site that spaces digits from Chinese writes the same ordinal (第 50 万台 is 第50万台)
    assert not violations(of_question("长城炮第50万台整车是在哪个工厂下线的？"), "长城炮在重庆智慧工厂迎来第 50 万台整车下线", "", None)
    # past 99 there is no Chinese form to compare, only the number as written
    assert violations(of_question("第133届广交会有多少采购商？"), "第134届广交会吸引了20万名采购商。", "", None)
    assert kind_matches("number", "参会者达500人") and kind_matches("number", "会议圆满结束") is False


def test_question_phrases_leave_no_fragments_for_the_noun_check():
    # jieba cuts 多大面积 into 多/大面积: 大面积 is not a noun the articles must contain
    assert "大面积" not in question_nouns("枣庄在塔什干建成的综合展厅有多大面积？")
    assert "面积" in question_nouns("枣庄在塔什干建成的综合展厅有多大面积？")
    assert not any(len(t) < 2 or t.startswith(("多", "哪")) for t in question_nouns("这家公司成立了多少年？哪一年上市？"))
    # the noun after 哪 names the kind of answer (明朝 answers 哪个朝代 without the word)
    assert "朝代" not in question_nouns("施護是哪一個朝代的人?")
    assert question_nouns("嘉定府是在哪个朝代所设立的?") == ["嘉定"]
    # jieba glues the word before an unknown name to it (和昆凌, 於北魏 -> 于北魏): not the name
    assert "昆凌" in question_nouns("周杰伦和昆凌是哪一天举行婚礼的？")
    assert "北魏" in question_nouns("哪一個事件於445-446年時於北魏發生?")
    # ... but a name may begin with such a character (于和伟, 和林格尔县)
    assert "于和伟" in question_nouns("于和伟主演了哪部剧？")
    assert "和林格尔县" in question_nouns("内蒙古和林格尔县在哪里？")


class _Vocab:
    """An index as far as the noun check reads it: which words its BM25 vocabulary holds."""
    def __init__(self, words):
        self.words = set(words)

    def idf(self, t):
        return 1.0 if t in self.words else None


def test_a_compound_whose_parts_the_articles_hold_is_not_missing():
    from rag.checks import missing_terms
    vocab = _Vocab(["青海", "地区", "清朝", "管理", "机构"])
    # 青海地区 is one dictionary word; the articles say 青海 ... 地区 (the stray 海地 does not count)
    assert missing_terms("清朝时哪一机构会管理青海地区？", vocab, []) == []
    assert missing_terms("清朝时哪一机构会管理西藏地区？", vocab, []) == ["西藏地区"]


@pytest.mark.parametrize("q,quote,want", [
    ("改革后，二手车出口退税流程需要几天？", "改革后，机动车转让待出口登记从3天缩至1天，通关时间缩短70%，退税流程从20天减到3天。", "3天"),
    ("改革前二手车出口退税流程要多少天？", "改革后，退税流程从20天减到3天。", "20天"),   # 从A到B: A is before
    ("市中区培育了多少所“全国校园足球特色学校”？", "培育了26所“全国校园足球特色学校”和3所“全国足球特色幼儿园”", "26所"),
    ("有多少所全国足球特色幼儿园？", "培育了26所“全国校园足球特色学校”和3所“全国足球特色幼儿园”", "3所"),
    ("上半年有几项指标增速居全省前5位？", "全市15项主要经济指标增速高于全省平均水平，8项居全省前5位。", "8项"),
    ("樱桃每斤卖多少钱？", "南山村樱桃每斤售价在25元至40元之间。", "25元至40元"),
    ("全长多少公里？", "地铁9号线二期工程全长12.6公里，设站8座。", "12.6公里"),
    ("吞吐量达到多少？", "本港集装箱吞吐量达到86万标准箱。", None),      # no unit asked: keep the sentence
    ("谁主持了会议？", "会议由张宏伟主持。", None),                      # people are not cut out
    ("三停一休从什么时候开始实行？", "漳州市决定自7月27日中午12时起实行“三停一休”。", "7月27日中午12时"),
    # 第二次 is an ordinal: the amount is 2次, in the other clause
    ("预约后未取消、爽约几次的账号会被冻结预约资格？", "预约未取消爽约2次的账号，将在第二次爽约次日起30天内被冻结预约资格", "2次"),
])
def test_answer_span_is_the_asked_number_or_nothing(q, quote, want):
    span = answer_span(q, quote)
    assert (quote[span[0]:span[1]] if span else None) == want


@pytest.fixture()
def year_index(tmp_path, rag_home):
    from rag.index import Index
    ix = Index(tmp_path / "ix")
    body = ("本报讯 市统计局发布数据，2020年全市地区生产总值为520亿元，同比增长3.1%。"
            "其中第三产业增加值为260亿元。统计局表示，全市经济运行总体平稳。")
    other = "本报讯 市体育局介绍，今年全民健身运动会将设12个大项，预计参赛人数超过2万人。"
    ix.add_articles([Article(id="gdp-2020", title="去年全市经济运行平稳", body=body, date="2021-02-10"),
                     Article(id="sports", title="全民健身运动会开幕", body=other, date="2021-05-01")])
    return ix


def test_a_question_about_another_year_is_refused_with_the_reason(year_index):
    from rag.qa import answer
    from ui.render import render_answer
    ok = answer("2020年全市地区生产总值是多少？", llm="extractive", index=year_index)
    assert not ok.refused and "520亿元" in ok.text and ok.decision["stage"] == "decide"
    ans = answer("2021年全市地区生产总值是多少？", llm="extractive", index=year_index)
    assert ans.refused and not ans.citations
    assert ans.decision["stage"] == "decide" and "2021" in ans.decision["reason"] and "2020" in ans.decision["reason"]
    assert "2020" in render_answer(ans)     # the reader sees why under the refusal
    assert ans.to_dict()["decision"]["refused"] is True


def test_a_noun_no_article_contains_is_weighed_and_named_in_the_reason(year_index):
    from rag.qa import answer
    ans = answer("全民健身运动会的冠军是谁？", llm="extractive", index=year_index)
    assert ans.refused and ans.decision["stage"] == "decide" and "冠军" in ans.decision["reason"]
    assert ans.decision["candidate"]["features"]["missing_terms"] == 1.0


def test_two_part_questions_are_split_and_both_halves_cited(fixture_index):
    from rag.multipart import split_question
    from rag.qa import answer
    assert [lab for lab, _ in split_question("上海和北京7月的CPI分别是多少？")] == ["上海", "北京"]
    assert split_question("地铁9号线二期工程全长多少公里？") is None
    # two questions in one message are two halves, each labelled by itself
    assert [lab for lab, _ in split_question("迪脉被上海市市场监管局罚款多少？新余那家水果店又受到了什么处理？")] == [
        "迪脉被上海市市场监管局罚款多少", "新余那家水果店又受到了什么处理"]
    # ... unless the second leans on the first
    assert split_question("这家公司成立了多少年？哪一年上市？") is None
    # the halves are labelled as the reader wrote them (case, script), not normalized
    assert [lab for lab, _ in split_question("新款LC 500h和北汽SUV的售价分别是多少？")] == ["新款LC 500h", "北汽SUV"]
    assert [lab for lab, _ in split_question("漳州和廈門的“三停一休”分別從什麼時候開始？")] == ["漳州", "廈門"]
    # jieba reads 和泰隆 as a name: the split works on characters around the conjunction
    assert [lab for lab, _ in split_question("中信银行济宁分行和泰隆银行丽水分行这次分别被罚了多少钱？")] == [
        "中信银行济宁分行", "泰隆银行丽水分行"]
    # a date in front is shared by both halves
    halves = [q for _, q in split_question("8月18日云南城投和蒙草生态的主力资金分别净卖出多少？")]
    assert halves[1].startswith("8月18日，蒙草生态")
    # ... and kept apart from the name: jieba cuts 8月18日蒙草生态 into 日蒙草, a noun no article holds
    from rag.checks import question_nouns
    assert "日蒙草" not in question_nouns(halves[1]) and "蒙草" in "".join(question_nouns(halves[1]))
    a = answer("南山樱桃和青山水库的冷库分别能储存多少吨？", llm="extractive", index=fixture_index)
    # the articles give 南山村's cold store only: one half answered with its citation, the other named as missing
    assert not a.refused and "青山水库：资料中没有找到" in a.text and len(a.citations) == 1, (a.text, a.notes)
    assert a.citations[0].article_id == "cherry-harvest" and "[1]" in a.text and a.decision["stage"] == "multipart"


def test_two_part_questions_about_two_dates_or_with_a_relative_clause():
    from rag.multipart import split_question
    # two dates are the two halves, and what follows them is shared, even after a comma
    assert split_question("8月10日和8月16日的死亡人数分别是多少？") == [
        ("8月10日", "8月10日的死亡人数是多少?"), ("8月16日", "8月16日的死亡人数是多少?")]
    assert [q for _, q in split_question("截至10日和截至12日，山火的过火面积分别是多少？")] == [
        "截至10日,山火的过火面积是多少?", "截至12日,山火的过火面积是多少?"]
    # 的 after a verb belongs to the second name (被查的副主席), not to both halves
    assert [lab for lab, _ in split_question("新任市长和被免职的副市长分别是谁？")] == ["新任市长", "被免职的副市长"]


def test_a_model_answer_without_a_quote_is_served_with_the_sentence_that_supports_it(fixture_index):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.qa import answer
    # the README's case: the small model often writes only "答案：3天"
    ans = answer("地铁开通后从城东到火车站要多久？", llm=FakeListChatModel(responses=["答案：28分钟"]), index=fixture_index)
    assert not ans.refused and ans.text == "28分钟[1]", (ans.text, ans.notes)
    assert "28分钟" in ans.citations[0].quote


def test_what_a_person_is_called_asks_for_a_person_and_a_things_name_does_not():
    from rag.constraints import answer_kind
    assert answer_kind("江西安义县黄洲镇茅店村党总支原书记叫什么名字？") == "person"
    assert answer_kind("当时决定临停的列车长叫什么？") == "person"
    assert answer_kind("韩国警方公布的行凶案嫌犯叫什么名字？") == "person"
    assert answer_kind("李成在香港大学新创建的研究中心叫什么名字？") is None
    assert answer_kind("俄罗斯开工建造的核动力破冰船叫什么名字？") is None
    assert answer_kind("这款陪伴老人的机器人叫什么名字？") is None


def test_months_periods_and_the_questions_own_numbers():
    c = of_question("美联储会议纪要提到，4月份美国CPI年率涨幅是多少？")
    assert violations(c, "6月份，CPI年率涨幅为3.0%。", "6月份，CPI年率涨幅为3.0%。", "2023-07-13")
    q = of_question("腾讯今年一季度的研发开支是多少？")
    assert q.periods == ["一季度"] and violations(q, "腾讯二季度研发开支达160亿元。", "", None)
    assert not violations(q, "一季度研发开支为150亿元，二季度为160亿元。", "", None)
    # a report named by its period is that period: the 半年报 is not answered from the 一季报
    h = of_question("鸿泉物联2023年半年报显示的主营收入是多少？")
    assert h.periods == ["上半年"] and violations(h, "鸿泉物联2023一季报显示，公司主营收入8500.62万元。", "", None)
    assert not violations(h, "公司2023年中报显示，主营收入1.9亿元。", "", None)
    assert of_question("他在报告中报道了什么？").periods == []
    # 同期 and 当月 point back at the sentence before: its month is the quote's
    j = of_question("2023年6月单月，华润置地的总合同销售金额是多少？")
    ctx = "6月单月销售额此前已公布。数据显示，7月份公司实现总合同销售金额约171.9亿元。同期，权益合同销售金额约103.3亿元。"
    assert violations(j, "同期，权益合同销售金额约103.3亿元。", ctx, "2023-08-10")
    assert not violations(j, "同期，权益合同销售金额约103.3亿元。", ctx.replace("7月份", "6月份"), "2023-08-10")
    assert of_question("今年下半年报名的考生有多少人？").periods == ["下半年"]
    # asked about 2016年's plan, a quote whose only number is that 2016 holds no answer
    k = of_question("拜登2016年领导的癌症计划一共投入了多少资金？")
    assert kind_matches(k.kind, "2016年，拜登领导了一项治疗癌症的计划。", k.question) is False
    assert kind_matches(k.kind, "2016年该计划投入18亿美元。", k.question) is True
    y = of_question("韩凤林是哪一年出生的？")
    assert kind_matches(y.kind, "8月17日，法院公开宣判。", y.question) is False
    assert kind_matches(y.kind, "韩凤林，1966年出生。", y.question) is True


def test_a_citation_says_how_many_others_reprinted_the_story(tmp_path, rag_home):
    from rag.index import Index
    from rag.qa import answer
    from ui.render import render_answer
    body = "本报讯 8月10日，市文旅局发布消息，今年暑期全市接待游客312万人次，同比增长18%。" * 2
    ix = Index(tmp_path / "ix")
    ix.add_articles([Article(id="later", title="暑期游客312万人次", body=body, date="2023-08-11")])
    ix.add_articles([Article(id="first", title="暑期游客312万人次", body=body, date="2023-08-10")])
    a = answer("今年暑期全市接待游客多少人次？", llm="extractive", index=ix)
    c = a.citations[0]
    assert c.article_id == "later" and c.also_reported_by == 1 and c.earliest["id"] == "first"
    assert "另有1家转载" in render_answer(a) and "first" in render_answer(a)


def test_a_signal_the_backend_cannot_give_weighs_nothing():
    # Milvus' fused hybrid_search returns no per-channel dense score: that is not similarity 0
    from rag.answerability import load
    d = load()
    base = {n: m for n, m in zip(d.names, d.mean)}
    assert d.score({**base, "dense": None}) == pytest.approx(d.score(base))
    assert d.score({**base, "dense": 0.0}) < d.score(base)


def test_an_index_saved_with_the_retired_evidence_threshold_still_opens():
    from rag.config import Config
    assert Config.from_dict({"min_evidence": 0.3, "k": 7}).k == 7


def test_relative_time_restricts_to_its_period_and_the_answer_says_so(tmp_path, rag_home):
    from datetime import date

    from rag.index import Index
    from rag.qa import answer
    ix = Index(tmp_path / "ix")
    ix.add_articles([
        Article(id="old", title="市区限电通知", body="本报讯 市供电公司通知，城东片区将停电检修，时长6小时。", date="2023-08-01"),
        Article(id="new", title="市区限电通知", body="本报讯 市供电公司通知，城东片区将停电检修，时长3小时。", date="2023-08-19")])
    a = answer("昨天通知的城东片区停电检修时长是多少小时？", llm="extractive", index=ix, as_of=date(2023, 8, 20))
    assert not a.refused and a.citations[0].article_id == "new" and "3小时" in a.text
    assert "2023-08-19" in a.text and any("昨天" in n for n in a.notes)
    # an explicit date is preferred, not required
    b = answer("8月1日通知的城东片区停电检修时长是多少小时？", llm="extractive", index=ix, as_of=date(2023, 8, 20))
    assert b.citations and b.citations[0].article_id == "old"


def _indexed_hit(tmp_path, article, query, holding=None):
    """An index of one article and the first hit for `query` (holding that text, if given)."""
    from rag.index import Index
    from rag.retriever import search
    ix = Index(tmp_path / "ix")
    ix.add_articles([article])
    return ix, next(h for h in search(ix, query, 10) if holding is None or holding in h.text)


def test_a_place_named_once_in_the_article_sets_the_scene_but_an_organisation_does_not(tmp_path, rag_home):
    from rag.checks import names_elsewhere
    filler = "".join(f"第{i}段介绍了灾后重建的进展情况，各部门加强协作，确保群众生活秩序尽快恢复正常。\n" for i in range(40))
    body = ("北京遭遇强降雨后，中信银行捐款支持救灾。\n" + filler +
            "市国资委此次组织北控集团、城建集团等7家市属国有企业到房山区开展援建工作。\n")
    ix, hit = _indexed_hit(tmp_path, Article(id="aid", title="援建工作启动", body=body, date="2023-08-10"),
                           "市国资委组织7家市属国有企业到房山区开展援建", holding="7家")
    assert "北京" not in ix.neighborhood("aid", int(hit.chunk_id.rsplit("#", 1)[1]))   # only far away
    assert "北京市" not in names_elsewhere("北京市国资委组织了几家市属国企到房山区开展援建？", ix, hit)
    # 北京地区 is 北京 too (found on CMRC twins: 香港地区, 西藏地区); 华北地区 is not named anywhere
    assert "北京地区" not in names_elsewhere("北京地区国资委组织了几家市属国企到房山区开展援建？", ix, hit)
    assert "华北地区" in names_elsewhere("华北地区国资委组织了几家市属国企到房山区开展援建？", ix, hit)
    # the words that name the kind of answer are not names the passage must hold (as for nouns):
    # jieba tags 城市 and 长度 as places, but 哪一个城市 asks for a city and 的长度是多少 for a length
    assert names_elsewhere("哪一个城市的市属国企到房山区开展援建？", ix, hit) == []
    assert names_elsewhere("房山区援建项目的长度是多少？", ix, hit) == []
    assert "中信银行" in names_elsewhere("中信银行组织了几家市属国企到房山区开展援建？", ix, hit)


def test_a_kind_of_public_body_is_not_a_name_the_passage_must_repeat(tmp_path, rag_home):
    from rag.checks import names_elsewhere
    body = "一名女子从月湖桥上跳入汉江，武汉市公安局硚口区交通大队辅警韩靖毫不犹豫跃入水中，将女子救起。"
    ix, hit = _indexed_hit(tmp_path, Article(id="rescue", title="辅警跳江救人", body=body, date="2023-07-28"), "辅警跳入汉江救起女子")
    # 交警大队 is the reader's word for 交通大队: which body is meant is 硚口's
    assert names_elsewhere("从月湖桥跳入汉江救起轻生女子的硚口交警大队辅警是谁？", ix, hit) == []
    # a body with its own name, or a school of a university, must still be named
    assert "厦门大学" in names_elsewhere("厦门大学的辅警是谁？", ix, hit)
    assert "音乐学院" in names_elsewhere("音乐学院的辅警是谁？", ix, hit)


def test_a_numbered_thing_the_article_never_mentions_blocks(tmp_path, rag_home):
    from rag.answerability import Candidate, features
    from rag.constraints import of_question
    body = "体彩超级大乐透第23088期开奖。本期全国开出一等奖4注，单注奖金797万余元。"
    ix, hit = _indexed_hit(tmp_path, Article(id="draw", title="大乐透开奖", body=body, date="2023-07-17"), "大乐透一等奖单注奖金")
    a = hit.text.index("本期")

    def judged(q):
        cand = Candidate(hit, a, hit.text.index("元", a) + 1, 0)
        features(q, cand, ix, lambda t: 1.0, of_question(q), 0)
        return cand
    other = judged("体彩超级大乐透23080期的一等奖单注奖金是多少？")
    assert other.blocked and any("23080" in w for w in other.why_not)
    same = judged("体彩超级大乐透23088期的一等奖单注奖金是多少？")
    assert not same.blocked, same.why_not


def test_a_province_before_a_county_the_article_names_only_qualifies_it(tmp_path, rag_home):
    from rag.checks import names_elsewhere
    body = "近日，安化县仙溪派出所破获一起盗窃蜂箱案。养蜂人熊先生发现加盟养蜂场的蜂箱少了8箱，于是报了警。"
    ix, hit = _indexed_hit(tmp_path, Article(id="bee", title="蜂箱被盗案告破", body=body, date="2023-08-10"), "熊先生蜂箱少了几箱")
    # a reader writes 湖南安化县; the local report never says 湖南
    assert names_elsewhere("湖南安化县仙溪派出所破获的盗窃案中，熊先生被偷了多少箱蜂箱？", ix, hit) == []
    # a province alone, or before something that is not a place the article names, must still be there
    assert "湖南" in names_elsewhere("湖南的熊先生被偷了多少箱蜂箱？", ix, hit)
    assert "湖南" in names_elsewhere("湖南桃江县的熊先生被偷了多少箱蜂箱？", ix, hit)
    # jieba tags 加盟 a place: only a county, city or district by its suffix is qualified
    assert "苏联" in names_elsewhere("苏联加盟共和国的熊先生被偷了多少箱蜂箱？", ix, hit)


def test_a_passing_sentence_with_the_asked_kind_is_served_before_a_higher_scored_one():
    from rag.answerability import Candidate
    from rag.stages import serve_order
    from rag.types import Hit
    h = Hit(chunk_id="a#0", article_id="a", title="", date=None, start=0, end=18, text="社区召开茶话会。党委书记罗月娥表示。", score=1.0)
    chat, named = Candidate(h, 0, 7, 0), Candidate(h, 7, 18, 0)
    chat.features, chat.score = {"kind_missing": 1.0}, 0.9
    named.features, named.score = {"kind_missing": 0.0}, 0.6
    assert max([chat, named], key=serve_order) is named
    chat.answer = "茶话会"   # the model's own answer still comes first
    assert max([chat, named], key=serve_order) is chat


def test_a_quote_stating_another_year_contradicts_whatever_its_paragraph_says():
    c = of_question("截至2021年12月31日，恒大集团的负债总额是多少？")
    ctx = "2021年和2022年，恒大合计亏损超过8000亿元。资产负债表显示，截至2022年12月31日，该集团负债总额超过2.43万亿元。"
    found = violations(c, "资产负债表显示，截至2022年12月31日，该集团负债总额超过2.43万亿元。", ctx, "2023-07-18")
    assert [k for k, _ in found] == ["year"] and "2022" in found[0][1]
    # a year it only compares against is not the year it reports
    y = of_question("2023年上半年营收增长了多少？")
    assert violations(y, "上半年营收较2022年同期增长15%。", "2023年上半年，公司营收较2022年同期增长15%。", "2023-08-01") == []
    # ... also when neither the quote nor its passage states the asked year (the reported
    # period is the article's own); and a figure compared against the asked year is a later one's
    half = "报告期内，公司合并层面营业收入 37080.65 万元，较 2022 年 H1 同比增长 5.75%"
    assert violations(of_question("视觉中国2023年上半年的营业收入是多少？"), half, half, "2023-08-17") == []
    found = violations(of_question("视觉中国2022年上半年的营业收入是多少？"), half, half, "2023-08-17")
    assert [k for k, _ in found] == ["year"] and "相比" in found[0][1]
    # 与…相比 compares; a plain 与 joins two reported years
    both = "2021年与2022年的产量分别为3吨和4吨。"
    assert violations(of_question("2022年的产量是多少？"), both, both, "2023-08-01") == []


def test_the_fit_treats_a_missing_signal_as_weighing_nothing():
    # Milvus' fused search and BM25-only hits carry no dense score: the fit must still give
    # finite weights (it gave NaN for every weight), and a None must score as the mean does
    import math
    from rag.answerability.fit import FIT_FEATURES, fit_rows
    rows = []
    for i in range(40):
        f = {n: 0.0 for n in FIT_FEATURES}
        f["evidence"] = (i % 10) / 10
        f["dense"] = None if i % 4 == 0 else 0.5 + (i % 10) / 20
        rows.append((f, int(i % 10 >= 5)))
    dec = fit_rows(rows, 1.0)
    assert all(math.isfinite(w) for w in dec.weights) and math.isfinite(dec.bias)
    mean_dense = dec.mean[FIT_FEATURES.index("dense")]
    assert dec.score({**rows[0][0], "dense": None}) == pytest.approx(dec.score({**rows[0][0], "dense": mean_dense}))


def test_a_quote_stating_another_month_contradicts_whatever_its_paragraph_lists():
    c = of_question("2023年7月的上海车牌拍卖，中标率是多少？")
    jan = "2023年：1月：合计拍卖总数11129辆，最低成交价92400元，中标率9%"
    assert [k for k, _ in violations(c, jan, jan + "7月：合计拍卖总数11835辆，中标率12.3%", "2023-08-01")] == ["month"]
    # a day in the quote is often only when the figure was published
    cpi = of_question("7月CPI同比涨幅是多少？")
    assert not violations(cpi, "国家统计局8月15日公布，CPI同比下降0.3%。", "7月份，国家统计局8月15日公布，CPI同比下降0.3%。", None)


def test_asked_when_the_quotes_month_is_the_answer_not_another_period():
    # the question's month dates another event; the deadline asked for lies in August
    c = of_question("水利部2023年7月部署农村饮水问题排查整改，要求各地在什么时候之前完成排查工作？")
    assert c.kind == "date" and c.months == [7]
    quote = "水利部要求，各地要在8月底前完成排查工作，省级报告于9月15日前报送。"
    assert not violations(c, quote, quote, "2023-07-24")
    # asked for a figure, another month still contradicts
    n = of_question("水利部2023年7月排查出多少处农村饮水问题？")
    assert [k for k, _ in violations(n, "8月排查出问题1200处。", "8月排查出问题1200处。", "2023-07-24")] == ["month"]


def test_this_year_in_a_quote_is_its_articles_year_and_a_compared_period_is_not_reported():
    spring = of_question("府谷县镇政府在2022年春天把多少亩耕地归并建成了高标准农田？")
    q = "今年开春，镇政府将2268亩耕地进行归并，现在已经建成高标准农田。"
    assert [k for k, _ in violations(spring, q, q, "2023-08-10")] == ["year"]
    assert not violations(spring, q, q, "2022-08-10")
    # 比去年同期 compares; the figure is this year's
    h1 = of_question("2023年上半年该市GDP是多少？")
    assert not violations(h1, "今年上半年GDP为100亿元，比去年同期增长5%。", "", "2023-07-20")
    q1 = of_question("2023年一季度全国海洋生产总值是多少？")
    half = "初步核算，上半年海洋生产总值4.7万亿元，同比增长6%，增速比一季度提高0.9个百分点。"
    assert [k for k, _ in violations(q1, half, half, "2023-08-10")] == ["period"]
    own = "一季度海洋生产总值2.2万亿元，增速比去年全年提高0.9个百分点。"
    assert not violations(q1, own, own, "2023-08-10")
    # a quote naming no period speaks of its paragraph's
    fdi = of_question("山东2023年一季度实际使用外资多少亿美元？")
    assert [k for k, _ in violations(fdi, "实际使用外资114.7亿美元。", "上半年，山东实际使用外资114.7亿美元。", "2023-08-10")] == ["period"]


def test_a_fiscal_year_is_a_year():
    c = of_question("科思创2021财年的销售额是多少？")
    assert c.years == [2021]
    found = violations(c, "2022财年，科思创销售额达到180亿欧元。", "2022财年，科思创销售额达到180亿欧元。", "2023-08-01")
    assert [k for k, _ in found] == ["year"]


def test_a_count_up_to_another_day_does_not_answer():
    c = of_question("截至当地时间10日，毛伊岛大火在拉海纳已确认造成多少人死亡？")
    later = "截至当地时间14日下午，夏威夷官方确认已有99人在毛伊岛大火中遇难。"
    assert [k for k, _ in violations(c, later, later, "2023-08-15")] == ["day"]
    # the asked day, or a quote that names no cutoff, is not contradicted
    assert not violations(c, "截至10日，大火已造成53人死亡。", "", "2023-08-11")
    assert not violations(c, "大火已造成53人死亡。", "", "2023-08-11")
    close = of_question("8月17日收盘时，芯瑞达的股价是多少？")
    assert violations(close, "截至8月16日收盘，芯瑞达报22.77元。", "", None)
    assert not violations(close, "8月17日收盘，芯瑞达报23.10元。", "", None)


def test_a_model_answer_found_in_another_shown_sentence_is_cited_there(fixture_index):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.qa import answer
    # the model copied the opening sentence but its answer is in the next one it was shown
    draft = "原文：[1] 6月28日上午，地铁9号线二期工程正式开通运营。\n答案：6时整"
    ans = answer("地铁9号线二期工程的首班车几点发车？", llm=FakeListChatModel(responses=[draft]), index=fixture_index)
    assert not ans.refused and ans.text.startswith("6时整"), (ans.text, ans.notes)
    assert "首班车6时整发车" in ans.citations[0].quote
    # a bare number is in too many sentences to be placed this way
    bare = "原文：[1] 6月28日上午，地铁9号线二期工程正式开通运营。\n答案：3"
    ans = answer("地铁9号线二期工程有几座换乘站？", llm=FakeListChatModel(responses=[bare]), index=fixture_index)
    assert not any("another sentence" in n for n in ans.notes), ans.notes


def test_a_quote_without_the_asked_number_or_day_is_no_answer():
    money = of_question("柳河县那八位员工一共替公司垫付了多少养老保险费？")
    # the years it is set in and the question's own 八位 are not the amount asked
    assert violations(money, "2019年至2022年，由八位员工个人垫付，代公司缴纳了养老保险费用。", "", None)
    assert violations(money, "八位案件当事人原系某医药公司的员工，2019年至2022年，由八位员工个人垫付了养老保险费用。", "", None)
    assert not violations(money, "八位员工共垫付养老保险费3.2万元。", "", None)
    assert not violations(money, "八位员工共垫付两千多元。", "", None)
    day = of_question("地铁9号线二期工程是哪天开通运营的？")
    assert violations(day, "二期工程全长12.6公里，共设车站8座。", "", None)
    assert not violations(day, "6月28日上午，地铁9号线二期工程正式开通运营。", "", None)
    # 西元幾年 asks a year, not an amount; the 4 of 4个 is not the question's 4月
    assert of_question("波赫國會是於西元幾年宣布的?").kind == "date"
    c = of_question("2009年4月，柴郡废除了非都市郡，改制为几个单一管理区？")
    assert kind_matches(c.kind, "2009年4月，柴郡改制为4个单一管理区。", c.question)
    y = of_question("国家气象局是哪一年成立的？")
    assert kind_matches(y.kind, "国家气象局成立于1870年。", y.question)


def test_financial_period_shorthand_is_read_as_the_period():
    from rag.text import spell_periods
    assert spell_periods("雪佛龙q2营收，较2022年h1增长") == "雪佛龙第二季度营收，较2022年上半年增长"
    assert spell_periods("h1n1病毒，iphone q22") == "h1n1病毒，iphone q22"   # not a period
    c = of_question("雪佛龙2023年第二季度营收是多少？")
    assert c.periods == ["二季度"] and c.ordinals == []   # 第二季度 is a period, not the ordinal 第二季
    assert violations(c, "雪佛龙Q2营收为489亿美元。", "雪佛龙Q2营收为489亿美元。", "2023-07-28") == []
    assert violations(c, "雪佛龙2季度营收为489亿美元。", "", "2023-07-28") == []
    found = violations(c, "腾讯控股今日发布了最新的Q1财报，营收1500亿元。", "", "2023-05-17")
    assert [k for k, _ in found] == ["period"] and "一季度" in found[0][1]


def test_a_sentence_saying_q2_answers_a_question_about_the_second_quarter(tmp_path, rag_home):
    from rag import answer
    from rag.index import Index
    ix = Index(tmp_path / "ix")
    ix.add_articles([
        Article(id="cvx", title="上游变现减少+成品油利润率下降", date="2023-07-28",
                body="周五美股盘前，雪佛龙公布2023年第二季度完整财报。\n数据显示，雪佛龙Q2营收为489亿美元，同比下降29%。\n"),
        Article(id="spce", title="维珍银河公布财报", date="2023-08-02",
                body="维珍银河公布2023年第二季度财报。\n维珍银河第二季度营收为190万美元，高于去年同期。\n"),
    ])
    a = answer("雪佛龙2023年第二季度营收是多少？", llm="extractive", index=ix)
    assert not a.refused and "489亿美元" in a.text


def test_an_undated_quote_in_an_article_of_the_asked_year_reports_that_year():
    c = of_question("旅俄大熊猫2023年7月30日的生日会是在哪里举办的？")
    quote = "当地时间7月30日，俄罗斯莫斯科动物园为旅俄大熊猫举办生日庆祝会。"
    ctx = quote + "大熊猫“如意”和“丁丁”2019年移居莫斯科。"
    assert violations(c, quote, ctx, "2023-08-01") == []
    # an article of a later year still needs the asked year somewhere near
    assert [k for k, _ in violations(c, quote, ctx, "2024-08-01")] == ["year"]
    # 同期 points back to the paragraph's period, which is not the asked one
    t = of_question("2023年上半年，天津全市法院审结了多少件电信网络诈骗案件？")
    same = "同时，天津全市法院同期审结电信网络诈骗关联犯罪3614件。"
    found = violations(t, same, "2022年以来，天津法院审结电信诈骗案件…" + same, "2023-08-09")
    assert [k for k, _ in found] == ["year"]


def test_an_english_question_is_read_through_its_translation(year_index):
    """With a model, a question with no Chinese is translated, and the Chinese-reading
    checks (here: the asked year) apply to the translation; the reader sees the reading."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.qa import answer
    draft = "原文：2020年全市地区生产总值为520亿元[1]\n答案：520亿元"
    ok = answer("What was the city's GDP in 2020?", index=year_index,
                llm=FakeListChatModel(responses=["2020年全市地区生产总值是多少？", draft]))
    assert not ok.refused and ok.text.startswith("520亿元"), (ok.text, ok.notes)
    assert any("2020年全市地区生产总值是多少" in n for n in ok.notes)
    bad = answer("What was the city's GDP in 2021?", index=year_index,
                 llm=FakeListChatModel(responses=["2021年全市地区生产总值是多少？", draft]))
    assert bad.refused and "2021" in bad.decision["reason"] and "2020" in bad.decision["reason"], bad.decision


def test_an_unusable_translation_leaves_the_cross_lingual_path():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.translate import needs_translation, to_chinese
    assert needs_translation("How many teams took part?") and not needs_translation("2023年有多少支球队？")
    assert not needs_translation("2023?")
    assert to_chinese("How many teams took part?", FakeListChatModel(responses=["译文：有多少支球队参加？"])) == "有多少支球队参加？"
    assert to_chinese("How many teams took part?", FakeListChatModel(responses=["How many teams?"])) is None
    assert to_chinese("How many teams took part?", None) is None


def test_a_translation_constrains_only_what_the_reader_said():
    """A translation may add 第一轮 for "first" or a year the reader never gave; those must
    not refuse a quote. Years in the reader's digits, named months and periods stay."""
    from rag.translate import keep_what_the_reader_said
    c = keep_what_the_reader_said(of_question("阿根廷第一轮1000兆瓦可再生能源招标中，2022年7月风能占多少兆瓦？"),
                                  "In Argentina's first 1,000 MW renewable tender, how many MW came from wind?")
    assert c.ordinals == [] and c.years == [] and c.months == [] and c.units is None
    c = keep_what_the_reader_said(of_question("伯克希尔2023年7月第二季度回购了多少股票？"),
                                  "How much stock did Berkshire buy back in the second quarter of 2023, by July?")
    assert c.years == [2023] and c.months == [7] and c.periods == ["二季度"]


def test_interleave_keeps_a_sentence_the_meaning_ranks_first():
    from rag.translate import interleave
    from rag.types import Hit
    h = Hit(chunk_id="a#0", article_id="a", title="", date=None, start=0, end=30, text="x" * 30, score=1.0)
    terms = [(0.9, h, 0, 10), (0.8, h, 10, 20), (0.1, h, 20, 30)]
    meaning = [(0.85, h, 20, 30), (0.80, h, 0, 10), (0.70, h, 10, 20)]
    out = interleave(terms, meaning)
    assert [(a, b) for _, _, a, b in out] == [(0, 10), (20, 30), (10, 20)]
    assert out[1][0] == 0.1    # scores stay the term scores



def test_rerank_moves_an_article_outside_the_asked_period_k_places_down_not_to_the_end():
    from datetime import date

    from rag import stages
    from rag.timewindow import TimeWindow
    from rag.types import Hit

    def hit(name, day):
        return Hit(chunk_id=f"{name}#0", article_id=name, title=name, date=day, start=0, end=1, text="x", score=0.0)

    def reranked(hits):
        run = stages.Run(question="q", index=None, cfg=None, model=None, model_name="x", k=5,
                         window=TimeWindow(date(2023, 7, 28), date(2023, 7, 30), "7月28日", False), hits=hits)
        stages.rerank(run)
        return [h.article_id for h in run.hits]

    inside = [hit(f"in{i}", "2023-07-29") for i in range(1, 7)]
    # the search's clear first match, undated (or published on the 31st), stays in the top 5
    assert reranked([hit("undated", None), *inside]) == ["in1", "in2", "in3", "in4", "undated"]
    assert "late" in reranked([hit("late", "2023-07-31"), *inside])
    # ... but in-period articles still come first, and a weaker outside match drops out
    assert reranked([*inside[:2], hit("late", "2023-07-31"), *inside[2:]]) == ["in1", "in2", "in3", "in4", "in5"]


def test_a_person_asked_for_is_not_the_questions_own_name_nor_an_organisation_for_a_role():
    q = "李在武辞去日照市市长职务后，谁被任命为日照市代理市长？"
    assert kind_matches("person", "会议经过表决，决定接受李在武辞去日照市市长职务的请求；", q) is False
    assert kind_matches("person", "决定任命罗月娥为日照市人民政府代理市长。", q) is True
    r = "宣布乌方对克里米亚大桥首次遭袭负责的乌克兰国家安全局局长是谁？"
    assert kind_matches("person", "乌克兰国家安全局和乌克兰海军可能在夜间对大桥展开了特别行动。", r) is False
    assert kind_matches("person", "乌国家安全局局长马柳克表示，乌方近期还使用新研发的无人艇。", r) is True
    # a name jieba does not know, right after the title asked about, is a person too
    t = "在启动礼上致辞的特区政务司司长是谁？"
    assert kind_matches("person", "香港特区政府政务司司长陈国基致辞表示，香港与内地同根同源。", t) is True
    assert kind_matches("person", "特区政府政务司司长表示，香港与内地同根同源。", t) is False
    # a bare 谁 keeps the question's own names: jieba may not know the answer's (孙綝)
    assert kind_matches("person", "翌年与全尚、刘丞等人谋划诛杀孙綝。", "孙亮翌年与全尚、刘丞等人谋划诛杀谁？") is True
    # 谁 alone may be answered by an organisation
    assert kind_matches("person", "中国建筑集团中标。", "哪家公司中标了该项目？") is True


def test_a_count_up_to_a_day_is_read_from_the_quotes_sentence_and_not_from_an_earlier_article():
    c = of_question("截至2023年9月30日，微信及WeChat的合并月活跃账户数是多少？")
    ctx = "腾讯发布财报。在经营数据方面，截至2023年6月30日，微信及WeChat的合并月活跃账户数达到13.27亿，同比增长2%。QQ的月活跃账户数为5.71亿。"
    # the model quotes part of the sentence; the sentence says up to which day
    assert violations(c, "微信及WeChat的合并月活跃账户数达到13.27亿", ctx, "2023-08-16")
    assert not violations(c, "QQ的月活跃账户数为5.71亿", ctx, "2023-10-16")
    # an article of 8月16日 cannot count up to 9月30日
    assert violations(c, "微信的月活跃账户数达到了13.27亿。", "", "2023-08-16")
    assert not violations(c, "微信的月活跃账户数达到了13.27亿。", "", "2023-10-16")
    assert not violations(c, "微信的月活跃账户数达到了13.27亿。", "", None)


def test_a_quote_stating_its_own_month_is_not_saved_by_the_day_it_was_published():
    # asked 1至8月, the count 1至7月 reported on 8月10日: 8月 is only the day of the report
    c = of_question("2023年1至8月，全国铁路完成固定资产投资多少亿元？")
    quote = "8月10日，记者从国铁集团获悉，今年1至7月，全国铁路完成固定资产投资3713亿元，同比增长7%"
    assert [k for k, _ in violations(c, quote, quote, "2023-08-10")] == ["month"]
    aug = "9月10日，记者从国铁集团获悉，今年1至8月，全国铁路完成固定资产投资4682亿元，同比增长7%"
    assert not violations(c, aug, aug, "2023-09-10")


def test_a_name_with_its_country_in_front_is_named_by_the_rest_where_the_article_says_the_country(tmp_path, rag_home):
    from rag.checks import names_elsewhere
    body = ("美国《华盛顿时报》报道了总统的假期。\n" + "".join(f"第{i}段回顾了历任总统的度假习惯和白宫的日程安排。\n" for i in range(30)) +
            "据共和党全国委员会记录，截至2023年7月7日，拜登已休假352天。\n")
    ix, hit = _indexed_hit(tmp_path, Article(id="vac", title="总统休假", body=body, date="2023-08-10"),
                           "共和党全国委员会记录拜登已休假多少天", holding="352天")
    assert "美国" not in ix.neighborhood("vac", int(hit.chunk_id.rsplit("#", 1)[1]))
    assert "美国共和党" not in names_elsewhere("据美国共和党全国委员会记录，拜登已经休假多少天？", ix, hit)
    # the rest must be in the passage, the front word in the article: 英国 is named nowhere
    assert names_elsewhere("据英国保守党全国委员会记录，拜登已经休假多少天？", ix, hit)


def test_a_place_with_one_character_after_it_is_named_by_the_place(tmp_path, rag_home):
    from rag.checks import names_elsewhere
    body = "10日至13日，《宝岛一村》经典版15周年巡演登陆北京，在天桥艺术中心连演4场，累计吸引6000多名观众观看。"
    ix, hit = _indexed_hit(tmp_path, Article(id="tour", title="宝岛一村巡演", body=body, date="2023-08-14"), "宝岛一村巡演吸引了多少观众")
    assert "北京站" not in names_elsewhere("《宝岛一村》巡演北京站连演4场，累计吸引了多少观众观看？", ix, hit)
    assert "上海站" in names_elsewhere("《宝岛一村》巡演上海站连演4场，累计吸引了多少观众观看？", ix, hit)


def test_a_span_of_days_is_counted_up_to_its_last_day():
    c = of_question("截至7月30日，威高福建三家血透中心累计转移收治莆田肾病患者多少人次？")
    quote = "7月29日至8月1日，威高在福建的三处血透中心紧急联手，转移收治莆田地区的肾病患者，160名患者得以正常透析治疗。"
    assert [k for k, _ in violations(c, quote, quote, "2023-08-02")] == ["day"]
    same = "7月28日至30日，威高在福建的三处血透中心转移收治肾病患者120人次。"
    assert not violations(c, same, same, "2023-08-02")
