"""Runs on a labelled table: its segments cut and protected as `corpus run` does them, and the
training of an orientation model (`corpus orient train`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
