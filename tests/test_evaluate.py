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
    # grands thèmes: fewer than the themes, each gathering whole subjects; scored the same way
    # (document level): 3 subjects in 2 groups is at best NMI 0.73 (two subjects merged)
    assert 2 <= scores["n_groups"] < scores["n_themes"]
    assert scores["group_nmi"] >= 0.7
    assert "orientation_macro_f1" not in scores


@pytest.mark.slow
def test_labels_that_say_nothing_score_near_zero(labelled, tmp_path, nlp, fake_models):
    """The control: the same texts with their subjects shuffled get the same themes, and scores
    that tell the user the labels and the themes have nothing in common."""
    import numpy as np

    rows = list(csv.reader(labelled.open(encoding="utf-8"), delimiter=";"))
    subjects = [r[2] for r in rows[1:]]
    shuffled = np.random.default_rng(0).permutation(subjects)
    path = tmp_path / "melange.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(rows[0])
        writer.writerows([*r[:2], s, r[3]] for r, s in zip(rows[1:], shuffled, strict=True))
    scores = evaluate_table(path, text="réponse", label="sujet", id="identifiant",
                            settings=Settings(), nlp=nlp)
    assert scores["n_themes"] == 3
    assert scores["nmi"] < 0.2 and scores["group_nmi"] < 0.2 and scores["ari"] < 0.1


@pytest.mark.slow
def test_evaluate_scores_orientation_when_asked(labelled, nlp, fake_models):
    scores = evaluate_table(labelled, text="réponse", label="sujet", id="identifiant",
                            orientation="type", settings=Settings(), nlp=nlp)
    assert scores["orientation_macro_f1"] == 1.0  # the stub reads the same cues as the labels
