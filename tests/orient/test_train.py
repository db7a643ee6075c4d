"""Training on a team's own coding: cross-validated figures, then a model fitted on every row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corpus.orient import OrientationModel, document_orientation, orient_segments
from corpus.orient.train import cross_validate, segment_weights, train


def _labelled(bullets) -> pd.DataFrame:
    rows = [(t, "difficulte") for t in bullets["difficulte"]]
    rows += [(t, "levier") for t in bullets["levier"]]
    return pd.DataFrame({
        "doc_id": [f"r{i:02d}" for i in range(len(rows))],
        "text": [t for t, _ in rows],
        "label": [lab for _, lab in rows],
        "section_hint": None,
    })


def test_long_lists_weigh_more_than_one_bullet_but_not_in_proportion():
    weights = segment_weights(["a", "a", "a", "a", "b"])
    assert weights.tolist() == [0.5, 0.5, 0.5, 0.5, 1.0]


def test_cross_validation_reports_document_and_segment_scores(bullets):
    metrics = cross_validate(_labelled(bullets), None, embedder=None, folds=4, n_bits=12)
    assert metrics["folds"] == 4
    assert 0.0 <= metrics["macro_f1_segments"] <= 1.0
    assert 0.0 <= metrics["macro_f1_documents"] <= 1.0


def test_too_few_rows_of_a_class_give_no_cross_validation(bullets):
    frame = _labelled(bullets)
    frame = pd.concat([frame[frame["label"] == "difficulte"],
                       frame[frame["label"] == "levier"][:1]])
    assert cross_validate(frame, None, embedder=None, folds=5, n_bits=12) == {}


def test_trained_model_orients_its_own_rows(bullets):
    frame = _labelled(bullets)
    model = train(frame, None, embedder=None, n_bits=12, C=10.0, min_df=1)
    assert isinstance(model, OrientationModel) and model.classes_ == ["difficulte", "levier"]
    found = orient_segments(frame, None, model)
    assert (found["orientation"] == frame["label"]).mean() == 1.0


GRANDDEBAT = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "granddebat_reunions" / "units.csv"
)


@pytest.mark.slow
@pytest.mark.skipif(not GRANDDEBAT.exists(), reason="données partagées absentes")
def test_lexical_model_generalises_to_a_held_out_region(nlp):
    """Trained on three régions, judged on a fourth, per document (majority of segments)."""
    from sklearn.metrics import f1_score

    from corpus import pipeline
    from corpus.config import Settings
    from corpus.ingest import read_table
    from corpus.records import orientation_label
    from corpus.store import segments_frame

    units = pd.read_csv(GRANDDEBAT).set_index("id")
    demarche = read_table(GRANDDEBAT, text="text", id="id", territory="region")
    train_regions = {"Nouvelle-Aquitaine", "Hauts-de-France", "Normandie"}
    notes = [n for n in demarche.notes if n.territory_id in train_regions | {"Bretagne"}]
    segments = segments_frame(pipeline.segment_notes(notes, Settings(), nlp))
    segments["label"] = segments["doc_id"].map(units["kind"])
    model = train(segments[segments["territory_id"].isin(train_regions)], None, embedder=None)
    test = segments[segments["territory_id"] == "Bretagne"]
    found = orient_segments(test, None, model)
    docs = document_orientation(test.drop(columns=list(found.columns), errors="ignore").join(found))
    truth = docs.index.map(units["kind"]).map(orientation_label)
    assert f1_score(truth, docs, average="macro", labels=["difficulte", "levier"]) >= 0.80


def test_corrections_replace_their_segments_and_weigh_more():
    from corpus.orient.train import corrected_training_set

    pseudo = pd.DataFrame({
        "segment_id": ["a#1", "a#2", "b#1"], "doc_id": ["a", "a", "b"],
        "text": ["Les délais de financement sont trop longs.", "Un annuaire partagé aide.",
                 "Tour de table de présentation."],
        "label": ["difficulte", "difficulte", "levier"]})
    corrected = pd.DataFrame({"segment_id": ["a#2", "b#1"],
                              "text": ["Un annuaire partagé aide.",
                                       "Tour de table de présentation."],
                              "label": ["levier", "deroule"]})
    rows = corrected_training_set(pseudo, corrected, weight=3.0)
    assert rows["source"].tolist() == ["modele", "correction", "correction"]
    assert rows["label"].tolist() == ["difficulte", "levier", "autre"]
    assert rows["weight"].tolist()[1:] == [3.0, 3.0]
