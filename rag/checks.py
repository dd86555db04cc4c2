"""Question-against-passage checks that feed the answerability decision.

Each returns evidence (what is missing, what looks like page furniture), never a verdict:
the decision stage (rag/answerability) weighs them with the other signals.
"""
from __future__ import annotations

import re

from .index import Index
from .text import normalize
from .tokenize import names as tokenize_names
from .tokenize import nouns
from .tokenize import people as tokenize_people
from .tokenize import tokenize
from .types import Hit
from .verify import QUESTION_WORDS

# Question phrases jieba glues to the next noun (多大面积 -> 多/大面积, 多少年 -> 多少/年):
# cut them out before looking for nouns, so only the noun itself (面积) is checked.
_ASKING_PHRASE = re.compile(r"多大|多少|多长|多高|多远|多久|多重|多深|多宽|几[个种家位项次天年月岁名条只座所场部]?")
# 哪个朝代, 哪一个学科: the noun after 哪 names the kind of answer (a dynasty), which a passage
# states without the word (明朝), unlike 多大面积, whose 面积 the passage must measure
_WHICH_PHRASE = re.compile(r"哪一?[种个些家位支所年天次件类边国座条场部名]?")


def _phrases_out(q: str) -> str:
    return _WHICH_PHRASE.sub("，什么", _ASKING_PHRASE.sub("，", q))


def question_nouns(question: str) -> list[str]:
    """Content nouns of the question, with question phrases cut out first."""
    q = _phrases_out(normalize(question))
    return [t for t in nouns(q) if t not in QUESTION_WORDS and any("\u4e00" <= c <= "\u9fff" for c in t)]


# the attribute asked for right before the question word (长度是多少, 籍贯是哪里): a passage
# states it (全长1.5公里, 安徽凤阳人) without the word
_ASKED_ATTRIBUTE = re.compile(r"(?<=的)[\u4e00-\u9fff]{2}(?=(?:是|为)?(?:什么|哪|多少|几|何))")


def without_kind_words(question: str) -> str:
    """The question without the words that name the kind of answer (哪个城市, 长度是多少):
    those are not names a passage must mention."""
    return _phrases_out(_ASKED_ATTRIBUTE.sub("，", normalize(question)))


def missing_terms(question: str, index: Index, hits: list[Hit], filters: dict | None = None) -> list[str]:
    """Chinese nouns of the question that no article contains: asking who won a match the
    articles only announce, the word 冠军 is nowhere in them. With `filters` (dates,
    article ids) only the articles they allow count."""
    seen = normalize("".join(h.text + h.title for h in hits))

    def absent(t: str) -> bool:
        if t in seen:   # present, only tokenized differently in the index (留枣率 / 枣率)
            return False
        if index.idf(t) is None and not _covered_by_present_parts(t, index):
            return True
        if not filters:
            return False
        # the term is somewhere in the index, but is it in an article the filters allow?
        from .retriever import search
        return not any(t in normalize(h.text + h.title) for h in search(index, t, 10, **filters))

    # Words jieba made up across a name's edge (潘淑是 -> 淑是) also count: restricting to its
    # dictionary (count >= 10) halved the absences found on gold-removed twins (613 -> 265 of
    # 1,000 CMRC questions) while false ones only fell 26 -> 12, so the fitted model weighs them.
    cands = question_nouns(question)
    if re.search(r"[\u4e00-\u9fff]", question):
        # acronyms inside a Chinese question (GDP, CPI, 5G); not ordinary words or markup
        cands += [w.lower() for w in re.findall(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*", question)
                  if len(w) >= 2 and (w.isupper() or any(c.isdigit() for c in w))]
    return [t for t in cands if absent(t)]


def _covered_by_present_parts(term: str, index: Index) -> bool:
    """A compound the index splits differently (青海地区, 个人利益) counts as present when
    words of 2+ characters the index holds cover all its characters (青海 + 地区; the stray
    海地 that jieba's search cut also yields does not matter)."""
    covered = [False] * len(term)
    for p in set(tokenize(term)):
        if len(p) < 2 or p == term or index.idf(p) is None:
            continue
        i = term.find(p)
        while i >= 0:
            covered[i:i + len(p)] = [True] * len(p)
            i = term.find(p, i + 1)
    return all(covered)


HOME_NAME_SHARE = 0.5   # a name in at least this share of chunks is the paper's home turf


def names_elsewhere(question: str, index: Index, hit: Hit, a: int | None = None, b: int | None = None,
                    near: str | None = None) -> list[str]:
    """Names the question asks about that the cited passage (its chunk, one chunk either
    side, the title) never mentions. "塔什干综合展厅的总投资" is not answered by a sentence
    about another project's investment in the same article. Names most chunks share
    (the paper's own city) are exempt: a local report says 我市, not 枣庄.

    A person is held closer: given the quote's span [a, b) of `hit`, its paragraph or the
    one before must name them. A feature story introduces 徐淑坤 and, three paragraphs
    later, says some technicians earn 10,000 a month; that is not 徐淑坤's salary."""
    names = [t for t in dict.fromkeys(tokenize_names(without_kind_words(question)))
             if t not in QUESTION_WORDS and not _generic_body(t)]
    if not names:
        return []
    if near is None:   # the caller may pass the normalized neighborhood it already read
        near = normalize(index.neighborhood(hit.article_id, int(hit.chunk_id.rsplit("#", 1)[1])))
    # document frequency from BM25 (a name jieba splits differently counts as rare: checked)
    missing = [t for t in names if t not in near and index.doc_share(t) < HOME_NAME_SHARE]
    if missing:
        missing = _places_set_by_the_article(question, missing, index, hit)
    if missing:
        missing = [t for t in missing if not _named_without_its_place(t, near, index, hit)]
    if missing:
        # 北京站 of a tour is 北京 in its report: a place with one character after it
        import jieba
        missing = [t for t in missing if not (len(t) >= 3 and t[:-1] in jieba.cut_for_search(t) and t[:-1] in near)]
    # an article whose title names the person is about them throughout
    people = [t for t in dict.fromkeys(tokenize_people(question)) if t in near and t not in missing
              and t not in normalize(hit.title) and index.doc_share(t) < HOME_NAME_SHARE]
    if people and a is not None and b is not None:
        art = index.article(hit.article_id)
        paras = [m.span() for m in re.finditer(r"[^\n]+", art["body"] if art else "")]
        first = next((i for i, (_, e) in enumerate(paras) if e > hit.start + a), None)
        if first is not None:
            last = next((i for i, (_, e) in enumerate(paras) if e >= hit.start + b), len(paras) - 1)
            window = normalize(art["body"][paras[max(0, first - 1)][0]:paras[last][1]])
            missing += [t for t in people if t not in window]
    return missing


# a train, a draw, a street number: K1178次, 23080期, 南京东路100号
_IDENTIFIER = re.compile(r"(?<![A-Za-z\d])[A-Za-z]{0,2}\d{3,}(?=次|期|号)")


def identifiers_elsewhere(question: str, index: Index, hit: Hit) -> list[str]:
    """Numbered things the question names (K1178次列车, 大乐透23080期) that the quote's article
    never mentions: a report on another train or draw does not answer for this one."""
    ids = list(dict.fromkeys(_IDENTIFIER.findall(normalize(question))))
    if not ids:
        return []
    art = index.article(hit.article_id) or {}
    text = re.sub(r"\s+", "", normalize((art.get("body") or hit.text) + (hit.title or "")))
    return [i for i in ids if i not in text]


_BODY = re.compile(r"(?:局|法院|检察院|队|所|厅|署|委|办|处|站|台)$")


def _generic_body(t: str) -> bool:
    """交警大队, 公安局, 人民法院: jieba tags a kind of public body a name (nt), but which one
    the question means is its place (硚口, 武汉市), and a report may call it 交通大队. A body
    with a name in it (厦门大学, 美国政府) or another ending (音乐学院, not 影视学院) stays a name."""
    import jieba
    import jieba.posseg as pseg
    if not _BODY.search(t) or [w.flag for w in pseg.cut(t)] != ["nt"]:
        return False
    parts = [w for w in jieba.cut_for_search(t) if w != t and len(w) >= 2]
    return bool(parts) and not any(pseg.dt.word_tag_tab.get(p) in _NAME_FLAGS for p in parts)


_NAME_FLAGS = {"nr", "ns", "nz", "nrt", "nrfg"}


_PLACE_SUFFIX = re.compile(r"(?<=..)(?:地区|省|市|县|区|州|镇|乡|村)$")


def _places_set_by_the_article(question: str, missing: list[str], index: Index, hit: Hit) -> list[str]:
    """A place sets the scene for a whole article: a report about 北京市 says 市国资委 near
    the figure and 北京 once, paragraphs away. So a place (jieba ns) counts as named when the
    article names it anywhere, with or without its 省/市/县/地区; people and organisations must
    still be near the quote (a penalty list names many banks)."""
    places = set(nouns(question, ("ns",)))
    if not places & set(missing):
        return missing
    art = index.article(hit.article_id)
    text = normalize((art or {}).get("body", "") + (hit.title or ""))
    named = lambda t: _PLACE_SUFFIX.sub("", t) in text   # noqa: E731
    return [t for t in missing if t not in places or not (named(t) or _qualifies_a_named_place(question, t, named))]


def _named_without_its_place(name: str, near: str, index: Index, hit: Hit) -> bool:
    """美国共和党 is 共和党 in a report that says 美国 once: a name made of a word in front
    (a place, mostly) and a word of two characters or more counts as named when the passage
    holds the second and the article the first anywhere."""
    import jieba
    heads = [w for w in jieba.cut_for_search(name) if len(w) >= 2 and name.startswith(w) and len(name) - len(w) >= 2]
    if not any(name[len(w):] in near for w in heads):
        return False
    art = index.article(hit.article_id)
    text = normalize((art or {}).get("body", "") + (hit.title or ""))
    return any(name[len(w):] in near and w in text for w in heads)


def _qualifies_a_named_place(question: str, place: str, named) -> bool:
    """A reader puts the province before the county (湖南安化县); a local report names the county
    alone. A place right before a county, city or district the article names qualifies it."""
    import jieba.posseg as pseg
    words = [(w.word, w.flag) for w in pseg.cut(normalize(question))]
    for i, (w, _) in enumerate(words[:-1]):
        if w != place:
            continue
        # a county, city or district by its suffix (jieba tags 加盟 in 苏联加盟共和国 a place too)
        nxt, flag = words[i + 1]
        if _PLACE_SUFFIX.search(nxt) and named(nxt):
            return True
        # 江苏|南通|通州区: a city jieba does not tag as a place, then its district
        after = words[i + 2][0] if i + 2 < len(words) else ""
        if flag == "nz" and _PLACE_SUFFIX.search(after) and named(nxt + after):
            return True
    return False


_FURNITURE = re.compile(
    r"微信|公众号|扫码|扫一扫|二维码|版权|责任编辑|原标题|来源[:：]|点击|关注我们|转载|免责声明|广告声明|"
    r"^[A-Z][a-z]{2} \d{1,2}, \d{4}|^\d{4}-\d{1,2}-\d{1,2}\s*[.…]{2,}|温馨提[示醒]")


def junk(question: str, quote: str, title: str) -> dict[str, float]:
    """Signs that a quote is page furniture, a headline without the fact, or the question
    itself found in a page: each a 0/1 or a share."""
    qn, tn = normalize(question), normalize(quote)
    core = re.sub(r"[？?。！!，,\s]", "", tn)
    qchars = set(re.sub(r"[？?。！!，,\s]", "", qn))
    echo = sum(c in qchars for c in core) / max(len(core), 1)
    return {
        "furniture": float(bool(_FURNITURE.search(tn))),
        "echo": echo,                                        # share of the quote's characters that are the question's
        "headline": float(core == re.sub(r"[？?。！!，,\s]", "", normalize(title)) or tn.rstrip().endswith(("！", "!", "？", "?"))),
        "short": float(len(core) < 8),
    }
