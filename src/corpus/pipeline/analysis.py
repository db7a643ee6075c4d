"""The analysis stages: orientation, themes of the notes, themes of the participants' answers.

Each reads the scope's segments (or feedback) from the store and writes its results there.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from corpus import embed, orient, progress
from corpus.config import Settings
from corpus.files import digest
from corpus.pipeline.engine import keep_engine_orientation, keep_engine_themes
from corpus.pipeline.keys import manifests_digest, orient_fingerprints, run_code, stage_key
from corpus.pipeline.stage import Context, Mapper, serial
from corpus.store import Store, now
from corpus.text import french, places

log = logging.getLogger(__name__)


def scope_segments(store: Store, scope: str, *, tags: bool = False):
    return store.texts.segments(doc_ids=store.scopes.doc_ids(scope), tags=tags)


def answer_tags(feedback, answers):
    """The stored tags (`corpus.text.tags`) of each row of `answers` (`answers_frame`), None
    where the store has none."""
    from corpus.synthesis.feedback import as_dict

    kept = {}
    if "answer_tags" in feedback.columns:
        for fid, value in zip(feedback["feedback_id"], feedback["answer_tags"], strict=True):
            kept.update({f"{fid}/{q}": t for q, t in as_dict(value).items()})
    return [kept.get(a) for a in answers["answer_id"]]


def content_segments(segs):
    """The segments that say something (`kind` "contenu"): a déroulé line (how the atelier ran)
    gets no orientation and no theme."""
    return segs[segs["kind"] != "deroule"]


def orientation_model(settings: Settings) -> orient.OrientationModel:
    """The team's model when one is configured, else the shipped one."""
    if settings.orient_model:
        return orient.OrientationModel.load(settings.orient_model)
    return orient.load_default_model(settings.embedder_orient)


def cascade_first(settings: Settings, model: orient.OrientationModel):
    """The shipped lexical model when the orientation cascades (`Settings.orient_e5_below`):
    the shipped model in use needs an embedder; None otherwise (a team's model or a lexical
    one orients alone)."""
    if settings.orient_model or not model.embedder:
        return None
    return orient.load_default_model("lexical")


@progress.staged("orientation")
@embed.same_on_any_machine
def orient_scope(store: Store, scope: str, settings: Settings) -> dict[str, int]:
    """Orientation of every content segment and document of the scope, written back to the
    store; déroulé segments get none and are counted apart (`deroule`)."""
    every = scope_segments(store, scope)
    aside = every[every["kind"] == "deroule"].assign(orientation=None, orientation_score=None)
    store.texts.update_segments(aside)
    segs = content_segments(every).copy()
    model = orientation_model(settings)
    lexical = cascade_first(settings, model)
    if lexical is None:
        vectors = (  # a lexical model needs no embeddings
            embed.embed_cached(embed.load_embedder(model.embedder), segs["text"].tolist(), store)
            if model.embedder else None
        )
        found = orient.orient_segments(segs, vectors, model)
    else:
        embedder = embed.load_embedder(model.embedder)
        found, unsure = orient.orient_cascade(
            segs, lexical, model, lambda texts: embed.embed_cached(embedder, texts, store),
            settings.orient_e5_below,
        )
        log.info("orientation : %d segments sur %d plongés (%s)", int(unsure.sum()), len(segs),
                 model.embedder)
    segs[["orientation", "orientation_score"]] = found[["orientation", "orientation_score"]]
    store.texts.update_segments(segs)
    keep_engine_orientation(store, scope, pd.concat([segs, aside], ignore_index=True))
    docs = store.texts.documents(doc_ids=every["doc_id"].unique())
    docs["orientation"] = docs["doc_id"].map(orient.document_orientation(segs))
    store.texts.update_documents(docs)
    return segs["orientation"].value_counts().sort_index().to_dict()


def read_seeds(seed_from: str | Path | None) -> list[dict] | None:
    """The problématiques of an earlier run (`--seed-from`), or None."""
    if not seed_from:
        return None
    return json.loads(Path(seed_from).read_text(encoding="utf-8"))


def topic_texts(store: Store, segs, settings: Settings) -> tuple[list[str], frozenset[str]]:
    """The segments' texts as the themes embedder reads them (`places.mask_texts`)."""
    frames = store.texts.manifests(segs["doc_id"].unique().tolist())
    return masked_texts(segs["text"].astype(str).tolist(), place_names(frames), settings)


def place_names(frames: dict) -> list[str]:
    """The démarche's own place names: its territories (names and ids) and event places."""
    return [*frames["territories"]["name"].astype(str), *frames["territories"]["territory_id"],
            *frames["events"]["place"].fillna("").astype(str)]


def masked_texts(texts: list[str], names: list[str],
                 settings: Settings) -> tuple[list[str], frozenset[str]]:
    """`places.mask_texts` with the communes of `settings.models_dir`."""
    return places.mask_texts(texts, names, places.french_communes(settings.models_dir))


@progress.staged("thèmes")
@embed.same_on_any_machine
def themes_scope(store: Store, scope: str, settings: Settings, *,
                 seed_from: str | Path | None = None, run_id: str = "") -> dict[str, Any]:
    """Themes of the scope, ids matched to the registry and seeds, written back to the store.

    Returns the number of themes, the outlier fraction, themes.json's text and the plan's
    scalar parameters.
    """
    from corpus import themes  # BERTopic and scikit-learn: loaded only when themes are fitted

    every = scope_segments(store, scope, tags=True)
    aside = every[every["kind"] == "deroule"].assign(theme_id=None, theme_label=None,
                                                     group_id=None)
    store.texts.update_segments(aside)
    segs = content_segments(every).reset_index(drop=True)
    embedder = embed.load_embedder(settings.embedder_themes)
    texts, words = topic_texts(store, segs, settings)
    vectors = embed.embed_cached(embedder, texts, store)
    seeds = read_seeds(seed_from)
    result = themes.fit_themes(
        segs.assign(lemmas=places.without_places(segs["lemmas"], words)), vectors,
        seed=settings.seed,
        settings=settings, registry=store.themes.registry(), seed_topics=seeds, run_id=run_id,
        seed_vectors=themes.seed_vectors(embedder, seeds) if seeds else None,
        nlp=french.load_nlp(settings.spacy_model), places=words, embedder=embedder,
    )
    theme_of = result.assignments.set_index("segment_id")
    segs["theme_id"] = segs["segment_id"].map(theme_of["theme_id"])
    segs["theme_label"] = segs["segment_id"].map(theme_of["theme_label"])
    segs["group_id"] = segs["segment_id"].map(theme_of["group_id"])
    store.texts.update_segments(segs)
    docs = store.texts.documents(doc_ids=every["doc_id"].unique())
    docs["theme_id"] = docs["doc_id"].map(themes.document_themes(result.assignments, segs))
    store.texts.update_documents(docs)
    register_themes(store, result, run_id=run_id, fingerprint=embedder.fingerprint)
    text = themes.themes_json(result.themes)
    keep_engine_themes(store, scope, text, result.assignments, seed=settings.seed)
    store.results.put(scope, "themes", text)  # the corrections stage replaces it, corrected
    return {
        "themes": len(result.themes),
        "outlier_fraction": round(float(1 - segs["theme_id"].notna().mean()) if len(segs) else 0.0,
                                  4),
        **{k: v for k, v in result.info.items() if isinstance(v, (int, float, str))},
    }


def register_themes(store: Store, result, *, run_id: str, fingerprint: str) -> dict[str, int]:
    """Record a run's themes (a `ThemeResult`) in the registry and its history: known ids get
    their centroid moved to the running mean of their runs. Returns {"new", "updated"}."""
    from corpus.themes.registry import registry_rows

    rows, history, counts = registry_rows(result.themes, result.centroids,
                                          store.themes.registry(), run_id=run_id,
                                          fingerprint=fingerprint, recorded_at=now())
    store.themes.save(rows, history, run_id=run_id)
    return counts


@progress.staged("thèmes des retours")
@embed.same_on_any_machine
def feedback_scope(store: Store, scope: str, settings: Settings) -> dict[str, Any]:
    """Themes of the participants' open answers of the scope, found by the notes' engine on
    their embeddings (same embedder, places masked as in the notes), written to the store
    (`results`, "feedback"). Returns the number of questions and themes."""
    from corpus.synthesis.feedback import answers_frame, fit_feedback

    frames = store.texts.manifests(store.scopes.doc_ids(scope))
    answers = answers_frame(frames["feedback"])
    found = {}
    if not answers.empty:
        answers["tags"] = answer_tags(frames["feedback"], answers)
        embedder = embed.load_embedder(settings.embedder_themes)
        texts, words = masked_texts(answers["text"].tolist(), place_names(frames), settings)
        vectors = embed.embed_cached(embedder, texts, store)
        found = fit_feedback(answers, vectors, settings=settings,
                             nlp=french.load_nlp(settings.spacy_model), places=words,
                             embedder=embedder)
    store.results.put(scope, "feedback", {q: t.to_json() for q, t in found.items()})
    return {"questions": len(found), "themes": sum(len(t.themes) for t in found.values())}


def feedback_themes(store: Store, scope: str, settings: Settings) -> dict | None:
    """The themes of the scope's answers as the feedback stage stored them (vectors read back
    from the embedding cache); None when there is no answer."""
    from corpus.synthesis.feedback import QuestionThemes, answers_frame

    stored = store.results.get(scope, "feedback")
    if not stored:
        return None
    frames = store.texts.manifests(store.scopes.doc_ids(scope))
    answers = answers_frame(frames["feedback"])
    texts, _ = masked_texts(answers["text"].tolist(), place_names(frames), settings)
    vectors = embed.embed_cached(embed.load_embedder(settings.embedder_themes), texts, store)
    row = {a: i for i, a in enumerate(answers["answer_id"])}
    return {q: QuestionThemes.from_json(t, vectors[[row[a] for a in t["answer_ids"]]])
            for q, t in stored.items()}


class Orientation:
    """difficulte / levier / autre for every segment and document of the scope."""

    name = "orientation"

    def key(self, ctx: Context) -> str:
        return stage_key("orient", ctx.open(), ctx.scope, ctx.settings, ctx.seed_from,
                         run_code(), *orient_fingerprints(ctx.settings))

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        store = ctx.open()
        counts = orient_scope(store, ctx.scope, ctx.settings)
        kinds = scope_segments(store, ctx.scope)["kind"]
        return {"orientation_counts": counts, "deroule_segments": int((kinds == "deroule").sum())}


class Themes:
    """The scope's themes and grands thèmes, ids matched to the registry and the seeds."""

    name = "themes"

    def key(self, ctx: Context) -> str:
        return stage_key("themes", ctx.open(), ctx.scope, ctx.settings, ctx.seed_from,
                         run_code(), embed.load_embedder(ctx.settings.embedder_themes).fingerprint,
                         Orientation().key(ctx))

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        return themes_scope(ctx.open(), ctx.scope, ctx.settings, seed_from=ctx.seed_from,
                            run_id=ctx.run_id)


class FeedbackThemes:
    """Themes of the participants' open answers, question by question."""

    name = "feedback"

    def key(self, ctx: Context) -> str:
        store = ctx.open()
        return stage_key("feedback", store, ctx.scope, ctx.settings, None, run_code(),
                         embed.load_embedder(ctx.settings.embedder_themes).fingerprint,
                         manifests_digest(store, ctx.scope))

    def run(self, ctx: Context, map_: Mapper = serial) -> dict:
        return feedback_scope(ctx.open(), ctx.scope, ctx.settings)


def results_digest(store: Store, scope: str, *stages: str) -> str:
    """The stored results of `stages` for the scope (what a later stage reads)."""
    return digest(*(json.dumps(store.results.get(scope, s), sort_keys=True) for s in stages))
