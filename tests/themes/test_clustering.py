"""Grouping: HDBSCAN's dense regions of a few segments at any corpus size, a coarse partition
above them that grows with the corpus; outliers kept under their limit."""

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


def _fine(x, plan):
    return DensityThemes(min_cluster_size=plan["min_cluster_size"],
                         min_samples=plan["min_samples"], epsilon=plan["cluster_epsilon"],
                         max_cluster_share=plan["max_cluster_share"]).fit(x).labels_


def test_a_small_distinct_subject_is_a_theme_beside_big_ones_whatever_the_corpus_size():
    s = Settings()
    for big in (100, 1000):
        x, truth = blobs([big, big, 10], seed=1)
        found = _fine(x, cluster_plan(len(x), s))
        small = found[truth == 2]
        assert (small >= 0).mean() >= 0.8, big  # the 10 segments are found...
        theme = np.bincount(small[small >= 0]).argmax()
        assert set(truth[found == theme]) == {2}, big  # ...as a theme of their own
        # the former rule (a smallest theme grown with the corpus) lost it at 1,000
    coarse = DensityThemes(min_cluster_size=min_cluster_size(2010, s)).fit(x).labels_
    assert (coarse[truth == 2] < 0).all() or len(set(truth[coarse == coarse[-1]])) > 1
    assert cluster_plan(300, s)["min_cluster_size"] == cluster_plan(100_000, s)["min_cluster_size"]
    assert min_cluster_size(300, s) < min_cluster_size(100_000, s)  # the level above grows


def test_a_broad_catch_all_is_split_into_its_concerns():
    """Three concerns of 60 segments side by side (a broad region, as one coarse theme sees
    them) and a distant subject: the themes are the three concerns, each on its own."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0] * 5, [3.0] + [0.0] * 4, [1.5, 2.6] + [0.0] * 3,
                        [30.0] + [0.0] * 4])
    x = np.vstack([c + 0.4 * rng.normal(size=(60, 5)) for c in centres])
    truth = np.repeat(np.arange(4), 60)
    found = _fine(x, cluster_plan(len(x), Settings()))
    broad = DensityThemes(min_cluster_size=70).fit(x).labels_
    assert len(set(broad[truth < 3])) == 1  # seen from above, one catch-all
    for concern in range(3):
        inside = found[truth == concern]
        theme = np.bincount(inside[inside >= 0]).argmax()
        assert (inside == theme).mean() >= 0.8
        assert set(truth[found == theme]) == {concern}


def test_two_parts_closer_than_epsilon_stay_one_theme():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0] * 5, [1.5] + [0.0] * 4, [20.0] + [0.0] * 4])
    x = np.vstack([c + 0.2 * rng.normal(size=(60, 5)) for c in centres])
    split = DensityThemes(min_cluster_size=8, min_samples=3).fit(x).labels_
    kept = DensityThemes(min_cluster_size=8, min_samples=3, epsilon=3.0).fit(x).labels_
    assert len(set(split[split >= 0])) == 3
    assert len(set(kept[kept >= 0])) == 2
    assert len(set(kept[:120])) == 1


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
