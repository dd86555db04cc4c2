"""Writes evals/news_qa.jsonl. The questions are hand-written; this file is their source of truth.

    python scripts/make_news_qa.py           # write the set
    python scripts/make_news_qa.py --check   # verify it against /work/shared/news (stdlib only)

Every answerable question was written after reading its article (first 2,000 lines of
crud_news_20k.jsonl.xz, the eval index). Every unanswerable one carries `probe` words: the
key entity + the asked attribute; `--check` lists every one of the 20,000 documents that
contains all of them, and each such hit was read to confirm it does not answer the question.
"""
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "evals" / "news_qa.jsonl"
SEED = 20230820
rows: list[dict] = []


def A(cat, question, answers, arts, must=None, as_of=None):
    r = {"question": question, "answers": answers, "answerable": True, "article_ids": arts, "category": cat}
    if must:
        r["must_include"] = must
    if as_of:
        r["as_of"] = as_of
    rows.append(r)


def U(cat, question, arts, probe, as_of=None):
    r = {"question": question, "answers": [], "answerable": False, "article_ids": arts, "category": cat,
         "_probe": probe}
    if as_of:
        r["as_of"] = as_of
    rows.append(r)

# batch 1-2
A("number", "日本爱知县丰山町参加血液检测的54名居民中，有多少人有机氟化合物超标？", ["22人"], ["part_10_part_1-1836"])
U("unanswerable_entity", "东京多摩地区参加血液检测的居民中，具体有多少人全氟和多氟烷基物质超标？", ["part_10_part_1-1836"], ["多摩", "超标"])
A("number", "福冈游泳世锦赛女子3米板决赛，陈艺文最终以多少分夺冠？", ["359.50分", "359.50"], ["part_11_part_1-851"])
U("unanswerable_figure", "福冈世锦赛女子3米板决赛中，日本选手三上纱也可最后得了多少分？", ["part_11_part_1-851"], ["三上纱也可"])
A("time", "截至2022年底，中国大唐的发电装机容量突破了多少？", ["1.7亿千瓦"], ["part_10_part_2-806"])
U("unanswerable_time", "截至2021年底，中国大唐的资产总额达到多少？", ["part_10_part_2-806"], ["大唐", "2021年底"])
A("where", "中越联合打击非法出入境专项行动的启动仪式在哪座城市举行？", ["广西南宁", "南宁"], ["part_10_part_1-949"])
U("unanswerable_figure", "中越联合打击非法出入境专项行动计划持续多长时间？", ["part_10_part_1-949"], ["非法出入境", "越南"])
A("time", "据业内人士预计，到2026年研学游赛道的市场规模将超过多少？", ["2000亿元"], ["part_10_part_3-1698"])
U("unanswerable_entity", "众信旅游官网上国内研学游路线的价格区间是多少？", ["part_10_part_3-1698"], ["众信", "研学"])
A("number", "瑞士境内曾经有过大约多少个冰川？", ["约1500个", "1500个"], ["part_10_part_3-22"])
U("unanswerable_time", "瑞士冰川总冰量在1980年至2000年间损失了多少？", ["part_10_part_3-22"], ["瑞士", "冰川", "1980"])
A("number", "PG&E预计未来20年电力需求会增长多少？", ["70%"], ["part_11_part_1-909"])
U("unanswerable_time", "马斯克预测到2040年全球销售的新车中电动汽车会占多大比例？", ["part_11_part_1-909"], ["马斯克", "2040"])
A("who", "哪位新疆生产建设兵团原副司令员因严重违纪违法被开除党籍和公职？", ["焦小平"], ["part_10_part_3-810"])
A("where", "焦小平支持特定关系人在哪个地区开发小水电、破坏生态？", ["秦岭"], ["part_10_part_3-810"])
A("who", "北京朝阳区望京街道的工委书记是谁？", ["陈栋"], ["part_10_part_3-1346"])
U("unanswerable_figure", "望京法治文化广场普法驿站每周开放几天、几点到几点？", ["part_10_part_3-1346"], ["普法驿站", "望京"])
A("number", "爱旭股份ABC技术的光电转化效率无限接近多少？", ["29.4%"], ["part_10_part_3-1819"])
U("unanswerable_figure", "爱旭股份加入联合国全球契约组织需要缴纳多少年费？", ["part_10_part_3-1819"], ["全球契约", "费"])
A("number", "在武汉硚口识破诈骗电话的张婆婆今年多大年纪？", ["75岁"], ["part_10_part_2-591"])
A("who", "张婆婆口中的片警“老李”全名叫什么？", ["李道春"], ["part_10_part_2-591"])
A("time", "新天药业2023年一季报中的主营收入是多少？", ["2.09亿元"], ["part_10_part_1-451"])
U("unanswerable_time", "新天药业2022年全年的归母净利润是多少？", ["part_10_part_1-451"], ["新天药业", "2022年"])
A("number", "门头沟沿河口村有多少名被困村民等待北京卫戍区官兵救援？", ["43名"], ["part_10_part_3-128"])
A("who", "带领救援小组奔袭15公里赶到沿河口村的政治指导员叫什么名字？", ["高伟"], ["part_10_part_3-128"])
A("where", "世卫组织2023年第5期医疗产品警报里的受污染止咳糖浆是在哪个国家发现的？", ["喀麦隆"], ["part_11_part_1-222"])
A("number", "检测显示NATURCOLD止咳糖浆里的二甘醇含量高达多少？", ["28.6%"], ["part_11_part_1-222"])
A("number", "没有经过治疗的川崎病患儿，发生冠状动脉损伤的风险能达到多少？", ["20%到25%"], ["part_10_part_2-200"])
U("unanswerable_figure", "我国每年新增的川崎病患儿大约有多少例？", ["part_10_part_2-200"], ["川崎病", "每年"])
A("number", "台风“杜苏芮”来袭，温州沿海共有多少条客运航线停航？", ["13条"], ["part_10_part_2-946", "part_10_part_1-1733"])
U("unanswerable_figure", "因台风“杜苏芮”临时闭园的温州动物园，什么时候重新开放？", ["part_10_part_2-946"], ["温州动物园"])
A("time", "截至2023年6月末，北京新开工改造的城镇老旧小区有多少个？", ["237个"], ["part_10_part_2-1231", "part_10_part_2-1244"])
U("unanswerable_entity", "截至2023年6月末，上海新开工改造的城镇老旧小区有多少个？", ["part_10_part_2-1231", "part_10_part_2-1244"], ["上海", "老旧小区", "新开工"])
A("number", "今年鞍山全民读书节开幕式的在线观看人数是多少？", ["248万人次"], ["part_10_part_3-1216"])
U("unanswerable_entity", "今年沈阳全民读书节开幕式的在线观看人数是多少？", ["part_10_part_3-1216"], ["沈阳", "读书节"])
A("number", "被暴雨山洪波及的北京悉昙酒店当初建造用了多少年？", ["8年"], ["part_10_part_3-1058"])
A("date", "北京悉昙酒店是哪天开始试营业的？", ["2022年4月30日"], ["part_10_part_3-1058"])
A("number", "据《经济学人》文章，印度制药业有多大比例的活性成分来自中国？", ["70%"], ["part_10_part_3-815"])
A("number", "德州交警称，发生事故时佩戴安全头盔能让死亡率下降多少？", ["40%"], ["part_10_part_1-1141"])
A("number", "长春红旗街万达广场高空抛砖事件中遇难的女子多大年纪？", ["28岁"], ["part_10_part_1-1828"])
U("unanswerable_figure", "长春万达广场高空抛砖案的嫌疑人姓甚名谁？", ["part_10_part_1-1828"], ["高空", "长春", "嫌疑人"])
A("number", "花旗把Sea的目标价下调到了多少？", ["50美元"], ["part_10_part_2-1124", "part_10_part_2-918"])
U("unanswerable_entity", "摩根士丹利把Sea的目标价调到了多少？", ["part_10_part_2-1124", "part_10_part_2-918"], ["Sea", "摩根士丹利"])
A("fact", "尼日尔政变军人宣布的全国宵禁是从几点到几点？", ["晚10点至次日5点"], ["part_10_part_2-1500"])
A("where", "内塔尼亚胡在家中晕倒后被送到了哪家医院？", ["舍巴医院", "谢巴医疗中心"], ["part_10_part_2-818"])
# batch 3
A("number", "建行深圳分行原风险总监韩凤林一审被判了多少年有期徒刑？", ["十一年", "11年"], ["part_10_part_2-95", "part_10_part_1-1275", "part_10_part_1-1339", "part_10_part_1-1570"])
A("who", "韩凤林受贿案是由哪家法院一审宣判的？", ["青岛市中级人民法院", "青岛中院"], ["part_10_part_2-95", "part_10_part_1-1275", "part_10_part_1-1339", "part_10_part_1-1570"])
A("fact", "俄罗斯在远东开工建造的10510型领袖级核动力破冰船叫什么名字？", ["“俄罗斯”号", "俄罗斯号"], ["part_10_part_1-547"])
U("unanswerable_figure", "俄罗斯10510型领袖级核动力破冰船“俄罗斯”号预计哪一年交付使用？", ["part_10_part_1-547"], ["10510", "交付"])
A("where", "新华社8月10日拍摄的印尼泥炭地火灾现场位于哪个省？", ["廖内省"], ["part_11_part_1-792"])
U("unanswerable_figure", "印尼廖内省这次泥炭地火灾的过火面积有多大？", ["part_11_part_1-792"], ["廖内", "公顷"])
A("time", "2022年中国一共发射了多少次火箭？", ["64次"], ["part_10_part_2-355"])
U("unanswerable_time", "2021年中国一共发射了多少次火箭？", ["part_10_part_2-355"], ["2021年", "发射", "火箭", "次"])
A("number", "国民党籍议员说AIT内湖新馆的占地面积有多大？", ["6.5公顷"], ["part_10_part_3-85"])
A("who", "质疑AIT台北办事处扩建的国民党籍台北市议员是谁？", ["游淑慧"], ["part_10_part_3-85"])
A("date", "辽宁阜新弘霖煤矿的瞒报事故发生在哪一天？", ["6月27日"], ["part_10_part_2-780"])
U("unanswerable_figure", "阜新弘霖煤矿事故造成的直接经济损失有多少？", ["part_10_part_2-780"], ["弘霖", "经济损失"])
A("time", "2023年6月，云视机器人的国内营收在总营收中占比升到了多少？", ["30%"], ["part_10_part_3-765"])
U("unanswerable_time", "2022年上半年，云视机器人国内营收占总营收的比例是多少？", ["part_10_part_3-765"], ["云视", "2022年上半年"])
A("date", "君实生物是什么时候成立的？", ["2012年12月"], ["part_10_part_1-595"])
A("fact", "君实生物的特瑞普利单抗商品名叫什么？", ["拓益"], ["part_10_part_1-595"])
A("time", "7月26日，浙江省海洋监测预报中心是在几点发布海浪黄色警报的？", ["16时"], ["part_10_part_1-1645"])
U("unanswerable_entity", "受“杜苏芮”影响，上海近岸海域预计有多高的浪？", ["part_10_part_1-1645"], ["上海", "杜苏芮", "浪"])
A("where", "首趟京津冀“中吉乌”公铁联运国际班列是从哪座城市出发的？", ["廊坊市", "廊坊"], ["part_10_part_2-1279"])
U("unanswerable_figure", "首趟京津冀“中吉乌”公铁联运国际班列运了多少吨货？", ["part_10_part_2-1279"], ["中吉乌", "吨"])
A("who", "宣布乌方对克里米亚大桥首次遭袭负责的乌克兰国家安全局局长是谁？", ["马柳克"], ["part_10_part_2-902"])
A("number", "柯文哲《KP SHOW》演唱会的实体门票一张卖多少钱？", ["8800元"], ["part_10_part_2-1276"])
A("who", "为柯文哲演唱会指导舞蹈的是谁？", ["蓝波"], ["part_10_part_2-1276"])
A("number", "深圳水湾社区的消防演练共组织了多少名党员及群众参加？", ["50名"], ["part_10_part_3-737"])
U("unanswerable_entity", "深圳蛇口社区的消防演练共组织了多少名党员群众参加？", ["part_10_part_3-737"], ["蛇口", "消防", "演练"])
A("number", "目前我国癌症患者的5年相对生存率大约是多少？", ["约为40.5%", "40.5%"], ["part_10_part_2-1754"])
A("who", "阿斯利康中国肿瘤事业部的总经理是谁？", ["陈康伟"], ["part_10_part_2-1754"])
# batch 4
A("who", "提出重启塞浦路斯统一谈判的塞浦路斯外交部长是谁？", ["康斯坦丁诺斯·孔波斯", "孔波斯"], ["part_11_part_1-317"])
A("date", "土耳其族塞浦路斯人是在哪一天宣布成立“北塞浦路斯土耳其共和国”的？", ["1983年11月15日"], ["part_11_part_1-317"])
A("number", "北京市国资委组织了几家市属国企到房山区开展灾后援建？", ["7家"], ["part_10_part_3-701"])
U("unanswerable_figure", "北京市属国企援建房山灾后重建总共投入了多少资金？", ["part_10_part_3-701"], ["房山", "援建", "亿元"])
A("number", "新款奇瑞QQ冰淇淋的CLTC工况续航提升到了多少？", ["205km", "205 km", "205公里"], ["part_10_part_1-428"])
U("unanswerable_figure", "新款奇瑞QQ冰淇淋用10kW快充从30%充到80%具体需要多少分钟？", ["part_10_part_1-428"], ["冰淇淋", "快充"])
A("date", "房山区防汛抗旱指挥部关于维护防汛救灾期间社会治安秩序的通告是哪天发布的？", ["2023年8月3日"], ["part_10_part_3-98"])
A("number", "在美国马里兰州，15至34岁的非裔男性遭枪杀的概率是同龄白人男性的多少倍？", ["38倍"], ["part_10_part_1-1506"])
U("unanswerable_entity", "在美国伊利诺伊州，15至34岁的非裔男性遭枪杀的概率是同龄白人男性的多少倍？", ["part_10_part_1-1506"], ["伊利诺伊", "倍"])
A("time", "2023年7月的上海车牌拍卖，中标率是多少？", ["12.3%"], ["part_11_part_1-857"])
U("unanswerable_time", "2022年7月的上海车牌拍卖，平均成交价是多少？", ["part_11_part_1-857"], ["2022年7月", "拍卖", "成交价"])
A("number", "夜里在上海商场闲逛“扫货”的卢某被判处有期徒刑几年？", ["10年"], ["part_10_part_3-1547"])
A("where", "上海警方是在哪里找到盗窃商场的卢某的？", ["苏州一家酒店", "苏州"], ["part_10_part_3-1547"])
A("date", "松江区生态环境局是哪天开出首张《不予行政处罚告知书》的？", ["7月10日"], ["part_11_part_1-689"])
U("unanswerable_entity", "闵行区生态环境局的首张《不予行政处罚告知书》是哪天开出的？", ["part_11_part_1-689"], ["闵行", "不予行政处罚"])
A("who", "提议乌克兰以割让领土换取北约成员资格的北约秘书长办公室主任叫什么？", ["斯蒂安·延森", "延森"], ["part_10_part_2-378"])
A("where", "延森是在挪威哪座城市的公开辩论中提出“割地换北约成员资格”的？", ["阿伦达尔市", "阿伦达尔"], ["part_10_part_2-378"])
A("number", "8月9日和10日，有多少名玉树先心病患儿住进北京的两家医院接受免费手术？", ["30名"], ["part_10_part_3-1345"])
A("number", "“健康边疆行”活动至今累计有多少名青海玉树患儿到北京接受了免费手术？", ["141名"], ["part_10_part_3-1345"])
A("number", "耶伦访华期间与中方官员的双边会谈总共有多长时间？", ["10个小时"], ["part_11_part_1-534"])
U("unanswerable_figure", "耶伦访华期间见了几位女性经济学家，她们分别是谁？", ["part_11_part_1-534"], ["耶伦", "女性经济学家"])
A("number", "三星电子在得克萨斯州泰勒市建设的新芯片工厂预计投资多少？", ["170亿美元"], ["part_10_part_1-271"])
U("unanswerable_figure", "Groq与三星电子签下的泰勒工厂代工订单金额是多少？", ["part_10_part_1-271"], ["Groq", "订单"])
A("time", "法国2022年给尼日尔的发展援助大约有多少？", ["1.2亿欧元"], ["part_10_part_3-860"])
U("unanswerable_entity", "德国2022年对尼日尔的发展援助是多少？", ["part_10_part_3-860"], ["德国", "尼日尔", "援助"])
A("time", "截至8月13日12时，天津已有多少名转移人员平安回迁？", ["33635名"], ["part_10_part_2-1514"])
U("unanswerable_entity", "截至8月13日，河北涿州已有多少名转移群众平安回迁？", ["part_10_part_2-1514"], ["涿州", "回迁"])
# batch 5
A("number", "柳河县人民法院速裁团队用半天时间调解成功了几起追偿权纠纷？", ["八起", "8起"], ["part_10_part_2-263"])
A("date", "医药公司是在什么时候给垫付养老保险费的八位员工出具欠据的？", ["2022年4月"], ["part_10_part_2-263"])
A("time", "8月12日在浦东群艺馆举行的合唱比赛，一共有多少个群众性合唱团参加？", ["26个"], ["part_11_part_1-1025"])
A("number", "浦发银行信用卡中心员工合唱团的平均年龄是多少？", ["28岁"], ["part_11_part_1-1025"])
A("where", "闵行区颛桥镇公共法律服务工作站的地址在哪里？", ["闵行区春都路216号1楼", "春都路216号"], ["part_10_part_2-855"])
A("where", "收到百元假币的卖菜任大爷是在湖北哪个县？", ["崇阳县", "崇阳"], ["part_10_part_1-1537"])
A("date", "任大爷是哪天早上识破买菜女子的假币的？", ["8月8日"], ["part_10_part_1-1537"])
A("number", "宜昌市“军人有惠”活动一共有多少家商家加入？", ["1462家"], ["part_10_part_3-1555"])
U("unanswerable_entity", "襄阳市“军人有惠”活动有多少家商家加入？", ["part_10_part_3-1555"], ["襄阳", "军人有惠"])
A("time", "加拿大今年6月份的消费者物价指数同比上涨了多少？", ["2.8%"], ["part_11_part_1-34"])
U("unanswerable_time", "加拿大今年5月份的消费者物价指数同比上涨了多少？", ["part_11_part_1-34"], ["加拿大", "5月", "消费者物价指数"])
A("number", "深圳茜坑社区这次为多少名环卫工人送上了爱心营养午餐？", ["50名"], ["part_10_part_3-975"])
A("who", "福城街道茜坑社区的党委书记是谁？", ["罗月娥"], ["part_10_part_3-975", "part_10_part_3-409"])
A("time", "2023年6月末全国涉农贷款余额有多少？", ["54.64万亿元"], ["part_11_part_1-982"])
U("unanswerable_time", "2022年末全国涉农贷款余额是多少？", ["part_11_part_1-982"], ["涉农贷款余额", "2022年末"])
A("who", "日本“花样游泳教母”井村雅代目前是哪位选手的专属教练？", ["乾友纪子"], ["part_11_part_1-659"])
A("number", "比嘉萌/安永真白为日本队夺得世锦赛女双技术自选金牌，距上一次隔了多少年？", ["22年"], ["part_11_part_1-659"])
A("number", "凯德投资最近为旗下三支私募基金募集了大约多少新元？", ["约13亿新元", "13亿新元"], ["part_10_part_1-569", "part_10_part_2-1465"])
U("unanswerable_time", "凯德投资2021年全年的股权募资总额是多少？", ["part_10_part_1-569", "part_10_part_2-1465"], ["凯德", "2021年全年"])
A("number", "印度国防部长辛格说，印度有意再从法国采购多少架“阵风”战机？", ["26架"], ["part_10_part_2-1087"])
A("time", "莫迪2015年访问巴黎时宣布购买多少架“阵风”战机？", ["36架"], ["part_10_part_2-1087"])
A("number", "在京消费者在同一个平台最多能领多少元京彩绿色消费券？", ["1600元"], ["part_10_part_2-1631"])
U("unanswerable_figure", "8月5日至20日这批京彩绿色消费券的发放总额是多少？", ["part_10_part_2-1631"], ["京彩绿色", "总额"])
A("time", "美联储会议纪要提到，6月份美国CPI年率涨幅是多少？", ["3.0%"], ["part_10_part_2-1122"])
A("number", "上海博物馆规定，预约后未取消、爽约几次的账号会被冻结预约资格？", ["2次"], ["part_10_part_2-1360"])
A("time", "7月7日至8月20日期间，上海博物馆周五夜场的开放时间是几点到几点？", ["晚上18时至21时", "18时至21时"], ["part_10_part_2-1360"])
# batch 6
A("time", "拜登2022年重启的癌症计划，目标是在未来25年内把癌症死亡率至少降低多少？", ["50%"], ["part_10_part_2-1222"])
A("date", "拜登的儿子博·拜登是在哪一年因脑癌去世的？", ["2015年"], ["part_10_part_2-1222"])
A("date", "中国太保是从哪一年开始正式成为中国女排官方合作伙伴的？", ["2018年"], ["part_10_part_1-1677"])
A("date", "中国太保是什么时候签约成为杭州亚运会官方合作伙伴的？", ["2020年11月"], ["part_10_part_1-1677"])
A("number", "据《京乡新闻》报道，世界童军大露营1170亿韩元的预算里，只有多少用在了露营地设施建设上？", ["129亿韩元"], ["part_10_part_1-134"])
U("unanswerable_time", "第24届世界童军大露营的总预算是多少？", ["part_10_part_1-134"], ["第24届世界童军"])
A("number", "北京卫戍区某团在这次救灾任务中成立了多少支党员突击队？", ["24支"], ["part_10_part_3-1306"])
A("who", "在昌平区北照台村带队员跳进道路裂缝、用肩膀撑起“生命桥”的党员突击队队长是谁？", ["郭兴"], ["part_10_part_3-1306"])
A("date", "据红谷滩区教育体育局通报，王某是哪天向受托人谢某转账3万元的？", ["2023年8月11日"], ["part_10_part_3-1437"])
A("who", "“家长花3万元买公立幼儿园名额”一事是哪个部门核实并发布通报的？", ["红谷滩区教育体育局"], ["part_10_part_3-1437"])
A("number", "这轮强降雨中，黑龙江尚志市农作物受灾面积超过了多少？", ["42575公顷"], ["part_10_part_3-1565"])
U("unanswerable_entity", "这轮强降雨中，黑龙江五常市的农作物受灾面积是多少？", ["part_10_part_3-1565"], ["五常", "受灾面积"])
A("number", "电热水器的使用寿命一般是几年？", ["6-8年"], ["part_10_part_2-1307"])
A("time", "截至2022年12月31日，恒大集团的负债总额超过多少？", ["2.43万亿元"], ["part_10_part_3-1833"])
U("unanswerable_time", "截至2021年12月31日，恒大集团的负债总额是多少？", ["part_10_part_3-1833"], ["恒大", "2021年12月31日"])
A("number", "锡耶纳学院的民调中，有多大比例的纽约人认为犯罪是非常严重或有些严重的问题？", ["87%"], ["part_11_part_1-23"])
A("number", "据福克斯新闻网统计，上个月纽约交通系统的重大犯罪增加了多少？", ["18.2%"], ["part_11_part_1-23"])
A("number", "在丁香园社区分享卖土豆赚学费经历的站友，一个土豆卖多少钱？", ["0.75 元", "0.75元"], ["part_10_part_1-604"])
A("who", "在郫都区路口救助车祸老太的简阳法院法警中，接受记者采访的那位叫什么名字？", ["杨浚瑞"], ["part_10_part_3-255"])
A("where", "简阳法院两名法警救助受伤老太，事发地点在成都哪里？", ["郫都区正义路和古靖路交汇处", "正义路和古靖路交汇处"], ["part_10_part_3-255"])
A("number", "在远安冒充水电工行窃的嫌疑人田某某今年多大？", ["25岁"], ["part_10_part_2-333"])
A("number", "田某某从张女士的微信里偷走了多少钱？", ["20元"], ["part_10_part_2-333"])
A("time", "科思创2022财年的销售额是多少？", ["180亿欧元"], ["part_10_part_3-481"])
U("unanswerable_time", "科思创2021财年的销售额是多少？", ["part_10_part_3-481"], ["科思创", "2021"])
A("number", "2023年服贸会期间，其他展品每个展商销售多少金额以内可以享受“三税”全免？", ["2万美元"], ["part_10_part_3-1414"])
A("date", "安能物流是什么时候在上海成立的？", ["2010年6月"], ["part_10_part_2-1920"])
A("time", "截至2022年底，安能物流的自营车队拥有多少辆运输卡车及挂车？", ["10200多辆"], ["part_10_part_2-1920"])
A("number", "《我是大医生》专家推荐的练胸肌“蛤蟆功”，每天要做几组？", ["4组"], ["part_10_part_1-1466"])
# second questions (unanswerable) for documents that had one
U("unanswerable_entity", "据《经济学人》文章，巴基斯坦制药业有多大比例的活性成分来自中国？", ["part_10_part_3-815"], ["巴基斯坦", "活性成分"])
U("unanswerable_figure", "德州交警抓拍到骑电动车不戴头盔的，要罚款多少钱？", ["part_10_part_1-1141"], ["德州", "头盔", "罚款"])
U("unanswerable_figure", "尼日尔政变期间，中国驻尼日尔使馆组织撤离了多少名中国公民？", ["part_10_part_2-1500"], ["尼日尔", "撤离", "中国公民"])
U("unanswerable_entity", "闵行区梅陇镇公共法律服务工作站的地址在哪里？", ["part_10_part_2-855"], ["梅陇镇公共法律服务"])
U("unanswerable_time", "美联储会议纪要提到，4月份美国CPI年率涨幅是多少？", ["part_10_part_2-1122"], ["4月", "CPI", "美国", "美联储"])
U("unanswerable_entity", "燃气热水器的使用寿命一般是几年？", ["part_10_part_2-1307"], ["燃气热水器", "年"])
U("unanswerable_figure", "在丁香园社区分享卖土豆赚学费经历的站友，高考一共考了多少分？", ["part_10_part_1-604"], ["土豆", "高考", "分"])
U("unanswerable_time", "2022年服贸会期间，每个展商销售多少金额以内的展品可以享受“三税”全免？", ["part_10_part_3-1414"], ["服贸会", "三税"])
U("unanswerable_figure", "62岁的费翔体脂率是多少？", ["part_10_part_1-1466"], ["费翔", "体脂"])


def assign_splits(rows: list[dict]) -> None:
    """50/50 dev/test by document: questions sharing an article stay together, and groups are
    placed (seeded order, largest first) wherever they keep each category's dev/test counts closest."""
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    owner = {}
    for i, r in enumerate(rows):
        for a in r["article_ids"]:
            if a in owner:
                parent[find(i)] = find(owner[a])
            owner.setdefault(a, i)
    groups = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    order = list(groups.values())
    random.Random(SEED).shuffle(order)
    order.sort(key=len, reverse=True)
    count = {"dev": Counter(), "test": Counter()}
    for g in order:
        cats = Counter(rows[i]["category"] for i in g)

        def cost(s):
            o = "test" if s == "dev" else "dev"
            return (sum(abs(count[s][c] + cats[c] - count[o][c]) for c in set(count[s]) | set(count[o]) | set(cats)),
                    abs(sum(count[s].values()) + len(g) - sum(count[o].values())))
        s = min(("dev", "test"), key=cost)
        count[s].update(cats)
        for i in g:
            rows[i]["split"] = s


def write() -> None:
    assign_splits(rows)
    with OUT.open("w", encoding="utf-8") as f:
        for n, r in enumerate(rows, 1):
            out = {"id": f"news-{n:03d}", **{k: v for k, v in r.items() if not k.startswith("_")}}
            f.write(json.dumps(out, ensure_ascii=False) + "\n")
    cats = Counter((r["category"], r["split"]) for r in rows)
    print(f"{len(rows)} rows, {sum(not r['answerable'] for r in rows)} unanswerable -> {OUT}")
    for c in sorted({c for c, _ in cats}):
        print(f"  {c:22s} dev {cats[(c, 'dev')]:3d}  test {cats[(c, 'test')]:3d}")


def check() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from news_lookup import EVAL_SLICE, load, squash
    docs = load()
    byid = {d["id"]: d for d in docs}
    first = docs[:EVAL_SLICE]
    sq = {d["id"]: squash(d["text"]) for d in docs}
    for n, r in enumerate(rows, 1):
        tag = f"news-{n:03d} [{r['category']}] {r['question']}"
        missing = [a for a in r["article_ids"] if a not in byid]
        if missing:
            print("MISSING ARTICLE", tag, missing)
            continue
        if r["answerable"]:
            late = [a for a in r["article_ids"] if byid[a]["line"] > EVAL_SLICE]
            text = "".join(sq[a] for a in r["article_ids"])
            golds = [squash(g) for g in r["answers"]]
            if late:
                print("OUTSIDE SLICE", tag, late)
            if not squash(r["answers"][0]) in text:
                print("GOLD NOT FOUND", tag, r["answers"])
            for m in r.get("must_include", []):
                if squash(m) not in text:
                    print("MUST NOT FOUND", tag, m)
            times = text.count(golds[0])
            others = [d["id"] for d in first if d["id"] not in r["article_ids"] and golds[0] in sq[d["id"]]]
            print(f"A {tag} -> {r['answers'][0]} x{times}; also in {len(others)} docs {others[:6] if len(others) <= 6 else ''}")
        else:
            keys = [squash(p) for p in r["_probe"]]
            hits = [d["id"] for d in docs if all(k in sq[d["id"]] for k in keys)]
            print(f"U {tag} probe {r['_probe']} -> {len(hits)} docs {hits[:12]}")


if __name__ == "__main__":
    check() if "--check" in sys.argv else write()
