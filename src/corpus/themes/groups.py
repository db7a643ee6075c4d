"""Grands thèmes: themes grouped a level above, as a practitioner structures a synthesis.

Since themes are dense regions of a few segments (issue 21), there are many of them (80 to
120 on each half of the meeting reports' régions), and grouping them directly matched the
declared meeting themes worse (NMI 0.37-0.39, seeds 42 and 7, against 0.41-0.47 nested as
below). The pipeline groups the coarse partition instead (a smallest region grown with the
corpus, `themes.clustering`) with `group_themes`, and `nest` places each theme under the group
holding most of its segments.

Themes are merged by Ward's method weighted by their sizes: the merge that least increases the
within-group variance of the segments, each theme standing at its centroid with as many
segments as it holds (Ward's own criterion, restricted to whole themes). Unweighted Ward on the
centroids treats a theme of 30 segments like one of 500 and joins small themes to whichever big
one lies nearest: on the meeting reports (bench/themes.py, 4 declared themes, each half of the
régions, seeds 42 and 7) weighting raised the grands thèmes' NMI from 0.38-0.44 to 0.43-0.45
on both halves; average and complete linkage on the centroids did not (0.37-0.44).

The tree is cut where the segments, labelled by their group, are best separated (silhouette,
cosine, on at most `Settings.themes_group_silhouette_sample` segments). A synthesis is
organised in a handful of parts: between 2 groups and the square root of the number of themes
(rounded up). A part that holds most of the synthesis structures nothing: cuts whose largest
group keeps more than `Settings.themes_group_max_share` of the themed segments are taken only
when no other cut is possible (a rule of reading, not a figure tuned on data).

The cut fixes how many grands thèmes there are, not which theme goes where: a merge is never
undone, and the coarse regions are those of one UMAP layout (the grands thèmes' NMI moved
from 0.390 to 0.483 with the seed alone). `least_spread` then moves the themes, still weighted,
to the groups of least within-group variance it finds from the cut and from k-means++ starts:
the same criterion, better met (NMI 0.435 -> 0.466 on the meeting reports, six seeds).
"""

from __future__ import annotations

import math

import numpy as np

from corpus.config import default
from corpus.themes.clustering import n_groups


def group_ids(count: int) -> list[str]:
    return [f"G{g + 1:02d}" for g in range(count)]


def group_themes(x: np.ndarray, labels: np.ndarray, centroids: np.ndarray, *, seed: int,
                 sample_size: int = default("themes_group_silhouette_sample"),
                 max_share: float = default("themes_group_max_share")) -> np.ndarray:
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
    sample = np.sort(rng.choice(inside, size=min(sample_size, len(inside)), replace=False))
    best: tuple[bool, float, np.ndarray] | None = None
    themed = labels[inside]
    cuts = weighted_ward(centroids, np.bincount(themed, minlength=k))
    # The sample's distances once for every cut, not once per cut (same scores).
    distances = pairwise_distances(x[sample], metric="cosine")
    for g in range(2, min(k - 1, math.ceil(math.sqrt(k))) + 1):
        of_theme = cuts[g]
        found = of_theme[labels[sample]]
        if len(np.unique(found)) < 2:
            continue
        balanced = np.bincount(of_theme[themed]).max() <= max_share * len(themed)
        score = float(silhouette_score(distances, found, metric="precomputed"))
        if best is None or (balanced, score) > (best[0], best[1] + 1e-9):
            best = (balanced, score, of_theme)
    if best is None:
        return np.zeros(k, dtype=int)
    return renumbered(best[2], labels)


def nest(labels: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """The group of each theme when groups come from another partition: `parent` gives each
    segment's group (-1: none), and a theme goes under the group holding most of its segments
    (ties: the lower group). Numbered as `group_themes` numbers them; two themes or fewer are
    one group, as there."""
    k = n_groups(labels)
    if k <= 2:
        return np.zeros(k, dtype=int)
    of_theme = np.zeros(k, dtype=int)
    for t in range(k):
        inside = parent[(labels == t) & (parent >= 0)]
        of_theme[t] = int(np.bincount(inside).argmax()) if len(inside) else 0
    return renumbered(np.unique(of_theme, return_inverse=True)[1], labels)


def weighted_ward(centroids: np.ndarray, sizes: np.ndarray) -> dict[int, np.ndarray]:
    """Ward's agglomeration of points that carry weights: {number of groups: group of each
    point}, for every number of groups from 1 to len(centroids).

    The cost of merging groups a and b is n_a n_b / (n_a + n_b) * |c_a - c_b|^2 (the increase
    of the within-group sum of squares); deterministic, ties broken by the lowest indices.
    The costs are kept in a matrix and, after each merge, only those of the merged group are
    computed again (the same formula on the same numbers: the same merges as computing every
    pair at every step, which took 404 s for the 806 themes of 30,000 segments).
    """
    c = np.asarray(centroids, dtype=np.float64).copy()
    n = np.maximum(np.asarray(sizes, dtype=np.float64), 1.0)
    k = len(c)
    of = np.arange(k)
    active = np.ones(k, dtype=bool)
    cuts = {k: of.copy()}
    cost = np.full((k, k), np.inf)
    for i in range(k - 1):  # pair (i, j), i < j: row i
        sq = ((c[i] - c[i + 1:]) ** 2).sum(axis=1)
        cost[i, i + 1:] = n[i] * n[i + 1:] / (n[i] + n[i + 1:]) * sq
    # each row's smallest cost and its column: the first row holding the smallest is the
    # matrix's first smallest in reading order (the lowest indices on ties)
    low, at = cost.min(axis=1), cost.argmin(axis=1)
    for remaining in range(k - 1, 0, -1):
        i = int(np.argmin(low))
        j = int(at[i])
        c[i] = (n[i] * c[i] + n[j] * c[j]) / (n[i] + n[j])
        n[i] += n[j]
        active[j] = False
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        others = np.flatnonzero(active)
        others = others[others != i]
        sq = ((c[i] - c[others]) ** 2).sum(axis=1)
        merged = n[others] * n[i] / (n[others] + n[i]) * sq
        before, after = others < i, others > i
        rows, values = others[before], merged[before]
        cost[rows, i] = values
        cost[i, others[after]] = merged[after]
        lower = (values < low[rows]) | ((values == low[rows]) & (i < at[rows]))
        low[rows[lower]], at[rows[lower]] = values[lower], i
        stale = np.flatnonzero(((at == i) | (at == j)) & active)
        stale = np.union1d(stale, [i])
        low[stale], at[stale] = cost[stale].min(axis=1), cost[stale].argmin(axis=1)
        low[j] = np.inf
        of[of == j] = i
        cuts[remaining] = np.unique(of, return_inverse=True)[1]
    return cuts


def renumbered(of_theme: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Groups numbered by number of segments (desc), then by their first theme."""
    sizes = np.bincount(of_theme[labels[labels >= 0]], minlength=of_theme.max() + 1)
    first = [int(np.flatnonzero(of_theme == g)[0]) for g in range(of_theme.max() + 1)]
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], first[g]))
    rank = {g: r for r, g in enumerate(order)}
    return np.array([rank[g] for g in of_theme], dtype=int)


def least_spread(centroids: np.ndarray, sizes: np.ndarray, start: np.ndarray, *, seed: int,
                 restarts: int = default("themes_group_restarts"),
                 budget: int = default("themes_group_restart_budget"),
                 max_share: float = default("themes_group_max_share")) -> np.ndarray:
    """The themes' groups, as many as in `start`, with the least within-group variance found.

    Ward's tree merges once and never moves a theme again, and the nested cut inherits the
    coarse regions of one UMAP layout: both leave themes nearer another group's centre than
    their own. Lloyd's iterations on the themes (each at its centroid, weighted by its
    segments: Ward's own criterion) are run from `start` and from `restarts` k-means++ starts
    (seeded; fewer where `restarts` x themes x groups would pass `budget`), and the partition
    with the least within-group sum of squares is kept, a balanced one first (no group above
    `max_share` of the segments, as in `group_themes`).
    """
    c = np.asarray(centroids, dtype=np.float64)
    w = np.maximum(np.asarray(sizes, dtype=np.float64), 1.0)
    g = int(start.max()) + 1 if len(start) else 0
    if g < 2 or len(c) <= g:
        return start
    rng = np.random.default_rng(seed)
    found = [_lloyd(c, w, start)]
    for _ in range(min(restarts, budget // (len(c) * g))):
        found.append(_lloyd(c, w, _plus_plus(c, w, g, rng)))

    def rank(of: np.ndarray) -> tuple[bool, float]:
        share = np.bincount(of, weights=w).max() / w.sum()
        return share > max_share, _spread(c, w, of)

    return min(found, key=rank)  # the first of equals: `start`'s own refinement


def _lloyd(c: np.ndarray, w: np.ndarray, of: np.ndarray, max_iter: int = 300) -> np.ndarray:
    """Weighted k-means from the partition `of`: groups numbered from 0, those left empty
    dropped."""
    of = np.unique(of, return_inverse=True)[1]
    for _ in range(max_iter):
        centres = _centres(c, w, of)
        near = _squared(c, centres).argmin(axis=1)
        if (near == of).all():
            break
        of = np.unique(near, return_inverse=True)[1]
    return of


def _plus_plus(c: np.ndarray, w: np.ndarray, g: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ (Arthur & Vassilvitskii 2007) on weighted points: the first centre drawn by
    weight, each next one by weight times squared distance to the nearest centre drawn."""
    chosen = [int(rng.choice(len(c), p=w / w.sum()))]
    nearest = _squared(c, c[chosen]).min(axis=1)
    for _ in range(g - 1):
        p = w * nearest
        if p.sum() <= 0:
            break
        chosen.append(int(rng.choice(len(c), p=p / p.sum())))
        nearest = np.minimum(nearest, _squared(c, c[chosen[-1:]])[:, 0])
    return _squared(c, c[chosen]).argmin(axis=1)


def _centres(c: np.ndarray, w: np.ndarray, of: np.ndarray) -> np.ndarray:
    """The weighted mean of each group's points (a product with the weights by group)."""
    weights = np.zeros((int(of.max()) + 1, len(c)))
    weights[of, np.arange(len(c))] = w
    return (weights @ c) / weights.sum(axis=1)[:, None]


def _squared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared distances between the rows of `a` and those of `b` (float64)."""
    return np.maximum((a * a).sum(axis=1)[:, None] - 2.0 * (a @ b.T) + (b * b).sum(axis=1), 0.0)


def _spread(c: np.ndarray, w: np.ndarray, of: np.ndarray) -> float:
    """The within-group sum of squares of the weighted points."""
    return float((w * ((c - _centres(c, w, of)[of]) ** 2).sum(axis=1)).sum())
