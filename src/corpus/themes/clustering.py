"""How segments are grouped into themes, once placed in the theme space (`themes.space`).

- `cluster_plan` gathers the parameters (tuned values: `Settings`);
- `DensityThemes` (BERTopic's clustering step) is HDBSCAN on the reduced space, run twice on
  the same reduction. Themes are the dense regions of a few segments or more that persist
  (excess of mass): their number and sizes come from the data's structure, not from its size,
  so a distinct concern raised a dozen times is a theme beside subjects of hundreds. The
  coarse partition (a smallest region that grows with the corpus, no region above a share of
  it) is the level above: it places the themes in grands thèmes (`themes.groups.nest`);
- `renumber`, `reduce_outliers` and `mark_outliers` keep unassigned segments under the limit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corpus.config import Settings
from corpus.vectors import unit


def min_cluster_size(n: int, settings: Settings) -> int:
    """The smallest region of the coarse partition (the grands thèmes' base), in segments:
    grows as `scale * n ** exponent` (at least 3)."""
    scale, exponent = settings.themes_min_cluster_scale, settings.themes_min_cluster_exponent
    return max(3, round(scale * n**exponent))


def cluster_plan(n: int, settings: Settings | None = None) -> dict[str, Any]:
    """Space, reduction and clustering parameters for a corpus of `n` segments.

    Tuned values come from `settings` (see `corpus.config.Settings`); benchmarks sweep them
    with `settings.with_(...)`. The themes' own parameters do not grow with `n`: a theme is a
    dense region of a few segments, however large the corpus around it.
    """
    settings = settings or Settings()
    plan: dict[str, Any] = {
        # Dominant directions removed from the embeddings: "auto" removes some when the vectors
        # crowd in a cone, none otherwise (`Settings.themes_cone_directions`).
        "n_directions": "auto",
        "lexical_weight": settings.themes_lexical_weight,
        "lsa_components": int(min(100, max(2, n // 4))),
        "context_weight": settings.themes_context_weight,
        "context_max_median": settings.themes_context_max_median,
        # UMAP's neighbourhood is at most a tenth of a small corpus (at least 5): with 15
        # neighbours, 36 segments on 3 subjects of 12 made 2 themes (tests/themes/test_fit.py).
        # From 150 segments on (every subsample the constants were tuned on) it is 15.
        "n_neighbors": int(min(settings.themes_umap_neighbors, max(5, n // 10), max(2, n - 1))),
        "n_components": settings.themes_umap_components,
        "n_epochs": settings.themes_umap_epochs if n >= settings.themes_umap_epochs_from else None,
        "exact_neighbours_max": settings.themes_exact_neighbours_max,
        # A corpus of a few dozen segments (the answers to one feedback question) cannot hold
        # regions of `themes_min_cluster_size`: there the smallest theme is a sixth of it, at
        # least 3. From 6 × that size on, it is fixed whatever the corpus.
        "min_cluster_size": int(max(3, min(settings.themes_min_cluster_size, n // 6))),
        "min_samples": settings.themes_min_samples,
        "cluster_epsilon": settings.themes_cluster_epsilon,
        "coarse_min_cluster_size": min_cluster_size(n, settings),
        "max_cluster_share": settings.themes_max_cluster_share,
        "outlier_floor": settings.themes_outlier_floor,
        "selection": "eom",
    }
    return plan


class DensityThemes:
    """HDBSCAN (excess of mass) on the reduced space: the dense regions that persist.

    `min_cluster_size` is the smallest region, `min_samples` the neighbours its density is
    read from (HDBSCAN's default: `min_cluster_size`). A region is not split below `epsilon`
    (HDBSCAN's `cluster_selection_epsilon`, in the reduction's units): two parts of one dense
    blob closer than that stay one theme. No region holds more than `max_cluster_share` of the
    corpus (1.0: no limit). Segments in no dense region get label -1 (assigned later to their
    nearest theme, within the outlier limit). A corpus too small for two themes is one theme.
    Follows scikit-learn: `fit` sets `labels_`.
    """

    def __init__(self, *, min_cluster_size: int, min_samples: int | None = None,
                 epsilon: float = 0.0, max_cluster_share: float = 1.0, selection: str = "eom"):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.epsilon = epsilon
        self.max_cluster_share = max_cluster_share
        self.selection = selection

    def fit(self, x: np.ndarray, y: Any = None) -> DensityThemes:
        from hdbscan import HDBSCAN

        n = len(x)
        size = max(2, min(self.min_cluster_size, n // 2))
        if n < 4:
            self.labels_ = np.zeros(n, dtype=int)
            return self
        largest = int(self.max_cluster_share * n)
        samples = min(self.min_samples, size) if self.min_samples else None
        model = HDBSCAN(min_cluster_size=size, min_samples=samples, metric="euclidean",
                        cluster_selection_method=self.selection,
                        cluster_selection_epsilon=float(self.epsilon),
                        max_cluster_size=largest if size < largest < n else 0,
                        # Its default, 4 processes for the core distances, held some 1.6 GB at
                        # 100,000 segments and ran slower than one here (2 cores: 13.4 s
                        # against 9.6 s on 100,000 points; the same labels).
                        core_dist_n_jobs=1)
        labels = model.fit(np.asarray(x, dtype=np.float64)).labels_.astype(int)
        self.labels_ = labels if (labels >= 0).any() else np.zeros(n, dtype=int)
        return self


# -- outliers ----------------------------------------------------------------------------------


def n_groups(labels: np.ndarray) -> int:
    """Groups numbered 0..k-1 in `labels` (-1: none): k."""
    return int(labels.max()) + 1 if (np.asarray(labels) >= 0).any() else 0


def centroids(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, x.shape[1]))
    for t in range(k):
        out[t] = x[labels == t].mean(axis=0)
    return unit(out)


def reduce_outliers(x: np.ndarray, labels: np.ndarray, *, max_fraction: float,
                    floor: float) -> np.ndarray:
    """Give outliers their nearest theme when close enough, and always enough of them that
    at most `max_fraction` stay unassigned (the closest first)."""
    labels = labels.copy()
    outliers = np.flatnonzero(labels < 0)
    k = n_groups(labels)
    if not len(outliers) or not k:
        return labels
    sims = x[outliers] @ centroids(x, labels, k).T
    best, score = sims.argmax(axis=1), sims.max(axis=1)
    must = max(0, len(outliers) - int(np.floor(max_fraction * len(labels))))
    order = sorted(range(len(outliers)), key=lambda j: (-round(float(score[j]), 6), outliers[j]))
    for rank, j in enumerate(order):
        if rank < must or score[j] >= floor:
            labels[outliers[j]] = best[j]
    return labels


def renumber(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Themes smaller than `min_size` become outliers; the rest are numbered by size desc,
    then by position of their first segment (segments are sorted by id)."""
    out = np.full(len(labels), -1)
    groups = [(int(c), np.flatnonzero(labels == c)) for c in np.unique(labels) if c >= 0]
    groups = [(c, idx) for c, idx in groups if len(idx) >= min_size]
    groups.sort(key=lambda g: (-len(g[1]), int(g[1][0])))
    for new, (_, idx) in enumerate(groups):
        out[idx] = new
    return out


def mark_outliers(x: np.ndarray, labels: np.ndarray, frame: pd.DataFrame, *, floor: float,
                   max_fraction: float) -> np.ndarray:
    """Segments without content words, or further than `floor` from their theme, become
    outliers: never more than `max_fraction` of them (the furthest first)."""
    labels = labels.copy()
    k = n_groups(labels)
    if not k:
        return labels
    closeness = np.einsum("ij,ij->i", x, centroids(x, labels, k)[np.maximum(labels, 0)])
    empty = frame["lemmas"].fillna("").str.strip().eq("").to_numpy()
    closeness = np.where(empty, -2.0, closeness)
    weak = np.flatnonzero((closeness < floor) & (labels >= 0))
    budget = int(np.floor(max_fraction * len(labels))) - int((labels < 0).sum())
    weak = sorted(weak, key=lambda i: (round(float(closeness[i]), 6), i))[: max(0, budget)]
    labels[weak] = -1
    return labels
