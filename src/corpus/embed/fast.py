"""The query embedder without torch: e5-small exported once to ONNX, run by onnxruntime.

Importing sentence-transformers (torch, transformers) takes about 6 s here; onnxruntime and
tokenizers import in 0.2 s. `corpus models build` exports `models/e5-small` (mean pooling
included) to `models/e5-small-onnx/model.onnx`, fp32, beside its tokenizer. The word embedding
table (250,000 x 384, 80 % of the weights) is kept out of the graph, in a memory-mapped
`word_embeddings.npy`: the session loads in a fraction of the time, and a query reads only the
rows of its tokens. The ONNX embedder
carries the fingerprint of the folder it was exported from, so that the segments' cached
vectors are reused: it gives the same vectors (cosine at least 0.999, checked in
tests/embed/test_fast.py). When the export is absent or stale, `load_query_embedder` falls
back to sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.embed.base import E5_NAME, Embedder, ModelError, default_threads, encode_by_length

log = logging.getLogger(__name__)

ONNX_DIR = "e5-small-onnx"
BATCH_SIZE = 32
LAYOUT = "inputs-embeds-v2"  # what the folder holds; a new layout re-exports
SLIM = "tokenizer-latin.json"
SLIM_IDS = "tokenizer-latin-ids.npy"


def _latin(char: str) -> bool:
    """Characters of French text: Latin scripts, general punctuation, the word marker."""
    code = ord(char)
    return code < 0x250 or 0x2000 <= code <= 0x206F or char in "▁€ "


def slim_tokenizer(full: dict) -> tuple[dict, np.ndarray]:
    """The tokenizer restricted to pieces written in `_latin` characters, and their ids.

    The Unigram tokenizer only uses pieces that occur in the text it cuts: for a text whose
    normalised characters are all `_latin`, the slim tokenizer gives the same pieces (ids
    mapped back through the array). It holds 110,000 pieces of 250,000 and loads four times
    faster (2.5 s against 0.66 s here under load). The lowest-scoring piece is kept too: the
    unknown-piece penalty is computed from it.
    """
    vocab = full["model"]["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    keep = [i for i, (piece, _) in enumerate(vocab)
            if i < 4 or i == lowest or all(_latin(c) for c in piece)]
    slim = {**full, "model": {**full["model"], "vocab": [vocab[i] for i in keep]},
            "added_tokens": [t for t in full["added_tokens"] if t["id"] < 4]}
    return slim, np.asarray(keep, dtype=np.int64)


def _source(models_dir: Path):
    """The sentence-transformers e5 embedder (not loaded: its fingerprint reads the manifest)."""
    from corpus.embed.backends import SentenceTransformerEmbedder
    from corpus.embed.folder import read_manifest

    folder = models_dir / E5_NAME
    manifest = read_manifest(folder) or {}
    return SentenceTransformerEmbedder(folder, name=E5_NAME, prompt=manifest.get("prompt"),
                                       dim=manifest.get("dim"))


def export_onnx(models_dir: Path, *, force: bool = False) -> Path:
    """Export `models/e5-small` to `models/e5-small-onnx` (a no-op when current)."""
    import shutil

    source = _source(models_dir)
    out = models_dir / ONNX_DIR
    info_path = out / "onnx.json"
    if not force and info_path.is_file():
        info = json.loads(info_path.read_text("utf-8"))
        if info.get("fingerprint") == source.fingerprint and info.get("layout") == LAYOUT:
            return out
    import torch
    from transformers import AutoModel

    from corpus.embed.checks import quiet_loading

    with quiet_loading():
        model = AutoModel.from_pretrained(str(source.folder), local_files_only=True).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask):
            hidden = self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask,
                                token_type_ids=torch.zeros_like(attention_mask)
                                ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    table = model.get_input_embeddings().weight.detach().numpy().astype(np.float32)
    np.save(tmp / "word_embeddings.npy", table)
    ids = torch.ones((1, 8), dtype=torch.long)
    embeds = torch.zeros((1, 8, table.shape[1]), dtype=torch.float32)
    axes = {"inputs_embeds": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"}, "pooled": {0: "batch"}}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(model), (embeds, torch.ones_like(ids)),
                          str(tmp / "model.onnx"),
                          input_names=["inputs_embeds", "attention_mask"],
                          output_names=["pooled"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    shutil.copy2(source.folder / "tokenizer.json", tmp / "tokenizer.json")
    slim, ids = slim_tokenizer(json.loads((tmp / "tokenizer.json").read_text("utf-8")))
    (tmp / SLIM).write_text(json.dumps(slim, ensure_ascii=False), "utf-8")
    np.save(tmp / SLIM_IDS, ids)
    max_length = json.loads((source.folder / "sentence_bert_config.json").read_text("utf-8"))
    (tmp / "onnx.json").write_text(json.dumps({
        "fingerprint": source.fingerprint, "prompt": source.prompt, "dim": source.dim,
        "max_length": int(max_length.get("max_seq_length", 512)), "layout": LAYOUT,
    }, indent=1) + "\n", "utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    log.info("e5-small exporté en ONNX dans %s", out)
    return out


class OnnxEmbedder:
    """e5-small through onnxruntime: same `name`, `dim` and `fingerprint` as its source."""

    def __init__(self, folder: Path, *, threads: int | None = None):
        self.folder = Path(folder)
        info = json.loads((self.folder / "onnx.json").read_text("utf-8"))
        self.name = E5_NAME
        self.dim = int(info["dim"])
        self.fingerprint = str(info["fingerprint"])
        self.prompt = str(info.get("prompt") or "")
        self.max_length = int(info.get("max_length", 512))
        self.threads = threads or default_threads()
        self._session: Any = None
        self._slim: Any = None
        self._full: Any = None  # the whole tokenizer, loaded for a text outside `_latin`
        self._lock = threading.Lock()

    def _load(self) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(str(self.folder / "model.onnx"), options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types
            raise ModelError(
                f"{self.folder} : modèle ONNX illisible ({exc}). Correction : "
                "`corpus models build --force`."
            ) from exc
        self._slim = self._tokenizer_from(SLIM)
        self._slim_ids = np.load(self.folder / SLIM_IDS)
        # Memory-mapped: a query reads the rows of its own tokens only.
        self._table = np.load(self.folder / "word_embeddings.npy", mmap_mode="r")

    def _tokenizer_from(self, name: str) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / name))
        tokenizer.enable_truncation(self.max_length)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>") or 0)
        return tokenizer

    def _ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask: the slim tokenizer when every text is `_latin`."""
        normalise = self._slim.normalizer.normalize_str
        if all(_latin(c) for t in texts for c in normalise(t)):
            encoded = self._slim.encode_batch(texts)
            ids = self._slim_ids[np.array([e.ids for e in encoded], dtype=np.int64)]
        else:
            with self._lock:
                if self._full is None:
                    self._full = self._tokenizer_from("tokenizer.json")
            encoded = self._full.encode_batch(texts)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
        return ids, np.array([e.attention_mask for e in encoded], dtype=np.int64)

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        with self._lock:
            if self._session is None:
                self._load()
        ids, mask = self._ids([self.prompt + t for t in batch])
        embeds = np.ascontiguousarray(self._table[ids], dtype=np.float32)
        return self._session.run(["pooled"], {"inputs_embeds": embeds,
                                              "attention_mask": mask})[0]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        return encode_by_length(list(texts), self._encode_batch, dim=self.dim,
                                batch_size=BATCH_SIZE)


def onnx_embedder(models_dir: Path | str | None = None) -> OnnxEmbedder | None:
    """The ONNX export of e5-small when present and exported from the current folder."""
    from corpus.config import Settings

    models_dir = Path(models_dir) if models_dir is not None else Settings().models_dir
    folder = models_dir.expanduser().resolve() / ONNX_DIR
    try:
        info = json.loads((folder / "onnx.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not all((folder / f).is_file()
               for f in ("model.onnx", "word_embeddings.npy", SLIM, SLIM_IDS)):
        return None
    try:
        current = _source(models_dir.expanduser().resolve()).fingerprint
    except (OSError, ValueError):
        return None
    fresh = info.get("fingerprint") == current and info.get("layout") == LAYOUT
    return OnnxEmbedder(folder) if fresh else None


_QUERY: dict[str, Embedder] = {}


def load_query_embedder() -> Embedder:
    """`Settings.embedder_query`: through ONNX when it is e5-small and the export is current."""
    from corpus.config import Settings

    settings = Settings()
    key = f"{settings.embedder_query}:{settings.models_dir}"
    if key not in _QUERY:
        fast = onnx_embedder(settings.models_dir) if settings.embedder_query == E5_NAME else None
        if fast is None:
            from corpus.embed.backends import load_embedder

            _QUERY[key] = load_embedder(settings.embedder_query)
        else:
            _QUERY[key] = fast
    return _QUERY[key]
