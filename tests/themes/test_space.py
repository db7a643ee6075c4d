"""The theme space's exact neighbours: the same as a brute-force search, itself first."""

import numpy as np
from sklearn.neighbors import NearestNeighbors

from corpus.themes.space import neighbours


def test_neighbours_are_the_exact_cosine_neighbours():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(700, 24)).astype(np.float32)
    idx, dist = neighbours(x, 9)
    ref_dist, ref_idx = NearestNeighbors(n_neighbors=9, metric="cosine",
                                         algorithm="brute").fit(x).kneighbors(x)
    assert (idx[:, 0] == np.arange(700)).all() and (dist[:, 0] == 0).all()
    assert np.array_equal(idx, ref_idx)
    assert np.allclose(dist, ref_dist, atol=1e-5)
    assert np.array_equal(neighbours(x, 9)[0], idx)


def test_duplicates_and_tiny_inputs():
    x = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    idx, dist = neighbours(x, 5)
    assert idx.shape == (3, 3)
    assert idx[:, 0].tolist() == [0, 1, 2]
    assert idx[0].tolist() == [0, 1, 2] and idx[1].tolist() == [1, 0, 2]
    assert np.allclose(dist[0], [0.0, 0.0, 1.0])


def test_ties_at_the_last_place_go_to_the_lower_indices():
    """Segments written the same (« Oui. », a repeated heading) are tied neighbours: which of
    them a segment keeps does not depend on how the selection algorithm falls."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]] + [[1.0, 0.0]] * 40, dtype=np.float32)
    idx, dist = neighbours(x, 3)
    assert idx[0].tolist() == [0, 3, 4]
    assert idx[42].tolist() == [42, 0, 3]
    assert idx[3].tolist() == [3, 0, 4]
    assert idx[1].tolist() == [1, 2, 0]
    assert np.allclose(dist[0], 0.0)
