"""The French sanity check a freshly built model must pass (corpus.embed.checks)."""

from __future__ import annotations

import numpy as np
import pytest

from corpus.embed.checks import sanity_check
from corpus.embed.provision import ModelError


def test_sanity_check_refuses_a_model_that_confuses_topics():
    def confused(texts):  # the rainy port of Marseille lands nearer than the paraphrase
        return np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)

    with pytest.raises(ModelError, match="contrôle de cohérence"):
        sanity_check(confused, "faux")


def test_sanity_check_scores_a_model_that_ranks_the_paraphrase_first():
    def sound(texts):  # query and paraphrase share a direction, the distractors do not
        return np.eye(4, dtype=np.float32)[[0, 0, 1, 2]]

    assert sanity_check(sound, "bon") == {"paraphrase": 1.0, "distractor_max": 0.0}
