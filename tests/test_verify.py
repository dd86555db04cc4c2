from rag.types import Hit
from rag.verify import answer_supported, locate_quote, parse

BODY = "前言。改革后，机动车转让待出口登记从3天缩至1天，通关时间缩短70%，退税流程从20天减到3天。“得益于审批效率的提升，公司今年订单同比增长10%。”徐峰说。"


def hit(text=BODY, start=100, n=1):
    return Hit(chunk_id=f"a#{n}", article_id="a", title="t", date=None, start=start, end=start + len(text),
               text=text, score=0.5)


def test_parse_quote_and_answer():
    p = parse("原文：“改革后，退税流程从20天减到3天。”[1]\n答案：3天[1]")
    assert p.quotes == [("改革后，退税流程从20天减到3天", [1])]
    assert p.answer == "3天" and not p.says_unanswerable


def test_parse_takes_the_sentence_below_a_copied_header_line():
    # the model copies the material's header after 原文： and the sentence on the next line
    p = parse("原文：[2] 《科思创开发回收工艺》（2023-08-17）\n2022财年，科思创销售额达到180亿欧元。\n\n答案：180\n说明：见[2]")
    assert p.quotes == [("2022财年，科思创销售额达到180亿欧元", [2])]
    assert p.answer == "180"
    # ... but a line below it saying the materials hold no answer is the model's refusal
    assert parse("原文：[1]\n资料中没有相关信息").says_unanswerable


def test_parse_refusal_variants():
    assert parse("答案：无法回答").says_unanswerable
    assert parse("原文：无\n答案：资料中没有提到冠军。").says_unanswerable
    assert not parse("原文：x[1]\n答案：12支").says_unanswerable


def test_locate_verbatim_quote_gives_article_offsets():
    h = hit()
    loc = locate_quote("退稅流程從20天減到3天", [1], [h])  # traditional script still matches
    assert loc is not None
    got, a, b = loc
    assert h.text[a:b] == "退税流程从20天减到3天"
    assert BODY[a:b] == h.text[a:b] and got.start + a == 100 + BODY.index("退税")


def test_quote_with_wrong_number_is_found_in_the_other_hit():
    other = hit("无关的内容。", start=0, n=2)
    loc = locate_quote("通关时间缩短70%", [1], [other, hit()])
    assert loc is not None and loc[0].chunk_id == "a#1"


def test_lightly_altered_quote_maps_to_the_real_sentence():
    loc = locate_quote("改革后机动车转让待出口登记由3天缩至1天，通关时间缩短了70%，退税流程从20天减到3天", [1], [hit()])
    assert loc is not None
    h, a, b = loc
    assert h.text[a:b].startswith("改革后，机动车转让") and h.text[a:b].endswith("减到3天。")


def test_invented_quote_is_rejected():
    assert locate_quote("本届比赛的冠军是东湖小学队。", [1], [hit()]) is None


def test_answer_support():
    q = ["改革后，退税流程从20天减到3天。"]
    assert answer_supported("3天", q)
    assert answer_supported("退税流程从20天减到3天", q)
    assert not answer_supported("5天", q)
    assert not answer_supported("东湖小学队", q)
    # a Latin word in a Chinese answer is checked like a number: invented if the quote lacks it
    pac = ["美国前总统特朗普的政治行动委员会（PAC）在2023年已耗费4020万美元"]
    assert not answer_supported("特朗普 Political Action Committee", pac)
    assert answer_supported("特朗普的PAC", pac)
    assert answer_supported("3 days", q)  # English answer: numbers are what can be checked
    assert not answer_supported("7 days", q)
    assert not answer_supported("减到2", q)        # a truncated "20" is not supported by "20天"
    assert not answer_supported("从2天减到3天", q)


def test_units_are_part_of_a_number_claim():
    q = ["上半年我市15项主要经济指标增速高于全省平均水平。"]
    assert answer_supported("15项", q)
    assert not answer_supported("15%", q)
    assert answer_supported("200亿元", ["总投资约200亿元的欣旺达项目"])


def test_header_copied_into_the_quote_is_ignored():
    p = parse("原文：[1] 《耐心枣庄培育耐心经济》（2025-07）退税流程从20天减到3天。[1]\n答案：3天")
    assert p.quotes[0][0] == "退税流程从20天减到3天"


def test_quote_across_a_gap_uses_its_longest_piece():
    loc = locate_quote("前言……改革后，机动车转让待出口登记从3天缩至1天", [1], [hit()])
    assert loc is not None and hit().text[loc[1]:loc[2]] == "改革后，机动车转让待出口登记从3天缩至1天"
