"""Themes: BERTopic on precomputed embeddings, with French terms and stable theme ids.

`fit_themes` groups segments about the same subject across ateliers and territories. It never
lets BERTopic load a model: the embeddings are computed by `corpus.embed` and passed in, and the
reduction, clustering and vectorizer are explicit, seeded and sized to the corpus:

- embeddings are centred and their dominant directions removed ("all-but-the-top"): e5 and USE
  vectors share a common direction that lines up with text length, not with the subject;
- PCA (small corpora) or UMAP (larger ones) with `random_state=seed`, then agglomerative
  clustering of k-means micro-clusters, cut where merging would join unrelated groups
  (HDBSCAN's defaults give 0-3 topics on a few hundred segments);
- segments far from every theme stay unassigned, but at most `Settings.max_outlier_fraction`;
- c-TF-IDF on the segmentation stage's lemmas (1-2 grams, French and domain stop words), terms
  re-ranked by closeness to the theme and diversified (see `corpus.theme_labels`), a short
  French label;
- themes are numbered by size, then by smallest segment id; matched to the registry and to
  seed problématiques (`corpus.theme_registry`) so that a theme seen before keeps its id.

The input order does not matter: segments are sorted by `segment_id` before anything is fitted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corpus import theme_labels, theme_registry
from corpus.config import Settings
from corpus.records import ORIENTATIONS

log = logging.getLogger(__name__)

REQUIRED = ("segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "text")
N_REPRESENTATIVES = 5
SCORE_DIGITS = 4


@dataclass
class ThemeResult:
    """What `fit_themes` found: per-segment assignments, themes.json entries, centroids."""

    assignments: pd.DataFrame  # segment_id, theme_id (None: outlier), theme_label, theme_score
    themes: list[dict[str, Any]]  # sorted by theme_id, ready for themes.json
    centroids: dict[str, np.ndarray]  # theme_id -> unit vector in the embedder's own space
    info: dict[str, Any] = field(default_factory=dict)  # parameters chosen for this corpus


# -- embeddings --------------------------------------------------------------------------------


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)


def clustering_space(embeddings: np.ndarray, *, n_directions: int = 2) -> np.ndarray:
    """Centre, remove the `n_directions` dominant directions, renormalise (all-but-the-top).

    The directions come from an exact SVD of the centred matrix (no randomness).
    """
    x = np.asarray(embeddings, dtype=np.float64)
    x = x - x.mean(axis=0)
    d = min(n_directions, max(0, min(x.shape) - 2))
    if d:
        _, _, vt = np.linalg.svd(x[:: max(1, len(x) // 20000)], full_matrices=False)
        top = vt[:d]
        x = x - (x @ top.T) @ top
    return _unit(x)


# -- clustering --------------------------------------------------------------------------------


def cluster_plan(n: int) -> dict[str, Any]:
    """Reduction and clustering parameters for a corpus of `n` segments."""
    return {
        "reducer": "pca" if n < 1000 else "umap",
        "n_components": 5 if n >= 1000 else min(20, max(2, n // 10)),
        "n_neighbors": 15,
        "n_micro": int(min(n, max(8, round(2 * np.sqrt(n))))),
    }


def _reducer(plan: dict[str, Any], n: int, dim: int, seed: int):
    if plan["reducer"] == "umap":
        from umap import UMAP

        return UMAP(n_neighbors=min(plan["n_neighbors"], n - 1), n_components=plan["n_components"],
                    min_dist=0.0, metric="cosine", random_state=seed, n_jobs=1)
    from sklearn.decomposition import PCA

    return PCA(n_components=min(plan["n_components"], n - 1, dim), svd_solver="full",
               random_state=seed)


class MicroAgglomerative:
    """k-means micro-clusters merged by average-linkage agglomeration with a distance cut.

    The number of themes follows from the data: merging stops where the next merge would
    join groups whose centroids are further apart than `cut` standard deviations of the
    merge heights. Follows scikit-learn: `fit` sets `labels_`.
    """

    def __init__(self, *, n_micro: int, seed: int, cut: float = 1.0):
        self.n_micro = n_micro
        self.seed = seed
        self.cut = cut

    def fit(self, x: np.ndarray, y: Any = None) -> MicroAgglomerative:
        from sklearn.cluster import AgglomerativeClustering, KMeans

        n = len(x)
        k = max(1, min(self.n_micro, n))
        micro = KMeans(n_clusters=k, n_init=3, random_state=self.seed).fit(x)
        centres = micro.cluster_centers_
        if k <= 2:
            self.labels_ = micro.labels_.astype(int)
            return self
        tree = AgglomerativeClustering(n_clusters=1, linkage="ward", compute_distances=True)
        tree.fit(centres)
        heights = np.sort(tree.distances_)
        threshold = float(heights.mean() + self.cut * heights.std())
        top = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold,
                                      linkage="ward").fit(centres)
        self.labels_ = top.labels_[micro.labels_].astype(int)
        return self


# -- outliers ----------------------------------------------------------------------------------


def _centroids(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, x.shape[1]))
    for t in range(k):
        out[t] = x[labels == t].mean(axis=0)
    return _unit(out)


def reduce_outliers(x: np.ndarray, labels: np.ndarray, *, max_fraction: float,
                    floor: float) -> np.ndarray:
    """Give outliers their nearest theme when close enough, and always enough of them that
    at most `max_fraction` stay unassigned (the closest first)."""
    labels = labels.copy()
    outliers = np.flatnonzero(labels < 0)
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    if not len(outliers) or not k:
        return labels
    sims = x[outliers] @ _centroids(x, labels, k).T
    best, score = sims.argmax(axis=1), sims.max(axis=1)
    must = max(0, len(outliers) - int(np.floor(max_fraction * len(labels))))
    order = sorted(range(len(outliers)), key=lambda j: (-round(float(score[j]), 6), outliers[j]))
    for rank, j in enumerate(order):
        if rank < must or score[j] >= floor:
            labels[outliers[j]] = best[j]
    return labels


def _renumber(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Themes smaller than `min_size` become outliers; the rest are numbered by size desc,
    then by position of their first segment (segments are sorted by id)."""
    out = np.full(len(labels), -1)
    groups = [(int(c), np.flatnonzero(labels == c)) for c in np.unique(labels) if c >= 0]
    groups = [(c, idx) for c, idx in groups if len(idx) >= min_size]
    groups.sort(key=lambda g: (-len(g[1]), int(g[1][0])))
    for new, (_, idx) in enumerate(groups):
        out[idx] = new
    return out
