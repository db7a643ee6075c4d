"""Orientation of segments and documents: headings and given labels first, then the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus.orient import OrientationModel, document_orientation, orient_cascade, orient_segments


def _frame(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["text", "section_hint", "given_orientation"],
                        index=[f"n1#{i:03d}" for i in range(len(rows))])


def test_section_hint_wins_over_the_model(small_model, fake):
    frame = _frame([
        ("créer un annuaire partagé des partenaires", "difficulte", None),  # under "Freins"
        ("créer un annuaire partagé des partenaires", None, None),
    ])
    out = orient_segments(frame, fake.encode(frame["text"].tolist()), small_model)
    assert list(out.index) == list(frame.index)
    assert out.loc["n1#000", "orientation"] == "difficulte"
    assert out.loc["n1#000", "orientation_score"] == 1.0
    assert out.loc["n1#001", "orientation"] == "levier"
    assert 0.5 < out.loc["n1#001", "orientation_score"] < 1.0
    assert out["stance"].tolist() == ["difficulte", "levier"]


def test_given_orientation_is_kept_with_score_one(small_model, fake):
    frame = _frame([
        ("pas de transport en commun en zone rurale", "difficulte", "levier"),
        ("manque de coordination entre les structures", None, "levier"),
        ("manque de coordination entre les structures", np.nan, np.nan),
    ])
    out = orient_segments(frame, None, small_model)  # the model embeds with "fake" itself
    assert out["orientation"].tolist() == ["levier", "levier", "difficulte"]
    assert out["orientation_score"].tolist()[:2] == [1.0, 1.0]


def test_empty_frame_gives_empty_result(small_model):
    out = orient_segments(_frame([]), None, small_model)
    assert out.empty and list(out.columns) == ["orientation", "orientation_score", "stance"]


def test_document_takes_the_majority_of_its_segments():
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "b", "c", "c"],
        "orientation": ["levier", "difficulte", "levier", "autre", "difficulte", "autre", "autre"],
        "orientation_score": [0.6, 0.9, 0.7, 0.99, 0.55, 0.8, 0.7],
    })
    docs = document_orientation(segments)
    # context does not outvote content; a document of context only is "autre"
    assert docs.to_dict() == {"a": "levier", "b": "difficulte", "c": "autre"}
    assert docs.index.name == "doc_id"


def test_document_of_context_only_takes_the_side_its_segments_lean_to():
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c"],
        "orientation": ["autre", "autre", "autre", "autre"],
        "orientation_score": [0.7, 0.6, 0.9, 1.0],
        "stance": ["levier", "levier", "difficulte", None],  # c: under a "Contacts" heading
    })
    assert document_orientation(segments).to_dict() == {
        "a": "levier", "b": "difficulte", "c": "autre"
    }


def test_one_content_segment_outvotes_the_lean_of_the_context_around_it():
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "a", "a", "b"],
        "orientation": ["autre", "autre", "autre", "difficulte", "autre"],
        "orientation_score": [0.9, 0.9, 0.9, 0.51, 0.8],
        "stance": ["levier", "levier", "levier", "difficulte", "levier"],
    })
    docs = document_orientation(segments)
    assert docs.to_dict() == {"a": "difficulte", "b": "levier"}
    assert list(docs.index) == ["a", "b"]


def test_document_tie_breaks_by_scores_then_difficulte_first():
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"],
        "orientation": ["difficulte", "levier", "levier", "difficulte"],
        "orientation_score": [0.6, 0.9, 0.7, 0.7],
    })
    assert document_orientation(segments).to_dict() == {"a": "levier", "b": "difficulte"}


CASCADE_TEXTS = [
    ("pas de transport en commun en zone rurale", None),
    ("créer un annuaire partagé des partenaires", None),
    ("les horaires des permanences", None),  # neither side's words: the lexical model is unsure
    ("des ateliers avec les employeurs", None),
    ("renforcer le lien avec les OPCO", "difficulte"),  # under a "Freins" heading: no model
    ("tour de table des structures présentes", None),
]


@pytest.fixture(scope="module")
def lexical(bullets) -> OrientationModel:
    texts = [t for label in ("difficulte", "levier", "autre") for t in bullets[label]]
    labels = [label for label in ("difficulte", "levier", "autre") for _ in bullets[label]]
    return OrientationModel(embedder=None, n_bits=12, C=10.0, min_df=1).fit(texts, labels)


class CountingEmbedder:
    """The fake embedder, keeping the texts it was asked to embed."""

    def __init__(self, fake):
        self.fake, self.texts = fake, []

    def __call__(self, texts):
        self.texts += list(texts)
        return self.fake.encode(list(texts))


def _cascade_frame() -> pd.DataFrame:
    return _frame([(text, hint, None) for text, hint in CASCADE_TEXTS])


def test_cascade_embeds_only_the_segments_the_lexical_model_is_unsure_of(lexical, small_model,
                                                                          fake):
    frame = _cascade_frame()
    alone = orient_segments(frame, None, lexical)["orientation_score"]
    decided = alone[frame["section_hint"].isna()].sort_values()
    below = float(decided.iloc[1:3].mean())  # the 2 least sure of 5 go to the second model
    counting = CountingEmbedder(fake)
    out, unsure = orient_cascade(frame, lexical, small_model, counting, below)
    assert frame.index[unsure].tolist() == sorted(decided.index[:2])
    assert counting.texts == frame.loc[unsure, "text"].tolist()
    full = orient_segments(frame, fake.encode(frame["text"].tolist()), small_model)
    pd.testing.assert_frame_equal(out.loc[unsure], full.loc[unsure])
    pd.testing.assert_frame_equal(out.loc[~unsure], orient_segments(frame, None, lexical)
                                  .loc[~unsure])
    assert out["orientation_score"].between(0, 1).all()


def test_cascade_at_0_is_the_lexical_model_and_at_1_the_embedding_one(lexical, small_model,
                                                                       fake):
    frame = _cascade_frame()
    never = CountingEmbedder(fake)
    out, unsure = orient_cascade(frame, lexical, small_model, never, 0.0)
    assert never.texts == [] and not unsure.any()
    pd.testing.assert_frame_equal(out, orient_segments(frame, None, lexical))
    always = CountingEmbedder(fake)
    out, unsure = orient_cascade(frame, lexical, small_model, always, 1.0)
    # every segment the model decides is embedded; the one under a heading is not
    assert always.texts == [t for t, hint in CASCADE_TEXTS if hint is None]
    pd.testing.assert_frame_equal(
        out, orient_segments(frame, fake.encode(frame["text"].tolist()), small_model))
    assert not out.equals(orient_segments(frame, None, lexical))  # the two models differ here
