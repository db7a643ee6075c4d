"""The map's 2-D projection of the theme space, and the sample of points the browser draws.

The plane is the PCA of the theme centroids (the two directions along which the themes differ
most), computed on the vectors the themes were found with; every segment is projected on it. A
PCA, not UMAP: UMAP takes minutes for 100,000 segments on 2 cores, the PCA a fraction of a
second, and segments of one theme stay around their centroid. With fewer than 3 themes, the
plane is the PCA of the segments themselves. The result is cached in the store's `projection`
table, keyed by the vectors' fingerprint and the theme assignment, so a restart reads it back.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from corpus.vectors import unit

MAP_POINTS = 6000  # points drawn at most: enough to see every theme, light for the browser
SEED = 0


def _fingerprint(api) -> str | None:
    """The fingerprint the themes were found with, else the one with the most vectors."""
    found = api.tables.fingerprints()
    if found.empty:
        return None
    themed = found[found["themes"].fillna(False).astype(bool)]
    return str((themed if len(themed) else found)["fingerprint"].iloc[0])


def _plane(x: np.ndarray, ok: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                      str]:
    """(mean, 2 axes) of the PCA of theme centroids, or of the rows with < 3 themes.

    Centroids are summed through a sparse one-hot product: no copy of the 100,000 rows.
    """
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import PCA

    use = np.flatnonzero(ok & (labels != ""))
    codes, themes = pd.factorize(labels[use])
    if len(themes) >= 3:
        onehot = csr_matrix((np.ones(len(use), dtype=np.float32), (codes, use)),
                            shape=(len(themes), len(x)))
        basis = unit(np.asarray(onehot @ np.where(ok[:, None], x, 0), dtype=np.float64))
        method = "pca-centroides"
    else:
        rows = np.flatnonzero(ok)
        basis = np.asarray(x[np.sort(np.random.default_rng(SEED).permutation(rows)[:5000])],
                           dtype=np.float64)
        method = "pca-segments"
    if min(basis.shape) < 2:
        return basis.mean(axis=0), np.eye(2, x.shape[1]), method
    # Exact SVD; scikit-learn fixes each axis's sign (largest coordinate positive).
    pca = PCA(n_components=2, svd_solver="full").fit(basis)
    return pca.mean_, pca.components_, method


def compute(api) -> pd.DataFrame:
    """segment_id, x, y, method for every segment (index order)."""
    meta = api.index().meta
    fp = _fingerprint(api)
    x = api.vectors(fp) if fp else np.zeros((len(meta), 0), dtype=np.float32)
    if x.shape[1] == 0 or np.isnan(x).all():
        x = api.vectors()  # the query embedder's, embedded on need
    ok = ~np.isnan(x).any(axis=1)
    labels = meta["theme_id"].fillna("").to_numpy(dtype=object)
    xy = np.zeros((len(meta), 2))
    method = "aucun"
    if ok.sum() >= 2:
        mean, axes, method = _plane(x, ok, labels)
        axes32 = axes.T.astype(np.float32)
        xy = np.where(ok[:, None], x @ axes32 - (mean @ axes.T).astype(np.float32), 0.0)
    return pd.DataFrame({"segment_id": meta["segment_id"], "x": xy[:, 0].astype(np.float32),
                         "y": xy[:, 1].astype(np.float32), "method": method})


def projection(api) -> pd.DataFrame:
    """The cached projection, computed and stored when the store changed since."""
    index = api.index()
    fp = _fingerprint(api) or "aucun"
    key = hashlib.sha256(repr(index.version).encode()).hexdigest()[:16]
    cached = api.tables.projection(fp, key)
    if len(cached) == len(index.meta) and (
        cached["segment_id"].to_numpy() == index.meta["segment_id"].to_numpy()
    ).all():
        return cached
    frame = compute(api)
    api.tables.save_projection(fp, key, frame)
    return frame


def _frame(values: np.ndarray) -> tuple[float, float]:
    """The map's extent on one axis: all but the 0.5 % most outlying points on each side
    (a few far points would otherwise squeeze every theme into a corner), plus a margin."""
    if not len(values):
        return 0.0, 1.0
    low, high = np.percentile(values, [0.5, 99.5]) if len(values) >= 200 else (
        values.min(), values.max())
    margin = 0.04 * ((high - low) or 1.0)
    return float(low - margin), float(high + margin)


class MapData:
    """The projection and a fixed random order of the segments, to sample any selection."""

    def __init__(self, api):
        self.version = api.index().version
        frame = projection(api)
        self.x = frame["x"].to_numpy(dtype=np.float64)
        self.y = frame["y"].to_numpy(dtype=np.float64)
        self.method = str(frame["method"].iloc[0]) if len(frame) else "aucun"
        self.rank = np.random.default_rng(SEED).permutation(len(frame))
        self.bounds = [*_frame(self.x), *_frame(self.y)]

    def sample(self, keep: np.ndarray, n: int | None = None) -> np.ndarray:
        """Rows of the selection to draw: all of them, or a fixed random `n` of them."""
        n = MAP_POINTS if n is None else n
        rows = np.flatnonzero(keep)
        if len(rows) > n:
            rows = rows[np.argsort(self.rank[rows], kind="stable")[:n]]
        return np.sort(rows)
