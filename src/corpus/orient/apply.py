"""Orientation of segments and documents: given labels and headings first, the model otherwise.

For each segment, the first that applies wins: a given orientation (a table's `--orientation`
column, score 1.0); a section hint (the scribe's heading, score 1.0); the model's decision (score:
the probability of the class it chose). A document takes the majority of its segments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus.orient.model import LABEL_ORDER, OrientationModel


def _label_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    value = str(value)
    return value if value in LABEL_ORDER else None


def _given_labels(frame: pd.DataFrame) -> list[str | None]:
    """Each row's given orientation, else its heading's, else None (the model decides)."""
    n = len(frame)
    given = frame["given_orientation"] if "given_orientation" in frame else [None] * n
    hints = frame["section_hint"] if "section_hint" in frame else [None] * n
    return [_label_or_none(g) or _label_or_none(h) for g, h in zip(given, hints, strict=True)]


def orient_segments(
    frame: pd.DataFrame, embeddings: np.ndarray | None, model: OrientationModel
) -> pd.DataFrame:
    """`orientation`, `orientation_score` and `stance` for each row of `frame` (same index).

    `frame` needs `text`; `given_orientation` and `section_hint` are used when present.
    `embeddings`, when given, has one row per row of `frame`; only rows the model decides use it.
    `stance` is the likelier of difficulte and levier, also for a segment the model finds to be
    context (None where a heading said "autre"): `document_orientation` falls back on it.
    """
    n = len(frame)
    labels = _given_labels(frame)
    stances = [lab if lab in ("difficulte", "levier") else None for lab in labels]
    scores = np.ones(n, dtype=np.float64)
    todo = np.array([lab is None for lab in labels], dtype=bool)
    if todo.any():
        texts = frame["text"].astype(str).to_numpy()[todo].tolist()
        emb = None if embeddings is None else np.asarray(embeddings)[todo]
        proba = model.predict_proba(texts, emb)
        chosen, chosen_scores = model.decide(proba)
        d, lv = model.classes_.index("difficulte"), model.classes_.index("levier")
        for j, i in enumerate(np.flatnonzero(todo)):
            labels[i] = chosen[j]
            scores[i] = float(chosen_scores[j])
            stances[i] = "levier" if proba[j, lv] > proba[j, d] else "difficulte"
    return pd.DataFrame(
        {
            "orientation": np.array(labels, dtype=object),
            "orientation_score": scores,
            "stance": np.array(stances, dtype=object),
        },
        index=frame.index,
    )


def orient_cascade(
    frame: pd.DataFrame,
    lexical: OrientationModel,
    model: OrientationModel,
    embed: Callable[[Sequence[str]], np.ndarray],
    below: float,
) -> tuple[pd.DataFrame, np.ndarray]:
    """`orient_segments` by `lexical` (no embeddings), then by `model` with `embed`'s vectors
    only for the rows `lexical` decided with a score under `below` (every row it decided when
    `below` >= 1, none when `below` <= 0). Returns the frame and the mask of rows embedded.

    Rows are oriented one by one, so a row sent to `model` gets exactly what `model` alone
    gives it, and a row kept exactly what `lexical` alone gives it.
    """
    found = orient_segments(frame, None, lexical)
    decided = np.array([lab is None for lab in _given_labels(frame)], dtype=bool)
    unsure = decided & ((found["orientation_score"].to_numpy() < below) | (below >= 1.0))
    if unsure.any():
        part = frame[unsure]
        vectors = np.asarray(embed(part["text"].astype(str).tolist()))
        again = orient_segments(part, vectors, model)
        for column in found.columns:
            found.loc[unsure, column] = again[column].to_numpy()
    return found, unsure


def _ranked(frame: pd.DataFrame, column: str) -> pd.Series:
    """doc_id -> the most frequent value of `column` among the document's rows; ties by summed
    score, then difficulte first (one grouping for every document at once)."""
    counts = frame.groupby(["doc_id", column], sort=False)["score"].agg(["size", "sum"])
    counts = counts.reset_index()
    counts["rank"] = counts[column].map(LABEL_ORDER.index)
    best = counts.sort_values(["doc_id", "size", "sum", "rank"],
                              ascending=[True, False, False, True], kind="stable")
    return best.drop_duplicates("doc_id").set_index("doc_id")[column]


def document_orientation(segments: pd.DataFrame) -> pd.Series:
    """doc_id -> orientation: the majority of its segments' orientations.

    Only `difficulte` and `levier` vote: context does not outvote content. A tie goes to the
    larger sum of `orientation_score`, then to difficulte before levier. A document whose
    segments are all context takes the majority of their `stance` (the side they lean to)
    when the frame has that column, and is `autre` otherwise or when a heading made them so.
    """
    frame = pd.DataFrame({
        "doc_id": segments["doc_id"].to_numpy(),
        "orientation": segments["orientation"].to_numpy(),
        "score": (segments["orientation_score"].astype(float).fillna(0.0).to_numpy()
                  if "orientation_score" in segments else 1.0),
        "stance": segments["stance"].to_numpy() if "stance" in segments else None,
    })
    frame = frame[frame["doc_id"].notna()]
    sides = ["difficulte", "levier"]
    voted = _ranked(frame[frame["orientation"].isin(sides)], "orientation")
    leaned = _ranked(frame[frame["stance"].isin(sides)], "stance")
    out = pd.Series("autre", index=pd.Index(sorted(frame["doc_id"].unique()), name="doc_id"),
                    name="orientation", dtype="object")
    out.loc[leaned.index] = leaned.to_numpy()
    out.loc[voted.index] = voted.to_numpy()  # content outvotes context
    return out
