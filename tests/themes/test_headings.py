"""Headings chosen as queries: the phrase that best finds its own theme's segments."""

import numpy as np

from corpus.themes.headings import central_labels, query_auc
from corpus.themes.labels import Candidate


def cand(key: str, spelling: str, segments: set[int]) -> Candidate:
    c = Candidate(key, tuple(key.split()))
    c.segments, c.spellings = set(segments), {spelling: set(segments)}
    return c


def test_auc_is_the_share_of_member_non_member_pairs_ranked_right():
    member = np.array([True, True, False, False])
    assert query_auc(np.array([0.9, 0.8, 0.1, 0.2]), member).tolist() == [1.0]
    assert query_auc(np.array([0.1, 0.2, 0.9, 0.8]), member).tolist() == [0.0]
    assert query_auc(np.array([0.9, 0.3, 0.5, 0.2]), member).tolist() == [0.75]


def test_the_phrase_nearest_its_own_segments_wins_over_the_frequent_word():
    # segments of theme 0 lie along axis 0, of theme 1 along axis 1
    raw = np.array([[1, 0.1, 0], [1, 0, 0.1], [0.9, 0.2, 0], [0.1, 1, 0], [0, 1, 0.1]])
    members = [np.array([0, 1, 2]), np.array([3, 4])]
    vectors = {"Voiture": [0.5, 0.5, 0.7], "Mobilité sans voiture": [1, 0, 0],
               "Garde des enfants": [0, 1, 0]}
    found = [{"voiture": cand("voiture", "Voiture", {0, 1, 2}),
              "mobilite voiture": cand("mobilite voiture", "Mobilité sans voiture", {1})},
             {"garde enfant": cand("garde enfant", "Garde des enfants", {0})}]
    terms = [["voiture", "mobilite"], ["garde", "enfant"]]

    def encode(texts):
        return np.array([vectors[t] for t in texts], dtype=float)

    picked = central_labels(found, terms, [0, 1], raw, members, encode, seed=0, single=1.0)
    assert [p[0] for p in picked] == ["Mobilité sans voiture", "Garde des enfants"]
    assert all(p[1] and p[2] == 1.0 for p in picked)  # written once is enough


def test_every_group_gets_its_own_heading():
    raw = np.eye(4)
    members = [np.array([0, 1]), np.array([2, 3])]
    same = cand("financement parcours", "Financement des parcours", {0})
    found = [{same.key: same}, {same.key: same}]
    picked = central_labels(found, [["financement"], ["financement", "parcours"]], [0, 1], raw,
                            members, lambda t: np.ones((len(t), 4)), seed=0, single=1.0)
    assert picked[0][0] == "Financement des parcours"
    assert picked[1][0] != picked[0][0] and not picked[1][1]  # the next key term instead
