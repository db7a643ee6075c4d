"""Orientation features: the cues a scribe's wording gives away."""

from corpus.orient.features import cue_features


def test_cues_see_negation_and_infinitive_first_word():
    cues = cue_features(["Créer un annuaire partagé", "Les jeunes ne viennent pas", "Entre nous"])
    assert cues[0, -1] == 1 and cues[2, -1] == 0  # infinitive first word, not "entre"
    assert cues[1, 0] == 1 and cues[0, 0] == 0  # "ne ... pas"
