"""Stable theme ids: which new theme continues which known one."""

import numpy as np

from corpus.themes.registry import Known, match


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _cos(deg):
    return _unit(np.cos(np.radians(deg)), np.sin(np.radians(deg)), 0.0)


KNOWN = [Known("T001", _cos(0), ("mobilité",), False),
         Known("T002", _cos(90), ("numérique",), False)]


def test_close_themes_keep_their_ids_one_to_one():
    centroids = np.stack([_cos(10), _cos(80)])  # cosines 0.98 with T001 and T002
    found = match(centroids, [[], []], KNOWN, threshold=0.8, floor=0.7)
    assert {i: k.theme_id for i, k in found.items()} == {0: "T001", 1: "T002"}


def test_mutual_nearest_above_the_floor_is_the_same_theme():
    centroids = np.stack([_cos(42), _unit(0.0, 0.0, 1.0)])  # cosine 0.74 with T001, 0.67 T002
    found = match(centroids, [[], []], KNOWN, threshold=0.8, floor=0.7)
    assert {i: k.theme_id for i, k in found.items()} == {0: "T001"}
    assert match(centroids, [[], []], KNOWN, threshold=0.8) == {}  # no floor: threshold only


def test_below_the_threshold_a_theme_that_is_not_the_nearest_stays_new():
    # 0 is T001's nearest (0.98); 1 lies at 0.77 of T001 but T001 is taken by a nearer theme,
    # and at 0.64 of T002, below the floor.
    centroids = np.stack([_cos(10), _cos(40)])
    found = match(centroids, [[], []], KNOWN, threshold=0.8, floor=0.7)
    assert {i: k.theme_id for i, k in found.items()} == {0: "T001"}
