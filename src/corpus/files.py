"""Whole files: written atomically, fingerprinted by content.

A reader (a scheduler, a researcher's script, a second run) never sees half a file: every
output is written to a temporary sibling and renamed over its target. Digests are sha256 of
bytes or of a JSON rendering, so that the same content always gives the same key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary sibling of `path` to write to; renamed over `path` when the block succeeds,
    removed when it fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def word_list(path: Path | str, build: Callable[[], set[str]], unavailable: str) -> frozenset[str]:
    """The words of a list kept in `path` (one per line), built once by `build` and written
    there; empty, with the warning `unavailable` (the reason is added), if it cannot be built."""
    path = Path(path)
    if not path.exists():
        try:
            words = build()
        except (ImportError, OSError, ValueError) as exc:
            log.warning("%s (%s)", unavailable, exc)
            return frozenset()
        write_atomic(path, ("\n".join(sorted(words)) + "\n").encode("utf-8"))
    return frozenset(path.read_text(encoding="utf-8").split("\n")) - {""}


def write_json(payload: Any, path: Path | str, *, sort_keys: bool = False) -> Path:
    """`payload` as indented UTF-8 JSON (accents kept), written atomically."""
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=sort_keys, default=str)
    return write_atomic(path, (text + "\n").encode("utf-8"))


def sha256_file(path: Path | str, *, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path | str | None) -> str:
    """sha256 of a file's bytes; "" for no path or a missing file."""
    if not path or not Path(path).exists():
        return ""
    return sha256_file(path)


def digest(*parts: Any) -> str:
    """sha256 of the parts' JSON rendering (keys sorted; other objects by `str`)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_digest(roots: tuple[Path, ...], pattern: str = "*.py") -> str:
    """sha256 over the relative paths and bytes of the files matching `pattern` under `roots`."""
    sha = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob(pattern)):
            sha.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            sha.update(path.read_bytes())
    return sha.hexdigest()
