"""Grouping: HDBSCAN's dense regions, sized to the corpus; outliers kept under their limit."""

import numpy as np

from corpus.config import Settings
from corpus.themes.clustering import (
    DensityThemes,
    cluster_plan,
    min_cluster_size,
    reduce_outliers,
    renumber,
)


def blobs(sizes, dim=5, spread=0.3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), dim)) * 4
    x = np.vstack([c + spread * rng.normal(size=(s, dim))
                   for c, s in zip(centres, sizes, strict=True)])
    return x, np.repeat(np.arange(len(sizes)), sizes)


def test_the_dense_regions_are_the_themes_whatever_their_number():
    for sizes in ([40, 40, 40], [30, 60, 20, 45, 25, 35]):
        x, truth = blobs(sizes)
        found = DensityThemes(min_cluster_size=10).fit(x).labels_
        inside = found >= 0
        assert inside.mean() > 0.9
        assert len(set(found[inside])) == len(sizes)
        # every found theme is one true theme
        for t in set(found[inside]):
            assert len(set(truth[found == t])) == 1


def test_no_theme_holds_more_than_its_share():
    x, _ = blobs([150, 30, 30])
    found = DensityThemes(min_cluster_size=10, max_cluster_share=1 / 3).fit(x).labels_
    assert np.bincount(found[found >= 0]).max() <= len(x) / 3 + 1


def test_the_smallest_theme_grows_with_the_corpus_but_slower():
    s = Settings()
    small, large = min_cluster_size(100, s), min_cluster_size(10_000, s)
    assert 3 <= small < large
    assert large / 10_000 < small / 100  # a smaller share of a larger corpus
    plan = cluster_plan(60, s)
    assert plan["n_neighbors"] <= max(5, plan["min_cluster_size"])


def test_tiny_corpora_make_one_theme():
    assert DensityThemes(min_cluster_size=5).fit(np.eye(3)).labels_.tolist() == [0, 0, 0]


def test_outliers_join_their_nearest_theme_down_to_the_limit():
    x = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [0.7, 0.7], [-1, 0.05]], dtype=float)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, -1, -1])
    out = reduce_outliers(x, labels, max_fraction=0.2, floor=0.99)
    assert (out < 0).sum() == 1  # at most 20% of 6 stay out
    assert out[4] >= 0 and out[5] == -1  # the closer one joined


def test_small_themes_become_outliers_and_the_rest_are_numbered_by_size():
    labels = np.array([5, 5, 2, 2, 2, 9])
    assert renumber(labels, min_size=2).tolist() == [1, 1, 0, 0, 0, -1]
