"""Numbers keep their units: answers are completed from the quote, and a 多少X question is
only answered by a number carrying X."""
from rag.constraints import HARD, UNIT, of_question, violations
from rag.verify import answer_unfit
from rag.units import asked_units, carries_unit, complete


def test_bare_and_cut_numbers_get_the_rest_of_their_quantity():
    q = "总投资约200亿元的欣旺达50GWh动力电池项目"
    assert complete("200", q) == "约200亿元"   # 约 bounds the figure: it stays
    assert complete("50", q) == "50GWh"
    assert complete("2400", "建成2400平方米的综合展厅") == "2400平方米"
    assert complete("205", "该车 CLTC 工况续航提升至 205km，并支持快充") == "205km"
    assert complete("54.64万", "全国涉农贷款余额54.64万亿元，同比增长16.0%") == "54.64万亿元"
    assert complete("13亿", "为三支私募基金募集约13亿新元") == "约13亿新元"
    assert complete("26", "有意再采购26架“阵风”战机") == "26架"
    assert complete("2100", "给卖家转了2100多元") == "2100多元"
    # a compound unit is one unit: 914 alone is not the measured concentration
    assert complete("914", "油条铝残留量实测值达914mg/kg，是标准值（100mg/kg）9倍多") == "914mg/kg"
    assert complete("35", "PM2.5平均浓度为35μg/m³") == "35μg/m³"
    assert complete("120", "最高时速120km/h") == "120km/h"


def test_an_ordinal_keeps_its_di():
    # 7位 is a count of seven; the quote ranks Hong Kong 第7位
    assert complete("7位", "香港在大中华34个地区中排名第7位") == "第7位"
    assert complete("820", "基辅发布了全面入侵以来的第820次空袭警报") == "第820次"
    assert complete("7位", "共有7位选手晋级") == "7位"


def test_classifiers_of_flags_trees_buildings_and_places_are_units():
    assert complete("25", "现场悬挂25面国旗") == "25面"
    assert complete("100", "沿河种植100棵树") == "100棵"
    assert complete("3", "排查发现3处险情") == "3处"
    assert asked_units("悬挂了多少面国旗？") == frozenset({"面"})
    assert asked_units("新建了几栋楼？") == frozenset({"栋"})
    # a common word starting with the classifier is that word, not the unit
    assert asked_units("受到多少处罚？") is None
    assert asked_units("展厅有多少面积？") != frozenset({"面"})


def test_a_bound_in_front_of_the_number_stays():
    assert complete("3000名", "消费金融业务的近3000名员工已转移") == "近3000名"
    assert complete("2000万元", "捐款超过2000万元") == "超过2000万元"
    # 最近, 附近 and 签约 end in 近/约 but bound nothing
    assert complete("3天", "最近3天的降雨") == "3天"
    assert complete("12", "附近12个村") == "12个"
    assert complete("5家", "现场签约5家企业") == "5家"


def test_a_score_is_both_sides():
    assert complete("6", "中国女足以1比6不敌英格兰") == "1比6"


def test_complete_leaves_what_it_cannot_place():
    assert complete("3天", "退税流程从20天减到3天") == "3天"          # already has its unit
    assert complete("16", "同比增长16.0%") == "16"                   # not a whole number there
    assert complete("2023", "2023 Apple发布会") == "2023"             # letters are not a unit
    assert complete("罗月娥", "党委书记罗月娥表示") == "罗月娥"


def test_asked_units():
    assert asked_units("预约后爽约几次会被冻结？") == {"次"}
    assert "km" in asked_units("续航有多少公里？") and "千米" in asked_units("续航有多少公里？")
    assert "元" in asked_units("罚了多少钱？") and "元" in asked_units("投资多少万元？")
    assert "人" in asked_units("有多少名学生？")
    assert asked_units("续航提升到了多少？") is None
    assert asked_units("有多少个国家参加？") is None                  # 个 alone says nothing


def test_carries_unit():
    assert carries_unit("爽约2次将被冻结", frozenset({"次"}))
    assert not carries_unit("冻结预约资格30天", frozenset({"次"}))
    assert carries_unit("上千人参加了活动", asked_units("多少名"))
    assert carries_unit("约1.2万人", asked_units("多少人"))
    assert carries_unit("下午3时开始", asked_units("几点"))
    assert carries_unit("共有八年", asked_units("几年"))


def test_a_sentence_without_the_asked_number_is_blocked():
    c = of_question("在丁香园分享经历的站友，高考一共考了多少分？")
    found = violations(c, "这篇帖子在站内吸引了4200位站友点赞。", "", "2023-08-01")
    assert [k for k, _ in found] == [UNIT] and UNIT in HARD
    assert violations(c, "他高考考了612分，被录取。", "", "2023-08-01") == []
    y = of_question("杨帆是从哪一年开始担任总经理的？")
    assert [k for k, _ in violations(y, "总经理杨帆对上述违法行为直接负责。", "", None)] == [UNIT]
    assert violations(y, "杨帆自2019年起担任总经理。", "", None) == []


def test_unfit_model_answers():
    assert answer_unfit("井村雅代目前是哪位选手的专属教练？", "井村雅代")
    assert answer_unfit("预约后爽约几次会被冻结？", "30天")
    assert answer_unfit("预约后爽约几次会被冻结？", "2次") is None
    assert answer_unfit("续航提升到了多少？", "205km") is None
    # a number with its magnitude only: the quote's 20万元 supplies the unit, as for a bare 20
    assert answer_unfit("湖北消费金融这次被罚了多少钱？", "20万") is None
    assert answer_unfit("湖北消费金融这次被罚了多少钱？", "20万人")
    # asked for a province, the country is not it; the quote stands and holds 廖内省
    assert answer_unfit("印尼泥炭地火灾现场位于哪个省？", "印度尼西亚")
    assert answer_unfit("印尼泥炭地火灾现场位于哪个省？", "廖内省") is None


def test_the_asked_unit_is_a_whole_word():
    assert asked_units("每台车能节约多少成本？") is None      # 成本, not 成 (tenths)
    assert "人" in asked_units("有多少人口？")
    assert asked_units("提高了多少个百分点？") and "个百分点" in asked_units("提高了多少个百分点？")
    assert asked_units("要用几个月？") and "个月" in asked_units("要用几个月？")


def test_how_old_asks_for_years_of_age():
    assert asked_units("遇难的女子多大年纪？") == {"岁", "周岁"}
    assert asked_units("嫌疑人田某某今年多大？") == {"岁", "周岁"}
    assert not carries_unit("8月15日，田某某来到远安县鸣凤城区", asked_units("今年多大？"))
    assert asked_units("共有多少支队伍参赛？") == {"支"}              # 支|队伍, though 支队 is a word


def test_a_named_currency_is_not_any_yuan():
    assert asked_units("被抢的珠宝价值大约多少欧元？") == {"欧元"}
    assert not carries_unit("价值约合人民币7880万元至1.182亿元", asked_units("价值多少欧元？"))
    assert "美元" in asked_units("罚了多少钱？")


def test_a_price_or_fine_asks_for_money():
    assert "元" in asked_units("北汽新魔方SUV的售价是多少？")
    assert "美元" in asked_units("这次被罚款多少？")
    assert asked_units("净利润同比增长多少？") is None          # a rate or an amount: no check
    assert asked_units("售价多少个档位？") is None
    assert carries_unit("被罚款79万余元、没收违法所得10万余元", asked_units("罚款多少？"))
    assert complete("79万", "被罚款79万余元、没收") == "79万余元"


def test_a_year_is_not_a_duration_and_one_is_not_an_amount():
    assert not carries_unit("早在2000年就已加入", asked_units("建造用了多少年？"))
    assert carries_unit("酒店建造耗时8年", asked_units("建造用了多少年？"))
    assert not carries_unit("先给一张真钞降低防备心", asked_units("搜出多少张假币？"))
    assert carries_unit("搜出假币12张", asked_units("搜出多少张假币？"))


def test_a_measure_fixes_its_units():
    assert "平方米" in asked_units("枣庄在塔什干建成的综合展厅有多大面积？")
    assert "公顷" in asked_units("这次火灾的过火面积有多大？")
    assert carries_unit("门店面积的要求明确限定在90-170平的范围", asked_units("对合伙门店的面积要求是多大范围？"))
    assert "米" in asked_units("这座山海拔多高？")
    assert "公里" in asked_units("两地相距多远？")
    # a star system is light-years away: 约120光年 answers 距离是多少
    assert answer_unfit("PDS 70系统到地球的距离是多少？", "约120光年") is None
    assert answer_unfit("PDS 70系统到地球的距离是多少？", "约120天") is not None
    assert "元" in asked_units("这批消费券的发放总额是多少？")
    # a duration, 半小时 included though it has no digits
    assert carries_unit("办完跨国过户和报关手续只用了半小时", asked_units("办完手续用了多长时间？"))
    assert "元" in asked_units("欣旺达动力电池项目总投资约多少？")
    assert "元" in asked_units("癌症计划一共投入了多少资金？")
    assert asked_units("一共投资了多少个项目？") is None
    # a rate or share asks for a percentage; 汇率 and 功率 do not
    rate = asked_units("规划确定的2035年江苏森林覆盖率目标是多少？")
    assert "%" in rate and carries_unit("森林覆盖率达到24.1%", rate) and carries_unit("覆盖率提高到百分之二十", rate)
    assert not carries_unit("永久基本农田保护面积不低于5344万亩", rate)
    assert "%" in asked_units("供应商里中国企业占比是多少？")
    assert asked_units("人民币兑美元汇率是多少？") is None and asked_units("这台电机的功率是多少？") is None


def test_history_years_and_populations():
    from rag.constraints import of_question, violations
    y = of_question("普魯士的義務教育制度在哪一年開始?")
    assert violations(y, "腓特烈·威廉一世國王於1717年建立普魯士的義務教育制度。", "", None) == []
    assert asked_units("中華民國政府撤退至臺灣於西元幾年?") is None
    assert carries_unit("根據2012年七月的人口普查，多倫多市人口達2,790,060", asked_units("有多少人？"))
    assert asked_units("這幾年，美軍部隊會以廢料金屬加強裝甲，他們稱這手法是?") is None
    assert asked_units("湖人選擇了哪位球員，為未來幾年王朝奠下基礎?") is None


def test_an_answer_cut_inside_a_word_ends_at_the_word():
    assert complete("16部", "省市场监管局联合16部门在全省开展整治") == "16部门"
    assert complete("3天", "退税流程从20天减到3天。") == "3天"
    assert asked_units("蛤蟆功每天要做几组？") == {"组"}
    # ... also when the unit completing a bare number is cut inside a word
    assert complete("16", "省教育厅、省市场监管局联合16部门在全省深入开展整治行动") == "16部门"


def test_an_answer_that_rephrases_the_question_is_unfit():
    assert answer_unfit("灵水村那位受伤的60岁老人叫什么名字？", "灵水村一名60岁的老人")
    assert answer_unfit("灵水村那位受伤的60岁老人叫什么名字？", "王某某") is None
    # a count whose digits the question's date happens to hold rephrases nothing
    assert answer_unfit("港珠澳大桥珠海公路口岸2023年8月6日的出入境车辆达到多少辆次？", "10300辆次") is None
    assert complete("20天", "退税流程从20天减到3天") == "20天"          # 天减 is jieba's glue, not a word
    assert complete("2024年3月1日", "自2024年3月1日起施行") == "2024年3月1日"


def test_a_bare_number_stands_and_a_route_is_not_a_range():
    from rag.span import answer_span
    assert answer_unfit("通勤时间缩短到多少分钟？", "28") is None      # the quote gives its unit
    q, t = "地铁开通后，从城东到火车站的通勤时间缩短到多少分钟？", "开通后，从城东到火车站的通勤时间由原来的55分钟缩短至28分钟"
    a, b = answer_span(q, t)
    assert t[a:b] == "28分钟"


def test_a_range_is_one_answer_but_a_change_is_not():
    q = "新车提供四种配置，售价范围为9.99万元至13.19万元。"
    assert complete("13.19万元", q) == "9.99万元至13.19万元"
    assert complete("3天", "退税流程从20天到3天") == "3天"
    assert complete("3天", "退税流程从20天减到3天") == "3天"
    assert complete("13.19", q) == "9.99万元至13.19万元"          # the model's bare upper end
    assert complete("3.1", "增长13.1%至15%") == "3.1"                # not an end of a range
    assert complete("1", "票价10元至20元") == "1"                     # a digit is not a range's end


def test_a_length_in_another_unit_and_degrees_celsius_answer():
    # 40km answers 多少米 (one dimension, another unit); ℃ reads °C once normalized
    assert carries_unit("跟踪距离40km", asked_units("跟踪距离是多少米？"))
    assert carries_unit("适水温23~28℃，食活饵", asked_units("适宜的水温是多少度？"))
    assert not carries_unit("重40千克", asked_units("跟踪距离是多少米？"))


def test_a_day_keeps_the_year_the_quote_gives_it():
    from rag.units import with_year
    assert complete("8月4日", "2017年8月4日") == "2017年8月4日"
    assert complete("8月11日下午4时", "王某于2023年8月11日下午4时向受托人谢某转账") == "2023年8月11日下午4时"
    assert with_year("8月11日", "王某于2023年8月11日转账") == "2023年8月11日"
    assert with_year("8月11日", "王某于8月11日转账，2023年8月12日到账") == "8月11日"   # only the year right before it
    assert with_year("7月24日", "截至7月24日收盘") == "7月24日"
    assert with_year("2018年7月", "2018年7月起任总经理") == "2018年7月"


def test_how_long_it_took_asks_for_a_duration():
    from rag.units import DURATION, asked_units, carries_unit
    for q in ("沿河口村被困村民全部转移到安全地带一共用了多长时间？", "停电持续了多久？", "这项工程的工期是多少？"):
        assert asked_units(q) == DURATION, q
    assert not carries_unit("救援小组长途奔袭15公里来到被困地点", DURATION)
    assert not carries_unit("8月15日，会议在市委召开", DURATION)    # a date is no duration
    for t in ("双边会谈长达10个小时", "用了半小时", "历时两个多月", "共计10天"):
        assert carries_unit(t, DURATION), t


def test_asked_which_district_or_state_an_answer_of_another_level_is_unfit():
    assert answer_unfit("8月6日晚印度大巴坠河，事发地位于印度哪个邦？", "吉里迪")
    assert answer_unfit("8月6日晚印度大巴坠河，事发地位于印度哪个邦？", "贾坎德邦") is None
    assert answer_unfit("北京平原区哪个区的地下水位回升幅度最大？", "马厂")
    assert answer_unfit("北京平原区哪个区的地下水位回升幅度最大？", "顺义区") is None
    assert answer_unfit("这片水域属于哪个区域？", "渤海") is None   # 区域 is no district


def test_a_currency_written_after_yuan_is_that_currency():
    assert carries_unit("上市募集32.55亿元新台币", asked_units("上市募集了多少新台币？"))
    assert not carries_unit("上市募集32.55亿元", asked_units("上市募集了多少新台币？"))
