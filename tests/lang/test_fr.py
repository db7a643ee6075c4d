"""French language data: one list each, shared by the stages that once kept their own."""

from __future__ import annotations

import pytest

from corpus.lang.fr import NAME_PARTICLES, ORIENTATION_LABELS, SECTION_CUES, fold, singular
from corpus.records import orientation_label
from corpus.text import names, protect_eval
from corpus.text.segment import section_hint


@pytest.mark.parametrize(("word", "expected"), [
    ("freins", "frein"), ("pistes", "piste"), ("travaux", "travau"), ("bus", "bus"),
    ("gens", "gen"), ("levier", "levier"), ("pas", "pas"), ("", "")])
def test_singular_drops_a_plural_mark_from_four_letters_on(word, expected):
    assert singular(word) == expected


def test_a_longer_minimum_keeps_short_words():
    assert singular("gens", min_length=5) == "gens"
    assert singular("actions", min_length=5) == "action"


@pytest.mark.parametrize(("heading", "expected"), [
    ("Freins :", "difficulte"), ("## Pistes d'action", "levier"),
    ("Points de vigilance", "difficulte"), ("Prochaines étapes", "levier"),
    ("Déroulement", "autre"), ("Mobilité", None)])
def test_section_cues_read_plural_and_accented_headings(heading, expected):
    assert section_hint(heading) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("Difficulté", "difficulte"), ("levier_proposition", "levier"), ("Contexte", "autre"),
    ("Leviers / propositions", "levier")])
def test_table_labels_read_as_orientations(written, expected):
    assert orientation_label(written) == expected


def test_every_cue_and_label_is_folded_and_names_an_orientation():
    for word, orientation in {**ORIENTATION_LABELS, **SECTION_CUES}.items():
        assert word == fold(word)
        assert orientation in ("difficulte", "levier", "autre")


def test_the_pseudonymiser_and_its_evaluator_share_the_particles():
    """The evaluator once knew 16 particles, the pseudonymiser 26: "ould", "del" or "ibn" in a
    reference name counted against a span that rightly left them out."""
    assert names.PARTICLES == NAME_PARTICLES
    assert protect_eval.PARTICLES == NAME_PARTICLES | {"d'"}
    assert {"ould", "del", "ibn", "de", "van"} <= NAME_PARTICLES
