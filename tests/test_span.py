"""The answer span: a kind word takes the name the quote glues to it."""
from rag.span import whole_name

Q = "活动在哪里举行？"


def test_a_kind_word_takes_the_name_in_front_of_it():
    assert whole_name(Q, "体育馆", "活动在广宁县体育馆举行") == "广宁县体育馆"
    assert whole_name(Q, "医院", "由深圳市人民医院负责救治") == "深圳市人民医院"
    assert whole_name(Q, "记者", "据新华社记者报道") == "新华社记者"
    assert whole_name(Q, "分局", "被广州市公安局天河区分局抓获") == "广州市公安局天河区分局"


def test_no_name_in_front_leaves_the_answer_alone():
    assert whole_name(Q, "公司", "该公司与腾讯公司签约") == "公司"       # 该 is no name
    assert whole_name(Q, "学校", "全县共有12所学校") == "学校"
    assert whole_name(Q, "广宁县体育馆", "活动在广宁县体育馆举行") == "广宁县体育馆"
    assert whole_name(Q, "3000名", "近3000名员工") == "3000名"
    assert whole_name(Q, "体育馆", "没有这个词") == "体育馆"            # not in the quote
    # the answer cut inside a word is left to the completion of numbers and word ends
    assert whole_name(Q, "育馆", "活动在广宁县体育馆举行") == "育馆"


def test_only_a_question_about_a_place_or_body_takes_the_name():
    # 职业是什么 asks no place: 足球运动员 is the answer, not 中国足球运动员
    assert whole_name("于乐的职业是什么？", "足球运动员", "于乐是中国足球运动员") == "足球运动员"
    assert whole_name("伤者被送往哪家医院？", "人民医院", "伤者被送往深圳市人民医院救治") == "深圳市人民医院"
    # a phrase with a preposition in it is no bare kind word
    assert whole_name("他在哪个学院任教？", "新闻与传播学院", "在香港中文大学新闻与传播学院任教") == "新闻与传播学院"


def test_a_number_is_read_with_the_clauses_that_lead_up_to_it():
    from rag.span import answer_span
    s = "经公安机关调查，李某被处以行政拘留5日，其劳务公司安全负责人张某因指使未取得特种作业操作证的李某违规进行电焊作业，被处以行政拘留10日。"

    def span(q):
        a, b = answer_span(q, s)
        return s[a:b]
    # 10日 is the 负责人's: his clause holds no number, so it is read with the next one
    assert span("指使无证工人作业的劳务公司安全负责人被行政拘留几天？") == "10日"
    # ... while 5日 stays 李某's, however often the next clauses name him
    assert span("无证电焊工李某被行政拘留几天？") == "5日"


def test_asked_which_year_a_day_without_its_year_is_no_answer():
    from rag.span import answer_span
    s = "1950年5月，解放军攻占海南岛，国军在撤离海南岛的同时，一并撤离永兴岛上的驻军，5月13日，解放军进驻西沙永兴岛。"
    a, b = answer_span("国军在哪一年撤离永兴岛上的驻军？", s)
    assert s[a:b] == "1950年5月"


def test_a_date_is_no_tail_of_a_longer_number_and_a_duration_asked_is_no_date():
    from rag.constraints import answer_kind
    from rag.span import answer_span

    def span(q, s):
        r = answer_span(q, s)
        return r and s[r[0]:r[1]]
    q = "重庆宇邦是在哪一天申请破产清算的？"
    assert span(q, "公司收到《民事裁定书》（2023渝 05 破申 608 号），因现有证据不足") is None
    assert span(q, "8月16日晚间公告，公司收到《民事裁定书》（2023渝 05 破申 608 号）") == "8月16日"
    # an address glued to the date in the page's text keeps the date whole
    assert span("事故发生在哪一天？", "住所：赤湾石油大厦3022023年3月11日，由你单位承建的项目发生事故") == "2023年3月11日"
    # 飞行时间是多少 asks how long, 开幕时间是 when
    assert answer_kind("高海拔演示飞行的总飞行时间是多少？") == "number"
    assert answer_kind("博览会的开幕时间是哪天？") == "date"


def test_of_several_numbers_the_one_followed_by_the_questions_words_after_how_many():
    from rag.span import answer_span
    q = "上海G15嘉浏段拓宽改建工程中，项目团队需要改建多少座中小桥梁？"
    quote = "项目经理表示，项目团队需要改建6座大桥、23座中小桥梁，以及2处箱涵。"
    a, b = answer_span(q, quote)
    assert quote[a:b] == "23座"
    # the unit alone, shared by both, decides nothing: the clause's wording still does
    q2 = "项目团队需要改建多少座大桥？"
    a, b = answer_span(q2, quote)
    assert quote[a:b] == "6座"


def test_a_counted_answer_takes_the_noun_the_question_counts():
    from rag.span import with_asked_noun
    assert with_asked_noun("门头沟区摸排评估要覆盖多少个行政村？", "178个", "摸排评估将覆盖178个行政村，") == "178个行政村"
    assert with_asked_noun("大运会艺术体操项目一共决出多少枚金牌？", "8枚", "共决出8枚金牌。") == "8枚金牌"
    # only all of what the question says after the unit: 医院参 of 医院参与 is cut mid-word
    assert with_asked_noun("一共有多少家医院参与？", "87家", "共87家医院参加了活动") == "87家"
    # nothing after the unit, or another noun after it in the quote: as it was
    assert with_asked_noun("投资多少亿元？", "3713亿元", "投资3713亿元，同比") == "3713亿元"
    assert with_asked_noun("已恢复多少处通讯基站？", "742处", "已恢复742处基站") == "742处"


def test_a_change_keeps_its_direction():
    from rag.span import with_direction
    # 3.6% alone does not say whether it rose or fell
    assert with_direction("今年上半年，湖南省地区生产总值的增速是多少？", "3.6%", "湖南省地区生产总值同比增长3.6%，") == "增长3.6%"
    assert with_direction("续航里程预期平均降低多少？", "3%", "将续航里程预期平均降低3%") == "降低3%"
    assert with_direction("利润同比变化多少？", "3%", "利润同比下降了3%") == "下降了3%"
    assert with_direction("营收同比增长多少？", "12.5%", "营收同比增长 12.5%") == "增长 12.5%"
    # not asked about a change, or no direction word right before the number: as it was
    assert with_direction("营收是多少？", "3%", "营收增长3%") == "3%"
    assert with_direction("利润同比变化多少？", "3%", "利润同比为3%") == "3%"


def test_a_negated_bound_keeps_its_negation():
    from rag.span import with_negation
    quote = "省域公用品牌名称要不超过5个字，能体现湖北茶的文化底蕴"
    assert with_negation("超过5个", quote) == "不超过5个"
    assert with_negation("5个字", quote) == "5个字"
    assert with_negation("超过1万辆次", "首次突破单日1万辆次，超过1万辆次") == "超过1万辆次"


def test_new_taiwan_dollars_are_a_currency():
    from rag.units import complete
    assert complete("14990", "HTC U23标准版售价14990新台币（约合人民币3433元）") == "14990新台币"
