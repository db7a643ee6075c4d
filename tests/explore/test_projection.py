"""The map's plane: the PCA of the theme centroids, the same on every machine."""

import numpy as np

from corpus.explore.projection import _plane


def test_plane_axes_have_a_fixed_sign_and_follow_the_themes():
    rng = np.random.default_rng(3)
    centres = np.eye(8)[:4] * 3
    labels = np.repeat(np.array(["T1", "T2", "T3", "T4"], dtype=object), 25)
    x = (centres[np.repeat(np.arange(4), 25)] + 0.05 * rng.standard_normal((100, 8)))
    mean, axes, method = _plane(x.astype(np.float32), np.ones(100, bool), labels)
    assert method == "pca-centroides" and axes.shape == (2, 8)
    assert np.allclose(axes @ axes.T, np.eye(2), atol=1e-9)
    # scikit-learn's rule: each axis's largest coordinate is positive (no sign left to LAPACK)
    assert (axes[np.arange(2), np.abs(axes).argmax(axis=1)] > 0).all()
    again = _plane(-x.astype(np.float32)[::-1], np.ones(100, bool), labels[::-1])[1]
    assert np.allclose(np.abs(again), np.abs(axes), atol=1e-6)
    assert (again[np.arange(2), np.abs(again).argmax(axis=1)] > 0).all()
