"""The content-addressed embedding cache (corpus.embed.cache) on a real DuckDB store."""

from __future__ import annotations

import numpy as np
import pytest

from corpus.embed import FakeEmbedder, embed_cached, load_embedder


def test_second_pass_embeds_nothing(store, segments):
    emb = FakeEmbedder()
    stats: dict[str, int] = {}
    first = embed_cached(emb, segments, store, stats=stats)
    assert stats == {"texts": 6, "unique": 6, "cached": 0, "computed": 6}
    assert store.counts()["embeddings"] == 6
    second = embed_cached(emb, segments, store, stats=stats)
    assert stats["computed"] == 0 and stats["cached"] == 6
    assert emb.n_encoded == 6
    np.testing.assert_allclose(second, first, atol=1e-6)
    np.testing.assert_allclose(first, emb.encode(segments), atol=1e-6)


def test_grown_corpus_embeds_only_new_texts(store, segments):
    emb = FakeEmbedder()
    embed_cached(emb, segments[:4], store)
    stats: dict[str, int] = {}
    rows = embed_cached(emb, segments, store, stats=stats)
    assert stats["cached"] == 4 and stats["computed"] == 2
    assert emb.n_encoded == 6
    np.testing.assert_allclose(rows, emb.encode(segments), atol=1e-6)


def test_duplicates_and_spacing_variants_are_embedded_once(store, segments):
    emb = FakeEmbedder()
    texts = [segments[0], "  " + segments[0].replace(" ", "  "), segments[1], segments[0]]
    stats: dict[str, int] = {}
    rows = embed_cached(emb, texts, store, stats=stats)
    assert stats == {"texts": 4, "unique": 2, "cached": 0, "computed": 2}
    assert rows.shape == (4, emb.dim)
    np.testing.assert_array_equal(rows[0], rows[1])
    np.testing.assert_array_equal(rows[0], rows[3])


def test_another_fingerprint_does_not_reuse_vectors(store, segments):
    embed_cached(FakeEmbedder(dim=32), segments, store)
    stats: dict[str, int] = {}
    rows = embed_cached(FakeEmbedder(dim=16), segments, store, stats=stats)
    assert stats["computed"] == len(segments) and rows.shape == (len(segments), 16)


def test_without_store_and_empty_input(segments):
    emb = FakeEmbedder()
    stats: dict[str, int] = {}
    assert embed_cached(emb, [], None, stats=stats).shape == (0, emb.dim)
    assert stats["computed"] == 0
    rows = embed_cached(emb, segments, None, stats=stats)
    assert stats["computed"] == len(segments) and rows.shape == (len(segments), emb.dim)


def test_vectors_are_stored_chunk_by_chunk(store, segments):
    emb = FakeEmbedder()
    calls: list[int] = []
    put = store.vectors.put
    store.vectors.put = lambda fp, vecs: calls.append(len(vecs)) or put(fp, vecs)
    embed_cached(emb, segments, store, chunk_size=4)
    assert calls == [4, 2]
    assert store.counts()["embeddings"] == len(segments)



def test_a_store_that_cannot_write_fails_the_embedding(store, segments):
    """Rounds are written while the next is embedded: a failed write still reaches the caller."""

    def broken(fp, vecs):
        raise OSError("disque plein")

    store.vectors.put = broken
    with pytest.raises(OSError, match="disque plein"):
        embed_cached(FakeEmbedder(), segments, store, chunk_size=4)


def test_rounds_embedded_before_a_failure_are_stored(store, segments):
    """An embedder that fails on its second round: the first round's vectors are in the store,
    and the next run embeds only the rest."""

    class FailsLater(FakeEmbedder):
        def encode(self, texts):
            if self.n_encoded:
                raise RuntimeError("modèle interrompu")
            return super().encode(texts)

    with pytest.raises(RuntimeError, match="interrompu"):
        embed_cached(FailsLater(), segments, store, chunk_size=4)
    assert store.counts()["embeddings"] == 4
    stats: dict[str, int] = {}
    embed_cached(FakeEmbedder(), segments, store, stats=stats, chunk_size=4)
    assert stats["cached"] == 4 and stats["computed"] == len(segments) - 4

@pytest.mark.slow
def test_real_cache_second_pass_computes_nothing_and_is_identical(store, segments, models_dir):
    """Timing of the cached pass: bench/embed.py ("relance en cache")."""
    emb = load_embedder("e5-small", models_dir=models_dir)
    stats: dict[str, int] = {}
    first = embed_cached(emb, segments, store, stats=stats)
    assert stats["computed"] == len(segments)
    second = embed_cached(emb, segments, store, stats=stats)
    assert stats["computed"] == 0 and stats["cached"] == len(segments)
    np.testing.assert_allclose(second, first, atol=1e-6)
