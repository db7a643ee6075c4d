"""What a theme says and where it was said: key terms, a label, its grand thème, its counts.

`describe` turns a partition of the segments into `themes.json` entries and per-segment
assignments: c-TF-IDF key terms (`themes.terms`), a noun-phrase label (`themes.labels`; with
the embedder, the phrase that best finds the theme's segments as a query, `themes.headings`),
stable ids matched to the registry and seeds (`themes.registry`), the grands thèmes
(`themes.groups`), and the ateliers, territories and orientations behind each theme.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corpus import progress
from corpus.config import Settings
from corpus.records import ORIENTATIONS
from corpus.text.protect import without_marks
from corpus.themes import clustering as clusters
from corpus.themes import groups as theme_groups
from corpus.themes import headings as theme_headings
from corpus.themes import labels as theme_labels
from corpus.themes import registry as theme_registry
from corpus.themes import terms as theme_terms

log = logging.getLogger(__name__)

N_REPRESENTATIVES = 5
N_LABEL_TEXTS = 100  # central segments whose noun phrases are label candidates, at most...
LABEL_TEXTS_BUDGET = 5000  # ...and this many in all: spaCy tags each once, whatever the themes
SCORE_DIGITS = 4


@dataclass
class ThemeResult:
    """What `fit_themes` found: per-segment assignments, themes.json entries, centroids."""

    # segment_id, theme_id (None: outlier), theme_label, theme_score, group_id
    assignments: pd.DataFrame
    themes: list[dict[str, Any]]  # sorted by theme_id, ready for themes.json
    centroids: dict[str, np.ndarray]  # theme_id -> unit vector in the embedder's own space
    info: dict[str, Any] = field(default_factory=dict)  # parameters chosen for this corpus
    groups: list[dict[str, Any]] = field(default_factory=list)  # the grands thèmes


@dataclass
class TermCounts:
    """The segments' lemma 1-2 gram counts and one vector per term: counted once per fit, read
    for the themes and for the grands thèmes."""

    counts: Any  # scipy CSR, segments x terms
    words: list[str]
    vectors: np.ndarray  # term -> unit vector (`terms.term_vectors`)

    @classmethod
    def of(cls, frame: pd.DataFrame, x: np.ndarray) -> TermCounts | None:
        """None when no term survives the stop words."""
        vectorizer = theme_terms.make_vectorizer(len(frame))
        try:
            counts = vectorizer.fit_transform(frame["lemmas"].fillna("").tolist()).tocsr()
        except ValueError:
            return None
        return cls(counts, vectorizer.get_feature_names_out().tolist(),
                   theme_terms.term_vectors(counts, x))


def ranked_terms(found: TermCounts | None, labels: np.ndarray,
                 cx: np.ndarray) -> list[list[tuple[str, float]]]:
    """Ranked key terms per theme (c-TF-IDF candidates, closeness re-ranking, MMR)."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse

    k = len(cx)
    if found is None:
        return [[] for _ in range(k)]
    assigned = np.flatnonzero(labels >= 0)
    member = sparse.csr_matrix(
        (np.ones(len(assigned)), (labels[assigned], assigned)), shape=(k, len(labels))
    )
    per_theme = (member @ found.counts).tocsr()
    used = np.flatnonzero(np.asarray(per_theme.sum(axis=0)).ravel() > 0)
    words = [found.words[i] for i in used]
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_theme[:, used])
    ctfidf = np.asarray(ctfidf.todense())
    vectors = found.vectors[used]
    return [theme_terms.rank_terms(ctfidf[t], words, cx[t], vectors) for t in range(k)]


def _central(idx: np.ndarray, closeness: np.ndarray) -> list[int]:
    """Positions of a theme's segments, most central first (ties by position)."""
    order = sorted(range(len(idx)), key=lambda j: (-round(float(closeness[j]), 6), idx[j]))
    return [int(idx[j]) for j in order]


def _tagged(frame: pd.DataFrame, rows: Sequence[int], nlp,
            cache: dict[int, Any]) -> dict[int, Any]:
    """Row -> tagged doc, each segment tagged once (themes and grands thèmes share `cache`):
    rebuilt from the parse kept at ingest (a `tags` column, `corpus.text.tags`), else parsed."""
    from corpus.text import tags as text_tags

    todo = []
    stored = frame["tags"] if "tags" in frame.columns else None
    for i in rows:
        if i in cache:
            continue
        kept = text_tags.loads(stored.at[i]) if stored is not None else None
        if kept is None:
            todo.append(i)
        else:
            cache[i] = text_tags.doc(nlp.vocab, text_tags.without_marks(kept))
    texts = [without_marks(str(frame.at[i, "text"])) for i in todo]
    # Sentence boundaries are not needed for noun phrases: without them, a third faster.
    unused = [name for name in ("senter", "parser") if name in nlp.pipe_names]
    with nlp.select_pipes(disable=unused), progress.track("libellés", total=len(todo),
                                                          unit="segments"):
        for i, doc in zip(todo, nlp.pipe(texts, batch_size=64), strict=True):
            cache[i] = doc
            progress.advance(1)
    return cache


@dataclass
class Headings:
    """What headings are chosen with (`themes.headings`): the segments' embeddings in the
    embedder's own space, the embedder's `encode`, a seed, the one-word margin, and the keys
    already taken (themes first, then grands thèmes: a grand thème never repeats a theme's)."""

    raw: np.ndarray
    encode: Any
    seed: int = 0
    margin: float = theme_headings.SINGLE_WORD_MARGIN
    tolerance: float = theme_headings.TOLERANCE
    taken: set[str] = field(default_factory=set)


def names(frame: pd.DataFrame, central: Sequence[Sequence[int]], terms: Sequence[Sequence[str]],
          sizes: Sequence[int], nlp, places: frozenset[str],
          cache: dict[int, Any] | None = None,
          single: float = theme_labels.SINGLE_WORD_WEIGHT,
          headings: Headings | None = None) -> list[tuple[str, bool]]:
    """A different label for each group of segments (themes or grands thèmes), largest first.

    With `headings`, the phrase of its own segments that best finds them as a query
    (`themes.headings`); without, the phrase that best covers the key terms.
    """
    if nlp is None or not len(central):
        return theme_labels.choose_labels([{} for _ in central], terms, range(len(central)))
    per_group = int(np.clip(LABEL_TEXTS_BUDGET // len(central), 10, N_LABEL_TEXTS))
    chosen = [list(rows[:per_group]) for rows in central]
    tagged = _tagged(frame, sorted({i for rows in chosen for i in rows}), nlp,
                     cache if cache is not None else {})
    found = [theme_labels.candidates([tagged[i] for i in rows], places) for rows in chosen]
    order = sorted(range(len(central)), key=lambda t: (-sizes[t], t))
    if headings is None:
        return theme_labels.choose_labels(found, terms, order, single)
    members = [np.asarray(sorted(rows), dtype=int) for rows in central]
    picked = theme_headings.central_labels(found, terms, order, headings.raw, members,
                                           headings.encode, seed=headings.seed, single=single,
                                           taken=headings.taken, margin=headings.margin,
                                           tolerance=headings.tolerance)
    return [(label, phrase) for label, phrase, _ in picked]


def _counts(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values if v is not None and str(v) != ""})


def describe(frame: pd.DataFrame, raw: np.ndarray, labels: np.ndarray, x: np.ndarray,
             known: Sequence[theme_registry.Known], settings: Settings,
             plan: dict[str, Any], *, nlp=None, places: frozenset[str] = frozenset(),
             seed: int = 0, encode=None, of_theme: np.ndarray | None = None) -> ThemeResult:
    """The themes of a partition (`labels`, -1: outside any theme) of the sorted `frame`;
    `of_theme`, when given, is the grand thème of each theme (else themes are grouped here).

    With `encode` (the themes embedder's, which gave `raw`), labels are headings chosen as
    queries (`themes.headings`); without, the noun phrase that best covers the key terms."""
    k = clusters.n_groups(labels)
    cx = clusters.centroids(x, labels, k) if k else np.zeros((0, x.shape[1]))
    craw = clusters.centroids(raw, labels, k) if k else np.zeros((0, raw.shape[1]))
    counted = TermCounts.of(frame, x) if k else None
    ranked = ranked_terms(counted, labels, cx) if k else []
    terms = [[t for t, _ in r] for r in ranked]
    matched = theme_registry.match(craw, terms, known, threshold=settings.theme_match_threshold,
                                   floor=settings.theme_match_floor,
                                   seed_min_overlap=settings.theme_seed_min_overlap,
                                   seed_min_shared=settings.theme_seed_min_shared_terms,
                                   reference=raw.astype(np.float64).mean(axis=0)
                                   if len(raw) else None)
    ids = theme_registry.assign_ids(k, matched, known)
    score = np.full(len(frame), np.nan)
    members = []
    for t in range(k):
        idx = np.flatnonzero(labels == t)
        closeness = x[idx] @ cx[t]
        score[idx] = closeness
        members.append((idx, closeness))
    central = [_central(idx, closeness) for idx, closeness in members]
    sizes = [len(idx) for idx, _ in members]
    tagged: dict[int, Any] = {}
    single = settings.themes_label_single_word_weight
    headings = (Headings(raw, encode, seed, settings.themes_heading_single_word_margin,
                         settings.themes_heading_auc_tolerance) if encode is not None else None)
    named = names(frame, central, terms, sizes, nlp, places, tagged, single, headings)
    if of_theme is None or len(of_theme) != k:
        of_theme = (theme_groups.group_themes(
            x, labels, cx, seed=seed, sample_size=settings.themes_group_silhouette_sample,
            max_share=settings.themes_group_max_share) if k else np.zeros(0, int))
    groups = _groups(frame, x, labels, of_theme, nlp, places, tagged, single, counted, headings,
                     named)
    keys = frame["event_id"].astype(str) + "/" + frame["atelier_id"].astype(str)
    themes = []
    for t in range(k):
        idx, _ = members[t]
        rows = frame.iloc[idx]
        ateliers = _counts(keys.iloc[idx])
        orient = rows["orientation"].value_counts().to_dict()
        seed_id = matched[t].theme_id if t in matched and matched[t].seed else None
        group = groups[int(of_theme[t])]
        themes.append({
            "theme_id": ids[t],
            "label": named[t][0],
            "label_is_phrase": named[t][1],
            "terms": terms[t],
            "term_scores": [s for _, s in ranked[t]],
            "size": int(len(idx)),
            "ateliers": ateliers,
            "n_ateliers": len(ateliers),
            "events": _counts(rows["event_id"]),
            "territories": _counts(rows["territory_id"]),
            "n_territories": len(_counts(rows["territory_id"])),
            "orientation_counts": {o: int(orient.get(o, 0)) for o in ORIENTATIONS},
            "recurring": len(ateliers) >= settings.recurring_min_ateliers,
            "representative_segment_ids": [str(frame.at[i, "segment_id"])
                                           for i in central[t][:N_REPRESENTATIVES]],
            "status": "retrouvé" if t in matched else "nouveau",
            "seed_theme_id": seed_id,
            "group_id": group["group_id"],
            "group_label": group["label"],
        })
    for group in groups:
        group["theme_ids"] = sorted(ids[t] for t in range(k) if of_theme[t] == group["index"])
        del group["index"]
    assignments = pd.DataFrame({
        "segment_id": frame["segment_id"].astype(str).to_numpy(),
        "theme_id": np.array([ids[t] if t >= 0 else None for t in labels], dtype=object),
        "theme_label": np.array([named[t][0] if t >= 0 else None for t in labels], dtype=object),
        "theme_score": np.round(score, SCORE_DIGITS),
        "group_id": np.array([groups[int(of_theme[t])]["group_id"] if t >= 0 else None
                              for t in labels], dtype=object),
    })
    info = dict(plan, n_segments=len(frame), n_themes=k, n_groups=len(groups),
                outlier_fraction=round(float((labels < 0).mean()) if len(labels) else 0.0, 4))
    return ThemeResult(
        assignments=assignments,
        themes=sorted(themes, key=lambda th: th["theme_id"]),
        centroids={ids[t]: craw[t].astype(np.float32) for t in range(k)},
        info=info,
        groups=[{k2: v for k2, v in g.items()} for g in groups],
    )


def _groups(frame: pd.DataFrame, x: np.ndarray, labels: np.ndarray, of_theme: np.ndarray,
            nlp, places: frozenset[str], tagged: dict[int, Any], single: float,
            counted: TermCounts | None, headings: Headings | None,
            theme_names: Sequence[tuple[str, bool]]) -> list[dict]:
    """The grands thèmes: id, label (a noun phrase of their segments), key terms, size.
    `theme_names` (the themes' labels, by theme index) head the grands thèmes of one theme."""
    if not len(of_theme):
        return []
    n_groups = int(of_theme.max()) + 1
    glabels = np.where(labels >= 0, of_theme[np.maximum(labels, 0)], -1)
    gc = clusters.centroids(x, glabels, n_groups)
    ranked = ranked_terms(counted, glabels, gc)
    terms = [[t for t, _ in r] for r in ranked]
    members = [np.flatnonzero(glabels == g) for g in range(n_groups)]
    central = [_central(idx, x[idx] @ gc[g]) for g, idx in enumerate(members)]
    # A grand thème of one theme holds its segments: its heading is the theme's, chosen on the
    # same segments (another phrase, « Annuaire partagé » over « Réunions d'info collectives
    # communes », named the same quotes less well).
    alone = {g: int(t[0]) for g in range(n_groups)
             if len(t := np.flatnonzero(of_theme == g)) == 1}
    several = [g for g in range(n_groups) if g not in alone]
    named = dict(zip(several, names(frame, [central[g] for g in several],
                                    [terms[g] for g in several],
                                    [len(members[g]) for g in several], nlp, places, tagged,
                                    single, headings), strict=True))
    named |= {g: theme_names[t] for g, t in alone.items()}
    ids = theme_groups.group_ids(n_groups)
    return [{"index": g, "group_id": ids[g], "label": named[g][0], "terms": terms[g][:8],
             "size": int(len(members[g]))} for g in range(n_groups)]


def _rounded(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else round(float(value), SCORE_DIGITS)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_rounded(v) for v in value]
    return value


def themes_json(themes: Sequence[dict]) -> str:
    """themes.json text: a list sorted by theme_id, sorted keys, floats to 4 decimals."""
    items = sorted((_rounded(dict(t)) for t in themes), key=lambda th: th["theme_id"])
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
