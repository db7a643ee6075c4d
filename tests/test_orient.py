"""Orientation: hints and given labels first, the model otherwise, documents by majority."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpus.embed import FakeEmbedder
from corpus.orient import (
    OrientationModel,
    cue_features,
    default_model_path,
    document_orientation,
    load_default_model,
    normalise_label,
    orient_segments,
    train_from_table,
)

DIFFICULTES = [
    "délais de financement trop longs",
    "pas de transport en commun en zone rurale",
    "manque de coordination entre les structures",
    "les jeunes ne viennent pas aux rendez-vous",
    "difficile de joindre les conseillers",
    "trop de dispositifs, le public s'y perd",
    "peu de retours des employeurs",
    "absence d'outil partagé pour suivre les parcours",
]
LEVIERS = [
    "créer un annuaire partagé des partenaires",
    "mettre en place un référent unique",
    "développer les immersions en entreprise",
    "il faudrait des réunions d'information communes",
    "renforcer le lien avec les OPCO",
    "proposer des permanences dans les mairies",
    "organiser des petits-déjeuners avec les employeurs",
    "mutualiser les outils de diagnostic",
]
AUTRES = [
    "atelier animé en world café",
    "tour de table des structures présentes",
    "douze participants, bonne ambiance",
    "présentation de la démarche par la coordinatrice",
]


@pytest.fixture(scope="module")
def fake() -> FakeEmbedder:
    return FakeEmbedder(dim=32)


@pytest.fixture(scope="module")
def small_model(fake: FakeEmbedder) -> OrientationModel:
    texts = DIFFICULTES + LEVIERS + AUTRES
    labels = ["difficulte"] * 8 + ["levier"] * 8 + ["autre"] * 4
    return OrientationModel(embedder="fake", n_bits=12, C=10.0, min_df=1).fit(
        texts, labels, fake.encode(texts)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("difficulte", "difficulte"), ("Difficulté", "difficulte"), ("constat", "difficulte"),
        ("Freins", "difficulte"), ("difficulte_constat", "difficulte"), ("levier", "levier"),
        ("Proposition", "levier"), ("pistes", "levier"), ("levier_proposition", "levier"),
        ("autre", "autre"), ("", None), (None, None),
    ],
)
def test_labels_are_read_in_their_usual_spellings(value, expected):
    assert normalise_label(value) == expected


def test_unknown_label_is_refused_in_french():
    with pytest.raises(ValueError, match="inconnue"):
        normalise_label("peut-être")


def test_cues_see_negation_and_infinitive_first_word():
    cues = cue_features(["Créer un annuaire partagé", "Les jeunes ne viennent pas", "Entre nous"])
    assert cues[0, -1] == 1 and cues[2, -1] == 0  # infinitive first word, not "entre"
    assert cues[1, 0] == 1 and cues[0, 0] == 0  # "ne ... pas"


def test_model_learns_the_training_bullets(small_model, fake):
    texts = DIFFICULTES + LEVIERS
    predicted = small_model.predict(texts, fake.encode(texts))
    assert predicted == ["difficulte"] * 8 + ["levier"] * 8
    proba = small_model.predict_proba(texts, fake.encode(texts))
    assert proba.shape == (16, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_binary_model_gives_two_columns(fake):
    texts = DIFFICULTES + LEVIERS
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


def test_wrong_embedding_size_is_refused(small_model):
    with pytest.raises(ValueError, match="dimension"):
        small_model.predict_proba(["créer un guide"], np.zeros((1, 8), dtype=np.float32))


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


def test_document_tie_breaks_by_scores_then_difficulte_first():
    segments = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"],
        "orientation": ["difficulte", "levier", "levier", "difficulte"],
        "orientation_score": [0.6, 0.9, 0.7, 0.7],
    })
    assert document_orientation(segments).to_dict() == {"a": "levier", "b": "difficulte"}


def test_train_from_table_reports_metrics_and_saves_a_loadable_model(tmp_path, nlp):
    rows = [(t, "Difficulté") for t in DIFFICULTES] + [(t, "proposition") for t in LEVIERS]
    table = pd.DataFrame(rows, columns=["Verbatim", "Type"])
    path = tmp_path / "retours.csv"
    table.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    result = train_from_table(
        path, text="Verbatim", label="Type", embedder="lexical", out=tmp_path / "m", nlp=nlp,
        folds=4, n_bits=12,
    )
    assert result["labels"] == {"difficulte": 8, "levier": 8}
    assert result["rows"] == 16 and result["folds"] == 4
    assert 0.0 <= result["macro_f1_documents"] <= 1.0
    model = OrientationModel.load(result["model"])
    assert model.classes_ == ["difficulte", "levier"]
    assert model.info_["table"] == "retours.csv"


def test_train_from_table_refuses_a_single_label(tmp_path, nlp):
    path = tmp_path / "t.csv"
    pd.DataFrame({"texte": DIFFICULTES, "orientation": "frein"}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="au moins deux"):
        train_from_table(path, text="texte", label="orientation", embedder="lexical", nlp=nlp)


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


GRANDDEBAT = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "granddebat_reunions" / "units.csv"
)


@pytest.mark.slow
@pytest.mark.skipif(not GRANDDEBAT.exists(), reason="données partagées absentes")
def test_lexical_model_generalises_to_a_held_out_region(nlp):
    """Trained on three régions, judged on a fourth, per document (majority of segments)."""
    from sklearn.metrics import f1_score

    from corpus.ingest import read_table
    from corpus.orient import segment_weights
    from corpus.text.segment import segment_notes
    from corpus.store import segments_frame

    units = pd.read_csv(GRANDDEBAT).set_index("id")
    demarche = read_table(GRANDDEBAT, text="text", id="id", territory="region")
    train_regions = {"Nouvelle-Aquitaine", "Hauts-de-France", "Normandie"}
    notes = [n for n in demarche.notes if n.territory_id in train_regions | {"Bretagne"}]
    segments = segments_frame(segment_notes(notes, nlp=nlp))
    segments["label"] = segments["doc_id"].map(units["kind"])
    train = segments[segments["territory_id"].isin(train_regions)]
    test = segments[segments["territory_id"] == "Bretagne"]
    model = OrientationModel(embedder=None).fit(
        train["text"], train["label"], sample_weight=segment_weights(train["doc_id"])
    )
    found = orient_segments(test, None, model)
    docs = document_orientation(test.drop(columns=list(found.columns), errors="ignore").join(found))
    truth = docs.index.map(units["kind"]).map(normalise_label)
    assert f1_score(truth, docs, average="macro", labels=["difficulte", "levier"]) >= 0.80
