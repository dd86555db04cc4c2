import json
import lzma

import pytest

from rag.boilerplate import PATTERNS, boilerplate_spans, derive_title, kept_ranges, original_title, outlet
from rag.chunking import chunk_article
from rag.types import Article

from .conftest import SHARED

NEWS = SHARED / "news" / "crud_news_20k.jsonl.xz"


def spans(body):
    return [(body[s:e], k) for s, e, k in boilerplate_spans(body)]


# One fixture per pattern, shaped like the bodies of the CRUD sample (no line breaks).
CASES = {
    "original_title": [
        ("原标题：交城：法院司法一家亲 诉调对接为民生交城：法院司法一家亲 诉调对接为民生 近年来，群众法律意识显著提高。",
         "原标题：交城：法院司法一家亲 诉调对接为民生"),
        ("原标题：西媒：在这里，俄与西方也展开对立参考消息网8月14日报道据西班牙《阿贝赛报》网站报道。",
         "原标题：西媒：在这里，俄与西方也展开对立"),
        ("                原标题：俄罗斯部分中止税收协定                            俄罗斯总统普京8日签署总统令。",
         "原标题：俄罗斯部分中止税收协定"),
        ("工友连连称赞。图片由法律援助中心提供原标题：《长宁法援律师热心帮助工友》",
         "原标题：《长宁法援律师热心帮助工友》"),
    ],
    "source": [
        ("美国股市暂停了涨势，道琼斯指数下跌0.9%。来源：金融界", "来源：金融界"),
        ("杜纳耶夫被怀疑在美国实施网络犯罪。（来源：参考消息网编译/魏良磊）", "（来源：参考消息网编译/魏良磊）"),
        ("中国女排首次闯入决赛。图片来源：国际排联网站波兰女排在今年世界女排联赛有着不俗表现。", "图片来源：国际排联网站"),
        ("为双职工家庭解忧 来源：人民网－湖北频道8月7日，在武汉市积玉桥街道，托管室正式开课。", "来源：人民网－湖北频道"),
    ],
    "editor": [
        ("还将在安徽多地进行巡展。  【编辑:王祎】                           ", "【编辑:王祎】"),
        ("发生3.0级地震。(编辑：卢其龙 CN070)", "(编辑：卢其龙 CN070)"),
        ("赢得了消费者广泛赞誉。编辑：刘剑武", "编辑：刘剑武"),
        ("代代相传！责任编辑：", "责任编辑："),
    ],
    "end_mark": [("最新行业整顿要求，对球队存在的问题进行内部整改。(完)", "(完)"),
                 ("双方同意加强合作。（完）", "（完）")],
    "ad_notice": [("TPU 腕带版售价 399 元。广告声明：文内含有的对外跳转链接，用于传递更多信息，IT之家所有文章均包含本声明。",
                   "广告声明：文内含有的对外跳转链接，用于传递更多信息，IT之家所有文章均包含本声明。")],
    "copyright": [("支持连续20次弹射起步。本文属于原创文章，如若转载，请注明来源：飞凡汽车北京首个换电站开建",
                   "本文属于原创文章，如若转载，请注明来源：飞凡汽车北京首个换电站开建"),
                  ("项目正式投产。版权声明：本文为本网原创稿件，未经授权不得转载。", "版权声明：本文为本网原创稿件，未经授权不得转载。")],
    "share": [("每年至少做一次B超。更多资讯，请扫码加入极目新闻内科交流群。", "更多资讯，请扫码加入极目新闻内科交流群。"),
              ("活动将持续一周。欢迎关注公众号“城市早报”。", "欢迎关注公众号“城市早报”。"),
              ("天气转凉。喜欢本文请点击“在看”让更多人看到！", "喜欢本文请点击“在看”让更多人看到！")],
    "footer": [("将其涉嫌犯罪问题移送检察机关。返回搜狐，查看更多", "返回搜狐，查看更多"),
               ("修复受损管道200余处。   更多精彩内容请进入国内新闻", "更多精彩内容请进入国内新闻"),
               ("制作丨郝元瀚 段昊辰资料丨齐涛分享让更多人看到", "分享让更多人看到")],
    "snippet_prefix": [("Mar 3, 2022 ... 本报讯 今天上午，全市防汛会议召开。", "Mar 3, 2022 ... ")],
    "code": [("都没有把握住机会。.imgisgif{display:inline-block;position:relative;}.imgisgif img{padding:0 !important;}"
              ".imgisgif:after{content:\"GIF\";font:14px/20px arial;}",
              ".imgisgif{display:inline-block;position:relative;}.imgisgif img{padding:0 !important;}"
              ".imgisgif:after{content:\"GIF\";font:14px/20px arial;}"),
             ("  showPlayer({id:\"/pvservice/xml/2023/7/22/4c5d.xml\",width:360,height:640}); “大暑”是第十二个节气。",
              "showPlayer({id:\"/pvservice/xml/2023/7/22/4c5d.xml\",width:360,height:640});")],
}


def test_every_pattern_has_a_fixture():
    assert {p.kind for p in PATTERNS} == set(CASES)


@pytest.mark.parametrize("kind,body,want", [(k, b, w) for k, cases in CASES.items() for b, w in cases])
def test_pattern_finds_its_span(kind, body, want):
    got = spans(body)
    assert (want, kind) in got, got


@pytest.mark.parametrize("body", [
    "他说，家里主要收入来源：工资和奖金，占七成。",
    "据了解，资金来源于社会捐助和财政补贴。",
    "水源来源：长江，经过三道净化。",
    "市民扫码即可乘车，无需现金。",
    "请在手机上点击“设置 > 关于本机”，然后根据提示申请。",
    "点开需要置顶的某条朋友圈内容，点击右上角“三个点”图标，再点击下方“置顶”。",
    "商场不得强制消费者加会员，不得强制消费者关注公众号。",
    "该公司未经许可擅自使用他人注册商标，被罚款十万元。",
    "他曾任该报编辑，后来转行。",
    "本次展览完成了预定目标（完成率达百分之百）。",
    "函数f(x)的值域是{y:y>0}，见教材第3页。",
    "他说：“把好消息分享给更多人。”",
])
def test_text_that_merely_mentions_a_label_is_kept(body):
    assert boilerplate_spans(body) == []
    assert [(0, len(body))] == kept_ranges(body)


def test_titles_and_outlet():
    assert original_title(CASES["original_title"][0][0]) == "交城：法院司法一家亲 诉调对接为民生"
    assert derive_title("原标题：西媒：在这里，俄与西方也展开对立参考消息网8月14日报道据报道。") == "西媒：在这里，俄与西方也展开对立"
    assert derive_title("新华社北京8月15日电（记者张三）国务院今天召开常务会议。") == "国务院今天召开常务会议"
    assert derive_title("IT之家 8 月 16 日消息，天马微电子昨日发文，解读小米手环 8 Pro 所用屏幕细节，声称这款显示屏亮度更高。") \
        == "天马微电子昨日发文，解读小米手环 8 Pro 所用屏幕细节"
    assert derive_title("【环球网报道 见习记者 姜蔼玲】据韩联社10日报道，参加大露营的韩国队员遭到歧视。") \
        == "据韩联社10日报道，参加大露营的韩国队员遭到歧视"
    assert derive_title("财经网金融讯\xa0 8月18日，国家金融监督管理总局发布数据。") == "8月18日，国家金融监督管理总局发布数据"
    t = derive_title("一" * 100)
    assert len(t) <= 40
    assert derive_title("短标题\n正文第一句。") == "短标题"
    assert outlet("正文。来源：金融界返回搜狐，查看更多") == "金融界"


def test_chunks_skip_boilerplate_and_keep_exact_offsets():
    body = ("原标题：港口吞吐量创新高 本报讯 6月，港口集装箱吞吐量达到86万标准箱，同比增长12%。"
            "来源：港城日报 码头工人说，今年订单饱满。（完）  【编辑:王祎】 返回搜狐，查看更多")
    a = Article(id="x", title="t", body=body)
    chunks = chunk_article(a, 60, 1)
    text = "".join(c.text for c in chunks)
    for c in chunks:
        assert body[c.start:c.end] == c.text
    for bad in ("原标题", "来源：", "编辑", "返回搜狐", "（完）"):
        assert bad not in text
    assert "86万标准箱" in text and "订单饱满" in text
    assert chunk_article(a, 60, 1, skip_boilerplate=False)[0].text.startswith("原标题")


@pytest.mark.skipif(not NEWS.exists(), reason="needs /work/shared/news")
def test_real_slice_spans_are_sane():
    """First 50 bodies of the real file: spans never overlap, chunks never touch a span."""
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        bodies = [json.loads(next(f))["text"].strip() for _ in range(50)]
    found = 0
    for i, body in enumerate(bodies):
        sp = boilerplate_spans(body)
        found += len(sp)
        assert all(a[1] < b[0] for a, b in zip(sp, sp[1:]))
        removed = sum(e - s for s, e, _ in sp)
        assert removed < 0.5 * len(body), (i, spans(body))
        for c in chunk_article(Article(id=str(i), title="", body=body), 300, 1):
            assert body[c.start:c.end] == c.text
            assert all(c.end <= s or c.start >= e for s, e, _ in sp)
    assert found >= 20


def test_a_sentence_cut_from_page_code_is_code_and_prose_is_not():
    from rag.boilerplate import is_code
    assert is_code(".imgisgif{display:inline-block;") and is_code('}.imgisgif:after{content:"GIF";')
    assert is_code('showPlayer({id:"/pvservice/xml/2023/7/26/f8.xml",width:600,height:')
    assert not is_code("函数f(x)的值域是{y:y>0}。") and not is_code("The plant will cost $17 billion.")
