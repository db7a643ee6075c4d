"""How segments are grouped into themes, once placed in the theme space (`themes.space`).

- `cluster_plan` / `notes_plan` size every parameter to the corpus (tuned values: `Settings`);
- `MicroAgglomerative` (BERTopic's clustering step) cuts a Ward tree of k-means micro-clusters
  and combines several seeded partitions with `consensus`;
- `renumber`, `reduce_outliers` and `mark_outliers` keep unassigned segments under the limit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corpus.config import Settings
from corpus.vectors import unit

# -- clustering --------------------------------------------------------------------------------


def cluster_plan(n: int, settings: Settings | None = None) -> dict[str, Any]:
    """Space, reduction and clustering parameters for a corpus of `n` segments.

    Tuned values come from `settings` (see `corpus.config.Settings`); `settings.extra` may
    override any of them (benchmarks sweep them that way).
    """
    settings = settings or Settings()
    plan: dict[str, Any] = {
        # Dominant directions removed from the embeddings: "auto" removes 2 when the vectors
        # crowd in a cone (mean pairwise cosine >= 0.5, e5: 0.84), none otherwise (USE: 0.07).
        "n_directions": "auto",
        "lexical_weight": settings.themes_lexical_weight,
        "lsa_components": int(min(100, max(2, n // 4))),
        "context_weight": settings.themes_context_weight,
        "context_max_median": settings.themes_context_max_median,
        "reducer": "pca",
        "n_components": int(min(20, max(2, n // 8))),
        "n_micro": int(min(200, max(8, round(2 * np.sqrt(n))))),
        "k_min": next(k for size, k in settings.themes_k_min_by_size if n >= size),
        "k_max": settings.themes_k_max,
        "consensus_runs": settings.themes_consensus_runs,
        "outlier_floor": settings.themes_outlier_floor,
    }
    plan.update({k[len("themes_"):]: v for k, v in settings.extra.items()
                 if k.startswith("themes_")})
    return plan


def notes_plan(plan: dict[str, Any], frame: pd.DataFrame, settings: Settings | None) -> None:
    """Atelier notes (long documents, many subjects each) get finer, embedding-only themes.

    One event's 20 ateliers each bring their own problématique: the jump rule alone merged
    most of the sample into one catch-all theme, and the lemma block pulled generic bullets
    together (see `Settings.themes_notes_segments_per_theme`). Summaries and survey answers
    (short documents) keep the plan tuned on them. Explicit `settings.extra` overrides win.
    """
    settings = settings or Settings()
    lengths = frame["doc_id"].value_counts()
    if len(lengths) == 0 or float(np.median(lengths)) <= plan["context_max_median"]:
        return
    if "themes_lexical_weight" not in settings.extra:
        plan["lexical_weight"] = 0.0
    if "themes_k_min" not in settings.extra:
        per_theme = len(frame) // settings.themes_notes_segments_per_theme
        plan["k_min"] = max(plan["k_min"], min(settings.themes_notes_k_min_cap, per_theme))


class MicroAgglomerative:
    """k-means micro-clusters merged by Ward agglomeration; the number of themes is chosen.

    The tree of micro-cluster centres is cut at the largest relative jump between successive
    merge heights, with between `k_min` and `k_max` themes: the data decides, not a fixed k.

    One such partition depends on its k-means seed (document NMI 0.38-0.45 over six seeds on
    the Grand Débat meetings). `n_runs` partitions, with seeds `seed`, `seed + 1000`, ..., are
    combined into their consensus: each segment is encoded by the themes it got in every run,
    and a weighted k-means on those codes, with the runs' median number of themes, finds the
    partition that disagrees least with all of them (Topchy, Jain and Punch 2005). Measured
    with five runs: NMI 0.43-0.47 over the same six seeds, mean 0.457; the whole themes stage
    takes about 7 s on 6,500 segments and 114 s on 100,000 (`bench/themes.py --seeds ...`,
    `--scale 100000`).
    Follows scikit-learn: `fit` sets `labels_` and `n_themes_`.
    """

    def __init__(self, *, n_micro: int, seed: int, k_min: int = 2, k_max: int = 60,
                 n_runs: int = 1):
        self.n_micro = n_micro
        self.seed = seed
        self.k_min = k_min
        self.k_max = k_max
        self.n_runs = n_runs

    def fit(self, x: np.ndarray, y: Any = None) -> MicroAgglomerative:
        runs = [self._partition(x, self.seed + 1000 * r) for r in range(max(1, self.n_runs))]
        if len(runs) == 1:
            self.labels_, self.n_themes_ = runs[0]
            return self
        k = int(np.median([k for _, k in runs]))
        self.labels_ = consensus(np.stack([labels for labels, _ in runs], axis=1), k, self.seed)
        self.n_themes_ = int(self.labels_.max()) + 1
        return self

    def _partition(self, x: np.ndarray, seed: int) -> tuple[np.ndarray, int]:
        from sklearn.cluster import AgglomerativeClustering, KMeans

        n_micro = max(1, min(self.n_micro, len(x)))
        micro = KMeans(n_clusters=n_micro, n_init=3, random_state=seed).fit(x)
        centres = micro.cluster_centers_
        # The last merges join near-identical micro-clusters: their ratios are noise.
        k_max = min(self.k_max, n_micro - 1, max(self.k_min, n_micro // 2))
        if k_max < max(2, self.k_min):
            return micro.labels_.astype(int), n_micro
        tree = AgglomerativeClustering(n_clusters=1, linkage="ward", compute_distances=True)
        heights = np.sort(tree.fit(centres).distances_)[::-1]  # heights[j]: j+2 -> j+1 themes
        # Keeping k themes leaves out the merge k -> k-1 (heights[k-2]) after doing k+1 -> k.
        jumps = {k: heights[k - 2] / max(heights[k - 1], 1e-12)
                 for k in range(max(2, self.k_min), k_max + 1)}
        # Parsimony: the fewest themes whose jump is within 5% of the largest.
        best = max(jumps.values())
        k = min(j for j, v in jumps.items() if v >= 0.95 * best)
        top = AgglomerativeClustering(n_clusters=k, linkage="ward").fit(centres)
        return top.labels_[micro.labels_].astype(int), k


def consensus(runs: np.ndarray, k: int, seed: int) -> np.ndarray:
    """The partition into `k` groups closest to all columns of `runs` (one partition each).

    Rows with the same labels in every run are one weighted point; points are one-hot codes
    of their labels, so squared distance counts the runs that disagree. Labels are numbered
    by first appearance, which makes the result independent of k-means' own numbering.
    """
    from sklearn.cluster import KMeans

    codes, inverse, counts = np.unique(runs, axis=0, return_inverse=True, return_counts=True)
    inverse = np.ravel(inverse)
    k = max(1, min(k, len(codes)))
    if k == len(codes):
        raw = np.arange(len(codes))
    else:
        onehot = np.hstack([codes[:, [j]] == np.unique(codes[:, j])[None, :]
                            for j in range(codes.shape[1])]).astype(np.float64)
        raw = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(
            onehot, sample_weight=counts).labels_
    _, first, dense = np.unique(raw[inverse], return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first))[np.ravel(dense)].astype(int)


# -- outliers ----------------------------------------------------------------------------------


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
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
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
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
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
