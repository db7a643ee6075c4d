"""A small distinct concern is a theme beside big ones (issue 21), on real texts.

Open answers of the Grand Débat (`../shared/data/granddebat_questions/`, read in place, never
copied): three questions of 120 answers and ten answers of a fourth, written in two ateliers,
through the real embedder and `fit_themes`. An open question's answers speak of several things;
the ten are one concern: those nearest the centre of their question's answers. The former rule
(a smallest theme of 0.25 n^0.65, about 12 segments here and 30 at 1,000) could not keep them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from real_answers import ON_REAL_ANSWERS

from corpus.config import Settings
from corpus.embed import load_embedder
from corpus.themes import fit_themes

pytestmark = ON_REAL_ANSWERS


def _segments(answers: pd.DataFrame, big: list[str], small: str, encode) -> pd.DataFrame:
    parts = [answers[answers["label"] == q].head(120) for q in big]
    pool = answers[answers["label"] == small]
    v = np.asarray(encode(pool["text"].tolist()), dtype=np.float64)
    centre = v.mean(axis=0)
    parts.append(pool.iloc[np.sort(np.argsort(-(v @ centre), kind="stable")[:10])])
    table = pd.concat(parts, ignore_index=True)
    is_small = table["label"] == small
    # the big subjects over twenty ateliers, the small one in two of them
    atelier = [f"a{i % 2:02d}" if s else f"a{i % 20:02d}" for i, s in enumerate(is_small)]
    return pd.DataFrame({
        "segment_id": table["id"], "doc_id": table["id"], "territory_id": "t",
        "event_id": "e", "atelier_id": atelier, "text": table["text"],
        "lemmas": table["text"].str.lower(), "subject": table["label"],
    })


@pytest.mark.parametrize("small", [3, 10, 17])
def test_a_subject_of_ten_answers_from_two_ateliers_is_a_theme_of_its_own(answers, small):
    questions = sorted(answers["label"].unique())
    big = [q for q in (questions[0], questions[6], questions[13]) if q != questions[small]]
    settings = Settings()
    encode = load_embedder(settings.embedder_themes).encode
    segments = _segments(answers, big, questions[small], encode)
    x = encode(segments["text"].tolist())
    result = fit_themes(segments, x, seed=42, settings=settings)
    merged = segments.merge(result.assignments, on="segment_id")
    found = merged[merged["subject"] == questions[small]]["theme_id"].dropna()
    assert len(found), "the ten answers are left outside every theme"
    theme = found.mode().iloc[0]
    members = merged[merged["theme_id"] == theme]["subject"]
    # most of the ten are together, in a theme of their own size, not dissolved in a big
    # subject (120 answers): answers of other questions that say the same may join them
    assert (found == theme).sum() >= 6, found.value_counts()
    assert len(members) <= 40, members.value_counts()
    assert 3 <= len(result.themes) <= 12  # the big subjects are not shattered
