"""Headings chosen as queries: the phrase of its own segments that best finds them."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pandas as pd
import pytest

from corpus.config import Settings
from corpus.text.french import fold
from corpus.themes import describe
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
    assert query_auc(np.array([0.5, 0.5, 0.5, 0.5]), member).tolist() == [0.5]  # ties: half


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


def test_a_phrase_written_more_widely_wins_when_it_finds_the_theme_nearly_as_well():
    raw = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 1, 0], [0.6, 0, 0.8]])
    members = [np.array([0, 1]), np.array([2, 3])]
    narrow = cand("impact ecologique", "Impact écologique", {0})
    wide = cand("transition ecologique", "Transition écologique", {0, 1})
    vectors = {"Impact écologique": [1, 0, 0], "Transition écologique": [1, 1, 0]}

    def encode(texts):
        return np.array([vectors[t] for t in texts], dtype=float)

    def heading(tolerance):
        found = [{c.key: c for c in (narrow, wide)}, {}]
        return central_labels(found, [["ecologique"], ["eau"]], [0, 1], raw, members, encode,
                              seed=0, single=1.0, tolerance=tolerance)[0]

    assert heading(0.05)[0] == "Impact écologique" and heading(0.05)[2] == 1.0
    assert heading(0.2)[0] == "Transition écologique" and heading(0.2)[2] == 0.875


def test_every_group_gets_its_own_heading():
    raw = np.eye(4)
    members = [np.array([0, 1]), np.array([2, 3])]
    same = cand("financement parcours", "Financement des parcours", {0})
    found = [{same.key: same}, {same.key: same}]
    picked = central_labels(found, [["financement"], ["financement", "parcours"]], [0, 1], raw,
                            members, lambda t: np.ones((len(t), 4)), seed=0, single=1.0)
    assert picked[0][0] == "Financement des parcours"
    assert picked[1][0] != picked[0][0] and not picked[1][1]  # the next key term instead


# -- on written notes, through `describe` as the themes stage runs it ---------------------------

# Three concerns of an employment démarche, six notes each, written for this test. Their words
# overlap (« emploi », « horaires décalés », « formation », « jeunes », « parents ») as in a
# real atelier's notes.
NOTES = {
    "mobilité": [
        "Sans voiture, la mobilité des jeunes vers les zones d'emploi reste très difficile.",
        "Les horaires de bus ne correspondent pas aux horaires décalés des entreprises.",
        "Le permis de conduire coûte cher et les délais d'examen sont longs.",
        "La mobilité des jeunes passe par le covoiturage et des aides au permis de conduire.",
        "Beaucoup de candidats refusent un emploi faute de voiture ou de transport.",
        "Une plateforme de mobilité prête des scooters aux jeunes pour aller travailler.",
    ],
    "garde": [
        "La garde des enfants empêche les mères isolées de reprendre un emploi.",
        "Les places en crèche manquent pour les parents en formation.",
        "Trouver une assistante maternelle en horaires décalés est presque impossible.",
        "La garde des enfants le mercredi reste un frein pour les parents.",
        "Une crèche à vocation d'insertion réserve des places aux parents demandeurs d'emploi.",
        "Sans solution de garde des enfants, les parents renoncent à la formation.",
    ],
    "financement": [
        "Le financement des formations prend des mois et les stagiaires abandonnent.",
        "Les délais de financement des formations découragent les entreprises.",
        "Le compte personnel de formation ne couvre pas le coût total.",
        "Les organismes de formation attendent l'accord de financement pour ouvrir une session.",
        "Le financement des formations par la région arrive trop tard pour les jeunes.",
        "Un reste à charge de quelques centaines d'euros bloque l'entrée en formation.",
    ],
}
_STOP = frozenset("les des une aux pour par sur sans dans est sont pas qui que reste très "
                  "trop".split())


def bag_of_words(texts: list[str]) -> np.ndarray:
    """A small deterministic embedder: hashed words (folded, plural 's' dropped), L2-normed."""
    out = np.zeros((len(texts), 1024))
    for i, text in enumerate(texts):
        for word in re.findall(r"\w{3,}", fold(text)):
            if word not in _STOP:
                out[i, zlib.crc32(word.removesuffix("s").encode()) % 1024] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def notes(nlp):
    rows = [(subject, text) for subject, texts in NOTES.items() for text in texts]
    docs = list(nlp.pipe([text for _, text in rows]))
    frame = pd.DataFrame({
        "segment_id": [f"s{i:02d}" for i in range(len(rows))],
        "doc_id": [f"d{i % 4}" for i in range(len(rows))],
        "territory_id": "t1", "event_id": "e1",
        "atelier_id": [f"a{i % 4}" for i in range(len(rows))],
        "text": [text for _, text in rows],
        "lemmas": [" ".join(t.lemma_.lower() for t in d if t.is_alpha and not t.is_stop)
                   for d in docs],
        "orientation": None,
    })
    labels = np.array([list(NOTES).index(subject) for subject, _ in rows])
    return frame, labels


def test_each_label_is_written_in_its_notes_and_finds_them_better_than_the_top_word(nlp, notes):
    frame, labels = notes
    raw = bag_of_words(frame["text"].tolist())
    result = describe.describe(frame, raw, labels, raw, [], Settings(), {}, nlp=nlp,
                               encode=bag_of_words)
    themes = {t["theme_id"]: t for t in result.themes}
    of = result.assignments.set_index("segment_id")["theme_id"].reindex(frame["segment_id"])
    assert len(themes) == 3
    gains = []
    for tid, theme in themes.items():
        member = (of == tid).to_numpy()
        written = frame.loc[member, "text"].str.lower()
        assert theme["label_is_phrase"], theme["label"]
        assert written.str.contains(theme["label"].lower(), regex=False).any(), theme["label"]
        queries = bag_of_words([theme["label"], theme["terms"][0]])
        label_auc, term_auc = query_auc(raw @ queries.T, member)
        assert label_auc >= term_auc, (theme["label"], label_auc, theme["terms"][0], term_auc)
        gains.append(label_auc - term_auc)
    assert np.mean(gains) >= 0.05, gains
    assert len({t["label"] for t in themes.values()}) == 3


def test_without_an_embedder_the_labels_cover_the_key_terms(nlp, notes):
    frame, labels = notes
    raw = bag_of_words(frame["text"].tolist())
    result = describe.describe(frame, raw, labels, raw, [], Settings(), {}, nlp=nlp)
    assert all(t["label"] for t in result.themes)


def test_grands_themes_are_headed_by_a_phrase_of_their_notes(nlp, notes):
    frame, labels = notes
    raw = bag_of_words(frame["text"].tolist())
    result = describe.describe(frame, raw, labels, raw, [], Settings(), {}, nlp=nlp,
                               encode=bag_of_words)
    theme_labels = {t["theme_id"]: t["label"] for t in result.themes}
    texts = frame["text"].str.lower()
    assert result.groups
    for group in result.groups:
        assert texts.str.contains(group["label"].lower(), regex=False).any(), group["label"]
        if len(group["theme_ids"]) > 1:
            assert group["label"] not in theme_labels.values()


def test_a_grand_theme_of_one_theme_takes_its_heading_the_others_a_phrase_of_their_own(
        nlp, notes):
    frame, labels = notes
    raw = bag_of_words(frame["text"].tolist())
    # mobility and childcare in one grand thème, financing alone in another
    result = describe.describe(frame, raw, labels, raw, [], Settings(), {}, nlp=nlp,
                               encode=bag_of_words, of_theme=np.array([0, 0, 1]))
    by_index = {t["theme_id"]: t for t in result.themes}
    groups = {g["group_id"]: g for g in result.groups}
    alone = next(g for g in groups.values() if len(g["theme_ids"]) == 1)
    both = next(g for g in groups.values() if len(g["theme_ids"]) == 2)
    assert alone["label"] == by_index[alone["theme_ids"][0]]["label"]
    assert both["label"] not in {by_index[t]["label"] for t in both["theme_ids"]}
    assert frame["text"].str.lower().str.contains(both["label"].lower(), regex=False).any()


def test_phrases_outside_the_key_terms_are_still_embedded_after_those_that_cover_them():
    from corpus.themes.headings import shortlist
    from corpus.themes.labels import Candidate

    found = {
        "cfa": Candidate("cfa", ("cfa",), {0, 1, 2}, {"CFA": {0, 1, 2}}),
        "référent unique apprentissage": Candidate(
            "référent unique apprentissage", ("référent", "unique", "apprentissage"), {0, 1},
            {"Référent unique apprentissage": {0, 1}}),
        "mentorat": Candidate("mentorat", ("mentorat",), {3}, {"Mentorat": {3}}),
    }
    listed = [c.key for c in shortlist(found, ["cfa", "cma"], single=0.3, size=3)]
    assert listed == ["cfa", "référent unique apprentissage", "mentorat"]
    assert [c.key for c in shortlist(found, ["cfa"], single=0.3, size=2)] == [
        "cfa", "référent unique apprentissage"]
