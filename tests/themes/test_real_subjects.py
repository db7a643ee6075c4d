"""Real texts grouped by known subjects: the number of themes follows the subjects.

Open answers of the Grand Débat (`../shared/data/granddebat_questions/`, read in place, never
copied): 3, 8 and 20 questions, 40 answers each, through the whole pipeline as `corpus evaluate`
runs it (segmentation, pseudonymisation, the real embedder, themes with spaCy labels).
"""

from __future__ import annotations

import pytest
from real_answers import ON_REAL_ANSWERS

from corpus.evaluate import evaluate_table

pytestmark = ON_REAL_ANSWERS


@pytest.mark.parametrize("n_questions", [3, 8, 20])
def test_the_number_of_themes_follows_the_number_of_subjects(answers, n_questions, tmp_path):
    questions = sorted(answers["label"].unique())
    step = len(questions) / n_questions
    chosen = [questions[int(i * step)] for i in range(n_questions)]
    table = answers[answers["label"].isin(chosen)].groupby("label").head(40)
    path = tmp_path / "reponses.csv"
    table[["id", "text", "label"]].to_csv(path, index=False)
    scores = evaluate_table(path, text="text", label="label", id="id")
    assert n_questions / 2 <= scores["n_themes"] <= 2 * n_questions, scores
    assert scores["nmi"] > 0.3, scores  # themes follow the questions, not an arbitrary cut
    assert scores["document_outlier_fraction"] <= 0.10
