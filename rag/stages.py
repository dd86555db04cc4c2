"""The answer pipeline as named stages, each a small function with one job.

rewrite -> retrieve -> rerank -> select_context -> generate -> verify -> decide -> assemble

Stages read and write one `Run`; any of them may settle the outcome by returning a
`Decision` (which stage, refused or not, why). `rag.qa.answer_stream` drives them; a test
can drive any one alone.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from . import answerability, prompts
from .boilerplate import is_code
from .checks import missing_terms
from .config import Config
from .constraints import Constraints, of_question
from .timewindow import TimeWindow, time_window
from .context import fit_context
from .errors import BackendError, RagError
from .extractive import bm25_idf, dense_sentence_scores, sentence_scores
from .index import Index
from .llm import describe_api_error
from .retriever import fuse, search
from .rewrite import rewrite_followup
from .pinpoint import pinpointed
from .span import answer_span, whole_name, with_asked_noun, with_direction, with_negation
from .text import find_verbatim, normalize, sentence_spans
from .translate import interleave, keep_what_the_reader_said, needs_translation, to_chinese
from .types import REFUSAL_TEXT, Answer, Citation, Hit
from .units import complete, with_year
from .verify import Parsed, answer_supported, answer_unfit, locate_quote, make_citation, parse

# Cosine of the best sentence for a question with no Chinese and no translation of it (no
# model to translate: extractive): e5 bridges the languages, term coverage cannot, so this
# decides instead of the answerability model.
DENSE_SENTENCE_MIN = 0.80
EXTRACTIVE_CANDIDATES = 3   # sentences the decision may choose among when the model's quote fails


@dataclass
class Decision:
    stage: str                  # the stage that settled it
    refused: bool
    reason: str                 # for the reader (shown under a refusal) and the logs
    score: float | None = None  # answerability probability of the served/best candidate
    threshold: float | None = None
    candidate: answerability.Candidate | None = None

    def to_dict(self) -> dict:
        c = self.candidate
        return {"stage": self.stage, "refused": self.refused, "reason": self.reason,
                "score": None if self.score is None else round(self.score, 4), "threshold": self.threshold,
                "candidate": None if c is None else {"source": c.source, "quote": c.quote, "chunk_id": c.hit.chunk_id,
                                                     "features": {k: None if v is None else round(v, 4) for k, v in c.features.items()},
                                                     "why_not": c.why_not, "blocked": c.blocked}}


@dataclass
class Run:
    question: str
    index: Index
    cfg: Config
    model: BaseChatModel | None
    model_name: str
    history: list[tuple[str, str]] = field(default_factory=list)
    k: int = 5
    filters: dict = field(default_factory=dict)
    as_of: date = field(default_factory=date.today)   # what 昨天/今年/上周 are relative to
    standalone: str = ""
    translation: str | None = None   # a question in another language, read in the articles' (rag/translate.py)
    constraints: Constraints = field(default_factory=Constraints)
    window: TimeWindow | None = None
    missing: list[str] = field(default_factory=list)  # nouns of the question no article contains
    hits: list[Hit] = field(default_factory=list)
    ranked: list = field(default_factory=list)       # (score, hit, a, b) sentences, best first
    context: list[Hit] = field(default_factory=list)
    excerpts: list = field(default_factory=list)
    raw: str = ""
    finish: str | None = None
    parsed: Parsed | None = None
    candidates: list[answerability.Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    t0: float = field(default_factory=time.perf_counter)

    @property
    def cross_lingual(self) -> bool:
        return not re.search(r"[\u4e00-\u9fff]", self.standalone)

    @property
    def asked(self) -> str:
        """The question as the Chinese-reading stages read it: its translation, if it has one."""
        return self.translation or self.standalone


# ---------------------------------------------------------------------------- stages
def rewrite(run: Run) -> None:
    """The standalone question (a follow-up rewritten), its Chinese reading when it has no
    Chinese (rag/translate.py), and the years, periods and answer kind that reading fixes."""
    run.standalone = rewrite_followup(run.question, run.history, run.model)
    if needs_translation(run.standalone):
        run.translation = to_chinese(run.standalone, run.model)
        if run.translation:
            run.notes.append(f"问题按中文理解为：{run.translation}")
    # 今年/去年 are not turned into year constraints: a reader's "this year" is often the
    # article's, not the clock's (the seed set, dated 2025, asked in 2026, lost a question)
    run.constraints = of_question(run.asked)
    if run.translation:
        keep_what_the_reader_said(run.constraints, run.standalone)
    run.window = time_window(run.asked, run.as_of)


TIME_POOL = 3   # with an explicit date, retrieve this many times k and let rerank prefer the period


def retrieve(run: Run) -> Decision | None:
    """Hybrid search. A relative time (昨天, 上周, 最近) restricts to its period, unless the
    caller gave dates; an explicit one (2023年8月) widens the pool for rerank to prefer it."""
    w, filters, k = run.window, dict(run.filters), run.k
    if w is not None and w.relative and not ({"date_from", "date_to"} & set(filters)):
        filters.update(date_from=w.start.isoformat(), date_to=w.end.isoformat())
        run.notes.append(f"“{w.words}”按{run.as_of.isoformat()}理解为{w.label()}")
    elif w is not None:
        k = run.k * TIME_POOL
    run.hits = _search(run, k, filters)
    if not run.hits and filters != run.filters:
        run.notes.append(f"{w.label()}没有相关文章，已在全部文章中查找")
        run.hits = _search(run, run.k, run.filters)
    run.timings["retrieve_ms"] = (time.perf_counter() - run.t0) * 1000
    if not run.hits:
        return Decision("retrieve", True, "没有找到与问题相关的文章（no article matched the question）")
    return None


def _search(run: Run, k: int, filters: dict) -> list[Hit]:
    """A question with no Chinese is searched by meaning only; with a translation, the
    translation's hybrid search is fused with it (the translation may garble a name the
    original's embedding still matches)."""
    own = search(run.index, run.standalone, k, dense_only=run.cross_lingual, **filters)
    if not run.translation:
        return own
    return fuse([search(run.index, run.translation, k, **filters), own], k, run.cfg.rrf_k)


def rerank(run: Run) -> None:
    """Prefer articles published in the question's period (stable: fusion order otherwise).
    The slot for a learned reranker too: none ships offline for Chinese (docs/EVALS.md).

    A hit outside the period (or undated) moves k places down, not to the end: the search's
    best match is often an undated copy, or a report published days after the day asked
    (7月28日's police notice, reported on the 31st); it should beat an in-period article
    ranked k places below it."""
    w = run.window
    if w is not None and not w.relative:
        a, b = w.start.isoformat(), w.end.isoformat()
        inside = {id(h) for h in run.hits if h.date and a[:len(h.date)] <= h.date <= b}
        order = sorted(range(len(run.hits)), key=lambda i: (i + (0 if id(run.hits[i]) in inside else run.k), i))
        run.hits = [run.hits[i] for i in order][:run.k]


def select_context(run: Run) -> Decision | None:
    """Score every sentence of the hits; the best ones that fit the prompt budget become
    the model's context. Notes the question's nouns that no article contains."""
    ix, q = run.index, run.asked
    if run.cross_lingual and not run.translation:
        run.ranked = dense_sentence_scores(q, run.hits, ix.embedder)
    elif run.translation:
        # no missing-term check: a translated name is a guess, not the reader's word
        run.ranked = interleave(sentence_scores(q, run.hits, bm25_idf(ix)),
                                dense_sentence_scores(run.standalone, run.hits, ix.embedder, top=len(run.hits)))
    else:
        run.ranked = sentence_scores(q, run.hits, bm25_idf(ix), focus=run.question if q != run.question else None)
        # weighed by the decision, not obeyed: a paraphrase or a jieba fragment can be "absent" too
        run.missing = missing_terms(q, ix, run.hits, run.filters)
    if run.model is not None and run.hits:
        run.context, run.excerpts = fit_context(run.ranked, run.hits, run.model, run.cfg.context_tokens)
    return None


def generate(run: Run) -> Iterator[str]:
    """Stream the model's draft; yields the part after 答案： as it arrives."""
    # the reader's own words, not the translation: shown its guess at a name (贝克汉姆集团 for
    # Berkshire Hathaway), the model refuses a passage about 伯克希尔 (docs/EVALS.md, eleventh session)
    msgs = [SystemMessage(prompts.SYSTEM), HumanMessage(prompts.user_prompt(run.standalone, run.context, run.excerpts))]
    t1 = time.perf_counter()
    shown = 0
    try:
        for chunk in run.model.stream(msgs):
            run.finish = (getattr(chunk, "response_metadata", None) or {}).get("finish_reason") or run.finish
            run.raw += str(chunk.content)
            at = run.raw.find("答案")
            if at >= 0:
                start = at + 3 if run.raw[at + 2:at + 3] in "：:" else at + 2
                if len(run.raw) > start + shown:
                    delta = run.raw[start + shown:]
                    shown += len(delta)
                    yield delta
    except RagError:
        raise
    except Exception as e:  # noqa: BLE001 - API/llama errors become one clear message
        if str(getattr(run.model, "_llm_type", "")).startswith("openai"):
            err = describe_api_error(e, getattr(run.model, "openai_api_base", None) or run.cfg.api_base)
        else:
            err = BackendError(f"the language model failed: {type(e).__name__}: {e}")
        if not run.cfg.fallback_extractive:
            raise err from e
        run.notes.append(f"{err}; answered extractively")
        run.finish = "error"
        return
    run.timings["generate_only_ms"] = (time.perf_counter() - t1) * 1000
    # numbers only: last_stats also says whether the cached prefix was restored
    run.timings.update({k: v for k, v in (getattr(run.model, "last_stats", None) or {}).items()
                        if isinstance(v, (int, float)) and not isinstance(v, bool)})


def verify(run: Run) -> Decision | None:
    """Candidates whose quote is verbatim in a retrieved chunk: the model's first, then the
    best extractive sentences. Offsets come from the text, never from the model."""
    hit_rank = {h.chunk_id: i for i, h in enumerate(run.hits)}
    if run.model is not None and run.raw and run.finish not in ("length", "time_limit", "error"):
        run.parsed = p = parse(run.raw)
        if p.says_unanswerable:
            return Decision("generate", True, "模型判断资料中没有答案（the model found no answer in the sources）")
        why = answer_unfit(run.asked, p.answer) if p.answer else None
        if why:
            run.notes.append(f"the model's answer {p.answer[:20]!r} {why}; the quote stands without it")
            p.answer = None
        for quote, nums in p.quotes:
            loc = locate_quote(quote, nums, run.context)
            if loc is None:
                run.notes.append(f"dropped a quote not found in the sources: {quote[:40]}")
                continue
            h, a, b = loc
            ans = p.answer if p.answer and answer_supported(p.answer, [h.text[a:b]]) else None
            if p.answer and ans is None:
                run.notes.append(f"the model's answer {p.answer[:20]!r} is not supported by its quote")
            ans = _fits_completed(run, ans, h.text[a:b])
            run.candidates.append(answerability.Candidate(h, a, b, hit_rank.get(h.chunk_id, len(run.hits)), "llm", ans,
                                                          _evidence(run.ranked, h, a, b)))
    elif run.finish in ("length", "time_limit"):
        # a draft cut off by the token or time limit may end mid-number ("达4" for 4600)
        run.notes.append(f"the model's answer was cut off ({run.finish})")
    if run.model is None or run.cfg.fallback_extractive:
        seen = {c.quote for c in run.candidates}
        for score, h, a, b in run.ranked:
            if len([c for c in run.candidates if c.source == "extractive"]) >= EXTRACTIVE_CANDIDATES:
                break
            # page code left in an index built before the boilerplate pattern existed
            if h.text[a:b] not in seen and b - a >= 4 and not is_code(h.text[a:b]):
                seen.add(h.text[a:b])
                run.candidates.append(answerability.Candidate(h, a, b, hit_rank[h.chunk_id], evidence=score))
    p = run.parsed
    if p is not None and p.answer and any(c.source == "llm" for c in run.candidates) \
            and not any(c.answer for c in run.candidates if c.source == "llm"):
        _reanchor(run, p.answer)
    if p is not None and p.answer and not any(c.source == "llm" for c in run.candidates):
        # the model answered without a usable quote ("答案：3天"): its answer still counts where
        # a retrieved sentence supports it
        for c in run.candidates:
            if answer_supported(p.answer, [c.quote]):
                c.answer = _fits_completed(run, p.answer, c.quote)
    if not run.candidates:
        return Decision("verify", True, "没有能在原文中核实的引文（no quote could be verified in the sources）")
    return None


def decide(run: Run, decider: answerability.Decider | None = None) -> Decision:
    """Score every candidate; serve the model's if it passes, else the best one that does.
    With a language model, the decider fitted on its answers to news questions
    (answerability/serve.json) scores how likely serving each candidate is right, and the
    likeliest passing one is served, whoever chose it. Below the threshold, refuse and say
    what the nearest quote lacks."""
    if run.cross_lingual and not run.translation:
        return _decide_cross_lingual(run)
    d = decider or answerability.load(str(answerability.SERVE) if run.model is not None else None)
    idf = bm25_idf(run.index)
    for c in run.candidates:
        c.features = answerability.features(run.asked, c, run.index, idf, run.constraints, len(run.missing),
                                            names=run.translation is None)
        if run.missing:
            c.why_not.insert(0, f"资料中从未出现：{'、'.join(run.missing)}")
        c.score = d.score(c.features)
    # A quote about another year or 第N, or from a passage that never names the question's
    # subject, never answers however well it scores; the other signals (months, nouns no
    # article contains, answer kind, coverage ...) are weighed by the fitted model.
    passing = pinpointed(run.asked, [c for c in run.candidates if c.score >= d.threshold and not c.blocked])
    if passing and d.meta.get("policy") == "likeliest":
        best = max(passing, key=lambda c: c.score)
        who = "the model's quote" if best.source == "llm" else "an extractive sentence"
        return Decision("decide", False, f"{who} is the likeliest right answer ({best.score:.2f} ≥ {d.threshold:.2f})",
                        best.score, d.threshold, best)
    llm = [c for c in passing if c.source == "llm"]
    if llm:
        return Decision("decide", False, "the model's quote passes the answerability check", llm[0].score, d.threshold, llm[0])
    if passing:
        best = max(passing, key=serve_order)
        why = "the best extractive sentence passes the answerability check"
        if any(c.source == "llm" for c in run.candidates):
            why = "the model's quote failed the answerability check; " + why
        return Decision("decide", False, why, best.score, d.threshold, best)
    best = max(run.candidates, key=lambda c: c.score)
    if best.why_not:
        reason = f"资料中没有相符的信息：{best.why_not[0]}。最接近的是：“{best.quote[:60]}”"
    else:
        reason = (f"最接近的引文与问题不够相符（“{best.quote[:40]}”，可信度{best.score:.2f}，低于{d.threshold:.2f}）"
                  f"（the nearest quote scores {best.score:.2f}, under the threshold {d.threshold:.2f}）")
    return Decision("decide", True, reason, best.score, d.threshold, best)


def serve_order(c: answerability.Candidate) -> tuple:
    """Among passing sentences: one that supports the model's own answer first, then one
    holding the kind of answer asked (a person for 谁, a number for 多少), then the score."""
    return (c.answer is not None, not c.features.get("kind_missing"), c.score)


def _decide_cross_lingual(run: Run) -> Decision:
    emb = run.index.embedder
    qv = emb.embed_batch([run.standalone], "query")[0]
    vecs = emb.embed_batch([c.quote for c in run.candidates], "passage")
    for c, v in zip(run.candidates, vecs):
        c.score = float(v @ qv)
    best = max(run.candidates, key=lambda c: (c.source == "llm" and c.score >= DENSE_SENTENCE_MIN, c.score))
    ok = best.score >= DENSE_SENTENCE_MIN
    return Decision("decide", not ok, f"cross-lingual: the quote's similarity to the question is {best.score:.2f} "
                    f"(threshold {DENSE_SENTENCE_MIN})", best.score, DENSE_SENTENCE_MIN, best)


def assemble(run: Run, decision: Decision) -> Answer:
    """The Answer the reader gets: a short answer with its verified citation, or a refusal."""
    run.timings["total_ms"] = (time.perf_counter() - run.t0) * 1000
    run.timings.setdefault("generate_ms", run.timings["total_ms"] - run.timings.get("retrieve_ms", 0.0))
    cites: list[Citation] = []
    text = REFUSAL_TEXT
    c = decision.candidate
    if not decision.refused and c is not None:
        cite = make_citation(1, c.hit, c.a, c.b)
        _reprints(run.index, cite)
        cites = [cite]
        if c.answer:
            text = whole_name(run.asked, complete(c.answer, cite.quote), cite.quote)
        else:
            span = answer_span(run.asked, cite.quote)
            text = with_year(complete(cite.quote[span[0]:span[1]], cite.quote[span[0]:]), cite.quote) if span else cite.quote
        if text != cite.quote:
            text = with_direction(run.asked, with_asked_noun(run.asked, text, cite.quote), cite.quote)
            text = with_negation(text, cite.quote)
        text += "[1]"
        if len(cite.quote) < FRAGMENT:
            # "杨光明" or "2023年7月25日" alone proves nothing: the reader is shown its sentence
            a, b = _sentence_around(c.hit.text, c.a, c.b)
            cites = [make_citation(1, c.hit, a, b)]
            _reprints(run.index, cites[0])
        if run.window is not None and run.window.relative:
            text += f"（“{run.window.words}”按{run.window.label()}理解）"
    if decision.refused:
        run.notes.append(decision.reason)
    elif c is not None and c.source == "extractive" and run.model is not None:
        run.notes.append(f"answered extractively: {decision.reason}")
    return Answer(question=run.question, text=text, citations=cites, refused=decision.refused, contexts=run.hits,
                  model=run.model_name, timings=run.timings,
                  standalone_question=run.standalone if run.standalone != run.question else None,
                  notes=run.notes, decision=decision.to_dict())


# ---------------------------------------------------------------------------- helpers
def _reprints(index: Index, cite: Citation) -> None:
    """How many others reported the same story, and the first-dated of them."""
    art = index.article(cite.article_id)
    if art and art.get("also_reported_by"):
        cite.also_reported_by = len(art["also_reported_by"])
        if art["earliest"]["id"] != cite.article_id:
            cite.earliest = art["earliest"]


FRAGMENT = 12   # characters: a shorter quote is cited with its whole sentence


def _sentence_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The sentence of `text` that holds [a, b) (the span itself if it crosses sentences)."""
    return next(((x, y) for x, y in sentence_spans(text) if x <= a and b <= y), (a, b))


def _reanchor(run: Run, answer: str) -> None:
    """The model quoted one sentence but its answer stands verbatim in another it was shown
    (it copied the date line, the answer is in the next sentence): that sentence becomes a
    candidate carrying the answer. A bare number is too common to place this way."""
    if len(normalize(answer)) < 2 or re.fullmatch(r"[\d.,%\s]+", answer):
        return
    hit_rank = {h.chunk_id: i for i, h in enumerate(run.hits)}
    shown = {h.chunk_id: spans for h, spans in zip(run.context, run.excerpts)}
    for score, h, a, b in run.ranked:
        sent = h.text[a:b]
        if not any(x <= a and b <= y for x, y in shown.get(h.chunk_id, ())):
            continue
        if find_verbatim(answer, sent) and answer_supported(answer, [sent]):
            run.candidates.insert(0, answerability.Candidate(h, a, b, hit_rank[h.chunk_id], "llm", answer, score))
            run.notes.append(f"the model's answer {answer[:20]!r} stands in another sentence it was shown; cited that one")
            return


def _fits_completed(run: Run, answer: str | None, quote: str) -> str | None:
    """The answer as the reader will see it, completed from its quote, checked again: a bare
    "40" passes as a number, but the quote makes it 40％, not the 人 asked for."""
    if not answer:
        return answer
    why = answer_unfit(run.asked, complete(answer, quote))
    if why:
        run.notes.append(f"the model's answer {answer[:20]!r} read in its quote {why}; the quote stands without it")
        return None
    return answer


def _evidence(ranked, hit: Hit, a: int, b: int) -> float:
    """The extractive score of the sentence a model's quote lies in (0 if none overlaps)."""
    return max((s for s, h, x, y in ranked if h.chunk_id == hit.chunk_id and x < b and a < y), default=0.0)
