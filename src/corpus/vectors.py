"""Unit vectors: the one normalisation every stage shares (embeddings, centroids, terms)."""

from __future__ import annotations

import numpy as np


def unit(rows: np.ndarray, *, dtype=np.float64) -> np.ndarray:
    """Rows (or one vector) scaled to unit length; an all-zero row stays zero."""
    rows = np.asarray(rows, dtype=dtype)
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), dtype(1e-12))


def mean_direction(rows: np.ndarray) -> np.ndarray:
    """The unit vector of the rows' mean (a centroid on the sphere)."""
    return unit(np.asarray(rows, dtype=np.float64).mean(axis=0))
