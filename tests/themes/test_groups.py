"""Grands thèmes: themes merged a level above, a handful of balanced parts."""

import numpy as np

from corpus.themes.groups import group_themes
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
