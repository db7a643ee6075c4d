"""The search engine: a question's vector against the segments' vectors (cosine), plus a small
lexical bonus, best first, ties by segment id.

The bonus (words and lemmas, accents and case ignored) lifts segments that contain the
question's exact terms, so that acronyms such as "CPF" or "RQTH" are not lost behind
paraphrases. It is computed only for segments whose cosine could still reach the top `limit`:
the same top rows as scoring every segment, over an in-memory matrix.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from corpus.api.index import RESULT_COLUMNS, Index
from corpus.embed.base import Embedder
from corpus.text.french import fold, folded_stop_words

STEM_CHARS = 6
CHUNK = 512  # candidates whose lexical bonus is computed per round, best cosines first

_WORD = re.compile(r"\w+")


def _stem(word: str) -> str:
    """A crude French stem: no plural mark, first letters only ("financement" ~ "financer")."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    return word[:STEM_CHARS]


def query_terms(text: str) -> list[str]:
    """Stems of the question's content words, accents and case ignored, in order, unique."""
    seen: dict[str, None] = {}
    stop = folded_stop_words(domain=False)
    for word in _WORD.findall(fold(text)):
        if len(word) >= 2 and word not in stop and not word.isdigit():
            seen.setdefault(_stem(word), None)
    return list(seen)


def folded_lexical_scores(terms: Sequence[str], folded: Sequence[str]) -> np.ndarray:
    """For each folded text (`corpus.text.french.fold`), the share of `terms` it holds (0-1).

    A word holds a term when it has the same stem: a full-length stem matches as a word
    prefix ("format" in "formations"), a short one as the whole word, plural allowed ("cpf").
    """
    if not terms or not len(folded):
        return np.zeros(len(folded))
    hits = np.zeros(len(folded))
    for term in terms:
        pattern = re.compile(
            rf"\b{re.escape(term)}" + ("" if len(term) >= STEM_CHARS else r"[sx]?\b")
        )
        hits += np.fromiter((pattern.search(f) is not None for f in folded), float, len(folded))
    return hits / len(terms)


def lexical_scores(terms: Sequence[str], texts: Sequence[str]) -> np.ndarray:
    """`folded_lexical_scores` of texts as written."""
    if not terms or not len(texts):
        return np.zeros(len(texts))
    return folded_lexical_scores(terms, fold("\x00".join(texts)).split("\x00"))


def embed_while(embedder: Embedder, question: str, work: Callable[[], object]) -> np.ndarray:
    """The question's vector, computed in a thread while `work` runs: a first query loads
    the model and the segments' vectors at the same time."""
    out: dict = {}

    def embed() -> None:
        try:
            out["q"] = embedder.encode([question])[0].astype(np.float32)
        except Exception as exc:  # re-raised in the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=embed, daemon=True)
    thread.start()
    work()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["q"]


def best_first(cosine: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest cosines, highest first (ties by index: stable)."""
    if k >= len(cosine):
        return np.argsort(-cosine, kind="stable")
    head = np.argpartition(-cosine, k)[:k]
    head = np.sort(head)  # index order, so that the stable sort below breaks ties by index
    kth = cosine[head].min()
    # every index tied with the k-th value must be a candidate too, or ties would be lost
    tied = np.flatnonzero(cosine == kth)
    head = np.union1d(head, tied)
    return head[np.argsort(-cosine[head], kind="stable")]


def rank(index: Index, rows: np.ndarray, cosine: np.ndarray, terms: list[str], limit: int,
         weight: float) -> list[tuple[float, int]]:
    """(score, row) of the best `limit` of `rows`: cosine plus `weight` times the share of
    `terms` a segment holds, rounded to 6 decimals, ties by row (segment id order).

    The bonus is at most `weight`, so a segment whose cosine plus `weight` falls below the
    current `limit`-th score cannot enter: candidates are scored by decreasing cosine until
    that bound stops them.
    """
    order = best_first(cosine, 4 * CHUNK)
    best: list[tuple[float, int]] = []
    for start in range(0, len(cosine), CHUNK):
        if start + CHUNK > len(order):  # beyond the pre-sorted head: sort everything
            order = best_first(cosine, len(cosine))
        chunk = order[start:start + CHUNK]
        if len(best) >= limit and cosine[chunk[0]] + weight + 1e-6 < best[limit - 1][0]:
            break
        picked = rows[chunk]
        scores = np.round(cosine[chunk] + weight * folded_lexical_scores(
            terms, index.folded(picked)), 6)
        best = sorted([*best, *zip(scores.tolist(), picked.tolist(), strict=True)],
                      key=lambda x: (-x[0], x[1]))[:limit]
    return best


def results(index: Index, top: list[tuple[float, int]]) -> pd.DataFrame:
    """The ranked rows as RESULT_COLUMNS."""
    picked = np.array([r for _, r in top], dtype=np.int64)
    return pd.DataFrame({c: (np.array([s for s, _ in top], dtype=np.float64)
                             if c == "score" else index.values[c][picked].tolist())
                         for c in RESULT_COLUMNS})
