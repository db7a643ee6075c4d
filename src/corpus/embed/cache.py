"""The content-addressed embedding cache: a text is embedded once per embedder fingerprint.

Vectors are keyed by (`Embedder.fingerprint`, `text_hash`) in the store's `vectors` table, so a
second run, or a grown corpus, embeds only the texts it has never seen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING

import numpy as np

from corpus import progress
from corpus.embed.base import Embedder, canonical_text, text_hash

if TYPE_CHECKING:
    from corpus.store import Store

log = logging.getLogger(__name__)

# Texts embedded, then stored, per round: a crash loses at most one round. An embedder may say
# its own (`cache_chunk`: about the same time of work for a faster one).
CACHE_CHUNK = 2048


def embed_cached(
    embedder: Embedder,
    texts: Sequence[str],
    store: Store | None = None,
    *,
    stats: dict[str, int] | None = None,
    chunk_size: int | None = None,
) -> np.ndarray:
    """Rows for `texts` in input order, embedding only unique texts the store does not hold.

    Texts are keyed by (`embedder.fingerprint`, `text_hash`); new vectors are stored chunk by
    chunk. `stats`, when given, receives {"texts", "unique", "cached", "computed"} (unique texts
    found in the store vs embedded now). The model is loaded before the texts are counted
    (a step of its own in the log), so that the embedding's rate is the embedder's.
    """
    keys = [text_hash(t) for t in texts]
    unique: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        unique.setdefault(key, text)
    vectors: dict[str, np.ndarray] = (
        store.vectors.get(embedder.fingerprint, list(unique))
        if store is not None and unique
        else {}
    )
    n_cached = len(vectors)
    missing = [k for k in unique if k not in vectors]
    chunk_size = chunk_size or getattr(embedder, "cache_chunk", CACHE_CHUNK)
    load = getattr(embedder, "load", None)
    if missing and load is not None:
        with progress.step(f"chargement de {embedder.name}", 1, "modèle"):
            load()
    with (progress.track(f"plongements {embedder.name}", total=len(missing), unit="textes")
          if missing else nullcontext()):
        for start in range(0, len(missing), chunk_size):
            chunk = missing[start : start + chunk_size]
            rows = embedder.encode([canonical_text(unique[k]) for k in chunk])
            new = dict(zip(chunk, rows, strict=True))
            if store is not None:
                store.vectors.put(embedder.fingerprint, new)
            vectors.update(new)
    out = (
        np.stack([vectors[k] for k in keys]).astype(np.float32, copy=False)
        if keys
        else np.zeros((0, embedder.dim), dtype=np.float32)
    )
    counts = {
        "texts": len(texts),
        "unique": len(unique),
        "cached": n_cached,
        "computed": len(missing),
    }
    log.info(
        "embeddings %s : %d textes (%d uniques), %d en cache, %d calculés",
        embedder.name,
        counts["texts"],
        counts["unique"],
        counts["cached"],
        counts["computed"],
    )
    if stats is not None:
        stats.update(counts)
    return out
