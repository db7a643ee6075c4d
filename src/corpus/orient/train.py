"""Training an orientation model on a team's own coding, with a cross-validated score.

`train` takes labelled segments (each segment carries its row's label) and their vectors;
reading the table, segmenting and embedding it are the pipeline's job
(`corpus.pipeline.train_orientation`), so that training sees segments exactly as `corpus run`
makes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from corpus.config import DEFAULT_SEED
from corpus.orient.apply import document_orientation, orient_segments
from corpus.orient.model import OrientationModel

LEXICAL = ("lexical", "none", "aucun")


def segment_weights(doc_ids: Sequence[str]) -> np.ndarray:
    """1/sqrt(segments of the document): a long list counts more than one bullet, not 50 times."""
    sizes = pd.Series(list(doc_ids)).map(pd.Series(list(doc_ids)).value_counts())
    return 1.0 / np.sqrt(sizes.to_numpy(dtype=np.float64))


def cross_validate(
    segments: pd.DataFrame,
    vectors: np.ndarray | None,
    *,
    embedder: str | None,
    folds: int = 5,
    seed: int = DEFAULT_SEED,
    **params: Any,
) -> dict[str, Any]:
    """Macro-F1 per document (majority of its segments, section hints applied) and per segment,
    from a `folds`-fold cross-validation grouped by document; {} when a class is too rare."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    texts = segments["text"].tolist()
    weights = segment_weights(segments["doc_id"])
    doc_labels = segments.groupby("doc_id")["label"].first()
    counts = doc_labels.value_counts()
    n_folds = min(folds, int(counts.min()))
    if n_folds < 2:
        return {}
    splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    predicted = pd.DataFrame(
        index=segments.index, columns=["orientation", "orientation_score", "stance"]
    )
    for train_rows, test in splitter.split(texts, segments["label"], groups=segments["doc_id"]):
        model = OrientationModel(embedder=embedder, **params).fit(
            [texts[i] for i in train_rows], segments["label"].iloc[train_rows],
            None if vectors is None else vectors[train_rows], sample_weight=weights[train_rows],
        )
        part = segments.iloc[test][["text", "section_hint"]]
        predicted.iloc[test] = orient_segments(
            part, None if vectors is None else vectors[test], model
        ).to_numpy()
    predicted["doc_id"] = segments["doc_id"]
    docs = document_orientation(predicted)
    labels = sorted(counts.index)
    return {
        "folds": n_folds,
        "macro_f1_documents": round(float(f1_score(
            doc_labels.loc[docs.index], docs, average="macro", labels=labels
        )), 4),
        "macro_f1_segments": round(float(f1_score(
            segments["label"], predicted["orientation"].astype(str), average="macro",
            labels=labels,
        )), 4),
    }


def train(
    segments: pd.DataFrame, vectors: np.ndarray | None, *, embedder: str | None, **params: Any
) -> OrientationModel:
    """A model fitted on every labelled segment (`text`, `label`, `doc_id`)."""
    return OrientationModel(embedder=embedder, **params).fit(
        segments["text"].tolist(), segments["label"], vectors,
        sample_weight=segment_weights(segments["doc_id"]),
    )


CORRECTION_WEIGHT = 3.0  # a segment the group corrected weighs as much as three others


def corrected_training_set(pseudo: pd.DataFrame, corrected: pd.DataFrame,
                           examples: pd.DataFrame | None = None, *,
                           weight: float = CORRECTION_WEIGHT,
                           example_weight: float = 3.0) -> pd.DataFrame:
    """Training rows for a refit on the groupe de coopération's corrections.

    `pseudo` (segment_id, doc_id, text, label): segments labelled by the model in use, so that
    the refit keeps what it got right; `corrected` (segment_id, text, label): the corrections,
    which replace their segment's row and weigh `weight`; `examples` (text, label): the shipped
    Cep-style bullets. Returns text, label, weight, source ("modele", "correction", "exemple"),
    by source then segment id: the same inputs give the same rows.
    """
    label = {"deroule": "autre"}
    fixed = corrected.assign(label=corrected["label"].replace(label))
    kept = pseudo[~pseudo["segment_id"].isin(set(fixed["segment_id"]))].sort_values("segment_id")
    parts = [
        pd.DataFrame({"text": kept["text"], "label": kept["label"],
                      "weight": segment_weights(kept["doc_id"]), "source": "modele"}),
        pd.DataFrame({"text": fixed.sort_values("segment_id")["text"],
                      "label": fixed.sort_values("segment_id")["label"],
                      "weight": float(weight), "source": "correction"}),
    ]
    if examples is not None and len(examples):
        parts.append(pd.DataFrame({"text": examples["text"], "label": examples["label"],
                                   "weight": float(example_weight), "source": "exemple"}))
    return pd.concat(parts, ignore_index=True)
