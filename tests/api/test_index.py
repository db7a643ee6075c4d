"""The segments in memory: vectors embedded once, then read back from the store."""

from store_inputs import make_store

import corpus
from corpus.embed import FakeEmbedder


def test_vectors_are_computed_once_then_read_from_the_store(tmp_path):
    store = make_store(tmp_path / "corpus.duckdb")
    embedder = FakeEmbedder()
    corpus.open(store.path, embedder=embedder).query("délais de financement")
    assert embedder.n_encoded == 20 + 1  # every segment, then the question
    again = corpus.open(store.path, embedder=embedder)  # a new process: the snapshot is read
    again.query("garages solidaires", territory="haute-provence")
    assert embedder.n_encoded == 20 + 2  # only the new question
    assert store.counts()["embeddings"] == 20
    assert again.vectors().shape == (20, embedder.dim)
