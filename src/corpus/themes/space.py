"""The space themes are found in: embeddings without their dominant directions, a lemma LSA
block, the document's context for short documents, seed guidance, and the reduction.

Follows scikit-learn where something is fitted (`AllButTheTop`); everything is seeded.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus.jit import compiled_once
from corpus.text.french import stop_words
from corpus.themes.terms import min_df_for
from corpus.vectors import unit


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
        if d == 0:  # USE vectors: nothing to remove, no eigendecomposition to pay for
            self.directions_ = np.zeros((0, x.shape[1]))
            return self
        centred = x - self.mean_
        # Eigenvectors of the covariance (dim x dim): exact, and fast for 100,000 rows.
        values, vectors = np.linalg.eigh(centred.T @ centred)
        top = vectors[:, np.argsort(-values, kind="stable")[:d]].T
        signs = np.sign(top[np.arange(d), np.abs(top).argmax(axis=1)])
        self.directions_ = top * np.reshape(signs, (-1, 1))
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64) - self.mean_
        return unit(x - (x @ self.directions_.T) @ self.directions_)


def lsa(lemmas: Sequence[str], n_components: int, seed: int) -> np.ndarray:
    """Rows of a TF-IDF of lemmas reduced by truncated SVD (seeded), unit length."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                                 stop_words=list(stop_words()), sublinear_tf=True,
                                 min_df=min_df_for(len(lemmas)))
    try:
        tfidf = vectorizer.fit_transform(lemmas)
    except ValueError:  # no term survives the stop words
        return np.zeros((len(lemmas), 0))
    c = min(n_components, tfidf.shape[1] - 1, len(lemmas) - 1)
    if c < 2:
        return np.zeros((len(lemmas), 0))
    z = TruncatedSVD(n_components=c, random_state=seed).fit_transform(tfidf)
    return unit(z)


def theme_space(e: np.ndarray, frame: pd.DataFrame, plan: dict[str, Any], seed: int) -> np.ndarray:
    """The space themes are found in: embedding, lemma LSA block, document context.

    Short documents (survey answers, meeting summaries) speak of one subject: a segment is read
    in their light, and through its lemmas too. Long notes (an atelier's) cover several
    subjects: their segments are left alone, and a bullet has too few words for the lemma block
    (on the sample démarche it joined generic bullets into one theme).
    """
    doc = pd.factorize(frame["doc_id"].astype(str))[0]
    lengths = np.bincount(doc)
    short = bool(len(lengths)) and np.median(lengths) <= plan["context_max_median"]
    parts = [e]
    if plan["lexical_weight"] > 0 and short:
        block = lsa(frame["lemmas"].fillna("").tolist(), plan["lsa_components"], seed)
        parts.append(plan["lexical_weight"] * block)
    h = _unit_in_place(np.hstack(parts).astype(np.float64))
    if plan["context_weight"] > 0 and short:
        sums = np.zeros((len(lengths), h.shape[1]))
        np.add.at(sums, doc, h)
        a = np.where(lengths[doc] > 1, plan["context_weight"], 0.0)[:, None]
        # (1 - a) * h + a * context, in place: the same numbers as written out, with two
        # arrays of the corpus' size alive instead of five (100,000 segments: 490 MB each).
        context = unit(sums)[doc]
        context *= a
        h *= 1 - a
        h += context
        del context
        h = _unit_in_place(h)
    return h


def _unit_in_place(rows: np.ndarray) -> np.ndarray:
    """`vectors.unit` of float64 `rows`, written over them (the same numbers)."""
    rows /= np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)
    return rows


def neighbours(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` nearest rows of each row of `x` by cosine distance, itself first: (indices,
    distances), as UMAP's `precomputed_knn` takes them.

    Below 4,096 points UMAP computes the same exact neighbours itself, but through
    scikit-learn's `pairwise_distances` with a Python callable per pair of points: on 3,759
    segments of the meeting reports that took most of the theme stage. Matrix products by
    blocks give the same neighbours in a fraction of the time (deterministic: ties go to the
    lower index, at the k-th place too). Above `Settings.themes_exact_neighbours_max` points
    the n² products cost more than UMAP's approximate search, which is then left to do it.
    """
    u = np.asarray(x, dtype=np.float32)
    u = u / np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    n = len(u)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    step = max(1, (1 << 24) // max(n, 1))  # about 64 MB of similarities at a time
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        sims = u[rows] @ u.T
        sims[np.arange(len(rows)), rows] = np.inf  # itself first, whatever the duplicates
        # Each row's k-th largest similarity, then every column at or above it, ordered by
        # similarity then column, the first k kept: ties at the k-th place go to the lower
        # index (argpartition chose among them as its algorithm fell, and on the 6,542
        # segments of the meeting reports took 1.7 s where this takes 0.7 s).
        kth = np.partition(sims, n - k, axis=1)[:, n - k]
        row, col = np.nonzero(sims >= kth[:, None])
        value = sims[row, col]
        order = np.lexsort((col, -value, row))
        row, col, value = row[order], col[order], value[order]
        first_k = np.arange(len(row)) - np.searchsorted(row, row) < k
        indices[rows] = col[first_k].reshape(-1, k)
        distances[rows] = np.maximum(0.0, 1.0 - value[first_k].reshape(-1, k))
    distances[:, 0] = 0.0
    return indices, distances


def reducer(plan: dict[str, Any], n: int, seed: int, x: np.ndarray | None = None):
    """UMAP to a few dimensions (BERTopic's default reduction), seeded and single-threaded so
    that the same seed gives the same themes; given the points `x` it is to reduce, their
    exact neighbours are computed here (`neighbours`)."""
    from umap import UMAP

    compiled_once()
    knn = (None, None, None)
    if x is not None and len(x) <= plan["exact_neighbours_max"]:
        knn = neighbours(x, plan["n_neighbors"])
        # Without a search index UMAP cannot place new points later; the pipeline never asks.
        warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
    return UMAP(n_neighbors=plan["n_neighbors"], n_components=min(plan["n_components"], n - 2),
                min_dist=0.0, metric="cosine", random_state=seed, n_jobs=1,
                n_epochs=plan["n_epochs"], precomputed_knn=knn)


def guide(e: np.ndarray, guides: np.ndarray, *, share: float, min_cosine: float) -> np.ndarray:
    """Pull the segments closest to a seed (the upper half, from `min_cosine`) `share` of the
    way towards it, as BERTopic's guided mode does (`Settings.themes_guide_share`)."""
    if not len(guides):
        return e
    sims = e @ guides.T
    nearest, best = sims.argmax(axis=1), sims.max(axis=1)
    pulled = best >= max(min_cosine, float(np.quantile(best, 0.5)))
    out = e.copy()
    out[pulled] = (1 - share) * e[pulled] + share * guides[nearest[pulled]]
    return unit(out)
