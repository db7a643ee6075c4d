"""Grands thèmes: themes grouped a level above, as a practitioner structures a synthesis.

Themes are merged by Ward's method weighted by their sizes: the merge that least increases the
within-group variance of the segments, each theme standing at its centroid with as many
segments as it holds (Ward's own criterion, restricted to whole themes). Unweighted Ward on the
centroids treats a theme of 30 segments like one of 500 and joins small themes to whichever big
one lies nearest: on the meeting reports (bench/themes.py, 4 declared themes, each half of the
régions, seeds 42 and 7) weighting raised the grands thèmes' NMI from 0.38-0.44 to 0.43-0.45
on both halves; average and complete linkage on the centroids did not (0.37-0.44).

The tree is cut where the segments, labelled by their group, are best separated (silhouette,
cosine, on at most `SAMPLE` segments). A synthesis is organised in a handful of parts: between
2 groups and the square root of the number of themes (rounded up), and at most `MAX_GROUPS`.
A part that holds most of
the synthesis structures nothing: cuts whose largest group keeps more than `MAX_SHARE` of the
themed segments are taken only when no other cut is possible (a rule of reading, not a figure
tuned on data).
"""

from __future__ import annotations

import math

import numpy as np

SAMPLE = 3000  # segments the silhouette is computed on (it is quadratic in their number)
MAX_SHARE = 0.6
# A synthesis reads in a handful of parts, whatever the number of themes: at most this many
# grands thèmes. Themes are no longer fewer in a smaller corpus (issue 21), so the square root
# of their number alone let 170 themes of the meeting reports make 10 parts. Measured there
# (bench/themes.py --by-region-half, seed 42, grands thèmes against the 4 declared meeting
# themes): all régions 0.457 with or without the limit; the two halves 0.394 and 0.383 without
# it, 0.420 and 0.388 with 6 (5: 0.420 and 0.417). A rule of reading, checked, not fitted.
MAX_GROUPS = 6


def group_ids(n_groups: int) -> list[str]:
    return [f"G{g + 1:02d}" for g in range(n_groups)]


def group_themes(x: np.ndarray, labels: np.ndarray, centroids: np.ndarray,
                 *, seed: int, max_groups: int | None = None) -> np.ndarray:
    """The group of each theme (0 .. n_groups - 1, numbered by size then first theme).

    `x` holds the segments in the theme space, `labels` their theme (-1: outside any theme),
    `centroids` the themes' unit centroids in that space.
    """
    from sklearn.metrics import pairwise_distances, silhouette_score

    k = len(centroids)
    if k <= 2:
        return np.zeros(k, dtype=int)
    inside = np.flatnonzero(labels >= 0)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(inside, size=min(SAMPLE, len(inside)), replace=False))
    best: tuple[bool, float, np.ndarray] | None = None
    themed = labels[inside]
    most = min(k - 1, math.ceil(math.sqrt(k)), max_groups or MAX_GROUPS)
    cuts = weighted_ward(centroids, np.bincount(themed, minlength=k), up_to=most)
    # The sample's distances once for every cut, not once per cut (same scores).
    distances = pairwise_distances(x[sample], metric="cosine")
    for g in range(2, most + 1):
        of_theme = cuts[g]
        found = of_theme[labels[sample]]
        if len(np.unique(found)) < 2:
            continue
        balanced = np.bincount(of_theme[themed]).max() <= MAX_SHARE * len(themed)
        score = float(silhouette_score(distances, found, metric="precomputed"))
        if best is None or (balanced, score) > (best[0], best[1] + 1e-9):
            best = (balanced, score, of_theme)
    if best is None:
        return np.zeros(k, dtype=int)
    return _renumbered(best[2], labels)


def weighted_ward(centroids: np.ndarray, sizes: np.ndarray,
                  up_to: int | None = None) -> dict[int, np.ndarray]:
    """Ward's agglomeration of points that carry weights: {number of groups: group of each
    point}, for every number of groups from 1 to `up_to` (default: len(centroids)).

    The cost of merging groups a and b is n_a n_b / (n_a + n_b) * |c_a - c_b|^2 (the increase
    of the within-group sum of squares), updated after each merge by the Lance-Williams formula
    (O(k^2) a merge, not O(k^2 d): hundreds of themes are grouped in a fraction of a second);
    deterministic, ties broken by the lowest indices.
    """
    c = np.asarray(centroids, dtype=np.float64)
    n = np.maximum(np.asarray(sizes, dtype=np.float64), 1.0)
    k = len(c)
    up_to = k if up_to is None else up_to
    of = np.arange(k)
    active = np.ones(k, dtype=bool)
    cuts = {k: of.copy()} if k <= up_to else {}
    if k < 2:
        return cuts
    g = c @ c.T
    sq = np.maximum(np.diag(g)[:, None] + np.diag(g)[None, :] - 2 * g, 0.0)
    cost = n[:, None] * n[None, :] / (n[:, None] + n[None, :]) * sq
    cost[np.tril_indices(k)] = np.inf
    for remaining in range(k - 1, 0, -1):
        i, j = (int(v) for v in np.unravel_index(int(np.argmin(cost)), cost.shape))
        others = np.flatnonzero(active)
        others = others[(others != i) & (others != j)]
        d_i = np.where(others < i, cost[others, i], cost[i, others])
        d_j = np.where(others < j, cost[others, j], cost[j, others])
        merged = ((n[i] + n[others]) * d_i + (n[j] + n[others]) * d_j
                  - n[others] * cost[i, j]) / (n[i] + n[j] + n[others])
        low = others < i
        cost[others[low], i] = merged[low]
        cost[i, others[~low]] = merged[~low]
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        n[i] += n[j]
        active[j] = False
        of[of == j] = i
        if remaining <= up_to:
            cuts[remaining] = np.unique(of, return_inverse=True)[1]
    return cuts


def _renumbered(of_theme: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Groups numbered by number of segments (desc), then by their first theme."""
    sizes = np.bincount(of_theme[labels[labels >= 0]], minlength=of_theme.max() + 1)
    first = [int(np.flatnonzero(of_theme == g)[0]) for g in range(of_theme.max() + 1)]
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], first[g]))
    rank = {g: r for r, g in enumerate(order)}
    return np.array([rank[g] for g in of_theme], dtype=int)
