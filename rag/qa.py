"""answer(): retrieve, generate, verify, and decide — one typed Answer out.

The model proposes; the code disposes. A model's answer is kept only when its quote is
verbatim in a retrieved chunk, the quote concerns the question, and the answer is
supported by the quote. Otherwise the extractive answer is served (if configured and
well supported) or the assistant refuses, always listing the nearest sources.
"""
from __future__ import annotations

import re
import time
from typing import Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from . import prompts
from .config import Config
from .errors import BackendError, ModelError, RagError
from .extractive import bm25_idf, dense_sentence_scores, sentence_scores
from .index import Index, open_index
from .llm import describe_api_error, get_chat_model
from .retriever import check_question, search
from .text import normalize
from .tokenize import names as tokenize_names
from .tokenize import people as tokenize_people
from .tokenize import nouns, tokenize
from .types import REFUSAL_TEXT, Answer, Citation, Hit
from .verify import (QUESTION_WORDS, answer_supported, ordinals_agree, with_units, locate_quote, make_citation, parse, quote_is_relevant,
                     salient_terms)

History = list[tuple[str, str]] | list[dict] | None
# Cosine of the best sentence for a question with no Chinese (English) in extractive mode.
DENSE_SENTENCE_MIN = 0.80


def _history_pairs(history: History) -> list[tuple[str, str]]:
    """Accept [(q, a), ...] or OpenAI/Gradio-style [{"role", "content"}, ...]."""
    if not history:
        return []
    if isinstance(history[0], dict):
        pairs, q = [], None
        for m in history:
            content = m.get("content")
            content = content if isinstance(content, str) else str(content or "")
            if m.get("role") == "user":
                if q is not None:
                    pairs.append((q, ""))
                q = content
            elif m.get("role") == "assistant" and q is not None:
                pairs.append((q, content))
                q = None
        if q is not None:
            pairs.append((q, ""))
        return pairs
    return [(str(q), str(a or "")) for q, a in history]


def _resolve_model(llm, cfg: Config, notes: list[str]) -> tuple[BaseChatModel | None, str]:
    if isinstance(llm, BaseChatModel):
        return llm, getattr(llm, "model_name", None) or type(llm).__name__
    kind = llm or cfg.llm
    try:
        model = get_chat_model(kind, cfg)
    except ModelError as e:
        if not cfg.fallback_extractive:
            raise
        notes.append(f"local model unavailable ({e}); answered extractively")
        return None, "extractive"
    if model is None:
        return None, "extractive"
    name = getattr(model, "model_name", None) or kind
    return model, f"{kind}:{name}"


def warm_up(index: Index | None = None, llm: str | BaseChatModel | None = None) -> None:
    """Do before the first question what it would otherwise wait for: load the embedder
    and trace its one-question path, load the local model and evaluate the system prompt.
    Servers call it in the background at start; failures surface on the first question."""
    ix = index or open_index()
    ix.embedder.embed_batch(["新闻"], "query")
    model, _ = _resolve_model(llm, ix.config, [])
    warm = getattr(model, "warm", None)
    if warm is not None:
        warm(prompts.SYSTEM)


def rewrite_followup(question: str, history: list[tuple[str, str]], model: BaseChatModel | None) -> str:
    """Turn "那它的交易额呢？" into a standalone question using the conversation."""
    if not history:
        return question
    if model is not None:
        try:
            msgs = [SystemMessage(prompts.REWRITE_SYSTEM), HumanMessage(prompts.rewrite_prompt(history, question))]
            out = str(model.invoke(msgs, max_tokens=64).content).strip().splitlines()
            cand = out[0].strip().strip("“”\"") if out else ""
            if 2 <= len(cand) <= 200 and "无法" not in cand:
                return cand
        except Exception:  # noqa: BLE001 - rewriting is an optimization; fall through
            pass
    # Without a model: carry the previous question's content terms into this one.
    prev = history[-1][0]
    extra = [t for t in salient_terms(prev) if t not in normalize(question)]
    return (" ".join(extra) + " " + question).strip() if extra else question


def _fit_context(ranked, hits: list[Hit], model, budget: int) -> tuple[list[Hit], list[list[tuple[int, int]]]]:
    """The best-scoring sentences that fit the token budget, grouped by chunk.

    Prompt processing dominates latency on a small CPU (70-95 tokens/s here, ~120 with AMX), and the
    small model answers better from a few relevant sentences than from whole chunks.
    """
    count = getattr(model, "count_tokens", None) or (lambda s: len(s))
    chosen: dict[str, list[tuple[int, int]]] = {}
    order: list[Hit] = []
    seen: set[str] = set()   # overlapping chunks repeat sentences
    used = 0
    first: dict[str, int] = {}   # article -> number of its first source line
    for _, h, a, b in ranked:
        if h.text[a:b] in seen:
            continue
        n = count(h.text[a:b]) + 1
        if h.chunk_id not in chosen:   # a new source costs its numbered line too
            n += count(prompts.source_line(len(order) + 1, h, first.get(h.article_id))) + 2
        if order and used + n > budget:
            continue
        if h.chunk_id not in chosen:
            chosen[h.chunk_id] = []
            order.append(h)
            first.setdefault(h.article_id, len(order))
        chosen[h.chunk_id].append((a, b))
        seen.add(h.text[a:b])
        used += n
    if not order:  # nothing scored (no shared terms): fall back to the top chunk
        return hits[:1], [[(0, len(hits[0].text))]]
    return order, [chosen[h.chunk_id] for h in order]


def _renumber(cites: list[Citation]) -> list[Citation]:
    out, seen = [], {}
    for c in cites:
        key = (c.article_id, c.start, c.end)
        if key in seen:
            continue
        c.n = len(out) + 1
        seen[key] = c.n
        out.append(c)
    return out


def _missing_terms(question: str, index: Index, hits: list[Hit]) -> list[str]:
    """Chinese nouns of the question that no indexed article contains: asking who won
    a match the articles only announce, the word 冠军 is nowhere in them."""
    seen = normalize("".join(h.text + h.title for h in hits))

    def absent(t: str) -> bool:
        if t in seen:   # present, only tokenized differently in the index (留枣率 / 枣率)
            return False
        # a compound the index splits differently still counts as present if its parts are
        parts = [p for p in tokenize(t) if len(p) >= 2] or [t]
        return index.idf(t) is None and any(index.idf(p) is None for p in parts)

    cands = [t for t in nouns(question) if t not in QUESTION_WORDS and any("\u4e00" <= c <= "\u9fff" for c in t)]
    if re.search(r"[\u4e00-\u9fff]", question):
        # acronyms inside a Chinese question (GDP, CPI, 5G); not ordinary words or markup
        cands += [w.lower() for w in re.findall(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*", question)
                  if len(w) >= 2 and (w.isupper() or any(c.isdigit() for c in w))]
    return [t for t in cands if absent(t)]


HOME_NAME_SHARE = 0.5   # a name in at least this share of chunks is the paper's home turf


def _names_elsewhere(question: str, index: Index, hit: Hit, a: int | None = None, b: int | None = None) -> list[str]:
    """Names the question asks about that the cited passage (its chunk, one chunk either
    side, the title) never mentions. "塔什干综合展厅的总投资" is not answered by a sentence
    about another project's investment in the same article. Names most chunks share
    (the paper's own city) are exempt: a local report says 我市, not 枣庄.

    A person is held closer: given the quote's span [a, b) of `hit`, its paragraph or the
    one before must name them. A feature story introduces 徐淑坤 and, three paragraphs
    later, says some technicians earn 10,000 a month; that is not 徐淑坤's salary."""
    names = [t for t in dict.fromkeys(tokenize_names(question)) if t not in QUESTION_WORDS]
    if not names:
        return []
    near = normalize(index.neighborhood(hit.article_id, int(hit.chunk_id.rsplit("#", 1)[1])))
    # document frequency from BM25 (a name jieba splits differently counts as rare: checked)
    missing = [t for t in names if t not in near and index.doc_share(t) < HOME_NAME_SHARE]
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


def answer_stream(question: str, *, history: History = None, k: int | None = None, llm=None,
                  index: Index | None = None, date_from: str | None = None, date_to: str | None = None,
                  ) -> Iterator[str | Answer]:
    """Yields text deltas while the answer is generated, then the final `Answer`.

    The deltas are the model's draft; the final Answer is what survived verification
    and may differ (a fallback or a refusal). Consumers should render the final one.
    """
    t0 = time.perf_counter()
    ix = index or open_index()
    cfg = ix.config
    question = check_question(question, cfg.max_question_chars)
    notes: list[str] = []
    model, model_name = _resolve_model(llm, cfg, notes)
    pairs = _history_pairs(history)
    standalone = rewrite_followup(question, pairs, model)
    hits = search(ix, standalone, k or cfg.k, date_from=date_from, date_to=date_to)
    t1 = time.perf_counter()
    timings = {"retrieve_ms": (t1 - t0) * 1000}

    def done(text: str, cites: list[Citation], refused: bool) -> Answer:
        t2 = time.perf_counter()
        timings.update(generate_ms=(t2 - t1) * 1000, total_ms=(t2 - t0) * 1000)
        return Answer(question=question, text=text, citations=_renumber(cites), refused=refused, contexts=hits,
                      model=model_name, timings=timings,
                      standalone_question=standalone if standalone != question else None, notes=notes)

    cross_lingual = not re.search(r"[\u4e00-\u9fff]", standalone)
    if not hits:
        ranked = []
    elif cross_lingual:
        ranked = dense_sentence_scores(standalone, hits, ix.embedder)
    else:
        ranked = sentence_scores(standalone, hits, bm25_idf(ix), focus=question if standalone != question else None)
    extractive = ranked[0] if ranked else (0.0, None, 0, 0)
    threshold = DENSE_SENTENCE_MIN if cross_lingual else cfg.min_evidence

    def extractive_answer(reason: str | None) -> Answer:
        if reason:
            notes.append(reason)
        cov, h, a, b = extractive
        if h is not None and not ordinals_agree(standalone, h.text[a:b]):
            notes.append("the best sentence is about a different 第N (ordinal) than the question")
            return done(REFUSAL_TEXT, [], True)
        if h is None or cov < threshold:
            notes.append(f"best sentence scores {cov:.2f} (threshold {threshold})")
            return done(REFUSAL_TEXT, [], True)
        elsewhere = _names_elsewhere(standalone, ix, h, a, b)
        if elsewhere:
            notes.append(f"the best sentence's passage never names {'、'.join(elsewhere)}")
            return done(REFUSAL_TEXT, [], True)
        c = make_citation(1, h, a, b)
        return done(f"{c.quote}[1]", [c], False)

    def give_up(reason: str) -> Answer:
        """The model's output cannot be served: the extractive answer if configured, else a refusal."""
        if cfg.fallback_extractive:
            return extractive_answer(reason)
        notes.append(reason)
        return done(REFUSAL_TEXT, [], True)

    if not hits:
        notes.append("no article matched the question")
        yield done(REFUSAL_TEXT, [], True)
        return
    missing = _missing_terms(standalone, ix, hits)
    if missing:
        notes.append(f"the articles never mention: {'、'.join(missing)}")
        yield done(REFUSAL_TEXT, [], True)
        return
    if model is None:
        yield extractive_answer(None)
        return

    ctx, excerpts = _fit_context(ranked, hits, model, cfg.context_tokens)
    msgs = [SystemMessage(prompts.SYSTEM), HumanMessage(prompts.user_prompt(standalone, ctx, excerpts))]
    raw, shown, finish = "", 0, None
    try:
        for chunk in model.stream(msgs):
            finish = (getattr(chunk, "response_metadata", None) or {}).get("finish_reason") or finish
            raw += str(chunk.content)
            at = raw.find("答案")
            if at >= 0:
                start = at + 3 if raw[at + 2:at + 3] in "：:" else at + 2
                if len(raw) > start + shown:
                    delta = raw[start + shown:]
                    shown += len(delta)
                    yield delta
    except RagError:
        raise
    except Exception as e:  # noqa: BLE001 - API/llama errors become one clear message
        if str(getattr(model, "_llm_type", "")).startswith("openai"):
            err = describe_api_error(e, getattr(model, "openai_api_base", None) or cfg.api_base)
        else:
            err = BackendError(f"the language model failed: {type(e).__name__}: {e}")
        if not cfg.fallback_extractive:
            raise err from e
        yield extractive_answer(f"{err}; answered extractively")
        return
    timings["generate_only_ms"] = (time.perf_counter() - t1) * 1000
    # numbers only: last_stats also says whether the cached prefix was restored
    timings.update({k: v for k, v in (getattr(model, "last_stats", None) or {}).items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)})
    if finish in ("length", "time_limit"):
        # a draft cut off by the token or time limit may end mid-number ("达4" for 4600)
        yield give_up(f"the model's answer was cut off ({finish})")
        return
    p = parse(raw)
    if p.says_unanswerable:
        notes.append("the model found no answer in the sources")
        yield done(REFUSAL_TEXT, [], True)
        return
    cites: list[Citation] = []
    for quote, nums in p.quotes:
        loc = locate_quote(quote, nums, ctx)
        if loc is None:
            notes.append(f"dropped a quote not found in the sources: {quote[:40]}")
            continue
        h, a, b = loc
        if not quote_is_relevant(standalone, h.text[a:b]):
            notes.append(f"dropped a quote unrelated to the question: {h.text[a:b][:40]}")
            continue
        elsewhere = _names_elsewhere(standalone, ix, h, a, b)
        if elsewhere:
            notes.append(f"dropped a quote from a passage that never names {'、'.join(elsewhere)}")
            continue
        cites.append(make_citation(len(cites) + 1, h, a, b))
    cites = _renumber(cites)
    if cites and p.answer and answer_supported(p.answer, [c.quote for c in cites]):
        text = with_units(p.answer, cites[0].quote)
        yield done(text + "".join(f"[{c.n}]" for c in cites), cites, False)
        return
    if cites and not p.answer:
        yield done(f"{cites[0].quote}[1]", cites[:1], False)
        return
    yield give_up("the model's answer was not supported by a verified quote")


def answer(question: str, *, history: History = None, k: int | None = None, llm=None,
           index: Index | None = None, date_from: str | None = None, date_to: str | None = None) -> Answer:
    """Answer a question from the indexed articles, with verified citations or a refusal."""
    final = None
    for item in answer_stream(question, history=history, k=k, llm=llm, index=index,
                              date_from=date_from, date_to=date_to):
        if isinstance(item, Answer):
            final = item
    assert final is not None
    return final
