"""Writes evals/news_qa.jsonl. The questions are hand-written; this file is their source of truth.

    python scripts/make_news_qa.py           # write the set
    python scripts/make_news_qa.py --check   # verify it against /work/shared/news (stdlib only)
    python scripts/make_news_qa.py --out F   # write elsewhere (tests compare it with the committed set)

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
A("english", "How many points did Chen Yiwen score to win the women's 3m springboard final at the Fukuoka World Aquatics Championships?", ["359.50分", "359.50"], ["part_11_part_1-851"])
U("unanswerable_figure", "福冈世锦赛女子3米板决赛中，日本选手三上纱也可最后得了多少分？", ["part_11_part_1-851"], ["三上纱也可"])
A("time", "截至2022年底，中国大唐的发电装机容量突破了多少？", ["1.7亿千瓦"], ["part_10_part_2-806"])
U("unanswerable_time", "截至2021年底，中国大唐的资产总额达到多少？", ["part_10_part_2-806"], ["大唐", "2021年底"])
A("english", "In which city was the launch ceremony of the China-Vietnam joint campaign against illegal border crossings held?", ["广西南宁", "南宁", "Nanning"], ["part_10_part_1-949"])
U("unanswerable_figure", "中越联合打击非法出入境专项行动计划持续多长时间？", ["part_10_part_1-949"], ["非法出入境", "越南"])
A("time", "据业内人士预计，到2026年研学游赛道的市场规模将超过多少？", ["2000亿元"], ["part_10_part_3-1698"])
U("unanswerable_entity", "众信旅游官网上国内研学游路线的价格区间是多少？", ["part_10_part_3-1698"], ["众信", "研学"])
A("number", "瑞士境内曾经有过大约多少个冰川？", ["约1500个", "1500个"], ["part_10_part_3-22"])
U("unanswerable_time", "瑞士冰川总冰量在1980年至2000年间损失了多少？", ["part_10_part_3-22"], ["瑞士", "冰川", "1980"])
A("english", "By how much does PG&E expect electricity demand to grow over the next 20 years?", ["70%"], ["part_11_part_1-909"])
U("unanswerable_time", "马斯克预测到2040年全球销售的新车中电动汽车会占多大比例？", ["part_11_part_1-909"], ["马斯克", "2040"])
A("traditional", "哪位新疆生產建設兵團原副司令員因嚴重違紀違法被開除黨籍和公職？", ["焦小平"], ["part_10_part_3-810"])
U("unanswerable_figure", "焦小平非法收受的财物总额是多少？", ["part_10_part_3-810"], ["焦小平"])
A("who", "北京朝阳区望京街道的工委书记是谁？", ["陈栋"], ["part_10_part_3-1346"])
U("unanswerable_figure", "望京法治文化广场普法驿站每周开放几天、几点到几点？", ["part_10_part_3-1346"], ["普法驿站", "望京"])
A("number", "爱旭股份ABC技术的光电转化效率无限接近多少？", ["29.4%"], ["part_10_part_3-1819"])
U("unanswerable_figure", "爱旭股份加入联合国全球契约组织需要缴纳多少年费？", ["part_10_part_3-1819"], ["全球契约", "费"])
U("unanswerable_figure", "武汉硚口区韩家墩街派出所的所长是谁？", ["part_10_part_2-591"], ["韩家墩", "所长"])
A("who", "张婆婆口中的片警“老李”全名叫什么？", ["李道春"], ["part_10_part_2-591"])
A("time", "新天药业2023年一季报中的主营收入是多少？", ["2.09亿元"], ["part_10_part_1-451"])
U("unanswerable_time", "新天药业2022年全年的归母净利润是多少？", ["part_10_part_1-451"], ["新天药业", "2022年"])
A("number", "门头沟沿河口村有多少名被困村民等待北京卫戍区官兵救援？", ["43名"], ["part_10_part_3-128"])
U("unanswerable_figure", "沿河口村43名被困村民全部转移到安全地带一共用了多长时间？", ["part_10_part_3-128"], ["沿河口"])
A("where", "世卫组织2023年第5期医疗产品警报里的受污染止咳糖浆是在哪个国家发现的？", ["喀麦隆"], ["part_11_part_1-222"])
U("unanswerable_time", "世卫组织2023年第4期医疗产品警报涉及的是哪种受污染药品？", ["part_11_part_1-222"], ["世卫组织", "第4期"])
A("number", "没有经过治疗的川崎病患儿，发生冠状动脉损伤的风险能达到多少？", ["20%到25%"], ["part_10_part_2-200"])
U("unanswerable_figure", "我国每年新增的川崎病患儿大约有多少例？", ["part_10_part_2-200"], ["川崎病", "每年"])
A("traditional", "颱風「杜蘇芮」來襲，溫州沿海共有多少條客運航線停航？", ["13条", "13條"], ["part_10_part_2-946", "part_10_part_1-1733"])
U("unanswerable_figure", "因台风“杜苏芮”临时闭园的温州动物园，什么时候重新开放？", ["part_10_part_2-946"], ["温州动物园"])
A("time", "截至2023年6月末，北京新开工改造的城镇老旧小区有多少个？", ["237个"], ["part_10_part_2-1231", "part_10_part_2-1244"])
U("unanswerable_entity", "截至2023年6月末，上海新开工改造的城镇老旧小区有多少个？", ["part_10_part_2-1231", "part_10_part_2-1244"], ["上海", "老旧小区", "新开工"])
A("number", "今年鞍山全民读书节开幕式的在线观看人数是多少？", ["248万人次"], ["part_10_part_3-1216"])
U("unanswerable_entity", "今年沈阳全民读书节开幕式的在线观看人数是多少？", ["part_10_part_3-1216"], ["沈阳", "读书节"])
A("number", "被暴雨山洪波及的北京悉昙酒店当初建造用了多少年？", ["8年"], ["part_10_part_3-1058"])
U("unanswerable_figure", "悉昙酒店在这次暴雨山洪中的损失估计有多少钱？", ["part_10_part_3-1058"], ["悉昙"])
A("number", "据《经济学人》文章，印度制药业有多大比例的活性成分来自中国？", ["70%"], ["part_10_part_3-815"])
A("number", "德州交警称，发生事故时佩戴安全头盔能让死亡率下降多少？", ["40%"], ["part_10_part_1-1141"])
A("number", "长春红旗街万达广场高空抛砖事件中遇难的女子多大年纪？", ["28岁"], ["part_10_part_1-1828"])
U("unanswerable_figure", "长春万达广场高空抛砖案的嫌疑人姓甚名谁？", ["part_10_part_1-1828"], ["高空", "长春", "嫌疑人"])
A("number", "花旗把Sea的目标价下调到了多少？", ["50美元"], ["part_10_part_2-1124", "part_10_part_2-918"])
U("unanswerable_entity", "摩根士丹利把Sea的目标价调到了多少？", ["part_10_part_2-1124", "part_10_part_2-918"], ["Sea", "摩根士丹利"])
A("fact", "尼日尔政变军人宣布的全国宵禁是从几点到几点？", ["晚10点至次日5点"], ["part_10_part_2-1500"])
A("traditional", "內塔尼亞胡在家中暈倒後被送到了哪家醫院？", ["舍巴医院", "谢巴医疗中心", "舍巴醫院", "謝巴醫療中心"], ["part_10_part_2-818"])
# batch 3
A("english", "How many years in prison was Han Fenglin, the former chief risk officer of China Construction Bank's Shenzhen branch, sentenced to at first instance?", ["十一年", "11年", "11 years", "eleven years"], ["part_10_part_2-95", "part_10_part_1-1275", "part_10_part_1-1339", "part_10_part_1-1570"])
U("unanswerable_figure", "建行深圳分行原风险总监韩凤林是哪一年出生的？", ["part_10_part_2-95", "part_10_part_1-1275", "part_10_part_1-1339", "part_10_part_1-1570"], ["韩凤林"])
A("fact", "俄罗斯在远东开工建造的10510型领袖级核动力破冰船叫什么名字？", ["“俄罗斯”号", "俄罗斯号"], ["part_10_part_1-547"])
U("unanswerable_figure", "俄罗斯10510型领袖级核动力破冰船“俄罗斯”号预计哪一年交付使用？", ["part_10_part_1-547"], ["10510", "交付"])
A("where", "新华社8月10日拍摄的印尼泥炭地火灾现场位于哪个省？", ["廖内省"], ["part_11_part_1-792"])
U("unanswerable_figure", "印尼廖内省这次泥炭地火灾的过火面积有多大？", ["part_11_part_1-792"], ["廖内", "公顷"])
A("time", "2022年中国一共发射了多少次火箭？", ["64次"], ["part_10_part_2-355"])
U("unanswerable_time", "2021年中国一共发射了多少次火箭？", ["part_10_part_2-355"], ["2021年", "发射", "火箭", "次"])
U("unanswerable_figure", "AIT台北办事处内湖新馆目前到底有多少名员工？", ["part_10_part_3-85"], ["AIT", "员工"])
A("traditional", "質疑AIT台北辦事處擴建的國民黨籍台北市議員是誰？", ["游淑慧"], ["part_10_part_3-85"])
A("date", "辽宁阜新弘霖煤矿的瞒报事故发生在哪一天？", ["6月27日"], ["part_10_part_2-780"])
U("unanswerable_figure", "阜新弘霖煤矿事故造成的直接经济损失有多少？", ["part_10_part_2-780"], ["弘霖", "经济损失"])
A("time", "2023年6月，云视机器人的国内营收在总营收中占比升到了多少？", ["30%"], ["part_10_part_3-765"])
U("unanswerable_time", "2022年上半年，云视机器人国内营收占总营收的比例是多少？", ["part_10_part_3-765"], ["云视", "2022年上半年"])
A("date", "君实生物是什么时候成立的？", ["2012年12月"], ["part_10_part_1-595"])
U("unanswerable_time", "君实生物2022年全年的营业收入是多少？", ["part_10_part_1-595"], ["君实", "2022年"])
A("time", "7月26日，浙江省海洋监测预报中心是在几点发布海浪黄色警报的？", ["16时"], ["part_10_part_1-1645"])
U("unanswerable_entity", "受“杜苏芮”影响，上海近岸海域预计有多高的浪？", ["part_10_part_1-1645"], ["上海", "杜苏芮", "浪"])
A("where", "首趟京津冀“中吉乌”公铁联运国际班列是从哪座城市出发的？", ["廊坊市", "廊坊"], ["part_10_part_2-1279"])
U("unanswerable_figure", "首趟京津冀“中吉乌”公铁联运国际班列运了多少吨货？", ["part_10_part_2-1279"], ["中吉乌", "吨"])
A("who", "宣布乌方对克里米亚大桥首次遭袭负责的乌克兰国家安全局局长是谁？", ["马柳克"], ["part_10_part_2-902"])
A("traditional", "柯文哲《KP SHOW》演唱會的實體門票一張賣多少錢？", ["8800元"], ["part_10_part_2-1276"])
A("who", "为柯文哲演唱会指导舞蹈的是谁？", ["蓝波"], ["part_10_part_2-1276"])
A("number", "深圳水湾社区的消防演练共组织了多少名党员及群众参加？", ["50名"], ["part_10_part_3-737"])
U("unanswerable_entity", "深圳蛇口社区的消防演练共组织了多少名党员群众参加？", ["part_10_part_3-737"], ["蛇口", "消防", "演练"])
U("unanswerable_figure", "阿斯利康预计2023到2027年在中国上市的6款肿瘤新药具体是哪几款？", ["part_10_part_2-1754"], ["阿斯利康", "6款"])
A("who", "阿斯利康中国肿瘤事业部的总经理是谁？", ["陈康伟"], ["part_10_part_2-1754"])
# batch 4
A("who", "提出重启塞浦路斯统一谈判的塞浦路斯外交部长是谁？", ["康斯坦丁诺斯·孔波斯", "孔波斯"], ["part_11_part_1-317"])
U("unanswerable_figure", "埃尔多安7月20日访问北塞浦路斯时揭幕的新机场叫什么名字？", ["part_11_part_1-317"], ["北塞浦路斯", "机场"])
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
U("unanswerable_figure", "卢某在上海商场偷走的7块手表中，最贵的一块价值多少？", ["part_10_part_3-1547"], ["卢某", "手表"])
A("date", "松江区生态环境局是哪天开出首张《不予行政处罚告知书》的？", ["7月10日"], ["part_11_part_1-689"])
U("unanswerable_entity", "闵行区生态环境局的首张《不予行政处罚告知书》是哪天开出的？", ["part_11_part_1-689"], ["闵行", "不予行政处罚"])
A("who", "提议乌克兰以割让领土换取北约成员资格的北约秘书长办公室主任叫什么？", ["斯蒂安·延森", "延森"], ["part_10_part_2-378"])
U("unanswerable_figure", "延森提议乌克兰具体放弃哪些地区的领土？", ["part_10_part_2-378"], ["延森", "领土"])
A("number", "8月9日和10日，有多少名玉树先心病患儿住进北京的两家医院接受免费手术？", ["30名"], ["part_10_part_3-1345"])
U("unanswerable_time", "2022年有多少名青海玉树先心病患儿到北京接受了免费手术？", ["part_10_part_3-1345"], ["玉树", "先心病", "2022年"])
A("number", "耶伦访华期间与中方官员的双边会谈总共有多长时间？", ["10个小时"], ["part_11_part_1-534"])
U("unanswerable_figure", "耶伦访华期间见了几位女性经济学家，她们分别是谁？", ["part_11_part_1-534"], ["耶伦", "女性经济学家"])
A("english", "How much is Samsung Electronics expected to invest in its new chip plant in Taylor, Texas?", ["170 亿美元", "170亿美元", "$17 billion", "17 billion"], ["part_10_part_1-271"])
U("unanswerable_figure", "Groq与三星电子签下的泰勒工厂代工订单金额是多少？", ["part_10_part_1-271"], ["Groq", "订单"])
A("time", "法国2022年给尼日尔的发展援助大约有多少？", ["1.2亿欧元"], ["part_10_part_3-860"])
U("unanswerable_entity", "德国2022年对尼日尔的发展援助是多少？", ["part_10_part_3-860"], ["德国", "尼日尔", "援助"])
A("time", "截至8月13日12时，天津已有多少名转移人员平安回迁？", ["33635名"], ["part_10_part_2-1514"])
U("unanswerable_entity", "截至8月13日，河北涿州已有多少名转移群众平安回迁？", ["part_10_part_2-1514"], ["涿州", "回迁"])
# batch 5
A("number", "柳河县人民法院速裁团队用半天时间调解成功了几起追偿权纠纷？", ["八起", "8起"], ["part_10_part_2-263"])
U("unanswerable_figure", "柳河县那八位员工一共替公司垫付了多少养老保险费？", ["part_10_part_2-263"], ["柳河", "垫付"])
A("time", "8月12日在浦东群艺馆举行的合唱比赛，一共有多少个群众性合唱团参加？", ["26个"], ["part_11_part_1-1025"])
U("unanswerable_figure", "8月12日浦东群众性合唱比赛的第一名是哪个合唱团？", ["part_11_part_1-1025"], ["浦东群艺馆", "合唱"])
A("where", "闵行区颛桥镇公共法律服务工作站的地址在哪里？", ["闵行区春都路216号1楼", "春都路216号"], ["part_10_part_2-855"])
A("where", "收到百元假币的卖菜任大爷是在湖北哪个县？", ["崇阳县", "崇阳"], ["part_10_part_1-1537"])
U("unanswerable_figure", "崇阳警方从那名用假币行骗的女子包里一共搜出多少张假币？", ["part_10_part_1-1537"], ["崇阳", "假币"])
A("number", "宜昌市“军人有惠”活动一共有多少家商家加入？", ["1462家"], ["part_10_part_3-1555"])
U("unanswerable_entity", "襄阳市“军人有惠”活动有多少家商家加入？", ["part_10_part_3-1555"], ["襄阳", "军人有惠"])
A("time", "加拿大今年6月份的消费者物价指数同比上涨了多少？", ["2.8%"], ["part_11_part_1-34"])
U("unanswerable_time", "加拿大今年5月份的消费者物价指数同比上涨了多少？", ["part_11_part_1-34"], ["加拿大", "5月", "消费者物价指数"])
U("unanswerable_entity", "福城街道桔塘社区的党委书记是谁？", ["part_10_part_3-975"], ["桔塘", "书记"])
A("who", "福城街道茜坑社区的党委书记是谁？", ["罗月娥"], ["part_10_part_3-975", "part_10_part_3-409"])
A("time", "2023年6月末全国涉农贷款余额有多少？", ["54.64万亿元"], ["part_11_part_1-982"])
U("unanswerable_time", "2022年末全国涉农贷款余额是多少？", ["part_11_part_1-982"], ["涉农贷款余额", "2022年末"])
A("who", "日本“花样游泳教母”井村雅代目前是哪位选手的专属教练？", ["乾友纪子"], ["part_11_part_1-659"])
U("unanswerable_figure", "井村雅代带领中国花游队在北京奥运会上夺得的铜牌，最终得了多少分？", ["part_11_part_1-659"], ["井村雅代", "铜牌"])
A("number", "凯德投资最近为旗下三支私募基金募集了大约多少新元？", ["约13亿新元", "13亿新元"], ["part_10_part_1-569", "part_10_part_2-1465"])
U("unanswerable_time", "凯德投资2021年全年的股权募资总额是多少？", ["part_10_part_1-569", "part_10_part_2-1465"], ["凯德", "2021年全年"])
A("number", "印度国防部长辛格说，印度有意再从法国采购多少架“阵风”战机？", ["26架"], ["part_10_part_2-1087"])
U("unanswerable_figure", "印度这次从法国采购26架“阵风”战机和3艘“鲉鱼”级潜艇，合同总价是多少？", ["part_10_part_2-1087"], ["阵风", "鲉鱼"])
A("number", "在京消费者在同一个平台最多能领多少元京彩绿色消费券？", ["1600元"], ["part_10_part_2-1631"])
U("unanswerable_figure", "8月5日至20日这批京彩绿色消费券的发放总额是多少？", ["part_10_part_2-1631"], ["京彩绿色", "总额"])
A("time", "美联储会议纪要提到，6月份美国CPI年率涨幅是多少？", ["3.0%", "3%"], ["part_10_part_2-1122"])
A("number", "上海博物馆规定，预约后未取消、爽约几次的账号会被冻结预约资格？", ["2次"], ["part_10_part_2-1360"])
U("unanswerable_entity", "上海科技馆规定预约后爽约几次会被冻结预约资格？", ["part_10_part_2-1360"], ["科技馆", "爽约"])
# batch 6
A("time", "拜登2022年重启的癌症计划，目标是在未来25年内把癌症死亡率至少降低多少？", ["50%"], ["part_10_part_2-1222"])
U("unanswerable_figure", "拜登2016年领导的癌症计划一共投入了多少资金？", ["part_10_part_2-1222"], ["拜登", "癌症", "亿美元"])
A("date", "中国太保是从哪一年开始正式成为中国女排官方合作伙伴的？", ["2018年"], ["part_10_part_1-1677"])
U("unanswerable_entity", "中国人寿是从哪一年开始成为中国女排官方合作伙伴的？", ["part_10_part_1-1677"], ["中国人寿", "女排"])
A("number", "据《京乡新闻》报道，世界童军大露营1170亿韩元的预算里，只有多少用在了露营地设施建设上？", ["129亿韩元"], ["part_10_part_1-134"])
U("unanswerable_time", "第24届世界童军大露营的总预算是多少？", ["part_10_part_1-134"], ["第24届世界童军"])
A("number", "北京卫戍区某团在这次救灾任务中成立了多少支党员突击队？", ["24支"], ["part_10_part_3-1306"])
U("unanswerable_figure", "门头沟斋堂镇灵水村那位受伤的60岁老人叫什么名字？", ["part_10_part_3-1306"], ["灵水村", "老人"])
A("date", "据红谷滩区教育体育局通报，王某是哪天向受托人谢某转账3万元的？", ["2023年8月11日"], ["part_10_part_3-1437"])
U("unanswerable_figure", "王某想托关系让孩子进的是南昌红谷滩区哪一所公立幼儿园？", ["part_10_part_3-1437"], ["红谷滩", "幼儿园"])
A("number", "这轮强降雨中，黑龙江尚志市农作物受灾面积超过了多少？", ["42575公顷"], ["part_10_part_3-1565"])
U("unanswerable_entity", "这轮强降雨中，黑龙江五常市的农作物受灾面积是多少？", ["part_10_part_3-1565"], ["五常", "受灾面积"])
A("number", "电热水器的使用寿命一般是几年？", ["6-8年"], ["part_10_part_2-1307"])
A("time", "截至2022年12月31日，恒大集团的负债总额超过多少？", ["2.43万亿元"], ["part_10_part_3-1833"])
U("unanswerable_time", "截至2021年12月31日，恒大集团的负债总额是多少？", ["part_10_part_3-1833"], ["恒大", "2021年12月31日"])
A("number", "锡耶纳学院的民调中，有多大比例的纽约人认为犯罪是非常严重或有些严重的问题？", ["87%"], ["part_11_part_1-23"])
U("unanswerable_entity", "锡耶纳学院的民调显示，有多大比例的芝加哥人认为犯罪问题严重？", ["part_11_part_1-23"], ["芝加哥", "犯罪"])
A("number", "在丁香园社区分享卖土豆赚学费经历的站友，一个土豆卖多少钱？", ["0.75 元", "0.75元"], ["part_10_part_1-604"])
A("who", "在郫都区路口救助车祸老太的简阳法院法警中，接受记者采访的那位叫什么名字？", ["杨浚瑞"], ["part_10_part_3-255"])
U("unanswerable_figure", "被两名简阳法警救助的受伤老太太今年多大年纪？", ["part_10_part_3-255"], ["简阳", "法警"])
A("number", "在远安冒充水电工行窃的嫌疑人田某某今年多大？", ["25岁"], ["part_10_part_2-333"])
A("number", "田某某从张女士的微信里偷走了多少钱？", ["20元"], ["part_10_part_2-333"])
A("time", "科思创2022财年的销售额是多少？", ["180亿欧元"], ["part_10_part_3-481"])
U("unanswerable_time", "科思创2021财年的销售额是多少？", ["part_10_part_3-481"], ["科思创", "2021"])
A("number", "2023年服贸会期间，其他展品每个展商销售多少金额以内可以享受“三税”全免？", ["2万美元"], ["part_10_part_3-1414"])
A("date", "安能物流是什么时候在上海成立的？", ["2010年6月"], ["part_10_part_2-1920"])
U("unanswerable_time", "截至2021年底，安能物流在全国有多少家自营分拨中心？", ["part_10_part_2-1920"], ["安能", "2021年底"])
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
# batch 7
A("who", "国家社科基金重大项目《中国式现代化的文化底蕴及思想理念研究》的课题首席专家是谁？", ["刘余莉"], ["part_10_part_3-703"])
A("number", "第六届全国大学生冶金科技竞赛一共有多少所高校报名参赛？", ["78所"], ["part_10_part_3-1097"])
U("unanswerable_time", "第五届全国大学生冶金科技竞赛共评出多少项特等奖？", ["part_10_part_3-1097"], ["冶金科技竞赛", "第五届"])
A("number", "灌南县沂河淌旱地改水稻项目试点按每亩多少元的标准补助？", ["500元"], ["part_10_part_3-871"])
U("unanswerable_figure", "灌南县小塔村被查出虚报旱地改水稻面积的3户村民一共多领了多少补助款？", ["part_10_part_3-871"], ["小塔村", "补助"])
A("number", "福建这次整治校外培训机构不规范问题，是由省教育厅、省市场监管局联合多少个部门开展的？", ["16部门"], ["part_10_part_1-803"])
U("unanswerable_entity", "广东省市场监管局是哪天向全省校外培训机构发布规范经营行为提醒函的？", ["part_10_part_1-803"], ["广东", "校外培训", "提醒函"])
A("date", "三峡船闸是从哪一天开始向社会船舶开放通航的？", ["2003年6月18日"], ["part_10_part_1-118"])
U("unanswerable_time", "截至2022年底，三峡船闸的累计货运量是多少？", ["part_10_part_1-118"], ["三峡船闸", "2022年"])
A("date", "微众银行媒体学院系列活动第三期定在哪天举办？", ["8月22日"], ["part_10_part_1-691"])
A("number", "上海今年将新增多少座“上海市新时代文明实践公园”？", ["100座"], ["part_10_part_2-1399"])
U("unanswerable_entity", "北京今年将新增多少座新时代文明实践公园？", ["part_10_part_2-1399"], ["北京", "文明实践公园"])
A("time", "2023年上半年，全国规模以上文化企业实现营业收入多少？", ["59357亿元"], ["part_10_part_3-1710"])
U("unanswerable_time", "2022年上半年，全国规模以上文化企业的营业收入是多少？", ["part_10_part_3-1710"], ["规模以上文化企业", "2022年上半年"])
A("date", "2022年度深圳慈善捐赠榜的申报截止到哪天？", ["8月11日"], ["part_10_part_3-403"])
U("unanswerable_entity", "2022年度广州慈善捐赠榜的申报截止到哪天？", ["part_10_part_3-403"], ["广州", "慈善", "榜"])
A("fact", "河南商丘把每个月的哪几天定为“企业宁静日”？", ["1日—20日", "1日-20日", "1日到20日"], ["part_10_part_2-984"])
U("unanswerable_entity", "山东临沂推行的“企业宁静日”是每月的哪几天？", ["part_10_part_2-984"], ["临沂", "宁静日"])
A("where", "苏丹冲突中，被快速支援部队围困的工程兵总部位于哪里？", ["恩图曼南部", "恩图曼"], ["part_10_part_3-1914"])
U("unanswerable_figure", "8月6日苏丹首都圈的交火造成了多少人死亡？", ["part_10_part_3-1914"], ["苏丹", "6日", "死亡"])
# two articles
A("two_article", "7月下旬的广东人事消息中，新任广东省公安厅厅长和被查的顺德区政协原副主席分别是谁？", ["刘国周", "徐国元"], ["part_10_part_2-1901", "part_10_part_2-210", "part_11_part_1-802"], must=["刘国周", "徐国元"])
A("two_article", "8月18日收盘时，芯瑞达和海利得的股价分别是多少？", ["22.77元", "5.29元"], ["part_10_part_1-450", "part_10_part_1-469"], must=["22.77元", "5.29元"])
A("two_article", "8月18日云南城投和蒙草生态的主力资金分别净卖出多少？", ["1628.46万元", "1502.34万元"], ["part_10_part_1-455", "part_10_part_1-457"], must=["1628.46万元", "1502.34万元"])
U("unanswerable_time", "8月17日收盘时，芯瑞达和海利得的股价分别是多少？", ["part_10_part_1-450", "part_10_part_1-469"], ["芯瑞达", "8月17日"])
U("unanswerable_figure", "刘国周之前，王志忠担任广东省公安厅厅长是从哪一年开始的？", ["part_10_part_2-1901"], ["王志忠", "公安厅"])
# batch 8
A("who", "在成都大运会上拿下大运会首枚游泳金牌的意大利兰贝蒂兄弟中的哥哥叫什么？", ["马泰奥"], ["part_10_part_3-173"])
U("unanswerable_figure", "兰贝蒂兄弟中的哥哥马泰奥在成都大运会男子400米自由泳决赛中游出了什么成绩？", ["part_10_part_3-173"], ["马泰奥", "400米自由泳"])
A("number", "太原古交警方8月抓获的那名命案逃犯负案在逃了多少年？", ["25年"], ["part_10_part_2-900"])
U("unanswerable_figure", "警方当年悬赏缉拿命案逃犯张某才的赏金是多少？", ["part_10_part_2-900"], ["张某才", "悬赏"])
A("who", "向法院申请对迪马股份破产清算的债权人是哪家公司？", ["重庆市宇邦线缆有限公司", "重庆宇邦"], ["part_10_part_1-209"])
A("date", "重庆宇邦是在哪一天向重庆五中院申请对迪马股份进行破产清算的？", ["8月7日"], ["part_10_part_1-209"])
A("two_article", "中信银行济宁分行和泰隆银行丽水分行这次分别被罚了多少钱？", ["200万元", "80万元"], ["part_10_part_1-1790", "part_10_part_1-1223"], must=["200万元", "80万元"])
U("unanswerable_entity", "中信银行济南分行这次被国家金融监督管理总局山东监管局罚了多少钱？", ["part_10_part_1-1790"], ["中信银行", "济南分行", "罚"])
A("time", "截至2023年7月底，全国累计发电装机容量大约是多少？", ["27.4 亿千瓦", "27.4亿千瓦"], ["part_10_part_1-266"])
A("number", "截至当地时间10日，毛伊岛大火在拉海纳已确认造成多少人死亡？", ["53人"], ["part_10_part_2-713"])
A("fact", "按照江苏的征求意见稿，除了哪两座城市的市区以外全省全面取消落户限制？", ["南京、苏州市区", "南京、苏州"], ["part_11_part_1-419"], must=["南京", "苏州"])
U("unanswerable_time", "2022年7月江淮汽车的销量是多少？", ["part_11_part_1-419"], ["江淮", "2022年7月"])
A("fact", "新干县不法分子往“上头电子烟”里加的是什么物质？", ["依托咪酯"], ["part_10_part_1-1308"])
A("number", "新干县犯罪嫌疑人配制的“上头电子烟”一支卖多少钱？", ["270元至300元不等", "270元至300元"], ["part_10_part_1-1308"])
A("number", "北京市交管局通报的8名被终生禁驾的驾驶员中，年龄最大的是多少岁？", ["52岁"], ["part_10_part_1-1305"])
U("unanswerable_entity", "上海市公安交管部门近期通报了多少名因肇事逃逸被终生禁驾的驾驶员？", ["part_10_part_1-1305"], ["上海", "终生禁驾"])
A("number", "巴黎伯爵珠宝店劫案中被抢的珠宝价值大约多少欧元？", ["1000万至1500万欧元"], ["part_10_part_3-903"])
U("unanswerable_figure", "抢劫巴黎伯爵珠宝店的三名劫匪后来在哪里被捕？", ["part_10_part_3-903"], ["伯爵", "劫匪"])
A("who", "在“大国小工匠”活动上讲述自己与C919故事的中国商飞特级技师叫什么？", ["王伟"], ["part_10_part_2-993"])
U("unanswerable_time", "2022年的“大国小工匠”青少年技能体验活动吸引了多少名青少年参加？", ["part_10_part_2-993"], ["大国小工匠"])
A("who", "8月1日晚主持召开门头沟区委常委（扩大）会议的区委书记是谁？", ["喻华锋"], ["part_10_part_2-1576"])
A("traditional", "桂林吳女士為了買五月天演唱會門票，給賣家轉了多少錢？", ["2100多元"], ["part_10_part_1-1541"])
U("unanswerable_figure", "骗子声称卖给吴女士的是五月天哪个城市、哪一场演唱会的门票？", ["part_10_part_1-1541"], ["吴女士", "五月天"])
A("english", "Which university will the scholar Li Cheng join as a professor of political science after leaving the Brookings Institution?", ["香港大学", "港大", "University of Hong Kong"], ["part_11_part_1-614"])
U("unanswerable_figure", "李成在香港大学新创建的研究中心叫什么名字？", ["part_11_part_1-614"], ["李成", "研究中心"])
A("number", "2023年女足世界杯小组赛最后一轮，中国女足以什么比分输给英格兰？", ["1比6", "1:6"], ["part_10_part_2-444"])
U("unanswerable_figure", "中国女足1比6输给英格兰那场比赛，现场观众有多少人？", ["part_10_part_2-444"], ["女足", "英格兰", "观众"])
A("time", "2023年上半年，嘀嗒出行的出租车三化工程新增签约了几座城市？", ["6城"], ["part_10_part_3-300"])
U("unanswerable_time", "2022年上半年，嘀嗒出行的出租车三化工程新增签约了几座城市？", ["part_10_part_3-300"], ["嘀嗒", "2022年上半年"])
# batch 9: more two-article questions and their documents' near misses
A("two_article", "中意人寿辽宁省分公司和湖北消费金融这次分别被罚了多少钱？", ["33万元", "20万元"], ["part_10_part_1-165", "part_10_part_1-202"], must=["33万元", "20万元"])
U("unanswerable_time", "湖北消费金融2021年的净利润是多少？", ["part_10_part_1-202"], ["湖北消", "2021年"])
U("unanswerable_figure", "杨帆是从哪一年开始担任中意人寿辽宁省分公司总经理的？", ["part_10_part_1-165"], ["杨帆", "中意"])
A("two_article", "福冈世锦赛上，张家齐/王飞龙为中国跳水拿下首金的总分是多少？中国队夺得男女4X100米混合泳接力金牌的成绩又是多少？", ["339.54分", "3分38秒57"], ["part_10_part_2-1019", "part_10_part_3-404"], must=["339.54分", "3分38秒57"])
U("unanswerable_figure", "程玉洁在福冈世锦赛男女混合泳接力决赛中游最后一棒的分段成绩是多少？", ["part_10_part_3-404"], ["程玉洁", "分段"])
U("unanswerable_time", "张家齐/王飞龙在2022年布达佩斯世锦赛混双10米台得了多少分？", ["part_10_part_2-1019"], ["张家齐", "布达佩斯"])
A("two_article", "迪卡侬关联公司迪脉被上海市市场监管局罚款多少？新余那家“反向抹零”的水果店又受到了什么处理？", ["79万余元", "责令整改"], ["part_10_part_1-773", "part_10_part_1-769"], must=["79万余元", "责令整改"])
U("unanswerable_time", "迪卡侬2022年在中国市场的销售额是多少？", ["part_10_part_1-773"], ["迪卡侬", "销售额"])
U("unanswerable_entity", "新余市渝水区市场监管局最近查处了几起“反向抹零”行为？", ["part_10_part_1-769"], ["渝水", "抹零"])
A("two_article", "台风“杜苏芮”来袭前，漳州和厦门的“三停一休”分别从什么时候开始实行？", ["7月27日中午12时", "27日15时"], ["part_10_part_1-1728", "part_10_part_2-1494"], must=["7月27日中午12时", "27日15时"])
A("two_article", "新款雷克萨斯LC 500h运动版和北汽新魔方SUV的售价分别是多少？", ["129.6 万元", "9.99 万元"], ["part_10_part_1-28", "part_10_part_1-363"], must=["129.6 万元", "9.99 万元"])
U("unanswerable_time", "2020年上市的老款雷克萨斯LC 500h运动版售价是多少？", ["part_10_part_1-28"], ["雷克萨斯", "LC"])
A("two_article", "截至当地时间8月14日下午和截至8月16日，夏威夷毛伊岛大火的死亡人数分别是多少？", ["99人", "110人"], ["part_10_part_1-931", "part_11_part_1-1056"], must=["99人", "110人"])
# batch 10: relative time words, read against the publication date given in as_of
A("number", "腾讯昨天发布的财报显示，二季度的研发开支达到了多少？", ["160 亿元", "160亿元"], ["part_10_part_1-29"], as_of="2023-08-17")
U("unanswerable_time", "腾讯昨天发布的财报里，今年一季度的研发开支是多少？", ["part_10_part_1-29"], ["腾讯", "一季度", "研发"], as_of="2023-08-17")
A("number", "浙江昨天的新能源汽车下乡行动新闻发布会说，到2025年全省要累计建成多少充电桩？", ["230 万个以上", "230万个以上", "230万个"], ["part_10_part_1-8"], as_of="2023-08-17")
U("unanswerable_figure", "浙江昨天的新能源汽车下乡行动发布会提到，到2025年全省要建成多少座换电站？", ["part_10_part_1-8"], ["浙江", "换电站"], as_of="2023-08-17")
A("date", "《英雄联盟》明天凌晨几点开始全区停机维护？", ["凌晨 1 点", "凌晨1点", "1点"], ["part_10_part_1-25"], as_of="2023-08-16")
U("unanswerable_figure", "《英雄联盟》明天的全区停机维护预计要持续几个小时？", ["part_10_part_1-25"], ["英雄联盟", "停机维护"], as_of="2023-08-16")


def _groups(rows: list[dict]) -> list[list[int]]:
    """Questions that share an article (transitively) form one group, so no article is in both splits."""
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
    return list(groups.values())


def _place(rows, order) -> tuple[dict, tuple]:
    count = {"dev": Counter(), "test": Counter()}
    where = {}
    for g in order:
        cats = Counter(rows[i]["category"] for i in g)

        def cost(s):
            o = "test" if s == "dev" else "dev"
            return (sum(abs(count[s][c] + cats[c] - count[o][c]) for c in set(count[s]) | set(count[o]) | set(cats)),
                    abs(sum(count[s].values()) + len(g) - sum(count[o].values())))
        s = min(("dev", "test"), key=cost)
        count[s].update(cats)
        for i in g:
            where[i] = s
    cats = set(count["dev"]) | set(count["test"])
    worst = max(abs(count["dev"][c] - count["test"][c]) for c in cats)
    return where, (worst, abs(sum(count["dev"].values()) - sum(count["test"].values())))


def assign_splits(rows: list[dict]) -> None:
    """A fixed 50/50 dev/test split by document: groups are placed greedily (largest first, each where it
    keeps every category's dev/test counts closest), over 200 seeded shuffles; the most balanced wins."""
    groups = _groups(rows)
    best = None
    for k in range(200):
        order = list(groups)
        random.Random(SEED + k).shuffle(order)
        order.sort(key=len, reverse=True)
        where, score = _place(rows, order)
        if best is None or score < best[1]:
            best = (where, score)
    for i, s in best[0].items():
        rows[i]["split"] = s


def write(out: Path = OUT) -> None:
    assign_splits(rows)
    with out.open("w", encoding="utf-8") as f:
        for n, r in enumerate(rows, 1):
            rec = {"id": f"news-{n:03d}", **{k: v for k, v in r.items() if not k.startswith("_")}}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    cats = Counter((r["category"], r["split"]) for r in rows)
    print(f"{len(rows)} rows, {sum(not r['answerable'] for r in rows)} unanswerable -> {out}")
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
    if "--check" in sys.argv:
        check()
    else:
        write(Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else OUT)
