"""What every embedder shares: the protocol, the model names, text identity, length batching,
thread count, the error type, and the deterministic fake used by unit tests.

Nothing here imports a heavy library: importing `corpus.embed` loads no model.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from corpus import progress
from corpus.vectors import unit

E5_NAME = "e5-small"
USE_NAME = "use-multilingual"
FAKE_NAME = "fake"


class ModelError(RuntimeError):
    """A model that cannot be provisioned or loaded; the message says what to do."""


@runtime_checkable
class Embedder(Protocol):
    """Texts in, L2-normalised float32 rows out. `fingerprint` changes with weights or config."""

    name: str
    dim: int
    fingerprint: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


# -- text identity -----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def canonical_text(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped: what is embedded and hashed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(text: str) -> str:
    """Content address of a text: sha256 of its canonical form, first 32 hex characters."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()[:32]


# -- batching and threads ----------------------------------------------------------------------


def encode_by_length(
    texts: Sequence[str],
    encode_batch: Callable[[list[str]], np.ndarray],
    *,
    dim: int,
    batch_size: int,
    workers: int = 1,
) -> np.ndarray:
    """Encode in batches of similar length (less padding), then restore the input order.

    The batches depend on the texts and `batch_size` only; `workers` batches run at once, each
    in one call of `encode_batch`. Backends compute a batch on one thread, so that a vector is
    the same bytes whatever the number of threads (a matrix product split over two threads sums
    in another order): the same notes give the same themes on a laptop and on a server.
    """
    out = np.empty((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]

    def one(idx: list[int]) -> tuple[list[int], np.ndarray]:
        return idx, encode_batch([texts[i] for i in idx])

    if workers <= 1 or len(batches) <= 1:
        done = map(one, batches)
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="embed")
        done = pool.map(one, batches)
    for idx, rows in done:  # in batch order, in this thread (the progress tracker's context)
        out[idx] = rows
        progress.advance(len(idx))
    if workers > 1 and len(batches) > 1:
        pool.shutdown()
    return unit(out, dtype=np.float32)


_BLAS = threading.Lock()
_blas_holders = 0
_blas_limits = None


@contextlib.contextmanager
def one_blas_thread():
    """Every BLAS call of the process on one thread while the context is open (`threadpoolctl`).

    Inside it, results do not depend on the machine's cores: OpenBLAS splits a product over its
    threads, and the partial sums of float32 products then round differently (seen here: `X @ X.T`
    of 417 USE vectors differed by 5e-5 between one and two threads, enough for UMAP to draw
    other themes). Safe from several threads at once (the ingest's territories): the limit is
    set by the first to enter and lifted by the last to leave, never while another is inside."""
    global _blas_holders, _blas_limits
    from threadpoolctl import threadpool_limits

    with _BLAS:
        with _any_thread_may_limit():
            limits = threadpool_limits(limits=1, user_api="blas")  # again for each: a library
        if _blas_holders == 0:  # loaded since, or a limit lifted by other code, is held too
            _blas_limits = limits
        _blas_holders += 1
    try:
        yield
    finally:
        with _BLAS:
            _blas_holders -= 1
            if _blas_holders == 0 and _blas_limits is not None:
                with _any_thread_may_limit():
                    _blas_limits.restore_original_limits()
                _blas_limits = None


@contextlib.contextmanager
def _any_thread_may_limit():
    """threadpoolctl 3.8 lets only the first thread that set OpenBLAS's limit change it again
    while that thread lives: the last to leave `one_blas_thread`, often another thread, could
    not lift it (the process then stayed on one thread; seen in CI). Under `_BLAS`, this thread
    takes that right for the change and gives it back after, so that other code's limits work
    (before 3.8 there is no such right: nothing to do)."""
    import threadpoolctl

    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None),
                    "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)
    try:
        yield
    finally:
        if clear is not None:
            clear(force=True)


def same_on_any_machine(func):
    """Decorator: `func` runs inside `one_blas_thread`, so that its numbers (UMAP, HDBSCAN,
    cosines, the orientation model) do not depend on how many cores the machine has."""
    import functools

    @functools.wraps(func)
    def inner(*args, **kwargs):
        with one_blas_thread():
            return func(*args, **kwargs)

    return inner


def _cpu_threads() -> int:
    """Cores this process may use (affinity aware where the OS says so)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    """Compute threads for one embedder: every core this process may use.

    Measured on 2 quiet cores (bench/embed.py, 1,000 segments of 186 characters on average):
    two threads embed twice as fast as one, e5 22.7 vs 11.8 texts/s and USE 240 vs 162. On a
    machine already busy with other work one thread did better (e5 7.0 vs 4.6 texts/s): set
    `CORPUS_THREADS=1` there.
    """
    from corpus.config import environment

    return environment().threads or _cpu_threads()


# -- the fake ----------------------------------------------------------------------------------


class FakeEmbedder:
    """Deterministic character n-gram hashing: near-identical texts get near-identical rows.

    For unit tests: no model, no randomness, microseconds per text. `n_encoded` counts the
    texts it was asked to encode, so tests can see what a cache spared.
    """

    def __init__(self, dim: int = 32, *, ngram: int = 3):
        self.dim = dim
        self.ngram = ngram
        self.name = FAKE_NAME
        self.fingerprint = f"fake-d{dim}-n{ngram}-v1"
        self.n_encoded = 0

    def _row(self, text: str) -> np.ndarray:
        row = np.zeros(self.dim, dtype=np.float32)
        padded = f" {canonical_text(text).lower()} "
        for i in range(max(1, len(padded) - self.ngram + 1)):
            h = zlib.crc32(padded[i : i + self.ngram].encode("utf-8"))
            row[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        if not row.any():
            row[0] = 1.0
        return row

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.n_encoded += len(texts)
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit(np.stack([self._row(t) for t in texts]), dtype=np.float32)
