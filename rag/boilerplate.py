"""Site furniture inside news bodies: found as spans, never cut out of the stored body.

The body stays verbatim so citation offsets stay exact; chunking treats these spans as gaps,
so they are not embedded, indexed or quoted. Real feeds (the CRUD news sample) have no line
breaks at all, so every pattern works mid-text and decides where its span ends from
punctuation, runs of spaces or the next known label.

Each detector is one `Pattern` in PATTERNS (kind, finder); `boilerplate_spans` runs them all
and merges overlaps. A label counts only where a label can stand: at the start, after
whitespace, a sentence end or a bracket, so "主要收入来源：工资" or "资金来源于…" stay text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

# Where a label may start: nothing before it, or a space, sentence end, bracket or bar.
_LEAD = r"(?:^|(?<=[\s。！？；…”’」』）)》】|:：!?;（(【\[]))"
_ENDS = "。！？!?；;"
_STOP = r"\s，。；！？,;!?|【】（）()<>《》"   # a label's value stops at any of these
_MAX_TITLE = 40


@dataclass(frozen=True)
class Pattern:
    kind: str
    find: Callable[[str], list[tuple[int, int]]]


def _bracketed(body: str, s: int, e: int) -> tuple[int, int]:
    """Widen a span to the brackets that enclose it: （来源：新华社） or 【编辑:王祎】."""
    pairs = {"（": "）", "(": ")", "【": "】", "[": "]"}
    if s > 0 and body[s - 1] in pairs:
        close = pairs[body[s - 1]]
        j = body.find(close, e, e + 40)
        if j >= 0:
            return s - 1, j + 1
    return s, e


def _sentence_end(body: str, i: int, cap: int) -> int:
    """Just past the next sentence end (with closing quotes), or i + cap, or the end."""
    lim = min(len(body), i + cap)
    for j in range(i, lim):
        if body[j] in _ENDS:
            j += 1
            while j < len(body) and body[j] in "”’」』）)":
                j += 1
            return j
    return lim


def _regex(rx: str, flags=0, bracket: bool = False):
    pat = re.compile(rx, flags)

    def find(body: str) -> list[tuple[int, int]]:
        out = []
        for m in pat.finditer(body):
            s, e = m.span()
            out.append(_bracketed(body, s, e) if bracket else (s, e))
        return out
    return find


# -- 原标题：the old headline. Its end is the first sign the body has begun: a run of spaces,
# the headline repeated, a dateline, or a bracketed title closing.
# Outlets named before a dateline ("参考消息网8月14日报道"): a headline runs straight into
# them, so only a known name tells where the headline stops.
OUTLETS = ("参考消息网|新华社|新华网|中新网|中新社|中国新闻网|人民网|央视网|央视新闻|央广网|环球网|环球时报|"
           "澎湃新闻|光明网|光明日报|中国经济网|经济日报|红网时刻新闻|红网|荆楚网|国际在线|海外网|IT之家|财联社|"
           "智通财经|界面新闻|封面新闻|红星新闻|极目新闻|上观新闻|新京报|北京日报|扬子晚报网|中国台湾网|"
           "中国青年报客户端|中青网|潮新闻|大皖新闻|齐鲁网|大众网|东方网|南方网|金台资讯|人民日报|本报")
_DATELINE = re.compile(
    r"本报讯|本报[^\s，。]{0,6}电|【[^】]{0,12}】|[（(](?:记者|通讯员|特约)|"
    r"(?:" + OUTLETS + r")[^\s，。！？]{0,6}?\d{1,2}月\d{1,2}日|"
    r"(?:近日|日前|昨日|今日|当地时间)[，,]|据[^\s，。]{1,12}?(?:消息|报道|介绍)|\d{1,2}月\d{1,2}日[，,上下晚早凌中白]")


def _title_end(body: str, s: int) -> int | None:
    """End of the headline that starts at s, or None when no sign of its end is found."""
    if s < len(body) and body[s] == "《":   # not “: a quoted word may open a longer headline
        j = body.find("》", s + 1, s + _MAX_TITLE + 20)
        if j > s:
            return j + 1
    window = body[s:s + 80]
    for L in range(4, min(60, len(window) // 2) + 1):      # "标题标题 正文": headline repeated
        if window[:L] == window[L:2 * L] and not window[:L].isspace():
            return s + L
    cands = []
    ws = re.search(r"\s{2,}|\u3000", window)
    if ws and ws.start() >= 2:
        cands.append(ws.start())
    dl = _DATELINE.search(window, 2)
    if dl:
        cands.append(dl.start())
    if len(body) - s <= 80 and not cands:                 # 原标题 as the last words of the body
        return len(body)
    return s + min(cands) if cands else None


_ORIG = re.compile(r"原标题\s*[：:]\s*")


def _original_title(body: str) -> list[tuple[int, int]]:
    out = []
    for m in _ORIG.finditer(body):
        end = _title_end(body, m.end())
        if end is None:   # no sign where the headline stops: leave the words in, drop the label
            end = m.end()
        out.append((m.start(), end))
    return out


def original_title(body: str) -> str | None:
    """The headline given as 原标题：…, when its end can be told."""
    for m in _ORIG.finditer(body):
        end = _title_end(body, m.end())
        t = body[m.end():end].strip(" \u3000\u200b《》“”") if end else ""
        if 2 <= len(t) <= 60:
            return t
    return None


# What opens a body but makes a poor title: the 原标题 label, a dateline with its byline.
_LEAD_IN = re.compile(r"\A(?:原标题\s*[：:]\s*|【[^】]{0,30}】\s*|[^，。\s]{2,10}讯\s+|"
                      r"(?:本报讯|[^，。]{0,12}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯|报道|消息))"
                      r"\s*(?:[（(][^）)]{0,30}[）)])?[\s，,]*)")


def derive_title(body: str) -> str:
    """A title for an article that has none: its first line if short, the 原标题 headline,
    else its first sentence or clause, at most 40 characters."""
    b = body.strip()
    kept = kept_ranges(b)
    if kept and kept[0][0] > 0 and not b.startswith("原标题"):   # a snippet prefix or label first
        b = b[kept[0][0]:].strip()
    first = b.split("\n", 1)[0].strip()
    if "\n" in b and len(first) <= _MAX_TITLE:
        return first
    t = original_title(b)
    if t:
        return t[:_MAX_TITLE]
    b = _LEAD_IN.sub("", b, count=1) or b
    m = re.match(r"[^。！？!?\n]{1,%d}" % _MAX_TITLE, b)
    s = (m.group(0) if m else b[:_MAX_TITLE]).strip()
    if len(s) == _MAX_TITLE:          # cut at the last clause break rather than mid-word
        k = max(s.rfind(c) for c in "，、；：, ")
        s = s[:k] if k >= 10 else s
    return s


# -- 来源：the outlet. Its value stops at punctuation, spaces, a date or the next label.
_SOURCE = re.compile(
    _LEAD + r"(?:图片|图|视频|文章|稿件|本文|题图|封面)?来源\s*[：:]\s*"
    r"(?:(?!\d{1,2}月\d{1,2}日|返回搜狐|责任编辑|编辑|作者|记者|通讯员|审核)[^：" + _STOP + r"]){1,30}")


_OUTLET_END = re.compile(r".*?(?:网站|网|社|报|台|频道|新闻|客户端|APP|微信|公众号|日报|时报)")


def _source(body: str) -> list[tuple[int, int]]:
    out = []
    for m in _SOURCE.finditer(body):
        s, e = m.span()
        colon = max(body.rfind("：", s, e), body.rfind(":", s, e)) + 1
        value = body[colon:e]
        if len(value.strip()) > 10:
            # an outlet name running straight into the body: end it at the first outlet-like
            # word within the first 12 characters ("国际排联网站|波兰女排在今年…")
            m2 = _OUTLET_END.match(value[:12])
            if m2 and m2.end() >= 2:
                e = colon + m2.end()
        out.append(_bracketed(body, s, e))
    return out


def outlet(body: str) -> str | None:
    """The outlet a body credits with 来源：…, if any."""
    for st, en in _source(body):
        v = re.sub(r"^.*?来源\s*[：:]\s*", "", body[st:en]).strip("）)】] \u3000")
        if v:
            return v
    return None


# -- editor and production credits: 责任编辑：X, 编辑：X, 【编辑:王祎】, (编辑：卢其龙 CN070)
_NAME = r"(?:[^" + _STOP + r"]{1,12}?(?:\s?[A-Z]{1,3}\d{2,4})?)?(?=[" + _STOP + r"]|返回|$|(?:责任编辑|编辑|校对|审核|终审|监制|责编))"
_EDITOR = re.compile(
    r"(?:(?:责任编辑|流程编辑|值班编辑|实习编辑|责编|终审)|" + _LEAD + r"(?:编辑|校对|审核|监制|撰稿|美编|审校|统筹))"
    r"\s*[：:|]\s*" + _NAME)


def _editor(body: str) -> list[tuple[int, int]]:
    return [_bracketed(body, *m.span()) for m in _EDITOR.finditer(body)]


# -- footers that run to the end of the body
_AD = re.compile(r"广告声明[：:].*\Z", re.S)
_SOHU = re.compile(r"返回搜狐[，,]?\s*查看更多")
_MORE = re.compile(r"更多精彩内容请进入\S{1,8}?(?:频道|新闻)|分享让更多人看到")


def _sentence_of(pat: re.Pattern, back: int = 40, ahead: int = 100):
    """The sentence around each match: from the previous sentence end (if within `back`
    characters; else from the cue, so unpunctuated text before it is kept) to the next."""
    def find(body: str) -> list[tuple[int, int]]:
        out = []
        for m in pat.finditer(body):
            s = m.start()
            k = s
            while k > 0 and body[k - 1] not in _ENDS and not body[k - 1].isspace() and s - k < back:
                k -= 1
            if s - k >= back:
                k = s
            out.append((k, _sentence_end(body, m.end(), ahead)))
        return out
    return find


# The page's notices, not news about copyright: "未经许可擅自使用他人商标" is text.
_COPYRIGHT = re.compile(r"版权(?:声明|说明)[：:]|版权归[^。]{0,20}所有|未经(?:书面)?(?:许可|授权)[^。]{0,12}不得(?:转载|使用|摘编|复制)|"
                        r"转载请注明|如若转载|本文属于原创文章|免责声明[：:]|均系侵害本网站")
# Only calls to act on the page itself, so "市民扫码即可乘车" or "点击“设置”" in a how-to stay.
# A how-to ("点击右上角“三个点”图标") or a rule ("不得强制消费者关注公众号") is text, so
# only the page's own requests to its reader count.
_SHARE = re.compile(r"扫码(?:关注|加入|下载|添加|进群|入群|订阅)|扫描(?:下方|上方)二维码|长按(?:识别)?(?:下方|上方|图中)?二维码(?:关注|加入|下载)|"
                    r"(?:欢迎|请|敬请)关注(?:我们|微信公众号|公众号|本号)|"
                    r"点击(?:右上[角方][^。]{0,6}?(?:分享|星标|关注|设为)|上方蓝字|蓝字关注|阅读原文|“在看”|在看)")
_END_MARK = re.compile(r"[（(]完[）)]")
# A search engine's result-page prefix: "Mar 3, 2022 ... " or "Mar 3, 2022 — "
_SNIPPET = re.compile(r"\A\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.? \d{1,2}, \d{4}\s*"
                      r"(?:\.{3}|…+|—|-|·)\s*")

# Page code pasted into the text: CSS rules (.imgisgif{display:inline-block;…}) and player
# calls (showPlayer({id:"/pvservice/xml/…",width:600});). An English question's embedding
# is closer to them than to any Chinese sentence, so they were served as answers. No
# Chinese inside: prose with braces or parentheses is not code.
CODE = re.compile(r"(?:[.#]?[A-Za-z][\w-]*(?:[ :.#>]+[\w-]+)*\s*\{[^{}\u4e00-\u9fff]*:[^{}\u4e00-\u9fff]*\})+|"
                  r"[A-Za-z_$][\w$.]*\(\s*\{[^{}\u4e00-\u9fff]*\}\s*\)\s*;?")


def is_code(sentence: str) -> bool:
    """A sentence cut from page code: no Chinese, and a brace. The sentence splitter cuts
    CSS at its semicolons, so a piece (.imgisgif{display:inline-block;) no longer holds a
    whole rule for CODE to match."""
    return not re.search(r"[\u4e00-\u9fff]", sentence) and bool(re.search(r"[{}]", sentence))


PATTERNS: list[Pattern] = [
    Pattern("original_title", _original_title),
    Pattern("source", _source),
    Pattern("editor", _editor),
    Pattern("end_mark", _regex(_END_MARK.pattern)),
    Pattern("ad_notice", _regex(_AD.pattern, re.S)),
    Pattern("copyright", _sentence_of(_COPYRIGHT)),
    Pattern("share", _sentence_of(_SHARE, ahead=60)),
    Pattern("footer", _regex(f"{_SOHU.pattern}|{_MORE.pattern}")),
    Pattern("snippet_prefix", _regex(_SNIPPET.pattern)),
    Pattern("code", _regex(CODE.pattern)),
]


def boilerplate_spans(body: str) -> list[tuple[int, int, str]]:
    """Boilerplate as sorted, non-overlapping (start, end, kind); overlaps keep the first kind."""
    raw = sorted((s, e, p.kind) for p in PATTERNS for s, e in p.find(body) if e > s)
    out: list[tuple[int, int, str]] = []
    for s, e, k in raw:
        if out and s <= out[-1][1]:
            ps, pe, pk = out[-1]
            out[-1] = (ps, max(pe, e), pk)
        else:
            out.append((s, e, k))
    return out


def kept_ranges(body: str, spans: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int]]:
    """The complement of the boilerplate: the ranges of the body that are text."""
    spans = boilerplate_spans(body) if spans is None else spans
    out, at = [], 0
    for s, e, _ in spans:
        if s > at:
            out.append((at, s))
        at = max(at, e)
    if at < len(body):
        out.append((at, len(body)))
    return out
