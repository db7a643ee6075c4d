"""Grands thèmes: themes grouped a level above, as a practitioner structures a synthesis.

Theme centroids are merged by Ward's method, and the tree is cut where the segments, labelled
by their group, are best separated (silhouette, cosine, on at most `SAMPLE` segments). A
synthesis is organised in a handful of parts: between 2 groups and the square root of the
number of themes (rounded up). A part that holds most of the synthesis structures nothing: cuts
whose largest group keeps more than `MAX_SHARE` of the themed segments are taken only when no
other cut is possible (a rule of reading, not a figure tuned on data).
"""

from __future__ import annotations

import math

import numpy as np

SAMPLE = 3000  # segments the silhouette is computed on (it is quadratic in their number)
MAX_SHARE = 0.6


def group_ids(n_groups: int) -> list[str]:
    return [f"G{g + 1:02d}" for g in range(n_groups)]


def group_themes(x: np.ndarray, labels: np.ndarray, centroids: np.ndarray,
                 *, seed: int) -> np.ndarray:
    """The group of each theme (0 .. n_groups - 1, numbered by size then first theme).

    `x` holds the segments in the theme space, `labels` their theme (-1: outside any theme),
    `centroids` the themes' unit centroids in that space.
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    k = len(centroids)
    if k <= 2:
        return np.zeros(k, dtype=int)
    inside = np.flatnonzero(labels >= 0)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(inside, size=min(SAMPLE, len(inside)), replace=False))
    best: tuple[bool, float, np.ndarray] | None = None
    themed = labels[inside]
    for g in range(2, min(k - 1, math.ceil(math.sqrt(k))) + 1):
        of_theme = AgglomerativeClustering(n_clusters=g, linkage="ward").fit(centroids).labels_
        found = of_theme[labels[sample]]
        if len(np.unique(found)) < 2:
            continue
        balanced = np.bincount(of_theme[themed]).max() <= MAX_SHARE * len(themed)
        score = float(silhouette_score(x[sample], found, metric="cosine"))
        if best is None or (balanced, score) > (best[0], best[1] + 1e-9):
            best = (balanced, score, of_theme)
    if best is None:
        return np.zeros(k, dtype=int)
    return _renumbered(best[2], labels)


def _renumbered(of_theme: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Groups numbered by number of segments (desc), then by their first theme."""
    sizes = np.bincount(of_theme[labels[labels >= 0]], minlength=of_theme.max() + 1)
    first = [int(np.flatnonzero(of_theme == g)[0]) for g in range(of_theme.max() + 1)]
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], first[g]))
    rank = {g: r for r, g in enumerate(order)}
    return np.array([rank[g] for g in of_theme], dtype=int)
