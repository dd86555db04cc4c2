"""Index storage: FAISS vectors, jieba-BM25 postings, the SQLite chunk store, and the
generation directory that commits them together atomically. No pickle anywhere."""
from .bm25 import BM25Store
from .chunkstore import ChunkStore
from .faiss_store import FaissStore
from .generations import Generations

__all__ = ["BM25Store", "ChunkStore", "FaissStore", "Generations"]
