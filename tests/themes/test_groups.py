"""Grands thèmes: themes merged a level above, a handful of balanced parts."""

import numpy as np

from corpus.themes.groups import group_themes, nest
from corpus.vectors import unit


def test_close_themes_share_a_grand_theme():
    rng = np.random.default_rng(0)
    families = rng.normal(size=(3, 16)) * 5
    centres = np.vstack([f + rng.normal(size=(3, 16)) for f in families])  # 9 themes, 3 families
    labels = np.repeat(np.arange(9), 20)
    x = unit(centres[labels] + 0.3 * rng.normal(size=(len(labels), 16)))
    cx = unit(np.vstack([x[labels == t].mean(axis=0) for t in range(9)]))
    groups = group_themes(x, labels, cx, seed=0)
    assert len(set(groups)) == 3
    assert [len(set(groups[3 * f:3 * f + 3])) for f in range(3)] == [1, 1, 1]
    assert group_themes(x, labels, cx, seed=0).tolist() == groups.tolist()


def test_few_themes_make_one_group():
    x = unit(np.eye(4)[[0, 0, 1, 1]] + 0.01)
    assert group_themes(x, np.array([0, 0, 1, 1]), unit(np.eye(4)[:2]), seed=0).tolist() == [0, 0]


def test_a_large_theme_does_not_absorb_its_small_neighbours():
    """Ward weighs each theme by its segments. Two small themes (20 segments) lie at 1.0 and
    2.2 from a large one (500) at 0: the first small theme is nearer the large one (1.0) than
    its small neighbour (1.2), but joining the large theme moves 520 segments' variance, so
    the two small themes join each other first (unweighted Ward on centroids does the
    opposite)."""
    from sklearn.cluster import AgglomerativeClustering

    from corpus.themes.groups import weighted_ward

    centroids = np.array([[0.0, 0.0], [1.0, 0.0], [2.2, 0.0], [12.0, 0.0]])
    cuts = weighted_ward(centroids, np.array([500, 20, 20, 500]))
    assert cuts[3][1] == cuts[3][2] and cuts[3][0] != cuts[3][1] != cuts[3][3]
    plain = AgglomerativeClustering(n_clusters=3, linkage="ward").fit(centroids).labels_
    assert plain[0] == plain[1] and plain[1] != plain[2]
    assert sorted(np.bincount(cuts[4])) == [1, 1, 1, 1]
    assert cuts[1].tolist() == [0, 0, 0, 0]


def test_each_theme_goes_under_the_grand_theme_holding_most_of_its_segments():
    # 5 themes; the coarse partition above them has 2 parts (groups 7 and 3 as found)
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 4])
    parent = np.array([7, 7, 3, 7, 7, 3, 3, -1, 3, 7, 3, 3, 3, 7])
    of_theme = nest(labels, parent)
    # themes 0 and 1 mostly in 7, themes 2 and 4 in 3; theme 3 is a tie: the lower group (3)
    assert of_theme[0] == of_theme[1] != of_theme[2] == of_theme[3] == of_theme[4]
    assert of_theme.tolist() == [1, 1, 0, 0, 0]  # the group with more segments first
    assert nest(np.array([0, 0, 1, -1]), np.array([0, 0, 1, 1])).tolist() == [0, 0]


def test_no_grand_theme_holds_most_of_the_synthesis_when_the_coarse_regions_would():
    """Nested under a coarse partition whose one region spans 7 of 9 themes, one grand thème
    would hold 78 % of the segments; the themes are then grouped themselves (3 families)."""
    from corpus.config import Settings
    from corpus.themes.fit import _grands_themes

    rng = np.random.default_rng(0)
    families = rng.normal(size=(3, 16)) * 5
    centres = np.vstack([f + rng.normal(size=(3, 16)) for f in families])
    labels = np.repeat(np.arange(9), 20)
    x = unit(centres[labels] + 0.3 * rng.normal(size=(len(labels), 16)))
    coarse = np.where(labels < 7, 0, 1)
    of_theme = _grands_themes(x, labels, coarse, 0, Settings())
    shares = np.bincount(of_theme[labels]) / len(labels)
    assert shares.max() <= Settings().themes_group_max_share
    assert [len(set(of_theme[3 * f:3 * f + 3])) for f in range(3)] == [1, 1, 1]
    balanced = np.where(labels < 3, 0, np.where(labels < 6, 1, 2))
    assert _grands_themes(x, labels, balanced, 0, Settings()).tolist() == [
        0, 0, 0, 1, 1, 1, 2, 2, 2]  # nested as before when no part holds most


def test_themes_leave_a_grouping_stuck_where_one_layout_put_them():
    """Four themes at the corners of a long rectangle, grouped bottom / top: each stands nearer
    its own group's centre than the other's, so moving themes one at a time (Lloyd) keeps it,
    though left / right spreads 100 times less. The k-means++ starts find left / right."""
    from corpus.themes.groups import _lloyd, _spread, least_spread

    corners = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    sizes = np.array([30, 30, 30, 30])
    bottom_top = np.array([0, 1, 0, 1])
    w = sizes.astype(float)
    assert _lloyd(corners, w, bottom_top).tolist() == [0, 1, 0, 1]
    assert least_spread(corners, sizes, bottom_top, seed=0, restarts=0).tolist() == [0, 1, 0, 1]
    found = least_spread(corners, sizes, bottom_top, seed=0, restarts=5)
    assert found[0] == found[1] != found[2] == found[3]
    assert _spread(corners, w, found) * 100 <= _spread(corners, w, bottom_top)
    assert least_spread(corners, sizes, bottom_top, seed=0, restarts=5).tolist() == found.tolist()


def test_a_theme_nested_under_the_wrong_coarse_region_joins_its_own_family():
    """Three families of three themes; the coarse regions (one layout) put most of theme 2,
    of the first family, in the region of theme 3, of the second. Nested, it would sit under
    the second family's grand thème; moved to the nearest group, it is back with its family."""
    from corpus.config import Settings
    from corpus.themes.fit import _grands_themes

    rng = np.random.default_rng(0)
    families = rng.normal(size=(3, 16)) * 5
    centres = np.vstack([f + rng.normal(size=(3, 16)) for f in families])
    labels = np.repeat(np.arange(9), 20)
    x = unit(centres[labels] + 0.3 * rng.normal(size=(len(labels), 16)))
    coarse = labels.copy()  # a region per theme, but most of theme 2 in theme 3's
    coarse[np.flatnonzero(labels == 2)[:12]] = 3
    of_theme = _grands_themes(x, labels, coarse, 0, Settings())
    assert [len(set(of_theme[3 * f:3 * f + 3])) for f in range(3)] == [1, 1, 1]
    assert len(set(of_theme)) == 3
