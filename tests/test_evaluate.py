"""evaluate_table: the pipeline on a labelled table, scored without showing it the labels."""

from __future__ import annotations

import csv

import pytest
from theme_inputs import FINANCEMENT, MOBILITE, NUMERIQUE

from corpus.config import Settings
from corpus.evaluate import evaluate_table, table_labels


@pytest.fixture()
def labelled(tmp_path):
    path = tmp_path / "avis.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["identifiant", "réponse", "sujet", "type"])
        for name, texts in (("financement", FINANCEMENT), ("mobilité", MOBILITE),
                            ("numérique", NUMERIQUE)):
            for i, text in enumerate(texts):
                kind = "levier" if any(w in text for w in ("aiderait", "Un ", "Une ", "Des "))\
                    else "difficulte"
                writer.writerow([f"{name[:3]}-{i:02d}", text, name, kind])
    return path


def test_labels_are_read_apart_with_the_pipeline_ids(labelled):
    labels = table_labels(labelled, label="sujet", id="identifiant", text="réponse")
    assert labels["fin-00"] == "financement" and len(labels) == 36


@pytest.fixture()
def fake_models(monkeypatch):
    """The fake embedder for every stage, and an orientation stub that reads cue words."""
    import types

    import pandas as pd

    import corpus.embed as embed
    import corpus.orient as orient

    fake = embed.FakeEmbedder(dim=64)
    monkeypatch.setattr(embed, "load_embedder", lambda name=None, **_: fake)
    monkeypatch.setattr(orient, "load_default_model",
                        lambda name=None: types.SimpleNamespace(embedder=None))

    def stub(frame, vectors, model):
        lever = frame["text"].str.match(r"(Un|Une|Des) ") | frame["text"].str.contains("aiderait")
        return pd.DataFrame({"orientation": lever.map({True: "levier", False: "difficulte"}),
                             "orientation_score": 1.0}, index=frame.index)

    monkeypatch.setattr(orient, "orient_segments", stub)


@pytest.mark.slow
def test_evaluate_scores_documents_without_seeing_labels(labelled, nlp, fake_models):
    scores = evaluate_table(labelled, text="réponse", label="sujet", id="identifiant",
                            settings=Settings(), nlp=nlp)
    assert scores["n_docs"] == 36
    assert 2 <= scores["n_themes"] <= 6
    assert scores["outlier_fraction"] <= 0.10
    assert scores["nmi"] >= 0.6 and scores["ari"] >= 0.4
    # grands thèmes: fewer than the themes, scored the same way (document level)
    assert 1 <= scores["n_groups"] <= scores["n_themes"]
    assert 0.0 <= scores["group_nmi"] <= 1.0
    if scores["n_groups"] == 1:
        assert scores["group_nmi"] == 0.0
    assert "orientation_macro_f1" not in scores


@pytest.mark.slow
def test_evaluate_scores_orientation_when_asked(labelled, nlp, fake_models):
    scores = evaluate_table(labelled, text="réponse", label="sujet", id="identifiant",
                            orientation="type", settings=Settings(), nlp=nlp)
    assert scores["orientation_macro_f1"] == 1.0  # the stub reads the same cues as the labels
