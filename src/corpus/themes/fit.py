"""Themes: BERTopic on precomputed embeddings, with French terms and stable theme ids.

`fit_themes` groups segments about the same subject across ateliers and territories. It never
lets BERTopic load a model: the embeddings are computed by `corpus.embed` and passed in, and the
reduction, clustering and vectorizer are explicit, seeded and sized to the corpus:

- embeddings are centred and their dominant directions removed ("all-but-the-top"): e5 and USE
  vectors share a common direction that lines up with text length, not with the subject;
- PCA with `random_state=seed` (UMAP on request: `themes_reducer="umap"`), then agglomerative
  clustering of k-means micro-clusters, cut where merging would join unrelated groups
  (HDBSCAN's defaults give 0-3 topics on a few hundred segments); five such partitions, with
  derived seeds, are combined into their consensus, so that the themes depend little on the
  seed;
- segments far from every theme stay unassigned, but at most `Settings.max_outlier_fraction`;
- c-TF-IDF on the segmentation stage's lemmas (1-2 grams, French and domain stop words), terms
  re-ranked by closeness to the theme and diversified (see `corpus.themes.labels`), a short
  French label;
- themes are numbered by size, then by smallest segment id; matched to the registry and to
  seed problématiques (`corpus.themes.registry`) so that a theme seen before keeps its id.

The input order does not matter: segments are sorted by `segment_id` before anything is fitted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corpus.config import Settings
from corpus.records import ORIENTATIONS
from corpus.text.french import stop_words
from corpus.themes import clustering as clusters
from corpus.themes import labels as theme_labels
from corpus.themes import registry as theme_registry
from corpus.themes import space

log = logging.getLogger(__name__)

REQUIRED = ("segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "text")
N_REPRESENTATIVES = 5
MIN_SEGMENTS = 10  # fewer segments than this make one theme: too few to tell subjects apart
SCORE_DIGITS = 4


@dataclass
class ThemeResult:
    """What `fit_themes` found: per-segment assignments, themes.json entries, centroids."""

    assignments: pd.DataFrame  # segment_id, theme_id (None: outlier), theme_label, theme_score
    themes: list[dict[str, Any]]  # sorted by theme_id, ready for themes.json
    centroids: dict[str, np.ndarray]  # theme_id -> unit vector in the embedder's own space
    info: dict[str, Any] = field(default_factory=dict)  # parameters chosen for this corpus


# -- the model ---------------------------------------------------------------------------------


def _prepare(segments: pd.DataFrame, embeddings: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Segments sorted by id with their embedding rows; a clear error for bad input."""
    missing = [c for c in REQUIRED if c not in segments.columns]
    if missing:
        raise ValueError(
            f"fit_themes : colonnes absentes {missing}. Correction : passez le tableau des "
            "segments produit par l'étape de segmentation."
        )
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or len(x) != len(segments):
        raise ValueError(
            f"fit_themes : {len(segments)} segments mais des embeddings de forme {x.shape}. "
            "Correction : calculez une ligne d'embedding par segment, dans le même ordre."
        )
    if segments["segment_id"].duplicated().any():
        dup = segments.loc[segments["segment_id"].duplicated(), "segment_id"].iloc[0]
        raise ValueError(f"fit_themes : identifiant de segment en double {dup!r}.")
    frame = segments.reset_index(drop=True)
    order = np.argsort(frame["segment_id"].astype(str).to_numpy(), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    if "lemmas" not in frame.columns:
        frame["lemmas"] = frame["text"].str.lower()
    if "orientation" not in frame.columns:
        frame["orientation"] = None
    return frame, x[order]


def _bertopic(plan: dict[str, Any], n: int, seed: int):
    """A BERTopic model that loads nothing: explicit reducer, clusterer and vectorizer."""
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    return BERTopic(
        embedding_model=None,
        language="multilingual",  # never "english": its preprocessing strips accented letters
        umap_model=space.reducer(plan, n, seed),
        hdbscan_model=clusters.DensityThemes(min_cluster_size=plan["min_cluster_size"],
                                             max_cluster_share=plan["max_cluster_share"],
                                             selection=plan["selection"]),
        # BERTopic counts terms on one joined text per topic; the key terms are recomputed
        # per segment in `_theme_terms` (document-level min_df), so keep this one cheap.
        vectorizer_model=CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                                         stop_words=list(stop_words())),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=10,
        calculate_probabilities=False,
        verbose=False,
    )


def fit_themes(
    segments: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seed: int,
    settings: Settings,
    registry: pd.DataFrame | None = None,
    seed_topics: list[dict] | None = None,
    run_id: str = "",
    seed_vectors: dict[str, np.ndarray] | None = None,
) -> ThemeResult:
    """Themes of `segments` (one embedding row each), ids matched to `registry` and seeds.

    `registry` is `Store.themes.registry()` (themes of earlier runs, with their centroids);
    `seed_topics` the entries of an earlier `problematiques.json`; `seed_vectors`, optionally,
    theme_id -> embedding of a seed's text (`theme_registry.seed_text`), used to guide the
    clustering when the registry has no centroid for that seed. `run_id` is recorded in `info`.
    """
    frame, raw = _prepare(segments, embeddings)
    n = len(frame)
    known = theme_registry.known_themes(registry, seed_topics, seed_vectors=seed_vectors)
    plan = clusters.cluster_plan(n, settings)
    plan["run_id"] = run_id
    if n == 0:
        return _result(frame, raw, np.zeros(0, int), raw, known, settings, plan)
    if plan["n_directions"] == "auto":
        mean = raw.astype(np.float64).mean(axis=0)
        plan["n_directions"] = 2 if float(mean @ mean) >= 0.5 else 0
    allbut = space.AllButTheTop(plan["n_directions"] if n > 3 else 0).fit(raw)
    e = allbut.transform(raw)
    guides = [k.guide for k in known if k.seed and k.guide is not None
              and k.guide.shape == raw.shape[1:]]
    if guides:
        e = space.guide(e, allbut.transform(np.asarray(guides)))
    x = space.theme_space(e, frame, plan, seed) if n >= MIN_SEGMENTS else e
    labels = np.zeros(n, dtype=int)  # a handful of segments is one theme
    if n >= MIN_SEGMENTS:
        model = _bertopic(plan, n, seed)
        docs = frame["lemmas"].fillna("").tolist()
        if not any(d.strip() for d in docs):  # no content word anywhere: count the words
            docs = frame["text"].str.lower().tolist()
        docs = [d if d.strip() else "_" for d in docs]
        topics, _ = model.fit_transform(docs, embeddings=x)
        labels = np.asarray(topics, dtype=int)
    labels = clusters.renumber(labels, min_size=2 if n >= MIN_SEGMENTS else 1)
    labels = clusters.reduce_outliers(x, labels, max_fraction=0.0, floor=-1.0)
    labels = clusters.mark_outliers(x, labels, frame, floor=plan["outlier_floor"],
                            max_fraction=settings.max_outlier_fraction)
    return _result(frame, raw, labels, x, known, settings, plan)


# -- results -----------------------------------------------------------------------------------


def _theme_terms(frame: pd.DataFrame, x: np.ndarray, labels: np.ndarray,
                 cx: np.ndarray) -> list[list[tuple[str, float]]]:
    """Ranked key terms per theme (c-TF-IDF candidates, closeness re-ranking, MMR)."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse

    k = len(cx)
    vectorizer = theme_labels.make_vectorizer(len(frame))
    try:
        counts = vectorizer.fit_transform(frame["lemmas"].fillna("").tolist()).tocsr()
    except ValueError:  # no term survives the stop words
        return [[] for _ in range(k)]
    words = vectorizer.get_feature_names_out().tolist()
    assigned = np.flatnonzero(labels >= 0)
    member = sparse.csr_matrix(
        (np.ones(len(assigned)), (labels[assigned], assigned)), shape=(k, len(frame))
    )
    per_theme = (member @ counts).tocsr()
    used = np.flatnonzero(np.asarray(per_theme.sum(axis=0)).ravel() > 0)
    per_theme, counts = per_theme[:, used], counts[:, used]
    words = [words[i] for i in used]
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_theme)
    ctfidf = np.asarray(ctfidf.todense())
    vectors = theme_labels.term_vectors(counts, x)
    return [theme_labels.rank_terms(ctfidf[t], words, cx[t], vectors) for t in range(k)]


def _label_texts(frame: pd.DataFrame, idx: np.ndarray, closeness: np.ndarray,
                 limit: int = 200) -> list[str]:
    order = sorted(range(len(idx)), key=lambda j: (-round(float(closeness[j]), 6), idx[j]))
    return [frame.at[int(idx[j]), "text"] for j in order[:limit]]


def _unique_labels(labels: list[str], terms: list[list[str]]) -> list[str]:
    """Two themes never share a label: the later one gets its next distinct term."""
    seen: dict[str, int] = {}
    out = []
    for label, words in zip(labels, terms, strict=True):
        key = label.casefold()
        if key in seen:
            extra = next((w for w in words if w.casefold() not in key), str(seen[key] + 1))
            label = f"{label} ({extra})"
        seen[key] = seen.get(key, 0) + 1
        out.append(label)
    return out


def _counts(values: pd.Series) -> list[str]:
    return sorted({str(v) for v in values if v is not None and str(v) != ""})


def _result(frame: pd.DataFrame, raw: np.ndarray, labels: np.ndarray, x: np.ndarray,
            known: Sequence[theme_registry.Known], settings: Settings,
            plan: dict[str, Any]) -> ThemeResult:
    k = int(labels.max()) + 1 if len(labels) and (labels >= 0).any() else 0
    cx = clusters.centroids(x, labels, k) if k else np.zeros((0, x.shape[1]))
    craw = clusters.centroids(raw, labels, k) if k else np.zeros((0, raw.shape[1]))
    ranked = _theme_terms(frame, x, labels, cx) if k else []
    terms = [[t for t, _ in r] for r in ranked]
    matched = theme_registry.match(craw, terms, known, threshold=settings.theme_match_threshold,
                                   floor=settings.theme_match_floor,
                                   reference=raw.astype(np.float64).mean(axis=0)
                                   if len(raw) else None)
    ids = theme_registry.assign_ids(k, matched, known)
    score = np.full(len(frame), np.nan)
    texts_by_theme, members = [], []
    for t in range(k):
        idx = np.flatnonzero(labels == t)
        closeness = x[idx] @ cx[t]
        score[idx] = closeness
        members.append((idx, closeness))
        texts_by_theme.append(_label_texts(frame, idx, closeness))
    names = _unique_labels(
        [theme_labels.make_label(terms[t], texts_by_theme[t]) for t in range(k)], terms
    )
    keys = frame["event_id"].astype(str) + "/" + frame["atelier_id"].astype(str)
    themes = []
    for t in range(k):
        idx, closeness = members[t]
        group = frame.iloc[idx]
        ateliers = _counts(keys.iloc[idx])
        reps = sorted(range(len(idx)), key=lambda j: (-round(float(closeness[j]), 6), idx[j]))
        orient = group["orientation"].value_counts().to_dict()
        seed = matched[t].theme_id if t in matched and matched[t].seed else None
        themes.append({
            "theme_id": ids[t],
            "label": names[t],
            "terms": terms[t],
            "term_scores": [s for _, s in ranked[t]],
            "size": int(len(idx)),
            "ateliers": ateliers,
            "n_ateliers": len(ateliers),
            "events": _counts(group["event_id"]),
            "territories": _counts(group["territory_id"]),
            "n_territories": len(_counts(group["territory_id"])),
            "orientation_counts": {o: int(orient.get(o, 0)) for o in ORIENTATIONS},
            "recurring": len(ateliers) >= settings.recurring_min_ateliers,
            "representative_segment_ids": [str(group.iloc[j]["segment_id"]) for j in
                                           reps[:N_REPRESENTATIVES]],
            "status": "retrouvé" if t in matched else "nouveau",
            "seed_theme_id": seed,
        })
    theme_of = np.array([ids[t] if t >= 0 else None for t in labels], dtype=object)
    label_of = np.array([names[t] if t >= 0 else None for t in labels], dtype=object)
    assignments = pd.DataFrame({
        "segment_id": frame["segment_id"].astype(str).to_numpy(),
        "theme_id": theme_of,
        "theme_label": label_of,
        "theme_score": np.round(score, SCORE_DIGITS),
    })
    info = dict(plan, n_segments=len(frame), n_themes=k,
                outlier_fraction=round(float((labels < 0).mean()) if len(labels) else 0.0, 4))
    return ThemeResult(
        assignments=assignments,
        themes=sorted(themes, key=lambda th: th["theme_id"]),
        centroids={ids[t]: craw[t].astype(np.float32) for t in range(k)},
        info=info,
    )


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


def write_themes_json(themes: Sequence[dict], path: Path | str) -> Path:
    """Write themes.json; identical themes give identical bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(themes_json(themes), encoding="utf-8")
    return path


def document_themes(assignments: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """doc_id -> dominant theme of its segments (most characters; ties: smaller theme id)."""
    frame = segments[["segment_id", "doc_id", "text"]].merge(
        assignments[["segment_id", "theme_id"]], on="segment_id", how="left"
    )
    frame = frame[frame["theme_id"].notna()]
    weight = frame.assign(w=frame["text"].str.len()).groupby(["doc_id", "theme_id"])["w"].sum()
    best = weight.reset_index().sort_values(["doc_id", "w", "theme_id"],
                                            ascending=[True, False, True])
    docs = sorted(segments["doc_id"].unique())
    return best.drop_duplicates("doc_id").set_index("doc_id")["theme_id"].reindex(docs)


def seed_vectors(embedder: Any, seeds: Sequence[dict] | None) -> dict[str, np.ndarray]:
    """theme_id -> embedding of each seed problématique's text (label, question, terms)."""
    items = [(str(s["theme_id"]), theme_registry.seed_text(s)) for s in seeds or ()
             if s.get("theme_id") and theme_registry.seed_text(s)]
    if not items:
        return {}
    rows = np.asarray(embedder.encode([text for _, text in items]), dtype=np.float32)
    return {tid: rows[i] for i, (tid, _) in enumerate(items)}
