"""French key terms and labels for themes: a lemma vectorizer, term ranking, short labels.

Terms come from the `lemmas` column of the segmentation stage (content-word lemmas, accents
kept), counted as 1-2 grams with French and domain stop words removed. BERTopic's c-TF-IDF
ranks candidates per theme; they are then re-ranked the way KeyBERTInspired does (closeness of
a term to the theme centroid) and diversified with maximal marginal relevance. A term's vector
is the mean embedding of the segments that contain it, so no second model call is needed.
The label is the best short phrase actually written in the theme's segments that contains its
top terms ("financement des formations"), else its two or three best terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from corpus.text.french import fold, stop_words
from corpus.vectors import unit

_FUNCTION_WORDS = frozenset(
    "de des du d la le les l à au aux en pour et sur par avec sans un une".split()
)
_TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]", re.UNICODE)


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
    order = sorted(range(len(words)), key=lambda i: (-ctfidf_row[i], words[i]))
    candidates = [i for i in order[:n_candidates] if ctfidf_row[i] > 0]
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


def _lemma_key(word: str) -> str:
    """A crude stem shared by a surface word and its lemma ("formations" ~ "formation")."""
    folded = fold(word)
    return folded[:6] if len(folded) > 6 else folded.rstrip("sx") or folded


def _phrases(text: str, max_words: int = 6) -> list[tuple[str, ...]]:
    """Surface word runs of 1-6 words that start and end with a content word."""
    tokens = _TOKEN.findall(text)
    out: list[tuple[str, ...]] = []
    run: list[str] = []
    for token in tokens + ["."]:
        if re.match(r"\w", token):
            run.append(token)
            continue
        for i in range(len(run)):
            if fold(run[i]) in _FUNCTION_WORDS:
                continue
            for j in range(i, min(len(run), i + max_words)):
                if fold(run[j]) not in _FUNCTION_WORDS:
                    out.append(tuple(run[i : j + 1]))
        run = []
    return out


def _display(words: tuple[str, ...]) -> str:
    """Lower case except acronyms and proper nouns written so; first letter capitalised."""
    shown = [w if (w.isupper() and len(w) > 1) or w[1:] != w[1:].lower() else w.lower()
             for w in words]
    text = " ".join(shown).replace("' ", "'").replace(" - ", "-")
    text = re.sub(r"\b([dlDL]) (?=[aeiouyhéèêàâîôûAEIOUYH])", r"\1'", text)
    return text[:1].upper() + text[1:]


def make_label(terms: Sequence[str], texts: Sequence[str], *, max_words: int = 6) -> str:
    """A short French label: the most used phrase of `texts` built on the top terms.

    A phrase qualifies when its content words cover the best term and at least one other top
    term ("Financement des parcours de formation"); the score favours phrases that cover more
    top terms and appear in more segments. Without one, the 2-3 best terms are joined.
    """
    unigrams: list[str] = []
    for term in terms:
        for word in term.split():
            if word not in unigrams:
                unigrams.append(word)
    if not unigrams:
        return "Thème sans terme distinctif"
    weight = {_lemma_key(w): 1.0 / (1 + rank) for rank, w in enumerate(unigrams[:6])}
    top_key = _lemma_key(unigrams[0])
    seen: Counter[tuple[str, ...]] = Counter()
    spelled: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
    for text in texts:
        for phrase in set(_phrases(text, max_words)):
            key = tuple(fold(w) for w in phrase)
            seen[key] += 1
            spelled.setdefault(key, Counter())[phrase] += 1
    best: tuple[float, tuple[str, ...]] | None = None
    for key, count in seen.items():
        content = [_lemma_key(w) for w in key if w not in _FUNCTION_WORDS]
        if top_key not in content or len(content) > 4:
            continue
        covered = {c for c in content if c in weight}
        if len(covered) < min(2, len(weight)) or len(covered) < len(content) - 1:
            continue
        score = sum(weight[c] for c in covered) * math.log1p(count) / (1 + 0.15 * len(key))
        if count >= 2 and (best is None or (score, key) > best):
            best = (score, key)
    if best is not None:
        variants = spelled[best[1]]
        phrase = min(variants, key=lambda p: (-variants[p], p))
        return _display(phrase)
    return _display(tuple(", ".join(terms[:3]).split(" ")))
