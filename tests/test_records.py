"""Domain records: the orientation labels teams write in their own tables."""

import pytest

from corpus.records import orientation_label


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("difficulte", "difficulte"), ("Difficulté", "difficulte"), ("constat", "difficulte"),
        ("Freins", "difficulte"), ("difficulte_constat", "difficulte"), ("levier", "levier"),
        ("Proposition", "levier"), ("pistes", "levier"), ("levier_proposition", "levier"),
        ("Levier / proposition", "levier"), ("autre", "autre"), ("", None), (None, None),
        (float("nan"), None),
    ],
)
def test_labels_are_read_in_their_usual_spellings(value, expected):
    assert orientation_label(value) == expected


def test_unknown_label_is_refused_in_french():
    with pytest.raises(ValueError, match="inconnue.*difficulte"):
        orientation_label("peut-être")
