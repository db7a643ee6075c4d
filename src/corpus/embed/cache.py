"""The content-addressed embedding cache: a text is embedded once per embedder fingerprint.

Vectors are keyed by (`Embedder.fingerprint`, `text_hash`) in the store's `vectors` table, so a
second run, or a grown corpus, embeds only the texts it has never seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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


class _Writer:
    """Each round's vectors stored in a thread of their own while the next round is embedded
    (100,000 segments: 9 s of writes, each round opening the store and checkpointing it). One
    round at most is being written; leaving waits for it and raises what it raised, so that a
    round embedded is a round stored, as when the writes waited their turn."""

    def __init__(self, store: Store | None, fingerprint: str):
        self.store, self.fingerprint = store, fingerprint
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future | None = None

    def __enter__(self) -> Callable[[dict[str, np.ndarray]], None]:
        return self.write

    def write(self, vectors: dict[str, np.ndarray]) -> None:
        if self.store is None:
            return
        self.wait()
        if self.pool is None:
            self.pool = ThreadPoolExecutor(1, thread_name_prefix="vectors")
        self.pending = self.pool.submit(self.store.vectors.put, self.fingerprint, vectors)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __exit__(self, *exc) -> None:
        try:
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown()


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
          if missing else nullcontext()), _Writer(store, embedder.fingerprint) as write:
        for start in range(0, len(missing), chunk_size):
            chunk = missing[start : start + chunk_size]
            rows = embedder.encode([canonical_text(unique[k]) for k in chunk])
            new = dict(zip(chunk, rows, strict=True))
            write(new)
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
