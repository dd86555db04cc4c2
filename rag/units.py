"""Numbers with their units: what a 多少X question asks for, and an answer that keeps its unit.

A reader asking 续航提升到了多少 wants "205km", not "205"; asked 爽约几次, "30天" is not an
answer however close the sentence is. Both need one notion of "a number carrying a unit",
shared by the span cutter, the answer completion and the question's constraints.
"""
from __future__ import annotations

import re

from .text import normalize

# Longest first, so 平方公里 wins over 公里 and 千瓦时 over 千瓦.
UNIT_WORDS = tuple(sorted({
    "平方米", "平方公里", "平方千米", "立方米", "公顷", "公里", "千米", "毫米", "厘米", "米", "千克", "公斤", "克", "吨", "斤",
    "光年", "海里", "英里",
    "毫升", "升", "千瓦时", "千瓦", "兆瓦", "吉瓦", "瓦", "度", "摄氏度", "℃",
    "人次", "架次", "辆次", "人", "户", "名", "位", "家", "个", "项", "件", "所", "支", "辆", "台", "架", "艘", "列",
    "座", "亩", "份", "条", "套", "只", "头", "株", "枚", "张", "块", "本", "篇", "部", "册", "场", "届", "轮",
    "局", "球", "分", "票", "层", "间", "例", "起", "宗", "笔", "批", "城", "国", "省", "所", "次", "倍", "成", "岁", "周岁",
    "年", "个月", "月", "周", "天", "日", "小时", "个小时", "分钟", "秒", "个百分点", "百分点",
    "组", "种", "类", "款", "首", "集", "期", "季", "节", "门", "科", "章", "段", "道", "根", "粒", "颗", "瓶", "杯", "碗",
    "盒", "袋", "箱", "双", "对", "幅", "封", "剂", "针", "面", "棵", "栋", "幢", "处", "匹", "盏", "尾",
    "元", "块钱", "美元", "欧元", "英镑", "日元", "韩元", "港元", "港币", "新元", "澳元", "加元", "卢布", "卢比", "人民币",
    "新台币", "台币",
}, key=len, reverse=True))
# case-sensitive and listed: a free run of letters would take "2023 Apple" for a quantity
# and compound (914mg/kg, 120km/h, 35μg/m³): a number read without its "/kg" is another measure
_LATIN_BASE = r"(?:km|kg|mg|μg|µg|ug|ng|mm|cm|ml|mL|kWh|kW|MWh|MW|GWh|GW|TWh|mAh|Wh|GB|TB|MB|Gbps|Mbps|kbps|GHz|MHz|Hz|" \
              r"kPa|MPa|Pa|dB|ppm|ppb|nm|min|m|g|t|L|W|h|s|G|T)[²³]?"
_LATIN_UNIT = _LATIN_BASE + r"(?:/" + _LATIN_BASE + r")?(?![A-Za-z])"
_NUM = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+|[数上近几][十百千万亿])"
_MAGNITUDE = r"[十百千万亿]*"
UNIT = r"(?:" + "|".join(map(re.escape, UNIT_WORDS)) + "|" + _LATIN_UNIT + r"|%|％|‰)"
# What may follow a number in the same quantity: 余/多, magnitudes, a unit (2100多元, 54.64万亿元)
_TAIL = re.compile(r"\s*(?:余|多)?\s*" + _MAGNITUDE + r"(?:余|多)?\s*(?:" + UNIT + r")?(?:多|余)?")
# Words in front of a number that change what it claims: 近3000名 is not 3000名. 最近/附近 are
# not such words, nor is 约 ending 签约/预约/合约.
_APPROX = re.compile(r"(?:将近|接近|大约|超过|不到|不足|(?<![最附靠临将接逼])近|(?<![签预合节制违公条相邀履特隐婉缔践失赴誓])约|逾)\s*$")
_SCORE = re.compile(r"\s*(?:比|:|：)\s*\d+")
_SCORE_BEFORE = re.compile(r"\d+\s*(?:比|:|：)\s*$")

# Units a reader treats as the same answer to 多少X (asked 多少名, 300人 answers).
_SAME = [{"人", "名", "位", "人次"}, {"公里", "千米", "km", "米", "m"}, {"度", "摄氏度", "℃", "°c"}, {"元", "块", "块钱", "美元", "欧元", "英镑", "日元", "韩元", "港元", "港币",
         "新元", "澳元", "加元", "卢布", "卢比", "人民币", "新台币", "台币"}, {"公斤", "千克", "kg"}, {"天", "日"}, {"小时", "个小时", "h"},
         {"分钟", "min"}, {"个月", "月"}, {"岁", "周岁"}, {"点", "时", ":"}, {"家", "个"}, {"座", "个", "城"},
         {"%", "％", "个百分点", "百分点", "成"}]
_ASKED = re.compile(r"(?:多少|几)\s*[十百千万亿]*\s*")
_CURRENCIES = frozenset({"美元", "欧元", "英镑", "日元", "韩元", "港元", "港币", "新元", "澳元", "加元", "卢布", "卢比", "新台币", "台币"})
_WORD_UNIT = {"钱": "元", "块钱": "元", "人口": "人", "人数": "人"}
_TIME_OF_DAY = frozenset({"点", "时", ":"})
_AGE = re.compile(r"多大年[纪龄]|多大岁数|年龄多大|(?:今年|现在|当时|时年)多大|多大了")
_AGE_UNITS = frozenset({"岁", "周岁"})
# 面积有多大, 海拔多高, 多重, 多远: the measure fixes the units (多长 and 多久 do not: 半小时)
# not 日, 月 or 分: 15日 and 8月 are dates, 3分 a score (a duration says 天, 个月, 分钟)
DURATION = frozenset({"秒", "秒钟", "分钟", "小时", "个小时", "个多小时", "个半小时", "天", "周", "个周", "星期", "个星期",
                      "个多星期", "个月", "个多月", "个半月", "年", "个年头", "昼夜", "工作日", "个工作日", "min", "h", "s"})
_MEASURES = [
    (re.compile(r"面积[^，。？?]{0,4}(?:多大|多少)|多大面积|占地多少"),
     # 90-170平 and 120平米 are how news and estate agents write square metres
     frozenset({"平方米", "平方公里", "平方千米", "公顷", "亩", "km²", "㎡", "平米", "平"})),
    (re.compile(r"多高|多深|海拔多少|高度是多少|深度是多少"), frozenset({"米", "m", "厘米", "毫米", "公里", "千米", "km"})),
    (re.compile(r"多重|重量是多少|体重是多少"), frozenset({"吨", "公斤", "千克", "克", "斤", "kg", "g", "t"})),
    # a star is light-years away, a ship nautical miles
    (re.compile(r"多远|距离是多少|距离有多少"), frozenset({"公里", "千米", "米", "km", "m", "光年", "海里", "英里"})),
    # how long something took or lasts is a duration: 15公里 does not answer 用了多长时间
    (re.compile(r"多长时间|多久|多少时间|(?:时长|耗时|用时|历时|工期|期限)(?:是|为|有|约|大约)?多少(?![\u4e00-\u9fff])"), DURATION),
    # a rate or share (覆盖率, 占比) is a percentage, not the amount it is a share of: asked the
    # forest-cover target, 5344万亩 of farmland is no answer. 汇率, 功率, 频率 ... are not shares.
    (re.compile(r"(?<![汇功频速码倍])(?:率|比例|比重|占比)(?:目标|指标|水平)?"
                r"(?:是|为|约|大约|达|达到|有|将|会|已|已经|仅|只有|提高到|提升到|降至|降到|升至)?(?:多少|几何)(?![\u4e00-\u9fff])"),
     frozenset({"%", "％", "个百分点", "百分点", "成", "‰"})),
]
# 售价是多少 / 罚款多少 name no unit but ask for an amount of money, in whatever currency
_AMOUNT = re.compile(r"(?:价格|售价|价钱|票价|罚款|罚金|金额|总额|总价|造价|费用|投资|投资额|销售额|营业额|交易额|成交额|融资额|市值|估值|营收|"
                     r"营业收入|净利润|利润|工资|月薪|年薪|奖金|补贴|赔偿)"
                     r"(?:是|为|约|大约|达|达到|有|共|一共|总共|共计)?(?:多少|几何)(?![\u4e00-\u9fff])|多少(?:资金|经费|款项|费用)")


def asked_units(question: str) -> frozenset[str] | None:
    """The units a 多少X / 几X question accepts (钱 means 元, 多少名 also takes 人, 多少万元
    takes 元); None when it names none (多少, 多少个国家, 多大年纪): nothing to check.
    A unit character that starts a common word is that word (多少成本 asks about 成本, not
    成 as tenths); "common" is jieba's dictionary frequency, not a list of our own."""
    q = normalize(question)
    if _AGE.search(q):
        return _AGE_UNITS
    for m in _ASKED.finditer(q):
        if q[max(0, m.start() - 2):m.start()] in ("公元", "西元"):
            continue   # 西元几年 asks which year (a date), not how many
        if q[m.start()] == "几" and re.search(r"(?:这|那|近|前|后|头|未来|过去|最近|好)$", q[:m.start()]):
            continue   # 这几年, 未来几年: "a few years", a description, not the question's ask
        rest = q[m.end():m.end() + 8]
        if rest.startswith("点"):
            return _TIME_OF_DAY
        word = next((w for w in _WORD_UNIT if rest.startswith(w)), None)
        unit = _WORD_UNIT[word] if word else next((u for u in UNIT_WORDS if rest.startswith(u)), None)
        if unit is None or unit == "个":
            continue
        longer = rest[:len(word or unit) + 1]
        if word is None and len(longer) > len(unit) and longer not in UNIT_WORDS and _starts_common_word(rest, unit):
            continue
        if unit in _CURRENCIES:   # asked in 欧元, a 元 (yuan) figure is another amount
            return frozenset({unit})
        return frozenset({unit}.union(*[g for g in _SAME if unit in g]))
    for pattern, units in _MEASURES:
        if pattern.search(q):
            return units
    if _AMOUNT.search(q):
        return next(g for g in _SAME if "元" in g)
    return None


_COMMON_WORD = 500   # 成本 4289, 年龄 3808, 元素 1914; unit+noun joins (次会, 名学, 座城) are 0-12


def _starts_common_word(rest: str, unit: str) -> bool:
    """Whether `rest` opens with a common word that swallows the unit: jieba reads it as one
    word (成本, not 支|队伍) and its dictionary counts it often (成本, not 次会)."""
    from .tokenize import cut, word_freq
    first = next(iter(cut(rest)), "")
    return len(first) > len(unit) and first.startswith(unit) and word_freq(first) >= _COMMON_WORD


def carries_unit(text: str, units: frozenset[str]) -> bool:
    """Whether some number in `text` is followed by one of `units` (3天, 2100多元, 1.2万人,
    上千人, 下午3时). Lenient on purpose: a false match only lets the other checks decide."""
    t = normalize(text)
    if "%" in units and re.search(r"百分之|[一二三四五六七八九十]成(?![员本绩果立功])", t):
        return True   # 百分之二十, 三成 are percentages written out
    if "小时" in units and re.search(r"半(?:个)?(?:小时|天|月|年|分钟)", t):
        return True   # 半小时, 半个月: a duration without a numeral
    for m in re.finditer(_NUM, t):
        if m.group() == "一":
            continue   # 一张真钞, 一个: an article, not an amount
        after = re.sub(r"^\s*(?:余|多)?\s*[十百千万亿]*(?:余|多)?\s*", "", t[m.end():m.end() + 12])
        # 32.55亿元新台币: the currency after 元
        unit = next((u for u in units if after.startswith(u) or u in _CURRENCIES and after.startswith("元" + u)), None)
        if unit is None and "人" in units and re.search(r"人口|人数|居民", t[max(0, m.start() - 5):m.start()]):
            unit = "人"   # 人口達2,790,060: the noun comes before the number
        if unit is None:
            continue
        if unit == "年" and re.fullmatch(r"(?:19|20)\d\d", m.group()):
            continue   # 2000年 is a year, not 多少年 (a duration) nor 多少年费
        return True
    return False


def complete(answer: str, quote: str) -> str:
    """The answer with the rest of its quantity as the quote states it: "205" -> "205km",
    "54.64万" -> "54.64万亿元", "6" in 以1比6 -> "1比6"; and with the word that bounds it,
    "3000名" in 近3000名 -> "近3000名". The unit is added only to an answer that ends in a number
    and occurs in the quote as a whole number."""
    return _approximate(_complete(answer, quote), quote)


def _approximate(answer: str, quote: str) -> str:
    """A quantity keeps the word in front of it that bounds it (近, 约, 超过, 不足), and an
    ordinal its 第."""
    if not re.match(r"\d|[一两三四五六七八九十百千]", answer):
        return answer
    i = quote.find(answer)
    if i <= 0 or re.match(r"[\d.,]", quote[i - 1]):
        return answer
    if quote[i - 1] == "第":
        return "第" + answer   # 第7位 is a rank, 7位 a count: the quote's ordinal stays one
    m = _APPROX.search(quote[:i])
    return quote[m.start():i] + answer if m else answer


def _complete(answer: str, quote: str) -> str:
    a = answer.strip()
    if not a:
        return answer
    dated = _with_year(a, quote)
    if dated:
        return dated
    whole = _in_range(a, quote)
    if whole:
        return whole
    if not re.search(r"[\d十百千万亿]$", a):
        return _to_word_end(a, quote)
    pattern = re.compile(r"(?<![\d.])" + r"\s*".join(map(re.escape, a)) + r"(?![\d])(?!\.\d)")
    for m in pattern.finditer(quote):
        head, tail = "", ""
        if re.fullmatch(r"\d+", a):
            before = _SCORE_BEFORE.search(quote[:m.start()])
            after = _SCORE.match(quote, m.end())
            if before:
                head = before.group()
            elif after:
                tail = after.group()
        if not tail:
            t = _TAIL.match(quote, m.end())
            tail = t.group().rstrip() if t else ""
            if not re.search(r"[^\s多余]", tail):   # 多 alone (205多辆 without its unit) adds nothing
                tail = ""
        if head or tail:
            # the unit may itself be cut inside a word: 16 -> 16部 in 联合16部门 -> 16部门
            return _to_word_end(head + m.group() + tail, quote)
    return _to_word_end(a, quote)


_MONTH_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")


def with_year(answer: str, quote: str) -> str:
    """The answer, or the same day with the year the quote states right before it."""
    return _with_year(answer, quote) or answer


def _with_year(answer: str, quote: str) -> str | None:
    """A day given without its year where the quote states one right before it: "8月4日"
    from "2017年8月4日" is 2017年8月4日 (a reader asking 哪一天 of an old event needs it)."""
    if not _MONTH_DAY.match(answer):
        return None
    m = re.search(r"\d{4}\s*年\s*" + r"\s*".join(map(re.escape, answer)), quote)
    return m.group() if m else None


_QTY = r"\d+(?:\.\d+)?" + _TAIL.pattern
_RANGE = re.compile(_QTY + r"\s*(?:至|到|~|～|—|－)\s*" + _QTY)


def _in_range(answer: str, quote: str) -> str | None:
    """A range is one answer: the model's 13.19万元 from 售价范围为9.99万元至13.19万元 is only
    its upper end. The whole range when the answer is one end of it, else None."""
    for m in _RANGE.finditer(quote):
        if re.search(r"[从由]\s*$", quote[max(0, m.start() - 2):m.start()]):
            continue   # 从20天到3天 is a change, and its answer one side of it
        text = m.group().strip()
        if answer == text or not re.search(r"\d", answer):
            continue
        # either end as the quote writes it, or a bare number that is either end ("13.19")
        bare_end = re.fullmatch(r"[\d.]+", answer) and re.search(
            r"(?:^|[至到~～—－]\s*)" + re.escape(answer) + r"(?![\d.])", text)
        starts = re.match(re.escape(answer) + r"(?![\d.])", text)   # "1" is not the start of "10元至20元"
        if starts or text.endswith(answer) or bare_end:
            return text
    return None


def _to_word_end(answer: str, quote: str) -> str:
    """An answer cut inside a word ends at the word's end: "16部" in 联合16部门 is "16部门"."""
    i = quote.find(answer)
    if i < 0 or not re.search(r"[\u4e00-\u9fff]$", answer):
        return answer
    from .tokenize import cut, word_freq
    start = max(0, i - 8)
    pos = start
    for w in cut(quote[start:i + len(answer) + 6]):
        end = pos + len(w)
        # only into a common dictionary word (部门), not one of jieba's glued pieces (天减, 日起)
        if pos < i + len(answer) < end and end - (i + len(answer)) <= 2 and word_freq(w) >= _COMMON_WORD:
            return quote[i:end]
        pos = end
    return answer
