"""Key terms of themes: a lemma vectorizer, c-TF-IDF candidates, re-ranked and diversified.

Terms come from the `lemmas` column of the segmentation stage (content-word lemmas, accents
kept), counted as 1-2 grams with French and domain stop words removed. BERTopic's c-TF-IDF
ranks candidates per theme; they are then re-ranked the way KeyBERTInspired does (closeness of
a term to the theme centroid) and diversified with maximal marginal relevance. A term's vector
is the mean embedding of the segments that contain it, so no second model call is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from corpus.text.french import stop_words
from corpus.vectors import unit


def min_df_for(n_docs: int) -> int:
    """Minimum document frequency: 1 for a handful of segments, up to 20 for 100,000."""
    if n_docs < 100:
        return 1
    return int(min(20, max(2, n_docs // 2500)))


def make_vectorizer(n_docs: int) -> CountVectorizer:
    """Unigrams and bigrams of space-separated lemmas, French and domain stop words removed."""
    return CountVectorizer(
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        stop_words=list(stop_words()),
        min_df=min_df_for(n_docs),
    )


def term_vectors(counts: sparse.csr_matrix, embeddings: np.ndarray) -> np.ndarray:
    """One unit vector per vocabulary term: the mean embedding of the documents using it."""
    binary = counts.copy().tocsc()
    binary.data[:] = 1.0
    return unit(np.asarray(binary.T @ embeddings, dtype=np.float64)).astype(np.float32)


def rank_terms(
    ctfidf_row: np.ndarray,
    words: Sequence[str],
    centroid: np.ndarray,
    vectors: np.ndarray,
    *,
    n_candidates: int = 30,
    top_n: int = 8,
    diversity: float = 0.3,
) -> list[tuple[str, float]]:
    """Best terms of one theme: c-TF-IDF candidates, re-ranked by centroid closeness, MMR.

    Ties are broken by the term itself, so the ranking never depends on memory order.
    """
    # Only the theme's own terms (a positive score) can be candidates: the whole vocabulary
    # was sorted for each theme (190 themes on the meeting reports; about 0.1 s of 6.5).
    own = np.flatnonzero(np.asarray(ctfidf_row) > 0).tolist()
    candidates = sorted(own, key=lambda i: (-ctfidf_row[i], words[i]))[:n_candidates]
    if not candidates:
        return []
    cand_vecs = vectors[candidates]
    closeness = cand_vecs @ centroid
    peak = float(ctfidf_row[candidates[0]]) or 1.0
    # KeyBERTInspired-like: closeness to the theme, tempered by how specific the term is.
    relevance = 0.5 * closeness + 0.5 * (ctfidf_row[candidates] / peak)
    chosen: list[int] = []
    remaining = list(range(len(candidates)))
    while remaining and len(chosen) < top_n:
        if chosen:
            redundancy = (cand_vecs[remaining] @ cand_vecs[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(remaining))
        scores = (1 - diversity) * relevance[remaining] - diversity * redundancy
        best = max(range(len(remaining)),
                   key=lambda j: (round(float(scores[j]), 6), -candidates[remaining[j]]))
        chosen.append(remaining.pop(best))
    return [(words[candidates[j]], round(float(relevance[j]), 4)) for j in chosen]
