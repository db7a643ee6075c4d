"""Score the pipeline on a labelled table without showing it the labels.

`evaluate_table` runs the stages of `corpus run` through `corpus.pipeline` on the table's texts
(and ids) only: reading, segmentation, pseudonymisation, storing, embeddings, themes, and
orientation when an orientation column is to be scored (it does not change the themes). It then
compares at document level: a document's theme is the dominant theme of its segments, its
orientation the majority of its segments'. Labels are read separately, after the run.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

from corpus import pipeline
from corpus.config import DEFAULT_SEED, Settings
from corpus.ingest import TableOptions
from corpus.records import orientation_label
from corpus.store import Store

log = logging.getLogger(__name__)
OUTLIER = "__hors_theme__"


def table_labels(path: Path | str, *, label: str, id: str | None = None,
                 text: str | None = None) -> pd.Series:
    """doc_id -> label, with the doc ids `ingest.read_table` gives the same rows."""
    from corpus.ingest import find_column
    from corpus.ingest.tables import read_any

    path = Path(path)
    table = read_any(path, path.read_bytes())
    label_col = find_column(table, label, "label", path)
    id_col = find_column(table, id, "id", path) if id else None
    text_col = find_column(table, text, "text", path) if text else None
    out = {}
    for line, values in table.rows:
        if text_col is not None and not str(values.get(text_col, "")).strip():
            continue
        doc_id = values[id_col] if id_col else f"{path.stem}-{line}"
        out[doc_id] = values.get(label_col, "")
    return pd.Series(out, dtype="object", name=label)


def _macro_f1(given: pd.Series, predicted: pd.Series) -> float | None:
    pairs = []
    for doc_id, value in given.items():
        try:
            truth = orientation_label(value)
        except ValueError:
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
    seed: int = DEFAULT_SEED,
    settings: Settings | None = None,
    store: Store | None = None,
    nlp: Any = None,
) -> dict[str, Any]:
    """{"n_docs", "n_themes", "n_groups", "outlier_fraction", "ari", "nmi", "group_nmi",
    ["orientation_macro_f1"]}.

    `store` keeps the run (and its embedding cache) between evaluations; without one, a
    temporary store is used and removed. Documents without a label are themed with the others
    but left out of the scores.
    """
    settings = settings or Settings(seed=seed)
    if store is None:
        with tempfile.TemporaryDirectory(prefix="corpus-evaluate-") as tmp:
            return evaluate_table(path, text=text, label=label, id=id, orientation=orientation,
                                  seed=seed, settings=settings, nlp=nlp,
                                  store=Store(Path(tmp) / "evaluate.duckdb"))
    timings: dict[str, float] = {}
    start = time.perf_counter()
    # Neither the labels nor the orientations are given to the pipeline.
    ctx = pipeline.Context(store=str(store.path), input=str(path), settings=settings,
                           table=TableOptions(text=text, id=id), run_id="evaluate")
    ingested = pipeline.IngestResult(**pipeline.Ingest().run(ctx))
    ctx = ctx.model_copy(update={"scope": ingested.scope})
    timings["ingest"] = time.perf_counter() - start
    out: dict[str, Any] = {}
    if orientation:
        t = time.perf_counter()
        pipeline.Orientation().run(ctx)
        predicted = store.texts.documents(doc_ids=ingested.doc_ids).set_index("doc_id")[
            "orientation"]
        given = table_labels(path, label=orientation, id=id, text=text)
        out["orientation_macro_f1"] = _macro_f1(given, predicted)
        timings["orient"] = time.perf_counter() - t
    t = time.perf_counter()
    found = pipeline.Themes().run(ctx)
    timings["themes"] = time.perf_counter() - t
    segs = store.texts.segments(doc_ids=ingested.doc_ids)
    doc_theme = store.texts.documents(doc_ids=ingested.doc_ids).set_index("doc_id")["theme_id"]
    found_themes = json.loads(store.results.get(ctx.scope, "themes"))
    group_of = {t["theme_id"]: t["group_id"] for t in found_themes}
    labels = table_labels(path, label=label, id=id, text=text)
    labelled = labels[labels.astype(str).str.strip() != ""]
    segmented = set(segs["doc_id"])
    docs = [d for d in labelled.index if d in segmented]
    truth = labelled.loc[docs].astype(str).to_numpy()
    themed = doc_theme.reindex(docs)
    grouped = themed.map(group_of)
    themed = themed.astype(object).where(themed.notna(), OUTLIER).astype(str).to_numpy()
    grouped = grouped.astype(object).where(grouped.notna(), OUTLIER).astype(str).to_numpy()
    scores = {
        "n_docs": len(docs),
        "n_themes": int(found["themes"]),
        "n_groups": len(set(group_of.values())),
        "outlier_fraction": float(found["outlier_fraction"]),
        "document_outlier_fraction": round(float(np.mean(themed == OUTLIER)), 4) if docs else 0.0,
        "ari": round(float(adjusted_rand_score(truth, themed)), 4) if docs else None,
        "nmi": round(float(normalized_mutual_info_score(truth, themed)), 4) if docs else None,
        "group_nmi": (round(float(normalized_mutual_info_score(truth, grouped)), 4)
                      if docs else None),
        "n_segments": len(segs),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    return scores | out
