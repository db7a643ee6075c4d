"""Themes, the grouping half: the space segments are grouped in, and how they are grouped.

Used by `corpus.themes.fit_themes` (which also names, counts and matches the themes):

- `AllButTheTop` centres embeddings and removes their dominant directions;
- `cluster_plan` / `notes_plan` size every parameter to the corpus;
- `theme_space` adds a lemma LSA block and, for short documents, the document's context;
- `MicroAgglomerative` (BERTopic's clustering step) cuts a Ward tree of k-means micro-clusters
  and combines several seeded partitions with `consensus`;
- `renumber`, `reduce_outliers` and `mark_outliers` keep unassigned segments under the limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus import theme_labels
from corpus.config import Settings

# -- embeddings --------------------------------------------------------------------------------


def unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)


class AllButTheTop:
    """Centre, remove the dominant directions, renormalise ("all-but-the-top").

    e5 and USE vectors share a common direction that lines up with text length, not with the
    subject. The directions are the covariance's top eigenvectors (exact, no randomness).
    Follows scikit-learn: `fit` learns `mean_` and `directions_`, `transform` applies them.
    """

    def __init__(self, n_directions: int = 2):
        self.n_directions = n_directions

    def fit(self, x: np.ndarray) -> AllButTheTop:
        x = np.asarray(x, dtype=np.float64)
        self.mean_ = x.mean(axis=0)
        d = min(self.n_directions, max(0, min(x.shape) - 2))
        centred = x - self.mean_
        # Eigenvectors of the covariance (dim x dim): exact, and fast for 100,000 rows.
        values, vectors = np.linalg.eigh(centred.T @ centred)
        top = vectors[:, np.argsort(-values, kind="stable")[:d]].T
        signs = np.sign(top[np.arange(d), np.abs(top).argmax(axis=1)]) if d else 1.0
        self.directions_ = top * np.reshape(signs, (-1, 1)) if d else np.zeros((0, x.shape[1]))
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64) - self.mean_
        return unit(x - (x @ self.directions_.T) @ self.directions_)


# -- clustering --------------------------------------------------------------------------------


def cluster_plan(n: int, settings: Settings | None = None) -> dict[str, Any]:
    """Space, reduction and clustering parameters for a corpus of `n` segments.

    `settings.extra` may override any of them (benchmarks sweep them that way).
    """
    plan: dict[str, Any] = {
        # Dominant directions removed from the embeddings: "auto" removes 2 when the vectors
        # crowd in a cone (mean pairwise cosine >= 0.5, e5: 0.84), none otherwise (USE: 0.07).
        "n_directions": "auto",
        "lexical_weight": 1.0,  # weight of the lemma LSA block next to the embedding
        "lsa_components": int(min(100, max(2, n // 4))),
        "context_weight": 0.5,  # share of a segment's vector taken from its document's mean
        "context_max_median": 8,  # ... when documents have at most this many segments (median)
        "reducer": "pca",
        "n_components": int(min(20, max(2, n // 8))),
        "n_micro": int(min(200, max(8, round(2 * np.sqrt(n))))),
        "k_min": 4 if n >= 200 else 3 if n >= 30 else 2,
        "k_max": 60,
        "consensus_runs": 5,  # partitions (k-means seeds) combined into the themes
        "outlier_floor": 0.05,
    }
    extra = settings.extra if settings is not None else {}
    plan.update({k[len("themes_"):]: v for k, v in extra.items() if k.startswith("themes_")})
    return plan


def notes_plan(plan: dict[str, Any], frame: pd.DataFrame, settings: Settings | None) -> None:
    """Atelier notes (long documents, many subjects each) get finer, embedding-only themes.

    One event's 20 ateliers each bring their own problématique: the jump rule alone merged
    most of the sample into one catch-all theme, and the lemma block pulled generic bullets
    together. Measured on the sample démarche (417 segments): largest theme 234 segments with
    the defaults, 71 with these. Summaries and survey answers (short documents) keep the plan
    tuned on them. Explicit `settings.extra` overrides still win.
    """
    lengths = frame["doc_id"].value_counts()
    if len(lengths) == 0 or float(np.median(lengths)) <= plan["context_max_median"]:
        return
    extra = settings.extra if settings is not None else {}
    if "themes_lexical_weight" not in extra:
        plan["lexical_weight"] = 0.0
    if "themes_k_min" not in extra:
        plan["k_min"] = max(plan["k_min"], min(15, len(frame) // 40))


def lsa(lemmas: Sequence[str], n_components: int, seed: int) -> np.ndarray:
    """Rows of a TF-IDF of lemmas reduced by truncated SVD (seeded), unit length."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                                 stop_words=list(theme_labels.stop_words()), sublinear_tf=True,
                                 min_df=theme_labels.min_df_for(len(lemmas)))
    try:
        tfidf = vectorizer.fit_transform(lemmas)
    except ValueError:  # no term survives the stop words
        return np.zeros((len(lemmas), 0))
    c = min(n_components, tfidf.shape[1] - 1, len(lemmas) - 1)
    if c < 2:
        return np.zeros((len(lemmas), 0))
    z = TruncatedSVD(n_components=c, random_state=seed).fit_transform(tfidf)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.where(norms > 0, z / np.maximum(norms, 1e-12), 0.0)


def theme_space(e: np.ndarray, frame: pd.DataFrame, plan: dict[str, Any], seed: int) -> np.ndarray:
    """The space themes are found in: embedding, lemma LSA block, document context."""
    parts = [e]
    if plan["lexical_weight"] > 0:
        block = lsa(frame["lemmas"].fillna("").tolist(), plan["lsa_components"], seed)
        parts.append(plan["lexical_weight"] * block)
    h = unit(np.hstack(parts))
    doc = pd.factorize(frame["doc_id"].astype(str))[0]
    lengths = np.bincount(doc)
    # Short documents (survey answers, meeting summaries) speak of one subject: a segment is
    # read in their light. Long notes (an atelier's) cover several subjects: left alone.
    if plan["context_weight"] > 0 and np.median(lengths) <= plan["context_max_median"]:
        sums = np.zeros((len(lengths), h.shape[1]))
        np.add.at(sums, doc, h)
        a = np.where(lengths[doc] > 1, plan["context_weight"], 0.0)[:, None]
        h = unit((1 - a) * h + a * unit(sums)[doc])
    return h


def reducer(plan: dict[str, Any], n: int, dim: int, seed: int):
    if plan["reducer"] == "umap":
        from umap import UMAP

        return UMAP(n_neighbors=min(15, n - 1), n_components=plan["n_components"],
                    min_dist=0.0, metric="cosine", random_state=seed, n_jobs=1)
    from sklearn.decomposition import PCA

    return PCA(n_components=min(plan["n_components"], n - 1, dim),
               svd_solver="covariance_eigh" if n > dim else "full", random_state=seed)


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
