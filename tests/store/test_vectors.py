"""The embedding cache: vectors by embedder fingerprint and text hash."""

import numpy as np

from corpus.store import Store


def test_vectors_cache_round_trip(tmp_path):
    store = Store(tmp_path / "c.duckdb")
    vec = {"a": np.array([0.6, 0.8], dtype=np.float32), "b": np.array([1, 0], dtype=np.float32)}
    assert store.vectors.put("fp", vec) == 2
    assert store.vectors.put("fp", vec) == 0
    got = store.vectors.get("fp", ["a", "c"])
    assert list(got) == ["a"] and np.allclose(got["a"], [0.6, 0.8])
    assert store.vectors.get("other", ["a"]) == {}
