"""Themes: BERTopic's steps on precomputed embeddings, with French terms and stable theme ids.

`fit_themes` groups segments about the same subject across ateliers and territories. It runs
BERTopic's pipeline step by step, each once (no model is loaded: the embeddings are computed by
`corpus.embed` and passed in), and the reduction, clustering and vectorizer are explicit, seeded
and sized to the corpus:

- embeddings are centred and their dominant directions removed ("all-but-the-top"): e5 and USE
  vectors share a common direction that lines up with text length, not with the subject; a
  lemma LSA block and, for short documents, the document's context are added (`themes.space`);
- UMAP (seeded), then HDBSCAN twice on the same reduction (`themes.clustering`): the themes
  are the dense regions of a few segments or more that persist, whatever the corpus size; the
  coarse partition (a smallest region that grows with the corpus, none above a share of it)
  gives the grands thèmes, each theme placed under the one holding most of its segments
  (`themes.groups.nest`);
- segments far from every theme stay unassigned, but at most `Settings.max_outlier_fraction`;
- key terms (BERTopic's c-TF-IDF of the final themes, computed once), a noun-phrase label,
  grands thèmes and counts (`themes.describe`); themes are numbered by size, then by smallest
  segment id; matched to the registry and to seed problématiques (`themes.registry`) so that a
  theme seen before keeps its id.

The input order does not matter: segments are sorted by `segment_id` before anything is fitted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus import progress
from corpus.config import Settings
from corpus.embed.base import same_on_any_machine
from corpus.themes import clustering as clusters
from corpus.themes import describe, space
from corpus.themes import groups as theme_groups
from corpus.themes import registry as theme_registry
from corpus.themes.describe import ThemeResult

log = logging.getLogger(__name__)

REQUIRED = ("segment_id", "doc_id", "territory_id", "event_id", "atelier_id", "text")


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


def _partition(plan: dict[str, Any], x: np.ndarray,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """BERTopic's clustering steps: UMAP (`space.reducer`) once, then HDBSCAN
    (`clusters.DensityThemes`) for the themes and for the coarse partition above them;
    -1 marks a segment outside any region.

    `BERTopic.fit_transform` runs the same two steps, then a c-TF-IDF of its raw topics that
    nothing here reads: key terms come from the final themes (`describe.ranked_terms`, with
    BERTopic's `ClassTfidfTransformer`), computed once there.
    """
    reducer = space.reducer(plan, len(x), seed, x)
    with progress.step("réduction UMAP", len(x), "segments"):
        reduced = np.nan_to_num(reducer.fit_transform(x))
    fine = clusters.DensityThemes(min_cluster_size=plan["min_cluster_size"],
                                  min_samples=plan["min_samples"],
                                  epsilon=plan["cluster_epsilon"],
                                  max_cluster_share=plan["max_cluster_share"],
                                  selection=plan["selection"])
    # The coarse regions' density read from as many neighbours as the themes' (HDBSCAN's
    # default, as many as the smallest region, made its core distances grow as n^1.65: a
    # quarter of the stage at 100,000 segments); the grands thèmes barely move
    # (`Settings.themes_min_samples`).
    coarse = clusters.DensityThemes(min_cluster_size=plan["coarse_min_cluster_size"],
                                    min_samples=plan["min_samples"],
                                    max_cluster_share=plan["max_cluster_share"],
                                    selection=plan["selection"])
    with progress.step("régions denses HDBSCAN", len(x), "segments"):
        labels = np.asarray(fine.fit(reduced).labels_, dtype=int)
        coarse_labels = np.asarray(coarse.fit(reduced).labels_, dtype=int)
    if len(np.unique(labels[labels >= 0])) < 2:
        # No two regions of the fixed size: a small corpus (the 51 answers to one feedback
        # question of the sample made one theme); its themes are the coarse partition's,
        # whose smallest region shrinks with the corpus.
        return coarse_labels, coarse_labels
    return labels, coarse_labels


def _grands_themes(x: np.ndarray, labels: np.ndarray, coarse: np.ndarray, seed: int,
                   settings: Settings) -> np.ndarray:
    """The grand thème of each theme: the coarse regions, grouped as themes were on main
    (`groups.group_themes`), each theme placed under the group holding most of its segments
    (`groups.nest`), then the themes moved to the groups of least within-group variance
    (`groups.least_spread`, as many groups)."""
    coarse = clusters.renumber(coarse, min_size=2)
    coarse = clusters.reduce_outliers(x, coarse, max_fraction=0.0, floor=-1.0)
    if not (coarse >= 0).any():
        return np.zeros(clusters.n_groups(labels), dtype=int)

    def grouped(parts: np.ndarray) -> np.ndarray:
        """`groups.group_themes` of the parts of `parts` (-1: none), at their centroids."""
        return theme_groups.group_themes(
            x, parts, clusters.centroids(x, parts, int(parts.max()) + 1), seed=seed,
            sample_size=settings.themes_group_silhouette_sample,
            max_share=settings.themes_group_max_share)

    of_theme = theme_groups.nest(labels, grouped(coarse)[coarse])
    themed = labels[labels >= 0]
    if len(themed) and (np.bincount(of_theme[themed]).max()
                        > settings.themes_group_max_share * len(themed)):
        # Nested, one part holds most of the synthesis (an intermediate state of the sample:
        # 267 of 389 segments, 11 of 15 themes, half the segments outside the coarse regions):
        # the themes themselves are grouped, under the same rule of reading. A guard: neither
        # the final sample nor the meeting reports reach it.
        of_theme = grouped(labels)
    k = len(of_theme)
    tightened = theme_groups.least_spread(
        clusters.centroids(x, labels, k), np.bincount(themed, minlength=k), of_theme,
        seed=seed, restarts=settings.themes_group_restarts,
        budget=settings.themes_group_restart_budget, max_share=settings.themes_group_max_share)
    return theme_groups.renumbered(tightened, labels)


@same_on_any_machine  # its benches and tests call it outside the pipeline's stages
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
    nlp=None,
    places: frozenset[str] = frozenset(),
    embedder: Any = None,
) -> ThemeResult:
    """Themes of `segments` (one embedding row each), ids matched to `registry` and seeds.

    `registry` is `Store.themes.registry()` (themes of earlier runs, with their centroids);
    `seed_topics` the entries of an earlier `problematiques.json`; `seed_vectors`, optionally,
    theme_id -> embedding of a seed's text (`theme_registry.seed_text`), used to guide the
    clustering when the registry has no centroid for that seed. `run_id` is recorded in `info`.
    `nlp` (a tagged French spaCy pipeline) finds the labels' noun phrases; without it, labels
    are key terms. `places` (folded place names) never appear in a label. `embedder` (the one
    `embeddings` come from) embeds candidate headings: each label is then the phrase of its
    segments that best finds them as a query (`themes.headings`).
    """
    encode = embedder.encode if embedder is not None else None
    frame, raw = _prepare(segments, embeddings)
    n = len(frame)
    known = theme_registry.known_themes(registry, seed_topics, seed_vectors=seed_vectors)
    plan = clusters.cluster_plan(n, settings)
    plan["run_id"] = run_id
    if n == 0:
        return describe.describe(frame, raw, np.zeros(0, int), raw, known, settings, plan,
                                 nlp=nlp, places=places, seed=seed, encode=encode)
    if plan["n_directions"] == "auto":
        mean = raw.astype(np.float64).mean(axis=0)
        plan["n_directions"] = (settings.themes_cone_directions
                                if float(mean @ mean) >= settings.themes_cone_cosine else 0)
    allbut = space.AllButTheTop(plan["n_directions"] if n > 3 else 0).fit(raw)
    e = allbut.transform(raw)
    guides = [k.guide for k in known if k.seed and k.guide is not None
              and k.guide.shape == raw.shape[1:]]
    if guides:
        e = space.guide(e, allbut.transform(np.asarray(guides)),
                        share=settings.themes_guide_share,
                        min_cosine=settings.themes_guide_min_cosine)
    few = n < settings.themes_min_segments  # a handful of segments is one theme
    with progress.step("espace des thèmes", n, "segments"):
        x = e if few else space.theme_space(e, frame, plan, seed)
    labels = coarse = np.zeros(n, dtype=int)
    if not few:
        labels, coarse = _partition(plan, x, seed)
    labels = clusters.renumber(labels, min_size=1 if few else 2)
    labels = clusters.reduce_outliers(x, labels, max_fraction=0.0, floor=-1.0)
    labels = clusters.mark_outliers(x, labels, frame, floor=plan["outlier_floor"],
                            max_fraction=settings.max_outlier_fraction)
    k = clusters.n_groups(labels)
    with progress.step("grands thèmes", k, "thèmes"):
        of_theme = _grands_themes(x, labels, coarse, seed, settings)
    with progress.step("libellés et termes", k, "thèmes"):
        return describe.describe(frame, raw, labels, x, known, settings, plan, nlp=nlp,
                                 places=places, seed=seed, encode=encode, of_theme=of_theme)


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
