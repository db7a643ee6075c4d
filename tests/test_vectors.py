"""Unit vectors: one normalisation for embeddings, centroids and terms."""

import numpy as np

from corpus.vectors import mean_direction, unit


def test_rows_get_unit_length_and_zero_rows_stay_zero():
    rows = unit(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
    assert unit(np.array([3.0, 4.0]), dtype=np.float32).dtype == np.float32


def test_mean_direction_is_the_unit_mean():
    np.testing.assert_allclose(mean_direction(np.array([[1.0, 0.0], [0.0, 1.0]])),
                               [2 ** -0.5, 2 ** -0.5])
