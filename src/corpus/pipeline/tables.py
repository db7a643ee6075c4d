"""Runs on a labelled table: its segments cut and protected as `corpus run` does them, and the
training of an orientation model (`corpus orient train`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from corpus import embed
from corpus.config import Settings
from corpus.ingest import TableOptions
from corpus.pipeline.ingest import read_input, segment_notes
from corpus.records import Note
from corpus.store import Store, segments_frame
from corpus.text import french, names, places, protect

log = logging.getLogger(__name__)


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


def orientation_corrections(store: Store) -> pd.DataFrame:
    """The active orientation corrections of the store: segment_id, text, label (deroule
    included), the last correction of a segment winning."""
    rows = [(c.target, c.value["orientation"]) for c in store.corrections.active()
            if c.action == "orient"]
    frame = pd.DataFrame(rows, columns=["segment_id", "label"]).drop_duplicates(
        "segment_id", keep="last")
    texts = store.texts.segments()[["segment_id", "text"]]
    return frame.merge(texts, on="segment_id", how="inner").sort_values("segment_id")


def train_from_corrections(store: Store, settings: Settings, *, out: str | Path | None = None,
                           embedder: str | None = None,
                           weight: float | None = None) -> dict[str, Any]:
    """Refit the orientation model with the group's orientation corrections (`corpus orient
    train --from-corrections`): the store's other segments keep the label the model in use gave
    them, the corrected ones take the group's label (weighing `weight`), with the shipped
    Cep-style examples. Saved to `out` (default `<models_dir>/orientation/corrections-<embedder>`);
    returns where, the counts, and how many corrections the model in use and the new one
    agree with (on the corrected segments themselves: a check, not a held-out score)."""
    from corpus.orient.train import CORRECTION_WEIGHT, LEXICAL, corrected_training_set
    from corpus.pipeline.analysis import orientation_model
    from corpus.pipeline.engine import ENGINE_ORIENTATION

    corrected = orientation_corrections(store)
    if corrected.empty:
        raise ValueError("aucune correction d'orientation dans la base. Correction : corrigez "
                         "des segments (`corpus segment orient SEGMENT levier`) puis relancez.")
    segs = store.texts.segments()[["segment_id", "doc_id", "text", "orientation"]]
    engine: dict[str, str] = {}
    for scope in store.results.scopes(ENGINE_ORIENTATION):
        engine.update(store.results.get(scope, ENGINE_ORIENTATION).get("orientation", {}))
    segs["label"] = segs["segment_id"].map(engine).fillna(segs["orientation"])
    segs = segs[segs["label"].notna()]
    examples = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "orient_examples.csv")
    frame = corrected_training_set(segs, corrected, examples,
                                   weight=CORRECTION_WEIGHT if weight is None else weight)
    name = embedder or settings.embedder_orient
    name = None if name.lower() in LEXICAL else name
    before = orientation_model(settings)
    vectors, check = None, None
    if name is not None:
        vectors = embed.embed_cached(embed.load_embedder(name), frame["text"].tolist(), store)
    if before.embedder is not None:
        check = embed.embed_cached(embed.load_embedder(before.embedder),
                                   corrected["text"].tolist(), store)
    from corpus.orient import OrientationModel

    model = OrientationModel(embedder=name).fit(frame["text"].tolist(), frame["label"], vectors,
                                                sample_weight=frame["weight"].to_numpy())
    wanted = corrected["label"].replace({"deroule": "autre"}).tolist()
    after_vectors = None if name is None else vectors[(frame["source"] == "correction")
                                                      .to_numpy()]
    agree = {
        "before": sum(a == b for a, b in zip(before.predict(corrected["text"].tolist(), check),
                                             wanted, strict=True)),
        "after": sum(a == b for a, b in zip(model.predict(
            frame.loc[frame["source"] == "correction", "text"].tolist(), after_vectors),
            wanted, strict=True)),
    }
    out = out or settings.models_dir / "orientation" / f"corrections-{name or 'lexical'}"
    saved = model.save(Path(out), info={"trained_on": "corrections du groupe de coopération",
                                        "corrections": len(corrected)})
    return {"model": str(saved), "embedder": name or "lexical", "corrections": len(corrected),
            "segments": int((frame["source"] == "modele").sum()),
            "corrections_respected": {k: f"{v}/{len(corrected)}" for k, v in agree.items()}}
