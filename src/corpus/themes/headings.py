"""Headings that name what a theme's segments share, measured as a query would use them.

A heading is good when, used as a search query (embedded with the themes embedder, segments
ranked by cosine), it ranks its own theme's segments above all the others: the area under that
ROC curve (`query_auc`) is the measure, and the choice. Each theme's candidates are noun phrases
written in its own segments (`themes.labels.candidates`); those that best cover its key terms,
then the most written, are embedded (a budget), and the theme takes the one with the highest
AUC that no larger theme took. A phrase central to its own segments and far from its
neighbours' wins: specific enough to tell the theme apart, general enough to cover its quotes.
The most frequent word does not, unless it is that phrase. The themes' top c-TF-IDF word,
scored the same way, is the baseline (`bench/labels.py`). Grands thèmes and the themes of
feedback answers are headed the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from corpus.config import default
from corpus.text.french import fold
from corpus.themes.labels import Candidate, score, term_weights
from corpus.vectors import unit

N_CANDIDATES = 24  # phrases embedded per theme (the best by key-term coverage), at most...
EMBEDDED_BUDGET = 2000  # ...and about this many in all, at least 4 a theme
SAMPLE = 4000  # segments a query is ranked among, at most (seeded sample, members kept)
GROUPS_PER_PRODUCT = 256  # groups whose candidates meet the sample in one product (memory)
SINGLE_WORD_MARGIN = default("themes_heading_single_word_margin")
TOLERANCE = default("themes_heading_auc_tolerance")


def query_auc(sims: np.ndarray, member: np.ndarray) -> np.ndarray:
    """AUC of each column of `sims` (segments x queries) at ranking `member` segments first:
    the probability that a member outranks a non-member (ties count half)."""
    from scipy.stats import rankdata

    sims = np.asarray(sims, dtype=np.float64)
    if sims.ndim == 1:
        sims = sims[:, None]
    member = np.asarray(member, dtype=bool)
    pos, neg = int(member.sum()), int((~member).sum())
    if not pos or not neg:
        return np.full(sims.shape[1], 0.5)
    ranks = rankdata(sims, axis=0)
    return (ranks[member].sum(axis=0) - pos * (pos + 1) / 2) / (pos * neg)


def ranking_rows(n: int, members: Sequence[np.ndarray],
                 seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """What each group's queries are ranked over: (the other segments, each group's own).

    Up to `SAMPLE` segments, all of them: every group is ranked among all. Beyond, a seeded
    sample of `SAMPLE` segments stands for the others and each group keeps up to `SAMPLE // 4`
    of its own, so that the work grows with the number of groups, not with groups times
    segments (806 themes of 30,000 segments ranked every segment for each: 20 s of 132)."""
    if n <= SAMPLE:
        return np.arange(n), [np.asarray(m) for m in members]
    rng = np.random.default_rng(seed)
    own = [np.sort(rng.choice(m, min(len(m), SAMPLE // 4), replace=False)) if len(m)
           else np.asarray(m) for m in members]
    return np.sort(rng.choice(n, SAMPLE, replace=False)), own


def shortlist(found: dict[str, Candidate], terms: Sequence[str], single: float,
              size: int = N_CANDIDATES) -> list[Candidate]:
    """The theme's `size` candidates worth embedding: those that best cover its key terms, then
    those written in the most of its segments (« Référent unique apprentissage » names a theme
    whose key terms are the partners' acronyms)."""
    weights = term_weights(terms)
    ranked = sorted(found.values(), key=lambda c: (-score(c, weights, single),
                                                   -len(c.segments), c.key))
    return ranked[:size]


def central_labels(found: Sequence[dict[str, Candidate]], terms: Sequence[Sequence[str]],
                   order: Sequence[int], raw: np.ndarray, members: Sequence[np.ndarray],
                   encode: Callable[[list[str]], np.ndarray], *, seed: int, single: float,
                   taken: set[str] | None = None,
                   margin: float = SINGLE_WORD_MARGIN,
                   tolerance: float = TOLERANCE) -> list[tuple[str, bool, float]]:
    """One heading per group of segments: (label, True when written in its segments, its AUC).

    `raw` holds every segment's embedding (the embedder's space), `members` each group's rows.
    Groups pick in `order` (largest first); a key already in `taken` is not picked again, and
    the keys picked are added to it. A one-word candidate must beat every longer one by
    `margin` AUC. Of the candidates within `tolerance` of the best, a phrase written in the
    most segments heads the group (general enough to cover its quotes). A group without any
    candidate takes its first key term not taken.
    """
    taken = taken if taken is not None else set()
    size = int(np.clip(EMBEDDED_BUDGET // max(1, len(found)), 4, N_CANDIDATES))
    lists = [shortlist(f, t, single, size) for f, t in zip(found, terms, strict=True)]
    texts = sorted({c.spelling(1) for cands in lists for c in cands})
    vectors = unit(np.asarray(encode(texts), dtype=np.float64)) if texts else np.zeros((0, 1))
    row_of = {text: i for i, text in enumerate(texts)}
    others, own = ranking_rows(len(raw), members, seed)
    needed = np.unique(np.concatenate([others, *own]))
    seg = unit(np.asarray(raw, dtype=np.float64)[needed])  # rows of `needed`, in its order
    rest = seg[np.searchsorted(needed, others)]
    out: list[tuple[str, bool, float] | None] = [None] * len(found)
    for start in range(0, len(order), GROUPS_PER_PRODUCT):
        chunk = order[start:start + GROUPS_PER_PRODUCT]
        columns = sorted({row_of[c.spelling(1)] for g in chunk for c in lists[g]})
        # The other segments against every candidate of these groups: one product, not a copy
        # of the same 4,000 rows for each group (2,122 themes of 100,000 segments: 10 s).
        to_rest = rest @ vectors[columns].T if columns else np.zeros((len(rest), 0))
        column = {row: j for j, row in enumerate(columns)}
        for g in chunk:
            cands = [c for c in lists[g] if c.key not in taken]
            if cands:
                rows = [row_of[c.spelling(1)] for c in cands]
                kept = np.flatnonzero(~np.isin(others, members[g]))
                sims = np.concatenate([
                    seg[np.searchsorted(needed, own[g])] @ vectors[rows].T,
                    to_rest[np.ix_(kept, [column[r] for r in rows])]])
                best, auc = _best(cands, sims, len(own[g]), margin, tolerance)
                taken.add(cands[best].key)
                out[g] = (cands[best].spelling(1), True, auc)
                continue
            word = next((w for w in terms[g] if fold(w) not in taken), None)
            label = (word[:1].upper() + word[1:]) if word else "Thème sans terme distinctif"
            taken.add(fold(label))
            out[g] = (label, False, float("nan"))
    return [o for o in out if o is not None]


def _best(cands: Sequence[Candidate], sims: np.ndarray, n_own: int, margin: float,
          tolerance: float) -> tuple[int, float]:
    """The candidate that heads a group, and its AUC; `sims` holds the group's own segments
    (its first `n_own` rows), then the others."""
    auc = np.round(query_auc(sims, np.arange(len(sims)) < n_own), 6)
    short = np.array([len(c.lemmas) <= 1 for c in cands])
    value = np.round(auc - margin * short, 6)
    near = np.flatnonzero(value >= value.max() - tolerance - 1e-9)
    # A phrase before a single word, then the most segments; ties (a group that is all the
    # segments: every AUC is 0.5) go to the candidate that best covers the key terms.
    best = min(near, key=lambda j: (short[j], -len(cands[j].segments), -value[j], j))
    return int(best), float(auc[best])
