"""A quote that states the asked thing about another entity is no answer (rag/rivals.py)."""
import pytest

from rag.rivals import rivals
from rag.types import Article


@pytest.mark.parametrize("q,quote,pair", [
    # another city with the same office and figure
    ("大同市卫健委确定了多少所免费婚检定点医疗机构？", "8月9日，太原市卫健委确定17所婚检定点医疗机构，免费提供婚检服务。", ("大同市", "太原市")),
    # another state, the same statistic
    ("在美国伊利诺伊州，15至34岁的非裔男性遭枪杀的概率是多少倍？", "在美国马里兰州，15至34岁的非裔男性遭枪杀概率是同年龄段白人男性的38倍。",
     ("伊利诺伊州", "马里兰州")),
    # a compound that differs in its first half (嘉兴南站 / 嘉善南站)
    ("嘉兴南站建筑总面积为多少平方米？", "嘉善南站站房面积4998平方米，高22米。", ("嘉兴", "嘉善")),
    # the other side of a contrast news keeps apart
    ("是谁打破了女子100米赛会纪录？", "邓信锐先后在男子丁组100米预赛中打破男子100米赛会纪录", ("女子", "男子")),
    ("她在混合泳接力决赛中游最后一棒的分段成绩是多少？", "吴卿风在男女4×100米混合泳接力赛预赛中游最后一棒。", ("决赛", "预赛")),
    # no aligned wording, but a figure asked about one bank, stated by another
    ("截至今年6月末，工商银行的住房租赁基金累计出资了多少？", "记者从中国建设银行获悉，截至6月末，建行住房租赁基金已累计出资54.4亿元。",
     ("工商银行", "中国建设银行")),
    # a bank jieba does not know (齐|商|银行), after a comma, against one it tags as a word (常熟)
    ("截至2023年6月末，齐商银行的资产总额是多少？", "业务规模方面，截至2023年6月末，常熟银行总资产3178.14亿元，较年初增长10.40%；",
     ("齐商银行", "常熟银行")),
    # only the other side of a contrast, however the sentence is worded
    ("是谁打破了女子100米赛会纪录？", "当天的男子丁组100米预赛中，邓信锐以10秒25的成绩打破苏炳添在2014年创造的10秒28的赛会纪录。",
     ("女子", "男子")),
    # another measure of the same company: 营收 is not 净利润
    ("可口可乐2023年第二季度的净利润是多少？", "可口可乐公司发布了2023年第二季度财报，实现营收119.72亿美元，同比增长6%；",
     ("净利润", "营收")),
    ("视觉中国2023年上半年的营业收入是多少？", "今年上半年，视觉中国归属母公司股东净利润 9087.17 万元。", ("营业收入", "净利润")),
])
def test_the_quote_puts_another_entity_in_the_asked_ones_slot(q, quote, pair):
    assert pair in rivals(q, quote)


@pytest.mark.parametrize("q,quote", [
    # the same entity, named in full or pointed back to
    ("建行深圳分行原风险总监韩凤林是哪一年出生的？", "中国建设银行深圳市分行原风险总监韩凤林受贿一案一审宣判。"),
    ("暴鲤龙是根据什么故事创作的？", "这只宝可梦是根据「鲤跃龙门」这个经典故事创作的。"),
    ("山东精工电子的锂电池产品占国外高尔夫球车多大的份额？", "目前，该公司锂电池产品占据国外高尔夫球车80%以上的份额。"),
    # the kind of answer asked for is filled by the answer, not by a rival
    ("枣庄在乌兹别克斯坦的哪个城市建成了综合展厅？", "今年3月，在乌兹别克斯坦首都塔什干建成2400平方米的综合展厅。"),
    ("王金璐1979年起担任了什么院系的教授？", "1979年起任北京中国戏曲学院表演系教授。"),
    # two places in one aligned verb (位于) are not the same slot: 四川省 is in 中国
    ("乐山市位于中国境内哪一个省份？", "乐山市是中华人民共和国四川省下辖的地级市，位于四川省中南部。"),
    # a paraphrase of a common noun is not another entity
    ("赖瑞·柏德在哪一年成为溜马队的总裁？", "2003年夏天，赖瑞·柏德回归，成为球队的总裁。"),
    # the aligned text must be whole words: 银行 is not the start of 银行业
    ("中信银行济宁分行和泰隆银行丽水分行分别被罚了多少钱？", "依据《中华人民共和国银行业监督管理法》第四十六条，对中信银行济宁分行罚款200万元。"),
    # asked for a name, another county's name may be the answer (its former name)
    ("化隆回族自治縣曾經於民國十八年青海建省時被稱之為?", "民國十八年青海建省時更名巴燕縣，歸青海省轄，1931年改為化隆縣。"),
    # a verb and a preposition before 省 are no split name (是|由|省)
    ("福建这次整治校外培训机构不规范问题，是由省教育厅、省市场监管局联合多少个部门开展的？",
     "福建省教育厅、省市场监管局联合16部门在全省深入开展校外培训机构不规范问题专项整治。"),
    # the same unknown bank, and a pointer before the suffix, are no rivals
    ("截至2023年6月末，齐商银行的资产总额是多少？", "截至2023年6月末，齐商银行总资产2085亿元。"),
    ("截至6月末，常熟银行的资产总额是多少？", "截至6月末，该银行总资产3178.14亿元。"),
    # a round named in full beside its shorter contrast (半决赛 holds 决赛)
    ("她在女子100米蛙泳半决赛中游出了什么成绩？", "她在女子100米蛙泳半决赛中游出1分05秒的成绩。"),
    ("中国队在男女混合泳接力决赛中的成绩是多少？", "中国队在男女4×100米混合泳接力决赛中以3分38秒夺冠。"),
    # 进出口 holds both sides
    ("上半年该市进口总额是多少？", "上半年该市进出口总额为120亿元，同比增长5%。"),
    # the asked measure stated beside another one, or in other words of its family
    ("可口可乐第二季度的净利润是多少？", "实现营收119.72亿美元，净利润为27.47亿美元。"),
    ("雪佛龙第二季度营业收入是多少？", "雪佛龙Q2营收为489亿美元，同比下降29%。"),
    ("云视机器人的国内营收在总营收中占比升到了多少？", "企业国内营收占总营收比例升至30%。"),
])
def test_an_alias_a_pointer_or_the_asked_kind_is_no_rival(q, quote):
    assert rivals(q, quote) == []


def test_a_rival_blocks_the_quote_and_the_refusal_names_both(tmp_path, rag_home):
    from rag import answer
    from rag.index import Index
    ix = Index(tmp_path / "ix")
    # the asked city is in the passage, so only the rival check can tell the two apart
    body = ("大同市卫健委近日召开婚前医学检查工作推进会。\n"
            "8月9日，太原市卫健委确定17所婚检定点医疗机构，免费提供婚检服务。\n")
    ix.add_articles([Article(id="a", title="两市推进免费婚检", body=body, date="2023-08-10")])
    a = answer("大同市卫健委确定了多少所免费婚检定点医疗机构？", llm="extractive", index=ix)
    assert a.refused
    assert "问的是大同市，引文说的是太原市" in a.decision["reason"]
    b = answer("太原市卫健委确定了多少所免费婚检定点医疗机构？", llm="extractive", index=ix)
    assert not b.refused and "17所" in b.text
