"""The orientation model: fit, probabilities, files, and the shipped model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus.orient import (
    OrientationModel,
    default_model_path,
    load_default_model,
    orient_segments,
)


def test_model_learns_the_training_bullets(small_model, fake, bullets):
    texts = bullets["difficulte"] + bullets["levier"]
    predicted = small_model.predict(texts, fake.encode(texts))
    assert predicted == ["difficulte"] * 8 + ["levier"] * 8
    proba = small_model.predict_proba(texts, fake.encode(texts))
    assert proba.shape == (16, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_binary_model_gives_two_columns(fake, bullets):
    texts = bullets["difficulte"] + bullets["levier"]
    model = OrientationModel(embedder=None, n_bits=12).fit(texts, ["frein"] * 8 + ["piste"] * 8)
    assert model.classes_ == ["difficulte", "levier"]
    assert model.predict_proba(["manque de places en formation"]).shape == (1, 2)


def test_save_load_round_trip_gives_identical_probabilities(small_model, fake, tmp_path):
    path = small_model.save(tmp_path / "modele.npz")
    loaded = OrientationModel.load(path)
    texts = ["pas de bus le samedi", "créer un guide commun", "les échanges ont été riches"]
    vectors = fake.encode(texts)
    assert loaded.classes_ == small_model.classes_
    assert np.array_equal(
        loaded.predict_proba(texts, vectors), small_model.predict_proba(texts, vectors)
    )
    assert loaded.embedder == "fake" and loaded.dim_ == 32


def test_settings_are_scikit_learn_params_and_saved_as_such(small_model, tmp_path):
    from sklearn.base import clone

    params = small_model.get_params()
    assert params["n_bits"] == small_model.n_bits and params["embedder"] == "fake"
    copy = clone(small_model).set_params(C=0.5)
    assert copy.C == 0.5 and copy.n_bits == small_model.n_bits and not hasattr(copy, "coef_")
    import json

    meta = json.loads(small_model.save(tmp_path / "m.npz").with_suffix(".json").read_text())
    assert meta["params"] == {k: list(v) if isinstance(v, tuple) else v
                              for k, v in params.items()}


def test_shipped_models_score_as_the_stored_weights_say():
    """The shipped lexical model: probabilities are the softmax of the stored weights times
    the hand-written features (sublinear TF x smoothed IDF, unit rows, cues)."""
    from scipy.special import softmax

    from corpus.orient import features

    model = OrientationModel.load(default_model_path("lexical"))
    texts = ["Manque de transports en commun le soir", "Créer un guichet unique"]
    word, char = model._counts(texts)

    def hand(counts, df):
        dense = counts.toarray()
        tf = np.where(dense > 0, 1 + np.log(np.maximum(dense, 1)), 0)
        idf = (np.log((1 + model.n_docs_) / (1 + df)) + 1) * (df >= model.min_df)
        raw = tf * idf
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12)

    x = np.hstack([model.word_weight * hand(word, model.word_df_),
                   model.char_weight * hand(char, model.char_df_),
                   model.cue_weight * features.cue_features(texts)])
    expected = softmax(x @ model.coef_.T.astype(np.float64) + model.intercept_, axis=1)
    assert np.abs(model.predict_proba(texts) - expected).max() < 1e-6


def test_wrong_embedding_size_is_refused(small_model):
    with pytest.raises(ValueError, match="dimension"):
        small_model.predict_proba(["créer un guide"], np.zeros((1, 8), dtype=np.float32))


# -- the shipped model, as a user would check it -------------------------------------------------

# Bullets written for this test, in the way scribes write them; none is in the training data.
CLEAR = [
    ("les conseillers ne connaissent pas l'offre de service de la Mission locale", "difficulte"),
    ("délais d'attente trop longs pour obtenir un rendez-vous", "difficulte"),
    ("pas de solution de garde d'enfants pendant la formation", "difficulte"),
    ("manque d'information sur les métiers qui recrutent", "difficulte"),
    ("les entreprises du bassin sont difficiles à mobiliser", "difficulte"),
    ("trop de démarches administratives pour les demandeurs", "difficulte"),
    ("peu de formations disponibles près de chez soi", "difficulte"),
    ("les partenaires se renvoient les personnes sans suivi", "difficulte"),
    ("absence de référent pour les salariés en reconversion", "difficulte"),
    ("les outils des différents réseaux ne communiquent pas entre eux", "difficulte"),
    ("créer un répertoire commun des contacts de chaque structure", "levier"),
    ("mettre en place des réunions trimestrielles entre conseillers", "levier"),
    ("développer les stages d'observation en entreprise", "levier"),
    ("proposer une permanence commune une fois par mois", "levier"),
    ("renforcer l'accompagnement des seniors vers la reconversion", "levier"),
    ("il faudrait un formulaire unique d'orientation entre partenaires", "levier"),
    ("organiser des visites croisées des structures", "levier"),
    ("s'appuyer sur les centres sociaux pour informer les familles", "levier"),
    ("la plateforme partagée facilite le suivi des orientations", "levier"),
    ("former les conseillers aux métiers du numérique", "levier"),
]


def test_default_model_ships_and_records_its_embedder():
    """The configured embedder's model when one ships, else the shipped lexical model."""
    model = load_default_model()
    if default_model_path().exists():
        assert model.embedder == "e5-small" and model.embedder_fingerprint_
    else:
        assert default_model_path().with_name("orient_model-lexical.npz").exists()
        assert model.embedder is None
    assert set(model.classes_) == {"difficulte", "levier", "autre"}


@pytest.mark.slow
def test_default_model_orients_clear_cep_bullets():
    model = load_default_model()
    frame = pd.DataFrame({"text": [t for t, _ in CLEAR], "section_hint": None,
                          "given_orientation": None})
    out = orient_segments(frame, None, model)
    correct = sum(o == e for o, (_, e) in zip(out["orientation"], CLEAR, strict=True))
    assert correct >= 16, list(zip(out["orientation"], CLEAR, strict=True))
