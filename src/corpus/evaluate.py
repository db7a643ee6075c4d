"""Score the pipeline on a labelled table without showing it the labels.

`evaluate_table` reads the table's texts (and ids) only, runs segmentation, embeddings,
orientation and themes as `corpus run` does, and compares at document level: a document's theme
is the dominant theme of its segments (`themes.document_themes`), its orientation the majority
of its segments' (`orient.document_orientation`). Labels are read separately, after the run.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_rand_score,
    f1_score,
    normalized_mutual_info_score,
)

from corpus.config import Settings

log = logging.getLogger(__name__)
OUTLIER = "__hors_theme__"


def table_labels(path: Path | str, *, label: str, id: str | None = None,
                 text: str | None = None) -> pd.Series:
    """doc_id -> label, with the doc ids `ingest.read_table` gives the same rows."""
    from corpus.ingest.flat import _column
    from corpus.ingest.tables import read_any

    path = Path(path)
    table = read_any(path, path.read_bytes())
    label_col = _column(table, label, "label", path)
    id_col = _column(table, id, "id", path) if id else None
    text_col = _column(table, text, "text", path) if text else None
    out = {}
    for line, values in table.rows:
        if text_col is not None and not str(values.get(text_col, "")).strip():
            continue
        doc_id = values[id_col] if id_col else f"{path.stem}-{line}"
        out[doc_id] = values.get(label_col, "")
    return pd.Series(out, dtype="object", name=label)


def _macro_f1(given: pd.Series, predicted: pd.Series) -> float | None:
    from corpus.ingest.flat import orientation_of

    pairs = []
    for doc_id, value in given.items():
        try:
            truth = orientation_of(str(value))
        except KeyError:
            truth = None
        if truth in ("difficulte", "levier") and doc_id in predicted.index:
            pairs.append((truth, predicted[doc_id]))
    if not pairs:
        return None
    y, p = zip(*pairs, strict=True)
    return round(float(f1_score(y, p, labels=["difficulte", "levier"], average="macro")), 4)


def evaluate_table(
    path: Path | str,
    *,
    text: str,
    label: str,
    id: str | None = None,
    orientation: str | None = None,
    seed: int = 42,
    settings: Settings | None = None,
    store: Any = None,
    nlp: Any = None,
) -> dict[str, Any]:
    """{"n_docs", "n_themes", "outlier_fraction", "ari", "nmi", ["orientation_macro_f1"]}.

    `store` (a `corpus.store.Store`) caches embeddings between evaluations; documents without
    a label are themed with the others but left out of the scores.
    """
    from corpus import embed, themes
    from corpus.ingest import read_table
    from corpus.segment import segment_notes
    from corpus.store import segments_frame

    settings = settings or Settings(seed=seed)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    demarche = read_table(path, text=text, id=id)  # neither the labels nor the orientations
    segments = segment_notes(demarche.notes, nlp=nlp, min_chars=settings.min_segment_chars,
                             max_chars=settings.max_segment_chars)
    frame = segments_frame(segments)
    timings["segment"] = time.perf_counter() - start
    texts = frame["text"].tolist()
    out: dict[str, Any] = {}
    if orientation:
        try:
            from corpus import orient
        except ImportError:
            orient = None
        if orient is not None:
            t = time.perf_counter()
            vectors = embed.embed_cached(embed.load_embedder(settings.embedder_orient), texts,
                                         store)
            model = orient.load_default_model(settings.embedder_orient)
            found = orient.orient_segments(frame, vectors, model)
            frame[["orientation", "orientation_score"]] = found[
                ["orientation", "orientation_score"]]
            predicted = orient.document_orientation(frame)
            given = table_labels(path, label=orientation, id=id, text=text)
            out["orientation_macro_f1"] = _macro_f1(given, predicted)
            timings["orient"] = time.perf_counter() - t
    t = time.perf_counter()
    embedder = embed.load_embedder(settings.embedder_themes)
    vectors = embed.embed_cached(embedder, texts, store)
    timings["embed"] = time.perf_counter() - t
    t = time.perf_counter()
    result = themes.fit_themes(frame, vectors, seed=seed, settings=settings)
    timings["themes"] = time.perf_counter() - t
    doc_theme = themes.document_themes(result.assignments, frame)
    labels = table_labels(path, label=label, id=id, text=text)
    labelled = labels[labels.astype(str).str.strip() != ""]
    docs = [d for d in labelled.index if d in doc_theme.index]
    truth = labelled.loc[docs].astype(str).to_numpy()
    found = doc_theme.reindex(docs).fillna(OUTLIER).astype(str).to_numpy()
    scores = {
        "n_docs": len(docs),
        "n_themes": len(result.themes),
        "outlier_fraction": round(float(result.assignments["theme_id"].isna().mean()), 4)
        if len(result.assignments) else 0.0,
        "document_outlier_fraction": round(float(np.mean(found == OUTLIER)), 4) if docs else 0.0,
        "ari": round(float(adjusted_rand_score(truth, found)), 4) if docs else None,
        "nmi": round(float(normalized_mutual_info_score(truth, found)), 4) if docs else None,
        "n_segments": len(frame),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    return scores | out
