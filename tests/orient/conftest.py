"""Shared data of the orientation tests: bullets as scribes write them, a fake embedder and a
small model trained on them."""

from __future__ import annotations

import pytest

from corpus.embed import FakeEmbedder
from corpus.orient import OrientationModel

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


@pytest.fixture(scope="session")
def bullets() -> dict[str, list[str]]:
    return {"difficulte": DIFFICULTES, "levier": LEVIERS, "autre": AUTRES}


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
